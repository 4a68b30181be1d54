"""Choose and open the engine named by the settings: Neo4j when NEO4J_URI is set, else embedded FalkorDB."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from redengine.config import Settings
from redengine.graph.runner import Runner


def open_runner(settings: Settings) -> Runner:
    """Open a runner; the caller closes it (which stops an embedded server this process started)."""
    if settings.neo4j is not None:
        from redengine.graph.neo4j import Neo4jRunner

        return Neo4jRunner(settings.neo4j)
    from redengine.graph.embedded import EmbeddedServer
    from redengine.graph.falkor import FalkorRunner

    # as many engine threads as API workers: a small read never queues behind the long ones
    server = EmbeddedServer(settings.data_dir, start_timeout=settings.start_timeout, threads=settings.api_workers).start()
    try:
        # The runner keeps the server even when attached: if its owner exits, the runner adopts the folder.
        return FalkorRunner(server.socket_path, settings.graph_name, server=server)
    except BaseException:
        server.stop()
        raise


@contextlib.contextmanager
def connect(settings: Settings | None = None) -> Iterator[Runner]:
    runner = open_runner(settings or Settings.from_env())
    try:
        yield runner
    finally:
        runner.close()
