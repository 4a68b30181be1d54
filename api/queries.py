"""Named Cypher for the read side of the API.

Batch statements take `$ids` and return one row per (id, related thing), so a DataLoader answers
every resolver of one request level with one round trip. Every statement reads "as of" `$as_of`.
Scoped variants walk the formal hierarchy (PART_OF, at most two hops: village → township →
district) down from `$scope`; the unscoped ones read the whole graph.
"""

from __future__ import annotations

from redengine.graph.links import holds
from redengine.graph.statements import read
from redengine.schema.model import PERSON_LINKS, ROLES

#: Person→unit link types that are roles (WORKS_AT is where someone works, not a role).
ROLE_RELS = [spec.rel for spec in ROLES.values()]
ALL_PERSON_RELS = list(PERSON_LINKS)
VILLAGE_KIND_VALUES = ["village", "community"]

_PATH_HOLDS = "all(x IN relationships(path) WHERE x.from <= date($as_of) AND (x.to IS NULL OR date($as_of) < x.to))"
#: the units in the subtree of $scope (itself included), as of $as_of
_SUBTREE = f"MATCH path = (u:Unit)-[:PART_OF*0..2]->(:Unit {{id: $scope}}) WHERE {_PATH_HOLDS}"


def unit_map(v: str) -> str:
    return f"{{id: {v}.id, name: {v}.name, kind: {v}.kind, kind_label: {v}.kind_label, from: {v}.from, to: {v}.to}}"


def person_map(v: str) -> str:
    return f"{{id: {v}.id, name: {v}.name}}"


def case_map(v: str) -> str:
    return (f"{{id: {v}.id, flagged_on: {v}.flagged_on, reasons: {v}.reasons, status: {v}.status, "
            f"lifted_on: {v}.lifted_on}}")


# -- scope ----------------------------------------------------------------------------------------
#: the subtree of $scope (what a township principal may see) and the scope's ancestors
SUBTREE = read("api.subtree", f"{_SUBTREE} AND {holds('u')} RETURN DISTINCT u.id AS id")
ANCESTORS = read(
    "api.ancestors",
    f"MATCH path = (:Unit {{id: $scope}})-[:PART_OF*1..2]->(u:Unit) WHERE {_PATH_HOLDS} RETURN DISTINCT u.id AS id",
)

# -- batches (DataLoaders) ------------------------------------------------------------------------
UNITS = read("api.units", f"UNWIND $ids AS id MATCH (u:Unit {{id: id}}) RETURN id, {unit_map('u')} AS unit")

