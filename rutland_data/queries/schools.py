"""Named, parameterised queries of school figures; each returns a DataFrame or plain values. Statistics
(intervals, significance, pooling) come from `rutland_data.analysis`; which comparison group a school is
in from `school_types` (stored on the register at ingest).

Intervals: a published interval is stored as published; where a file publishes none, one is computed
here when figures are read (`analysis.intervals.complete_intervals`), from the cohort the file gives
and - for progress scores - the year's national pupil SD, and `ci_method` says how ("computed: Wilson
score 95% interval on 16 of 27 pupils ..."). Computing it before the version rule below means a
computed interval is borrowed from another release exactly as a published one is.

Which version of a school figure is shown (`shown_results`, the one place every school query
reads results through):
- The latest version wins (`versions.PRECEDENCE`: final, revised, unstated, provisional), as for
  every figure in the dashboard - e.g. KS4 2018/19 shows the final figures.
- A version may come without the cohort, interval or progress band that another version of the
  same figure has (the 2018/19 final KS4 rows here are a cut-down without TPUP, P8PUP or
  intervals; the provisional rows have them). The cohort, interval and band are then taken from
  that other version ONLY when it has the same value - the same figure, so the same interval - and
  the interval is labelled "interval from the provisional release". When the other version's value
  differs (Casterton College P8 0.68 final against 0.69 provisional), its interval belongs to a
  different figure: no interval is shown, and the reason says which release had one and its value.

Results follow the school that carries them on: a predecessor's results (GIAS 'Successor' links,
`schools.successor_urn`) are shown under the school open today, labelled with the URN and name
they were published under, so a converted academy keeps its history and the closed URN drops
out of current lists.
"""
from __future__ import annotations

import uuid
from collections import namedtuple

import duckdb
import numpy as np
import pandas as pd

from rutland_data.analysis import intervals, pooling, sqa
from rutland_data.reference import measures as measure_dictionary
from rutland_data.reference import pupil_sds, school_types, versions
from rutland_data.reference.codes import ENGLAND_CODE, PUPIL_GROUP_LABELS, academic_year

NOT_TESTED, NOT_COMPARED = intervals.NOT_TESTED, intervals.NOT_COMPARED

# Each candidate row carries its school's names and status (the register's, read once here) so that the version
# rule below works on the candidates alone.
_CANDIDATES = """
SELECT r.*, COALESCE(p.successor_urn, p.urn) AS school_urn, COALESCE(today.name, p.name) AS school,
       p.name AS published_name, p.successor_urn IS NOT NULL AS from_predecessor, p.replaced_on,
       COALESCE(p.comparison_group, today.comparison_group) AS comparison_group, p.phase, p.la_code,
       COALESCE(today.is_open, p.is_open) AS school_is_open, src.file_name AS source_file
FROM school_results r
JOIN schools p ON p.urn = r.urn
LEFT JOIN schools today ON today.urn = p.successor_urn
JOIN sources src ON src.source_id = r.source_id
WHERE {where}
"""
_FIGURE_KEY = ["urn", "measure_id", "pupil_group", "end_year"]
_SHOWN_RESULTS = """
WITH candidate AS (
    SELECT c.*, {rank} AS version_rank FROM {candidates} c
), shown AS (
    SELECT * FROM candidate
    QUALIFY row_number() OVER (PARTITION BY urn, measure_id, pupil_group, end_year ORDER BY version_rank) = 1
), other AS (
    SELECT s.urn, s.measure_id, s.pupil_group, s.end_year,
           arg_min(struct_pack(version := c.version, cohort_n := c.cohort_n, ci_low := c.ci_low,
                               ci_high := c.ci_high, ci_method := c.ci_method, band := c.published_band),
                   c.version_rank)
               FILTER (WHERE c.value = s.value AND (c.cohort_n IS NOT NULL OR c.ci_low IS NOT NULL
                                                    OR c.published_band IS NOT NULL)) AS same,
           arg_min(struct_pack(version := c.version, value := c.value), c.version_rank)
               FILTER (WHERE c.value IS DISTINCT FROM s.value AND c.ci_low IS NOT NULL) AS differing
    FROM shown s JOIN candidate c USING (urn, measure_id, pupil_group, end_year)
    WHERE c.version <> s.version
    GROUP BY ALL
)
SELECT s.* EXCLUDE (version_rank) REPLACE (
           COALESCE(s.cohort_n, o.same.cohort_n) AS cohort_n,
           CASE WHEN s.ci_low IS NULL THEN o.same.ci_low ELSE s.ci_low END AS ci_low,
           CASE WHEN s.ci_low IS NULL THEN o.same.ci_high ELSE s.ci_high END AS ci_high,
           CASE WHEN s.ci_low IS NULL THEN o.same.ci_method ELSE s.ci_method END AS ci_method,
           COALESCE(s.published_band, o.same.band) AS published_band),
       CASE WHEN s.ci_low IS NULL AND o.same.ci_low IS NOT NULL THEN o.same.version END AS interval_version,
       CASE WHEN s.cohort_n IS NULL AND o.same.cohort_n IS NOT NULL THEN o.same.version END AS cohort_version,
       CASE WHEN s.ci_low IS NULL THEN o.differing.version END AS differing_version,
       CASE WHEN s.ci_low IS NULL THEN o.differing.value END AS differing_value
FROM shown s
LEFT JOIN other o ON o.urn = s.urn AND o.measure_id = s.measure_id AND o.pupil_group = s.pupil_group
                 AND o.end_year = s.end_year
"""
# What the rule's query gives a figure with nothing to borrow, column by column (as DuckDB returns NULLs).
_BORROWED_COLUMNS = {"interval_version": None, "cohort_version": None, "differing_version": None,
                     "differing_value": float("nan")}


