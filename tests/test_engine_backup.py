"""`redengine backup` / `restore` round trip, and restarts that add nothing to persistence."""

from __future__ import annotations

import tarfile

import pytest
from engine_world import add_units, folder_bytes, unit_ids

from redengine.cli import main
from redengine.config import Settings
from redengine.errors import ConfigError, DataDirInUse
from redengine.graph.apply import apply_schema
from redengine.graph.backup import restore
from redengine.graph.engine import connect


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return Settings.from_env()


def test_online_backup_and_restore_round_trip(env, tmp_path):
    archive = tmp_path / "b.tar.gz"
    with connect(env) as r:
        apply_schema(r)
        add_units(r, "B1", "B2")
        assert main(["backup", str(archive)]) == 0        # while this process keeps the engine open
        add_units(r, "B3")                                # after the backup: must not come back
    assert main(["restore", str(archive)]) == 0
    with connect(env) as r:
        assert unit_ids(r) == ["B1", "B2"]
        add_units(r, "B1")                                # the constraint came back too: MERGE, not a duplicate
        assert unit_ids(r) == ["B1", "B2"]
    kept = [p for p in env.data_dir.iterdir() if p.name.startswith("appendonlydir.before-restore-")]
    assert len(kept) == 1


def test_restore_refuses_a_folder_in_use(env, tmp_path):
    archive = tmp_path / "b.tar.gz"
    with connect(env) as r:
        add_units(r, "B1")
        assert main(["backup", str(archive)]) == 0
        add_units(r, "B2")
        before = folder_bytes(env.data_dir / "appendonlydir")
        with pytest.raises(DataDirInUse, match="stop every `redengine` process"):
            restore(env.data_dir, archive)
        assert folder_bytes(env.data_dir / "appendonlydir") == before
        assert unit_ids(r) == ["B1", "B2"]


def test_restore_refuses_a_file_that_is_not_a_backup(env, tmp_path):
    with connect(env) as r:
        add_units(r, "B1")
    before = folder_bytes(env.data_dir)
    bogus = tmp_path / "x.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="notes.txt")
    for bad in (bogus, tmp_path / "b.tar.gz"):
        if bad.name == "b.tar.gz":
            bad.write_bytes(b"not a tar at all")
        with pytest.raises(ConfigError, match="nothing was changed"):
            restore(env.data_dir, bad)
        assert folder_bytes(env.data_dir) == before


def test_backup_refuses_to_overwrite_a_file(env, tmp_path):
    target = tmp_path / "b.tar.gz"
    target.write_text("keep me")
    assert main(["backup", str(target)]) == 1
    assert target.read_text() == "keep me"


def test_restarts_add_nothing_to_persistence(env):
    """Each start used to re-add every constraint to the log (and log the earlier ones as CRITICAL)."""
    with connect(env) as r:
        apply_schema(r)
        add_units(r, "C1")
    with connect(env) as r:
        apply_schema(r)                                   # idempotent: the constraints exist already
    after_first = folder_bytes(env.data_dir / "appendonlydir")
    for _ in range(3):
        with connect(env) as r:
            apply_schema(r)
            assert unit_ids(r) == ["C1"]
    assert folder_bytes(env.data_dir / "appendonlydir") == after_first
    assert "CRITICAL" not in (env.data_dir / "falkordb.log").read_text()
