"""Latency of the read API over HTTP against the same questions as raw Cypher, on the demo district.

    python benchmarks/bench_api.py [--scales 1,40] [--checks 300] [--coverages 20] [--big-coverages 8]
                                   [--data-dir DIR]

For each scale: load the demo district into a fresh embedded engine (or reuse DIR/scale-N if it
already holds it), serve the app (redengine.api.app.create_app) with uvicorn on a local port, and
ask over HTTP with an admin bearer token (httpx, one keep-alive connection):
  - appointmentCheck for liaison cadres in turn (the full check: villages, opinions, notices,
    blockers, warnings, verdict) vs the check's one Cypher statement run through the runner;
  - coverage of the district (counts and up to 500 gaps) vs its statements run through the runner;
  - the nested query over the first 650 villages (township, composite committee and its
    secretary, liaison cadres, commissioner), paged 500 at a time, with the engine round trips.
Prints medians and p99s in ms, and API/raw ratios. Aims (issue 3): appointmentCheck p99 < 20 ms and
API/raw < 2 at scale 40; district coverage < 1 s at scale 40.

`--nodelay` times a keep-alive http.client's GET /healthz on a socket bound without TCP_NODELAY (as
before the fix) and as `redengine serve` binds it now, interleaved.

`--serving` (issue 9) measures serving under load instead, at the largest scale: the server runs in a
process of its own (`redengine serve`'s socket and uvicorn), in four variants, interleaved over
`--rounds` rounds (each round starts the engine afresh with the variant's query threads):
  - before: GraphQL executed on the event loop (create_app(offload=False)), FalkorDB's default 2 threads;
  - after: the engine pool (api/serving.py), FalkorDB with a thread per API worker;
  - after + uvloop/httptools: the same, with uvicorn's uvloop event loop and httptools parser;
  - after + GIL switch interval 1 ms: `sys.setswitchinterval(0.001)` in the server, as `redengine serve`
    sets it (the other variants keep Python's default 5 ms).
In each: one client's sequential appointmentCheck and /healthz (keep-alive); then `--clients` clients
asking appointmentCheck with a random pause (0–200 ms) between requests, and one asking /healthz every
50 ms, for `--window` seconds, once alone and once while another client asks for the district's
coverage back to back. Prints p50/p99 in ms, each the median over the rounds. Aim: appointmentCheck
p99 < 50 ms while the coverage runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from bench_common import Served, ms, timed

from redengine.demo import load_demo
from redengine.demo.district import DEFAULT_AS_OF
from redengine.graph.embedded import DEFAULT_THREADS
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.graph.statements import read as statement
from redengine.services import coverage, tokens
from redengine.services import queries as Q

AS_OF = DEFAULT_AS_OF.isoformat()
ANY_UNIT = statement("bench.any_unit", "MATCH (u:Unit) RETURN u.id AS id LIMIT 1")
DISTRICT = statement("bench.district", "MATCH (u:Unit) WHERE u.kind = 'district' RETURN u.id AS id ORDER BY id LIMIT 1")

CHECK = """query($p: ID!, $d: Date) { appointmentCheck(personId: $p, asOf: $d) {
  verdict person { id name }
  villages { unit { id name } from opinion { date conclusion docNo } notice { from to } }
  blockers { kind unit { id } } warnings { kind unit { id } } } }"""
COVERAGE = """query($s: ID, $d: Date) { coverage(scope: $s, asOf: $d) {
  townships townshipsWithLeader leaders villages villagesWithComposite villagesWithLiaison
  villagesWithCommissioner composites compositesWithSecretary
  gaps(first: 500) { totalCount nodes { kind unit { id name } person { id name } count } } } }"""
VILLAGES = """query($after: String, $d: Date) { organisations(kind: [VILLAGE, COMMUNITY], asOf: $d, first: 500, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id name parent { id name } compositeCommittee { id name secretary { person { name } } }
          liaisonCadres { nodes { from person { id name } } } commissioner { person { name } } } } }"""


def in_process(runner):
    """Run a query through the schema without HTTP or auth (to show where the API's time goes)."""
    import asyncio

    from redengine.api.context import Context, Principal, RoleName
    from redengine.api.schema import build_schema

    schema, loop = build_schema(), asyncio.new_event_loop()

    def run(query: str, **variables):
        ctx = Context(runner, Principal("bench", "bench", RoleName.ADMIN))
        result = loop.run_until_complete(schema.execute(query, variable_values=variables, context_value=ctx))
        if result.errors:
            raise SystemExit(f"API error: {result.errors}")
    return run


def raw_coverage(runner, district: str) -> None:
    """The coverage questions as the raw statements, in the order the service asks them."""
    p = {"as_of": AS_OF}
    towns = [r["u_id"] for r in runner.read(Q.COVERAGE_TOWNSHIPS_SCOPED, {**p, "scope": district})]
    runner.read(Q.COVERAGE_LEADERS, {**p, "district": district})
    runner.read(Q.COVERAGE_COMPOSITES, {**p, "townships": towns})
    if len(towns) <= coverage.SET_BASED_TOWNSHIPS:
        runner.read(Q.COVERAGE_VILLAGES, {**p, "townships": towns})
        return
    villages = set(runner.read(Q.COVERAGE_VILLAGE_IDS, {**p, "townships": towns})[0]["ids"])
    facts = [set(r["ids"]) for r in runner.read(Q.COVERAGE_VILLAGE_FACTS, p)]
    short = [v for v in villages if not all(v in f for f in facts)]
    runner.read(Q.UNITS, {**p, "ids": short})


def bench_scale(scale: float, args, base: Path) -> list[tuple]:
    data_dir = base / f"scale-{scale:g}"
    server = EmbeddedServer(data_dir).start()
    runner = FalkorRunner(server.socket_path, "bench", server=server)
    rows = []
    try:
        if not runner.read(ANY_UNIT):
            t = time.perf_counter()
            load_demo(runner, scale=scale)
            print(f"scale {scale:g}: demo loaded in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        district = runner.read(DISTRICT)[0]["id"]
        page = runner.read(Q.PEOPLE_PAGE_WITH["LIAISES_WITH"], {"as_of": AS_OF, "skip": 0, "limit": 100_000})[0]
        cadres = random.Random(2017).sample([p["id"] for p in page["page"]], 50)
        with Served(runner) as api:
            for i in range(10):  # warm up both paths
                api.gql(CHECK, p=cadres[i], d=AS_OF)
                runner.read(Q.APPOINTMENT_CHECK, {"person": cadres[i], "as_of": AS_OF})
            gql = in_process(runner)
            check_api = timed(lambda i: api.gql(CHECK, p=cadres[i % len(cadres)], d=AS_OF), args.checks)
            check_gql = timed(lambda i: gql(CHECK, p=cadres[i % len(cadres)], d=AS_OF), args.checks)
            check_raw = timed(lambda i: runner.read(Q.APPOINTMENT_CHECK, {"person": cadres[i % len(cadres)], "as_of": AS_OF}),
                              args.checks)
            rows.append((scale, "appointmentCheck", args.checks, *ms(check_api), *ms(check_raw)))
            rows.append((scale, "  same, GraphQL in-process (no HTTP)", args.checks, *ms(check_gql), *ms(check_raw)))

            n = args.coverages if scale <= 1 else args.big_coverages
            api.gql(COVERAGE, s=district, d=AS_OF)
            cov_api = timed(lambda i: api.gql(COVERAGE, s=district, d=AS_OF), n)
            cov_raw = timed(lambda i: raw_coverage(runner, district), n)
            rows.append((scale, "coverage (district)", n, *ms(cov_api), *ms(cov_raw)))

            def villages(_i):
                seen, after = 0, None
                while seen < 650:
                    conn = api.gql(VILLAGES, after=after, d=AS_OF)["organisations"]
                    seen += len(conn["nodes"])
                    if not conn["pageInfo"]["hasNextPage"]:
                        break
                    after = conn["pageInfo"]["endCursor"]
            before = runner.round_trips
            villages(0)
            trips = runner.round_trips - before
            nested = timed(villages, 5)
            rows.append((scale, f"650 villages nested ({trips} engine trips)", 5, *ms(nested), None, None))
    finally:
        runner.close()
    return rows


#: the API server of one variant, in its own process: argv data_dir graph offload loop http switch-interval;
#: prints its port
SERVE = r"""
import sys
from pathlib import Path
import uvicorn
from redengine.api.app import create_app
from redengine.api.cli import _bind
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
data_dir, graph, offload, loop, http, switch = sys.argv[1:7]
sys.setswitchinterval(float(switch))
runner = FalkorRunner(EmbeddedServer(Path(data_dir)).start().socket_path, graph)
sock = _bind("127.0.0.1", 0)
print(sock.getsockname()[1], flush=True)
app = create_app(runner=runner, offload=offload == "1")
uvicorn.Server(uvicorn.Config(app, loop=loop, http=http, log_level="warning", lifespan="on")).run(sockets=[sock])
"""

#: name → (offload, engine threads, uvicorn loop, uvicorn http, GIL switch interval)
VARIANTS = {
    "before (on the event loop, 2 engine threads)": (False, 2, "asyncio", "h11", 0.005),
    "after (engine pool, thread per worker)": (True, DEFAULT_THREADS, "asyncio", "h11", 0.005),
    "after + uvloop/httptools": (True, DEFAULT_THREADS, "uvloop", "httptools", 0.005),
    "after + GIL switch interval 1 ms": (True, DEFAULT_THREADS, "asyncio", "h11", 0.001),
}


def serving_round(data_dir: Path, variant: tuple, args) -> dict[str, tuple[float, float]]:
    """One variant once: the engine started with its threads, the server in its own process, the loads."""
    offload, threads, loop, http, switch = variant
    server = EmbeddedServer(data_dir, threads=threads).start()
    runner = FalkorRunner(server.socket_path, "bench", server=server)
    proc = None
    try:
        district = runner.read(DISTRICT)[0]["id"]
        page = runner.read(Q.PEOPLE_PAGE_WITH["LIAISES_WITH"], {"as_of": AS_OF, "skip": 0, "limit": 100_000})[0]
        cadres = random.Random(2017).sample([p["id"] for p in page["page"]], 50)
        auth = {"Authorization": f"Bearer {tokens.create(runner, 'admin', name='bench').token}"}
        proc = subprocess.Popen([sys.executable, "-c", SERVE, str(data_dir), "bench", "1" if offload else "0", loop, http, str(switch)],
                                stdout=subprocess.PIPE, text=True, env=os.environ)
        base = f"http://127.0.0.1:{int(proc.stdout.readline())}"
        out = {}
        with httpx.Client(base_url=base, headers=auth, timeout=300) as c:
            def check(i: int) -> dict:
                return _ok(c.post("/graphql", json={"query": CHECK, "variables": {"p": cadres[i % 50], "d": AS_OF}}))
            for i in range(10):
                check(i)
            out["sequential appointmentCheck"] = ms(timed(check, args.checks))
            out["sequential /healthz"] = ms(timed(lambda i: c.get("/healthz"), args.checks))
        for heavy in (False, True):
            checks, health, coverages = _load(base, auth, cadres, district, heavy, args)
            tag = "while coverage runs" if heavy else "alone"
            out[f"{args.clients} clients appointmentCheck, {tag}"] = ms(checks)
            out[f"/healthz beside them, {tag}"] = ms(health)
            if heavy:
                out["district coverage beside them"] = ms(coverages)
        return out
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
        runner.close()


def _ok(response) -> dict:
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"API error: {response.status_code} {body}")
    return body["data"]


def _load(base: str, auth: dict, cadres: list[str], district: str, heavy: bool, args):
    """`args.clients` clients and a /healthz prober for `args.window` s; with `heavy`, coverage back to back."""
    stop, coverages = threading.Event(), []

    def coverage_client():
        with httpx.Client(base_url=base, headers=auth, timeout=300) as c:
            while not stop.is_set():
                t = time.perf_counter()
                _ok(c.post("/graphql", json={"query": COVERAGE, "variables": {"s": district, "d": AS_OF}}))
                coverages.append(time.perf_counter() - t)

    checks, health, window = [], [], {}

    async def start(ready: asyncio.Barrier) -> float:
        """When everyone has connected and warmed up: the end of the window."""
        if await ready.wait() == 0:
            window["end"] = time.perf_counter() + args.window
        await ready.wait()
        return window["end"]

    async def client(i: int, ready: asyncio.Barrier):
        pause = random.Random(i)
        async with httpx.AsyncClient(base_url=base, headers=auth, timeout=300) as c:
            for k in range(3):  # connect and warm up: not counted
                _ok(await c.post("/graphql", json={"query": CHECK, "variables": {"p": cadres[(i + k) % 50], "d": AS_OF}}))
            end = await start(ready)
            while time.perf_counter() < end:
                t = time.perf_counter()
                _ok(await c.post("/graphql", json={"query": CHECK, "variables": {"p": cadres[(i + len(checks)) % 50], "d": AS_OF}}))
                checks.append(time.perf_counter() - t)
                await asyncio.sleep(pause.uniform(0, 0.2))

    async def prober(ready: asyncio.Barrier):
        async with httpx.AsyncClient(base_url=base, timeout=300) as c:
            await c.get("/healthz")
            end = await start(ready)
            while time.perf_counter() < end:
                t = time.perf_counter()
                await c.get("/healthz")
                health.append(time.perf_counter() - t)
                await asyncio.sleep(0.05)

    async def everyone():
        ready = asyncio.Barrier(args.clients + 1)
        await asyncio.gather(*(client(i, ready) for i in range(args.clients)), prober(ready))

    thread = threading.Thread(target=coverage_client)
    if heavy:
        thread.start()
        time.sleep(0.3)
    try:
        asyncio.run(everyone())
    finally:
        stop.set()
        if heavy:
            thread.join()
    return checks, health, coverages


def bench_serving(args, base: Path) -> None:
    scale = max(float(s) for s in args.scales.split(","))
    data_dir = base / f"scale-{scale:g}"
    server = EmbeddedServer(data_dir).start()
    runner = FalkorRunner(server.socket_path, "bench", server=server)
    try:
        if not runner.read(ANY_UNIT):
            t = time.perf_counter()
            load_demo(runner, scale=scale)
            runner.compact()
            print(f"scale {scale:g}: demo loaded in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    finally:
        runner.close()
    results: dict[str, list[dict]] = {name: [] for name in VARIANTS}
    names = list(VARIANTS)
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:  # interleaved, a different order each round
            print(f"round {r + 1}: {name}", file=sys.stderr)
            results[name].append(serving_round(data_dir, VARIANTS[name], args))
    rows = list(results[names[0]][0])
    head = f"{'scale ' + format(scale, 'g') + ', p50 / p99 in ms':<48}" + "".join(f"{n[:30]:>32}" for n in names)
    print(head)
    print("-" * len(head))
    for row in rows:
        cells = []
        for name in names:
            p50 = statistics.median(x[row][0] for x in results[name])
            p99 = statistics.median(x[row][1] for x in results[name])
            cells.append(f"{p50:>9.1f} / {p99:<9.1f}")
        print(f"{row:<48}" + "".join(f"{c:>32}" for c in cells))
    print(f"medians over {args.rounds} interleaved rounds; the server in its own process; "
          f"{args.clients} clients pause 0–200 ms between requests; window {args.window:g} s")


def bench_nodelay(rounds: int = 3, n: int = 60) -> None:
    """http.client (keep-alive) GET /healthz on a socket bound as before the fix (no protocol number, so
    asyncio set no TCP_NODELAY) and as `_bind` binds it now; interleaved rounds, medians in ms."""
    import http.client
    import socket

    from starlette.applications import Starlette
    from starlette.routing import Route

    from redengine.api.cli import UVICORN_HTTP, UVICORN_LOOP, _bind
    from redengine.api.health import healthz

    def old_bind() -> socket.socket:
        family, _, _, _, addr = socket.getaddrinfo("127.0.0.1", 0, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.bind(addr)
        sock.listen()
        return sock

    import uvicorn

    medians: dict[str, list[float]] = {"before (no TCP_NODELAY)": [], "after (_bind)": []}
    for _ in range(rounds):
        for name, bind in (("before (no TCP_NODELAY)", old_bind), ("after (_bind)", lambda: _bind("127.0.0.1", 0))):
            sock = bind()
            server = uvicorn.Server(uvicorn.Config(Starlette(routes=[Route("/healthz", healthz)]), log_level="warning",
                                                   loop=UVICORN_LOOP, http=UVICORN_HTTP))
            thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
            thread.start()
            while not server.started:
                time.sleep(0.01)
            c = http.client.HTTPConnection("127.0.0.1", sock.getsockname()[1])

            def get(_i):
                c.request("GET", "/healthz")
                c.getresponse().read()
            get(0)
            medians[name].append(ms(timed(get, n))[0])
            c.close()
            server.should_exit = True
            thread.join()
            sock.close()
    for name, xs in medians.items():
        print(f"http.client keep-alive GET /healthz, {name}: median {statistics.median(xs):.2f} ms "
              f"(rounds: {', '.join(f'{x:.2f}' for x in xs)})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,40")
    ap.add_argument("--checks", type=int, default=300, help="appointment checks per scale")
    ap.add_argument("--coverages", type=int, default=20, help="district coverages at scale <= 1")
    ap.add_argument("--big-coverages", type=int, default=8, help="district coverages at larger scales")
    ap.add_argument("--data-dir", type=Path, help="keep the loaded graphs here (scale-N folders) to reuse them")
    ap.add_argument("--serving", action="store_true", help="measure serving under load (before/after, see above)")
    ap.add_argument("--rounds", type=int, default=3, help="--serving: interleaved rounds of each variant")
    ap.add_argument("--clients", type=int, default=20, help="--serving: concurrent appointmentCheck clients")
    ap.add_argument("--window", type=float, default=8.0, help="--serving: seconds each load runs")
    ap.add_argument("--nodelay", action="store_true", help="measure TCP_NODELAY's effect on a keep-alive http.client")
    args = ap.parse_args(argv)
    if args.nodelay:
        bench_nodelay()
        return 0
    if args.serving:
        with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
            bench_serving(args, args.data_dir or Path(tmp))
        return 0
    scales = [float(s) for s in args.scales.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        base = args.data_dir or Path(tmp)
        for scale in scales:
            rows += bench_scale(scale, args, base)
    head = f"{'scale':>5}  {'question':<38} {'n':>4}  {'API med':>8} {'API p99':>8}  {'raw med':>8} {'raw p99':>8}  {'ratio':>5}"
    print(head)
    print("-" * len(head))
    for scale, q, n, am, ap99, rm, rp99 in rows:
        raw = f"{rm:8.2f} {rp99:8.2f}  {am / rm:5.1f}" if rm else f"{'':8} {'':8}  {'':5}"
        print(f"{scale:>5g}  {q:<38} {n:>4}  {am:8.2f} {ap99:8.2f}  {raw}")
    print("times in ms; API = over HTTP (uvicorn, keep-alive, bearer token); raw = the same Cypher through the runner")
    return 0


if __name__ == "__main__":
    sys.exit(main())
