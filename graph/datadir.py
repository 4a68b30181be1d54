"""The embedded engine's data folder: owner-only permissions, a marker that it holds data, checks of its files.

The marker matters because redis starts happily on an empty graph when its persistence files are
missing or emptied; the marker is how we know that an empty start would hide lost data.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from redengine.errors import EngineUnavailable

AOF_DIR = "appendonlydir"
MANIFEST = "appendonly.aof.manifest"
MARKER = "redengine-data.json"


class DataDamaged(EngineUnavailable):
    """The folder says it held data but its persistence files are missing, empty or damaged."""


def repair_hint(data_dir: Path) -> str:
    return (f"run `REDENGINE_DATA_DIR={data_dir} redengine check-data` for details, then restore a backup "
            f"(`redengine restore FILE`) or, for a damaged tail, `redengine check-data --repair`")


def secure(data_dir: Path) -> None:
    """Make the folder 0700 and everything in it 0700/0600, whatever existed before."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(data_dir, 0o700)
        for root, dirs, files in os.walk(data_dir):
            for d in dirs:
                _chmod_if_there(os.path.join(root, d), 0o700)
            for f in files:
                p = os.path.join(root, f)
                if not os.path.islink(p):
                    _chmod_if_there(p, 0o600)
        # A probe of its own: concurrent starts on one folder must not remove each other's.
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=data_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise EngineUnavailable(
            f"data directory {data_dir} cannot be made private and writable ({e.strerror}: {e.filename}); "
            "it holds personal data, so the engine will not start on it; fix its owner, "
            "or set REDENGINE_DATA_DIR to a folder you own"
        ) from e


def _chmod_if_there(path: str, mode: int) -> None:
    # Another process's probe, or the engine's temporary rewrite files, may be gone by now.
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, mode)


def marked(data_dir: Path) -> bool:
    return (data_dir / MARKER).is_file()


def mark(data_dir: Path) -> None:
    path = data_dir / MARKER
    if path.is_file():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"holds_data": True, "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, f)


def unmark(data_dir: Path) -> None:
    (data_dir / MARKER).unlink(missing_ok=True)


def manifest_files(data_dir: Path) -> list[tuple[str, str]]:
    """(file name, type) of every file the manifest lists; type is b(ase), i(ncr) or h(istory)."""
    out = []
    for line in (data_dir / AOF_DIR / MANIFEST).read_text(errors="replace").splitlines():
        parts = line.split()
        fields = dict(zip(parts[::2], parts[1::2], strict=False))
        if "file" in fields:
            out.append((fields["file"], fields.get("type", "")))
    return out


def incr_bytes(data_dir: Path) -> int:
    """Bytes of commands not yet compacted into the base file (0 when unknown)."""
    try:
        return sum((data_dir / AOF_DIR / f).stat().st_size for f, t in manifest_files(data_dir) if t == "i")
    except OSError:
        return 0


def problems(data_dir: Path, server_binary: str | None) -> list[str]:
    """Why this folder's persistence cannot be trusted (empty list: fine, or a fresh folder)."""
    aof = data_dir / AOF_DIR
    if not marked(data_dir):
        if not aof.exists():
            return []
    if not aof.is_dir():
        return [f"{aof} is missing, but {data_dir / MARKER} says this folder held data"]
    manifest = aof / MANIFEST
    if not manifest.is_file():
        return [f"{manifest} is missing" + (f", but {data_dir / MARKER} says this folder held data" if marked(data_dir) else "")]
    try:
        listed = manifest_files(data_dir)
    except OSError as e:
        return [f"{manifest} cannot be read: {e.strerror}"]
    if not any(t == "b" for _, t in listed) and not any(t == "i" for _, t in listed):
        return [f"{manifest} lists no persistence file"]
    found = []
    for name, kind in listed:
        if kind == "h":
            continue
        if not (aof / name).is_file():
            return [f"{aof / name} (listed in {manifest}) is missing"]
        found.append(aof / name)
    if marked(data_dir) and sum(p.stat().st_size for p in found) == 0:
        return [f"every persistence file in {aof} is empty, but {data_dir / MARKER} says this folder held data"]
    if server_binary:
        res = check_aof(server_binary, manifest)
        if res.returncode != 0:
            tail = " | ".join(line.strip() for line in res.stdout.strip().splitlines()[-2:])
            return [f"{aof} is damaged: {tail}"]
    return []


def check_aof(server_binary: str, manifest: Path, fix: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the shipped binary in its redis-check-aof mode (it picks the mode from its program name)."""
    args = ["redis-check-aof", *(["--fix"] if fix else []), str(manifest)]
    return subprocess.run(args, executable=server_binary, input="y\n" if fix else None, capture_output=True,
                          text=True, timeout=600)


def is_private(path: Path) -> bool:
    mode = stat.S_IMODE(path.stat().st_mode)
    return mode & 0o077 == 0
