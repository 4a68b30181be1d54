"""Roster loader speed on the embedded engine, over the demo district's rosters.

    python benchmarks/bench_loaders.py [--scale 1] [--runs 3] [--change 0.1]

For each run, on a fresh graph, all five rosters in one call:
  1. dry run on the empty graph (read, check, plan: the whole change set, nothing written)
  2. first load (apply)
  3. dry run of the same files again (the diff against a full graph: 0 changes)
  4. dry run of a changed copy, in which a share (--change, default 10%) of the people and links
     rows changed: half of the changed people rows have a new job title (the workplace link ends
     and a new one opens), the other half and the changed links rows are left out (they end)
  5. apply of that changed copy
Prints medians over the runs as seconds and roster rows per second. The machine matters: the
figures in docs/LOADERS.md were measured on 2 cores shared with other work.
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
from redengine.graph.apply import apply_schema
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.loaders import load_rosters

AS_OF = dt.date(2019, 4, 28)
LATER = dt.date(2019, 10, 1)


def changed_copy(src: Path, dst: Path, share: float) -> int:
    """Copy the rosters, changing `share` of the people and links rows; return how many rows changed."""
    dst.mkdir(parents=True, exist_ok=True)
    every = max(2, round(1 / share)) if share > 0 else 0
    changed = 0
    for f in src.iterdir():
        if f.stem not in ("links", "people") or f.suffix != ".csv" or not every:
            (dst / f.name).write_bytes(f.read_bytes())
            continue
        with f.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        head, out = rows[0], [rows[0]]
        title = head.index("职务") if "职务" in head else None
        for i, r in enumerate(rows[1:]):
            if i % every != every - 1:
                out.append(r)
                continue
            changed += 1
            if f.stem == "people" and title is not None and (i // every) % 2 == 0:
                out.append(r[:title] + ["调整后职务"] + r[title + 1:])  # a new title: the workplace link moves on
            # else: left out, so it ends
        with (dst / f.name).open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(out)
    return changed


def plan_step_rows() -> int:
    from redengine.loaders import plan

    return plan.STEP_ROWS


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--change", type=float, default=0.1, help="share of people and links rows changed (default 0.1)")
    ap.add_argument("--step-rows", type=int, default=None,
                    help="rows per write step (default: the loader's STEP_ROWS); a huge value writes each kind in one step")
    args = ap.parse_args()
    if args.step_rows:
        from redengine.loaders import plan

        plan.STEP_ROWS = args.step_rows
    phases = ("dry run, empty graph", "first load (apply)", "dry run, same files", f"dry run, {args.change:.0%} changed",
              f"apply, {args.change:.0%} changed")
    times: dict[str, list[float]] = {p: [] for p in phases}
    with tempfile.TemporaryDirectory(prefix="bench-loaders-") as tmp:
        tmp = Path(tmp)
        files = list(generate_rosters(tmp / "rosters", scale=args.scale, as_of=AS_OF).values())
        n_changed = changed_copy(tmp / "rosters", tmp / "later", args.change)
        later = sorted((tmp / "later").iterdir())
        server = EmbeddedServer(tmp / "db").start()
        try:
            for run in range(args.runs):
                runner = FalkorRunner(server.socket_path, f"bench{run}")
                runner.delete_graph()
                apply_schema(runner)
                calls = [(files, AS_OF, True), (files, AS_OF, False), (files, AS_OF, True), (later, LATER, True),
                         (later, LATER, False)]
                for phase, (paths, day, dry) in zip(phases, calls, strict=False):
                    t, report = timed(lambda: load_rosters(runner, paths, as_of=day, who="bench", dry_run=dry,
                                                           allow_mass_end=True))
                    times[phase].append(t)
                    if phase == phases[0]:
                        rows, first = report.rows, report.counts
                    if phase == phases[1]:
                        assert report.counts == first, "the first load applied other changes than its dry run showed"
                    if phase == phases[2]:
                        assert not report.changed, "a second load of the same files would change something"
                    if phase == phases[3]:
                        planned, later_rows = report.counts, report.rows
                    if phase == phases[4]:
                        assert report.counts == planned, "the changed load applied other changes than its dry run showed"
                runner.delete_graph()
                runner.close()
        finally:
            server.stop()
    print(f"scale {args.scale:g}: {rows:,} roster rows ({later_rows:,} in the changed copy, {n_changed:,} rows changed), "
          f"{args.runs} run(s), FalkorDB embedded, {plan_step_rows():,} rows per write step")
    for phase in phases:
        m = statistics.median(times[phase])
        n = later_rows if "changed" in phase else rows
        print(f"  {phase:<24} median {m:7.2f} s  {n / m:>9,.0f} rows/s   runs {[round(x, 2) for x in times[phase]]}")
    print(f"  changes applied in the changed copy: {sum(planned.values()):,} {dict(planned)}")


if __name__ == "__main__":
    main()
