"""Named, parameterised queries for the Schools and School profile pages; each returns a DataFrame
or plain values. Statistics (intervals, significance, pooling, suppression) come from
`school_stats`; the SQA rules from `sqa`; which comparison group a school is in from
`school_types` (stored on the register at ingest). No Streamlit here.

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

from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data.reference import measures as measure_dictionary
from rutland_data import settings
from rutland_data.charts import schools as school_charts
from rutland_data.analysis import intervals as school_stats
from rutland_data.reference import school_types
from rutland_data.analysis import sqa
from rutland_data.reference import versions
from rutland_data.ingest.importers.csp_school import PUPIL_GROUP_LABELS
from rutland_data.queries.la import academic_year_label, area_name
from rutland_data.settings import ENGLAND_CODE

# The masking view is organised by key stage; a school appears under every key stage it has results for.
KEY_STAGES = {"Primary (KS2)": "ks2_", "Secondary (KS4)": "ks4_", "16-18 (KS5)": "ks5_"}
KEY_STAGE_NOUN = {"Primary (KS2)": "primary schools", "Secondary (KS4)": "secondary schools",
                  "16-18 (KS5)": "16-18 providers"}
NOT_TESTED, NOT_COMPARED = school_stats.NOT_TESTED, school_stats.NOT_COMPARED

_SHOWN_RESULTS = """
WITH candidate AS (
    SELECT r.*, {rank} AS version_rank
    FROM school_results r JOIN schools p ON p.urn = r.urn
    WHERE {where}
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
       CASE WHEN s.ci_low IS NULL THEN o.differing.value END AS differing_value,
       COALESCE(p.successor_urn, p.urn) AS school_urn, COALESCE(today.name, p.name) AS school,
       p.name AS published_name, p.successor_urn IS NOT NULL AS from_predecessor, p.replaced_on,
       COALESCE(p.comparison_group, today.comparison_group) AS comparison_group, p.phase, p.la_code,
       COALESCE(today.is_open, p.is_open) AS school_is_open, src.file_name AS source_file
FROM shown s
JOIN schools p ON p.urn = s.urn
LEFT JOIN schools today ON today.urn = p.successor_urn
LEFT JOIN other o ON o.urn = s.urn AND o.measure_id = s.measure_id AND o.pupil_group = s.pupil_group
                 AND o.end_year = s.end_year
JOIN sources src ON src.source_id = s.source_id
"""


def shown_results(con: duckdb.DuckDBPyConnection, where: str, params: dict) -> pd.DataFrame:
    """One row per school figure (URN x measure x pupil group x year) by the rule in the module docstring.

    `where` filters school_results `r` and the publishing school `p` with named parameters
    (e.g. "p.la_code = $la AND r.measure_id = $measure"); it is written by this module, never from input."""
    return con.execute(_SHOWN_RESULTS.format(rank=versions.rank_sql("r.version"), where=where), params).df()


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


def key_stage_measures(con: duckdb.DuckDBPyConnection, la_code: str, key_stage: str) -> pd.DataFrame:
    """Measures of the key stage that this LA's schools have results for, in dictionary order."""
    return con.execute(
        """
        SELECT m.measure_id, m.name, m.short_label, m.unit, m.decimals, m.polarity
        FROM measures m
        WHERE m.measure_id LIKE ? || '%' AND EXISTS (
            SELECT 1 FROM school_results r JOIN schools s USING (urn)
            WHERE r.measure_id = m.measure_id AND s.la_code = ? AND r.value IS NOT NULL)
        ORDER BY m.sort_order
        """,
        [KEY_STAGES[key_stage], la_code],
    ).df()


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
    and the LA-level results table, the school files' rows first among equals."""
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
            WHERE area_code IN ({marks}) AND measure_id = ? AND end_year = ? AND value IS NOT NULL AND ? = 'all'
        )
        QUALIFY row_number() OVER (PARTITION BY area_code ORDER BY version_rank, preference) = 1
        """,
        [*area_codes, measure_id, end_year, pupil_group, school_phase, *area_codes, measure_id, end_year, pupil_group],
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

    Only state-funded mainstream schools (`compared`) are judged against the state-funded national figure;
    the others keep their figures but read NOT_COMPARED. `urn` is the school today (a predecessor's
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
    frame["group"] = [school_types.heading(g) for g in frame["comparison_group"]]
    frame["significance"] = [
        _significance(v, lo, hi, band, national) if compared else NOT_COMPARED
        for v, lo, hi, band, compared in zip(frame["value"], frame["ci_low"], frame["ci_high"],
                                              frame["published_band"], frame["compared"])
    ]
    frame["below_national"] = frame["compared"] & frame["value"].notna() & (national is not None) \
        & (frame["value"] < (national or 0))
    unit = measure_dictionary.by_id()[measure_id].unit
    frame["interval_from"] = [interval_words(r, measure_id, unit) for r in frame.itertuples()]
    frame["published_as"] = [published_as(r) for r in frame.itertuples()]
    frame["profile"] = "school?urn=" + frame["urn"].astype(str)
    return frame


def _significance(value, low, high, band, national) -> str:
    if pd.notna(value) and pd.notna(low) and pd.notna(high) and national is not None:
        return school_stats.significance_label(float(value), float(low), float(high), float(national))
    return school_stats.band_significance(band) or NOT_TESTED


def interval_words(row, measure_id: str, unit: str) -> str:
    """Where the interval shown comes from, or why there is none, in words for the table and tooltip."""
    if pd.isna(row.value):
        return "no figure: a published code stands instead"
    if isinstance(row.ci_method, str):
        method = "published by DfE" if row.ci_method == "published" else row.ci_method
        if isinstance(row.interval_version, str):
            return f"interval from the {row.interval_version} release (same value there); {method}"
        return method
    if isinstance(row.differing_version, str):
        why = (f"no interval: the {row.differing_version} release has one, but for {row.differing_value:g}, "
               f"not {row.value:g}, so it does not apply to this figure")
    elif unit == "score" and measure_id not in school_stats.NATIONAL_PUPIL_SD:
        why = "no interval: DfE publishes no pupil-level SD for this measure, so none can be computed"
    elif unit == "score" and school_stats.national_pupil_sd(measure_id, int(row.end_year)) is None:
        why = f"no interval published, and no national pupil SD for {row.year_label} to compute one"
    elif pd.isna(row.cohort_n):
        why = "no interval: the file publishes none and gives no cohort size to compute one"
    else:
        why = "no interval published, and the pupils in the measure are not published to compute one"
    if school_stats.band_significance(row.published_band):
        why += (f"; significance from DfE's published progress band {int(row.published_band)} "
                f"({school_stats.PROGRESS_BANDS[int(row.published_band)]})")
    return why


def published_as(row) -> str:
    """'' for a school's own figure; for a predecessor's, the URN and name it was published under."""
    if not row.from_predecessor:
        return ""
    when = f", replaced on {pd.Timestamp(row.replaced_on):%d %B %Y}" if pd.notna(row.replaced_on) else ""
    return f"published under the predecessor school {row.published_name} (URN {row.published_urn}{when})"


def masking_summary(frame: pd.DataFrame) -> dict[str, int]:
    """Counts behind the headline sentence: state-funded mainstream schools only, as DfE compares them."""
    compared = frame[frame["compared"]]
    shown = compared[compared["value"].notna()]
    others = frame[~frame["compared"] & frame["value"].notna()]
    return {
        "schools": len(compared),
        "with_value": len(shown),
        "below": int(shown["below_national"].sum()),
        "significantly_below": int((shown["significance"] == school_stats.BELOW).sum()),
        "significantly_above": int((shown["significance"] == school_stats.ABOVE).sum()),
        "below_not_tested": int((shown["below_national"] & (shown["significance"] == NOT_TESTED)).sum()),
        "not_compared": len(others),
    }


def headline_sentence(frame: pd.DataFrame, measure: measure_dictionary.Measure, la_name: str,
                      key_stage: str, year_label: str) -> str:
    """'Rutland 67% vs England 61% in 2016/17 - but 7 of 17 state-funded mainstream primary schools ...'."""
    counts = masking_summary(frame)
    la_value = frame["la_value"].iloc[0] if len(frame) else None
    national = frame["national"].iloc[0] if len(frame) else None
    noun = "state-funded mainstream " + KEY_STAGE_NOUN.get(key_stage, "schools")
    if la_value is None or pd.isna(la_value) or national is None or pd.isna(national):
        return f"{counts['with_value']} of {counts['schools']} {noun} have a published figure for {year_label}."
    opening = f"{la_name} {measure.format(la_value)} vs England {measure.format(national)} in {year_label}"
    if not counts["below"]:
        return f"{opening} - none of the {counts['with_value']} {noun} with a figure was below national."
    la_better = (la_value >= national) if measure.polarity != "lower" else (la_value <= national)
    return (f"{opening}{' - but ' if la_better else ' - '}{counts['below']} of {counts['with_value']} {noun} "
            f"with a figure were below national, {significance_clause(counts)}.")


def significance_clause(counts: dict[str, int], basis: str = "") -> str:
    """'4 of them significantly' / 'none of them can be tested for significance (...)' for the schools below
    national: a school without an interval or DfE band is untested, never 'not significantly' below."""
    if counts["below_not_tested"] == counts["below"]:
        return "none of them can be tested for significance (no 95% interval or DfE progress band)"
    significantly = counts["significantly_below"]
    untested = (f"; {counts['below_not_tested']} of them cannot be tested (no 95% interval or DfE progress band)"
                if counts["below_not_tested"] else "")
    return f"{'none' if not significantly else significantly} of them significantly{basis}{untested}"


def not_compared_sentence(frame: pd.DataFrame) -> str | None:
    """The schools left out of the headline sentence, by group: 'Not counted above ...: 2 independent ...'."""
    others = frame[~frame["compared"] & frame["value"].notna()]
    if others.empty:
        return None
    counts = others["comparison_group"].map(school_types.label).value_counts()
    parts = [f"{count} {group} school{'s' if count != 1 else ''}" for group, count in counts.items()]
    return ("Not counted above, and shown apart below (DfE compares only state-funded mainstream schools with "
            f"the state-funded national figure): {', '.join(parts)} with a figure.")


def below_in_subjects(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int,
                      measure_ids: tuple[str, ...]) -> tuple[int, int]:
    """(schools below national in every one of the measures, schools with all of them) - the review's
    'six primary schools were below national in reading and writing'."""
    below_all, with_all = None, None
    for measure_id in measure_ids:
        frame = masking(con, la_code, measure_id, end_year)
        shown = set(frame.loc[frame["value"].notna() & frame["compared"], "urn"])
        below = set(frame.loc[frame["below_national"], "urn"])
        with_all = shown if with_all is None else with_all & shown
        below_all = below if below_all is None else below_all & below
    return len(below_all or set()), len(with_all or set())


def ks2_subject_sentence(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int) -> str | None:
    """The review's sentence, recomputed: schools below national in reading and writing, and in maths."""
    both, total = below_in_subjects(con, la_code, end_year, ("ks2_read_exp", "ks2_writ_exp"))
    maths, maths_total = below_in_subjects(con, la_code, end_year, ("ks2_math_exp",))
    if not total or not maths_total:
        return None
    return (f"{both} of {total} primary schools were below national in both reading and writing, "
            f"and {maths} of {maths_total} in maths.")


