"""Filter changes in a real browser against bare pages of the same shape (a benchmark, run by hand).

    python -m bench.browser [--db PATH] [--la 857] [--changes 20] [--pages headlines schools ...]

For every public page of the navigation, one filter a user would change (FILTERS). Chromium (Playwright,
/usr/bin/chromium headless) changes it to the next value in a short cycle, as a person clicks, and the
round trip runs from the pointer going down on the option to the moment the script run that the change
started has finished (Streamlit's `data-test-script-state`), no element is left stale or as a skeleton,
and every Vega chart has drawn its SVG or canvas and every map its canvas. Nothing sleeps: the page is
polled for that condition every POLL_MS. Times are taken inside the page (performance.now()), so the
driver's own latency is not in them. A first pass over the cycle warms the server; then `changes`
changes are timed. p50 and p95 are over those.

The floor is a BARE page of the same shape: this tool runs the real page with AppTest for every value in
the cycle, records every element it drew - sidebar (the shell) and main, in order, with their containers
(columns, expanders, tabs, bordered containers) - and writes a Streamlit app into a temporary folder that
draws the same elements from that record with Streamlit's public API and no app logic: the same titles
and text, metrics, the same Vega specs with the same data, the same tables, the same widgets with the
same keys (so the same filter change reruns it), the page links, a navigation of the same pages. Its
filter switches to the record of the value chosen. It is served by the same `streamlit run` setup
(bench.server) beside the app, and the two tabs take turns, change by change, so drift on the shared
machine falls on both: the ratio page/bare is the app's own cost over what Streamlit needs to draw that
page. The bare app is never written into the project.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl

import pyarrow as pa
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import server as bench_server
from bench.stats import percentile
from rutland_data import settings
from rutland_data.navigation import PAGES, pages_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
POLL_MS = 10
TIMEOUT_MS = 180_000
DEFAULT_CHANGES = 20
TARGET_RATIO = 1.2  # the page's p50 and p95 against its bare page's (issue 15)
SCREENSHOTS = settings.PROJECT_ROOT / "artifacts" / "bench"


@dataclass(frozen=True)
class Filter:
    """The filter a user would change on a page: a widget key, and which of its options to cycle through
    (`first` n options from the start, or the `last` n: years are newest last)."""

    page: str        # url path
    key: str
    take: str = "first"
    count: int = 4


FILTERS = [
    Filter("overview", "year", "last", 3),
    Filter("headlines", "phase", "first", 8),
    Filter("groups", "phase", "first", 4),
    Filter("schools", "measure", "first", 4),
    Filter("absence", "absence_phase", "first", 3),
    Filter("admissions", "admissions_phase", "first", 2),
    Filter("destinations", "cohort", "last", 3),
    Filter("deprivation-map", "iod_indicator", "first", 4),
    Filter("meetings", "year", "last", 3),
    Filter("school", "urn", "first", 4),
    Filter("academisation", "year", "last", 3),
    Filter("improvement-plan", "year", "last", 3),
    Filter("about", "year", "last", 3),
    Filter("accessibility", "year", "last", 3),
]


# --- recording a page with AppTest -----------------------------------------------------------------

@dataclass
class Record:
    """One element or container as drawn: where (its path in the element tree) and how to draw it again."""

    path: tuple[int, ...]
    kind: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class PageShape:
    page: str
    key: str
    widget: str                   # selectbox / pills / segmented_control / radio
    cycle: list[str]              # option labels, the page's default first
    variants: dict[str, list[Record]]
    unknown: Counter = field(default_factory=Counter)

    def counts(self) -> Counter:
        return Counter(r.kind for r in self.variants[self.cycle[0]])


def _arrow_frame(data: bytes):
    return pa.ipc.open_stream(data).read_pandas()


def _widget_key(proto) -> str:
    """The user key of a widget: its URL binding, or the tail of its element id ('$$ID-<hash>-<key>')."""
    if getattr(proto, "query_param_key", ""):
        return proto.query_param_key
    element_id = getattr(proto, "id", "")
    return element_id.split("-", 2)[2] if element_id.startswith("$$ID-") and element_id.count("-") >= 2 else ""


def _vega_spec(proto) -> dict:
    """The spec with its data put back inline, as the page handed it to st.vega_lite_chart."""
    spec = json.loads(proto.spec)
    datasets = {d.name: _arrow_frame(d.data.data).to_dict("records") for d in proto.datasets if d.has_name}
    if datasets:
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    if proto.data.data:
        spec["data"] = {"values": _arrow_frame(proto.data.data).to_dict("records")}
    return spec


def _record(node, path: tuple[int, ...], out: list[Record], unknown: Counter, last_table: list) -> None:
    kind = getattr(node, "type", "")
    proto = getattr(node, "proto", None)
    children = getattr(node, "children", None) or {}
    if kind in ("main", "sidebar"):
        pass
    elif kind == "flex_container" and children and all(getattr(c, "type", "") == "column" for c in children.values()):
        columns = [children[i] for i in sorted(children)]
        out.append(Record(path, "columns", {"spec": [c.proto.weight or 1 for c in columns]}))
        for i, column in zip(sorted(children), columns):
            for j in sorted(column.children):
                _record(column.children[j], path + (i, j), out, unknown, last_table)
        return
    elif kind == "flex_container":
        out.append(Record(path, "container", {"border": bool(proto.flex_container.border)}))
    elif kind == "expander":
        out.append(Record(path, "expander", {"label": proto.label,
                                             "expanded": bool(proto.expanded)}))
    elif kind == "tab_container":
        tabs = [children[i] for i in sorted(children)]
        out.append(Record(path, "tabs", {"labels": [t.proto.label for t in tabs]}))
        for i, tab in zip(sorted(children), tabs):
            for j in sorted(tab.children):
                _record(tab.children[j], path + (i, j), out, unknown, last_table)
        return
    elif kind in ("title", "header", "subheader"):
        out.append(Record(path, kind, {"body": proto.body, "divider": bool(proto.divider)}))
    elif kind in ("markdown", "caption"):
        out.append(Record(path, kind, {"body": proto.body, "help": proto.help or None}))
    elif kind == "divider":
        out.append(Record(path, "divider"))
    elif kind in ("info", "warning", "error", "success"):
        out.append(Record(path, kind, {"body": proto.body, "icon": proto.icon or None}))
    elif kind == "metric":
        out.append(Record(path, "metric", {"label": proto.label, "value": proto.body, "delta": proto.delta or None,
                                           "help": proto.help or None}))
    elif kind == "dataframe":
        frame = _arrow_frame(proto.arrow_data.data)
        last_table[:] = [frame]
        out.append(Record(path, "dataframe", {"frame": frame}))
    elif kind == "download_button":
        # The same number of bytes as the table beside it would give (the real page's CSV).
        data = last_table[0].to_csv(index=False).encode() if last_table else b"x" * 2000
        out.append(Record(path, "download_button", {"label": proto.label, "data": data, "key": _widget_key(proto)}))
    elif kind == "vega_lite_chart":
        out.append(Record(path, "vega_lite_chart", {"spec": _vega_spec(proto), "key": _widget_key(proto),
                                                    "selection_mode": list(proto.selection_mode)}))
    elif kind == "deck_gl_json_chart":
        out.append(Record(path, "pydeck_chart", {"json": proto.json, "tooltip": proto.tooltip,
                                                 "key": _widget_key(proto),
                                                 "selection_mode": list(proto.selection_mode)}))
    elif kind == "page_link":
        out.append(Record(path, "page_link", {"label": proto.label, "icon": proto.icon or None, "page": proto.page,
                                              "query": dict(parse_qsl(proto.query_string))}))
    elif kind == "button_group":
        style = "segmented_control" if proto.style == type(proto).Style.SEGMENTED_CONTROL else "pills"
        labels = [option.content for option in proto.options]
        out.append(Record(path, style, {"label": proto.label, "options": labels, "key": _widget_key(proto),
                                        "default": labels[proto.default[0]] if proto.default else None,
                                        "bind": bool(proto.query_param_key)}))
    elif kind in ("selectbox", "radio"):
        out.append(Record(path, kind, {"label": proto.label, "options": list(proto.options), "key": _widget_key(proto),
                                       "index": proto.default, "bind": bool(proto.query_param_key),
                                       "help": proto.help or None}))
    elif kind == "multiselect":
        options = list(proto.options)
        out.append(Record(path, "multiselect", {"label": proto.label, "options": options, "key": _widget_key(proto),
                                                "default": [options[i] for i in proto.default],
                                                "bind": bool(proto.query_param_key)}))
    elif kind == "toggle":
        out.append(Record(path, "toggle", {"label": proto.label, "value": bool(proto.default), "key": _widget_key(proto),
                                           "bind": bool(proto.query_param_key)}))
    elif kind == "button":
        out.append(Record(path, "button", {"label": proto.label, "key": _widget_key(proto)}))
    elif kind in ("event",):
        return
    else:
        unknown[kind] += 1
        out.append(Record(path, "markdown", {"body": f"({kind})", "help": None}))
    for i in sorted(children):
        _record(children[i], path + (i,), out, unknown, last_table)


def _records(at, unknown: Counter) -> list[Record]:
    """The sidebar first (the shell draws it before the page), then the main area."""
    out: list[Record] = []
    root = at._tree.children  # AppTest's element tree: {0: main, 1: sidebar, 2: event}
    for index in (1, 0):
        _record(root[index], (index,), out, unknown, [])
    return out


def _find_widget(at, key: str):
    stack = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", "") in ("selectbox", "button_group", "radio") \
                and _widget_key(proto) == key:
            return node
        stack.extend((getattr(node, "children", None) or {}).values())
    return None


def _environment(db_path: Path, la: str):
    """DASHBOARD_DB and DASHBOARD_LA set for the block, restored after it."""
    return mock.patch.dict(os.environ, {"DASHBOARD_DB": str(db_path), "DASHBOARD_LA": la})


def record_page(db_path: Path, la: str, page_filter: Filter) -> PageShape:
    """Run the page through app.py with AppTest at each value of the filter's cycle; record what it drew."""
    from streamlit.testing.v1 import AppTest

    entry = next(e for e in PAGES if e.url_path == page_filter.page)
    with _environment(db_path, la):
        at = AppTest.from_file(str(settings.PROJECT_ROOT / "app.py"), default_timeout=300)
        at.run()
        at.switch_page(entry.file).run()
        widget = _find_widget(at, page_filter.key)
        if widget is None:
            raise LookupError(f"no widget with key {page_filter.key!r} on /{page_filter.page}")
        labels = [o.content for o in widget.proto.options] if widget.type == "button_group" \
            else list(widget.proto.options)
        if widget.type == "button_group":
            default = labels[widget.proto.default[0]] if widget.proto.default else labels[0]
            kind = "segmented_control" if widget.proto.style == type(widget.proto).Style.SEGMENTED_CONTROL \
                else "pills"
        else:
            default, kind = labels[widget.proto.default], widget.type
        chosen = labels[:page_filter.count] if page_filter.take == "first" else labels[-page_filter.count:]
        cycle = [default] + [label for label in chosen if label != default][:page_filter.count - 1]
        unknown: Counter = Counter()
        variants = {}
        for label in cycle:
            widget = _find_widget(at, page_filter.key)
            if widget.type == "button_group":
                widget.set_value(widget.proto.raw_values[labels.index(label)] if widget.proto.raw_values else label)
            else:
                widget.select_index(labels.index(label))
            at.run()
            if at.exception:
                raise RuntimeError(f"/{page_filter.page} at {label!r} raised: {at.exception[0].message}")
            variants[label] = _records(at, unknown)
    return PageShape(page_filter.page, page_filter.key, kind, cycle, variants, unknown)


