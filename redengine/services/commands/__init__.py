"""The write services behind the mutations, by subject: dated links, appointment records, weak cases;
`core` holds what they share (plan, problem, refusal, and `execute`, which writes and audits)."""

from __future__ import annotations

from redengine.services.commands.cases import plan_lift_weak_case, plan_open_weak_case, plan_update_weak_case
from redengine.services.commands.core import CommandPlan, CommandProblem, Outcome, Refused, execute
from redengine.services.commands.links import plan_end_link, plan_start_link
from redengine.services.commands.records import plan_record_notice, plan_record_opinion

__all__ = ["CommandPlan", "CommandProblem", "Outcome", "Refused", "execute", "plan_end_link", "plan_lift_weak_case",
           "plan_open_weak_case", "plan_record_notice", "plan_record_opinion", "plan_start_link", "plan_update_weak_case"]