def funnel_limits(frame: pd.DataFrame, measure_id: str, unit: str, end_year: int) -> tuple[pd.DataFrame, str]:
    """95% and 99.8% limits around national over the cohort sizes shown, and how they were made."""
    national = frame["national"].iloc[0] if len(frame) else None
    cohorts = frame.loc[frame["compared"] & frame["value"].notna(), "cohort_n"].dropna().astype(int)
    if national is None or pd.isna(national):
        return pd.DataFrame(), "No funnel: no national figure is loaded for this measure and year."
    if cohorts.empty:
        return pd.DataFrame(), ("No funnel: the file gives no cohort sizes for these schools' figures (and no "
                                "other release of the same figures does).")
    sizes = range(max(1, int(cohorts.min()) - 2), int(cohorts.max()) + 3)
    if unit == "%":
        return (school_stats.proportion_funnel_limits(float(national), sizes),
                "State-funded mainstream schools. Exact binomial limits around the national percentage "
                "(Spiegelhalter 2005).")
    sd = school_stats.national_pupil_sd(measure_id, end_year)
    if sd is None:
        return pd.DataFrame(), (f"No funnel: no national pupil standard deviation for this measure in "
                                f"{academic_year_label(end_year)}, so no limits can be drawn.")
    return (school_stats.score_funnel_limits(float(national), sizes, sd),
            f"State-funded mainstream schools. National ± 1.96 and 3.09 × national pupil SD ({sd:g} for "
            f"{academic_year_label(end_year)}) / √n, n = pupils in the measure.")


