"""The engine port under its old name, for the layers above the engines (`redengine.graph.runner`)."""

from __future__ import annotations

from redengine.graph.runner import Params, Row, Runner

__all__ = ["Params", "Row", "Runner"]