def shown_results(con: duckdb.DuckDBPyConnection, where: str, params: dict) -> pd.DataFrame:
    """One row per school figure (URN x measure x pupil group x year) by the rule in the module docstring,
    with intervals completed where none is published.

    `where` filters school_results `r` and the publishing school `p` with named parameters
    (e.g. "p.la_code = $la AND r.measure_id = $measure"); it is written by this module, never from input."""
    candidates = candidate_results(con, where, params)
    if not candidates.duplicated(_FIGURE_KEY).any():
        # One version of each figure: it is the one shown and there is nothing to borrow from, so the rule's
        # query (a second plan, half a large LA's masking time) would return the candidates as they are.
        return candidates.assign(**{column: pd.Series([missing] * len(candidates), index=candidates.index,
                                                      dtype=type(missing) if missing is not None else object)
                                    for column, missing in _BORROWED_COLUMNS.items()})
    return versions_ruled(con, candidates)


def candidate_results(con: duckdb.DuckDBPyConnection, where: str, params: dict) -> pd.DataFrame:
    """Every version of each figure `where` selects, with its school's names and status and its interval
    completed (before the version rule, so a computed interval is borrowed as a published one is)."""
    return intervals.complete_intervals(con.execute(_CANDIDATES.format(where=where), params).df(), _units(),
                                        measure_dictionary.ids("school_context"))


def versions_ruled(con: duckdb.DuckDBPyConnection, candidates: pd.DataFrame) -> pd.DataFrame:
    """The version rule (module docstring) over candidate rows with their intervals completed: one row per figure,
    with what it borrowed from another version of the same figure and why it borrowed nothing."""
    name = f"candidate_results_{uuid.uuid4().hex}"   # a cursor's own name: sessions query side by side
    con.register(name, candidates)
    try:
        return con.execute(_SHOWN_RESULTS.format(rank=versions.rank_sql("c.version"), candidates=name)).df()
    finally:
        con.unregister(name)


def _units() -> dict[str, str]:
    return {m.measure_id: m.unit for m in measure_dictionary.read_dictionary()}


