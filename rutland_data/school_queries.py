"""Named, parameterised queries for the Schools and School profile pages; each returns a DataFrame
or plain values. Statistics (intervals, significance, pooling, suppression) come from
`school_stats`; the SQA rules from `sqa`. No Streamlit here.

Where one school has a figure in several versions of the same year (provisional and final),
the latest version is shown (`versions.PRECEDENCE`).
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data import measures as measure_dictionary
from rutland_data import school_stats, sqa, versions
from rutland_data.importers.csp_school import PUPIL_GROUP_LABELS
from rutland_data.settings import ENGLAND_CODE

# The masking view is organised by key stage; a school appears under every key stage it has results for.
KEY_STAGES = {"Primary (KS2)": "ks2_", "Secondary (KS4)": "ks4_", "16-18 (KS5)": "ks5_"}
KEY_STAGE_NOUN = {"Primary (KS2)": "primary schools", "Secondary (KS4)": "secondary schools",
                  "16-18 (KS5)": "16-18 providers"}
_BAND_WORDS = {1: school_stats.ABOVE, 2: school_stats.ABOVE, 3: school_stats.NOT_DIFFERENT,
               4: school_stats.BELOW, 5: school_stats.BELOW}
SIGNIFICANCE_SHAPE = {school_stats.ABOVE: "triangle-up", school_stats.NOT_DIFFERENT: "circle",
                      school_stats.BELOW: "triangle-down", "not tested": "square"}
NOT_TESTED = "not tested"


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
                pupil_group: str = "all", school_phase: str = "all") -> dict[str, tuple[float, int]]:
    """area -> (value, source_id) for LAs / England on a school measure: the school files' own LA and
    national rows first (same definition and pupil groups), else the LA-level results table."""
    marks = ", ".join("?" * len(area_codes))
    rows = con.execute(
        f"""
        SELECT area_code, value, source_id FROM (
            SELECT area_code, value, source_id, 1 AS preference, {versions.rank_sql()} AS version_rank
            FROM school_benchmarks
            WHERE area_code IN ({marks}) AND measure_id = ? AND end_year = ? AND pupil_group = ?
              AND school_phase = ? AND value IS NOT NULL
            UNION ALL
            SELECT area_code, value, source_id, 2, 0 FROM la_results
            WHERE area_code IN ({marks}) AND measure_id = ? AND end_year = ? AND value IS NOT NULL AND ? = 'all'
        )
        QUALIFY row_number() OVER (PARTITION BY area_code ORDER BY preference, version_rank) = 1
        """,
        [*area_codes, measure_id, end_year, pupil_group, school_phase, *area_codes, measure_id, end_year, pupil_group],
    ).fetchall()
    return {area: (value, source) for area, value, source in rows}


def benchmark(con: duckdb.DuckDBPyConnection, area_code: str, measure_id: str, end_year: int,
              pupil_group: str = "all", school_phase: str = "all") -> tuple[float | None, int | None]:
    """(value, source_id) for one LA or England; (None, None) when nothing is loaded."""
    return comparators(con, (area_code,), measure_id, end_year, pupil_group, school_phase).get(area_code, (None, None))


def masking(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int,
            pupil_group: str = "all") -> pd.DataFrame:
    """Every school of the LA with the measure in the year: value or code, cohort, 95% interval and how it
    was obtained, the national and LA values, and a significance label in words."""
    frame = con.execute(
        f"""
        SELECT r.urn, s.name AS school, s.phase, r.cohort_n, r.value, r.value_code, r.ci_low, r.ci_high,
               r.ci_method, r.published_band, r.version, r.year_label, r.source_id, r.source_row
        FROM school_results r JOIN schools s USING (urn)
        WHERE s.la_code = ? AND r.measure_id = ? AND r.end_year = ? AND r.pupil_group = ?
        QUALIFY row_number() OVER (PARTITION BY r.urn ORDER BY {versions.rank_sql('r.version')}) = 1
        ORDER BY r.value DESC NULLS LAST, s.name
        """,
        [la_code, measure_id, end_year, pupil_group],
    ).df()
    found = comparators(con, (ENGLAND_CODE, la_code), measure_id, end_year, pupil_group)
    national, national_source = found.get(ENGLAND_CODE, (None, None))
    la_value, la_source = found.get(la_code, (None, None))
    frame["national"], frame["national_source_id"] = national, national_source
    frame["la_value"], frame["la_source_id"] = la_value, la_source
    frame["significance"] = [
        _significance(v, lo, hi, band, national)
        for v, lo, hi, band in zip(frame["value"], frame["ci_low"], frame["ci_high"], frame["published_band"])
    ]
    frame["below_national"] = frame["value"].notna() & (national is not None) & (frame["value"] < (national or 0))
    frame["interval_from"] = [_interval_words(m, b) for m, b in zip(frame["ci_method"], frame["published_band"])]
    frame["profile"] = "school?urn=" + frame["urn"].astype(str)
    return frame


def _significance(value, low, high, band, national) -> str:
    if pd.notna(value) and pd.notna(low) and pd.notna(high) and national is not None:
        return school_stats.significance_label(float(value), float(low), float(high), float(national))
    if pd.notna(band) and int(band) in _BAND_WORDS:
        return _BAND_WORDS[int(band)]
    return NOT_TESTED


def _interval_words(method, band) -> str:
    if isinstance(method, str):
        return method
    if pd.notna(band):
        return "no interval published; significance from DfE's published progress band"
    return "no interval: the file gives no cohort size"


def masking_summary(frame: pd.DataFrame) -> dict[str, int]:
    """Counts behind the headline sentence."""
    shown = frame[frame["value"].notna()]
    return {
        "schools": len(frame),
        "with_value": len(shown),
        "below": int(shown["below_national"].sum()),
        "significantly_below": int((shown["significance"] == school_stats.BELOW).sum()),
        "significantly_above": int((shown["significance"] == school_stats.ABOVE).sum()),
    }


def headline_sentence(frame: pd.DataFrame, measure: measure_dictionary.Measure, la_name: str,
                      key_stage: str, year_label: str) -> str:
    """'Rutland 67% vs England 61% in 2016/17 - but 7 of 17 primary schools were below national ...'."""
    counts = masking_summary(frame)
    la_value = frame["la_value"].iloc[0] if len(frame) else None
    national = frame["national"].iloc[0] if len(frame) else None
    noun = KEY_STAGE_NOUN.get(key_stage, "schools")
    if la_value is None or pd.isna(la_value) or national is None or pd.isna(national):
        return f"{counts['with_value']} of {counts['schools']} {noun} have a published figure for {year_label}."
    opening = f"{la_name} {measure.format(la_value)} vs England {measure.format(national)} in {year_label}"
    la_better = (la_value >= national) if measure.polarity != "lower" else (la_value <= national)
    joiner = " - but " if la_better and counts["below"] else " - "
    return (f"{opening}{joiner}{counts['below']} of {counts['with_value']} {noun} with a figure were below national, "
            f"{counts['significantly_below']} of them significantly.")


def below_in_subjects(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int,
                      measure_ids: tuple[str, ...]) -> tuple[int, int]:
    """(schools below national in every one of the measures, schools with all of them) - the review's
    'six primary schools were below national in reading and writing'."""
    below_all, with_all = None, None
    for measure_id in measure_ids:
        frame = masking(con, la_code, measure_id, end_year)
        shown = set(frame.loc[frame["value"].notna(), "urn"])
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
    cohorts = frame["cohort_n"].dropna().astype(int)
    if national is None or pd.isna(national) or cohorts.empty:
        return pd.DataFrame(), "No funnel: the national value or the cohort sizes are not available."
    sizes = range(max(1, int(cohorts.min()) - 2), int(cohorts.max()) + 3)
    if unit == "%":
        return (school_stats.proportion_funnel_limits(float(national), sizes),
                "Exact binomial limits around the national percentage (Spiegelhalter 2005).")
    found = school_stats.national_pupil_sd(measure_id, end_year)
    if found is None:
        return pd.DataFrame(), "No funnel: DfE publishes no national pupil standard deviation for this measure."
    return (school_stats.score_funnel_limits(float(national), sizes, found[0]),
            f"National ± 1.96 and 3.09 × national pupil SD ({found[0]}, {found[1]}) / √n.")


def group_gaps(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int,
               comparator: str = "same_group") -> pd.DataFrame:
    """Each school's pupil-group figures with the gap to national (same group, or the other group as ASP)."""
    groups = pupil_groups(con, la_code, measure_id)
    national = {g: benchmark(con, ENGLAND_CODE, measure_id, end_year, g)[0] for g in [*groups, "all"]}
    frames = []
    for group in groups:
        frame = masking(con, la_code, measure_id, end_year, group)
        if frame.empty:
            continue
        gaps = [school_stats.gap_to_national(None if pd.isna(v) else float(v), group, national, comparator)
                for v in frame["value"]]
        frame["pupil_group"] = PUPIL_GROUP_LABELS.get(group, group)
        frame["compared_with"] = [g.comparator_label for g in gaps]
        frame["comparator_value"] = [g.comparator_value for g in gaps]
        frame["gap"] = [g.gap for g in gaps]
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)[
        ["urn", "school", "pupil_group", "year_label", "cohort_n", "value", "value_code", "compared_with",
         "comparator_value", "gap", "significance", "source_id", "source_row", "profile"]]


