"""The `redengine` command. Each subcommand lives beside its feature and is imported only when used."""

from __future__ import annotations

import importlib
import sys

import click

from redengine.errors import RedEngineError, ValidationError

#: command name → "module:attribute" of a click command
COMMANDS = {
    "schema": "redengine.graph.schema_cli:schema",
    "demo": "redengine.demo:demo_command",
    "load": "redengine.loaders.cli:load",
    "history": "redengine.loaders.cli:history",
    "serve": "redengine.api.cli:serve",
    "token": "redengine.api.cli:token",
    "export": "redengine.analysis.cli:export",
    "backup": "redengine.graph.cli:backup_command",
    "restore": "redengine.graph.cli:restore_command",
    "check-data": "redengine.graph.cli:check_data_command",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Red Engine Graph: the district's grassroots organisation as a knowledge graph.

    Uses Neo4j when NEO4J_URI is set, else the embedded FalkorDB engine with its data in
    REDENGINE_DATA_DIR (default ./.redengine-data).
    """


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors become one clear line and a non-zero exit code, never a traceback."""
    try:
        cli.main(args=argv, prog_name="redengine", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except ValidationError as e:
        for p in e.problems:
            click.echo(f"error: {p}", err=True)
        click.echo(f"error: {e}; nothing was changed", err=True)
        return 2
    except RedEngineError as e:
        click.echo(f"error: {e}", err=True)
        return getattr(e, "exit_code", 1)
    except KeyboardInterrupt:
        return 130
    return 0


def _entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    _entry()
