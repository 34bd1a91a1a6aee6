"""UI helpers shared by every page: cached queries on the current database file, and the chart
block (chart + alt text + data table + CSV + source) that every chart goes through.

The cache rule. Streamlit's caches are shared by every session of the server, whoever is signed
in. So nothing unvalidated or officer-only may enter a cache entry a public session can read:
- Data only officers may see comes from query functions marked `@access.officer_only`, and only
  through `officer_query`. It checks that this session is an officer's *before* looking in its
  cache, and its cache is a function of its own (`_run_officer`, a distinct name: Streamlit keys a
  cache by the cached function's name and code), which nothing else calls.
- `query` (the public cache: `_run`, with `_remembered` in front of it) refuses an officer-only function outright.
- Caches keyed by the data themselves (`_displayed`) are safe either way: to hit an entry a session must
  already hold the same table. CSV downloads are made from the table the session holds, when clicked.
tests/test_officer_cache.py asserts each of these. Cached results are shared objects (resource caches, no copy
per hit): pages read them and never change them.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import types
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st

from rutland_data import access, settings
from rutland_data.charts import tables
from rutland_data.charts.figures import Figure
from rutland_data.exports import spreadsheet
from rutland_data.ingest import build, local_returns
from rutland_data.queries import la as la_queries
from rutland_data.queries import sources as source_queries
from rutland_data.reference import codes
from rutland_data.store import db, local_db, records
from rutland_data.ui import auth, routing

_LOG = logging.getLogger(__name__)
FIRST_BUILD_MESSAGE = ("No database yet: building the demonstration database. This takes a few seconds, once, "
                       "on a server's first start; everyone who arrives meanwhile waits for the same build.")


@st.cache_resource(show_spinner=False, max_entries=2)
def _open(db_path: str, identity: tuple[int, int, int]) -> db.Snapshot:
    """One snapshot per database file: a rebuilt file (new identity) gets a new one. Two kept: the current
    file and the one a rebuild just replaced (a query still running on it holds its own cursor)."""
    return db.Snapshot(db_path)


def _database() -> tuple[str, tuple[int, int, int]]:
    """The database file and its identity, checked on every call (one stat) so the next rerun after a rebuild
    uses it."""
    configured = settings.load()
    try:
        return str(configured.db_path), db.file_identity(configured.db_path)
    except FileNotFoundError:
        with st.spinner(FIRST_BUILD_MESSAGE, show_time=True):
            report = build.ensure_database(configured)
        if report is not None:
            _LOG.warning("No database at %s: built the demonstration database, content sha256 %s",
                         configured.db_path, report.digest)
    return str(configured.db_path), db.file_identity(configured.db_path)


def _function_key(function: types.FunctionType) -> str:
    """What a cached result is filed under for the function that made it: its qualified name and a digest of
    its compiled code (SQL strings included), so an edited function never reads an old entry."""
    return _code_key(function.__module__, function.__qualname__, function.__code__)


@functools.lru_cache(maxsize=4096)
def _code_key(module: str, qualname: str, code: types.CodeType) -> str:
    """Worked out once per code object (an edited function has a new one), not on every cache lookup."""
    return f"{module}.{qualname}:{hashlib.sha256(marshal.dumps(code)).hexdigest()}"


_BY_FUNCTION = {types.FunctionType: _function_key}


def _call(function, db_path: str, identity: tuple[int, int, int], args: tuple):
    cursor = _open(db_path, identity).cursor()
    try:
        result = function(cursor, *args)
    finally:
        cursor.close()
    if isinstance(result, Figure):
        result.shown_table  # worked out once here and cached with the figure, not on every rerun that draws it
    return result


@st.cache_resource(show_spinner=False, max_entries=2000, hash_funcs=_BY_FUNCTION)
def _run(function, db_path: str, identity: tuple[int, int, int], args: tuple):
    """The public cache: every session reads it (see the cache rule above)."""
    return _call(function, db_path, identity, args)


@st.cache_resource(show_spinner=False, max_entries=500, hash_funcs=_BY_FUNCTION)
def _run_officer(function, db_path: str, identity: tuple[int, int, int], args: tuple):
    """The officers' cache: only `officer_query` calls it, for an officer (see the cache rule above)."""
    return _call(function, db_path, identity, args)


