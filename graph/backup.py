"""Backup and restore of the embedded engine's folder, and its check / repair.

A backup is taken online: the server rewrites its persistence into one snapshot base (plus a small
increment), and those files — which a later rewrite replaces but never changes in place — are
copied into one tar archive with the manifest. Restore unpacks them into a folder no process uses,
keeping whatever persistence was there under a dated name, then starts the engine once to prove
the files load.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import tarfile
import time
from pathlib import Path
from typing import Any

from redengine.errors import ConfigError, DataDirInUse, EngineUnavailable
from redengine.graph import datadir
from redengine.graph.embedded import LOCK_FILE, EmbeddedServer, binaries

FORMAT = "redengine-embedded-backup/1"
META = "redengine-backup.json"


def backup(data_dir: Path, out: Path, start_timeout: float = 60.0) -> dict[str, Any]:
    """Write a consistent archive of the folder's graph data to `out`; returns its description."""
    import redis

    if out.exists():
        raise ConfigError(f"{out} already exists; choose a new file name")
    server = EmbeddedServer(data_dir, start_timeout=start_timeout).start()
    client = redis.Redis(unix_socket_path=server.socket_path, socket_timeout=600)
    try:
        before = str(client.config_get("auto-aof-rewrite-percentage")["auto-aof-rewrite-percentage"])
        client.config_set("auto-aof-rewrite-percentage", 0)  # no rewrite may replace the files mid-copy
        try:
            _rewrite(client)
            aof = server.data_dir / datadir.AOF_DIR
            files = [name for name, kind in datadir.manifest_files(server.data_dir) if kind in ("b", "i")]
            meta = {"format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "keys": int(client.dbsize()), "files": files}
            tmp = out.with_name(out.name + ".partial")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                _add_bytes(tar, META, json.dumps(meta).encode())
                # the increment keeps growing while we copy: take exactly the bytes it has now
                sizes = {name: (aof / name).stat().st_size for name in files}
                _add_bytes(tar, datadir.MANIFEST, (aof / datadir.MANIFEST).read_bytes())
                for name in files:
                    with open(aof / name, "rb") as f:
                        _add_bytes(tar, name, f.read(sizes[name]))
            os.replace(tmp, out)
        finally:
            client.config_set("auto-aof-rewrite-percentage", before)
    finally:
        client.close()
        server.stop()
    return meta


def restore(data_dir: Path, archive: Path, start_timeout: float = 60.0) -> dict[str, Any]:
    """Replace the folder's graph data with the archive's; refuses while any process uses the folder."""
    data_dir = data_dir.resolve()
    meta, members = _read_archive(archive)
    datadir.secure(data_dir)
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirInUse(
                f"data directory {data_dir} is in use by a running engine; stop every `redengine` process "
                "using it (serve, load, …) and run the restore again; nothing was changed") from None
        aof = data_dir / datadir.AOF_DIR
        kept = None
        if aof.exists():
            kept = data_dir / f"{datadir.AOF_DIR}.before-restore-{time.strftime('%Y%m%dT%H%M%S')}"
            os.rename(aof, kept)
        staging = data_dir / f".{datadir.AOF_DIR}.restoring"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(mode=0o700)
        for name, data in members.items():
            wfd = os.open(staging / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(wfd, "wb") as f:
                f.write(data)
        os.rename(staging, aof)
        datadir.unmark(data_dir)
    finally:
        os.close(fd)
    server = EmbeddedServer(data_dir, start_timeout=start_timeout).start()  # proves the files load
    try:
        import redis

        client = redis.Redis(unix_socket_path=server.socket_path)
        keys = int(client.dbsize())
        client.close()
    finally:
        server.stop()
    if keys != meta.get("keys"):
        raise EngineUnavailable(f"the restored folder {data_dir} holds {keys} graph(s), the backup said {meta.get('keys')}; "
                                f"the earlier files are in {kept}")
    return {**meta, "kept": str(kept) if kept else None}


def check(data_dir: Path, repair: bool = False) -> list[str]:
    """Problems with the folder's persistence; with `repair`, cut a damaged increment back to its last
    whole command (the folder is copied aside first) and check again."""
    data_dir = data_dir.resolve()
    server, _ = binaries()
    if not data_dir.is_dir():
        return [f"{data_dir} does not exist"]
    found = datadir.problems(data_dir, server)
    if not found or not repair:
        return found
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirInUse(f"data directory {data_dir} is in use by a running engine; stop it before repairing") from None
        aof = data_dir / datadir.AOF_DIR
        manifest = aof / datadir.MANIFEST
        if not manifest.is_file():
            return found + ["cannot repair without the manifest: restore a backup (`redengine restore FILE`)"]
        copy = data_dir / f"{datadir.AOF_DIR}.before-repair-{time.strftime('%Y%m%dT%H%M%S')}"
        shutil.copytree(aof, copy)
        res = datadir.check_aof(server, manifest, fix=True)
        after = datadir.problems(data_dir, server)
        if after:
            return after + [f"repair did not succeed ({res.stdout.strip().splitlines()[-1:]}); the files before it are in {copy}"]
        return []
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def _rewrite(client: Any) -> None:
    import redis

    with contextlib.suppress(redis.ResponseError):  # one may already be running: then wait for it
        client.bgrewriteaof()
    while True:
        info = client.info("persistence")
        if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            break
        time.sleep(0.05)
    if info.get("aof_last_bgrewrite_status") != "ok":
        raise EngineUnavailable("the engine could not write a snapshot for the backup; see falkordb.log in the data folder")


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def _read_archive(archive: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            members = {}
            for m in tar.getmembers():
                if not m.isfile() or "/" in m.name or m.name.startswith("."):
                    raise ConfigError(f"{archive} is not a redengine backup (unexpected entry {m.name!r}); nothing was changed")
                f = tar.extractfile(m)
                if f is None:
                    raise ConfigError(f"{archive}: entry {m.name!r} cannot be read; nothing was changed")
                members[m.name] = f.read()
    except (OSError, tarfile.TarError, EOFError) as e:
        raise ConfigError(f"{archive} cannot be read as a redengine backup ({e}); nothing was changed") from e
    try:
        meta = json.loads(members.pop(META))
    except (KeyError, ValueError):
        meta = {}
    if meta.get("format") != FORMAT:
        raise ConfigError(f"{archive} is not a redengine backup (no {META} of format {FORMAT}); nothing was changed")
    missing = [n for n in [datadir.MANIFEST, *meta.get("files", [])] if n not in members]
    if missing:
        raise ConfigError(f"{archive} is incomplete: {', '.join(missing)} missing; nothing was changed")
    return meta, members