PARENTS = read(
    "api.parents",
    f"""
    UNWIND $ids AS id
    MATCH (:Unit {{id: id}})-[l:PART_OF]->(u:Unit)
    WHERE {holds('l')}
    RETURN id, {unit_map('u')} AS unit, l.from AS from, l.to AS to
    ORDER BY l.from DESC
    """,
)
CHILDREN = read(
    "api.children",
    f"""
    UNWIND $ids AS id
    MATCH (u:Unit)-[l:PART_OF]->(:Unit {{id: id}})
    WHERE {holds('l')} AND {holds('u')}
    RETURN id, {unit_map('u')} AS unit, l.from AS from, l.to AS to
    ORDER BY u.id
    """,
)
COMPOSITES = read(
    "api.composites",
    f"""
    UNWIND $ids AS id
    MATCH (:Unit {{id: id}})-[l:COORDINATED_BY]->(u:Unit)
    WHERE {holds('l')}
    RETURN id, {unit_map('u')} AS unit, l.from AS from, l.to AS to
    ORDER BY l.from DESC
    """,
)
COORDINATED = read(
    "api.coordinated",
    f"""
    UNWIND $ids AS id
    MATCH (u:Unit)-[l:COORDINATED_BY]->(:Unit {{id: id}})
    WHERE {holds('l')} AND {holds('u')}
    RETURN id, {unit_map('u')} AS unit, l.from AS from, l.to AS to
    ORDER BY u.id
    """,
)
#: every role link into the units: liaison cadres, leaders, commissioners, secretaries, committee members
UNIT_ROLES = read(
    "api.unit_roles",
    f"""
    UNWIND $ids AS id
    MATCH (p:Person)-[l]->(:Unit {{id: id}})
    WHERE type(l) IN $rels AND {holds('l')}
    RETURN id, type(l) AS rel, {person_map('p')} AS person, l.from AS from, l.to AS to
    ORDER BY p.id
    """,
)
PEOPLE = read(
    "api.people",
    f"""
    UNWIND $ids AS id
    MATCH (p:Person {{id: id}})
    RETURN id, {person_map('p')} AS person,
           [(p)-[w:WORKS_AT]->(wu:Unit) WHERE {holds('w')} | {{title: w.title, from: w.from, unit: {unit_map('wu')}}}] AS work
    """,
)
PERSON_LINKS_OF = read(
    "api.person_links",
    f"""
    UNWIND $ids AS id
    MATCH (:Person {{id: id}})-[l]->(u:Unit)
    WHERE type(l) IN $rels AND {holds('l')}
    RETURN id, type(l) AS rel, {unit_map('u')} AS unit, l.from AS from, l.to AS to
    ORDER BY l.from, u.id
    """,
)
PERSONAL_DATA = read(
    "api.personal_data",
    """
    UNWIND $ids AS id
    MATCH (:Person {id: id})-[:HAS_PERSONAL_DATA]->(d:PersonalData)
    RETURN id, d.id_number AS id_number, d.phone AS phone
    """,
)
WEAK_CASES_OF = read(
    "api.weak_cases_of",
    f"""
    UNWIND $ids AS id
    MATCH (w:WeakCase)-[:CONCERNS]->(:Unit {{id: id}})
    WHERE w.flagged_on <= date($as_of)
    RETURN id, {case_map('w')} AS case
    ORDER BY w.flagged_on DESC
    """,
)
#: events up to $as_of that a unit took part in, with the units each started from and led to
EVENTS_OF = read(
    "api.events_of",
    f"""
    UNWIND $ids AS id
    MATCH (e:UnitEvent)-[r]->(:Unit {{id: id}})
    WHERE type(r) IN ['EVENT_FROM', 'EVENT_TO'] AND e.on <= date($as_of)
    RETURN DISTINCT id, e.id AS event_id, e.kind AS kind, e.on AS on, e.note AS note,
           [(e)-[:EVENT_FROM]->(a:Unit) | {unit_map('a')}] AS from_units,
           [(e)-[:EVENT_TO]->(b:Unit) | {unit_map('b')}] AS to_units
    ORDER BY on, event_id
    """,
)
#: units in the same composite committee as each unit, without a case open on $as_of (以强带弱)
STRONG_PEERS = read(
    "api.strong_peers",
    f"""
    UNWIND $ids AS id
    MATCH (me:Unit {{id: id}})-[a:COORDINATED_BY]->(:Unit)<-[b:COORDINATED_BY]-(u:Unit)
    WHERE u.id <> id AND {holds('a')} AND {holds('b')} AND {holds('u')}
    OPTIONAL MATCH (w:WeakCase)-[:CONCERNS]->(u)
    WHERE w.flagged_on <= date($as_of) AND NOT (w.status = 'lifted' AND coalesce(w.lifted_on, w.flagged_on) <= date($as_of))
    WITH id, u, count(w) AS open
    WHERE open = 0
    RETURN id, {unit_map('u')} AS unit
    ORDER BY unit.id
    """,
)

# -- root lists (one page and the total in one round trip) ----------------------------------------
_UNIT_FILTER = f"{holds('u')} AND ($kinds IS NULL OR u.kind IN $kinds) AND ($name IS NULL OR u.name CONTAINS $name)"
_PAGE = "WITH collect({v}) AS rows RETURN size(rows) AS total, [x IN rows[$skip..$skip + $limit] | {m}] AS page"

