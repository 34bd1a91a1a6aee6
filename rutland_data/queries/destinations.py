"""Queries for the Destinations, Absence and Admissions pages (parameterised SQL, DataFrames out).

Shares of a cohort are computed from counts where counts are published (the published
percentages are whole numbers and need not add to 100); a suppressed category stays
suppressed, with its code, and is never filled in by subtraction.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data.views import headlines
from rutland_data.reference import school_types
from rutland_data.reference import versions
from rutland_data.reference.measures import Measure, by_id
from rutland_data.queries.la import academic_year_label, area_name, neighbour_set_for, neighbours, region_of, sources
from rutland_data.settings import ENGLAND_CODE

COHORT = "Cohort"
TOTAL_GROUP = "Total"
# Categories in the order the stacked bars show them (education first, then work, then the rest).
CATEGORY_ORDER = [
    "School sixth form", "Sixth-form college", "Further education", "Higher education", "Other education",
    "Apprenticeship", "Employment", "Not sustained", "Activity not captured",
]
NEET_MEASURES = ["neet_nk_1617", "neet_1617", "notknown_1617", "participation_1617"]
ABSENCE_MEASURES = ["abs_overall_primary", "abs_overall_secondary", "abs_persistent_primary",
                    "abs_persistent_secondary", "abs_overall", "abs_persistent"]
YEAR_TO_DATE_MEASURES = ["abs_ytd_overall_primary", "abs_ytd_overall_secondary", "abs_ytd_overall_total",
                         "abs_ytd_persistent_primary", "abs_ytd_persistent_secondary", "abs_ytd_persistent_total"]
PREFERENCES = [("admissions_first_pref", "First preference"), ("admissions_second_pref", "Second preference"),
               ("admissions_third_pref", "Third preference"), ("admissions_non_pref_offer", "School not named"),
               ("admissions_no_offer", "No offer")]


# ---- destinations ------------------------------------------------------------------------------

def destination_cohorts(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The cohorts the LA has destinations for: stage, end year and label, newest first."""
    return con.execute(
        """
        SELECT DISTINCT stage, cohort_end_year, cohort_label
        FROM destinations WHERE area_code = ? AND stage <> '16-18 progression'
        ORDER BY cohort_end_year DESC, stage, cohort_label
        """,
        [la_code],
    ).df()


def _with_shares(rows: pd.DataFrame) -> pd.DataFrame:
    """Add `share`: pupils / cohort (or / the sum of the parts where no cohort row exists)."""
    out = []
    for _, area in rows.groupby("area_code", sort=False):
        cohort = area.loc[area["category"] == COHORT, "pupils"]
        parts = area[(area["category_group"] != TOTAL_GROUP) & (area["category"] != COHORT)].copy()
        denominator = cohort.iloc[0] if len(cohort) and pd.notna(cohort.iloc[0]) else parts["pupils"].sum()
        parts["cohort"] = denominator
        parts["share"] = [100.0 * p / denominator if pd.notna(p) and denominator else None for p in parts["pupils"]]
        out.append(parts)
    return pd.concat(out, ignore_index=True) if out else rows.assign(cohort=None, share=None)