@functools.lru_cache(maxsize=2000)
def _remembered(function, db_path: str, identity: tuple[int, int, int], args: tuple):
    """`_run`'s answer kept under plain hashable arguments. A hit on Streamlit's cache works out a digest of every
    argument (about 0.5 ms); a page asks for 10-60 figures a rerun, each a hit after the first visit. A miss goes
    to `_run`, so concurrent first visitors still wait for one computation. Public, like `_run`."""
    return _run(function, db_path, identity, args)


def query(function, *args):
    """Run a query, view or figure function with a cursor of its own, cached by function and database file.

    The result is the cached object itself, shared by every session: callers read it and never change it
    (pandas' copy-on-write keeps a frame derived from it from writing back)."""
    if access.is_officer_only(function):
        raise TypeError(f"{function.__module__}.{function.__name__} is officer-only: use officer_query, "
                        "whose cache no public session reads")
    located = (function, *_database(), args)
    try:
        hash(located)
    except TypeError:  # a list or frame among the arguments: only Streamlit's hashing can key it
        return _run(*located)
    return _remembered(*located)


def officer_query(function, *args):
    """`query` for a function marked `@access.officer_only`, for an officer only, in the officers' own cache.

    Officer pages are gated before they run, so a non-officer reaching this is a fault: it raises
    rather than return anything."""
    if not access.is_officer_only(function):
        raise TypeError(f"{function.__module__}.{function.__name__} is not marked officer-only: use query")
    if not auth.is_officer():
        raise PermissionError(f"{function.__name__}: officer-only data asked for by a session that is not an officer's")
    return _run_officer(function, *_database(), args)


def records_query(function, *args):
    """A read of the records database (the plan, meetings, commentary: public on the pages that show them), kept
    until the file changes. A rerun that only reads then neither opens the file, takes its lock nor applies its
    schema (about 50 ms); any write changes the file's identity, so the next rerun reads afresh."""
    path = settings.load().records_db_path
    located = (function, str(path), records.identity(path), args)
    try:
        hash(located)
    except TypeError:  # unhashable arguments: only Streamlit's hashing can key them
        return _records_read(*located)
    return _records_remembered(*located)


@functools.lru_cache(maxsize=200)
def _records_remembered(function, path: str, identity: tuple | None, args: tuple):
    """`_records_read`'s answer under plain hashable arguments, as `_remembered` is for `_run`."""
    return _records_read(function, path, identity, args)


@st.cache_resource(show_spinner=False, max_entries=200, hash_funcs=_BY_FUNCTION)
def _records_read(function, path: str, identity: tuple | None, args: tuple):
    with records.session(Path(path)) as con:
        return function(con, *args)


def local_returns_file() -> tuple[str, tuple[int, int, int] | None]:
    """The officers' database and its identity: the first arguments of every local-returns query, so a new
    upload is a new cache key (in the officers' cache)."""
    path = settings.load().local_db_path
    return str(path), local_db.identity(path)


def load_local_return(file_name: str, data: bytes) -> local_returns.Loaded:
    """An officer's upload, checked against the main database on screen and stored in the officers' database;
    `local_returns.Refused` (nothing stored) lists every problem. Officers only, like `officer_query`."""
    if not auth.is_officer():
        raise PermissionError("a local return uploaded by a session that is not an officer's")
    configured = settings.load()
    cursor = _open(*_database()).cursor()
    try:
        claims = auth.signed_in_claims() or {}
        by = str(claims.get("email") or claims.get("name") or "signed-in officer")
        return local_returns.load_bytes(cursor, file_name, data, by, configured.la_code, configured.local_db_path)
    finally:
        cursor.close()


def la_code() -> str:
    """The configured LA; every page starts with this or `page_header`, which route the run through app.py."""
    routing.through_app()
    return settings.load().la_code


