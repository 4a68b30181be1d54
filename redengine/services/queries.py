"""Named Cypher for the read side of the API.

Batch statements take `$ids` and return one row per (id, related thing), so a DataLoader answers
every resolver of one request level with one round trip. Every statement reads "as of" `$as_of`.
Scoped variants walk the formal hierarchy (PART_OF, at most two hops: village → township →
district) down from `$scope`; the unscoped ones read the whole graph.
"""

from __future__ import annotations

from redengine.domain.appointment import notice_counts, notice_ended, notice_recent, opinion_counts, opinion_recent
from redengine.domain.cases import case_open, case_status, flagged_by
from redengine.domain.conventions import is_village
from redengine.domain.cypher import lit
from redengine.domain.dated import holds, path_holds
from redengine.domain.leaders import CONTACT_REL, SEAT_REL, district_seat
from redengine.graph.statements import Statement, read
from redengine.schema.model import PERSON_LINKS, ROLES, UnitKind

#: Person→unit link types that are roles (WORKS_AT is where someone works, not a role).
ROLE_RELS = [spec.rel for spec in ROLES.values()]
ALL_PERSON_RELS = list(PERSON_LINKS)

_PATH_HOLDS = path_holds("path")
_DISTRICT, _TOWNSHIP, _COMPOSITE = lit(UnitKind.DISTRICT), lit(UnitKind.TOWNSHIP), lit(UnitKind.COMPOSITE)


def unit_map(v: str) -> str:
    return f"{{id: {v}.id, name: {v}.name, kind: {v}.kind, kind_label: {v}.kind_label, from: {v}.from, to: {v}.to}}"


def person_map(v: str) -> str:
    return f"{{id: {v}.id, name: {v}.name}}"


def case_map(v: str) -> str:
    return (f"{{id: {v}.id, flagged_on: {v}.flagged_on, reasons: {v}.reasons, status: {v}.status, "
            f"lifted_on: {v}.lifted_on}}")


# -- scope ----------------------------------------------------------------------------------------
# FalkorDB 4.16 plans a filter on the far end of a pattern badly when it sits in the MATCH's own
# WHERE (it scans that end's label first: 100-1000x slower, measured on the demo district). So every
# statement here anchors on an id in one MATCH, expands in the next, and filters after a WITH; and it
# counts with OPTIONAL MATCH + sum(CASE …) rather than pattern comprehensions, which cost ~40 µs a row.
_ANCHORED_SUBTREE = f"""
    MATCH (s:Unit {{id: $scope}})
    MATCH path = (s)<-[:PART_OF*0..2]-(u:Unit)
    WITH u, path
    WHERE {_PATH_HOLDS} AND {holds('u')}
"""
#: the subtree of $scope (what a township principal may see) and the scope's ancestors
SUBTREE = read("api.subtree", _ANCHORED_SUBTREE + "RETURN DISTINCT u.id AS id")
ANCESTORS = read(
    "api.ancestors",
    f"""
    MATCH (s:Unit {{id: $scope}})
    MATCH path = (s)-[:PART_OF*1..2]->(u:Unit)
    WITH u, path
    WHERE {_PATH_HOLDS}
    RETURN DISTINCT u.id AS id
    """,
)


def unit_cols(v: str, p: str = "u_") -> str:
    """A unit as flat columns (cheaper than a map on FalkorDB); `redengine.services.read` folds them back."""
    return ", ".join(f"{v}.{k} AS {p}{k}" for k in ("id", "name", "kind", "kind_label", "from", "to"))


def _batch(name: str, anchor: str, expand: str, keep: str, ret: str, order: str) -> Statement:
    return read(name, f"""
    UNWIND $ids AS id
    MATCH {anchor}
    MATCH {expand}
    WITH {keep}
    RETURN {ret}
    ORDER BY {order}
    """)


# -- batches (DataLoaders) ------------------------------------------------------------------------
UNITS = read("api.units", f"UNWIND $ids AS id MATCH (u:Unit {{id: id}}) RETURN id, {unit_cols('u')}")
PARENTS = _batch("api.parents", "(c:Unit {id: id})", "(c)-[l:PART_OF]->(u:Unit)",
                 f"id, l, u WHERE {holds('l')} AND {holds('u')}",
                 f"id, {unit_cols('u')}, l.from AS from, l.to AS to", "from DESC")
