"""No N+1: the nested village query costs the same few engine round trips for 5 villages as for 50."""

from __future__ import annotations

import pytest
from api_world import data

from redengine.graph import links

NESTED = """{ organisations(kind: [VILLAGE, COMMUNITY], asOf: "2020-06-01", first: 500) { totalCount edges { node {
    id name parent { name } compositeCommittee { name secretary { person { name } } }
    liaisonCadres { nodes { from person { name } } } commissioner { person { name } } } } } }"""


def township_with_villages(runner, n: int) -> None:
    """One township T1 with a composite C1 and n villages, each with its own liaison cadre and commissioner."""
    units = [("D", "黄陂区", "district"), ("T1", "前川街道", "township"), ("C1", "张河片", "composite")]
    units += [(f"V{i:03d}", f"村{i}", "village") for i in range(n)]
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": i, "name": nm, "kind": k, "kind_label": k, "from": "2017-01-01", "source": "t"} for i, nm, k in units]})

    def link(rel, pairs):
        runner.write(links.OPEN[rel], {"rows": [
            {"src": a, "dst": b, "from": "2017-01-01", "to": None, "source": "t"} for a, b in pairs]})

    people = [f"P{i:03d}" for i in range(n)] + [f"K{i:03d}" for i in range(n)] + ["S1"]
    runner.write(links.UPSERT_PEOPLE, {"rows": [{"id": p, "name": p, "from": "2017-01-01", "source": "t"} for p in people]})
    link("PART_OF", [("T1", "D"), ("C1", "T1")] + [(f"V{i:03d}", "T1") for i in range(n)])
    link("COORDINATED_BY", [(f"V{i:03d}", "C1") for i in range(n)])
    link("LIAISES_WITH", [(f"P{i:03d}", f"V{i:03d}") for i in range(n)])
    link("COMMISSIONER_OF", [(f"K{i:03d}", f"V{i:03d}") for i in range(n)])
    link("SECRETARY_OF", [("S1", "C1")])


def trips(runner, n: int, **principal) -> int:
    township_with_villages(runner, n)
    before = runner.round_trips
    got = data(runner, NESTED, **principal)["organisations"]
    spent = runner.round_trips - before
    # the answer is complete, so the count is of a real answer
    assert got["totalCount"] == n
    node = got["edges"][-1]["node"]
    assert node["parent"] == {"name": "前川街道"} and node["compositeCommittee"]["secretary"]["person"]["name"] == "S1"
    assert node["liaisonCadres"]["nodes"][0]["person"]["name"] == f"P{n - 1:03d}"
    assert node["commissioner"]["person"]["name"] == f"K{n - 1:03d}"
    return spent


@pytest.mark.parametrize("principal", [{}, {"role": "township", "township": "T1"}], ids=["admin", "township"])
def test_round_trips_do_not_grow_with_the_villages(runner, principal):
    # The second build adds villages 5..49 to the first five (the writes converge).
    counts = [trips(runner, n, **principal) for n in (5, 50)]
    assert counts[0] == counts[1], counts
    # the list, parents, composites, the composites' roles and the villages' roles (+ the township's subtree)
    assert counts[1] <= 6, counts