def pooled_groups(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int,
                  unit: str, years: int = 3) -> pd.DataFrame:
    """Each school x pupil group pooled over the latest `years` years with results (up to end_year), from
    numerators and denominators. The numerator is rebuilt from the published percentage and cohort
    (round(pct x n / 100), exact for cohorts up to 100); a year with a code withholds the pooled value;
    pooled pupils 1-5 (the configured threshold) are suppressed by school_stats.pool_years."""
    available = [y for y in result_years(con, la_code, measure_id) if y <= end_year][-years:]
    if len(available) < years:
        return pd.DataFrame()
    rows = con.execute(
        f"""
        SELECT r.urn, s.name AS school, r.pupil_group, r.end_year, r.cohort_n, r.value, r.value_code
        FROM school_results r JOIN schools s USING (urn)
        WHERE s.la_code = ? AND r.measure_id = ? AND r.end_year IN ({', '.join('?' * len(available))})
        QUALIFY row_number() OVER (PARTITION BY r.urn, r.pupil_group, r.end_year
                                   ORDER BY {versions.rank_sql('r.version')}) = 1
        """,
        [la_code, measure_id, *available],
    ).df()
    out = []
    for (urn, school, group), part in rows.groupby(["urn", "school", "pupil_group"], sort=True):
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
        out.append({"urn": urn, "school": school, "pupil_group": PUPIL_GROUP_LABELS.get(group, group),
                    "years": ", ".join(f"{y - 1}/{str(y)[2:]}" for y in available),
                    "pupils": pooled.denominator if pooled.value is not None else None,
                    "pooled_value": pooled.value, "code": pooled.code, "why_withheld": pooled.reason})
    frame = pd.DataFrame(out)
    if not frame.empty:
        frame["pupils"] = frame["pupils"].astype("Int64")
    return frame


