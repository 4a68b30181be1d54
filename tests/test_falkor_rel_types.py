"""A statement first run before any link of its type exists still sees links created afterwards.

FalkorDB 4.16 caches plans; without every relationship type made to exist by apply_schema, the
second read below returned [] (measured). On Neo4j this holds trivially.
"""

from __future__ import annotations

import datetime as dt

from redengine.graph import links
from redengine.graph.falkor import LIST_REL_TYPES
from redengine.graph.statements import read
from redengine.schema.model import DATED_LINKS, RECORD_LINKS

BETWEEN = read(
    "test.rel_types.between",
    "OPTIONAL MATCH (p:Person {id: $pid}) OPTIONAL MATCH (u:Unit {id: $uid}) "
    "RETURN [(p)-[l:CONTACTS_TOWNSHIP]->(u) | l.from] AS froms",
)
FROM_ONE_END = read(
    "test.rel_types.from_one_end",
    "OPTIONAL MATCH (p:Person {id: $pid}) RETURN [(p)-[l:CONTACTS_TOWNSHIP]->(x:Unit) | {unit: x.id, from: l.from}] AS links",
)


def test_reads_made_before_the_first_link_see_later_links(runner):
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": "T1", "name": "前川街道", "kind": "township", "kind_label": "街道", "from": "2017-01-01", "source": "t"}]})
    runner.write(links.UPSERT_PEOPLE, {"rows": [{"id": "P2", "name": "李明", "from": "2017-01-01", "source": "t"}]})
    p = {"pid": "P2", "uid": "T1"}
    assert runner.read(BETWEEN, p) == [{"froms": []}]
    assert runner.read(FROM_ONE_END, p) == [{"links": []}]
    runner.write(links.OPEN["CONTACTS_TOWNSHIP"], {"rows": [
        {"src": "P2", "dst": "T1", "from": "2018-02-01", "to": None, "source": "t"}]})
    assert runner.read(BETWEEN, p) == [{"froms": [dt.date(2018, 2, 1)]}]
    assert runner.read(FROM_ONE_END, p) == [{"links": [{"unit": "T1", "from": dt.date(2018, 2, 1)}]}]


def test_every_relationship_type_exists_and_no_priming_node_is_left(runner):
    from redengine.graph import queries

    if runner.engine == "falkordb":
        assert {r["type"] for r in runner.read(LIST_REL_TYPES)} >= set(DATED_LINKS + RECORD_LINKS)
    assert runner.read(queries.COUNT_RELS_BY_TYPE) == []
    assert [r for r in runner.read(queries.COUNT_NODES_BY_LABEL) if r["label"] != "SchemaMeta"] == []
