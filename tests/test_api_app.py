"""The app and its commands: probes, the engine lifespan, `redengine token …` and `redengine serve`."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from apiclient import open_api
from starlette.testclient import TestClient

from redengine.api.app import create_app
from redengine.api.context import Context, Principal, RoleName
from redengine.cli import main
from redengine.config import Settings
from redengine.errors import EngineUnavailable
from redengine.graph.apply import schema_version
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.schema.model import SCHEMA_VERSION
from redengine.services import audit

PING = {"query": "{ __typename }"}


def test_healthz_and_readyz(runner):
    with open_api(runner) as api:
        assert api.client.get("/healthz").json() == {"status": "ok"}
        resp = api.client.get("/readyz")
        assert resp.status_code == 200 and resp.json()["status"] == "ready"


@pytest.fixture
def dying(tmp_path):
    """A runner on an embedded server of its own, which the test may stop."""
    server = EmbeddedServer(tmp_path / "gone").start()
    runner = FalkorRunner(server.socket_path, "gone")
    yield server, runner
    runner.close()
    server.stop()


def test_readyz_is_503_when_the_engine_is_gone(dying):
    server, runner = dying
    with TestClient(create_app(runner=runner)) as client:
        assert client.get("/readyz").status_code == 200
        server.stop()
        resp = client.get("/readyz")
        assert resp.status_code == 503 and resp.json()["status"] == "unavailable"
        assert client.get("/healthz").status_code == 200  # the process still serves


def test_engine_gone_is_503_not_a_stack_trace(dying):
    server, runner = dying
    with open_api(runner) as api:
        server.stop()
        resp = api.post("{ __typename }")
        assert resp.status_code == 503
        assert resp.json()["errors"][0]["extensions"]["code"] == "ENGINE_UNAVAILABLE"
        assert "Traceback" not in resp.text and "redis" not in resp.text.lower()


def test_audit_entry_that_cannot_be_written_is_logged_and_raised(dying, caplog):
    server, runner = dying
    ctx = Context(runner, Principal("tok_1", "王芳", RoleName.ADMIN))
    entry_id = audit.record(ctx, "read_sensitive", "P1", {"field": "phone"})
    [row] = audit.recent(runner)
    assert (row["id"], row["who"], row["role"], row["token_id"], row["action"], row["target"]) == (
        entry_id, "admin:王芳", "admin", "tok_1", "read_sensitive", "P1")
    assert json.loads(row["detail"]) == {"field": "phone"}
    server.stop()
    with pytest.raises(EngineUnavailable):
        audit.record(ctx, "read_sensitive", "P2", {"field": "id_number"})
    lost = [r.getMessage() for r in caplog.records if "NOT written" in r.getMessage()]
    assert len(lost) == 1 and '"target": "P2"' in lost[0] and "admin:王芳" in lost[0]


def _env(monkeypatch, data_dir):
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("NEO4J_URI", raising=False)


def test_lifespan_opens_applies_schema_and_closes_the_engine(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200
        assert (tmp_path / "data" / "server.json").exists()      # the app started its own server
    assert not (tmp_path / "data" / "server.json").exists()      # ... and stopped it on shutdown
    server = EmbeddedServer(tmp_path / "data").start()           # the directory is free again
    try:
        assert server.owned
        runner = FalkorRunner(server.socket_path, settings.graph_name)
        assert schema_version(runner) == SCHEMA_VERSION          # persisted by the app's lifespan
        runner.close()
    finally:
        server.stop()


def test_token_cli_create_list_revoke(tmp_path, monkeypatch, capsys):
    _env(monkeypatch, tmp_path / "data")
    assert main(["token", "create", "--role", "admin", "--name", "组织部"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith("re_") and "\n" not in token and "shown only now" in err
    token_id = err.split()[2]

    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert token_id in listing and "组织部" in listing and token not in listing

    settings = Settings.from_env()
    with TestClient(create_app(settings)) as client:
        ok = client.post("/graphql", json=PING, headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json()["data"] == {"__typename": "Query"}
    assert main(["token", "revoke", token_id]) == 0
    capsys.readouterr()
    with TestClient(create_app(settings)) as client:
        assert client.post("/graphql", json=PING, headers={"Authorization": f"Bearer {token}"}).status_code == 401
        entries = audit.recent(client.app.state.runner)
    assert [(e["action"], e["target"], e["token_id"]) for e in reversed(entries)] == [
        ("token.create", token_id, "cli"), ("token.revoke", token_id, "cli")]
    assert json.loads(entries[-1]["detail"])["role"] == "admin"


@pytest.mark.parametrize("argv, says", [
    (["token", "create", "--role", "township", "--township", "T9"], "--township: no unit with id 'T9'"),
    (["token", "create", "--role", "township"], "--township: a township token must name"),
    (["token", "revoke", "tok_nope"], "no token with id 'tok_nope'"),
])
def test_token_cli_errors_are_one_clear_line(tmp_path, monkeypatch, capsys, argv, says):
    _env(monkeypatch, tmp_path / "data")
    assert main(argv) != 0
    out, err = capsys.readouterr()
    assert says in err and "Traceback" not in err + out


def test_serve_on_a_busy_port_is_one_clear_error(tmp_path, monkeypatch, capsys):
    _env(monkeypatch, tmp_path / "data")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    finally:
        busy.close()
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err
    assert not (tmp_path / "data" / "server.json").exists()  # no engine was started


@contextlib.contextmanager
def serving(*args, logs: list[str] | None = None):
    """`redengine serve --port 0 …` in a subprocess: yields (its first output lines, the GraphQL URL);
    `logs` gets everything it wrote (its log lines too) once it stopped."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "redengine.cli", "serve", "--port", "0", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not any("http://" in line for line in lines) or "--demo" in args and len(lines) < 4:
            lines.append(proc.stdout.readline())
            assert lines[-1], proc.stderr.read()
        url = next(w for line in lines for w in line.split() if w.startswith("http://"))
        base = url.rsplit("/graphql", 1)[0]
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                    assert json.load(r)["status"] == "ready"
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield lines, url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if logs is not None:  # uvicorn's access log goes to stdout, the rest to stderr
            logs.append("".join(lines) + proc.stdout.read() + proc.stderr.read())
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0


