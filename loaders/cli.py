"""`redengine load` and `redengine history`: parse options, call the loader, print what happened."""

from __future__ import annotations

import json

import click

from redengine.config import Settings
from redengine.graph.engine import connect
from redengine.loaders.kinds import KINDS
from redengine.loaders.sync import MASS_END_MIN, MASS_END_SHARE, SyncReport, load_rosters
from redengine.loaders.sync import history as sync_history
from redengine.options import DATE


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(list(KINDS)), help="Roster kind (default: told by the headers).")
@click.option("--as-of", "as_of", type=DATE, help="Snapshot date, YYYY-MM-DD (default: today).")
@click.option("--scope", metavar="UNIT_ID", help="The roster covers only this unit's subtree.")
@click.option("--dry-run", is_flag=True, help="Check and report the changes without writing them.")
@click.option("--who", default=None, help="Who is loading, recorded with the sync (default: the login name).")
@click.option("--allow-mass-end", is_flag=True,
              help=f"Allow a snapshot to end more than --mass-end-share of what it covers (and more than {MASS_END_MIN} "
                   "entries); normally refused as a likely partial file or a forgotten --scope.")
@click.option("--mass-end-share", type=click.FloatRange(0, 1), default=MASS_END_SHARE, show_default=True,
              help=f"The share of a snapshot's scope it may end without --allow-mass-end (ending at most {MASS_END_MIN} "
                   "entries is always allowed).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object instead of a table.")
@click.option("--quiet", "-q", is_flag=True, help="For scripts: no progress, no table, only errors; the exit code tells.")
def load(files, kind, as_of, scope, dry_run, who, allow_mass_end, mass_end_share, as_json, quiet) -> None:
    """Bring the graph in line with roster FILES (.xlsx or .csv).

    All files are checked together before anything is written (links may name units and people
    added by the same load); any error leaves the graph unchanged (exit code 2). They are applied
    in dependency order: units, people, links, weak, appointment.
    """
    with connect(Settings.from_env()) as runner:
        report = load_rosters(runner, files, kind=kind, as_of=as_of, scope=scope, dry_run=dry_run,
                              who=who or _login(), allow_mass_end=allow_mass_end, mass_end_share=mass_end_share,
                              progress=not quiet and not as_json)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    elif not quiet:
        _print(report)
    if not as_json:
        for s in report.unfinished:
            click.echo(f"warning: an earlier load of {s['file']} did not finish ({s['id']}): {s['failure']}; "
                       "load that file again to finish its job", err=True)


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def _print(report: SyncReport) -> None:
    from rich.console import Console
    from rich.table import Table

    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)
    head = f"as of {report.as_of}" + (f", scope {report.scope}" if report.scope else "")
    table = Table(title=f"roster load {head}" + (" (dry run: nothing written)" if report.dry_run else ""),
                  title_justify="left", show_lines=False)
    for col, style in (("file", "bold"), ("kind", ""), ("rows", ""), ("change", ""), ("count", ""), ("first rows", "dim")):
        table.add_column(col, style=style or None, justify="right" if col in ("rows", "count") else "left",
                         overflow="fold")
    for p in report.parts:
        s = p.summary()
        first = True
        lines = [(what, n, p.examples.get(what, [])) for what, n in p.counts.items()]
        if p.moves:
            lines.append(("moved", len(p.moves), p.moves[:5]))
        if not lines:
            lines = [("nothing to change", 0, [])]
        for what, n, ex in lines:
            table.add_row(p.file if first else "", p.kind if first else "", f"{p.rows:,}" if first else "", what,
                          f"{n:,}" if n else "", "; ".join(ex))
            first = False
        if p.changed:
            table.add_row("", "", "", "[italic]total[/]", "", ", ".join(f"{k} {v:,}" for k, v in s.items()))
        table.add_section()
    console = Console(soft_wrap=False, width=max(100, Console().width), highlight=False)
    console.print(table)
    if report.resumed:
        console.print(f"finished interrupted load(s): {', '.join(report.resumed)}")
    if not report.dry_run and report.sync_ids:
        console.print(f"recorded as {', '.join(report.sync_ids)}")
    elif not report.changed:
        console.print("nothing to change")


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
        status = {"done": "", "interrupted": " [interrupted: finished by a later load of the same file"
                  + (f", {r['resumed_by']}" if r.get("resumed_by") else "") + "]",
                  "failed": f" [failed: {r.get('failure')}; load the file again]"}.get(
            r["status"], f" [{r['status']}: did not finish (or still running); load the file again]")
        click.echo(f"{r['started_at']:%Y-%m-%d %H:%M}  {r['kind']:<11} {r['file']} as of {r['as_of']}{scope} by {r['by']}"
                   f"{status}\n    {changes}{warn}  ({r['id']})")
