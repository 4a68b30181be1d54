"""`redengine schema …`: apply the model to the configured engine."""

from __future__ import annotations

import click

from redengine.config import Settings
from redengine.graph.apply import apply_schema, schema_version
from redengine.graph.engine import connect


@click.group()
def schema() -> None:
    """The graph model: constraints, indexes, version."""


@schema.command("apply")
def apply_cmd() -> None:
    """Create every unique constraint and index (idempotent) and record the schema version."""
    settings = Settings.from_env()
    with connect(settings) as runner:
        version = apply_schema(runner)
    click.echo(f"schema version {version} applied on {settings.engine}")


@schema.command("version")
def version_cmd() -> None:
    """Print the schema version recorded in the graph."""
    with connect(Settings.from_env()) as runner:
        v = schema_version(runner)
    click.echo("no schema applied" if v is None else f"schema version {v}")
