"""The graph for analysts: export to networkx (`to_networkx`), files for Gephi and notebooks
(`write_graph`, `load_graph`), ready analyses (`redengine.analysis.analyses`) and their pictures
(`redengine.analysis.plots`, needs the notebook extra)."""

from redengine.analysis.export import to_networkx
from redengine.analysis.files import load_graph, write_graph

__all__ = ["to_networkx", "load_graph", "write_graph"]