# --- the bare app -------------------------------------------------------------------------------------

BARE_APP = '''"""Bare pages (generated by bench/browser.py): the recorded elements, drawn with no app logic."""
import json
import pickle
from pathlib import Path

import streamlit as st

st.set_page_config(page_title="Education performance dashboard", page_icon={favicon!r}, layout="wide")


@st.cache_resource
def shapes():
    return pickle.loads((Path(__file__).parent / "shapes.pkl").read_bytes())


class RecordedDeck:
    """A pydeck map as its recorded JSON (st.pydeck_chart reads these attributes)."""

    layers = []
    mapbox_key = None

    def __init__(self, spec, tooltip):
        self.spec, self._tooltip = spec, json.loads(tooltip) if tooltip else None

    def to_json(self):
        return self.spec


def draw(where, kind, a):
    if kind == "title":
        return where.title(a["body"])
    if kind in ("header", "subheader"):
        return getattr(where, kind)(a["body"], divider="gray" if a["divider"] else False)
    if kind in ("markdown", "caption"):
        return getattr(where, kind)(a["body"], help=a["help"])
    if kind == "divider":
        return where.divider()
    if kind in ("info", "warning", "error", "success"):
        return getattr(where, kind)(a["body"], icon=a["icon"])
    if kind == "metric":
        return where.metric(a["label"], a["value"], delta=a["delta"], help=a["help"])
    if kind == "dataframe":
        return where.dataframe(a["frame"], hide_index=True, width="stretch")
    if kind == "download_button":
        return where.download_button(a["label"], a["data"], file_name="data.csv", mime="text/csv",
                                     key=a["key"] or None)
    if kind == "vega_lite_chart":
        if a["selection_mode"]:
            return where.vega_lite_chart(a["spec"], width="stretch", key=a["key"], on_select="rerun",
                                         selection_mode=a["selection_mode"])
        return where.vega_lite_chart(a["spec"], width="stretch", key=a["key"] or None)
    if kind == "pydeck_chart":
        deck = RecordedDeck(a["json"], a["tooltip"])
        if a["selection_mode"]:
            return where.pydeck_chart(deck, key=a["key"], on_select="rerun", selection_mode="single-object")
        return where.pydeck_chart(deck)
    if kind == "page_link":
        return where.page_link(PAGES.get(a["page"], DEFAULT_PAGE), label=a["label"], icon=a["icon"],
                               query_params=a["query"] or None)
    bind = "query-params" if a.get("bind") else None
    if kind in ("pills", "segmented_control"):
        return getattr(where, kind)(a["label"], a["options"], default=a["default"], key=a["key"], bind=bind)
    if kind in ("selectbox", "radio"):
        return getattr(where, kind)(a["label"], a["options"], index=a["index"], key=a["key"], bind=bind,
                                    help=a["help"])
    if kind == "multiselect":
        return where.multiselect(a["label"], a["options"], default=a["default"], key=a["key"], bind=bind)
    if kind == "toggle":
        return where.toggle(a["label"], value=a["value"], key=a["key"], bind=bind)
    if kind == "button":
        return where.button(a["label"], key=a["key"] or None)
    raise ValueError(kind)


def render(url_path):
    shape = shapes().get(url_path)
    if shape is None:  # a page that was not recorded
        st.title(url_path)
        return
    records = shape["variants"][shape["cycle"][0]]
    containers = {{(0,): st, (1,): st.sidebar}}
    index = 0
    while index < len(records):
        path, kind, a = records[index]
        parent = containers[path[:-1]]
        if kind == "columns":
            for i, column in enumerate(parent.columns(a["spec"])):
                containers[path + (i,)] = column
        elif kind == "tabs":
            for i, tab in enumerate(parent.tabs(a["labels"])):
                containers[path + (i,)] = tab
        elif kind == "container":
            containers[path] = parent.container(border=a["border"])
        elif kind == "expander":
            containers[path] = parent.expander(a["label"], expanded=a["expanded"])
        else:
            value = draw(parent, kind, a)
            if a.get("key") == shape["key"] and value in shape["variants"]:
                # The filter: draw the rest of the page as recorded for the value chosen.
                records = shape["variants"][value]
                index = next(i for i, r in enumerate(records) if r[2].get("key") == shape["key"])
        index += 1


def page(url_path):
    def run():
        render(url_path)
    run.__name__ = "page_" + url_path.replace("-", "_")
    return run


PAGES = {{url_path: st.Page(page(url_path), title=title, url_path=url_path, default=default)
         for title, url_path, default in {pages!r}}}
DEFAULT_PAGE = next(PAGES[url_path] for _, url_path, default in {pages!r} if default)
st.navigation(list(PAGES.values()), position="hidden").run()
'''