CHILDREN = _batch("api.children", "(a:Unit {id: id})", "(a)<-[l:PART_OF]-(u:Unit)",
                  f"id, l, u WHERE {holds('l')} AND {holds('u')}", f"id, {unit_cols('u')}, l.from AS from, l.to AS to", "u_id")
COMPOSITES = _batch("api.composites", "(c:Unit {id: id})", "(c)-[l:COORDINATED_BY]->(u:Unit)",
                    f"id, l, u WHERE {holds('l')} AND {holds('u')}",
                    f"id, {unit_cols('u')}, l.from AS from, l.to AS to", "from DESC")
COORDINATED = _batch("api.coordinated", "(a:Unit {id: id})", "(a)<-[l:COORDINATED_BY]-(u:Unit)",
                     f"id, l, u WHERE {holds('l')} AND {holds('u')}", f"id, {unit_cols('u')}, l.from AS from, l.to AS to", "u_id")
#: every role link into the units: liaison cadres, leaders, commissioners, secretaries, committee members
UNIT_ROLES = _batch("api.unit_roles", "(u:Unit {id: id})", "(u)<-[l]-(p:Person)", f"id, l, p WHERE type(l) IN $rels AND {holds('l')}",
                    "id, type(l) AS rel, p.id AS p_id, p.name AS p_name, l.from AS from, l.to AS to", "p_id")
#: a township's leaders on D by the domain's leader rule: a contact link in force whose person holds a
#: district seat that day (`redengine.domain.leaders`); same columns as UNIT_ROLES
UNIT_LEADERS = read("api.unit_leaders", f"""
    UNWIND $ids AS id
    MATCH (u:Unit {{id: id}})<-[l:{CONTACT_REL}]-(p:Person)
    WHERE {holds('l')}
    MATCH (p)-[m:{SEAT_REL}]->(d:Unit)
    WHERE {district_seat('m', 'd')}
    WITH DISTINCT id, l, p
    RETURN id, type(l) AS rel, p.id AS p_id, p.name AS p_name, l.from AS from, l.to AS to
    ORDER BY p_id
    """)
PERSON_LINKS_OF = _batch("api.person_links", "(p:Person {id: id})", "(p)-[l]->(u:Unit)",
                         f"id, l, u WHERE type(l) IN $rels AND {holds('l')} AND {holds('u')}",
                         f"id, type(l) AS rel, {unit_cols('u')}, l.from AS from, l.to AS to", "from, u_id")
#: people with every WORKS_AT link (few per person); the reader keeps the ones in force
PEOPLE = read(
    "api.people",
    f"""
    UNWIND $ids AS id
    MATCH (p:Person {{id: id}})
    OPTIONAL MATCH (p)-[w:WORKS_AT]->(wu:Unit)
    RETURN id, p.name AS name, w.title AS title, w.from AS from, w.to AS to, {unit_cols('wu')}
    """,
)
PERSONAL_DATA = read(
    "api.personal_data",
    """
    UNWIND $ids AS id
    MATCH (p:Person {id: id})
    MATCH (p)-[:HAS_PERSONAL_DATA]->(d:PersonalData)
    RETURN id, d.id_number AS id_number, d.phone AS phone
    """,
)
WEAK_CASES_OF = _batch("api.weak_cases_of", "(u:Unit {id: id})", "(u)<-[:CONCERNS]-(w:WeakCase)",
                       f"id, w WHERE {flagged_by('w')}",
                       "id, w.id AS w_id, w.flagged_on AS w_flagged_on, w.reasons AS w_reasons, w.status AS w_status, "
                       "w.lifted_on AS w_lifted_on", "w_flagged_on DESC")
