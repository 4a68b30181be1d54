"""The command line: faults are one clear line and a non-zero exit code, never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys


def run(args, env_extra, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "REDENGINE_DATA_DIR": str(tmp_path / "data"), **env_extra}
    return subprocess.run([sys.executable, "-m", "redengine.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=tmp_path)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_unreachable_neo4j_is_one_line_naming_the_uri(tmp_path):
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    res = run(["schema", "apply"], {"NEO4J_URI": uri, "NEO4J_PASSWORD": "x"}, tmp_path)
    assert res.returncode != 0
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and uri in lines[0] and "unreachable" in lines[0]
    assert "Traceback" not in res.stderr


def test_bad_neo4j_uri_scheme_says_what_is_expected(tmp_path):
    res = run(["schema", "apply"], {"NEO4J_URI": "http://127.0.0.1:7474"}, tmp_path)
    assert res.returncode != 0
    assert res.stderr.strip().splitlines() == [
        "error: NEO4J_URI 'http://127.0.0.1:7474' must start with one of "
        "bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, neo4j+ssc://"
    ]


def test_embedded_schema_apply_then_version(tmp_path):
    assert run(["schema", "apply"], {}, tmp_path).stdout.strip() == "schema version 1 applied on falkordb"
    assert run(["schema", "version"], {}, tmp_path).stdout.strip() == "schema version 1"
