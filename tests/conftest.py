"""Shared fixtures: the demo workspace, its assessment, and a small workspace factory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
sys.path.insert(0, str(Path(__file__).parent))  # for wsfactory

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return DEMO


@pytest.fixture(scope="session")
def demo_assessment():
    """The demo workspace, assessed once per test session."""
    from riskmap import assess

    return assess(DEMO)


@pytest.fixture
def small_workspace(tmp_path):
    """A small valid workspace written to a temporary folder."""
    from wsfactory import write_workspace

    return write_workspace(tmp_path / "ws")
