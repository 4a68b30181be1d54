"""Statements that evaluate each rule's Cypher fragment on an engine, one row per (thing, day), so
`tests/test_domain_twins.py` can hold it against the Python twin. They read only nodes whose id
starts with `$prefix`; nothing else calls them.
"""

from __future__ import annotations

from redengine.domain.appointment import notice_counts, notice_ended, notice_recent, opinion_counts, opinion_recent
from redengine.domain.cases import case_never_lifted, case_open, case_status, flagged_by
from redengine.domain.conventions import is_village, leader_townships_within
from redengine.domain.dated import holds, path_holds
from redengine.domain.leaders import district_seat
from redengine.graph.statements import read, write

#: rows {id, kind, from, to}: units with exactly these values (a null stays missing)
PUT_UNITS = write(
    "domain.probe.put_units",
    """
    UNWIND $rows AS r
    CREATE (u:Unit {id: r.id})
    SET u.kind = r.kind, u.from = date(r.from), u.to = date(r.to)
    RETURN count(u) AS units
    """,
)
#: rows {id, src, dst, from, to}: a PART_OF link (the chain the path rule walks) or a membership
PUT_PART_OF = write(
    "domain.probe.put_part_of",
    """
    UNWIND $rows AS r
    MATCH (a:Unit {id: r.src})
    MATCH (b:Unit {id: r.dst})
    CREATE (a)-[l:PART_OF {id: r.id}]->(b)
    SET l.from = date(r.from), l.to = date(r.to)
    RETURN count(l) AS links
    """,
)
PUT_SEATS = write(
    "domain.probe.put_seats",
    """
    UNWIND $rows AS r
    MERGE (p:Person {id: r.person})
    WITH p, r
    MATCH (d:Unit {id: r.unit})
    CREATE (p)-[l:COMMITTEE_MEMBER_OF {id: r.id}]->(d)
    SET l.from = date(r.from), l.to = date(r.to)
    RETURN count(l) AS links
    """,
)
#: rows {id, flagged_on, lifted_on, status}
PUT_CASES = write(
    "domain.probe.put_cases",
    """
    UNWIND $rows AS r
    CREATE (w:WeakCase {id: r.id})
    SET w.flagged_on = date(r.flagged_on), w.lifted_on = date(r.lifted_on), w.status = r.status
    RETURN count(w) AS cases
    """,
)
#: rows {id, date, from, to}: an opinion dated `date` and a notice posted from `from` to `to`, both named `id`
PUT_RECORDS = write(
    "domain.probe.put_records",
    """
    UNWIND $rows AS r
    CREATE (o:Opinion {id: r.id})
    CREATE (n:Notice {id: r.id})
    SET o.date = date(r.date), n.from = date(r.from), n.to = date(r.to)
    RETURN count(o) AS records
    """,
)

_DAYS = "UNWIND $days AS day"

UNIT_HOLDS = read("domain.probe.unit_holds", f"""
    MATCH (u:Unit) WHERE u.id STARTS WITH $prefix
    {_DAYS}
    RETURN u.id AS id, day, {holds('u', 'day')} AS value, {is_village('u')} AS village
    """)
PATH_HOLDS = read("domain.probe.path_holds", f"""
    MATCH path = (a:Unit)-[:PART_OF*1..2]->(b:Unit) WHERE a.id STARTS WITH $prefix
    {_DAYS}
    RETURN [x IN relationships(path) | x.id] AS ids, day, {path_holds('path', 'day')} AS value
    """)
SEATS = read("domain.probe.seats", f"""
    MATCH (p:Person)-[l:COMMITTEE_MEMBER_OF]->(d:Unit) WHERE l.id STARTS WITH $prefix
    {_DAYS}
    RETURN l.id AS id, day, {district_seat('l', 'd', 'day')} AS value
    """)
CASES = read("domain.probe.cases", f"""
    MATCH (w:WeakCase) WHERE w.id STARTS WITH $prefix
    {_DAYS}
    RETURN w.id AS id, day, {case_open('w', 'day')} AS value, {case_status('w', 'day')} AS status,
           {flagged_by('w', 'day')} AS flagged, {case_never_lifted('w')} AS never_lifted
    """)
RECORDS = read("domain.probe.records", f"""
    MATCH (o:Opinion) WHERE o.id STARTS WITH $prefix
    MATCH (n:Notice {{id: o.id}})
    {_DAYS}
    RETURN o.id AS id, day, {opinion_counts('o', 'day')} AS opinion, {notice_counts('n', 'day')} AS notice,
           {opinion_recent('o', 'day')} AS opinion_recent, {notice_recent('n', 'day')} AS notice_recent,
           {notice_ended('n', 'day')} AS notice_ended
    """)
LEADER_COUNTS = read("domain.probe.leader_counts", f"""
    UNWIND $counts AS n
    RETURN n, {leader_townships_within('n')} AS value
    """)
