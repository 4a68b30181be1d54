"""The Cypher the networkx export reads with: pages of nodes, and the dated links out of a page.

Each read comes in two variants: all history, and `.as_of` (only what holds on `$as_of`, by
`holds()`). Whole-district reads page by keyset on the unique, indexed `id`
(`WHERE n.id > $after ORDER BY n.id LIMIT $page`), which stays fast on big graphs where
SKIP/LIMIT would rescan; scoped reads take an explicit `$ids` chunk instead.
"""

from __future__ import annotations

from redengine.domain.dated import holds, path_holds
from redengine.graph.statements import Statement, read, write
from redengine.schema.model import PERSON_LINKS, UNIT_LINKS

_UNIT_RELS = "|".join(UNIT_LINKS)
_PERSON_RELS = "|".join(PERSON_LINKS)

_UNIT_FIELDS = """u.id AS id, u.name AS name, u.kind AS kind, u.kind_label AS kind_label, u.from AS from, u.to AS to,
           [(w:WeakCase)-[:CONCERNS]->(u) | w{.id, .flagged_on, .lifted_on, .status, .reasons}] AS weak_cases"""
_PERSON_FIELDS = "p.id AS id, p.name AS name, p.from AS from"
_PERSONAL_FIELDS = _PERSON_FIELDS + ",\n           [(p)-[:HAS_PERSONAL_DATA]->(d:PersonalData) | d{.id_number, .phone}] AS personal"
# A person's own interval holds on D: recorded by then (a loader records a new person from its
# as-of date) and not ended (a whole-district people roster ends who it leaves out). The export
# keeps a person as of D when this holds OR they hold a link to an exported unit on D (the API
# ignores a person's own interval for their links), so the reads return it as `own`, not filter.
_PERSON_OWN = holds("p")


def _pair(name: str, template: str, cond: str, as_of_cond: str) -> dict[bool, Statement]:
    """{False: all history, True: as of $as_of}; `template` has one `@COND@` slot (`cond` / `as_of_cond`)."""
    return {
        False: read(f"analysis.{name}", template.replace("@COND@", cond)),
        True: read(f"analysis.{name}.as_of", template.replace("@COND@", as_of_cond)),
    }


UNIT_PAGE = _pair("unit_page", f"""
    MATCH (u:Unit)
    WHERE u.id > $after@COND@
    RETURN {_UNIT_FIELDS}
    ORDER BY u.id
    LIMIT $page
    """, "", f" AND {holds('u')}")

UNITS_BY_ID = _pair("units_by_id", f"""
    UNWIND $ids AS uid
    MATCH (u:Unit {{id: uid}})
    WHERE true@COND@
    RETURN {_UNIT_FIELDS}
    """, "", f" AND {holds('u')}")

#: rows {src, rel, dst, from, to}: unit→unit links out of the units in $ids
UNIT_LINKS_FROM = _pair("unit_links_from", f"""
    UNWIND $ids AS uid
    MATCH (a:Unit {{id: uid}})-[l:{_UNIT_RELS}]->(b:Unit)
    WHERE true@COND@
    RETURN a.id AS src, type(l) AS rel, b.id AS dst, l.from AS from, l.to AS to
    """, "", f" AND {holds('l')}")


def _person_page(personal: bool) -> dict[bool, Statement]:
    suffix = ".personal" if personal else ""
    fields = _PERSONAL_FIELDS if personal else _PERSON_FIELDS
    return _pair(f"person_page{suffix}", f"""
    MATCH (p:Person)
    WHERE p.id > $after
    RETURN {fields}, @COND@ AS own
    ORDER BY p.id
    LIMIT $page
    """, "true", _PERSON_OWN)


def _people_by_id(personal: bool) -> dict[bool, Statement]:
    suffix = ".personal" if personal else ""
    fields = _PERSONAL_FIELDS if personal else _PERSON_FIELDS
    return _pair(f"people_by_id{suffix}", f"""
    UNWIND $ids AS pid
    MATCH (p:Person {{id: pid}})
    RETURN {fields}, @COND@ AS own
    """, "true", _PERSON_OWN)


#: [personal][as_of] → statement; every person with `own` (their own interval holds on $as_of; always true
#: for all history); the personal variants also return PersonalData (ID number, phone)
PERSON_PAGE = {False: _person_page(False), True: _person_page(True)}
PEOPLE_BY_ID = {False: _people_by_id(False), True: _people_by_id(True)}

#: rows {src, rel, dst, from, to, title, dst_kind, dst_from, dst_to}: person→unit links out of the people
#: in $ids, with the unit's kind and interval (a scoped export keeps district seats on the person)
PERSON_LINKS_FROM = _pair("person_links_from", f"""
    UNWIND $ids AS pid
    MATCH (a:Person {{id: pid}})-[l:{_PERSON_RELS}]->(b:Unit)
    WHERE true@COND@
    RETURN a.id AS src, type(l) AS rel, b.id AS dst, l.from AS from, l.to AS to, l.title AS title,
           b.kind AS dst_kind, b.from AS dst_from, b.to AS dst_to
    """, "", f" AND {holds('l')}")

#: the ids of $scope and every unit formally under it (PART_OF, any depth)
SCOPE_UNITS = _pair("scope_units", """
    MATCH path = (u:Unit)-[:PART_OF*0..]->(s:Unit {id: $scope})
    WHERE true@COND@
    RETURN DISTINCT u.id AS id
    """, "", f" AND {path_holds('path', var='r')}")

#: the ids of the people with a link into the units in $ids
SCOPE_PEOPLE = _pair("scope_people", f"""
    UNWIND $ids AS uid
    MATCH (p:Person)-[l:{_PERSON_RELS}]->(:Unit {{id: uid}})
    WHERE true@COND@
    RETURN DISTINCT p.id AS id
    """, "", f" AND {holds('l')}")

UNIT_EXISTS = read("analysis.unit_exists", "MATCH (u:Unit {id: $id}) RETURN u.id AS id, u.kind AS kind")

#: the secret behind pseudonyms: made once per graph (first caller's candidate wins), then reused
PSEUDONYM_KEY = write(
    "analysis.pseudonym_key",
    """
    MERGE (k:SchemaMeta {id: 'pseudonym-key'})
    ON CREATE SET k.secret = $candidate, k.created_at = localdatetime()
    RETURN k.secret AS secret
    """,
)