def write_bare_app(folder: Path, shapes: dict[str, PageShape]) -> Path:
    """The bare app and its record in `folder`; returns the app's path."""
    folder.mkdir(parents=True, exist_ok=True)
    # Plain tuples and dicts, so the bare app unpickles them without importing this package.
    plain = {page: {"key": shape.key, "cycle": shape.cycle,
                    "variants": {label: [(r.path, r.kind, r.args) for r in records]
                                 for label, records in shape.variants.items()}}
             for page, shape in shapes.items()}
    (folder / "shapes.pkl").write_bytes(pickle.dumps(plain))
    pages = [(e.title, e.url_path, e.default) for e in PAGES]
    script = folder / "bare_app.py"
    script.write_text(BARE_APP.format(favicon=str(settings.PROJECT_ROOT / ".streamlit" / "favicon.png"),
                                      pages=pages))
    return script


# --- the browser -------------------------------------------------------------------------------------

# Counts the script runs the server has finished for this tab: ForwardMsgs with top-level field 6
# (`script_finished`, a varint) on the app's websocket, read from the frames as they arrive. Streamlit's
# own `data-test-script-state` attribute is no count: a rerun of ~10 ms never shows "running" in the DOM.
SCRIPT_FINISHED_FIELD = ForwardMsg.SCRIPT_FINISHED_FIELD_NUMBER
COUNTERS = """() => {
  window.__finished = 0; window.__pressedAt = null; window.__doneAt = null;
  const topLevelVarints = (bytes) => {
    const found = {}; let i = 0;
    const varint = () => { let v = 0, s = 0, b; do { b = bytes[i++]; v += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80); return v; };
    while (i < bytes.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) found[field] = varint();
      else if (wire === 2) { const length = varint(); i += length; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else break;
    }
    return found;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (event.data instanceof ArrayBuffer && %d in topLevelVarints(new Uint8Array(event.data))) window.__finished++;
      });
    }
  };
  document.addEventListener('pointerdown', () => { window.__pressedAt = performance.now(); }, true);
}""" % SCRIPT_FINISHED_FIELD
# The run the change started has finished, nothing is left from an earlier run (stale or skeleton), and every
# chart and map has drawn.
DRAWN = """(finishedBefore) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const done = window.__finished > finishedBefore && app?.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')
    && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(c => c.querySelector('svg, canvas'))
    && [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')].every(m => m.querySelector('canvas'));
  if (done && window.__doneAt === null) window.__doneAt = performance.now();
  return done;
}"""


