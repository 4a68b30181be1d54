"""notebooks/coverage.ipynb runs top to bottom against the embedded demo and leaves PNGs a person can open."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook extra is not installed")
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "coverage.ipynb"
FIGURES = ["coverage_by_township.png", "coverage_over_time.png", "liaison_network.png"]


def kernel_manager(tmp_path: Path) -> KernelManager:
    """A kernel on this very interpreter (the project's venv), whatever kernels the machine has installed."""
    spec_dir = tmp_path / "kernels" / "redengine-test"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "redengine test", "language": "python"}))
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    return KernelManager(kernel_name="redengine-test", kernel_spec_manager=specs)


@pytest.mark.slow
def test_notebook_runs_and_draws_its_figures(tmp_path, monkeypatch):
    import matplotlib.image as mpimg

    figures = tmp_path / "figures"
    monkeypatch.setenv("REDENGINE_FIGURES", str(figures))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))  # the kernel's connection file
    monkeypatch.delenv("NEO4J_URI", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    km = kernel_manager(tmp_path)
    client = NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    finally:  # the client does not stop a kernel it was handed
        if client.kc is not None:
            client.kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)

    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    for name in FIGURES:
        path = figures / name
        assert path.is_file() and path.stat().st_size > 10_000, name
        img = mpimg.imread(path)
        assert img.shape[0] >= 300 and img.shape[1] >= 500, (name, img.shape)
        assert img[..., :3].std() > 0.05, f"{name} is blank"  # something was drawn
    # the coverage table printed as a table with one row per township
    cell = next(c for c in nb.cells if c.source.startswith("coverage = analyses.coverage_by_township"))
    assert "liaison_ratio" in cell.outputs[0]["data"]["text/plain"]