def data_version() -> str:
    """Which build is on screen, for the sidebar: its content checksum (as in board packs) and build time."""
    info = query(source_queries.build_info)
    return (f"Data version `{info.get('content_sha256', 'unknown')[:12]}` built "
            f"{info.get('built_at', 'unknown').replace('T', ' ').replace('+00:00', ' UTC')}")


@dataclass(frozen=True)
class GlobalFilters:
    """The sidebar's choices (bound to the URL by app.py), read the same way by every page."""

    la: str
    la_name: str
    comparator: str          # one of codes.COMPARATORS
    neighbour_set: str       # the statistical-neighbour model the comparator implies
    year_label: str | None   # '2016/17'
    year: int | None         # 2017


def global_filters() -> GlobalFilters:
    la = la_code()
    comparator = st.session_state.get("comparator") or codes.COMPARATORS[0]
    year_label = st.session_state.get("year")
    return GlobalFilters(la=la, la_name=query(la_queries.area_name, la), comparator=comparator,
                         neighbour_set=codes.neighbour_set_for(comparator), year_label=year_label,
                         year=codes.end_year_of(year_label))


def page_header(title: str, intro: str) -> None:
    routing.through_app()
    st.title(title)
    st.markdown(intro)


def officer_page_header(title: str, intro: str) -> None:
    """`page_header` for an officer page, its first call: anyone else gets the sign-in prompt and nothing more.

    The navigation already serves the prompt instead of the page to non-officers; this covers a cold
    server's first visit, which runs the page's file on its own (rutland_data/ui/routing.py)."""
    routing.through_app()
    if not auth.is_officer():
        auth.sign_in_prompt()
        st.stop()
    page_header(title, intro)


def headline_metric(measure, card, label: str) -> None:
    """The metric for a headline card: the arrow's colour follows polarity (a fall in absence is
    green), and the change is also given in words beside it, so colour never carries the meaning.
    No change is 'no change' in a neutral grey with no arrow; across a break there is no delta at all."""
    no_change = card.delta == 0
    st.metric(
        label,
        card.value_text,
        delta=card.delta_text,
        delta_color="off" if no_change else {"higher": "normal", "lower": "inverse"}.get(measure.polarity, "off"),
        delta_arrow="off" if no_change else "auto",
        help=measure.description,
    )


def simulated_banner(source_ids, versions=None) -> None:
    """Say plainly when anything shown is simulated demo data or a provisional figure."""
    shown = query(source_queries.sources, _source_ids(source_ids))
    if shown["is_simulated"].any():
        st.warning(
            "**Demonstration data.** Figures marked *simulated* are invented by the dashboard's demo "
            "generator. Only figures attributed to the council's published review, or loaded from "
            "official files, are real. Load official files with `python -m rutland_data build --from DIR`.",
            icon=":material/science:",
        )
    if versions is not None and "provisional" in set(versions):
        st.info("Some figures shown are **provisional**: they may change when revised data are published.",
                icon=":material/pending:")


def source_line(source_ids) -> str:
    """'Source: file (publisher; loaded date; sha256 ...)' for the figures of one chart."""
    return _source_line(*_database(), _source_ids(source_ids))


def _source_ids(source_ids) -> tuple[int, ...]:
    """The distinct source ids among `source_ids` (missing ones left out), sorted: a hashable cache key."""
    return tuple(sorted({int(i) for i in set(source_ids) if pd.notna(i)}))


@functools.lru_cache(maxsize=500)
def _source_line(db_path: str, identity: tuple[int, int, int], source_ids: tuple[int, ...]) -> str:
    """Kept under its plain arguments (no digest of them on every call, as Streamlit's caches work out)."""
    shown = _remembered(source_queries.sources, db_path, identity, (source_ids,))
    parts = []
    for row in shown.itertuples():
        label = "simulated" if row.is_simulated else row.publisher
        parts.append(f"{row.file_name} ({label}; loaded {row.loaded_at:%d %b %Y}; sha256 {row.sha256[:10]}…)")
    return "Source: " + "; ".join(parts) if parts else "Source: none"


def csv_bytes(table: pd.DataFrame, columns: Columns = None) -> bytes:
    """CSV for download: values left blank where a published marker stands, the marker in its own column."""
    return tables.csv_table(selected(table, columns)).to_csv(index=False).encode("utf-8")