def _open(browser, url: str):
    tab = browser.new_page(viewport=VIEWPORT)
    tab.add_init_script(f"({COUNTERS})()")
    tab.goto(url)
    tab.wait_for_function(DRAWN, arg=0, polling=POLL_MS, timeout=TIMEOUT_MS)
    return tab


def _change(tab, shape: PageShape, label: str) -> float:
    """Change the filter to `label` as a person would; the round trip in seconds."""
    finished = tab.evaluate("() => { window.__doneAt = null; return window.__finished; }")
    widget = tab.locator(f".st-key-{shape.key}")
    if shape.widget in ("pills", "segmented_control", "radio"):  # react-aria radio groups in Streamlit 1.67
        widget.get_by_role("radio", name=label, exact=True).click()
    else:  # a selectbox is a combobox: type to find the option (long lists are virtualised), pick it
        widget.get_by_role("combobox").fill(label)
        tab.get_by_role("option", name=label, exact=True).click()
    tab.wait_for_function(DRAWN, arg=finished, polling=POLL_MS, timeout=TIMEOUT_MS)
    return tab.evaluate("() => window.__doneAt - window.__pressedAt") / 1000


def _exceptions(tab) -> int:
    return tab.locator('[data-testid="stException"]').count()


@dataclass
class PageTiming:
    shape: PageShape
    page_times: list[float]
    bare_times: list[float]
    errors: int


