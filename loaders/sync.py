"""Load one roster: read, check everything, compare with the graph, then write the difference.

Nothing is written unless the whole file is valid. The writes of one file run as one batch (one
transaction on Neo4j; convergent steps on FalkorDB, so a re-run after a crash finishes the job),
framed by a (:Sync) record that every written link and record names as its `source`. A load that
would change nothing writes nothing, not even the Sync record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click

from redengine.dates import today
from redengine.loaders import queries
from redengine.loaders.appointment import plan_appointments
from redengine.loaders.cells import RowCells
from redengine.loaders.kinds import KINDS, ORDER, detect, is_known_header, map_columns
from redengine.loaders.people import plan_people
from redengine.loaders.plan import Ctx, Plan
from redengine.loaders.problems import Problem, Problems, Reason
from redengine.loaders.roles import plan_roles
from redengine.loaders.rows import PARSERS
from redengine.loaders.table import Table, read_table
from redengine.loaders.units import plan_units
from redengine.loaders.weak import plan_weak
from redengine.types import Runner

PLANNERS: dict[str, Callable[[Ctx, list], Plan]] = {
    "units": plan_units, "people": plan_people, "links": plan_roles, "weak": plan_weak, "appointment": plan_appointments,
}
SNAPSHOTS = frozenset({"units", "people", "links", "weak"})  # appointment records are events
#: A snapshot that leaves out more than this many entries AND this share of what it covers is
#: refused unless allowed: most likely a partial file, or a missing --scope.
MASS_END_MIN, MASS_END_SHARE = 10, 0.25


@dataclass
class SyncReport:
    kind: str
    file: str
    as_of: dt.date
    scope: str | None
    rows: int
    counts: dict[str, int]
    warnings: list[Problem] = field(default_factory=list)
    sync_id: str | None = None  # set when something was written
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(self.counts.values())

    def to_dict(self) -> dict:
        """Plain JSON-ready values; warnings as their messages with file, row and column."""
        return {"file": self.file, "kind": self.kind, "as_of": self.as_of.isoformat(), "scope": self.scope,
                "rows": self.rows, "counts": self.counts, "sync_id": self.sync_id, "dry_run": self.dry_run,
                "warnings": [str(w) for w in self.warnings]}


def read_roster(path: Path | str) -> Table:
    """The table in `path`; a ValidationError if it cannot be read."""
    path = Path(path)
    problems = Problems(path.name)
    table = read_table(path, problems, is_known_header)
    problems.raise_if_errors()
    assert table is not None
    return table


def kind_of(table: Table, kind: str | None = None) -> str:
    """The roster kind: `kind` if given, else told by the headers."""
    if kind in KINDS:
        return kind
    problems = Problems(table.name)
    if kind is None:
        found = detect(table.headers, problems)
    else:
        problems.error(Reason.UNKNOWN_KIND, f"--kind {kind!r} is not one of {', '.join(KINDS)}")
    problems.raise_if_errors()
    return found.name


def load_file(runner: Runner, path: Path | str, **options) -> SyncReport:
    """Load the roster in `path`; options as for `load_table`."""
    return load_table(runner, read_roster(path), **options)


def load_table(runner: Runner, table: Table, *, kind: str | None = None, as_of: dt.date | None = None,
               scope: str | None = None, dry_run: bool = False, who: str = "cli",
               allow_mass_end: bool = False) -> SyncReport:
    """Check `table` completely, then bring the graph in line with it as of `as_of` (default today)."""
    name = kind_of(table, kind)
    spec = KINDS[name]
    problems = Problems(table.name)
    index = map_columns(spec, table.headers, problems)
    problems.raise_if_errors()
    assert index is not None
    cells, parse = RowCells(spec, index, table.headers, problems), PARSERS[name]
    rows, unparsed = [], set()
    for n, c in table.rows:
        rec = parse(cells.at(n, c))
        if rec is not None:
            rows.append(rec)
        elif "id" in index and c[index["id"]] is not None:
            unparsed.add(str(cells.text("id")))
    if not table.rows and name in SNAPSHOTS:
        problems.error(Reason.REQUIRED, f"the roster has no rows; as a snapshot it would end every {name} entry "
                       f"in {'scope ' + scope if scope else 'the district'}")
        problems.raise_if_errors()

    day = as_of or today()
    sha256 = table.sha256 or hashlib.sha256(json.dumps([table.headers, table.rows], default=str).encode()).hexdigest()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    sync_id = f"sync:{name}:{stamp}:{sha256[:8]}"
    plan = PLANNERS[name](Ctx(runner, day, scope, sync_id, problems, frozenset(unparsed)), rows)
    if not allow_mass_end and not problems.errors and plan.left_out > MASS_END_MIN and plan.left_out > MASS_END_SHARE * plan.covered:
        problems.error(Reason.MASS_END, f"the roster leaves out {plan.left_out} of the {plan.covered} {name} entries "
                       f"{'under ' + scope if scope else 'in the district'} on {day}, which would end them; "
                       "check that the file is complete (or pass --scope); if it is right, allow it (--allow-mass-end)")
    problems.raise_if_errors()
    report = SyncReport(name, table.name, day, scope, len(rows), dict(plan.counts), problems.warnings, dry_run=dry_run)
    if dry_run or not plan.changes:
        return report
    start = {"id": sync_id, "kind": name, "file": table.name, "sha256": sha256, "as_of": day, "scope": scope,
             "by": who, "rows": len(rows), "stamp": stamp}
    finish = {"id": sync_id, "counts": json.dumps(report.counts, ensure_ascii=False), "warnings": len(report.warnings)}
    runner.write_batch([(queries.START_SYNC, start), *plan.steps, (queries.FINISH_SYNC, finish)])
    report.sync_id = sync_id
    return report


def load_rosters(runner: Runner, paths: Iterable[Path | str], *, kind: str | None = None, progress: bool = False,
                 on_report: Callable[[SyncReport], None] | None = None, **options) -> list[SyncReport]:
    """Load several rosters in dependency order (units, people, links, weak, appointment).

    Every file is read and its kind told before anything is written; then each file is checked
    completely and written on its own, so a file that fails leaves the ones before it loaded
    (`on_report` has seen them). Options as for `load_table`.
    """
    tables = [read_roster(path) for path in paths]
    reports = []
    for table in sorted(tables, key=lambda t: ORDER.index(kind_of(t, kind))):
        if progress:
            click.echo(f"loading {table.name} ({len(table.rows):,} rows) ...", err=True)
        report = load_table(runner, table, kind=kind, **options)
        reports.append(report)
        if on_report is not None:
            on_report(report)
    return reports


def history(runner: Runner, limit: int = 20) -> list[dict]:
    """The latest loads, newest first, with their counts decoded."""
    out = []
    for r in runner.read(queries.SYNC_HISTORY, {"limit": limit}):
        out.append({**r, "counts": json.loads(r["counts"]) if r.get("counts") else {}})
    return out
