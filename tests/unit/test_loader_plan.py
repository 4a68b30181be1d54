"""A plan's counts carry their change category from where they are made (no guessing from the label)."""

from __future__ import annotations

import pytest

from redengine.graph import links
from redengine.loaders.plan import Change, Plan


def test_a_count_says_what_it_changes():
    plan = Plan()
    plan.add(links.END_UNITS, [{"id": "U1"}], "units closed", Change.ENDED)  # a label with no telling word
    plan.note("units set right", change=Change.CHANGED)
    assert plan.change_of == {"units closed": Change.ENDED, "units set right": Change.CHANGED}
    assert dict(plan.counts) == {"units closed": 1, "units set right": 1}


def test_a_count_without_its_change_or_with_two_is_refused():
    plan = Plan()
    with pytest.raises(ValueError, match="needs its change"):
        plan.add(links.END_UNITS, [{"id": "U1"}], "units ended")
    plan.add(links.END_UNITS, [], "units ended")  # nothing to count: nothing to say
    plan.note("units ended", change=Change.ENDED)
    with pytest.raises(ValueError, match="both ended and added"):
        plan.note("units ended", change=Change.ADDED)
