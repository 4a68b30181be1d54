"""A load plan: the write steps a roster needs, what they will change (counted, with first rows), and the context."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from redengine.graph.statements import Statement
from redengine.loaders.problems import Problems
from redengine.types import Runner

if TYPE_CHECKING:
    from redengine.loaders.state import Shared

#: rows per write step: one huge UNWIND is slower on FalkorDB than a few of this size, and smaller
#: steps let the progress bar move
STEP_ROWS = 5_000
#: how many example rows a report keeps for each count
EXAMPLES = 5


@dataclass(frozen=True)
class Ctx:
    """What every planner needs: the engine (read-only use), the snapshot date and scope, the sync id."""

    runner: Runner
    as_of: dt.date
    scope: str | None
    source: str
    problems: Problems
    #: the graph as read once for the whole call, overlaid with what the call's earlier files change
    shared: Shared
    #: ids of the rows that failed their own checks: the graph checks still run on the other rows
    #: (so one run reports everything) but take no reference to these as an error
    unparsed: frozenset[str] = frozenset()


def example(row: dict[str, Any]) -> str:
    """A short line naming what a write row is about: `id name`, or `src → dst (from … to …)`."""
    if "src" in row:
        text = f"{row['src']} → {row['dst']}"
        dates = [f"{k} {row[k]}" for k in ("from", "to") if row.get(k) is not None]
        return f"{text} ({', '.join(dates)})" if dates else text
    if "person_id" in row:
        return f"{row['person_id']} @ {row['unit_id']} {row.get('date') or row.get('from') or ''}".strip()
    if "unit_id" in row:
        return f"{row['unit_id']} {row.get('flagged_on', '')}".strip()
    return " ".join(str(row[k]) for k in ("id", "name", "note") if row.get(k) is not None)


class Change(str, Enum):
    """What a count of a plan does to the graph; each count says so where it is made."""

    ADDED = "added"
    CHANGED = "changed"
    ENDED = "ended"


@dataclass
class Plan:
    steps: list[tuple[Statement, dict[str, Any]]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    #: count name → the first rows it counts, as short lines
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: for a snapshot: how many entries of the graph it covers, and how many of them it leaves out (ends)
    covered: int = 0
    left_out: int = 0
    #: units whose formal parent changed, people whose workplace changed (their links count as ended + opened)
    moves: list[str] = field(default_factory=list)
    #: count name → what it does (added, changed, ended)
    change_of: dict[str, Change] = field(default_factory=dict)

    def add(self, statement: Statement, rows: list[dict[str, Any]], what: str | None = None,
            change: Change | None = None) -> None:
        """Append UNWIND steps for `rows` (none when empty), STEP_ROWS at a time, and count them under
        `what`, whose `change` says what they do."""
        for i in range(0, len(rows), STEP_ROWS):
            self.steps.append((statement, {"rows": rows[i:i + STEP_ROWS]}))
        if what and rows:
            self._count(what, change, len(rows))
            self._keep(what, rows)

    def note(self, what: str, n: int = 1, example: str | None = None, *, change: Change) -> None:
        self._count(what, change, n)
        if example is not None and len(self.examples[what]) < EXAMPLES:
            self.examples[what].append(example)

    def _count(self, what: str, change: Change | None, n: int) -> None:
        if change is None:
            raise ValueError(f"the count {what!r} needs its change (added, changed or ended)")
        if self.change_of.setdefault(what, change) is not change:
            raise ValueError(f"the count {what!r} is both {self.change_of[what].value} and {change.value}")
        self.counts[what] += n

    def moved(self, example: str) -> None:
        self.moves.append(example)

    def _keep(self, what: str, rows: list[dict[str, Any]]) -> None:
        have = self.examples[what]
        for r in rows[:EXAMPLES - len(have)]:
            have.append(example(r))

    @property
    def changes(self) -> bool:
        return bool(self.steps)
