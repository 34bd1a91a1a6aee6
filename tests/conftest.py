"""Shared fixtures: the real DfE/ONS files beside the project, and throwaway databases."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from rutland_data import settings
from rutland_data.ingest import build
from rutland_data.ui.common import DATA_EXPANDER_PREFIX

SHARED_DATA = settings.SHARED_DATA
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_shared(relative: str = "") -> Path:
    """Path under ../shared/data; skip when it is absent on a user's machine, fail in CI."""
    path = SHARED_DATA / relative
    if not path.exists():
        message = f"real data not found at {path} (../shared/data is only beside the project in CI and for the team)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def shared_data() -> Path:
    return require_shared()


@pytest.fixture
def demo_settings(tmp_path, monkeypatch) -> settings.Settings:
    """Settings pointing at a fresh demo database in a temporary folder."""
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "demo.duckdb"))
    configured = settings.load()
    build.build_demo(configured)
    return configured


@contextmanager
def database_at(path: Path):
    """Point DASHBOARD_DB at `path` for the duration (session fixtures cannot use monkeypatch)."""
    previous = os.environ.get("DASHBOARD_DB")
    os.environ["DASHBOARD_DB"] = str(path)
    try:
        yield settings.load()
    finally:
        if previous is None:
            os.environ.pop("DASHBOARD_DB")
        else:
            os.environ["DASHBOARD_DB"] = previous


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """One demo database shared by read-only tests."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with database_at(path) as configured:
        build.build_demo(configured)
    return path


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    """A database built from all of ../shared/data (skips without it)."""
    root = require_shared()
    path = tmp_path_factory.mktemp("real") / "real.duckdb"
    with database_at(path) as configured:
        build.build_from(root, configured)
    return path


@pytest.fixture(scope="session")
def real_db_hampshire(tmp_path_factory) -> Path:
    """The same build with the dashboard set to Hampshire (DASHBOARD_LA=850), as a Hampshire user builds it."""
    root = require_shared()
    path = tmp_path_factory.mktemp("real_hampshire") / "real.duckdb"
    previous = os.environ.get("DASHBOARD_LA")
    os.environ["DASHBOARD_LA"] = "850"
    try:
        with database_at(path) as configured:
            build.build_from(root, configured)
    finally:
        if previous is None:
            os.environ.pop("DASHBOARD_LA")
        else:
            os.environ["DASHBOARD_LA"] = previous
    return path


APP_FILE = str(settings.PROJECT_ROOT / "app.py")


@pytest.fixture
def app(demo_db, monkeypatch):
    """An AppTest of the whole app (navigation, global filters) over the shared demo database."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    return AppTest.from_file(APP_FILE, default_timeout=120)


def with_figure_data_open(at):
    """`at` rerun with every expander that runs its content only while open (each figure's "Show data", the SQA
    reasons in full) open, as a reader who opens them all sees the page: a closed one runs none of its content
    (ui/common.figure_block). Returns `at`, unchanged if all were open."""
    closed = [key for key in at.session_state
              if str(key).startswith(DATA_EXPANDER_PREFIX) and not at.session_state[key]]
    for key in closed:
        at.session_state[key] = True
    return at.run() if closed else at