UNITS_PAGE = read(
    "api.units_page",
    f"MATCH (u:Unit) WHERE {_UNIT_FILTER} WITH u ORDER BY u.id " + _PAGE.format(v="u", m=unit_map("x")),
)
UNITS_PAGE_SCOPED = read(
    "api.units_page_scoped",
    f"{_SUBTREE} AND {_UNIT_FILTER} WITH DISTINCT u ORDER BY u.id " + _PAGE.format(v="u", m=unit_map("x")),
)
PEOPLE_PAGE = read(
    "api.people_page",
    f"""
    MATCH (p:Person)
    OPTIONAL MATCH (p)-[l]->(:Unit)
    WHERE type(l) IN $rels AND {holds('l')}
    WITH p, count(l) AS n
    WHERE $rels IS NULL OR n > 0
    WITH p ORDER BY p.id
    """ + _PAGE.format(v="p", m=person_map("x")),
)
PEOPLE_PAGE_SCOPED = read(
    "api.people_page_scoped",
    f"""
    {_SUBTREE}
    WITH DISTINCT u
    MATCH (p:Person)-[l]->(u)
    WHERE type(l) IN $rels AND {holds('l')}
    WITH DISTINCT p ORDER BY p.id
    """ + _PAGE.format(v="p", m=person_map("x")),
)
_CASE_STATUS = ("CASE WHEN w.status = 'lifted' AND coalesce(w.lifted_on, w.flagged_on) <= date($as_of) "
                "THEN 'lifted' ELSE 'rectifying' END")
_CASES = f"""
    MATCH (w:WeakCase)-[:CONCERNS]->(u:Unit)
    WHERE w.flagged_on <= date($as_of)
    WITH w, u, {_CASE_STATUS} AS status
    WHERE $status IS NULL OR status = $status
    WITH w, u, status ORDER BY w.flagged_on DESC, w.id
    WITH collect({{case: {case_map('w')}, status: status, unit: {unit_map('u')}}}) AS rows
    RETURN size(rows) AS total, rows[$skip..$skip + $limit] AS page
"""
WEAK_PAGE = read("api.weak_page", _CASES)
WEAK_PAGE_SCOPED = read("api.weak_page_scoped", f"{_SUBTREE} WITH DISTINCT u" + _CASES)