#: events up to $as_of that a unit took part in, with the units each started from and led to
EVENTS_OF = read(
    "api.events_of",
    f"""
    UNWIND $ids AS id
    MATCH (x:Unit {{id: id}})
    MATCH (x)<-[r]-(e:UnitEvent)
    WITH DISTINCT id, e
    WHERE e.on <= date($as_of)
    RETURN id, e.id AS event_id, e.kind AS kind, e.on AS on, e.note AS note,
           [(e)-[:EVENT_FROM]->(a:Unit) | {unit_map('a')}] AS from_units,
           [(e)-[:EVENT_TO]->(b:Unit) | {unit_map('b')}] AS to_units
    ORDER BY on, event_id
    """,
)
_OPEN_CASE = f"w IS NOT NULL AND {case_open('w')}"
#: units in the same composite committee as each unit, without a case open on $as_of (以强带弱)
STRONG_PEERS = read(
    "api.strong_peers",
    f"""
    UNWIND $ids AS id
    MATCH (me:Unit {{id: id}})
    MATCH (me)-[a:COORDINATED_BY]->(k:Unit)
    WITH id, me, k, a
    WHERE {holds('a')} AND {holds('k')}
    MATCH (k)<-[b:COORDINATED_BY]-(u:Unit)
    WITH id, me, u, b
    WHERE u.id <> id AND {holds('b')} AND {holds('u')}
    OPTIONAL MATCH (u)<-[:CONCERNS]-(w:WeakCase)
    WITH id, u, sum(CASE WHEN {_OPEN_CASE} THEN 1 ELSE 0 END) AS open
    WHERE open = 0
    RETURN DISTINCT id, {unit_cols('u')}
    ORDER BY u_id
    """,
)

# -- root lists (one page and the total in one round trip) ----------------------------------------
_UNIT_FILTER = f"{holds('u')} AND ($kinds IS NULL OR u.kind IN $kinds) AND ($name IS NULL OR u.name CONTAINS $name)"
_PAGE = "WITH collect({v}) AS rows RETURN size(rows) AS total, [x IN rows[$skip..$skip + $limit] | {m}] AS page"

UNITS_PAGE = read(
    "api.units_page",
    f"MATCH (u:Unit) WITH u WHERE {_UNIT_FILTER} WITH u ORDER BY u.id " + _PAGE.format(v="u", m=unit_map("x")),
)
UNITS_PAGE_SCOPED = read(
    "api.units_page_scoped",
    f"{_ANCHORED_SUBTREE} WITH DISTINCT u WHERE {_UNIT_FILTER} WITH u ORDER BY u.id " + _PAGE.format(v="u", m=unit_map("x")),
)
PEOPLE_PAGE = read("api.people_page", "MATCH (p:Person) WITH p ORDER BY p.id " + _PAGE.format(v="p", m=person_map("x")))


def _people_with(rel: str) -> Statement:
    return read(f"api.people_page.{rel}", f"""
    MATCH (p:Person)-[l:{rel}]->(u:Unit)
    WITH p, l, u
    WHERE {holds('l')} AND {holds('u')}
    WITH DISTINCT p ORDER BY p.id
    """ + _PAGE.format(v="p", m=person_map("x")))


#: rel type → the people holding a link of that type on $as_of (types come from the model's allow-list)
PEOPLE_PAGE_WITH = {rel: _people_with(rel) for rel in ROLE_RELS}
PEOPLE_PAGE_SCOPED = read(
    "api.people_page_scoped",
    f"""
    {_ANCHORED_SUBTREE}
    WITH DISTINCT u
    MATCH (u)<-[l]-(p:Person)
    WITH p, l
    WHERE type(l) IN $rels AND {holds('l')}
    WITH DISTINCT p ORDER BY p.id
    """ + _PAGE.format(v="p", m=person_map("x")),
)
_CASE_STATUS = case_status('w')
_CASES = f"""
    WITH w, u
    WHERE {flagged_by('w')}
    WITH w, u, {_CASE_STATUS} AS status
    WHERE $status IS NULL OR status = $status
    WITH w, u, status ORDER BY w.flagged_on DESC, w.id
    WITH collect({{case: {case_map('w')}, status: status, unit: {unit_map('u')}}}) AS rows
    RETURN size(rows) AS total, rows[$skip..$skip + $limit] AS page
"""
WEAK_PAGE = read("api.weak_page", "MATCH (w:WeakCase)-[:CONCERNS]->(u:Unit)" + _CASES)
WEAK_PAGE_SCOPED = read("api.weak_page_scoped",
                        f"{_ANCHORED_SUBTREE} WITH DISTINCT u MATCH (u)<-[:CONCERNS]-(w:WeakCase)" + _CASES)

