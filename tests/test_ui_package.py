"""The UI helper package: the layout rule it exists for, and the chart block's accessible spec."""
from __future__ import annotations

import ast

import altair as alt
import pandas as pd

from rutland_data.navigation import PAGES
from rutland_data.settings import PROJECT_ROOT
from rutland_data.ui.common import described


def _streamlit_imports(path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    # The benchmark drives pages with Streamlit's test harness, which is not UI code.
    return [name for name in names if name.split(".")[0] == "streamlit" and not name.startswith("streamlit.testing")]


def test_only_the_ui_package_imports_streamlit_in_the_data_layer():
    package = PROJECT_ROOT / "rutland_data"
    offenders = [str(path.relative_to(PROJECT_ROOT)) for path in package.rglob("*.py")
                 if "ui" not in path.relative_to(package).parts[:1] and _streamlit_imports(path)]
    assert offenders == []


def test_pages_folder_holds_only_pages():
    """Every file in pages/ is a page of the navigation: Streamlit lists any other .py there as a page."""
    assert sorted(p.name for p in (PROJECT_ROOT / "pages").glob("*.py")) == sorted(e.file.split("/")[-1] for e in PAGES)


def test_a_chart_is_one_image_named_by_its_alt_text():
    """A layer with nothing to draw (whiskers of schools without an interval) must not leave an unnamed
    graphics-symbol: marks are hidden from screen readers, the container carries the description."""
    rows = pd.DataFrame({"x": [1.0, 2.0], "low": [None, None], "high": [None, None]})
    chart = alt.layer(alt.Chart(rows).mark_rule().encode(x="low:Q", x2="high:Q"),
                      alt.Chart(rows).mark_point().encode(x="x:Q")).configure_mark(color="#12436D")
    spec = described(chart.to_dict(), "Two points, no intervals.")
    assert spec["description"] == "Two points, no intervals."
    assert spec["config"]["mark"] == {"color": "#12436D", "aria": False}
    assert spec["layer"] == chart.to_dict()["layer"]
