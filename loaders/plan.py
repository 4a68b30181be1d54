"""A load plan: the write steps a roster needs, what they will change (counted), and the context."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from redengine.graph.statements import Statement
from redengine.loaders.problems import Problems
from redengine.types import Runner


@dataclass(frozen=True)
class Ctx:
    """What every planner needs: the engine (read-only use), the snapshot date and scope, the sync id."""

    runner: Runner
    as_of: dt.date
    scope: str | None
    source: str
    problems: Problems
    #: ids of the rows that failed their own checks: the graph checks still run on the other rows
    #: (so one run reports everything) but take no reference to these as an error
    unparsed: frozenset[str] = frozenset()


@dataclass
class Plan:
    steps: list[tuple[Statement, dict[str, Any]]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    #: for a snapshot: how many entries of the graph it covers, and how many of them it leaves out (ends)
    covered: int = 0
    left_out: int = 0

    def add(self, statement: Statement, rows: list[dict[str, Any]], what: str | None = None) -> None:
        """Append one UNWIND step for `rows` (skipped when empty) and count them under `what`."""
        if not rows:
            return
        self.steps.append((statement, {"rows": rows}))
        if what:
            self.counts[what] += len(rows)

    def note(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    @property
    def changes(self) -> bool:
        return bool(self.steps)
