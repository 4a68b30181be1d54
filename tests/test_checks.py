"""Lint, types and import layers pass (scripts/check: ruff, mypy, import-linter), so the test command
fails when they do."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_lint_types_and_layers_pass():
    run = subprocess.run([str(ROOT / "scripts" / "check")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