def las_with_schools(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """LAs whose schools have results loaded, with names where known (for the LA choice)."""
    return con.execute(
        """
        SELECT s.la_code, COALESCE(a.name, 'LA ' || s.la_code) AS name, count(DISTINCT s.urn) AS schools
        FROM schools s LEFT JOIN areas a ON a.area_code = s.la_code
        WHERE s.la_code IS NOT NULL AND EXISTS (SELECT 1 FROM school_results r WHERE r.urn = s.urn)
        GROUP BY ALL ORDER BY name
        """
    ).df()


def with_results(con: duckdb.DuckDBPyConnection, la_code: str, measure_ids: list[str]) -> list[str]:
    """Of `measure_ids`, those this LA's schools have a figure for, in the order given."""
    found = {r[0] for r in con.execute(
        "SELECT DISTINCT r.measure_id FROM school_results r JOIN schools s USING (urn) "
        "WHERE s.la_code = ? AND r.value IS NOT NULL AND list_contains(?, r.measure_id)", [la_code, measure_ids]
    ).fetchall()}
    return [m for m in measure_ids if m in found]


def result_years(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str) -> list[int]:
    rows = con.execute(
        """
        SELECT DISTINCT r.end_year FROM school_results r JOIN schools s USING (urn)
        WHERE s.la_code = ? AND r.measure_id = ? ORDER BY 1
        """,
        [la_code, measure_id],
    ).fetchall()
    return [r[0] for r in rows]


def pupil_groups(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str) -> list[str]:
    rows = con.execute(
        """
        SELECT DISTINCT r.pupil_group FROM school_results r JOIN schools s USING (urn)
        WHERE s.la_code = ? AND r.measure_id = ? AND r.pupil_group <> 'all'
        """,
        [la_code, measure_id],
    ).fetchall()
    return sorted((r[0] for r in rows), key=lambda g: list(PUPIL_GROUP_LABELS).index(g)
                  if g in PUPIL_GROUP_LABELS else 99)


def comparators(con: duckdb.DuckDBPyConnection, area_codes: tuple[str, ...], measure_id: str, end_year: int,
                pupil_group: str = "all", school_phase: str = "all") -> dict[str, tuple[float, int, str | None]]:
    """area -> (value, source_id, version) for LAs / England on a school measure: the latest version
    (versions.PRECEDENCE) of the school files' own LA and national rows (same definition and pupil groups)
    and the LA-level results table, the school files' rows first among equals. The LA-level table holds
    all-pupil, all-phase figures only, so it is no comparator for one pupil group or one school phase (a
    primary school's absence is compared with England's primary schools, not with all schools)."""
    marks = ", ".join("?" * len(area_codes))
    rows = con.execute(
        f"""
        SELECT area_code, value, source_id, version FROM (
            SELECT area_code, value, source_id, version, 1 AS preference, {versions.rank_sql()} AS version_rank
            FROM school_benchmarks
            WHERE area_code IN ({marks}) AND measure_id = ? AND end_year = ? AND pupil_group = ?
              AND school_phase = ? AND value IS NOT NULL
            UNION ALL
            SELECT area_code, value, source_id, version, 2, {versions.rank_sql()} FROM la_results
            WHERE area_code IN ({marks}) AND measure_id = ? AND end_year = ? AND value IS NOT NULL
              AND ? = 'all' AND ? = 'all'
        )
        QUALIFY row_number() OVER (PARTITION BY area_code ORDER BY version_rank, preference) = 1
        """,
        [*area_codes, measure_id, end_year, pupil_group, school_phase, *area_codes, measure_id, end_year, pupil_group,
         school_phase],
    ).fetchall()
    return {area: (value, source, version) for area, value, source, version in rows}


def benchmark(con: duckdb.DuckDBPyConnection, area_code: str, measure_id: str, end_year: int,
              pupil_group: str = "all", school_phase: str = "all") -> tuple[float | None, int | None]:
    """(value, source_id) for one LA or England; (None, None) when nothing is loaded."""
    found = comparators(con, (area_code,), measure_id, end_year, pupil_group, school_phase).get(area_code)
    return (found[0], found[1]) if found else (None, None)


def masking(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int,
            pupil_group: str = "all") -> pd.DataFrame:
    """Every school of the LA with the measure in the year: value or code, cohort, 95% interval and how it
    was obtained, its comparison group, the national and LA values, and a significance label in words.

    Only state-funded mainstream schools (`compared`) are judged against the state-funded national figure
    (`reference`: 0 for a progress score); the others keep their figures but read NOT_COMPARED. `urn` is the school today (a predecessor's
    figure is listed under its successor), `published_urn` the URN the figure was published under."""
    frame = shown_results(con, "p.la_code = $la AND r.measure_id = $measure AND r.end_year = $year "
                               "AND r.pupil_group = $group",
                          {"la": la_code, "measure": measure_id, "year": end_year, "group": pupil_group})
    frame = frame.rename(columns={"urn": "published_urn"}).rename(columns={"school_urn": "urn"})
    frame = frame.sort_values(["value", "school"], ascending=[False, True], na_position="last").reset_index(drop=True)
    found = comparators(con, (ENGLAND_CODE, la_code), measure_id, end_year, pupil_group)
    national, national_source, national_version = found.get(ENGLAND_CODE, (None, None, None))
    la_value, la_source, la_version = found.get(la_code, (None, None, None))
    frame["national"], frame["national_source_id"], frame["national_version"] = national, national_source, \
        national_version
    frame["la_value"], frame["la_source_id"], frame["la_version"] = la_value, la_source, la_version
    frame["compared"] = frame["comparison_group"] == school_types.COMPARED
    frame["group"] = [school_types.heading(g) for g in frame["comparison_group"].tolist()]
    measure = measure_dictionary.by_id()[measure_id]
    reference = measure.judged_against(national, pupil_group)   # 0 for a progress score (the dictionary says)
    frame["significance"] = np.where(
        frame["compared"].to_numpy(dtype=bool),
        intervals.significance_labels(_numbers(frame["value"]), _numbers(frame["ci_low"]), _numbers(frame["ci_high"]),
                                      _numbers(frame["published_band"]), np.nan if reference is None else reference),
        NOT_COMPARED).tolist()
    # 'below national' is below what significance is judged against: 0 for a progress score, DfE's national
    # average by construction (a school at 0 is not below a state-funded figure of 0.03), else the national value
    frame["reference"] = np.nan if reference is None else float(reference)
    frame["below_national"] = frame["compared"] & frame["value"].notna() & (reference is not None) \
        & (frame["value"] < (reference or 0))
    frame["interval_from"] = [interval_words(r, measure_id, measure.unit)
                              for r in _records(frame, _INTERVAL_WORDS_COLUMNS)]
    frame["published_as"] = published_as_column(frame)
    frame["profile"] = "school?urn=" + frame["urn"].astype(str)
    return frame


def _numbers(column: pd.Series) -> np.ndarray:
    """A numeric column as floats, NaN where missing (nullable integer columns included)."""
    return column.to_numpy(dtype=float, na_value=np.nan)


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list:
    """The rows of `frame` as named tuples of plain Python values, for per-row wording: `itertuples` over
    Arrow-backed columns costs far more than the wording itself on a large LA's 500 schools."""
    record = namedtuple("Record", columns)
    return [record(*values) for values in zip(*(frame[c].tolist() for c in columns))]


_INTERVAL_WORDS_COLUMNS = ("value", "published_band", "ci_method", "interval_version", "differing_version",
                           "differing_value", "end_year", "year_label", "cohort_n")


def _significance(value, low, high, band, national) -> str:
    return intervals.significance(value, low, high, band, national) or NOT_TESTED


def interval_words(row, measure_id: str, unit: str) -> str:
    """Where the interval shown comes from, or why there is none, in words for the table and tooltip."""
    if pd.isna(row.value):
        return "no figure: a published code stands instead"
    if measure_id.endswith("_band") and intervals.band_significance(row.published_band):
        band = int(row.published_band)  # a measure that is DfE's band itself (ks4_p8_band): nothing to interval
        return f"DfE's published progress band {band} ({intervals.PROGRESS_BANDS[band]}); a band has no interval"
    if isinstance(row.ci_method, str):
        method = "published by DfE" if row.ci_method == "published" else row.ci_method
        if isinstance(row.interval_version, str):
            method = f"interval from the {row.interval_version} release (same value there); {method}"
        return method + _band_decides(row.published_band)
    if isinstance(row.differing_version, str):
        why = (f"no interval: the {row.differing_version} release has one, but for {row.differing_value:g}, "
               f"not {row.value:g}, so it does not apply to this figure")
    elif unit == "score" and measure_id not in pupil_sds.NATIONAL_PUPIL_SD:
        why = "no interval: DfE publishes no pupil-level SD for this measure, so none can be computed"
    elif unit == "score" and pupil_sds.national_pupil_sd(measure_id, int(row.end_year)) is None:
        why = f"no interval published, and no national pupil SD for {row.year_label} to compute one"
    elif pd.isna(row.cohort_n):
        why = "no interval: the file publishes none and gives no cohort size to compute one"
    else:
        why = "no interval published, and the pupils in the measure are not published to compute one"
    return why + _band_decides(row.published_band)


def _band_decides(band) -> str:
    """The words saying a published progress band, not the interval, settles the school's significance."""
    if not intervals.band_significance(band):
        return ""
    return f"; significance from DfE's published progress band {int(band)} ({intervals.PROGRESS_BANDS[int(band)]})"


def published_as(row) -> str:
    """'' for a school's own figure; for a predecessor's, the URN and name it was published under."""
    if not row.from_predecessor:
        return ""
    when = f", replaced on {pd.Timestamp(row.replaced_on):%d %B %Y}" if pd.notna(row.replaced_on) else ""
    return f"published under the predecessor school {row.published_name} (URN {row.published_urn}{when})"


def published_as_column(frame: pd.DataFrame) -> list[str]:
    """`published_as` for every row of a frame of results (from_predecessor, published_name, published_urn,
    replaced_on): worded only for the few rows a predecessor published."""
    words = [""] * len(frame)
    predecessors = np.flatnonzero(frame["from_predecessor"].to_numpy(dtype=bool))
    if len(predecessors):
        shown = frame.iloc[predecessors]
        for position, row in zip(predecessors, _records(shown, ("from_predecessor", "published_name", "published_urn",
                                                                "replaced_on"))):
            words[position] = published_as(row)
    return words


def group_gaps(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int,
               comparator: str = "same_group") -> pd.DataFrame:
    """Each state-funded mainstream school's pupil-group figures with the gap to national (same group,
    or the other group as ASP), and its significance against that same comparator: a disadvantaged group's
    interval against non-disadvantaged pupils nationally when that is the gap shown, never against another."""
    groups = pupil_groups(con, la_code, measure_id)
    national = {g: benchmark(con, ENGLAND_CODE, measure_id, end_year, g)[0] for g in [*groups, "all"]}
    frames = []
    for group in groups:
        frame = masking(con, la_code, measure_id, end_year, group)
        frame = frame[frame["compared"]]
        if frame.empty:
            continue
        gaps = [pooling.gap_to_national(None if pd.isna(v) else float(v), group, national, comparator)
                for v in frame["value"]]
        comparator_values = [g.comparator_value for g in gaps]
        frame = frame.assign(pupil_group=PUPIL_GROUP_LABELS.get(group, group),
                             compared_with=[g.comparator_label for g in gaps],
                             comparator_value=comparator_values, gap=[g.gap for g in gaps],
                             significance=intervals.significance_labels(
                                 _numbers(frame["value"]), _numbers(frame["ci_low"]), _numbers(frame["ci_high"]),
                                 _numbers(frame["published_band"]),
                                 np.array([np.nan if v is None else v for v in comparator_values], dtype=float)))
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)[
        ["urn", "school", "pupil_group", "year_label", "cohort_n", "value", "value_code", "compared_with",
         "comparator_value", "gap", "significance", "published_as", "source_id", "source_row", "profile"]]


