"""The data folder: private whatever existed, and damaged or missing persistence is refused, never served empty."""

from __future__ import annotations

import stat

import pytest
from engine_world import add_units, folder_bytes, incr_file, unit_ids

from redengine.cli import main
from redengine.config import Settings
from redengine.graph.datadir import DataDamaged
from redengine.graph.engine import connect


@pytest.fixture
def folder(tmp_path):
    """A data folder whose persistence holds units U1..U3 written after start (so they sit in the increment)."""
    data = tmp_path / "data"
    with connect(Settings(data_dir=data)) as r:
        add_units(r, "U1", "U2", "U3")
    return data


def _mode(p) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_preexisting_world_readable_folder_is_made_private(folder):
    folder.chmod(0o755)
    for p in folder.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    with connect(Settings(data_dir=folder)) as r:
        assert unit_ids(r) == ["U1", "U2", "U3"]
        assert _mode(folder) == 0o700
        for p in folder.rglob("*"):
            assert _mode(p) == (0o700 if p.is_dir() else 0o600), p
    made = [p for p in folder.rglob("*") if p.is_file()]  # files the engine created meanwhile (umask 077)
    assert made and all(_mode(p) & 0o077 == 0 for p in made)


def _refused(folder, match: str):
    before = folder_bytes(folder)
    with pytest.raises(DataDamaged, match=match):
        with connect(Settings(data_dir=folder)):
            pass
    assert folder_bytes(folder) == before  # nothing was changed
    return before


def test_missing_persistence_folder_is_refused(folder):
    import shutil

    shutil.rmtree(folder / "appendonlydir")
    _refused(folder, r"appendonlydir is missing.*redengine-data\.json")


def test_missing_manifest_is_refused(folder):
    (folder / "appendonlydir" / "appendonly.aof.manifest").unlink()
    _refused(folder, r"appendonly\.aof\.manifest is missing.*restore")


def test_emptied_persistence_files_are_refused(folder):
    for p in (folder / "appendonlydir").iterdir():
        if p.name != "appendonly.aof.manifest":
            p.write_bytes(b"")
    _refused(folder, r"empty")


def test_emptied_increment_that_leaves_an_empty_graph_is_refused(folder):
    incr_file(folder).write_bytes(b"")  # the base holds no data yet: the graph would come up empty
    manifest = folder / "appendonlydir" / "appendonly.aof.manifest"
    files = lambda: [line.split("startoffset")[0] for line in manifest.read_text().splitlines()]  # noqa: E731
    before, listed = folder_bytes(folder), files()
    with pytest.raises(DataDamaged, match="started on an empty graph"):
        with connect(Settings(data_dir=folder)):
            pass
    after = folder_bytes(folder)
    # the engine had opened the files: it rewrites the manifest's offsets, and nothing else
    assert files() == listed
    assert {k: v for k, v in after.items() if "manifest" not in k} == {k: v for k, v in before.items() if "manifest" not in k}


def test_garbage_mid_file_is_refused_and_check_data_names_it(folder, monkeypatch, capsys):
    incr = incr_file(folder)
    raw = incr.read_bytes()
    incr.write_bytes(raw[: len(raw) // 2] + b"GARBAGE\x00\xff" + raw[len(raw) // 2:])
    _refused(folder, rf"{incr.parent}.*damaged")
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(folder))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert main(["check-data"]) == 1
    assert "damaged" in capsys.readouterr().err


def test_truncated_increment_is_refused_then_repaired(folder, monkeypatch):
    with connect(Settings(data_dir=folder)) as r:  # this start compacts U1..U3 into the base; U4 goes to the increment
        add_units(r, "U4")
    incr = incr_file(folder)
    raw = incr.read_bytes()
    last = raw.rindex(b"*3\r\n$12\r\nGRAPH.EFFECT")  # the write of U4, cut in half
    incr.write_bytes(raw[: last + (len(raw) - last) // 2])
    _refused(folder, "damaged")
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(folder))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert main(["check-data", "--repair"]) == 0
    assert any(p.name.startswith("appendonlydir.before-repair-") for p in folder.iterdir())  # the damaged copy is kept
    with connect(Settings(data_dir=folder)) as r:
        assert unit_ids(r) == ["U1", "U2", "U3"]  # everything before the cut


def test_check_data_on_a_sound_folder(folder, monkeypatch, capsys):
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(folder))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert main(["check-data"]) == 0
    assert "sound" in capsys.readouterr().err


def test_start_timeout_is_a_setting():
    assert Settings.from_env({"REDENGINE_START_TIMEOUT": "7.5"}).start_timeout == 7.5
    assert Settings.from_env({}).start_timeout == 60.0
    from redengine.errors import ConfigError

    for bad in ("abc", "0", "-3"):
        with pytest.raises(ConfigError, match="REDENGINE_START_TIMEOUT"):
            Settings.from_env({"REDENGINE_START_TIMEOUT": bad})