def post(url, token, query):
    req = urllib.request.Request(url, data=json.dumps({"query": query}).encode(), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def test_serve_serves_until_stopped(tmp_path, monkeypatch, capsys):
    _env(monkeypatch, tmp_path / "data")
    assert main(["token", "create", "--role", "analyst"]) == 0
    token = capsys.readouterr().out.strip()
    with serving() as (_, url):
        assert post(url, token, PING["query"])["data"] == {"__typename": "Query"}
    assert not (tmp_path / "data" / "server.json").exists()  # the engine was stopped with the server


def _created_token(capsys) -> str:
    capsys.readouterr()
    assert main(["token", "create", "--role", "admin"]) == 0  # attaches to the serving engine
    return capsys.readouterr().out.strip()


def test_serve_demo_loads_once_and_prints_no_token_when_not_a_terminal(tmp_path, monkeypatch, capsys):
    """Output to a pipe (a container's log): only how to make a token (tests/test_api_redact.py has
    the terminal case, where the token is printed once)."""
    _env(monkeypatch, tmp_path / "data")
    villages = "{ organisations(kind: [VILLAGE, COMMUNITY], first: 1) { totalCount } }"
    logs: list[str] = []
    with serving("--demo", logs=logs) as (lines, url):
        assert "demo district loaded" in lines[0]
        assert "redengine token create --role admin" in "".join(lines)
        assert not any("re_" in x for x in lines)
        first = _created_token(capsys)
        count = post(url, first, villages)["data"]["organisations"]["totalCount"]
        assert count > 100  # the demo district: hundreds of villages
        assert not any("headers=" in x or "?" in x for x in lines)
        # a browser that put the token in a query string anyway: the access log does not keep it
        leaky = url + "?" + urllib.parse.urlencode({"headers": json.dumps({"Authorization": f"Bearer {first}"})})
        with urllib.request.urlopen(urllib.request.Request(leaky, headers={"Accept": "text/html"}), timeout=10) as r:
            assert r.status == 200
    assert "GET /graphql?headers=" in logs[0]  # the request was logged ...
    assert first not in logs[0]  # ... with the token blanked
    with serving("--demo") as (lines, url):
        assert "demo not loaded" in lines[0]
        assert post(url, first, villages)["data"]["organisations"]["totalCount"] == count  # nothing loaded twice