def group_gaps(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int,
               comparator: str = "same_group") -> pd.DataFrame:
    """Each state-funded mainstream school's pupil-group figures with the gap to national (same group,
    or the other group as ASP)."""
    groups = pupil_groups(con, la_code, measure_id)
    national = {g: benchmark(con, ENGLAND_CODE, measure_id, end_year, g)[0] for g in [*groups, "all"]}
    frames = []
    for group in groups:
        frame = masking(con, la_code, measure_id, end_year, group)
        frame = frame[frame["compared"]]
        if frame.empty:
            continue
        gaps = [school_stats.gap_to_national(None if pd.isna(v) else float(v), group, national, comparator)
                for v in frame["value"]]
        frame = frame.assign(pupil_group=PUPIL_GROUP_LABELS.get(group, group),
                             compared_with=[g.comparator_label for g in gaps],
                             comparator_value=[g.comparator_value for g in gaps], gap=[g.gap for g in gaps])
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
    configured threshold) are suppressed by school_stats.pool_years."""
    available = [y for y in result_years(con, la_code, measure_id) if y <= end_year][-years:]
    if len(available) < years:
        return pd.DataFrame()
    rows = shown_results(con, "p.la_code = $la AND r.measure_id = $measure AND list_contains($years, r.end_year)",
                         {"la": la_code, "measure": measure_id, "years": available})
    rows = _one_per_school_year(rows[rows["comparison_group"] == school_types.COMPARED], ["pupil_group"])
    out = []
    for (urn, school_name, group), part in rows.groupby(["school_urn", "school", "pupil_group"], sort=True):
        components = []
        for year in available:
            found = part[part["end_year"] == year]
            if found.empty:
                components.append(school_stats.YearCount(year, None, None, "not published"))
                continue
            row = found.iloc[0]
            n = None if pd.isna(row["cohort_n"]) else int(row["cohort_n"])
            value = None if pd.isna(row["value"]) else float(row["value"])
            code = row["value_code"] if isinstance(row["value_code"], str) else None
            if unit == "%":
                numerator = None if value is None or n is None else round(value * n / 100)
            else:
                numerator = None if value is None or n is None else value * n
            components.append(school_stats.YearCount(year, numerator, n, code))
        pooled = school_stats.pool_years(components, scale=100.0 if unit == "%" else 1.0,
                                         expected_years=years, numerator_is_count=unit == "%")
        out.append({"urn": urn, "school": school_name, "pupil_group": PUPIL_GROUP_LABELS.get(group, group),
                    "years": ", ".join(academic_year_label(y) for y in available),
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
    phase = {"Primary": "primary", "Secondary": "secondary", "Special": "special"}.get(info.get("phase") or "", "all")
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
        context_phase = phase if measure_id.startswith(("school_", "abs_")) else "all"
        nationals.append(benchmark(con, ENGLAND_CODE, measure_id, int(year), "all", context_phase)[0])
        las.append(benchmark(con, info["la_code"], measure_id, int(year), "all", context_phase)[0]
                   if info.get("la_code") else None)
    frame["national"], frame["la_value"] = nationals, las
    compared = info.get("comparison_group") == school_types.COMPARED
    frame["significance"] = [
        NOT_TESTED if m.startswith(("school_", "abs_")) else
        _significance(v, lo, hi, band, n) if compared else NOT_COMPARED
        for m, v, lo, hi, band, n in zip(frame["measure_id"], frame["value"], frame["ci_low"], frame["ci_high"],
                                         frame["published_band"], frame["national"])
    ]
    frame["interval_from"] = [interval_words(r, r.measure_id, r.unit) for r in frame.itertuples()]
    frame["published_as"] = [published_as(r) for r in frame.itertuples()]
    return frame


def sqa_results(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The SQA rules' input (sqa.RESULT_COLUMNS and its optional evidence columns): all-pupil results of the
    schools the LA is responsible for today - open and state-funded - with their predecessors' results
    under them, and the national value for each (absence: the national value for the school's phase)."""
    frame = shown_results(con, "p.la_code = $la AND r.pupil_group = 'all' AND NOT r.measure_id LIKE 'school_%'",
                          {"la": la_code})
    frame = frame[frame["school_is_open"].astype(bool) & frame["comparison_group"].map(school_types.is_state_funded)]
    frame = _one_per_school_year(frame, [])
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
    absence_phase = {"Primary": "primary", "Special": "special"}
    frame["national_value"] = [
        by_key.get((m, int(y), absence_phase.get(ph, "secondary") if m.startswith("abs_") else "all"),
                   by_key.get((m, int(y), "la_results")))
        for m, y, ph in zip(frame["measure_id"], frame["end_year"], frame["phase"])]
    polarity = {m.measure_id: m.polarity for m in measure_dictionary.read_dictionary()}
    frame["polarity"] = frame["measure_id"].map(polarity)
    frame = frame.rename(columns={"urn": "published_urn"})
    frame["published_as"] = [published_as(r) for r in frame.itertuples()]
    return (frame.rename(columns={"school_urn": "urn", "school": "school_name"})
            [[*sqa.RESULT_COLUMNS, *sqa.EVIDENCE_COLUMNS]].reset_index(drop=True))