def pooled_groups(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int,
                  unit: str, years: int = 3) -> pd.DataFrame:
    """Each state-funded mainstream school x pupil group pooled over the latest `years` years with results
    (up to end_year), from numerators and denominators; a predecessor's years count as its successor's.
    The numerator is rebuilt from the published percentage and cohort (round(pct x n / 100), exact for
    cohorts up to 100); a year with a code withholds the pooled value; pooled pupils 1-5 (the
    configured threshold) are suppressed by pooling.pool_years."""
    available = [y for y in result_years(con, la_code, measure_id) if y <= end_year][-years:]
    if len(available) < years:
        return pd.DataFrame()
    rows = shown_results(con, "p.la_code = $la AND r.measure_id = $measure AND list_contains($years, r.end_year)",
                         {"la": la_code, "measure": measure_id, "years": available})
    rows = _one_per_school_year(rows[rows["comparison_group"] == school_types.COMPARED], ["pupil_group"])
    by_school_group: dict[tuple, dict[int, tuple]] = {}  # (school, name, group) -> year -> its one figure
    for urn, school_name, group, year, n, value, code in zip(
            *(rows[c].tolist() for c in ("school_urn", "school", "pupil_group", "end_year", "cohort_n", "value",
                                         "value_code"))):
        by_school_group.setdefault((urn, school_name, group), {}).setdefault(year, (n, value, code))
    out = []
    for (urn, school_name, group), by_year in sorted(by_school_group.items(), key=lambda item: item[0]):
        components = []
        for year in available:
            if year not in by_year:
                components.append(pooling.YearCount(year, None, None, "not published"))
                continue
            n, value, code = by_year[year]
            n = None if pd.isna(n) else int(n)
            value = None if pd.isna(value) else float(value)
            code = code if isinstance(code, str) else None
            if unit == "%":
                numerator = None if value is None or n is None else round(value * n / 100)
            else:
                numerator = None if value is None or n is None else value * n
            components.append(pooling.YearCount(year, numerator, n, code))
        pooled = pooling.pool_years(components, scale=100.0 if unit == "%" else 1.0,
                                         expected_years=years, numerator_is_count=unit == "%")
        out.append({"urn": urn, "school": school_name, "pupil_group": PUPIL_GROUP_LABELS.get(group, group),
                    "years": ", ".join(academic_year(y) for y in available),
                    "pupils": pooled.denominator if pooled.value is not None else None,
                    "pooled_value": pooled.value, "code": pooled.code, "why_withheld": pooled.reason})
    frame = pd.DataFrame(out)
    if not frame.empty:
        frame["pupils"] = frame["pupils"].astype("Int64")
    return frame


