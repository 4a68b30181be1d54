"""Pictures of the analyses, drawn with matplotlib's Agg backend straight to PNG files.

Chinese names need a CJK font; when the machine has none (`fc-list :lang=zh` is empty), labels
fall back to unit ids, so a chart never shows empty boxes and no missing-glyph warning escapes.
matplotlib is in the `notebook` extra, so it is imported only when drawing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import shutil
import subprocess
import warnings
from pathlib import Path

import networkx as nx
import pandas as pd

from redengine.analysis.analyses import view

RATIOS = [("liaison_ratio", "联系村 liaison"), ("commissioner_ratio", "党建专员 commissioner"),
          ("composite_ratio", "综合党委 composite")]


@functools.cache
def cjk_font() -> str | None:
    """The family of an installed font that covers Chinese (made known to matplotlib), or None."""
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for line in sorted(out.splitlines(), key=lambda x: ("Mono" in x, x)):  # proportional fonts first
        path, _, families = line.partition(": ")
        family = families.split(",")[0].strip()
        if not family:
            continue
        if family not in known:  # installed after matplotlib cached its font list
            with contextlib.suppress(Exception):
                font_manager.fontManager.addfont(path.strip())
                known = {f.name for f in font_manager.fontManager.ttflist}
        if family in known:
            return family
    return None


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return fig


def _save(fig, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*[Gg]lyph.*missing")
        fig.savefig(path)
    return path


def _font_kw() -> dict:
    font = cjk_font()
    return {"fontfamily": font} if font else {}


def _legend_font() -> dict:
    return {"family": cjk_font(), "size": "small"} if cjk_font() else {"size": "small"}


def _label(name: str | None, uid: str) -> str:
    return name if (name and cjk_font()) else uid


def coverage_bars(coverage: pd.DataFrame, path: Path | str, title: str | None = None) -> Path:
    """Horizontal grouped bars: each township's liaison, commissioner and composite coverage."""
    df = coverage.sort_values("township", ascending=False).reset_index(drop=True)
    fig = _figure(8, 0.42 * len(df) + 1.6)
    ax = fig.add_subplot()
    height = 0.27
    for i, (col, text) in enumerate(RATIOS):
        ax.barh([y + (i - 1) * height for y in range(len(df))], df[col].fillna(0), height=height,
                label=text if cjk_font() else text.split(" ", 1)[1])
    ax.set_yticks(range(len(df)), [_label(n, t) for n, t in zip(df["name"], df["township"], strict=False)], **_font_kw())
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    ax.set_xlabel("share of villages and communities covered")
    ax.set_title(title or "Coverage per township", **_font_kw())
    fig.legend(loc="outside lower center", ncols=3, prop=_legend_font())
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def coverage_lines(over_time: pd.DataFrame, path: Path | str, title: str | None = None) -> Path:
    """District coverage at each month end (from `coverage_over_time(..., district=True)`)."""
    fig = _figure(8, 4)
    ax = fig.add_subplot()
    for col, text in RATIOS:
        ax.plot(over_time["date"], over_time[col], marker=".", label=text if cjk_font() else text.split(" ", 1)[1])
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
    ax.set_title(title or "District coverage at month ends", **_font_kw())
    ax.legend(loc="lower right", prop=_legend_font())
    ax.grid(alpha=0.3)
    return _save(fig, path)


def liaison_network(g: nx.MultiDiGraph, township: str, path: Path | str, on: dt.date | str | None = None) -> Path:
    """One township's villages and the cadres who liaise with them (red: a village with no liaison)."""
    v = view(g, on)
    villages = sorted(x for x in v.villages if v.township_of.get(x) == township)
    net = nx.Graph()
    net.add_nodes_from(villages, side=0)
    for x in villages:
        for c in sorted(v.liaisons.get(x, ())):
            net.add_node(c, side=1)
            net.add_edge(c, x)
    pos = nx.spring_layout(net, seed=7, k=1.6 / max(1, len(net)) ** 0.5) if len(net) else {}
    fig = _figure(10, 8)
    ax = fig.add_subplot()
    cadres = [n for n, s in net.nodes(data="side") if s == 1]
    colours = ["#c0392b" if not v.liaisons.get(x) else ("#e67e22" if len(v.liaisons[x]) == 1 else "#2e86c1")
               for x in villages]
    nx.draw_networkx_edges(net, pos, ax=ax, alpha=0.4)
    nx.draw_networkx_nodes(net, pos, nodelist=villages, node_color=colours, node_size=90, ax=ax)
    nx.draw_networkx_nodes(net, pos, nodelist=cadres, node_color="#7f8c8d", node_shape="s", node_size=40, ax=ax)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*[Gg]lyph.*missing")
        nx.draw_networkx_labels(net, pos, labels={x: _label(v.name(x), x) for x in villages}, font_size=6, ax=ax,
                                font_family=cjk_font() or "sans-serif")
    name = v.name(township)
    ax.set_title(f"{_label(name, township)}: villages (blue ≥2 cadres, orange 1, red none) and liaison cadres (grey) "
                 f"on {v.day}", fontsize="medium", **_font_kw())
    ax.set_axis_off()
    return _save(fig, path)