def measure(browser, app_base: str, bare_base: str, shape: PageShape, changes: int) -> PageTiming:
    """Warm pass over the cycle, then `changes` timed changes, the app's tab and the bare tab in turn."""
    path = "" if next(e for e in PAGES if e.url_path == shape.page).default else shape.page
    app_tab, bare_tab = _open(browser, f"{app_base}/{path}"), _open(browser, f"{bare_base}/{path}")
    page_times, bare_times = [], []
    try:
        for step in range(len(shape.cycle) + changes):
            label = shape.cycle[(step + 1) % len(shape.cycle)]
            for tab, times in ((app_tab, page_times), (bare_tab, bare_times)):
                took = _change(tab, shape, label)
                if step >= len(shape.cycle):
                    times.append(took)
        errors = _exceptions(app_tab) + _exceptions(bare_tab)
    finally:
        # What each tab showed last (or when it failed), to look at: artifacts/bench/<page>-app|bare.png
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for tab, name in ((app_tab, "app"), (bare_tab, "bare")):
            tab.screenshot(path=str(SCREENSHOTS / f"{shape.page}-{name}.png"))
            tab.close()
    return PageTiming(shape, page_times, bare_times, errors)


def timing_line(timing: PageTiming) -> str:
    page50, page95 = percentile(timing.page_times, .5) * 1000, percentile(timing.page_times, .95) * 1000
    bare50, bare95 = percentile(timing.bare_times, .5) * 1000, percentile(timing.bare_times, .95) * 1000
    counts = timing.shape.counts()
    shape = ", ".join(f"{counts[k]} {k}" for k in ("metric", "vega_lite_chart", "dataframe", "expander", "pydeck_chart")
                      if counts[k])
    return (f"  {timing.shape.page:<16} {timing.shape.key:<17} {len(timing.page_times):>3} {page50:>7.0f} {page95:>7.0f} "
            f"{bare50:>7.0f} {bare95:>7.0f} {page50 / bare50:>6.2f} {page95 / bare95:>6.2f} {timing.errors:>6}   {shape}")


