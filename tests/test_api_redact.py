"""No token leaks through a log line, a printed line, the browser's storage or a framing page.

Every path a token could take into a log is exercised for real: a message, its arguments, an
exception's text and traceback, strawberry's own error records (a token sent as a wrong-typed
variable), uvicorn's access log with the token percent-encoded in any way; `serve --demo` prints a
token only to a terminal (a real pseudo-terminal here); the GraphiQL page keeps no headers; every
response carries the security headers.
"""

from __future__ import annotations

import logging
import os
import pty
import re
import select
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from apiclient import open_api

from redengine.api import redact

TOKEN = "re_" + "Zq9-_Lm3" * 5 + "abc"  # shaped like a real one: re_ and 43 url-safe characters
BODY = TOKEN[3:]


def _encodings() -> list[str]:
    every = "".join(f"%{ord(c):02X}" for c in TOKEN)
    return [
        TOKEN,
        "re%5F" + BODY,
        "re%5f" + BODY,
        "%72%65%5F" + BODY,
        every,                                   # every character escaped
        every.lower(),
        "re%255F" + BODY,                        # escaped twice
        "re" + "%5F" + urllib.parse.quote(BODY, safe=""),
        "re\\u005f" + BODY,                      # JSON-escaped
    ]


@pytest.mark.parametrize("text", _encodings())
def test_every_encoding_of_a_token_is_blanked(text):
    out = redact.redact(f"GET /graphql?h={text}&x=1 HTTP/1.1")
    assert out.startswith("GET /graphql?h=re_[redacted]") and BODY not in out
    assert urllib.parse.unquote(urllib.parse.unquote(out)).count(BODY[:16]) == 0


def test_short_or_plain_words_are_kept():
    text = "re_short, prefix re_ok, are_you_there"
    assert redact.redact(text) == text


class Secret:
    """A log argument that is not a string but prints a token."""

    def __str__(self) -> str:
        return f"Secret({TOKEN})"


def _boom():
    token = TOKEN  # noqa: F841  (a frame local: tracebacks do not print it, the message does)
    raise ValueError(f"bad header Authorization: Bearer {TOKEN}")


def test_every_part_of_a_log_record_is_scrubbed(caplog):
    redact.install()
    log = logging.getLogger("some.library.not.listed")  # not one of redact.LOGGERS: the factory catches it
    with caplog.at_level(logging.INFO):
        log.info("message with %s", TOKEN)
        log.info("dict args %(t)s", {"t": TOKEN})
        log.info("object arg %s", Secret())
        log.info(Secret())  # a message that is not a string (as strawberry logs its errors)
        try:
            _boom()
        except ValueError:
            log.exception("failed")
        log.error("with a stack %s", "x", stack_info=True, extra={"note": "n"})
    text = caplog.text + "".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert BODY not in text and text.count("re_[redacted]") >= 5
    assert "ValueError: bad header Authorization: Bearer re_[redacted]" in caplog.text  # the traceback is kept
    assert "in _boom" in caplog.text


def test_strawberry_error_record_of_a_wrong_typed_variable_is_scrubbed(runner, caplog):
    """strawberry logs a variable that does not parse through `strawberry.execution`, quoting its value,
    with the GraphQLError itself as the message (not a string)."""
    with open_api(runner) as api, caplog.at_level(logging.INFO):
        body = api.gql("query($n: Int) { organisations(first: $n) { totalCount } }", {"n": TOKEN})
    assert body["errors"] and "Int cannot represent" in body["errors"][0]["message"]
    records = [r for r in caplog.records if r.name == "strawberry.execution"]
    assert records and "Int cannot represent" in records[0].getMessage()
    assert "re_[redacted]" in records[0].getMessage()
    assert BODY not in caplog.text


