"""What the demo may touch: an empty graph, or one that holds nothing but an earlier demo.

The demo marks its graph with a `(:SchemaMeta {id: 'demo'})` node listing the SHA-256 of every roster
file it loaded (`rosters`). Every roster load leaves a `(:Sync)` record with its file's SHA-256, so:

- **empty**: no node but the schema's bookkeeping (`SchemaMeta`);
- **demo**: the marker exists and every Sync record is one of the demo's files (tokens, audit entries
  and API edits made on the demo graph belong to it);
- **other**: anything else, e.g. a roster loaded by `redengine load`, or tokens made before any demo.
  The demo refuses it and `--fresh` never drops it.

The marker is written by one conditional statement (`CLAIM`) that re-checks the graph; `load_demo`
runs it inside the roster loader's write gate, after planning and before the first write, so a load
that slipped in between the check and the demo's load is not mixed with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from redengine.errors import SafetyRefusal
from redengine.graph.statements import read, write
from redengine.types import Runner

NODE_COUNTS = read(
    "demo.node_counts",
    "MATCH (n) WHERE NOT n:SchemaMeta RETURN labels(n)[0] AS label, count(n) AS n ORDER BY label",
)
MARKER = read("demo.marker", "MATCH (m:SchemaMeta {id: 'demo'}) RETURN m.rosters AS rosters")
FOREIGN_SYNCS = read(
    "demo.foreign_syncs",
    """
    MATCH (s:Sync)
    WHERE s.sha256 IS NULL OR NOT s.sha256 IN $rosters
    RETURN s.file AS file, s.by AS by, s.as_of AS as_of
    ORDER BY s.stamp
    """,
)

#: {rosters}: add the demo's roster hashes to the marker, only while the graph is empty or an earlier
#: demo (the schema node is written first: on Neo4j two claims, or a claim and a load's gate, serialise).
CLAIM = write(
    "demo.claim",
    """
    MERGE (g:SchemaMeta {id: 'schema'})
    SET g._lock = true SET g._lock = null
    WITH g
    OPTIONAL MATCH (m:SchemaMeta {id: 'demo'})
    WITH m
    OPTIONAL MATCH (s:Sync)
    WHERE m IS NOT NULL AND (s.sha256 IS NULL OR NOT s.sha256 IN m.rosters)
    WITH m, count(s) AS foreign_syncs
    OPTIONAL MATCH (n)
    WHERE m IS NULL AND NOT n:SchemaMeta
    WITH foreign_syncs, count(n) AS foreign_nodes
    WHERE foreign_syncs + foreign_nodes = 0
    MERGE (d:SchemaMeta {id: 'demo'})
    ON CREATE SET d.created_at = localdatetime()
    SET d.rosters = coalesce(d.rosters, []) + [x IN $rosters WHERE NOT x IN coalesce(d.rosters, [])],
        d.loaded_at = localdatetime()
    RETURN count(d) AS claimed
    """,
)

EMPTY, DEMO, OTHER = "empty", "demo", "other"


class NotADemoGraph(SafetyRefusal):
    """The graph holds data that is not the demo's: the demo will not write into it or drop it."""


@dataclass(frozen=True)
class GraphKind:
    kind: str  # EMPTY, DEMO or OTHER
    counts: dict[str, int]  # nodes by label, bookkeeping (SchemaMeta) left out
    foreign: str = ""  # for OTHER: what in it is not the demo's

    def holds(self) -> str:
        """The graph's contents in a few words, for a message or a question."""
        data = {k: v for k, v in self.counts.items() if k not in ("ApiToken", "AuditEntry")}
        shown = [f"{n:,} {label}" for label, n in sorted(data.items(), key=lambda kv: -kv[1])[:5]]
        shown += [f"{self.counts.get('ApiToken', 0):,} API tokens", f"{self.counts.get('AuditEntry', 0):,} audit entries"]
        return ", ".join(shown)


def classify(runner: Runner) -> GraphKind:
    """Is the graph empty, an earlier demo, or something else?"""
    counts = {r["label"]: r["n"] for r in runner.read(NODE_COUNTS)}
    if not counts:
        return GraphKind(EMPTY, counts)
    marker = runner.read(MARKER)
    if not marker:
        return GraphKind(OTHER, counts, f"no demo marker, and it holds {GraphKind(OTHER, counts).holds()}")
    foreign = runner.read(FOREIGN_SYNCS, {"rosters": marker[0]["rosters"] or []})
    if foreign:
        named = "; ".join(f"{s['file']} (by {s['by']}, as of {s['as_of']})" for s in foreign[:3])
        more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        return GraphKind(OTHER, counts, f"{len(foreign)} roster load(s) that are not the demo's: {named}{more}")
    return GraphKind(DEMO, counts)


def where(runner: Runner) -> str:
    """The graph `runner` writes to, as a user would name it."""
    if runner.engine == "neo4j":
        s = runner.settings  # type: ignore[attr-defined]
        return f"the Neo4j database {s.database!r} at {s.uri}"
    folder = getattr(runner, "data_dir", None)
    return f"the data folder {folder}" if folder else f"the FalkorDB graph {getattr(runner, 'graph_name', '?')!r}"


def refusal(runner: Runner, found: GraphKind, fresh: bool = False) -> NotADemoGraph:
    """The error for a graph that is not the demo's: what it holds, and how to run the demo elsewhere."""
    how = ("give it the embedded engine and a folder of its own: NEO4J_URI= REDENGINE_DATA_DIR=./demo-data "
           "redengine demo" if runner.engine == "neo4j" else
           "give it a folder of its own: REDENGINE_DATA_DIR=./demo-data redengine demo "
           "(or REDENGINE_DATA_DIR=./demo-data scripts/demo)")
    dropped = ("; --fresh drops only an earlier demo, never a graph with other data, its tokens or its audit log"
               if fresh else "")
    return NotADemoGraph(f"{where(runner)} holds data that is not the demo's ({found.foreign}); "
                         f"the demo does not write into it{dropped}. To try the demo, {how}. Nothing was changed")


def roster_hashes(paths) -> list[str]:
    """SHA-256 of each roster file, as the loader records it on its Sync records."""
    return sorted(hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths)


def claim(runner: Runner, rosters: list[str]) -> bool:
    """Mark the graph as the demo's (adding these roster hashes), if it is empty or an earlier demo."""
    rows = runner.write(CLAIM, {"rosters": rosters})
    return bool(rows) and rows[0]["claimed"] > 0
