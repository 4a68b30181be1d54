"""Export files: each format reads back with networkx, and `load_graph` restores what analyses need."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pytest
from test_analysis_analyses import coverage_world, weak_world

from redengine.analysis import analyses as an
from redengine.analysis.files import format_for, load_graph, write_graph
from redengine.errors import ConfigError

FORMATS = ["graphml", "gexf", "json"]


def plain(g):
    """Nodes and edges with None attributes dropped (GraphML and GEXF cannot hold None)."""
    nodes = {n: {k: v for k, v in a.items() if v is not None} for n, a in g.nodes(data=True)}
    edges = {(u, v, k): {x: y for x, y in a.items() if y is not None} for u, v, k, a in g.edges(keys=True, data=True)}
    return nodes, edges


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_back_with_networkx(tmp_path, fmt):
    g = weak_world()
    n, m = g.number_of_nodes(), g.number_of_edges()
    path = write_graph(g, tmp_path / f"g.{fmt}")
    raw = {"graphml": lambda p: nx.read_graphml(p, force_multigraph=True), "gexf": nx.read_gexf,
           "json": lambda p: nx.node_link_graph(json.loads(p.read_text(encoding="utf-8")), edges="edges")}[fmt](path)
    assert (raw.number_of_nodes(), raw.number_of_edges()) == (n, m)
    assert raw.nodes["V1"]["kind"] == "village" and raw.nodes["V1"]["from"] == "2017-01-01"
    assert {d["kind"] for *_, d in raw.edges(data=True)} == {"PART_OF", "COORDINATED_BY"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_graph_restores_dates_and_cases(tmp_path, fmt):
    expected = plain(weak_world())
    g = weak_world()
    back = load_graph(write_graph(g, tmp_path / f"g.{fmt}"))
    assert plain(back) == expected
    assert back.nodes["V10"]["weak_cases"][0]["lifted_on"] == dt.date(2018, 3, 1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_analyses_give_the_same_answer_from_a_file(tmp_path, fmt):
    day = "2018-06-30"
    before = an.coverage_by_township(coverage_world(), day)
    back = load_graph(write_graph(coverage_world(), tmp_path / f"g.{fmt}"))
    assert an.coverage_by_township(back, day).equals(before)
    weak_before = an.weak_distance(weak_world(), day)
    assert an.weak_distance(load_graph(write_graph(weak_world(), tmp_path / f"w.{fmt}")), day).equals(weak_before)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_snapshot_stays_a_snapshot_through_a_file(tmp_path, fmt):
    g = coverage_world()
    g.graph.update(as_of=dt.date(2018, 6, 30), scope="T1", pseudonymised=True)
    back = load_graph(write_graph(g, tmp_path / f"g.{fmt}"))
    assert back.graph["as_of"] == dt.date(2018, 6, 30) and back.graph["scope"] == "T1"
    assert back.graph["include_people"] is True and back.graph["pseudonymised"] is True
    with pytest.raises(ValueError, match="snapshot"):  # so nobody asks it about another day by mistake
        an.coverage_by_township(back, "2019-01-01")


def test_gexf_carries_a_timeline_for_gephi(tmp_path):
    text = write_graph(coverage_world(), tmp_path / "g.gexf").read_text(encoding="utf-8")
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    assert 'start="2018-02-01"' in text and 'end="2018-01-01"' in text  # P4→V4 starts, P3→V4 ends


def test_format_comes_from_the_option_or_the_suffix(tmp_path):
    assert format_for(tmp_path / "a.GraphML", None) == "graphml"
    assert format_for(tmp_path / "a.txt", "json") == "json"
    with pytest.raises(ConfigError, match="format"):
        format_for(tmp_path / "a.txt", None)
    with pytest.raises(ConfigError, match="csv"):
        format_for(tmp_path / "a.json", "csv")


def test_a_failed_write_leaves_no_file(tmp_path):
    g = coverage_world()
    g.nodes["V1"]["odd"] = object()  # nothing can serialise this
    with pytest.raises(TypeError):
        write_graph(g, tmp_path / "g.json")
    assert list(tmp_path.iterdir()) == []
