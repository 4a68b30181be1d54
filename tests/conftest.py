"""Fixtures: real engines only. FalkorDB (embedded) always; Neo4j too when NEO4J_URI is set.

Each test gets an empty graph with the schema applied: on FalkorDB a graph of its own on one
shared embedded server; on Neo4j the configured database, wiped first (use a scratch database).
"""

from __future__ import annotations

import itertools
import os

import pytest

from redengine.config import Settings
from redengine.graph.apply import apply_schema
from redengine.graph.falkor import EmbeddedServer, FalkorRunner

ENGINES = ["falkordb"] + (["neo4j"] if os.environ.get("NEO4J_URI") else [])
_graph_names = itertools.count()


@pytest.fixture(scope="session")
def falkor_server(tmp_path_factory):
    server = EmbeddedServer(tmp_path_factory.mktemp("falkordb")).start()
    yield server
    server.stop()


def _fresh_runner(engine: str, request):
    if engine == "falkordb":
        server = request.getfixturevalue("falkor_server")
        runner = FalkorRunner(server.socket_path, f"test{os.getpid()}_{next(_graph_names)}")
    else:
        from redengine.graph.neo4j import Neo4jRunner

        runner = Neo4jRunner(Settings.from_env().neo4j)
    runner.delete_graph()
    apply_schema(runner)
    return runner


@pytest.fixture(params=ENGINES)
def runner(request):
    """An empty graph with the schema applied, on each engine under test."""
    r = _fresh_runner(request.param, request)
    yield r
    r.delete_graph()
    r.close()
