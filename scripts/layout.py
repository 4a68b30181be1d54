"""Link the package folders where their import paths say (redengine/graph → graph/, …), for tools
that read folders rather than import (mypy, import-linter). Usage: layout.py TARGET_DIR."""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

root = Path(__file__).resolve().parent.parent
target = Path(sys.argv[1]).resolve() / "redengine"
mapping = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
if target.exists():
    shutil.rmtree(target)
target.mkdir(parents=True)
for entry in (root / mapping["redengine"]).iterdir():
    if entry.name != "__pycache__":
        (target / entry.name).symlink_to(entry)
for name, folder in mapping.items():
    if name != "redengine":
        (target / name.split(".", 1)[1]).symlink_to(root / folder)
