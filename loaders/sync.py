"""Load rosters: read every file, check and plan them all together, then write the difference.

Every file of one call is read, checked and compared with the graph before anything is written;
a later file sees what the earlier ones add or end (links may name units and people the same
call adds). Any error in any file: nothing is written. The writes run in dependency order as one
batch (one transaction on Neo4j; convergent steps on FalkorDB, so a re-run after a crash finishes
the job), each file's part framed by a (:Sync) record that every written link and record names as
its `source`. A load that would change nothing writes nothing, not even a Sync record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redengine.dates import today
from redengine.domain.dates import out_of_range
from redengine.errors import ValidationError
from redengine.graph import gate
from redengine.graph.statements import Statement
from redengine.loaders import queries, status
from redengine.loaders.appointment import plan_appointments
from redengine.loaders.cells import RowCells
from redengine.loaders.kinds import KINDS, ORDER, detect, is_known_header, map_columns
from redengine.loaders.people import plan_people
from redengine.loaders.plan import Ctx, Plan
from redengine.loaders.problems import LAYOUT, Problem, Problems, Reason
from redengine.loaders.progress import Meter
from redengine.loaders.roles import plan_roles
from redengine.loaders.rows import PARSERS
from redengine.loaders.state import Shared
from redengine.loaders.table import Table, read_table
from redengine.loaders.units import plan_units
from redengine.loaders.weak import plan_weak
from redengine.types import Runner

PLANNERS: dict[str, Callable[[Ctx, list], Plan]] = {
    "units": plan_units, "people": plan_people, "links": plan_roles, "weak": plan_weak, "appointment": plan_appointments,
}
SNAPSHOTS = frozenset({"units", "people", "links", "weak"})  # appointment records are events
#: A snapshot that leaves out more than MASS_END_SHARE of what it covers (and more than
#: MASS_END_MIN entries, so a tiny scope can still lose one or two) is refused unless allowed:
#: most likely a partial file, or a missing --scope.
MASS_END_MIN, MASS_END_SHARE = 5, 0.2
#: Test hook (never set in production): the loader kills itself with SIGKILL after this many write
#: steps, so a test can check that re-running an interrupted load converges.
KILL_HOOK = "REDENGINE_TEST_KILL_AFTER_STEPS"
CATEGORIES = ("added", "changed", "ended", "moved")


@dataclass
class Part:
    """What one file of a load changes (or would change)."""

    kind: str
    file: str
    rows: int
    counts: dict[str, int]
    examples: dict[str, list[str]] = field(default_factory=dict)
    moves: list[str] = field(default_factory=list)
    #: count name → its category (added, changed, ended), as the planner that made the count said
    change_of: dict[str, str] = field(default_factory=dict)
    sync_id: str | None = None  # set when something was written
    sha256: str = ""

    @property
    def changed(self) -> bool:
        return any(self.counts.values())

    def summary(self) -> dict[str, int]:
        """Counts by category: added, changed, ended (links and entries), moved (units, people)."""
        out = dict.fromkeys(CATEGORIES, 0)
        for what, n in self.counts.items():
            out[self.change_of[what]] += n
        out["moved"] = len(self.moves)
        return out

    def to_dict(self) -> dict:
        return {"kind": self.kind, "file": self.file, "rows": self.rows, "sha256": self.sha256, "sync_id": self.sync_id,
                "summary": self.summary(), "counts": self.counts, "examples": self.examples, "moves": self.moves[:5]}


@dataclass
class SyncReport:
    """What one load call changed (or, in a dry run, would change), file by file in load order."""

    as_of: dt.date
    scope: str | None
    parts: list[Part]
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    #: earlier loads of these files that never finished, now marked interrupted (this load finished their job)
    resumed: list[str] = field(default_factory=list)
    #: earlier loads of other files that failed or died: {id, file, failure}; loading that file again finishes them
    unfinished: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        total: Counter = Counter()
        for p in self.parts:
            total.update(p.counts)
        return dict(total)

    @property
    def changed(self) -> bool:
        return any(p.changed for p in self.parts)

    @property
    def sync_ids(self) -> list[str]:
        return [p.sync_id for p in self.parts if p.sync_id]

    @property
    def sync_id(self) -> str | None:
        """The Sync record of a one-file load (None when nothing was written)."""
        ids = self.sync_ids
        return ids[0] if len(ids) == 1 else None

    @property
    def kind(self) -> str:
        return "+".join(p.kind for p in self.parts)

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.parts)

    def __iter__(self):
        """The parts, one per file in load order."""
        return iter(self.parts)

    def part(self, kind: str) -> Part | None:
        return next((p for p in self.parts if p.kind == kind), None)

    def to_dict(self) -> dict:
        """Plain JSON-ready values; warnings as their messages with file, row and column."""
        return {"as_of": self.as_of.isoformat(), "scope": self.scope, "dry_run": self.dry_run,
                "changed": self.changed, "sync_ids": self.sync_ids, "resumed": self.resumed,
                "unfinished": self.unfinished,
                "counts": self.counts, "parts": [p.to_dict() for p in self.parts],
                "warnings": [str(w) for w in self.warnings]}


def read_roster(path: Path | str) -> Table:
    """The table in `path`; a ValidationError if it cannot be read."""
    problems = Problems(Path(path).name)
    table = read_table(path, problems, is_known_header)
    problems.raise_if_errors()
    assert table is not None
    return table


def kind_of(table: Table, kind: str | None = None) -> str:
    """The roster kind: `kind` if given, else told by the headers."""
    problems = Problems(table.name)
    found = _kind(table, kind, problems)
    problems.raise_if_errors()
    assert found is not None
    return found


def _kind(table: Table, kind: str | None, problems: Problems) -> str | None:
    if kind in KINDS:
        return kind
    if kind is not None:
        problems.error(Reason.UNKNOWN_KIND, f"--kind {kind!r} is not one of {', '.join(KINDS)}")
        return None
    found = detect(table.headers, problems)
    return found.name if found else None


def load_file(runner: Runner, path: Path | str, **options) -> SyncReport:
    """Load the roster in `path`; options as for `load_tables`."""
    return load_rosters(runner, [path], **options)


def load_table(runner: Runner, table: Table, **options) -> SyncReport:
    """Load one table (e.g. built in memory with `Table.of`); options as for `load_tables`."""
    return load_tables(runner, [table], **options)


def load_rosters(runner: Runner, paths: Iterable[Path | str], **options) -> SyncReport:
    """Load the roster files in `paths` together (all checked before anything is written); options as
    for `load_tables`. Files that cannot be read are all reported at once."""
    tables, errors = [], []
    for path in paths:
        try:
            tables.append(read_roster(path))
        except ValidationError as e:
            errors += e.problems
    if errors:
        raise ValidationError(errors)
    return load_tables(runner, tables, **options)


@dataclass
class _File:
    table: Table
    kind: str
    problems: Problems
    index: dict[str, int]


def load_tables(runner: Runner, tables: list[Table], *, kind: str | None = None, as_of: dt.date | None = None,
                scope: str | None = None, dry_run: bool = False, who: str = "cli", allow_mass_end: bool = False,
                mass_end_share: float = MASS_END_SHARE, progress: bool | Meter = False,
                on_report: Callable[[Part], None] | None = None) -> SyncReport:
    """Check every table completely, then bring the graph in line with them as of `as_of` (default today).

    Tables load in dependency order (units, people, links, weak, appointment), each planned against
    the graph as the earlier ones leave it. Any error in any table raises one ValidationError with
    every problem and writes nothing. `on_report` sees each file's part once it is planned.
    `progress`: True (or a Meter) shows progress bars on stderr for big files.
    """
    meter = progress if isinstance(progress, Meter) else Meter(bool(progress))
    day = as_of or today()
    if (why := out_of_range(day)) is not None:  # the snapshot's date is written as the end of what it ends
        raise ValidationError([Problem(Reason.DATE_OUT_OF_RANGE, f"the snapshot date (--as-of) {why}")])
    files = _layout(tables, kind)
    _ensure_schema(runner)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    shared = Shared(runner, day)
    parts, plans, ids, problems = [], [], [], []
    with meter, gate.held(runner, who, skip=dry_run):
        for f in files:
            sync_id = f"sync:{f.kind}:{stamp}:{(f.table.sha256 or _sha256(f.table))[:8]}"
            part, plan = _plan_file(runner, f, day, scope, sync_id, shared, meter, allow_mass_end, mass_end_share)
            problems.append(f.problems)
            parts.append(part)
            plans.append(plan)
            ids.append(sync_id)
            if on_report is not None:
                on_report(part)
        errors = [p for ps in problems for p in sorted(ps.errors, key=lambda p: (p.reason not in LAYOUT, p.row or 0))]
        if errors:
            raise ValidationError(errors)
        warnings = [p for ps in problems for p in ps.warnings]
        report = SyncReport(day, scope, parts, warnings, dry_run=dry_run)
        stale = _interrupted(runner, files, day, scope)
        report.resumed = sorted(stale)
        earlier = [s for s in status.unfinished(runner) if s["id"] not in stale]
        report.unfinished = [{"id": s["id"], "file": s["file"], "failure": s["failure"]} for s in earlier]
        if dry_run:
            return report
        steps: list[tuple[Statement, dict[str, Any]]] = []
        gone = [s for s in earlier if s["failure"] == status.GONE]
        if gone:
            steps.append((status.MARK_FAILED, {"rows": [{"id": s["id"], "why": status.GONE} for s in gone]}))
        if stale:
            by_kind = {p.kind: i for p, plan, i in zip(parts, plans, ids, strict=False) if plan.changes}
            steps.append((queries.MARK_INTERRUPTED, {"rows": [{"id": s, "by": by_kind.get(k)} for s, k in sorted(stale.items())]}))
        for i, (f, part, plan, sync_id) in enumerate(zip(files, parts, plans, ids, strict=False)):
            if not plan.changes:
                continue
            part.sync_id = sync_id
            start = {"id": sync_id, "kind": part.kind, "file": part.file, "sha256": part.sha256, "as_of": day,
                     "scope": scope, "by": who, "rows": part.rows, "stamp": f"{stamp}-{i}",  # history: newest last file first
                     **status.owner()}
            finish = {"id": sync_id, "counts": json.dumps(part.counts, ensure_ascii=False),
                      "warnings": len(f.problems.warnings)}
            steps += [(queries.START_SYNC, start), *plan.steps, (queries.FINISH_SYNC, finish)]
        try:
            _apply(runner, steps, meter, sum(p.rows for p in parts))
        except BaseException as e:  # an engine error, Ctrl-C: never leave the syncs running
            status.mark_failed(runner, report.sync_ids, f"{type(e).__name__}: {e}")
            raise
        runner.compact()  # the next engine start loads a snapshot instead of replaying this load
    return report


def _ensure_schema(runner: Runner) -> None:
    """Apply the schema to a graph that never had it (even for a dry run: it holds no data): without
    its indexes every MERGE scans all nodes, and FalkorDB caches plans that miss link types made later."""
    from redengine.graph.apply import apply_schema, schema_version
    from redengine.schema.model import SCHEMA_VERSION

    if schema_version(runner) != SCHEMA_VERSION:
        apply_schema(runner)


def _layout(tables: list[Table], kind: str | None) -> list[_File]:
    """Every table's kind and columns, in load order; all layout errors of all files at once."""
    files, errors = [], []
    for table in tables:
        problems = Problems(table.name)
        name = _kind(table, kind, problems)
        index = map_columns(KINDS[name], table.headers, problems) if name else None
        if name is not None and index is not None:
            files.append(_File(table, name, problems, index))
        errors += problems.errors
    seen: dict[str, str] = {}
    for f in files:
        if f.kind in seen:
            errors.append(Problem(Reason.UNKNOWN_KIND, f"a second {f.kind} roster in one load (the first is {seen[f.kind]}); "
                                  "a snapshot must come in one file", f.table.name))
        seen.setdefault(f.kind, f.table.name)
    if errors:
        errors.sort(key=lambda p: p.reason not in LAYOUT)
        raise ValidationError(errors)
    return sorted(files, key=lambda f: ORDER.index(f.kind))