def _one_per_school_year(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Where a school and its predecessor both published a figure for the same year, keep the school's own."""
    return (frame.sort_values("from_predecessor")
            .drop_duplicates(["school_urn", "measure_id", "end_year", *keys], keep="first"))


def school_options(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """Open schools of the LA with results of their own or of a predecessor (closed URNs drop out)."""
    return con.execute(
        """
        SELECT s.urn, s.name, s.phase, s.comparison_group FROM schools s
        WHERE s.la_code = ? AND s.is_open AND s.urn IN (
            SELECT DISTINCT COALESCE(p.successor_urn, p.urn) FROM school_results r JOIN schools p USING (urn))
        ORDER BY s.name
        """,
        [la_code],
    ).df()


def school(con: duckdb.DuckDBPyConnection, urn: str) -> dict | None:
    frame = con.execute("SELECT s.*, a.name AS la_name FROM schools s LEFT JOIN areas a ON a.area_code = s.la_code "
                        "WHERE s.urn = ?", [urn]).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def school_links(con: duckdb.DuckDBPyConnection, urn: str) -> pd.DataFrame:
    return con.execute(
        """
        SELECT l.link_type, l.linked_urn, COALESCE(s.name, l.linked_name) AS linked_name, l.link_date
        FROM school_links l LEFT JOIN schools s ON s.urn = l.linked_urn
        WHERE l.urn = ? ORDER BY l.link_date
        """,
        [urn],
    ).df()


def profile_results(con: duckdb.DuckDBPyConnection, urn: str) -> pd.DataFrame:
    """All of one school's all-pupil results over time, its predecessors' included (labelled), with national
    and LA values beside each."""
    info = school(con, urn)
    if info is None:
        return pd.DataFrame()
    phase = school_types.benchmark_phase(info.get("phase"), info.get("comparison_group"))
    frame = shown_results(con, "COALESCE(p.successor_urn, p.urn) = $urn AND r.pupil_group = 'all'", {"urn": urn})
    frame = _one_per_school_year(frame, [])
    dictionary = measure_dictionary.by_id()
    frame = frame[frame["measure_id"].isin(dictionary)].rename(columns={"urn": "published_urn"})
    for column, attribute in (("measure", "name"), ("unit", "unit"), ("decimals", "decimals"),
                              ("polarity", "polarity"), ("sort_order", "sort_order")):
        frame[column] = [getattr(dictionary[m], attribute) for m in frame["measure_id"]]
    frame = frame.sort_values(["sort_order", "end_year"]).reset_index(drop=True)
    nationals, las = [], []
    for measure_id, year in zip(frame["measure_id"], frame["end_year"]):
        context_phase = phase if "same_phase" in dictionary[measure_id].comparators else "all"
        nationals.append(benchmark(con, ENGLAND_CODE, measure_id, int(year), "all", context_phase)[0])
        las.append(benchmark(con, info["la_code"], measure_id, int(year), "all", context_phase)[0]
                   if info.get("la_code") else None)
    frame["national"], frame["la_value"] = nationals, las
    compared = info.get("comparison_group") == school_types.COMPARED
    frame["significance"] = [
        NOT_TESTED if dictionary[m].appears("school_context") else
        _significance(v, lo, hi, band, dictionary[m].judged_against(n)) if compared else NOT_COMPARED
        for m, v, lo, hi, band, n in zip(frame["measure_id"], frame["value"], frame["ci_low"], frame["ci_high"],
                                         frame["published_band"], frame["national"])
    ]
    frame["interval_from"] = [interval_words(r, r.measure_id, r.unit) for r in frame.itertuples()]
    frame["published_as"] = published_as_column(frame)
    return frame


def sqa_results(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The SQA rules' input (sqa.RESULT_COLUMNS and its optional evidence columns): all-pupil results of the
    schools the LA is responsible for today - open and state-funded - with their predecessors' results
    under them, and the national value for each (absence: the national value for the school's phase)."""
    dictionary = measure_dictionary.by_id()
    frame = shown_results(con, "p.la_code = $la AND r.pupil_group = 'all' AND list_contains($measures, r.measure_id)",
                          {"la": la_code, "measures": [*measure_dictionary.ids("sqa"), *measure_dictionary.ids("sqa_absence")]})
    frame = frame[frame["school_is_open"].astype(bool) & frame["comparison_group"].isin(school_types.STATE_FUNDED)]
    frame = _one_per_school_year(frame, [])
    # DfE's band as a measure (ks4_p8_band: a file that gives only the band) stands in for the score only where
    # the score is not loaded for that school and year; beside the score's own band it would count twice
    scored = set(zip(frame["measure_id"] + "_band", frame["school_urn"], frame["end_year"]))
    frame = frame[np.array([key not in scored for key in zip(frame["measure_id"], frame["school_urn"],
                                                             frame["end_year"])], dtype=bool)]
    national = con.execute(
        f"""
        SELECT measure_id, end_year, school_phase, value AS national_value FROM school_benchmarks
        WHERE area_code = ? AND pupil_group = 'all' AND value IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY measure_id, end_year, school_phase
                                   ORDER BY {versions.rank_sql()}) = 1
        UNION ALL BY NAME
        SELECT measure_id, end_year, 'la_results' AS school_phase, value AS national_value FROM la_results
        WHERE area_code = ? AND value IS NOT NULL
        """,
        [ENGLAND_CODE, ENGLAND_CODE],
    ).df()
    by_key = {(m, int(y), ph): v for m, y, ph, v in national.itertuples(index=False)}
    phases = [school_types.benchmark_phase(phase, group)
              for phase, group in zip(frame["phase"].tolist(), frame["comparison_group"].tolist())]
    keys = list(zip(frame["measure_id"].tolist(), frame["end_year"].tolist(), phases))
    national_by_key = {  # worked out once per measure, year and phase, not per school
        (m, y, ph): by_key.get((m, int(y), ph if "same_phase" in dictionary[m].comparators else "all"),
                               by_key.get((m, int(y), "la_results")))
        for m, y, ph in set(keys)}
    frame["national_value"] = [national_by_key[key] for key in keys]
    frame["polarity"] = [dictionary[m].polarity for m in frame["measure_id"].tolist()]
    frame = frame.rename(columns={"urn": "published_urn"})
    frame["published_as"] = published_as_column(frame)
    return (frame.rename(columns={"school_urn": "urn", "school": "school_name"})
            [[*sqa.RESULT_COLUMNS, *sqa.EVIDENCE_COLUMNS]].reset_index(drop=True))


def responsible_schools(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The open state-funded schools of the LA (urn, school_name, comparison_group): the SQA list covers every
    one, with or without results."""
    return con.execute("SELECT urn, name AS school_name, comparison_group FROM schools "
                       "WHERE la_code = ? AND is_open AND list_contains(?, comparison_group) ORDER BY name",
                       [la_code, list(school_types.STATE_FUNDED)]).df()



