"""Engine trouble reaches clients as a clear code and /readyz as a 503 with the reason, never as
"Unexpected error.". Each condition is made for real on an embedded server of the test's own:

- a failed save (redis MISCONF): save points on, stop-writes-on-bgsave-error on, and a BGSAVE that
  cannot rename its file into place because `dump.rdb` in the data directory is a directory (this
  works as root too, where a read-only directory would not);
- out of memory (redis OOM): `maxmemory` set below what the server already uses;
- unreachable: the server stopped.
"""

from __future__ import annotations

import shutil
import time

import pytest
from apiclient import open_api

from redengine.api.context import Context, Principal, RoleName
from redengine.api.schema import schema
from redengine.graph import links
from redengine.graph.falkor import EmbeddedServer, FalkorRunner

OPEN_CASE = """mutation { openWeakCase(input: {unitId: "V1", flaggedOn: "2020-01-01", reasons: ["班子不团结"]}) {
  ok weakCase { id } } }"""
READ = "{ organisations { totalCount } }"


@pytest.fixture
def own(tmp_path):
    """A runner on an embedded server of its own, with one village in the graph."""
    server = EmbeddedServer(tmp_path / "data").start()
    runner = FalkorRunner(server.socket_path, "g")
    runner.write(links.UPSERT_UNITS, {"rows": [{"id": "V1", "name": "张河村", "kind": "village", "kind_label": "村",
                                                "from": "2017-01-01", "source": "test"}]})
    yield server, runner, tmp_path / "data"
    runner.close()
    server.stop()


def _bgsave_fails(runner, data_dir) -> None:
    c = runner.connection
    (data_dir / "dump.rdb").mkdir()
    (data_dir / "dump.rdb" / "keep").write_text("a directory where the snapshot should go")
    c.config_set("save", "3600 1")
    c.config_set("stop-writes-on-bgsave-error", "yes")
    c.bgsave()
    _wait_save(c, "err")


def _wait_save(c, status: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        p = c.info("persistence")
        if not p["rdb_bgsave_in_progress"] and p["rdb_last_bgsave_status"] == status:
            return
        assert time.monotonic() < deadline, p
        time.sleep(0.05)


def _code(body) -> str:
    [error] = body["errors"]
    return error["extensions"]["code"]


def test_failed_save_refuses_writes_with_a_clear_code_and_readyz_says_why(own, caplog):
    server, runner, data_dir = own
    with open_api(runner) as api:
        assert api.client.get("/readyz").status_code == 200
        _bgsave_fails(runner, data_dir)

        body = api.gql(OPEN_CASE)
        assert _code(body) == "ENGINE_READ_ONLY" and body["data"] is None
        assert "refuses writes" in body["errors"][0]["message"]
        assert "MISCONF" not in str(body) and "Unexpected error" not in str(body)
        assert any("MISCONF" in r.getMessage() + (r.exc_text or "") for r in caplog.records)  # the log has it
        assert api.gql(READ)["data"]["organisations"]["totalCount"] == 1  # reads still work

        ready = api.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "read_only" and ready.json()["code"] == "ENGINE_READ_ONLY"
        assert "MISCONF" in ready.json()["reason"]
        assert api.client.get("/healthz").status_code == 200

        # the operator fixes the disk: a save succeeds, and everything works again
        shutil.rmtree(data_dir / "dump.rdb")
        runner.connection.bgsave()
        _wait_save(runner.connection, "ok")
        assert api.client.get("/readyz").status_code == 200
        assert api.gql(OPEN_CASE)["data"]["openWeakCase"]["ok"] is True


def test_out_of_memory_refuses_writes_with_the_same_code(own):
    server, runner, data_dir = own
    with open_api(runner) as api:
        runner.connection.config_set("maxmemory", "1")
        try:
            assert _code(api.gql(OPEN_CASE)) == "ENGINE_READ_ONLY"
            ready = api.client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["code"] == "ENGINE_READ_ONLY"
            assert "maxmemory" in ready.json()["reason"]
        finally:
            runner.connection.config_set("maxmemory", "0")
        assert api.client.get("/readyz").status_code == 200


def test_unreachable_engine_is_engine_unavailable_over_graphql_and_readyz(own):
    """The engine goes away under a request's resolvers (run in-process: over HTTP the token check,
    which needs the engine too, answers 503 first; tests/test_api_app.py covers that)."""
    import asyncio

    from starlette.testclient import TestClient

    from redengine.api.app import create_app

    server, runner, data_dir = own
    with TestClient(create_app(runner=runner)) as client:
        server.stop()
        ctx = Context(runner, Principal("t", "tester", RoleName.ADMIN))
        result = asyncio.run(schema.execute(READ, context_value=ctx))
        [error] = result.errors
        assert error.extensions == {"code": "ENGINE_UNAVAILABLE"} and "unavailable" in error.message
        assert "sock" not in error.message  # no internals
        ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["code"] == "ENGINE_UNAVAILABLE"