def _sha256(table: Table) -> str:
    """The file's SHA-256, or for a table built in memory one of its headers and rows."""
    return table.sha256 or hashlib.sha256(json.dumps([table.headers, table.rows], default=str).encode()).hexdigest()


def _plan_file(runner: Runner, f: _File, day: dt.date, scope: str | None, sync_id: str, shared: Shared, meter: Meter,
               allow_mass_end: bool, share: float) -> tuple[Part, Plan]:
    table, name, problems = f.table, f.kind, f.problems
    cells, parse = RowCells(KINDS[name], f.index, table.headers, problems), PARSERS[name]
    rows, unparsed = [], set()
    with meter.task(f"checking {table.name}", len(table.rows)) as tick:
        for n, c in table.rows:
            rec = parse(cells.at(n, c))
            if rec is not None:
                rows.append(rec)
            elif "id" in f.index and c[f.index["id"]] is not None:
                unparsed.add(str(cells.text("id")))
            tick()
    part = Part(name, table.name, len(rows), {}, sha256=_sha256(table))
    if not table.rows and name in SNAPSHOTS:
        problems.error(Reason.REQUIRED, f"the roster has no rows; as a snapshot it would end every {name} entry "
                       f"in {'scope ' + scope if scope else 'the district'}")
        return part, Plan()
    try:
        plan = PLANNERS[name](Ctx(runner, day, scope, sync_id, problems, shared, frozenset(unparsed)), rows)
    except ValidationError as e:  # the scope itself is wrong: nothing else to check
        problems.items += [p for p in e.problems if p not in problems.items]
        return part, Plan()
    if (not allow_mass_end and not problems.errors and plan.left_out > MASS_END_MIN
            and plan.left_out > share * plan.covered):
        problems.error(Reason.MASS_END, f"the roster leaves out {plan.left_out} of the {plan.covered} {name} entries "
                       f"{'under ' + scope if scope else 'in the district'} on {day} ({plan.left_out / plan.covered:.0%}, "
                       f"more than {share:.0%}), which would end them; check that the file is complete (or pass --scope); "
                       "if it is right, allow it (--allow-mass-end)")
    part.counts, part.examples, part.moves = dict(plan.counts), dict(plan.examples), plan.moves
    part.change_of = {what: change.value for what, change in plan.change_of.items()}
    return part, plan


