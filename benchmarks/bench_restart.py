"""Restart time of an embedded data folder: compacted persistence (what the app writes now) against
the same demo district in never-compacted persistence (the old behaviour), side by side.

    python benchmarks/bench_restart.py [--scales 1,10,40] [--rounds 3] [--cache /tmp/redengine-bench-restart]

For each scale two folders are built once and cached under --cache (scale 40 takes minutes):
  - "compacted": `load_demo` through the app's own engine start (EmbeddedServer): persistence is an
    RDB-preamble base, compacted after the load;
  - "never compacted": the same load into a server started with `--aof-use-rdb-preamble no` and
    automatic rewrites off, by a runner whose `compact()` does nothing: every write stays a command
    in the append-only file, which the engine replays at start (the old behaviour, except that the
    old config did rewrite once by itself past 64 MB).
A restart is timed from `EmbeddedServer.start()` (what every command does: check the files, spawn
the server, wait while it loads) until a count of the graph's nodes answers. Each round restarts a
fresh copy of each folder (the copy is not timed; the app compacts the copy after starting it, so
the cached folder stays as built), the two variants in alternating order. Prints per-round times,
medians and the ratio never/compacted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from redengine.graph.embedded import EmbeddedServer, binaries
from redengine.graph.falkor import FalkorRunner
from redengine.graph.statements import read

GRAPH = "redengine"
COUNT = read("bench.restart.count_nodes", "MATCH (n) RETURN count(n) AS n")
VARIANTS = ("compacted", "never")


class NeverCompacted(FalkorRunner):
    """The runner as it was before compaction: persistence is never rewritten."""

    def compact(self) -> None:
        pass


def _files(folder: Path) -> str:
    aof = folder / "appendonlydir"
    return ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(aof.iterdir()) if p.is_file())


def build_compacted(folder: Path, scale: float) -> None:
    from redengine.demo import load_demo

    server = EmbeddedServer(folder).start()
    runner = FalkorRunner(server.socket_path, GRAPH, server=server)
    try:
        load_demo(runner, scale=scale)
    finally:
        runner.close()  # stops the server after its rewrite finished


def build_never(folder: Path, scale: float) -> None:
    from redengine.demo import load_demo

    folder.mkdir(parents=True, mode=0o700)
    server, module = binaries()
    sock = str(folder / "s.sock")
    proc = subprocess.Popen([server, "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700",
                             "--dir", str(folder), "--appendonly", "yes", "--appendfsync", "everysec",
                             "--aof-use-rdb-preamble", "no", "--auto-aof-rewrite-percentage", "0",
                             "--save", "", "--logfile", str(folder / "falkordb.log"), "--loadmodule", module],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if Path(sock).exists():
                break
            time.sleep(0.05)
        runner = NeverCompacted(sock, GRAPH)
        try:
            load_demo(runner, scale=scale)
        finally:
            runner.close()
    finally:
        proc.terminate()  # redis flushes the append-only file on SIGTERM
        proc.wait(timeout=120)
    Path(sock).unlink(missing_ok=True)


def built(cache: Path, scale: float, variant: str) -> Path:
    folder = cache / f"scale-{scale:g}" / variant
    if not (folder / ".built").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        t = time.perf_counter()
        (build_compacted if variant == "compacted" else build_never)(folder, scale)
        (folder / ".built").write_text("ok")
        print(f"  built scale {scale:g} {variant} in {time.perf_counter() - t:.0f} s: {_files(folder)}", flush=True)
    return folder


def _cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) the process has used so far: what a restart costs whatever else runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def restart(folder: Path, work: Path) -> tuple[float, float, int]:
    """Seconds from the engine start until a query answers, on a copy of `folder`; the engine's CPU
    seconds by then; the node count."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder, work, ignore=shutil.ignore_patterns(".built", "*.sock", "server.json", "redengine.lock"))
    t = time.perf_counter()
    server = EmbeddedServer(work, start_timeout=600, progress=lambda m: None).start()
    runner = FalkorRunner(server.socket_path, GRAPH)
    n = runner.read(COUNT)[0]["n"]
    took = time.perf_counter() - t
    cpu = _cpu_seconds(server.pid)
    runner.close()
    server.stop()
    shutil.rmtree(work, ignore_errors=True)
    return took, cpu, n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,10,40", help="comma-separated demo scales (default 1,10,40)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved restart rounds per scale (default 3)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/redengine-bench-restart"),
                    help="where built folders are kept between runs")
    args = ap.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",")]
    summary = []
    for scale in scales:
        print(f"scale {scale:g}", flush=True)
        folders = {v: built(args.cache, scale, v) for v in VARIANTS}
        times: dict[str, list[float]] = {v: [] for v in VARIANTS}
        cpus: dict[str, list[float]] = {v: [] for v in VARIANTS}
        counts = set()
        for r in range(args.rounds):
            order = VARIANTS if r % 2 == 0 else VARIANTS[::-1]
            for v in order:
                took, cpu, n = restart(folders[v], args.cache / "work")
                times[v].append(took)
                cpus[v].append(cpu)
                counts.add(n)
                print(f"  round {r + 1} {v:<10} {took:8.2f} s, engine CPU {cpu:8.2f} s  ({n:,} nodes)", flush=True)
        if len(counts) != 1:
            print(f"  WARNING: the variants hold different graphs: {sorted(counts)}")
        med = {v: statistics.median(times[v]) for v in VARIANTS}
        cpu = {v: statistics.median(cpus[v]) for v in VARIANTS}
        summary.append((scale, med, cpu, _files(folders["compacted"]), _files(folders["never"])))
    print(f"\n{'scale':>6} {'compacted s':>12} {'never compacted s':>18} {'ratio':>7} {'engine CPU s (c / n)':>22}"
          f"   (medians of {args.rounds} rounds)")
    for scale, med, cpu, fc, fn in summary:
        print(f"{scale:>6g} {med['compacted']:>12.2f} {med['never']:>18.2f} {med['never'] / med['compacted']:>7.1f} "
              f"{cpu['compacted']:>10.2f} / {cpu['never']:.2f}")
        print(f"        compacted: {fc}\n        never:     {fn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
