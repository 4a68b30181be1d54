"""A township token walks every nested path of the read API and meets nothing outside its subtree.

The allowed sets are worked out here from tests/api_world.py's facts, not from the API: T2's subtree
on AS_OF is T2, C3 (PART_OF T2) and V4 (PART_OF T2; V5 is under T3). The people T2 may see are those
with a link in force into one of those units: L2 (contacts T2), S3 (secretary of C3), P2 and P3
(liaise with V4), K3 (commissioner of V4). Record ids (weak:…, opinion:…, notice:…, merge:…) may only
name allowed units and people.
"""

from __future__ import annotations

import pytest
from api_world import AS_OF, NAMES, PEOPLE, build, data

from redengine.config import ApiLimits

D = str(AS_OF)
ALLOWED_UNITS = {"T2", "C3", "V4"}
ALLOWED_PEOPLE = {"L2", "S3", "P2", "P3", "K3"}
WORLD_IDS = set(NAMES) | set(PEOPLE)

PERSON = "id name title idNumber phone workUnit { id } links { nodes { unit { id } } }"
BRIEF = "id title idNumber phone workUnit { id }"  # a person inside a unit (keeps within the depth limit)
UNIT = f"""id name parent {{ id }} children {{ nodes {{ id }} }} compositeCommittee {{ id }}
  coordinatedUnits {{ nodes {{ id }} }}
  secretary {{ person {{ {BRIEF} }} }} commissioner {{ person {{ {BRIEF} }} }}
  liaisonCadres {{ nodes {{ person {{ {BRIEF} }} unit {{ id }} }} }}
  leaders {{ nodes {{ person {{ {BRIEF} }} unit {{ id }} }} }}
  committeeMembers {{ nodes {{ person {{ {BRIEF} }} unit {{ id }} }} }}
  weakCases {{ nodes {{ id unit {{ id }} strongPeers {{ nodes {{ id }} }} compositeCommittee {{ id }}
                      liaisonCadres {{ nodes {{ person {{ id }} }} }} commissioner {{ person {{ id }} }} }} }}
  events {{ nodes {{ id fromUnits {{ id }} toUnits {{ id }} }} }}"""

#: one query per root field (each within the depth limit); every path a client can take from it
WALKS = [
    f"""query($d: Date) {{ coverage(asOf: $d) {{ scope {{ id }} gaps {{ nodes {{ kind unit {{ {UNIT} }} person {{ {PERSON} }} }} }} }} }}""",
    f"""query($d: Date) {{ coverage(scope: "D", asOf: $d) {{ gaps {{ nodes {{ unit {{ {UNIT} }} person {{ {PERSON} }} }} }} }} }}""",
    f"""query($d: Date) {{ organisation(id: "T2", asOf: $d) {{ {UNIT}
        leaders {{ nodes {{ person {{ liaisonVillages {{ nodes {{ unit {{ {UNIT} }} }} }}
                                  links {{ nodes {{ unit {{ {UNIT} }} person {{ id }} }} }} }} }} }} }} }}""",
    f"""query($d: Date) {{ organisation(id: "T2", asOf: $d) {{
        committeeMembers {{ nodes {{ person {{ {PERSON} links {{ nodes {{ unit {{ {UNIT} }} }} }} }} }} }} }} }}""",
    f"""query($d: Date) {{ organisation(id: "V4", asOf: $d) {{ {UNIT}
        compositeCommittee {{ {UNIT} coordinatedUnits {{ nodes {{ {UNIT} }} }} }} }} }}""",
    f"""query($d: Date) {{ organisation(id: "C3", asOf: $d) {{ secretary {{ person {{ {PERSON}
        links {{ nodes {{ unit {{ {UNIT} }} }} }} }} }} parent {{ {UNIT} parent {{ {UNIT} }} }} }} }}""",
    f"""query($d: Date) {{ weakOrganisations(asOf: $d) {{ nodes {{ id unit {{ {UNIT} }} strongPeers {{ nodes {{ {UNIT} }} }}
        compositeCommittee {{ {UNIT} }} liaisonCadres {{ nodes {{ person {{ {PERSON} }} }} }} }} }} }}""",
    f"""query($d: Date) {{ people(asOf: $d) {{ nodes {{ {PERSON} links {{ nodes {{ unit {{ {UNIT} }} }} }} }} }} }}""",
    f"""query($d: Date) {{ s3: person(id: "S3", asOf: $d) {{ {PERSON} links {{ nodes {{ unit {{ {UNIT} }} }} }} }}
        l2: person(id: "L2", asOf: $d) {{ {PERSON} links {{ nodes {{ unit {{ {UNIT} }} }} }} }} }}""",
    f"""query($d: Date) {{ appointmentCheck(personId: "P2", asOf: $d) {{ person {{ {PERSON} }}
        villages {{ unit {{ {UNIT} }} }} blockers {{ unit {{ {UNIT} }} }} warnings {{ unit {{ id }} }} }} }}""",
    f"""query($d: Date) {{ organisations(asOf: $d) {{ nodes {{ {UNIT} }} }} }}""",
]

#: the walks ask every field at the default page sizes, nested three lists deep (their cost estimates
#: reach 48 million objects): they are about scope, not cost, so they run without the cost limit
EVERY_FIELD = ApiLimits(max_cost=10**9)


def collect_ids(value, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "id" and isinstance(v, str):
                out.add(v)
            else:
                collect_ids(v, out)
    elif isinstance(value, list):
        for v in value:
            collect_ids(v, out)
    return out


@pytest.fixture
def world(runner):
    build(runner)
    return runner


def test_township_token_sees_nothing_outside_its_subtree_on_any_path(world):
    got = [data(world, q, role="township", township="T2", limits=EVERY_FIELD, d=D) for q in WALKS]
    seen = collect_ids(got, set())
    assert {"T2", "C3", "V4", "L2", "S3", "P2", "P3", "K3"} <= seen  # the walk did reach things
    outside = set()
    for i in seen:
        names = [part for part in i.split(":") if part in WORLD_IDS]
        if i in WORLD_IDS:
            names = [i]
        outside |= {n for n in names if n not in ALLOWED_UNITS | ALLOWED_PEOPLE}
    assert outside == set(), sorted(outside)
    # the district's leader gap is still reported, with its unit (the district) withheld
    kinds = {(g["kind"], g["unit"] is None) for g in got[0]["coverage"]["gaps"]["nodes"]}
    assert ("LEADER_TOWNSHIP_COUNT", True) in kinds


def test_admin_walk_does_reach_outside_t2(world):
    """The same walk as an admin meets the district's members: the township test above can fail."""
    got = [data(world, q, limits=EVERY_FIELD, d=D) for q in WALKS]
    seen = collect_ids(got, set())
    assert {"D", "T1", "L1", "L3"} <= seen


def test_person_fields_answer_nothing_for_a_person_outside_the_token_scope(world):
    """The shared check behind every Person field: P1 (liaises in T1, works at DEPT) is invisible to a
    T2 token, so its personal data, work and links load as nothing; a T1 token gets them."""
    import asyncio

    from api_world import P1_ID_NUMBER

    from redengine.api.context import Context, Principal, RoleName
    from redengine.api.dataloaders import of_person

    def load(township, name):
        ctx = Context(world, Principal("t", "tester", RoleName.TOWNSHIP, township))
        return asyncio.run(of_person(ctx, name, "P1", AS_OF))

    assert (load("T2", "personal"), load("T2", "person"), load("T2", "person_links")) == (None, None, [])
    assert load("T1", "personal")["id_number"] == P1_ID_NUMBER
    assert load("T1", "person")["work"][0]["title"] == "科长"
