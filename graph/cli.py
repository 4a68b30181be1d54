"""`redengine backup`, `redengine restore` and `redengine check-data`: the embedded engine's folder."""

from __future__ import annotations

from pathlib import Path

import click

from redengine.config import Settings
from redengine.errors import ConfigError, RedEngineError


def _embedded() -> Settings:
    settings = Settings.from_env()
    if settings.neo4j is not None:
        raise ConfigError("NEO4J_URI is set: back up Neo4j with `neo4j-admin database dump` (see README); "
                          "these commands handle the embedded engine's folder only")
    return settings


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a consistent copy of the embedded graph to FILE (a .tar.gz), while it keeps serving."""
    from redengine.graph.backup import backup

    settings = _embedded()
    meta = backup(settings.data_dir, file, settings.start_timeout)
    click.echo(f"backed up {settings.data_dir} ({meta['keys']} graph(s)) to {file}", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Replace the embedded folder's graph with the backup FILE; every process using the folder must be stopped."""
    from redengine.graph.backup import restore

    settings = _embedded()
    meta = restore(settings.data_dir, file, settings.start_timeout)
    kept = f"; the earlier files are kept in {meta['kept']}" if meta.get("kept") else ""
    click.echo(f"restored {file} (taken {meta['created']}) into {settings.data_dir}{kept}", err=True)


@click.command("check-data")
@click.option("--repair", is_flag=True, help="Cut a damaged append-only increment back to its last whole command (a copy is kept).")
def check_data_command(repair: bool) -> None:
    """Check the embedded folder's persistence files (and with --repair, fix a damaged tail)."""
    from redengine.graph.backup import check

    settings = _embedded()
    problems = check(settings.data_dir, repair=repair)
    if problems:
        for p in problems:
            click.echo(f"problem: {p}", err=True)
        raise RedEngineError(f"{settings.data_dir} is not usable as it is; restore a backup with `redengine restore FILE`"
                             + ("" if repair else ", or try `redengine check-data --repair`"))
    click.echo(f"{settings.data_dir}: persistence files are sound" + (" (repaired)" if repair else ""), err=True)