def test_access_log_blanks_percent_encoded_tokens(tmp_path, monkeypatch):
    """A real server: uvicorn's access log lines for URLs carrying the token in every encoding."""
    from test_api_app import _env, serving

    _env(monkeypatch, tmp_path / "data")
    logs: list[str] = []
    with serving(logs=logs) as (_, url):
        base = url.rsplit("/graphql", 1)[0]
        for i, enc in enumerate(_encodings()):
            with urllib.request.urlopen(f"{base}/healthz?n={i}&t={enc}", timeout=10) as r:
                assert r.status == 200
    lines = [x for x in logs[0].splitlines() if "/healthz?n=" in x]
    assert len(lines) == len(_encodings())  # every request was logged ...
    assert all("re_[redacted]" in x for x in lines), lines
    decoded = urllib.parse.unquote(urllib.parse.unquote(logs[0]))
    assert BODY[:16] not in decoded and "Zq9-_Lm3Zq9-_Lm3" not in decoded  # ... and no token in any form


def test_serve_demo_prints_a_token_once_to_a_terminal(tmp_path):
    """On a real pseudo-terminal the demo prints one working admin token, once (the pipe case, where
    only a hint is printed, is in tests/test_api_app.py)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", REDENGINE_DATA_DIR=str(tmp_path / "data"))
    env.pop("NEO4J_URI", None)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "redengine.cli", "serve", "--demo", "--port", "0"], env=env,
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.DEVNULL)
    os.close(follower)
    out = ""
    try:
        deadline = time.monotonic() + 120
        while "Authorization: Bearer" not in out or "/graphql" not in out:
            assert time.monotonic() < deadline and proc.poll() is None, out
            if select.select([leader], [], [], 1)[0]:
                out += os.read(leader, 4096).decode(errors="replace")
        time.sleep(0.5)
        while select.select([leader], [], [], 0.2)[0]:
            out += os.read(leader, 4096).decode(errors="replace")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        os.close(leader)
    tokens = re.findall(r"re_[A-Za-z0-9_\-]{43}", out)
    assert len(tokens) == 1 and f"Authorization: Bearer {tokens[0]}" in out


SECURITY = {"x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


def _has_security_headers(resp) -> str:
    for k, v in SECURITY.items():
        assert resp.headers.get(k) == v, (resp.url, k, resp.headers)
    return resp.headers["content-security-policy"]


def test_security_headers_on_every_response(runner):
    with open_api(runner) as api:
        c = api.client
        strict = [
            api.post("{ __typename }"),                                       # a GraphQL answer
            api.post("{ __typename }", role=None),                            # 401, no token
            api.post("{ __typename }", token="re_" + "A" * 43),               # 401, unknown token
            c.get("/healthz"), c.get("/readyz"), c.get("/nowhere"),           # probes and a 404
        ]
        assert [r.status_code for r in strict] == [200, 401, 401, 200, 200, 404]
        for resp in strict:
            csp = _has_security_headers(resp)
            assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
        page = c.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "<html" in page.text
        csp = _has_security_headers(page)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["connect-src"] == "'self'"
    # scripts and styles: this origin only; the page runs no inline script and loads nothing from elsewhere
    assert directives["script-src"] == "'self'"
    assert directives["style-src"].split()[0] == "'self'" and "'unsafe-inline'" not in directives["style-src"]
    assert "<script>" not in page.text and "<style" not in page.text
    assert re.findall(r'(?:src|href)="(?!/static/|data:)', page.text) == []


def test_security_headers_on_the_servers_own_error_page(runner):
    from starlette.testclient import TestClient

    from redengine.api.app import create_app

    def boom(request):
        raise RuntimeError("a bug")

    app = create_app(runner=runner)
    app.add_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        resp = client.get("/boom")
    assert resp.status_code == 500
    assert "default-src 'none'" in _has_security_headers(resp)


def test_graphiql_does_not_persist_headers(runner):
    """The page's script turns header persistence off (tests/test_ide_browser.py checks the browser's
    storage itself after a query with a token)."""
    with open_api(runner) as api:
        page = api.client.get("/graphql", headers={"Accept": "text/html"}).text
        script = re.search(r'src="(/static/graphiql/page\.js\?v=[0-9a-f]+)"', page)
        js = api.client.get(script[1]).text
    assert "shouldPersistHeaders: false" in js and "shouldPersistHeaders: true" not in js