# -- coverage --------------------------------------------------------------------------------------
#: a township's leaders: people whose contact link holds AND who sit on a district committee that
#: day (a standing-committee leader); a contact whose membership ended no longer covers the township
_LEADER_COUNT = f"""
    OPTIONAL MATCH (t)<-[cl:CONTACTS_TOWNSHIP]-(lp:Person)
    WITH t, CASE WHEN cl IS NOT NULL AND {holds('cl')} THEN lp END AS lp
    OPTIONAL MATCH (lp)-[lm:COMMITTEE_MEMBER_OF]->(ld:Unit)
    WITH t, lp, sum(CASE WHEN lm IS NOT NULL AND {district_seat('lm', 'ld')}
                         THEN 1 ELSE 0 END) AS seats
    WITH t, collect(DISTINCT CASE WHEN seats > 0 THEN lp.id END) AS leader_ids
    RETURN {unit_cols('t')}, size(leader_ids) AS leaders
    ORDER BY u_id
"""
#: the townships in the scope, each with how many leaders contact it
COVERAGE_TOWNSHIPS = read(
    "api.coverage_townships",
    f"MATCH (t:Unit) WHERE t.kind = {_TOWNSHIP} WITH t WHERE {holds('t')}" + _LEADER_COUNT,
)
COVERAGE_TOWNSHIPS_SCOPED = read(
    "api.coverage_townships_scoped",
    f"""
    MATCH (s:Unit {{id: $scope}})
    MATCH path = (s)<-[:PART_OF*0..1]-(t:Unit)
    WITH DISTINCT t, path
    WHERE t.kind = {_TOWNSHIP} AND {holds('t')} AND {_PATH_HOLDS}
    """ + _LEADER_COUNT,
)
#: one row per (composite of the townships, secretary in force or null) and whether that
#: secretary sits on the township's committee
COVERAGE_COMPOSITES = read(
    "api.coverage_composites",
    f"""
    UNWIND $townships AS tid
    MATCH (t:Unit {{id: tid}})
    MATCH (t)<-[kp:PART_OF]-(k:Unit)
    WITH t, k, kp
    WHERE k.kind = {_COMPOSITE} AND {holds('kp')} AND {holds('k')}
    OPTIONAL MATCH (k)<-[sl:SECRETARY_OF]-(sp:Person)
    WITH t, k, CASE WHEN sl IS NOT NULL AND {holds('sl')} THEN sp END AS sec
    OPTIONAL MATCH (sec)-[ml:COMMITTEE_MEMBER_OF]->(t)
    WITH t, k, sec, sum(CASE WHEN ml IS NOT NULL AND {holds('ml')} THEN 1 ELSE 0 END) AS memberships
    RETURN t.id AS township, {unit_cols('k')}, sec.id AS p_id, sec.name AS p_name, memberships
    ORDER BY u_id, p_id
    """,
)
#: for a small scope: counts over the villages of the townships, and the villages that lack something
COVERAGE_VILLAGES = read(
    "api.coverage_villages",
    f"""
    UNWIND $townships AS tid
    MATCH (t:Unit {{id: tid}})
    MATCH (t)<-[p:PART_OF]-(v:Unit)
    WITH DISTINCT v, p
    WHERE {is_village('v')} AND {holds('p')} AND {holds('v')}
    WITH DISTINCT v
    OPTIONAL MATCH (v)-[c:COORDINATED_BY]->(k:Unit)
    WITH v, sum(CASE WHEN c IS NOT NULL AND {holds('c')} AND {holds('k')} THEN 1 ELSE 0 END) AS composites
    OPTIONAL MATCH (v)<-[l:LIAISES_WITH]-(:Person)
    WITH v, composites, sum(CASE WHEN l IS NOT NULL AND {holds('l')} THEN 1 ELSE 0 END) AS liaisons
    OPTIONAL MATCH (v)<-[m:COMMISSIONER_OF]-(:Person)
    WITH v, composites, liaisons, sum(CASE WHEN m IS NOT NULL AND {holds('m')} THEN 1 ELSE 0 END) AS commissioners
    RETURN count(v) AS villages,
           sum(CASE WHEN composites > 0 THEN 1 ELSE 0 END) AS with_composite,
           sum(CASE WHEN liaisons > 0 THEN 1 ELSE 0 END) AS with_liaison,
           sum(CASE WHEN commissioners > 0 THEN 1 ELSE 0 END) AS with_commissioner,
           collect(CASE WHEN composites = 0 OR liaisons = 0 OR commissioners = 0
                   THEN {{unit: {unit_map('v')}, composites: composites, liaisons: liaisons,
                          commissioners: commissioners}} END) AS lacking
    """,
)
#: for a large scope: the villages of the townships (ids), and separately (below) the sets of
#: villages with each fact, scanned by link type; the reader takes the differences
COVERAGE_VILLAGE_IDS = read(
    "api.coverage_village_ids",
    f"""
    UNWIND $townships AS tid
    MATCH (t:Unit {{id: tid}})
    MATCH (t)<-[p:PART_OF]-(v:Unit)
    WITH v, p
    WHERE {is_village('v')} AND {holds('p')} AND {holds('v')}
    RETURN collect(DISTINCT v.id) AS ids
    """,
)
COVERAGE_VILLAGE_FACTS = read(
    "api.coverage_village_facts",
    f"""
    MATCH (v:Unit)-[c:COORDINATED_BY]->(k:Unit)
    WITH v, c, k
    WHERE {holds('c')} AND {holds('k')}
    RETURN 'composite' AS fact, collect(DISTINCT v.id) AS ids
    UNION ALL
    MATCH (:Person)-[l:LIAISES_WITH]->(v:Unit)
    WITH v, l
    WHERE {holds('l')}
    RETURN 'liaison' AS fact, collect(DISTINCT v.id) AS ids
    UNION ALL
    MATCH (:Person)-[m:COMMISSIONER_OF]->(v:Unit)
    WITH v, m
    WHERE {holds('m')}
    RETURN 'commissioner' AS fact, collect(DISTINCT v.id) AS ids
    """,
)
_TOWNSHIP_COUNT = f"""
    OPTIONAL MATCH (p)-[c:CONTACTS_TOWNSHIP]->(ct:Unit)
    WITH d, p, sum(CASE WHEN c IS NOT NULL AND {holds('c')} AND {holds('ct')} THEN 1 ELSE 0 END) AS townships
    RETURN p.id AS p_id, p.name AS p_name, {unit_cols('d')}, townships
    ORDER BY p_id
"""
#: standing-committee leaders (committee members of a district) and how many townships each contacts
COVERAGE_LEADERS = read(
    "api.coverage_leaders",
    f"""
    MATCH (d:Unit) WHERE d.kind = {_DISTRICT}
    WITH d WHERE $district IS NULL OR d.id = $district
    MATCH (d)<-[m:COMMITTEE_MEMBER_OF]-(p:Person)
    WITH d, p, m
    WHERE {district_seat('m', 'd')}
    WITH DISTINCT d, p
    """ + _TOWNSHIP_COUNT,
)
#: leaders contacting one township, and how many townships each contacts in all
COVERAGE_TOWNSHIP_LEADERS = read(
    "api.coverage_township_leaders",
    f"""
    MATCH (s:Unit {{id: $scope}})
    MATCH (s)<-[c0:CONTACTS_TOWNSHIP]-(p:Person)
    WITH p, c0
    WHERE {holds('c0')}
    MATCH (p)-[m:COMMITTEE_MEMBER_OF]->(d:Unit)
    WITH DISTINCT p, d, m
    WHERE {district_seat('m', 'd')}
    WITH DISTINCT d, p
    """ + _TOWNSHIP_COUNT,
)