def destination_shares(con: duckdb.DuckDBPyConnection, la_code: str, cohort_label: str,
                       neighbour_set: str) -> pd.DataFrame:
    """The LA's cohort by destination, beside England, its region and its neighbours (pooled), same cohort.

    The neighbour bar (and the region bar, where no regional row is published) pools counts
    over the LAs whose every category is published (`neighbours_counted` says how many), so
    one suppressed cell cannot bias it.
    """
    chosen = con.execute("SELECT DISTINCT stage, cohort_end_year FROM destinations WHERE cohort_label = ? "
                         "AND area_code = ?", [cohort_label, la_code]).fetchall()
    if not chosen:
        return pd.DataFrame(columns=["series", "role", "area_code", "category", "category_group", "pupils",
                                     "percent", "value_code", "cohort", "share", "source_id", "source_row",
                                     "neighbours_counted"])
    stage, end_year = chosen[0]
    region = region_of(con, la_code)
    rows = con.execute(
        """
        SELECT d.*, COALESCE(a.name, d.area_code) AS series,
               CASE WHEN d.area_code = $la THEN 'la' WHEN d.area_code = $england THEN 'england'
                    WHEN d.area_code = $region THEN 'region' END AS role
        FROM destinations d LEFT JOIN areas a USING (area_code)
        WHERE d.stage = $stage AND d.cohort_end_year = $year
          AND ((d.area_code = $la AND d.cohort_label = $label) OR d.area_code IN ($england, $region))
        """,
        {"la": la_code, "england": ENGLAND_CODE, "region": region, "stage": stage, "year": end_year,
         "label": cohort_label},
    ).df()
    # Comparators only where they use the LA's own categories (the council's local tables have no national twin).
    own = set(rows.loc[rows["role"] == "la", "category"])
    rows = rows[(rows["role"] == "la") | rows["category"].isin(own)]
    shares = _with_shares(rows)
    shares["neighbours_counted"] = None
    comparators = [_pooled(con, neighbours(con, la_code, neighbour_set)["area_code"].tolist(), stage, end_year,
                           "Statistical neighbours", "neighbours")]
    if "region" not in set(shares["role"]):
        # Performance-tables files have no regional rows; the region is then pooled from its LAs' counts.
        region_las = [r[0] for r in con.execute("SELECT area_code FROM areas WHERE level = 'la' AND region_code = ?",
                                                [region]).fetchall()]
        pooled_region = _pooled(con, region_las, stage, end_year, area_name(con, region), "region")
        if pooled_region is not None and pooled_region["neighbours_counted"].iloc[0] >= 2:  # not the LA alone
            comparators.append(pooled_region)
    for pooled in comparators:
        if pooled is not None and set(pooled["category"]) <= own:
            shares = pd.concat([shares, pooled], ignore_index=True)
    shares["order"] = shares["category"].map({c: i for i, c in enumerate(CATEGORY_ORDER)}).fillna(len(CATEGORY_ORDER))
    return shares.sort_values(["role", "order"]).reset_index(drop=True)


def _pooled(con, area_codes: list[str], stage: str, end_year: int, name: str, role: str) -> pd.DataFrame | None:
    """Counts summed over the areas whose every category is published, with how many that was."""
    rows = con.execute(
        """
        SELECT area_code, category, category_group, pupils, source_id FROM destinations
        WHERE stage = ? AND cohort_end_year = ? AND category_group <> 'Total' AND area_code IN (SELECT unnest(?))
        """,
        [stage, end_year, area_codes or ["-"]],
    ).df()
    if rows.empty:
        return None
    complete = rows.groupby("area_code")["pupils"].apply(lambda p: p.notna().all())
    kept = rows[rows["area_code"].isin(complete[complete].index)]
    if kept.empty:
        return None
    pooled = kept.groupby(["category", "category_group"], as_index=False).agg(
        pupils=("pupils", "sum"), source_id=("source_id", "min"))
    pooled["cohort"] = pooled["pupils"].sum()
    pooled["share"] = 100.0 * pooled["pupils"] / pooled["cohort"]
    pooled["series"] = f"{name} (pooled, {kept['area_code'].nunique()} of {complete.size} LAs)"
    pooled["role"], pooled["area_code"] = role, None
    pooled["percent"], pooled["value_code"], pooled["source_row"] = None, None, None
    pooled["neighbours_counted"] = kept["area_code"].nunique()
    return pooled


def destination_measure(category: str) -> Measure:
    """A dictionary-style description of one destination category, so the trend chart can draw it."""
    return Measure(measure_id=f"destination_{category}", phase="Destinations", name=f"{category}: share of the cohort",
                   short_label=category, unit="%", polarity="neutral", decimals=0,
                   description=f"Pupils whose sustained destination was: {category}.", series_breaks="",
                   lait_code=None, headline=False, sort_order=0)


