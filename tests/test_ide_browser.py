"""GraphiQL in a real headless Chromium with the network blocked: it renders from the app's own
files, runs a query with a bearer token (from the sign-in bar or the Headers pane) and shows the
API's answer, keeps the token out of localStorage, and no request leaves 127.0.0.1.

Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from browser import chromium, serve
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from redengine.api.app import create_app
from redengine.demo import load_demo
from redengine.services import tokens

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUERY = "{ organisations(kind: [TOWNSHIP], first: 500) { totalCount edges { node { id name } } } }"
EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror')"
RESULT = "(function () { var e = document.querySelector('.result-window .CodeMirror');" \
         " return e && e.CodeMirror.getValue(); })()"
#: every key and value in the page's localStorage / sessionStorage, as one text
STORAGE = "return JSON.stringify(Object.entries(window[arguments[0]]))"


def _off_machine(urls: list[str]) -> list[str]:
    """The URLs that would leave the machine: any network scheme to a host other than 127.0.0.1."""
    return [u for u in urls if urllib.parse.urlsplit(u).scheme in ("http", "https", "ws", "wss", "ftp")
            and urllib.parse.urlsplit(u).hostname != "127.0.0.1"]


def _api_answer(base: str, token: str, query: str) -> dict:
    req = urllib.request.Request(base + "/graphql", data=json.dumps({"query": query}).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


@pytest.fixture
def site(runner, tmp_path):
    """(base URL, an admin token, the browser) on the demo district (scale 0.1)."""
    load_demo(runner, scale=0.1)
    token = tokens.create(runner, "admin", None, "browser-test").token
    with serve(create_app(runner=runner)) as base, chromium(tmp_path) as browser:
        yield base, token, browser


def _type_into(browser, editor_js: str, text: str) -> None:
    """Click into a CodeMirror editor, select all, and enter `text` as typed input."""
    browser.execute_script(f"{editor_js}.CodeMirror.focus()")
    browser.switch_to.active_element.send_keys(Keys.CONTROL, "a")
    browser.execute_cdp_cmd("Input.insertText", {"text": text})


def _run_query(browser, query: str) -> dict:
    browser.wait_for(EDITOR, what="GraphiQL's query editor")
    _type_into(browser, EDITOR, query)
    assert browser.execute_script(f"return {EDITOR}.CodeMirror.getValue()") == query
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    text = browser.wait_for(f"(function () {{ var t = {RESULT}; return t && t.indexOf('organisations') >= 0 && t; }})()",
                            what="the query's answer in the result pane")
    return json.loads(text)


def _assert_offline_and_clean(browser, token: str) -> None:
    requests = browser.requests()
    assert any(u.endswith("/graphql") for u in requests)  # the recorder sees the page's requests
    assert _off_machine(requests) == [], "requests left the machine"
    assert browser.csp_violations() == []
    assert token not in browser.execute_script(STORAGE, "localStorage"), browser.execute_script(STORAGE, "localStorage")


def test_graphiql_renders_offline_and_runs_a_query_signed_in(site):
    base, token, browser = site
    browser.get(base + "/graphql")
    browser.wait_for(EDITOR, what="GraphiQL's query editor")
    assert "未登录" in browser.find_element(By.ID, "re-status").text
    browser.screenshot("graphiql-signed-out")

    _sign_in(browser, token)
    shown = _run_query(browser, QUERY)
    browser.screenshot("graphiql-signed-in-answer")

    expected = _api_answer(base, token, QUERY)
    names = [e["node"]["name"] for e in expected["data"]["organisations"]["edges"]]
    assert names and all(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)  # Chinese names
    assert shown == expected
    assert token in browser.execute_script(STORAGE, "sessionStorage")  # the sign-in keeps it for this tab
    _assert_offline_and_clean(browser, token)

    browser.find_element(By.ID, "re-signout").click()
    assert token not in browser.execute_script(STORAGE, "sessionStorage")


def test_a_token_in_the_headers_pane_runs_the_query_and_is_not_kept(site):
    base, token, browser = site
    browser.get(base + "/graphql")
    browser.wait_for(EDITOR, what="GraphiQL's query editor")
    browser.find_element(By.XPATH, "//button[normalize-space()='Headers']").click()
    headers_editor = "document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')"
    browser.wait_for(headers_editor, what="the Headers editor")
    _type_into(browser, headers_editor, json.dumps({"Authorization": f"Bearer {token}"}))
    shown = _run_query(browser, QUERY)
    browser.screenshot("graphiql-headers-pane-answer")
    assert shown == _api_answer(base, token, QUERY)
    assert token not in browser.execute_script(STORAGE, "sessionStorage")  # only the sign-in bar keeps one
    _assert_offline_and_clean(browser, token)

    browser.refresh()  # a new visit: the query is kept by GraphiQL, the Headers pane is not
    browser.wait_for(EDITOR, what="GraphiQL's query editor")
    assert browser.execute_script(f"return {EDITOR}.CodeMirror.getValue()") == QUERY
    assert token not in browser.execute_script(STORAGE, "localStorage"), browser.execute_script(STORAGE, "localStorage")
    assert token not in browser.page_source


def _sign_in(browser, token: str) -> None:
    browser.find_element(By.ID, "re-token").send_keys(token)
    browser.find_element(By.ID, "re-signin-button").click()
    assert "已登录" in browser.find_element(By.ID, "re-status").text


def test_panels_and_dialogs_open_within_the_policy(site):
    """GraphiQL's explorer, docs and settings dialog open; the policy blocks only the dialogs' scroll
    lock (a <style> element whose rule the page's own stylesheet already holds: its body never scrolls)."""
    base, token, browser = site
    browser.get(base + "/graphql")
    browser.wait_for(EDITOR, what="GraphiQL's query editor")
    _sign_in(browser, token)
    browser.wait_for(EDITOR, what="GraphiQL's query editor")
    for label in ("Show GraphiQL Explorer", "Show Documentation Explorer", "Open settings dialog"):
        browser.find_element(By.CSS_SELECTOR, f"button[aria-label='{label}']").click()
    browser.wait_for("document.querySelector('[role=dialog]')", what="the settings dialog")
    browser.screenshot("graphiql-settings-dialog")
    assert browser.execute_script("return getComputedStyle(document.body).overflow") == "hidden"
    blocked = browser.csp_violations()
    assert all(v.startswith("style-src-elem inline .with-scroll-bars-hidden {") for v in blocked), blocked
    assert _off_machine(browser.requests()) == []


def test_the_network_block_and_the_recorder_work(site):
    """Another host is unreachable, and the recorder lists the attempt (so the checks above can fail);
    from the GraphiQL page the policy stops a script's request before it is even sent."""
    from selenium.common.exceptions import WebDriverException

    base, _, browser = site
    cdn = "https://unpkg.com/react@18.2.0/umd/react.production.min.js"
    browser.get(base + "/graphql")
    outcome = browser.execute_async_script(
        "var done = arguments[1]; fetch(arguments[0], {mode: 'no-cors'})"
        ".then(function () { done('loaded'); }, function (e) { done('failed: ' + e); });", cdn)
    assert outcome.startswith("failed") and _off_machine(browser.requests()) == []
    assert any(v.startswith("connect-src " + cdn) for v in browser.csp_violations())

    try:
        browser.get(cdn)  # a navigation: no page policy applies, the network block does
    except WebDriverException as e:
        assert "ERR_" in str(e)
    assert "React" not in browser.execute_script("return document.documentElement.innerText")
    assert set(_off_machine(browser.requests())) == {cdn}
