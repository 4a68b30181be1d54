"""The demo district: write its rosters (ROSTERS.md format) and load them through the roster loader.

    paths = generate_rosters("demo-rosters", seed=2017, scale=1)   # kind → file
    report = load_demo(runner)                                      # generate to a temp dir, then load

The district itself is built in `redengine.demo.district`; its names come from `redengine.demo.names`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import click

from redengine.dates import parse_date
from redengine.demo import guard as demo_guard
from redengine.demo.district import DEFAULT_AS_OF, HEADERS, KINDS, build_district, check_options
from redengine.errors import SafetyRefusal
from redengine.graph import queries
from redengine.graph.statements import read
from redengine.options import DATE
from redengine.types import Runner

ANY_UNIT = read("demo.any_unit", "MATCH (u:Unit) RETURN u.id AS id LIMIT 1")
UNITS_BY_KIND = read("demo.units_by_kind", "MATCH (u:Unit) RETURN u.kind AS kind, count(*) AS n ORDER BY kind")

XLSX_MAX_SCALE = 1.0  # up to this scale the units roster is written as .xlsx, to exercise that reader too
_SHEETS = {"units": "组织", "people": "人员", "links": "联系与任职", "weak": "软弱涣散", "appointment": "意见与公示"}
_DATE_COLUMNS = {"生效日期"}  # written as real Excel date cells in .xlsx
_FIXED_STAMP = (2017, 4, 28, 0, 0, 0)


def generate_rosters(out_dir: Path | str, *, seed: int = 2017, scale: float = 1.0,
                     as_of: dt.date | str | None = None) -> dict[str, Path]:
    """Write the demo district's five rosters into `out_dir`; return kind → file.

    The same seed, scale and as_of give byte-identical files. The rosters describe the district as
    of `as_of` (default 2019-04-28, the end of the pilot)."""
    day = parse_date(as_of) if as_of is not None else None
    rosters = build_district(seed, scale, day)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind in KINDS:
        as_xlsx = kind == "units" and scale <= XLSX_MAX_SCALE
        path = out / f"{kind}.{'xlsx' if as_xlsx else 'csv'}"
        stale = path.with_suffix(".csv" if as_xlsx else ".xlsx")
        stale.unlink(missing_ok=True)  # a file of the same kind from an earlier run would be loaded twice
        (_write_xlsx if as_xlsx else _write_csv)(path, _SHEETS[kind], HEADERS[kind], rosters.rows[kind])
        paths[kind] = path
    return paths


def _write_csv(path: Path, _sheet: str, headers, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:  # UTF-8 with BOM, as Excel saves it
        w = csv.writer(f)
        w.writerow(headers)
        w.writerows(rows)


def _write_xlsx(path: Path, sheet: str, headers, rows) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.creator = "redengine demo"
    wb.properties.created = dt.datetime(*_FIXED_STAMP)
    ws = wb.create_sheet(sheet)
    ws.append(list(headers))
    dates = [i for i, h in enumerate(headers) if h in _DATE_COLUMNS]
    for row in rows:
        cells: list[object] = list(row)
        for i in dates:
            if cells[i]:
                cells[i] = dt.date.fromisoformat(str(cells[i]))
        ws.append(cells)
    wb.save(path)
    _pin_zip_stamps(path)


def _pin_zip_stamps(path: Path) -> None:
    """openpyxl stamps the save time into the zip entries and docProps/core.xml: pin both so the
    same rows give the same bytes."""
    with zipfile.ZipFile(path) as z:
        entries = [(info.filename, z.read(info)) for info in z.infolist()]
    stamp = "%04d-%02d-%02dT%02d:%02d:%02dZ" % _FIXED_STAMP
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=_FIXED_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def load_demo(runner: Runner, *, seed: int = 2017, scale: float = 1.0, out_dir: Path | str | None = None,
              as_of: dt.date | str | None = None, progress: bool = False):
    """Apply the schema, generate the demo rosters (into `out_dir`, else a temp dir) and load them
    with the roster loader as of `as_of` (default 2019-04-28). Returns the loader's SyncReport.

    Only into an empty graph or an earlier demo (redengine.demo.guard); anything else raises
    NotADemoGraph and writes nothing."""
    from redengine.graph.apply import apply_schema
    from redengine.loaders import load_rosters

    day = parse_date(as_of) if as_of is not None else DEFAULT_AS_OF
    found = demo_guard.classify(runner)
    if found.kind == demo_guard.OTHER:
        raise demo_guard.refusal(runner, found)
    apply_schema(runner)
    with tempfile.TemporaryDirectory(prefix="redengine-demo-") as tmp:
        paths = generate_rosters(out_dir or tmp, seed=seed, scale=scale, as_of=day)
        rosters = demo_guard.roster_hashes(paths.values())
        claimed: list[bool] = []

        def claim_first(part) -> None:
            # Inside the loader's write gate, planned but nothing written yet: mark the graph as the
            # demo's only if it still is empty or a demo (a load may have slipped in since the check).
            if not claimed:
                if not demo_guard.claim(runner, rosters):
                    raise demo_guard.refusal(runner, demo_guard.classify(runner))
                claimed.append(True)

        return load_rosters(runner, [paths[k] for k in KINDS], as_of=day, who="demo", progress=progress,
                            on_report=claim_first)


def load_demo_if_empty(runner: Runner, **options) -> bool:
    """Load the demo district only when the graph holds no unit yet; say whether it did. A graph that
    holds anything but an earlier demo raises NotADemoGraph (nothing written)."""
    found = demo_guard.classify(runner)
    if found.kind == demo_guard.OTHER:
        raise demo_guard.refusal(runner, found)
    if runner.read(ANY_UNIT):
        return False
    load_demo(runner, **options)
    return True


def graph_counts(runner: Runner) -> dict[str, dict[str, int]]:
    """Nodes by label, links by type and units by kind, for a summary."""
    return {
        "nodes": {r["label"]: r["n"] for r in runner.read(queries.COUNT_NODES_BY_LABEL)},
        "links": {r["type"]: r["n"] for r in runner.read(queries.COUNT_RELS_BY_TYPE)},
        "units": {r["kind"]: r["n"] for r in runner.read(UNITS_BY_KIND)},
    }


@click.command("demo")
@click.option("--seed", type=int, default=2017, show_default=True, help="Random seed: the same seed gives the same district.")
@click.option("--scale", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Multiply the district (40 ≈ a province: ~26,000 villages).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Keep the rosters in this folder.")
@click.option("--as-of", "as_of", type=DATE, help="The date the rosters describe (default 2019-04-28).")
@click.option("--fresh", is_flag=True,
              help="Drop an earlier demo graph (its tokens and audit log too) and load the demo again; asks first. "
                   "Never drops a graph that holds anything but the demo.")
@click.option("--yes", "-y", is_flag=True, help="With --fresh: do not ask (needed when stdin is not a terminal).")
def demo_command(seed: int, scale: float, out: Path | None, as_of: dt.date | None, fresh: bool, yes: bool) -> None:
    """Generate the demo district's rosters and load them into the configured engine.

    Only into an empty graph or an earlier demo: a graph holding anything else (rosters loaded with
    `redengine load`, tokens made before any demo) is refused with exit code 2 and left unchanged;
    give the demo a folder of its own with REDENGINE_DATA_DIR."""
    from redengine.config import Settings
    from redengine.graph.engine import connect

    try:
        check_options(scale, as_of or DEFAULT_AS_OF)
    except ValueError as e:
        raise click.UsageError(str(e).replace("as_of", "--as-of")) from e
    settings = Settings.from_env()
    with connect(settings) as runner:
        found = demo_guard.classify(runner)
        if found.kind == demo_guard.OTHER:
            raise demo_guard.refusal(runner, found, fresh=fresh)
        if fresh and found.kind == demo_guard.DEMO:
            _confirm_drop(runner, found, yes)
            again = demo_guard.classify(runner)  # the question may have waited: look again before dropping
            if again.kind == demo_guard.OTHER:
                raise demo_guard.refusal(runner, again, fresh=True)
            runner.delete_graph()
        started = time.perf_counter()
        report = load_demo(runner, seed=seed, scale=scale, out_dir=out, as_of=as_of, progress=True)
        took = time.perf_counter() - started
        counts = graph_counts(runner)
    changes = sum(report.counts.values())
    what = f"loaded ({changes:,} changes)" if changes else "already loaded (nothing changed)"
    click.echo(f"demo district (seed {seed}, scale {scale:g}) {what} on {settings.engine} in {took:.1f}s"
               + (f"; rosters in {out}" if out else ""))
    warnings = [f"{w.file} row {w.row}: {w.message}" for w in report.warnings]
    for line in warnings[:5]:
        click.echo(f"warning (deliberate gaps are part of the demo): {line}")
    if len(warnings) > 5:
        click.echo(f"... and {len(warnings) - 5} more warnings")
    for title, group in (("units", counts["units"]), ("nodes", counts["nodes"]), ("links", counts["links"])):
        click.echo(f"{title}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(group.items())))


def _confirm_drop(runner: Runner, found: demo_guard.GraphKind, yes: bool) -> None:
    """--fresh on an earlier demo: ask on a terminal; elsewhere only --yes will do."""
    what = f"{demo_guard.where(runner)} (the demo: {found.holds()})"
    if yes:
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise SafetyRefusal(f"--fresh drops the whole graph in {what}, tokens and audit log included; "
                            "stdin is not a terminal, so nothing can be asked: add --yes to drop it. Nothing was changed")
    click.confirm(f"Drop the whole graph in {what}, tokens and audit log included, and load the demo again?",
                  default=False, abort=True)
