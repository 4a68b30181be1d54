"""networkx export of a big demo district: time and peak memory (aim: scale 40 under 30 s and 2 GB).

    python benchmarks/bench_export.py [--scale 40] [--runs 3] [--data-dir DIR] [--files]

Loads the demo district at the given scale into an embedded engine (in --data-dir, reused if it
already holds a graph; else a temp folder), then measures each export in a fresh child process
so its ru_maxrss is the export's own: the median wall time over the runs (all history, and as of
one day), then one more run under tracemalloc for the peak of Python allocations. With --files
it also writes GraphML, GEXF and JSON once each and prints their time, size and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = "2019-04-28"


def child(data_dir: str, mode: str, as_of: str | None, fmt: str | None, out: str | None) -> None:
    """One export in this process; prints a JSON line of figures."""
    from redengine.analysis.export import to_networkx
    from redengine.analysis.files import write_graph
    from redengine.config import Settings
    from redengine.graph.engine import connect

    with connect(Settings(data_dir=Path(data_dir))) as runner:
        if mode == "trace":
            import tracemalloc

            tracemalloc.start()
        t = time.perf_counter()
        g = to_networkx(runner, as_of=as_of)
        export_s = time.perf_counter() - t
        rounds = runner.round_trips
        peak = tracemalloc.get_traced_memory()[1] if mode == "trace" else None
    figures = {"seconds": export_s, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "round_trips": rounds,
               "traced_peak_mb": peak / 2**20 if peak else None}
    if fmt:
        t = time.perf_counter()
        path = write_graph(g, out, fmt)
        figures.update(write_seconds=time.perf_counter() - t, file_mb=path.stat().st_size / 2**20)
    figures["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def run_child(data_dir: str, mode: str, as_of: str | None = None, fmt: str | None = None, out: str | None = None) -> dict:
    args = [sys.executable, __file__, "--child", mode, "--data-dir", data_dir]
    if as_of:
        args += ["--as-of", as_of]
    if fmt:
        args += ["--format", fmt, "--out", out]
    res = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=40)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--files", action="store_true")
    ap.add_argument("--child", choices=["time", "trace"], help=argparse.SUPPRESS)
    ap.add_argument("--as-of", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--format", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a.data_dir, a.child, a.as_of, a.format, a.out)

    from redengine.config import Settings
    from redengine.demo import graph_counts, load_demo_if_empty
    from redengine.graph.engine import connect

    data_dir = a.data_dir or tempfile.mkdtemp(prefix="redengine-bench-export-")
    # The parent keeps the engine running; each child attaches to it.
    with connect(Settings(data_dir=Path(data_dir))) as runner:
        t = time.perf_counter()
        loaded = load_demo_if_empty(runner, scale=a.scale)
        load_s = time.perf_counter() - t
        counts = graph_counts(runner)
        print(f"graph: scale {a.scale:g} in {data_dir}" + (f", loaded in {load_s:.1f} s" if loaded else ", reused"))
        print(f"  {counts['nodes'].get('Unit', 0)} units, {counts['nodes'].get('Person', 0)} people, "
              f"{sum(counts['links'].values())} links of all kinds")
        if hasattr(runner, "memory"):
            print(f"  engine memory: {runner.memory()['used_memory'] / 2**20:.0f} MB")

        for label, as_of in [("all history", None), (f"as of {AS_OF}", AS_OF)]:
            runs = [run_child(data_dir, "time", as_of) for _ in range(a.runs)]
            trace = run_child(data_dir, "trace", as_of)
            secs = [r["seconds"] for r in runs]
            print(f"export {label}: {runs[0]['nodes']} nodes, {runs[0]['edges']} edges, {runs[0]['round_trips']} round trips")
            print(f"  time   median {statistics.median(secs):.2f} s (runs: {', '.join(f'{s:.2f}' for s in secs)})")
            print(f"  memory tracemalloc peak {trace['traced_peak_mb']:.0f} MB; "
                  f"ru_maxrss median {statistics.median(r['maxrss_mb'] for r in runs):.0f} MB (whole child process)")
        if a.files:
            out_dir = Path(tempfile.mkdtemp(prefix="redengine-bench-files-"))
            for fmt in ("graphml", "gexf", "json"):
                r = run_child(data_dir, "time", None, fmt, str(out_dir / f"export.{fmt}"))
                print(f"file {fmt:8s} export {r['seconds']:.2f} s + write {r['write_seconds']:.2f} s, "
                      f"{r['file_mb']:.0f} MB, ru_maxrss {r['maxrss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
