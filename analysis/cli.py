"""`redengine export`: the graph to a GraphML, GEXF or node-link JSON file (thin: parse, call, report)."""

from __future__ import annotations

from pathlib import Path

import click

from redengine.options import DATE


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]), default=None,
              help="File format; default: told by the --out suffix.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="Only what holds on this date (YYYY-MM-DD); default: all history, each link with its interval.")
@click.option("--scope", default=None, metavar="UNIT_ID", help="Only this unit's subtree (e.g. a township).")
@click.option("--with-people/--no-people", "with_people", default=True, show_default=True,
              help="Include people and their links.")
@click.option("--pseudonymise/--no-pseudonymise", "pseudonymise", default=True, show_default=True,
              help="Replace people by a stable keyed hash, without names, ID numbers or phones.")
def export(fmt, out, as_of, scope, with_people, pseudonymise):
    """Export the graph for Gephi or notebooks (people pseudonymised unless --no-pseudonymise)."""
    from redengine.analysis.export import to_networkx
    from redengine.analysis.files import format_for, write_graph
    from redengine.graph.engine import connect

    fmt = format_for(out, fmt)
    with connect() as runner:
        g = to_networkx(runner, as_of=as_of, scope=scope, include_people=with_people, pseudonymise=pseudonymise)
    nodes, edges = g.number_of_nodes(), g.number_of_edges()
    write_graph(g, out, fmt)
    click.echo(f"wrote {out} ({fmt}): {nodes} nodes, {edges} edges")
