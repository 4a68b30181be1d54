"""`redengine load` and `redengine history`: parse options, call the loader, print what happened."""

from __future__ import annotations

import json

import click

from redengine.config import Settings
from redengine.dates import parse_date
from redengine.errors import ValidationError
from redengine.graph.engine import connect
from redengine.loaders.kinds import KINDS
from redengine.loaders.sync import SyncReport, load_rosters
from redengine.loaders.sync import history as sync_history


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from e


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(list(KINDS)), help="Roster kind (default: told by the headers).")
@click.option("--as-of", "as_of", callback=_date, help="Snapshot date, YYYY-MM-DD (default: today).")
@click.option("--scope", metavar="UNIT_ID", help="The roster covers only this unit's subtree.")
@click.option("--dry-run", is_flag=True, help="Check and report the changes without writing them.")
@click.option("--who", default=None, help="Who is loading, recorded with the sync (default: the login name).")
@click.option("--allow-mass-end", is_flag=True,
              help="Allow a snapshot to end more than a quarter of what it covers (normally refused as a likely partial file).")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as one JSON list instead of text.")
def load(files, kind, as_of, scope, dry_run, who, allow_mass_end, as_json) -> None:
    """Bring the graph in line with roster FILES (.xlsx or .csv).

    Several files load in dependency order (units, people, links, weak, appointment), each one
    checked completely before anything of it is written.
    """
    done: list[str] = []

    def show(report: SyncReport) -> None:
        if not as_json:
            _print(report)
        done.append(report.file)

    with connect(Settings.from_env()) as runner:
        try:
            reports = load_rosters(runner, files, kind=kind, as_of=as_of, scope=scope, dry_run=dry_run,
                                   who=who or _login(), allow_mass_end=allow_mass_end, on_report=show)
        except ValidationError as e:
            if done:
                click.echo(f"already loaded: {', '.join(done)}; stopped at {e.problems[0].file}", err=True)
            raise
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1))


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def _print(report: SyncReport) -> None:
    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)
    head = f"{report.file}: {report.kind} roster, {report.rows} rows, as of {report.as_of}"
    if report.scope:
        head += f", scope {report.scope}"
    click.echo(head)
    if not report.changed:
        click.echo("  nothing to change")
        return
    for what, n in report.counts.items():
        click.echo(f"  {what}: {n}")
    click.echo("  (dry run: nothing written)" if report.dry_run else f"  recorded as {report.sync_id}")


@click.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000), help="How many loads to show.")
def history(limit: int) -> None:
    """List the latest roster loads, newest first, with what each changed."""
    with connect(Settings.from_env()) as runner:
        rows = sync_history(runner, limit)
    if not rows:
        click.echo("no roster has been loaded yet")
        return
    for r in rows:
        scope = f" scope {r['scope']}" if r["scope"] else ""
        changes = ", ".join(f"{k} {v}" for k, v in r["counts"].items())
        warn = f"; {r['warnings']} warning(s)" if r["warnings"] else ""
        status = "" if r["status"] == "done" else f" [{r['status']}: did not finish; load the file again]"
        click.echo(f"{r['started_at']:%Y-%m-%d %H:%M}  {r['kind']:<11} {r['file']} as of {r['as_of']}{scope} by {r['by']}"
                   f"{status}\n    {changes}{warn}  ({r['id']})")