def _interrupted(runner: Runner, files: list[_File], day: dt.date, scope: str | None) -> dict[str, str]:
    """Syncs of these same files (kind, SHA-256, date, scope) left running by a load that died: id → kind."""
    mine = {(f.kind, _sha256(f.table)) for f in files}
    return {s["id"]: s["kind"] for s in runner.read(status.UNFINISHED)
            if (s["kind"], s["sha256"]) in mine and s["as_of"] == day and s["scope"] == scope}


def _apply(runner: Runner, steps: list, meter: Meter, rows: int) -> None:
    """Write the steps: one batch, or step by step (convergent on FalkorDB) to show progress."""
    if not steps:
        return
    kill_after = int(os.environ.get(KILL_HOOK) or len(steps))
    if kill_after < len(steps):  # test hook: die half-way through the writes, as a killed process would
        runner.write_batch(steps[:kill_after])
        os.kill(os.getpid(), signal.SIGKILL)
    fail_after = int(os.environ.get(status.FAIL_HOOK) or len(steps))
    if fail_after < len(steps):  # test hook: the engine refuses a write half-way through
        runner.write_batch(steps[:fail_after] + [(status.BOOM, {})])
    if not meter.enabled or rows < meter.threshold or runner.transactional_batches:  # Neo4j: one transaction
        runner.write_batch(steps)
        return
    sizes = [len(p["rows"]) if isinstance(p.get("rows"), list) and p["rows"] else 1 for _, p in steps]
    with meter.task("writing", sum(sizes), force=True) as tick:
        for step, size in zip(steps, sizes, strict=False):
            runner.write_batch([step])
            tick(size)


def history(runner: Runner, limit: int = 20) -> list[dict]:
    """The latest loads, newest first, with their counts decoded."""
    out = []
    unfinished = {s["id"]: s for s in runner.read(status.UNFINISHED)}
    for r in runner.read(queries.SYNC_HISTORY, {"limit": limit}):
        r = {**r, "counts": json.loads(r["counts"]) if r.get("counts") else {}}
        if r["id"] in unfinished:  # how it ended: failed (and why), or still running
            s = status.shown(unfinished[r["id"]])
            r |= {"status": s["status"], "failure": s["failure"]}
        out.append(r)
    return out