def responsible_schools(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The open state-funded schools of the LA (urn, school_name, comparison_group): the SQA list covers every
    one, with or without results."""
    return con.execute("SELECT urn, name AS school_name, comparison_group FROM schools "
                       "WHERE la_code = ? AND is_open AND list_contains(?, comparison_group) ORDER BY name",
                       [la_code, list(school_types.STATE_FUNDED)]).df()


def sqa_priorities(con: duckdb.DuckDBPyConnection, la_code: str, latest_year: int | None = None) -> pd.DataFrame:
    """The SQA list: one row per open state-funded school of the LA with its proposed priority and every reason."""
    results = sqa_results(con, la_code)
    listed = responsible_schools(con, la_code)
    if results.empty and listed.empty:
        return pd.DataFrame(columns=[*sqa.OUTPUT_COLUMNS, "profile"])
    listing = sqa.prioritise(results, schools=listed, latest_year=latest_year)
    listing["profile"] = "school?urn=" + listing["urn"].astype(str)
    return listing


# ---------------------------------------------------------------- whole-page views, cached by the pages

@dataclass(frozen=True)
class SchoolChoice:
    """The School profile page's choice of school: URNs in order, with their names."""

    urns: list[str]
    names: dict[str, str]


def school_choice(con: duckdb.DuckDBPyConnection, la_code: str) -> SchoolChoice:
    options = school_options(con, la_code)
    urns = options["urn"].astype(str).tolist()
    return SchoolChoice(urns, dict(zip(urns, options["name"])))


@dataclass(frozen=True)
class ProfileChart:
    """One measure's section of the profile: heading, latest-year caption and its chart block."""

    measure_id: str
    heading: str
    caption: str | None
    table: pd.DataFrame
    spec: dict
    title: str
    alt_text: str
    source_ids: list


@dataclass(frozen=True)
class SchoolProfile:
    """Everything the School profile page shows for one school, built once per database version: building
    the Altair charts and the pandas work behind them would otherwise dominate every rerun."""

    urn: str                                   # the school shown (a closed URN's successor)
    name: str
    notice: str | None                         # why another URN than the one asked for is shown
    history: str | None                        # which results are a predecessor's
    details: str                               # the markdown lines about the school
    links: str | None                          # the linked-URNs caption
    has_results: bool
    metrics: list[tuple[str, str, str]]        # context metrics: label, value, help
    charts: list[ProfileChart]
    context: pd.DataFrame                      # the context measures over time (may be empty)
    source_ids: list
    versions: list


def history_note(results: pd.DataFrame) -> str | None:
    """'Results up to 2018/19 are published under the predecessor school ... (URN ...)', one clause each."""
    if results.empty or not results["from_predecessor"].any():
        return None
    clauses = []
    for (published_urn, name), part in results[results["from_predecessor"]].groupby(["published_urn",
                                                                                      "published_name"]):
        replaced = part["replaced_on"].iloc[0]
        when = f", which this school replaced on {pd.Timestamp(replaced):%d %B %Y}" if pd.notna(replaced) else ""
        years = sorted(part["year_label"].unique())
        span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
        clauses.append(f"results for {span} are published under the predecessor school {name} "
                       f"(URN {published_urn}){when}")
    text = "; ".join(clauses)
    return text[0].upper() + text[1:] + " (GIAS links). They are shown here as this school's history, marked in each table."


def school_profile(con: duckdb.DuckDBPyConnection, urn: str) -> SchoolProfile | None:
    """The profile of one school; None when the URN is not loaded. A closed school with a successor shows
    the successor, which carries its results, and says so."""
    info = school(con, urn)
    if info is None:
        return None
    notice = None
    if isinstance(info.get("successor_urn"), str) and school(con, info["successor_urn"]) is not None:
        replaced = (f" on {pd.Timestamp(info['replaced_on']):%d %B %Y}" if pd.notna(info.get("replaced_on"))
                    else "")
        notice = (f"URN {urn} ({info['name']}) closed{replaced}. Its results are shown here, under the school "
                  "that replaced it (GIAS links).")
        urn, info = info["successor_urn"], school(con, info["successor_urn"])
    dictionary = measure_dictionary.by_id()
    group = info.get("comparison_group")
    details = {
        "Local authority": f"{info.get('la_name') or ''} ({info.get('la_code') or 'not known'})",
        "Phase": info.get("phase") or "not known",
        "Type": info.get("school_type") or "not known",
        "Trust / federation": (f"{info['trust']} ({info.get('trust_type') or 'type not known'})"
                               if isinstance(info.get("trust"), str) else info.get("trust_type") or "none recorded"),
        "Academy since": (f"{pd.Timestamp(info['conversion_date']):%d %B %Y}"
                          if pd.notna(info.get("conversion_date")) else "not an academy, or not recorded"),
        "Open": "yes" if info.get("is_open") else "closed",
        "Compared with national": (f"yes: a {group} school, compared with the state-funded national figure"
                                   if group == school_types.COMPARED else
                                   f"no: {school_types.label(group)} school; DfE compares these apart"),
    }
    linked = school_links(con, urn)
    links = None if linked.empty else "Linked URNs (GIAS): " + "; ".join(
        f"{r.link_type} {r.linked_urn}" + (f" {r.linked_name}" if isinstance(r.linked_name, str) else "")
        for r in linked.itertuples())
    details_text = "  \n".join(f"**{k}:** {v}" for k, v in details.items())
    results = profile_results(con, urn)
    history = history_note(results)
    if results.empty:
        return SchoolProfile(urn=urn, name=info["name"], notice=notice, history=history, details=details_text,
                             links=links, has_results=False, metrics=[], charts=[], context=pd.DataFrame(),
                             source_ids=[], versions=[])

    is_context = results["measure_id"].str.startswith("school_") | results["measure_id"].str.startswith("abs_")
    context = results[is_context]
    metrics = []
    latest = context.sort_values("end_year").groupby("measure_id").tail(1)
    for row in latest.sort_values("sort_order").itertuples():
        measure = dictionary[row.measure_id]
        value = None if pd.isna(row.value) else float(row.value)
        national = "" if pd.isna(row.national) else f"England {measure.format(float(row.national))}"
        metrics.append((f"{measure.short_label}, {row.year_label}", measure.format(value, row.value_code),
                        f"{measure.description} {national}".strip()))
    charts = []
    for measure_id, part in results[~is_context].groupby("measure_id", sort=False):
        measure = dictionary[measure_id]
        latest_row = part.iloc[-1]
        caption = None
        if isinstance(latest_row["significance"], str):
            shown = measure.format(None if pd.isna(latest_row["value"]) else float(latest_row["value"]),
                                   latest_row["value_code"])
            caption = f"{latest_row['year_label']}: {shown} - {latest_row['significance']} ({latest_row['interval_from']})."
        charts.append(ProfileChart(
            measure_id=measure_id, heading=measure.name, caption=caption,
            table=part[["year_label", "cohort_n", "value", "value_code", "ci_low", "ci_high", "interval_from",
                        "significance", "national", "la_value", "version", "published_as", "source_id",
                        "source_row"]],
            spec=school_charts.page_spec(school_charts.profile_trend(part, measure, info["name"],
                                                                     info.get("la_name") or "LA")),
            title=f"{measure.short_label}, {info['name']}",
            alt_text=school_charts.profile_trend_alt(part, measure, info["name"]),
            source_ids=part["source_id"].tolist()))
    return SchoolProfile(
        urn=urn, name=info["name"], notice=notice, history=history, details=details_text, links=links,
        has_results=True, metrics=metrics, charts=charts,
        context=context[["measure", "year_label", "value", "value_code", "national", "la_value", "source_id"]],
        source_ids=results["source_id"].tolist(), versions=results["version"].tolist())


@dataclass(frozen=True)
class LaChoice:
    """The Schools page's choice of LA: the configured LA first, then every LA with school results, named."""

    options: list[str]
    names: dict[str, str]


def la_choice(con: duckdb.DuckDBPyConnection, configured_la: str) -> LaChoice:

    las = las_with_schools(con)
    names = dict(zip(las["la_code"], las["name"]))
    options = list(dict.fromkeys([configured_la, *las["la_code"]]))
    return LaChoice(options, {code: names.get(code) or area_name(con, code) for code in options})


def measure_choices(con: duckdb.DuckDBPyConnection, la_code: str) -> dict[str, dict[str, tuple[str, list[str]]]]:
    """Key stage -> measure_id -> (measure name, labels of the years with results), for the key stages and
    measures the LA's schools have results for, in display order (the Schools page's filters, in one call)."""

    dictionary = measure_dictionary.by_id()
    found = {}
    for key_stage in KEY_STAGES:
        measure_ids = key_stage_measures(con, la_code, key_stage)["measure_id"]
        if not measure_ids.empty:
            found[key_stage] = {m: (dictionary[m].name, [academic_year_label(y)
                                                         for y in result_years(con, la_code, m)])
                                for m in measure_ids}
    return found


@dataclass(frozen=True)
class SchoolsView:
    """Everything the Schools page shows for one LA, measure and year except the pupil-group gaps
    (which follow the comparator chosen further down the page), built once per database version."""

    measure_label: str
    decimals: int
    headline: str
    not_compared: str | None     # the schools left out of the headline, by comparison group
    versions_note: str
    subjects: str | None
    frame: pd.DataFrame          # state-funded mainstream schools, for the table section
    table: pd.DataFrame          # the chart's data table and CSV (every school, with its group)
    others: pd.DataFrame         # special, independent and other schools, shown apart
    dots_spec: dict
    dots_all_spec: dict | None   # every school, when the chart above shows only the highest and lowest
    dots_alt: str
    limits: pd.DataFrame
    limits_note: str
    funnel_spec: dict | None
    funnel_alt: str
    has_groups: bool
    pooled: pd.DataFrame
    pooled_text: str
    priorities: pd.DataFrame
    rules: pd.DataFrame
    source_ids: list
    versions: list


_TABLE_COLUMNS = ["profile", "school", "value", "value_code", "significance", "interval_from", "cohort_n", "ci_low",
                  "ci_high", "published_as", "version"]


def versions_note(frame: pd.DataFrame, la_name: str) -> str:
    """Which release each figure on the page is from: the schools', England's and the LA's."""
    counts = frame.loc[frame["value"].notna(), "version"].value_counts()
    schools = ", ".join(f"{version} ({count})" for version, count in counts.items()) or "none"
    national = frame["national_version"].iloc[0] if len(frame) else None
    la_version = frame["la_version"].iloc[0] if len(frame) else None
    return (f"Versions: the schools' figures are {schools}; England's figure is "
            f"{national if isinstance(national, str) else 'of unstated version'}; {la_name}'s is "
            f"{la_version if isinstance(la_version, str) else 'of unstated version'}.")


def schools_view(con: duckdb.DuckDBPyConnection, la_code: str, la_name: str, key_stage: str, measure_id: str,
                 end_year: int, year_label: str) -> SchoolsView:
    measure = measure_dictionary.by_id()[measure_id]
    frame = masking(con, la_code, measure_id, end_year)
    compared = frame[frame["compared"]]
    others = frame[~frame["compared"]].sort_values(["group", "school"])
    limits, limits_note = funnel_limits(frame, measure_id, measure.unit, end_year)
    pooled = pooled_groups(con, la_code, measure_id, end_year, measure.unit)
    pooled_text = "" if pooled.empty else (
        f"**Three years pooled ({pooled['years'].iloc[0]})**: summed pupils reaching the measure over "
        "summed cohorts, never an average of percentages. Withheld where any year is unknown (x) or "
        f"where it would show a group of {settings.load().suppress_counts_up_to} or fewer "
        "pupils (DNS).")
    each_end = school_charts.SHOW_EACH_END
    return SchoolsView(
        measure_label=measure.short_label, decimals=measure.decimals,
        headline=headline_sentence(frame, measure, la_name, key_stage, year_label),
        not_compared=not_compared_sentence(frame), versions_note=versions_note(frame, la_name),
        subjects=ks2_subject_sentence(con, la_code, end_year) if key_stage == "Primary (KS2)" else None,
        frame=compared[_TABLE_COLUMNS],
        table=frame[["school", "urn", "published_urn", "group", "cohort_n", "value", "value_code", "ci_low", "ci_high",
                     "interval_from", "significance", "national", "la_value", "version", "year_label",
                     "published_as", "source_id", "source_row"]],
        others=others[["group", *_TABLE_COLUMNS]],
        dots_spec=school_charts.page_spec(school_charts.dot_and_whisker(compared, measure, la_name=la_name)),
        dots_all_spec=(school_charts.page_spec(school_charts.dot_and_whisker(compared, measure, 16, None, la_name))
                       if compared["value"].notna().sum() > 2 * each_end else None),
        dots_alt=school_charts.dot_and_whisker_alt(compared, measure, la_name, year_label),
        limits=limits, limits_note=limits_note,
        funnel_spec=None if limits.empty else school_charts.page_spec(school_charts.funnel(compared, limits, measure)),
        funnel_alt=school_charts.funnel_alt(compared, limits, measure),
        has_groups=bool(pupil_groups(con, la_code, measure_id)),
        pooled=pooled, pooled_text=pooled_text,
        priorities=sqa_priorities(con, la_code),
        rules=sqa.rules_table(),
        source_ids=frame["source_id"].tolist() + frame["national_source_id"].dropna().tolist()
        + frame["la_source_id"].dropna().tolist(),
        versions=frame["version"].tolist(),
    )


@dataclass(frozen=True)
class GapsView:
    """The pupil-group gaps for one comparator: the table, and the chart when any gap can be shown."""

    table: pd.DataFrame
    spec: dict | None
    alt_text: str
    source_ids: list


def gaps_view(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int, year_label: str,
              comparator: str) -> GapsView:

    gaps = group_gaps(con, la_code, measure_id, end_year, comparator)
    if gaps.empty or not gaps["gap"].notna().any():
        return GapsView(pd.DataFrame(), None, "", [])
    measure = measure_dictionary.by_id()[measure_id]
    return GapsView(
        table=gaps.drop(columns=["profile"]),
        spec=school_charts.page_spec(school_charts.gap_chart(gaps, measure)),
        alt_text=(f"Gap to {school_stats.COMPARATORS[comparator]} for {gaps['pupil_group'].nunique()} pupil "
                  f"groups in {gaps['school'].nunique()} schools, {year_label}; "
                  f"{int(gaps['gap'].notna().sum())} gaps shown, "
                  f"{int(gaps['value_code'].notna().sum())} figures suppressed at source."),
        source_ids=gaps["source_id"].tolist(),
    )
