"""Write an exported graph to a file: GraphML or GEXF (for Gephi), or networkx node-link JSON.

GraphML and GEXF hold only strings, numbers and booleans, so before writing, in place (the graph
is not copied): dates become ISO strings, lists and maps become JSON text, None attributes are
dropped. GEXF edges and units also get `start`/`end` from their interval, so Gephi's timeline
works; GEXF keeps no graph attributes but a name, so the export's settings (as_of, scope, ...)
travel as JSON in the name. JSON is streamed node by node in node-link form
(`networkx.node_link_graph(data, edges="edges")` reads it back), dates as ISO strings.
`load_graph` reads any of the three back with the types the analyses expect.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx

from redengine.errors import ConfigError

FORMATS = ("graphml", "gexf", "json")
DATE_KEYS = ("from", "to", "as_of", "flagged_on", "lifted_on", "unit_from", "unit_to")
META_PREFIX = "redengine export "


def format_for(path: Path, fmt: str | None) -> str:
    """The format named, or the one the file's suffix tells."""
    if fmt:
        if fmt not in FORMATS:
            raise ConfigError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise ConfigError(f"--format: cannot tell the format from {Path(path).name!r}; give one of {', '.join(FORMATS)}")


def write_graph(g: nx.MultiDiGraph, path: Path | str, fmt: str | None = None) -> Path:
    """Write `g` to `path` (atomically: a failed write leaves no file). GraphML/GEXF flatten `g` in place."""
    path = Path(path)
    fmt = format_for(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        if fmt == "json":
            with open(tmp, "w", encoding="utf-8") as f:
                _write_node_link(g, f)
        else:
            flatten(g, timeline=fmt == "gexf")
            (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(g, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def flatten(g: nx.MultiDiGraph, timeline: bool = False) -> None:
    """Make every attribute a string, number or boolean, in place (see the module docstring)."""
    if timeline:  # GEXF keeps only the graph's name: carry the export's settings (as_of, scope, ...) in it
        meta = {k: v for k, v in g.graph.items() if k != "name"}
        g.graph["name"] = META_PREFIX + json.dumps(meta, ensure_ascii=False, default=_json_default)
    g.graph.update(_flat(g.graph))
    for k in [k for k, v in g.graph.items() if v is None]:
        del g.graph[k]
    for _, attrs in g.nodes(data=True):
        _flatten_attrs(attrs, timeline)
    for _, _, attrs in g.edges(data=True):
        _flatten_attrs(attrs, timeline)


def _flatten_attrs(attrs: dict, timeline: bool) -> None:
    if timeline and "from" in attrs:
        attrs["start"], attrs["end"] = attrs.get("from"), attrs.get("to")
    for k, v in list(attrs.items()):
        if v is None:
            del attrs[k]
        else:
            attrs[k] = _scalar(v)


def _flat(d: dict) -> dict:
    return {k: _scalar(v) for k, v in d.items() if v is not None}


def _scalar(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, default=_json_default)
    return v


def _json_default(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, (set, frozenset)):
        return sorted(v)
    raise TypeError(f"cannot write a value of type {type(v).__name__} to JSON")


def _write_node_link(g: nx.MultiDiGraph, f) -> None:
    """The same document as json.dump(nx.node_link_data(g, edges="edges")), without building it in memory."""
    dump = lambda v: json.dumps(v, ensure_ascii=False, default=_json_default)  # noqa: E731
    f.write('{"directed": %s, "multigraph": %s, "graph": %s,\n"nodes": [' % (
        dump(g.is_directed()), dump(g.is_multigraph()), dump(g.graph)))
    for i, (n, attrs) in enumerate(g.nodes(data=True)):
        f.write(("," if i else "") + "\n" + dump({**attrs, "id": n}))
    f.write('\n],\n"edges": [')
    for i, (u, v, k, attrs) in enumerate(g.edges(keys=True, data=True)):
        f.write(("," if i else "") + "\n" + dump({**attrs, "source": u, "target": v, "key": k}))
    f.write("\n]}\n")


def load_graph(path: Path | str, fmt: str | None = None) -> nx.MultiDiGraph:
    """Read an exported file back as the MultiDiGraph `to_networkx` made (dates as dates, cases as lists)."""
    path = Path(path)
    fmt = format_for(path, fmt)
    if fmt == "json":
        with open(path, encoding="utf-8") as f:
            g = nx.node_link_graph(json.load(f), directed=True, multigraph=True, edges="edges")
    elif fmt == "graphml":
        g = nx.read_graphml(path, force_multigraph=True)
    else:
        g = nx.read_gexf(path)
    if not isinstance(g, nx.MultiDiGraph):  # GEXF reads back a DiGraph when no two edges are parallel
        g = _as_multi(g)
    for k in ("node_default", "edge_default", "mode"):
        g.graph.pop(k, None)
    gexf = fmt == "gexf"
    if gexf and str(g.graph.get("name", "")).startswith(META_PREFIX):
        g.graph.update(json.loads(g.graph.pop("name")[len(META_PREFIX):]))
    _dates(g.graph)
    for _, attrs in g.nodes(data=True):
        _restore(attrs, gexf)
    for _, _, attrs in g.edges(data=True):
        _restore(attrs, gexf)
    return g


def _as_multi(g: nx.DiGraph) -> nx.MultiDiGraph:
    """Rebuild the MultiDiGraph with the export's own edge keys ("KIND:from")."""
    multi = nx.MultiDiGraph(**g.graph)
    multi.add_nodes_from(g.nodes(data=True))
    for u, v, attrs in g.edges(data=True):
        key = f"{attrs['kind']}:{attrs.get('from')}" if "kind" in attrs else None
        multi.add_edge(u, v, key=key, **attrs)
    return multi


def _restore(attrs: dict, gexf: bool) -> None:
    if gexf:
        for k in ("start", "end", "id"):  # the timeline copies and edge ids GEXF adds
            attrs.pop(k, None)
    _dates(attrs)
    cases = attrs.get("weak_cases")
    if isinstance(cases, str):
        cases = json.loads(cases)
    if cases is not None:
        attrs["weak_cases"] = [_dates(c) for c in cases]
    seats = attrs.get("district_seats")
    if isinstance(seats, str):
        attrs["district_seats"] = [_dates(c) for c in json.loads(seats)]


def _dates(attrs: dict) -> dict:
    for k in DATE_KEYS:
        if isinstance(attrs.get(k), str):
            attrs[k] = dt.date.fromisoformat(attrs[k])
    return attrs
