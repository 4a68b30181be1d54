"""A shared helper for browser tests: the app served on 127.0.0.1, and Debian's headless Chromium
driven by selenium through Debian's chromedriver (both installed by `scripts/bootstrap dev`), with
every request leaving the machine blocked and every request the page makes recorded.

    with serve(create_app(runner=runner)) as base, chromium(tmp_path) as browser:
        browser.get(base + "/graphql")
        browser.requests()          # every URL the browser asked for, in order
        browser.screenshot("name")  # tests/artifacts/name.png (git-ignored): look at it
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: flags that work on this kind of machine (root, no GPU, no display), and the network blocks:
#: every host but loopback goes to a proxy where nothing listens, and no name resolves
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1400,900", "--lang=zh-CN",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
#: installed before any page script: records Content-Security-Policy violations in the page
CSP_RECORDER = ("window.__cspViolations = [];"
                "document.addEventListener('securitypolicyviolation', function (e) {"
                " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + (e.sample ? ' ' + e.sample : '')); });")


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """Run `app` with uvicorn on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield "http://127.0.0.1:%d" % sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


class Browser:
    def __init__(self, driver):
        self.driver = driver
        self._seen: list[str] = []

    def __getattr__(self, name):
        return getattr(self.driver, name)

    def requests(self) -> list[str]:
        """Every URL the browser has asked for so far (its DevTools Network events), in order."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self._seen.append(message["params"]["request"]["url"])
        return list(self._seen)

    def csp_violations(self) -> list[str]:
        return self.driver.execute_script("return window.__cspViolations || []")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        assert self.driver.save_screenshot(str(path)), path
        return path

    def wait_for(self, script: str, timeout: float = 30, what: str = ""):
        """Poll `return <script>` until it gives something truthy; returns it."""
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(
            lambda d: d.execute_script("return " + script), what or script)


@contextlib.contextmanager
def chromium(tmp_path: Path) -> Iterator[Browser]:
    """Headless Chromium with a fresh profile, the network blocked and its requests recorded."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: `scripts/bootstrap dev` installs Debian's chromium "
                    "and chromium-driver")
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium's driver manager may never download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_RECORDER})
        yield Browser(driver)
    finally:
        driver.quit()