HEADER = (f"  {'page':<16} {'filter':<17} {'n':>3} {'p50 ms':>7} {'p95 ms':>7} {'bare50':>7} {'bare95':>7} "
          f"{'x p50':>6} {'x p95':>6} {'errors':>6}   shape (main and sidebar)")


def measure_pages(db_path: Path, la: str, changes: int = DEFAULT_CHANGES,
                  pages: list[str] | None = None) -> tuple[list[PageTiming], list[str], list[str]]:
    """Every public page's filter (or `pages`' only) timed against its bare page: (the timings; a line for each page
    without the filter to change, e.g. the map of an LA with no deprivation files; a line for each page that failed
    while measured)."""
    from playwright.sync_api import sync_playwright

    public = {e.url_path for e in pages_for(officer=False)}
    filters = [f for f in FILTERS if f.page in public and (not pages or f.page in pages)]
    shapes, unmeasured, failures, timings = {}, [], [], []
    for page_filter in filters:
        try:
            shapes[page_filter.page] = record_page(db_path, la, page_filter)
        except (LookupError, RuntimeError) as error:
            unmeasured.append(f"  /{page_filter.page}: not measured: {error}")
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as scratch:
        bare_app = write_bare_app(Path(scratch), shapes)
        with bench_server.serve(db_path, la) as app_server, bench_server.serve(db_path, la, script=bare_app) as bare, \
                sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for shape in shapes.values():
                try:
                    timings.append(measure(browser, app_server.base, bare.base, shape, changes))
                except Exception as error:  # noqa: BLE001 - one page failing is reported, the others still run
                    failures.append(f"  /{shape.page}: failed: {type(error).__name__}: {str(error)[:300]}")
            browser.close()
    return timings, unmeasured, failures


def run(db_path: Path | None = None, la: str | None = None, changes: int = DEFAULT_CHANGES,
        pages: list[str] | None = None) -> list[str]:
    configured = settings.load()
    db_path = db_path or configured.db_path
    la = la or configured.la_code
    lines = [f"browser: filter change until every chart has drawn, Chromium headless, database {db_path}, LA {la}; "
             f"{changes} timed changes a page after a warm pass; {os.cpu_count()} CPUs, load average "
             f"{os.getloadavg()[0]:.2f} at start", HEADER]
    timings, unmeasured, failures = measure_pages(db_path, la, changes, pages)
    for timing in timings:
        lines.append(timing_line(timing))
        if timing.shape.unknown:
            lines.append(f"      drawn as text in the bare page: {dict(timing.shape.unknown)}")
    lines.extend(failures + unmeasured)
    lines.append(f"  load average {os.getloadavg()[0]:.2f} at end")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="database file (default: DASHBOARD_DB or data/rutland.duckdb)")
    parser.add_argument("--la", help="LA code (default: DASHBOARD_LA or 857)")
    parser.add_argument("--changes", type=int, default=DEFAULT_CHANGES, help="timed changes a page (>= 20)")
    parser.add_argument("--pages", nargs="+", help="URL paths to measure (default: every public page)")
    args = parser.parse_args(argv)
    for line in run(args.db, args.la, args.changes, args.pages):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