def destination_trend(con: duckdb.DuckDBPyConnection, la_code: str, stage: str, category: str,
                      neighbour_set: str) -> pd.DataFrame:
    """One destination category's published percentage by cohort: LA, England, region and the neighbour mean
    (with how many neighbours it covers), shaped like `queries.trend`."""
    region = region_of(con, la_code)
    return con.execute(
        """
        WITH own AS (
            SELECT d.cohort_end_year AS end_year, d.area_code, d.percent AS value, d.value_code, d.source_id,
                   d.source_row,
                   CASE d.area_code WHEN $la THEN 'la' WHEN $england THEN 'england' ELSE 'region' END AS role
            FROM destinations d
            WHERE d.stage = $stage AND d.category = $category AND d.area_code IN ($la, $england, $region)
        ),
        neighbour_mean AS (
            SELECT d.cohort_end_year AS end_year, NULL AS area_code, avg(d.percent) AS value,
                   CASE WHEN count(d.percent) = 0 THEN 'x' END AS value_code, min(d.source_id) AS source_id,
                   NULL::INTEGER AS source_row, 'neighbours' AS role, count(d.percent) AS neighbours_counted
            FROM destinations d JOIN stat_neighbours n
              ON n.neighbour_code = d.area_code AND n.la_code = $la AND n.set_version = $set
            WHERE d.stage = $stage AND d.category = $category
            GROUP BY d.cohort_end_year
        )
        SELECT o.*, COALESCE(a.name, o.area_code) AS series, NULL::BIGINT AS neighbours_counted
        FROM own o LEFT JOIN areas a USING (area_code)
        UNION ALL
        SELECT end_year, area_code, value, value_code, source_id, source_row, role,
               'Statistical neighbours (mean)' AS series, neighbours_counted
        FROM neighbour_mean
        ORDER BY role, end_year
        """,
        {"la": la_code, "england": ENGLAND_CODE, "region": region, "stage": stage, "category": category,
         "set": neighbour_set},
    ).df().assign(year_label=lambda f: f["end_year"].map(academic_year_label))


def school_destinations(con: duckdb.DuckDBPyConnection, la_code: str, stage: str, end_year: int) -> pd.DataFrame:
    """Each of the LA's schools (or colleges) for one cohort: one row per school, one column per category."""
    rows = con.execute(
        """
        SELECT a.name AS school, d.area_code AS urn, d.category, d.pupils, d.percent, d.value_code,
               d.source_id, d.source_row
        FROM destinations d JOIN areas a USING (area_code)
        WHERE a.level = 'school' AND a.old_la_code = TRY_CAST(? AS INTEGER)
          AND d.stage = ? AND d.cohort_end_year = ?
        """,
        [la_code, stage, end_year],
    ).df()
    if rows.empty:
        return pd.DataFrame(columns=["school", "urn", "cohort"])
    rows["shown"] = [
        code if pd.isna(pct) and pd.isna(n) else
        (f"{int(n)}" if pd.isna(pct) else f"{pct:.0f}% ({int(n)})" if pd.notna(n) else f"{pct:.0f}%")
        + (f" [{code}]" if isinstance(code, str) and (pd.notna(pct) or pd.notna(n)) else "")
        for n, pct, code in zip(rows["pupils"], rows["percent"], rows["value_code"])
    ]
    table = rows.pivot_table(index=["school", "urn"], columns="category", values="shown", aggfunc="first")
    columns = [c for c in [COHORT, *CATEGORY_ORDER, "Sustained destination (total)"] if c in table.columns]
    table = table[columns].reset_index().rename(columns={COHORT: "cohort"})
    sources = rows.groupby("urn")["source_id"].min()
    table["source_id"] = table["urn"].map(sources)
    return table.sort_values("school").reset_index(drop=True)