# -- appointment check ----------------------------------------------------------------------------
#: one row per village the cadre liaises with on $as_of (or one row with unit null), with every
#: opinion from and notice posted in that village about the cadre, dated on or before $as_of, each
#: flagged `recent` (in the round's window from $window_from) and, for notices, `ended` by $as_of
APPOINTMENT_CHECK = read(
    "api.appointment_check",
    f"""
    MATCH (p:Person {{id: $person}})
    OPTIONAL MATCH (p)-[l:LIAISES_WITH]->(v:Unit)
    WHERE {holds('l')} AND {holds('v')} AND {is_village('v')}
    RETURN {person_map('p')} AS person,
           CASE WHEN v IS NULL THEN NULL ELSE {unit_map('v')} END AS unit, l.from AS from, l.to AS to,
           [(v)<-[:GIVEN_BY]-(o:Opinion)-[:ABOUT]->(p) WHERE {opinion_counts('o')} |
              {{id: o.id, date: o.date, conclusion: o.conclusion, doc_no: o.doc_no,
               recent: {opinion_recent('o')}}}] AS opinions,
           [(v)<-[:POSTED_IN]-(n:Notice)-[:ABOUT]->(p) WHERE {notice_counts('n')} |
              {{id: n.id, from: n.from, to: n.to, doc_no: n.doc_no,
               recent: {notice_recent('n')}, ended: {notice_ended('n')}}}] AS notices
    ORDER BY unit.id
    """,
)