def ods_bytes(table: pd.DataFrame, sheet: str, columns: Columns = None) -> bytes:
    return spreadsheet.ods_bytes({sheet: selected(table, columns)})


def csv_download(label: str, table: pd.DataFrame, file_name: str, key: str, columns: Columns = None) -> None:
    """A CSV download button whose file is made when it is clicked: a rerun neither writes nor hashes the CSV."""
    st.download_button(label, functools.partial(csv_bytes, table, columns), file_name=file_name, mime="text/csv",
                       key=key, icon=":material/download:")


def ods_download(table: pd.DataFrame, stem: str, key: str, sheet: str | None = None, columns: Columns = None) -> None:
    """The same table as an ODS spreadsheet (markers as codes), also made only when its button is clicked."""
    st.download_button("Download ODS spreadsheet", functools.partial(ods_bytes, table, sheet or stem, columns),
                       file_name=f"{stem}.ods", mime=spreadsheet.ODS_MIME, key=key, icon=":material/download:")


# The session-state key of an expander that runs its content only while open (a figure's data, the SQA reasons in
# full) starts with this: True while it is open.
DATA_EXPANDER_PREFIX = "data-"

# From this many rows a table's display form is cached by its content: a cache hit on a 500-row table costs a third to
# a half of formatting its cells again, while for a table of a few rows the hash costs more than the formatting.
CACHED_TABLE_ROWS = 100
# The display form of each table shown, kept by the frame object itself while it lives: a query's result is the same
# shared object on every rerun (the caches above hand out the cached object), so a rerun showing it neither formats
# nor hashes its cells again, and hands Streamlit an Arrow table it need not convert from pandas (about a tenth of a
# table page's server CPU: bench/served.py). An entry goes when its frame is collected.
_SHOWN_BY_FRAME: dict[int, tuple[weakref.ref, tuple, pa.Table]] = {}


# Which of a frame's columns a table shows, in order: a list, or a mapping from each column to its heading.
Columns = Sequence[str] | Mapping[str, str] | None


