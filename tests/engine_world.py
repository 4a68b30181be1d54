"""Helpers for the embedded-engine tests: a tiny hand-built graph, and byte snapshots of a data folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from redengine.graph import links
from redengine.graph.statements import read

UNIT_IDS = read("test.engine.unit_ids", "MATCH (u:Unit) RETURN u.id AS id ORDER BY id")


def add_units(runner, *ids: str) -> None:
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": i, "name": f"单位{i}", "kind": "village", "kind_label": "村", "from": "2017-01-01", "source": "test"}
        for i in ids]})


def unit_ids(runner) -> list[str]:
    return [r["id"] for r in runner.read(UNIT_IDS)]


def folder_bytes(folder: Path) -> dict[str, str]:
    """Every file under `folder` (but the lock and the server log) with a hash of its content."""
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            p = Path(root) / f
            if f in ("redengine.lock", "falkordb.log"):
                continue
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def incr_file(folder: Path) -> Path:
    (path,) = [p for p in (folder / "appendonlydir").iterdir() if p.name.endswith(".incr.aof") and p.stat().st_size]
    return path
