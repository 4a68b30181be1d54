"""Every Cypher statement the code can send passes Neo4j's own parser and semantic analysis."""

from __future__ import annotations

import importlib
import json
import pkgutil
import shutil
import subprocess
from pathlib import Path

import pytest

from redengine.graph.statements import registry

LINT_DIR = Path(__file__).resolve().parent.parent / "tools" / "cypher-lint"
PACKAGES = ["redengine", "redengine.graph", "redengine.schema", "redengine.api", "redengine.loaders", "redengine.analysis"]


def all_statements():
    for name in PACKAGES:
        pkg = importlib.import_module(name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{name}."):
            importlib.import_module(info.name)
    return registry()


def lint(statements):
    if shutil.which("node") is None or not (LINT_DIR / "node_modules").is_dir():
        pytest.fail(f"the Cypher linter is not installed: run `npm ci --prefix {LINT_DIR}` (scripts/test does)")
    payload = [{"name": s.name, "cypher": s.cypher, "params": sorted(s.params)} for s in statements]
    out = subprocess.run(["node", str(LINT_DIR / "lint.mjs")], input=json.dumps(payload), capture_output=True,
                         text=True, check=True, cwd=LINT_DIR)
    return {r["name"]: r["diagnostics"] for r in json.loads(out.stdout)}


def test_statements_are_found():
    names = set(all_statements())
    # One from each layer that defines statements, so a broken discovery cannot pass quietly.
    assert {"store.ping", "links.open.LIAISES_WITH", "schema.record_version"} <= names
    assert len(names) > 30


def test_every_statement_passes_neo4j_lint():
    statements = all_statements()
    results = lint(statements.values())
    errors = {}
    for name, diags in results.items():
        st = statements[name]
        for d in diags:
            if d["severity"] != 1:
                continue
            if "neo4j" not in st.engines and "procedure" in d["message"].lower():
                continue  # FalkorDB's own admin procedures are unknown to Neo4j by nature
            errors.setdefault(name, []).append(d["message"])
    assert not errors, json.dumps(errors, ensure_ascii=False, indent=1)


def test_linter_catches_what_neo4j_rejects():
    from redengine.graph.statements import Statement

    bad = Statement("probe.bad", "MATCH (u:Unit) WHERE size((u)--()) > 1 RETURN u.id AS id, $undeclared AS x", "read")
    diags = lint([bad])["probe.bad"]
    assert any(d["severity"] == 1 for d in diags)