def selected(frame: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """`frame`'s shown columns, renamed where `columns` maps them (all of them, as they are, for None)."""
    if columns is None:
        return frame
    chosen = frame[list(columns)]
    return chosen.rename(columns=dict(columns)) if isinstance(columns, Mapping) else chosen


def without(frame: pd.DataFrame, *hidden: str) -> list[str]:
    """`frame`'s columns but `hidden`, for `columns=`: a table shown without its source ids, say."""
    return [column for column in frame.columns if column not in hidden]


def relabelled(frame: pd.DataFrame, labels: Mapping[str, str]) -> dict[str, str]:
    """Every column of `frame`, with the headings `labels` gives some of them, for `columns=`."""
    return {column: labels.get(column, column) for column in frame.columns}


def table(frame: pd.DataFrame, decimals: dict[str, int] | None = None, *, columns: Columns = None,
          **options) -> None:
    """`st.dataframe` of `frame` as a reader should see it (`tables.display_table`: no None, nan or NaT), showing
    `columns` (decimals are by the frame's own column names). Pass a query's result itself with `columns`, rather
    than a frame cut from it on every rerun: its display form is then made once (see _SHOWN_BY_FRAME)."""
    shown_table(_display_form(frame, decimals, columns), **options)


def _display_form(frame: pd.DataFrame, decimals: dict[str, int] | None, columns: Columns) -> pa.Table:
    headings = tuple(columns.items()) if isinstance(columns, Mapping) else None if columns is None else tuple(columns)
    shape = (tuple(sorted((decimals or {}).items())), headings)
    kept = _SHOWN_BY_FRAME.get(id(frame))
    if kept is not None and kept[0]() is frame and kept[1] == shape:
        return kept[2]
    # Rounded by the frame's own column names, then renamed.
    chosen = selected(frame, None if columns is None else list(columns))
    shown = _displayed(chosen, decimals) if len(chosen) >= CACHED_TABLE_ROWS else tables.display_table(chosen, decimals)
    if isinstance(columns, Mapping):
        shown = shown.rename(columns=dict(columns))
    form = pa.Table.from_pandas(shown, preserve_index=False)
    _SHOWN_BY_FRAME[id(frame)] = (weakref.ref(frame, functools.partial(_forget_frame, id(frame))), shape, form)
    return form


def _forget_frame(frame_id: int, _collected: weakref.ref) -> None:
    _SHOWN_BY_FRAME.pop(frame_id, None)


@st.cache_data(show_spinner=False, max_entries=500)
def _displayed(frame: pd.DataFrame, decimals: dict[str, int] | None) -> pd.DataFrame:
    """`tables.display_table` for a large table, kept by the table's content, so a rerun does not format each of
    its cells again (a large LA's Schools tables have 500 rows). A session hits an entry only with the same table
    in hand, so this cache is safe for every session (see the cache rule above)."""
    return tables.display_table(frame, decimals)


def shown_table(shown: pd.DataFrame | pa.Table, **options) -> None:
    """`st.dataframe` of a table already as a reader sees it."""
    st.dataframe(shown, **{"hide_index": True, "width": "stretch", **options})


def table_block(frame: pd.DataFrame, *, csv_name: str, key: str, source_ids=None, csv: pd.DataFrame | None = None,
                decimals: dict[str, int] | None = None, download_label: str = "Download CSV (with published codes)",
                columns: Columns = None, csv_columns: Columns = None, **options) -> None:
    """A table as a reader should see it (its `columns`), its CSV and ODS downloads (`csv` with `csv_columns`,
    default the table's shown columns) and, given its sources, where its figures came from: every table a page
    shows that is not behind a chart."""
    table(frame, decimals, columns=columns, **options)
    downloaded, downloaded_columns = (frame, columns) if csv is None else (csv, csv_columns)
    csv_download(download_label, downloaded, csv_name, f"csv-{key}", downloaded_columns)
    ods_download(downloaded, csv_name.removesuffix(".csv"), f"ods-{key}", columns=downloaded_columns)
    if source_ids is not None:
        st.caption(source_line(source_ids))


def described(spec: dict, alt_text: str) -> dict:
    """The spec as one image named by its alt text, its marks hidden from screen readers.

    Vega names the chart's container with the spec's `description`. Left in the accessibility tree, each
    mark is a 'graphics-symbol' too, and one with nothing drawn (a layer whose rows all lack a value, such
    as the interval whiskers of schools with no published interval) has no name: axe's svg-img-alt. The
    values the marks show are in the table behind every chart, so the marks are left out."""
    config = spec.get("config", {})
    return {**spec, "description": alt_text, "config": {**config, "mark": {**config.get("mark", {}), "aria": False}}}


def figure_block(figure: Figure, key: str) -> None:
    """A registry figure: its chart with its alt text, its data as a table, CSV and ODS downloads and where the
    figures came from (rutland_data/charts/figures.py). Altair's schema check is left to the chart builders'
    tests: repeating it on every rerun only costs time. The table's value columns are rounded on screen by the
    dictionary's decimals (`Figure.shown_table`, worked out once per cached figure); the CSV keeps them as
    stored and is made only when its button is clicked.

    The data expander runs its content only while it is open (`on_change="rerun"`; inside a fragment, opening it
    reruns only the fragment): a closed expander's table and download buttons were over a quarter of a Headlines
    rerun's server CPU under load (bench/load.py), for something most visitors never open."""
    st.vega_lite_chart(described(figure.spec, figure.alt_text), width="stretch", key=f"chart-{key}")
    with st.expander(f"Show data: {figure.title}", key=f"{DATA_EXPANDER_PREFIX}{key}", on_change="rerun") as data:
        if data.open:
            st.markdown(f"**Chart description.** {figure.alt_text}")
            shown_table(figure.shown_table)
            csv_download("Download CSV (with published codes)", figure.table, figure.csv_name, f"csv-{key}")
            ods_download(figure.table, figure.csv_name.removesuffix(".csv"), f"ods-{key}", sheet=figure.title)
    st.caption(source_line(figure.source_ids))
