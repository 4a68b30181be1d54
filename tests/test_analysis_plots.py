"""Pictures render to PNG with or without a Chinese font, and never leak missing-glyph warnings."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("matplotlib", reason="the notebook extra is not installed")

from test_analysis_analyses import ON, coverage_world  # noqa: E402

from redengine.analysis import analyses as an  # noqa: E402
from redengine.analysis import plots


@pytest.mark.parametrize("font", ["system", "none"])
def test_every_picture_renders(tmp_path, monkeypatch, font):
    import matplotlib.image as mpimg

    if font == "none":
        monkeypatch.setattr(plots, "cjk_font", lambda: None)
    g = coverage_world()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would be a warning
        paths = [plots.coverage_bars(an.coverage_by_township(g, ON), tmp_path / "a" / "bars.png"),
                 plots.coverage_lines(an.coverage_over_time(g, "2017-05-01", ON, district=True), tmp_path / "lines.png"),
                 plots.liaison_network(g, "T1", tmp_path / "net.png", ON)]
    for p in paths:
        img = mpimg.imread(p)
        assert img.shape[0] > 200 and img[..., :3].std() > 0.01, p  # not blank


def test_labels_fall_back_to_ids_without_a_chinese_font(monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    assert plots._label("前川街道", "T01") == "T01"
    monkeypatch.setattr(plots, "cjk_font", lambda: "WenQuanYi Micro Hei")
    assert plots._label("前川街道", "T01") == "前川街道" and plots._label(None, "T01") == "T01"