# -- coverage --------------------------------------------------------------------------------------
#: one row per (township, composite, secretary); composite and secretary may be null
_TOWNSHIP_FACTS = f"""
    WITH DISTINCT t
    OPTIONAL MATCH (k:Unit)-[kp:PART_OF]->(t)
    WHERE k.kind = 'composite' AND {holds('kp')} AND {holds('k')}
    OPTIONAL MATCH (sp:Person)-[sl:SECRETARY_OF]->(k)
    WHERE {holds('sl')}
    OPTIONAL MATCH (sp)-[ml:COMMITTEE_MEMBER_OF]->(t)
    WHERE {holds('ml')}
    WITH t, k, sp, count(ml) AS memberships
    RETURN {unit_map('t')} AS township,
           size([(lp:Person)-[cl:CONTACTS_TOWNSHIP]->(t) WHERE {holds('cl')} | lp]) AS leaders,
           CASE WHEN k IS NULL THEN NULL ELSE {unit_map('k')} END AS composite,
           CASE WHEN sp IS NULL THEN NULL ELSE {person_map('sp')} END AS secretary,
           memberships > 0 AS on_committee
    ORDER BY township.id, composite.id, secretary.id
"""
COVERAGE_TOWNSHIPS = read(
    "api.coverage_townships",
    f"MATCH (t:Unit) WHERE t.kind = 'township' AND {holds('t')}" + _TOWNSHIP_FACTS,
)
COVERAGE_TOWNSHIPS_SCOPED = read(
    "api.coverage_townships_scoped",
    f"""
    MATCH path = (t:Unit)-[:PART_OF*0..1]->(:Unit {{id: $scope}})
    WHERE t.kind = 'township' AND {holds('t')} AND {_PATH_HOLDS}
    """ + _TOWNSHIP_FACTS,
)
#: counts over the villages of the townships, and the villages that lack something
COVERAGE_VILLAGES = read(
    "api.coverage_villages",
    f"""
    UNWIND $townships AS tid
    MATCH (v:Unit)-[p:PART_OF]->(:Unit {{id: tid}})
    WHERE v.kind IN ['village', 'community'] AND {holds('p')} AND {holds('v')}
    WITH DISTINCT v
    WITH v,
         size([(v)-[c:COORDINATED_BY]->(k:Unit) WHERE {holds('c')} AND {holds('k')} | k]) AS composites,
         size([(x:Person)-[l:LIAISES_WITH]->(v) WHERE {holds('l')} | x]) AS liaisons,
         size([(y:Person)-[m:COMMISSIONER_OF]->(v) WHERE {holds('m')} | y]) AS commissioners
    RETURN count(v) AS villages,
           sum(CASE WHEN composites > 0 THEN 1 ELSE 0 END) AS with_composite,
           sum(CASE WHEN liaisons > 0 THEN 1 ELSE 0 END) AS with_liaison,
           sum(CASE WHEN commissioners > 0 THEN 1 ELSE 0 END) AS with_commissioner,
           collect(CASE WHEN composites = 0 OR liaisons = 0 OR commissioners = 0
                   THEN {{unit: {unit_map('v')}, composites: composites, liaisons: liaisons,
                          commissioners: commissioners}} END) AS lacking
    """,
)
#: standing-committee leaders (committee members of a district) and how many townships each contacts
COVERAGE_LEADERS = read(
    "api.coverage_leaders",
    f"""
    MATCH (p:Person)-[m:COMMITTEE_MEMBER_OF]->(d:Unit)
    WHERE d.kind = 'district' AND {holds('m')} AND ($district IS NULL OR d.id = $district)
    WITH DISTINCT p, d
    RETURN {person_map('p')} AS person, {unit_map('d')} AS district,
           size([(p)-[c:CONTACTS_TOWNSHIP]->(t:Unit) WHERE {holds('c')} | t]) AS townships
    ORDER BY person.id
    """,
)
#: leaders contacting one township, and how many townships each contacts in all
COVERAGE_TOWNSHIP_LEADERS = read(
    "api.coverage_township_leaders",
    f"""
    MATCH (p:Person)-[c0:CONTACTS_TOWNSHIP]->(:Unit {{id: $scope}})
    WHERE {holds('c0')}
    WITH DISTINCT p
    MATCH (p)-[m:COMMITTEE_MEMBER_OF]->(d:Unit)
    WHERE d.kind = 'district' AND {holds('m')}
    RETURN {person_map('p')} AS person, {unit_map('d')} AS district,
           size([(p)-[c:CONTACTS_TOWNSHIP]->(t:Unit) WHERE {holds('c')} | t]) AS townships
    ORDER BY person.id
    """,
)

# -- appointment check ----------------------------------------------------------------------------
#: one row per village the cadre liaises with on $as_of (or one row with unit null), with every
#: opinion from and notice posted in that village about the cadre, dated on or before $as_of
APPOINTMENT_CHECK = read(
    "api.appointment_check",
    f"""
    MATCH (p:Person {{id: $person}})
    OPTIONAL MATCH (p)-[l:LIAISES_WITH]->(v:Unit)
    WHERE {holds('l')} AND {holds('v')} AND v.kind IN ['village', 'community']
    RETURN {person_map('p')} AS person,
           CASE WHEN v IS NULL THEN NULL ELSE {unit_map('v')} END AS unit, l.from AS from, l.to AS to,
           [(v)<-[:GIVEN_BY]-(o:Opinion)-[:ABOUT]->(p) WHERE o.date <= date($as_of) |
              {{id: o.id, date: o.date, conclusion: o.conclusion, doc_no: o.doc_no}}] AS opinions,
           [(v)<-[:POSTED_IN]-(n:Notice)-[:ABOUT]->(p) WHERE n.from <= date($as_of) |
              {{id: n.id, from: n.from, to: n.to, doc_no: n.doc_no}}] AS notices
    ORDER BY unit.id
    """,
)
