"""The command machinery behind the mutations: check who may, validate against the graph, then write once.

Each command is planned first (`plan_*` in `links`, `records`, `cases`: reads the facts, collects every
problem as a `CommandProblem`, or returns the write steps and the result) and then run by `execute`,
which writes the steps and the audit entry in one batch. A refused command writes nothing but its
audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from redengine.errors import Reason, RedEngineError
from redengine.graph import gate as load_gate
from redengine.graph.statements import Statement
from redengine.schema.model import UnitKind
from redengine.services import audit
from redengine.services.access import Principal, RoleName
from redengine.services.codes import API_CODE, ErrorCode
from redengine.types import Runner


@dataclass(frozen=True)
class CommandProblem:
    """Why a command is refused (or a warning about it): a reason, the input field at fault, a message."""

    reason: Reason
    field: str | None
    message: str

    @property
    def code(self) -> ErrorCode:
        """The public code clients see (`redengine/services/codes.py` maps every reason a command gives)."""
        return API_CODE[self.reason]


@dataclass
class CommandPlan:
    """What a valid command will write, and what it reports back."""

    action: str
    target: str
    steps: list[tuple[Statement, dict]]
    result: dict[str, Any]
    detail: dict[str, Any] = field(default_factory=dict)
    warnings: list[CommandProblem] = field(default_factory=list)
    #: per step, how many things it must report written (its first column, summed); None: not checked
    expect: list[int | None] | None = None
    #: the one statement (redengine/services/atomic.py) that re-checks, writes and audits together; replaces `steps`
    atomic: tuple[Statement, dict] | None = None

    def shortfall(self, results: list[list[dict]]) -> list[str]:
        """Steps that wrote fewer (or more) than planned, as readable notes; empty when all is as planned."""
        out = []
        for (stmt, _), want, rows in zip(self.steps, self.expect or [], results, strict=False):
            got = sum(next(iter(r.values()), 0) or 0 for r in rows)
            if want is not None and got != want:
                out.append(f"{stmt.name} wrote {got}, expected {want}")
        return out


class Refused(RedEngineError):
    """The command is invalid or not allowed; nothing was written."""

    def __init__(self, action: str, target: str, errors: list[CommandProblem]):
        super().__init__("; ".join(e.message for e in errors))
        self.action, self.target, self.errors = action, target, list(errors)


@dataclass
class Outcome:
    result: dict[str, Any] | None
    errors: list[CommandProblem]
    warnings: list[CommandProblem] = field(default_factory=list)


def execute(runner: Runner, principal: Principal, planner: Callable[[], CommandPlan]) -> Outcome:
    """CommandPlan, then write the steps and the audit entry together; a refusal is audited and written nowhere else."""
    try:
        plan = planner()
    except Refused as r:
        return _refused(runner, principal, r)
    detail = {"outcome": "ok", **plan.detail}
    if plan.warnings:
        detail["warnings"] = [w.code.value for w in plan.warnings]
    if plan.atomic is not None:
        return _write_atomic(runner, principal, planner, plan, detail)
    if plan.expect is None:
        audit.write(runner, plan.steps + [audit.step(principal, plan.action, plan.target, detail)])
        return Outcome(plan.result, [], plan.warnings)
    # A checked write: its counts decide what the audit entry says, so the entry follows the write.
    try:
        results = runner.write_batch(plan.steps)
    except Exception:
        audit.write(runner, [audit.step(principal, plan.action, plan.target, {**detail, "outcome": "error"})])
        raise
    missed = plan.shortfall(results)
    if missed:
        error = CommandProblem(Reason.NOT_WRITTEN, None, f"nothing was changed as planned ({'; '.join(missed)}); "
                                                       "read the current state and try again")
        audit.write(runner, [audit.step(principal, plan.action, plan.target,
                                        {**detail, "outcome": "not_written", "missed": missed})])
        return Outcome(None, [error])
    audit.write(runner, [audit.step(principal, plan.action, plan.target, detail)])
    return Outcome(plan.result, [], plan.warnings)


def _refused(runner: Runner, principal: Principal, r: Refused, raced: bool = False) -> Outcome:
    detail: dict[str, Any] = {"outcome": "refused", "errors": [{"code": e.code.value, "field": e.field} for e in r.errors]}
    if raced:
        detail["raced"] = True
    audit.write(runner, [audit.step(principal, r.action, r.target, detail)])
    return Outcome(None, r.errors)


def _write_atomic(runner: Runner, principal: Principal, planner: Callable[[], CommandPlan], plan: CommandPlan,
                  detail: dict[str, Any]) -> Outcome:
    """Write the plan's single statement (check, write and audit entry commit together or not at all).
    If its condition no longer held, the graph moved since the plan's read: plan again, so the refusal
    names the same reason a later request would get."""
    assert plan.atomic is not None  # execute() sends only atomic plans here
    stmt, params = plan.atomic
    try:
        rows = runner.write(stmt, {**params, **audit.fields(principal, plan.action, plan.target, detail)})
    except Exception:
        audit.write(runner, [audit.step(principal, plan.action, plan.target, {**detail, "outcome": "error"})])
        raise
    if rows and (next(iter(rows[0].values()), 0) or 0) > 0:
        return Outcome(plan.result, [], plan.warnings)
    held = load_gate.held_by(runner)
    if held is not None:
        error = CommandProblem(Reason.LOAD_IN_PROGRESS, None, f"a roster load ({held}) is writing to the graph; "
                                                            "try again when it has finished")
        audit.write(runner, [audit.step(principal, plan.action, plan.target,
                                        {**detail, "outcome": "refused", "errors": [{"code": error.code.value}]})])
        return Outcome(None, [error])
    try:
        planner()
    except Refused as r:
        return _refused(runner, principal, r, raced=True)
    error = CommandProblem(Reason.NOT_WRITTEN, None, "nothing was changed as planned (the graph changed under the "
                                                   "write); read the current state and try again")
    audit.write(runner, [audit.step(principal, plan.action, plan.target, {**detail, "outcome": "not_written"})])
    return Outcome(None, [error])


def _source(principal: Principal) -> str:
    return f"api {principal.who}"


def _admin_only(principal: Principal, action: str, target: str, what: str) -> None:
    """Refuse at once (before reading anything) unless the principal is an admin."""
    if principal.role is not RoleName.ADMIN:
        raise Refused(action, target, [CommandProblem(Reason.FORBIDDEN, None, f"a {principal.role.value} token may not {what}")])


def _one(runner: Runner, stmt: Statement, params: dict) -> dict:
    rows = runner.read(stmt, params)
    return rows[0] if rows else {}


def _unit_kind(kind: str | None) -> UnitKind | None:
    try:
        return UnitKind(kind) if kind else None
    except ValueError:
        return None
