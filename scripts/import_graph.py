"""Print the import graph between the project's packages (which package imports which), from the
`import` statements of every module, and the package-level cycles. Usage:

    .venv/bin/python scripts/import_graph.py [REPO_ROOT]
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent).resolve()
mapping = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]


def group(module: str) -> str:
    """redengine.api.types.x → api; redengine.demo.names → demo; redengine.cli → redengine.cli."""
    parts = module.split(".")
    if len(parts) < 2:
        return "redengine"
    name = parts[1]
    if name.startswith("demo"):
        return "demo"
    if (root / mapping["redengine"] / name).is_dir() or f"redengine.{name}" in mapping:
        return name
    if not (root / mapping["redengine"] / f"{name}.py").exists():
        return "redengine"  # a name imported from the package itself (`from redengine import dates` counts as dates)
    return f"redengine.{name}"


subpackages = {p.split(".", 1)[1] for p in mapping if p != "redengine"}
edges: dict[str, set[str]] = defaultdict(set)
for package, folder in mapping.items():
    base = root / folder
    for path in base.rglob("*.py"):
        rel = path.relative_to(base).with_suffix("")
        if package == "redengine" and rel.parts[0] in subpackages:
            continue
        module = ".".join([package, *[p for p in rel.parts if p != "__init__"]])
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                a, b = group(module), group(t)
                if t.startswith("redengine.") and b != "redengine" and a != b:
                    edges[a].add(b)

for a in sorted(edges):
    print(f"{a:20} → {', '.join(sorted(edges[a]))}")
cycles = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, set())})
print("package cycles:", ", ".join(f"{a} ↔ {b}" for a, b in cycles) or "none")