def school_options(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    return con.execute(
        """
        SELECT s.urn, s.name, s.phase FROM schools s
        WHERE s.la_code = ? AND EXISTS (SELECT 1 FROM school_results r WHERE r.urn = s.urn)
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
        SELECT l.link_type, l.linked_urn, s.name AS linked_name, l.link_date
        FROM school_links l LEFT JOIN schools s ON s.urn = l.linked_urn
        WHERE l.urn = ? ORDER BY l.link_date
        """,
        [urn],
    ).df()


def profile_results(con: duckdb.DuckDBPyConnection, urn: str) -> pd.DataFrame:
    """All of one school's all-pupil results over time, with national and LA values beside each."""
    info = school(con, urn)
    if info is None:
        return pd.DataFrame()
    phase = {"Primary": "primary", "Secondary": "secondary", "Special": "special"}.get(info.get("phase") or "", "all")
    frame = con.execute(
        f"""
        SELECT r.measure_id, m.name AS measure, m.phase AS measure_phase, m.unit, m.decimals, m.polarity,
               m.sort_order, r.end_year, r.year_label, r.cohort_n, r.value, r.value_code, r.ci_low, r.ci_high,
               r.ci_method, r.published_band, r.version, r.source_id, r.source_row
        FROM school_results r JOIN measures m USING (measure_id)
        WHERE r.urn = ? AND r.pupil_group = 'all'
        QUALIFY row_number() OVER (PARTITION BY r.measure_id, r.end_year
                                   ORDER BY {versions.rank_sql('r.version')}) = 1
        ORDER BY m.sort_order, r.end_year
        """,
        [urn],
    ).df()
    nationals, las = [], []
    for measure_id, year in zip(frame["measure_id"], frame["end_year"]):
        context_phase = phase if measure_id.startswith(("school_", "abs_")) else "all"
        nationals.append(benchmark(con, ENGLAND_CODE, measure_id, int(year), "all", context_phase)[0])
        las.append(benchmark(con, info["la_code"], measure_id, int(year), "all", context_phase)[0]
                   if info.get("la_code") else None)
    frame["national"], frame["la_value"] = nationals, las
    frame["significance"] = [
        _significance(v, lo, hi, band, n) if not m.startswith(("school_", "abs_")) else NOT_TESTED
        for m, v, lo, hi, band, n in zip(frame["measure_id"], frame["value"], frame["ci_low"], frame["ci_high"],
                                         frame["published_band"], frame["national"])
    ]
    return frame


def sqa_results(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The SQA rules' input (sqa.RESULT_COLUMNS): all-pupil results of the LA's schools with national values."""
    frame = con.execute(
        f"""
        WITH best AS (
            SELECT r.*, s.name AS school_name, s.phase
            FROM school_results r JOIN schools s USING (urn)
            WHERE s.la_code = ? AND r.pupil_group = 'all'
            QUALIFY row_number() OVER (PARTITION BY r.urn, r.measure_id, r.end_year
                                       ORDER BY {versions.rank_sql('r.version')}) = 1
        ), national AS (
            SELECT measure_id, end_year, school_phase, value AS national_value
            FROM school_benchmarks WHERE area_code = ? AND pupil_group = 'all' AND value IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY measure_id, end_year, school_phase
                                       ORDER BY {versions.rank_sql()}) = 1
        )
        SELECT b.urn, b.school_name, b.end_year, b.measure_id, b.cohort_n, b.value, b.ci_low, b.ci_high,
               COALESCE(n.national_value, la.value) AS national_value, m.polarity
        FROM best b
        JOIN measures m USING (measure_id)
        LEFT JOIN national n ON n.measure_id = b.measure_id AND n.end_year = b.end_year
             AND n.school_phase = CASE WHEN b.measure_id LIKE 'abs_%'
                                       THEN CASE b.phase WHEN 'Primary' THEN 'primary' ELSE 'secondary' END
                                       ELSE 'all' END
        LEFT JOIN la_results la ON la.measure_id = b.measure_id AND la.end_year = b.end_year AND la.area_code = ?
        WHERE NOT b.measure_id LIKE 'school_%'
        """,
        [la_code, ENGLAND_CODE, ENGLAND_CODE],
    ).df()
    return frame


def sqa_priorities(con: duckdb.DuckDBPyConnection, la_code: str, latest_year: int | None = None) -> pd.DataFrame:
    """The SQA list: one row per school with its proposed priority and every reason."""
    results = sqa_results(con, la_code)
    if results.empty:
        return pd.DataFrame(columns=[*sqa.OUTPUT_COLUMNS, "profile"])
    listing = sqa.prioritise(results, latest_year=latest_year)
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

    name: str
    details: str                               # the markdown lines about the school
    links: str | None                          # the linked-URNs caption
    has_results: bool
    metrics: list[tuple[str, str, str]]        # context metrics: label, value, help
    charts: list[ProfileChart]
    context: pd.DataFrame                      # the context measures over time (may be empty)
    source_ids: list
    versions: list


def school_profile(con: duckdb.DuckDBPyConnection, urn: str) -> SchoolProfile | None:
    """The profile of one school; None when the URN is not loaded."""
    from rutland_data import school_charts  # imports this module, so loaded here

    info = school(con, urn)
    if info is None:
        return None
    dictionary = measure_dictionary.by_id()
    details = {
        "Local authority": f"{info.get('la_name') or ''} ({info.get('la_code') or 'not known'})",
        "Phase": info.get("phase") or "not known",
        "Type": info.get("school_type") or "not known",
        "Trust / federation": (f"{info['trust']} ({info.get('trust_type') or 'type not known'})"
                               if isinstance(info.get("trust"), str) else info.get("trust_type") or "none recorded"),
        "Academy since": (f"{pd.Timestamp(info['conversion_date']):%d %B %Y}"
                          if pd.notna(info.get("conversion_date")) else "not an academy, or not recorded"),
        "Open": "yes" if info.get("is_open") else "closed",
    }
    linked = school_links(con, urn)
    links = None if linked.empty else "Linked URNs (GIAS): " + "; ".join(
        f"{r.link_type} {r.linked_urn}" + (f" {r.linked_name}" if isinstance(r.linked_name, str) else "")
        for r in linked.itertuples())
    details_text = "  \n".join(f"**{k}:** {v}" for k, v in details.items())
    results = profile_results(con, urn)
    if results.empty:
        return SchoolProfile(name=info["name"], details=details_text, links=links, has_results=False, metrics=[],
                             charts=[], context=pd.DataFrame(), source_ids=[], versions=[])

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
            caption = f"{latest_row['year_label']}: {shown} - {latest_row['significance']}."
        charts.append(ProfileChart(
            measure_id=measure_id, heading=measure.name, caption=caption,
            table=part[["year_label", "cohort_n", "value", "value_code", "ci_low", "ci_high", "ci_method",
                        "significance", "national", "la_value", "version", "source_id", "source_row"]],
            spec=school_charts.page_spec(school_charts.profile_trend(part, measure, info["name"])),
            title=f"{measure.short_label}, {info['name']}",
            alt_text=school_charts.profile_trend_alt(part, measure, info["name"]),
            source_ids=part["source_id"].tolist()))
    return SchoolProfile(
        name=info["name"], details=details_text, links=links, has_results=True, metrics=metrics, charts=charts,
        context=context[["measure", "year_label", "value", "value_code", "national", "la_value", "source_id"]],
        source_ids=results["source_id"].tolist(), versions=results["version"].tolist())


@dataclass(frozen=True)
class LaChoice:
    """The Schools page's choice of LA: the configured LA first, then every LA with school results, named."""

    options: list[str]
    names: dict[str, str]


def la_choice(con: duckdb.DuckDBPyConnection, configured_la: str) -> LaChoice:
    from rutland_data import queries

    las = las_with_schools(con)
    names = dict(zip(las["la_code"], las["name"]))
    options = list(dict.fromkeys([configured_la, *las["la_code"]]))
    return LaChoice(options, {code: names.get(code) or queries.area_name(con, code) for code in options})


def measure_choices(con: duckdb.DuckDBPyConnection, la_code: str) -> dict[str, dict[str, tuple[str, list[str]]]]:
    """Key stage -> measure_id -> (measure name, labels of the years with results), for the key stages and
    measures the LA's schools have results for, in display order (the Schools page's filters, in one call)."""
    from rutland_data import queries

    dictionary = measure_dictionary.by_id()
    found = {}
    for key_stage in KEY_STAGES:
        measure_ids = key_stage_measures(con, la_code, key_stage)["measure_id"]
        if not measure_ids.empty:
            found[key_stage] = {m: (dictionary[m].name, [queries.academic_year_label(y)
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
    subjects: str | None
    frame: pd.DataFrame          # `masking`, for the table section
    table: pd.DataFrame          # the chart's data table and CSV
    dots_spec: dict
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


def schools_view(con: duckdb.DuckDBPyConnection, la_code: str, la_name: str, key_stage: str, measure_id: str,
                 end_year: int, year_label: str) -> SchoolsView:
    from rutland_data import school_charts, settings  # school_charts imports this module, so loaded here

    measure = measure_dictionary.by_id()[measure_id]
    frame = masking(con, la_code, measure_id, end_year)
    limits, limits_note = funnel_limits(frame, measure_id, measure.unit, end_year)
    pooled = pooled_groups(con, la_code, measure_id, end_year, measure.unit)
    pooled_text = "" if pooled.empty else (
        f"**Three years pooled ({pooled['years'].iloc[0]})**: summed pupils reaching the measure over "
        "summed cohorts, never an average of percentages. Withheld where any year is unknown (x) or "
        f"where it would show a group of {settings.load().suppress_counts_up_to} or fewer "
        "pupils (DNS).")
    return SchoolsView(
        measure_label=measure.short_label, decimals=measure.decimals,
        headline=headline_sentence(frame, measure, la_name, key_stage, year_label),
        subjects=ks2_subject_sentence(con, la_code, end_year) if key_stage == "Primary (KS2)" else None,
        frame=frame[["profile", "school", "cohort_n", "value", "value_code", "ci_low", "ci_high", "significance",
                     "interval_from", "version"]],
        table=frame[["school", "urn", "cohort_n", "value", "value_code", "ci_low", "ci_high", "interval_from",
                     "significance", "national", "la_value", "version", "year_label", "source_id", "source_row"]],
        dots_spec=school_charts.page_spec(school_charts.dot_and_whisker(frame, measure)),
        dots_alt=school_charts.dot_and_whisker_alt(frame, measure, la_name, year_label),
        limits=limits, limits_note=limits_note,
        funnel_spec=None if limits.empty else school_charts.page_spec(school_charts.funnel(frame, limits, measure)),
        funnel_alt=school_charts.funnel_alt(frame, limits, measure),
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
    from rutland_data import school_charts  # imports this module, so loaded here

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