def seed_destinations(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The council's own destination tables (category groups such as 'In county' / 'Out of county')."""
    return con.execute(
        """
        SELECT cohort_label, cohort_end_year, category, category_group, pupils, percent, value_code,
               source_id, source_row
        FROM destinations
        WHERE area_code = ? AND category_group IS NOT NULL
          AND category_group NOT IN ('Total', 'Sustained education', 'Sustained apprenticeship or employment',
                                     'Not sustained or not captured', 'Progression (not exclusive)')
        ORDER BY cohort_end_year, source_row
        """,
        [la_code],
    ).df()


# The council's groups, in the order the page draws them (any other group follows).
GROUP_ORDER = ["In county", "Out of county", "Employment or training", "NEET or unknown", "Other",
               "Offer made", "No offer"]


def group_order(seed: pd.DataFrame) -> list[str]:
    present = list(dict.fromkeys(seed["category_group"]))
    return [g for g in GROUP_ORDER if g in present] + [g for g in present if g not in GROUP_ORDER]


def county_summary(seed: pd.DataFrame) -> pd.DataFrame:
    """Per cohort and group (e.g. in county / out of county): pupils and share of the cohort."""
    summary = seed.groupby(["cohort_label", "category_group"], as_index=False, sort=False)["pupils"].sum()
    summary["cohort"] = summary.groupby("cohort_label")["pupils"].transform("sum")
    summary["share"] = (100.0 * summary["pupils"] / summary["cohort"]).round(1)
    return summary


# ---- trend helpers -------------------------------------------------------------------------------

def absence_ranks(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int) -> pd.DataFrame:
    """Rank among LAs for each annual absence measure the LA has a figure for in that year."""
    dictionary = by_id()
    rows = []
    for measure_id in ABSENCE_MEASURES:
        card = headlines.card(con, measure_id, la_code, end_year, "England")
        if card.rank is not None and card.end_year == end_year:
            rows.append({"measure_id": measure_id, "measure": dictionary[measure_id].name,
                         "value": card.value, "value_text": card.value_text, "version": card.version,
                         "rank": card.rank.position, "out_of": card.rank.out_of, "quartile": card.rank.quartile,
                         "described": card.rank.describe(), "source_id": min(card.source_ids)})
    return pd.DataFrame(rows, columns=["measure_id", "measure", "value", "value_text", "version", "rank", "out_of",
                                       "quartile", "described", "source_id"])


def absence_by_term(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int) -> pd.DataFrame:
    """Overall absence by term and phase for the LA and England in one year (older EES releases only)."""
    return con.execute(
        """
        SELECT CASE WHEN r.measure_id LIKE '%primary%' THEN 'Primary' ELSE 'Secondary' END AS phase,
               upper(left(split_part(r.measure_id, '_', 4), 1)) || substr(split_part(r.measure_id, '_', 4), 2)
                   || ' term' AS term,
               COALESCE(a.name, r.area_code) AS area, r.value, r.value_code, r.source_id, r.source_row
        FROM la_results r LEFT JOIN areas a USING (area_code)
        WHERE r.end_year = ? AND r.area_code IN (?, ?)
          AND regexp_matches(r.measure_id, '^abs_overall_(primary|secondary)_(autumn|spring|summer)$')
        ORDER BY phase, CASE split_part(r.measure_id, '_', 4) WHEN 'autumn' THEN 1 WHEN 'spring' THEN 2 ELSE 3 END,
                 r.area_code = ? DESC
        """,
        [end_year, la_code, ENGLAND_CODE, la_code],
    ).df()



def absence_by_term_wide(con: duckdb.DuckDBPyConnection, la_code: str,
                         end_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`absence_by_term` and the same figures with one column per area (as the Absence page shows them),
    pivoted once per database version rather than on every rerun."""
    terms = absence_by_term(con, la_code, end_year)
    if terms.empty:
        return terms, terms
    wide = terms.pivot_table(index=["phase", "term"], columns="area", values="value", sort=False).reset_index()
    return terms, wide


@dataclass(frozen=True)
class AbsencePanel:
    """One absence measure as the Absence page shows it: the headline card for the chosen year (the latest
    earlier figure, labelled, when that year has none) and the trend chart - read back from the cache in one call."""
    figure: headlines.TrendFigure
    card: headlines.Card | None      # None when no year is chosen


def absence_panel(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str, comparator: str,
                  end_year: int | None) -> AbsencePanel:
    figure = headlines.trend_figure(con, measure_id, la_code, neighbour_set_for(comparator), end_year)
    card = None if end_year is None else headlines.card(con, measure_id, la_code, end_year, comparator)
    return AbsencePanel(figure, card)

# ---- absence: schools against national --------------------------------------------------------------

def _has_tables(con, *names: str) -> bool:
    found = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name IN (SELECT unnest(?))",
        [list(names)]).fetchall()}
    return set(names) <= found


def school_absence_years(con: duckdb.DuckDBPyConnection, la_code: str) -> list[int]:
    if not _has_tables(con, "school_results", "schools"):
        return []
    rows = con.execute(
        """
        SELECT DISTINCT r.end_year FROM school_results r JOIN schools s USING (urn)
        WHERE s.la_code = ? AND r.measure_id IN ('abs_overall', 'abs_persistent') ORDER BY 1
        """,
        [la_code],
    ).fetchall()
    return [r[0] for r in rows]


def school_absence(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int) -> pd.DataFrame:
    """Each open state-funded mainstream school's overall and persistent absence beside the national figure
    for its phase (DfE's national rows are state-funded); special and independent schools are left out, as
    DfE compares them apart. A predecessor's figure is listed under the school open today.

    Phase comes from the school register, or else from the DfE establishment number
    (2xxx/3xxx primary, 4xxx-6xxx secondary, 7xxx special). Empty when school tables are absent.
    """
    columns = ["school", "urn", "phase", "overall", "overall_code", "national_overall", "persistent",
               "persistent_code", "national_persistent", "above_national_overall", "above_national_persistent",
               "source_id"]
    if not _has_tables(con, "school_results", "schools", "school_benchmarks"):
        return pd.DataFrame(columns=columns)
    frame = con.execute(
        f"""
        WITH phased AS (
            SELECT p.urn AS published_urn, COALESCE(p.successor_urn, p.urn) AS urn,
                   COALESCE(today.name, p.name) AS name, CASE
                WHEN lower(p.phase) LIKE '%primary%' OR lower(p.phase) LIKE '%infant%'
                     OR lower(p.phase) LIKE '%junior%' THEN 'primary'
                WHEN lower(p.phase) LIKE '%special%' THEN 'special'
                WHEN lower(p.phase) LIKE '%secondary%' OR lower(p.phase) LIKE '%16%' OR lower(p.phase) LIKE '%through%'
                    THEN 'secondary'
                WHEN left(p.estab, 1) IN ('1', '2', '3') THEN 'primary'
                WHEN left(p.estab, 1) IN ('4', '5', '6') THEN 'secondary'
                WHEN left(p.estab, 1) = '7' THEN 'special' END AS phase
            FROM schools p LEFT JOIN schools today ON today.urn = p.successor_urn
            WHERE p.la_code = $la AND p.comparison_group = $compared AND COALESCE(today.is_open, p.is_open)
        ),
        results AS (
            SELECT urn, measure_id, value, value_code, source_id FROM school_results
            WHERE end_year = $year AND pupil_group = 'all' AND measure_id IN ('abs_overall', 'abs_persistent')
            QUALIFY row_number() OVER (PARTITION BY urn, measure_id ORDER BY {versions.rank_sql()}) = 1
        ),
        national AS (
            SELECT school_phase, measure_id, value FROM school_benchmarks
            WHERE area_code = $england AND end_year = $year AND pupil_group = 'all'
              AND measure_id IN ('abs_overall', 'abs_persistent')
            QUALIFY row_number() OVER (PARTITION BY school_phase, measure_id ORDER BY {versions.rank_sql()}) = 1
        )
        SELECT p.name AS school, p.urn, p.phase,
               o.value AS overall, o.value_code AS overall_code, no.value AS national_overall,
               pa.value AS persistent, pa.value_code AS persistent_code, np.value AS national_persistent,
               o.value > no.value AS above_national_overall, pa.value > np.value AS above_national_persistent,
               COALESCE(o.source_id, pa.source_id) AS source_id
        FROM phased p
        LEFT JOIN results o ON o.urn = p.published_urn AND o.measure_id = 'abs_overall'
        LEFT JOIN results pa ON pa.urn = p.published_urn AND pa.measure_id = 'abs_persistent'
        LEFT JOIN national no ON no.school_phase = p.phase AND no.measure_id = 'abs_overall'
        LEFT JOIN national np ON np.school_phase = p.phase AND np.measure_id = 'abs_persistent'
        WHERE o.urn IS NOT NULL OR pa.urn IS NOT NULL
        ORDER BY p.phase, p.name
        """,
        {"la": la_code, "year": end_year, "england": ENGLAND_CODE, "compared": school_types.COMPARED},
    ).df()
    return frame[columns]


# ---- admissions -----------------------------------------------------------------------------------

def five_year_average(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str,
                      end_year: int) -> dict | None:
    """Mean of the yearly rates over the five years up to `end_year` (as the council's review quotes
    it), with the years it covers; None unless all five years have a value."""
    rows = con.execute(
        """
        SELECT end_year, value, source_id FROM la_results
        WHERE measure_id = ? AND area_code = ? AND end_year BETWEEN ? AND ? AND value IS NOT NULL
        ORDER BY end_year
        """,
        [measure_id, la_code, end_year - 4, end_year],
    ).fetchall()
    if len(rows) < 5:
        return None
    values = [r[1] for r in rows]
    return {"mean": sum(values) / len(values), "years": [r[0] for r in rows], "values": values,
            "first_label": academic_year_label(rows[0][0]), "last_label": academic_year_label(rows[-1][0]),
            "source_ids": sorted({r[2] for r in rows})}


def latest_five_year_average(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str,
                             up_to: int) -> dict | None:
    """The five-year average ending at `up_to`, or else at the latest earlier year that has five in a row."""
    years = [r[0] for r in con.execute(
        "SELECT DISTINCT end_year FROM la_results WHERE measure_id = ? AND area_code = ? AND end_year <= ? "
        "AND value IS NOT NULL ORDER BY end_year DESC", [measure_id, la_code, up_to]).fetchall()]
    for end_year in years:
        average = five_year_average(con, measure_id, la_code, end_year)
        if average is not None:
            return average
    return None



def first_preference_averages(con: duckdb.DuckDBPyConnection, la_code: str, up_to: int) -> dict[str, dict | None]:
    """The latest first-preference five-year average per phase ('primary', 'secondary'), each with
    `simulated` (whether any yearly figure in it is simulated): the Admissions page's cards in one call."""
    averages = {}
    for phase in ("primary", "secondary"):
        average = latest_five_year_average(con, f"admissions_first_pref_{phase}", la_code, up_to)
        if average is not None:
            average["simulated"] = bool(sources(con, average["source_ids"])["is_simulated"].any())
        averages[phase] = average
    return averages

def preference_breakdown(con: duckdb.DuckDBPyConnection, la_code: str, phase: str, end_year: int,
                         neighbour_set: str) -> pd.DataFrame:
    """First, second, third preference, not-named and no-offer rates in one year: LA, England, region and
    the neighbour mean (with how many neighbours it covers). The year is labelled as every page labels it."""
    region = region_of(con, la_code)
    measure_ids = [f"{stem}_{phase}" for stem, _ in PREFERENCES]
    labels = {f"{stem}_{phase}": label for stem, label in PREFERENCES}
    own = con.execute(
        """
        SELECT r.measure_id, r.area_code, COALESCE(a.name, r.area_code) AS series, r.value, r.value_code,
               r.version, r.source_id, r.source_row,
               CASE r.area_code WHEN $la THEN 'la' WHEN $england THEN 'england' ELSE 'region' END AS role,
               NULL::BIGINT AS neighbours_counted
        FROM la_results r LEFT JOIN areas a USING (area_code)
        WHERE r.measure_id IN (SELECT unnest($measures)) AND r.end_year = $year
          AND r.area_code IN ($la, $england, $region)
        """,
        {"la": la_code, "england": ENGLAND_CODE, "region": region, "measures": measure_ids, "year": end_year},
    ).df()
    ids = neighbours(con, la_code, neighbour_set)["area_code"].tolist()
    mean = con.execute(
        """
        SELECT measure_id, NULL AS area_code, 'Statistical neighbours (mean)' AS series, avg(value) AS value,
               CASE WHEN count(value) = 0 THEN 'x' END AS value_code,
               CASE WHEN count(DISTINCT COALESCE(version, 'unstated')) FILTER (WHERE value IS NOT NULL) = 1
                    THEN any_value(version) FILTER (WHERE value IS NOT NULL)
                    WHEN count(value) > 0 THEN 'mixed' END AS version,
               min(source_id) AS source_id, NULL::INTEGER AS source_row, 'neighbours' AS role,
               count(value) AS neighbours_counted
        FROM la_results WHERE measure_id IN (SELECT unnest(?)) AND end_year = ? AND area_code IN (SELECT unnest(?))
        GROUP BY measure_id
        """,
        [measure_ids, end_year, ids or ["-"]],
    ).df()
    frame = pd.concat([own, mean], ignore_index=True)
    frame["year_label"] = academic_year_label(end_year)
    frame["preference"] = frame["measure_id"].map(labels)
    frame["order"] = frame["measure_id"].map({m: i for i, m in enumerate(measure_ids)})
    return frame.sort_values(["role", "order"]).reset_index(drop=True)


def admissions_years(con: duckdb.DuckDBPyConnection, la_code: str) -> list[int]:
    rows = con.execute("SELECT DISTINCT end_year FROM la_results WHERE area_code = ? AND measure_id LIKE "
                       "'admissions_%pref%' AND value IS NOT NULL ORDER BY 1", [la_code]).fetchall()
    return [r[0] for r in rows]
