"""Cypher shared by the store itself (not by one feature)."""

from redengine.graph.statements import read, write

PING = read("store.ping", "RETURN 1 AS ok")

EXISTING_IDS = read(
    "store.existing_ids",
    "MATCH (n) WHERE n.id IN $ids AND $label IN labels(n) RETURN n.id AS id",
)

COUNT_NODES_BY_LABEL = read(
    "store.count_nodes_by_label",
    "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label",
)

COUNT_RELS_BY_TYPE = read(
    "store.count_rels_by_type",
    "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type",
)

WIPE = write("store.wipe", "MATCH (n) DETACH DELETE n")
