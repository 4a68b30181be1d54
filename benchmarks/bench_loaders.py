"""Roster loader speed on the embedded engine, over the demo district's rosters.

    python benchmarks/bench_loaders.py [--scale 1] [--runs 3]

For each run, on a fresh graph: the first load of all five rosters, a second load of the same
files (nothing to change: only reading and comparing), and a later snapshot in which about 5% of
the links and people changed. Prints medians over the runs, rows per second and the ratios.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from redengine.demo import generate_rosters
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.loaders import load_rosters
from redengine.schema.apply import apply_schema

AS_OF = dt.date(2019, 4, 28)
LATER = dt.date(2019, 10, 1)


def changed_copy(src: Path, dst: Path, every: int = 20) -> None:
    """Drop every `every`-th row of the links and people rosters (they end) and copy the rest."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.stem in ("links", "people") and f.suffix == ".csv":
            with f.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
            kept = [rows[0]] + [r for i, r in enumerate(rows[1:]) if i % every != every - 1]
            with (dst / f.name).open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerows(kept)
        else:
            (dst / f.name).write_bytes(f.read_bytes())


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-loaders-") as tmp:
        tmp = Path(tmp)
        files = generate_rosters(tmp / "rosters", scale=args.scale, as_of=AS_OF)
        changed_copy(tmp / "rosters", tmp / "later")
        later = sorted((tmp / "later").iterdir())
        server = EmbeddedServer(tmp / "db").start()
        first, again, change = [], [], []
        try:
            for run in range(args.runs):
                runner = FalkorRunner(server.socket_path, f"bench{run}")
                runner.delete_graph()
                apply_schema(runner)
                t, reports = timed(lambda: load_rosters(runner, list(files.values()), as_of=AS_OF, who="bench"))
                first.append(t)
                total = sum(r.rows for r in reports)
                t, reports = timed(lambda: load_rosters(runner, list(files.values()), as_of=AS_OF, who="bench"))
                assert not any(r.changed for r in reports), "a second load of the same files changed something"
                again.append(t)
                t, reports = timed(lambda: load_rosters(runner, later, as_of=LATER, who="bench"))
                change.append(t)
                counts = {k: v for r in reports for k, v in r.counts.items()}
                runner.delete_graph()
                runner.close()
        finally:
            server.stop()
    m1, m2, m3 = (statistics.median(x) for x in (first, again, change))
    print(f"scale {args.scale:g}: {total:,} roster rows, {args.runs} runs, FalkorDB embedded")
    print(f"  first load       median {m1:7.2f} s  ({total / m1:,.0f} rows/s)  runs {[round(x, 2) for x in first]}")
    print(f"  same files again median {m2:7.2f} s  ({total / m2:,.0f} rows/s)  ratio to first {m2 / m1:.2f}")
    print(f"  5% changed       median {m3:7.2f} s  ratio to first {m3 / m1:.2f}; changes {counts}")


if __name__ == "__main__":
    main()
