"""Queries for the Destinations page (parameterised SQL, DataFrames out).

Shares of a cohort are computed from counts where counts are published (the published
percentages are whole numbers and need not add to 100); a suppressed category stays
suppressed, with its code, and is never filled in by subtraction.
"""
from __future__ import annotations

import dataclasses

import duckdb
import pandas as pd

from rutland_data.queries.la import area_name, comparator_series, neighbours, region_of
from rutland_data.reference import measures
from rutland_data.reference.codes import ENGLAND_CODE, academic_year

COHORT = "Cohort"
TOTAL_GROUP = "Total"
# Categories in the order the stacked bars show them (education first, then work, then the rest).
CATEGORY_ORDER = [
    "School sixth form", "Sixth-form college", "Further education", "Higher education", "Other education",
    "Apprenticeship", "Employment", "Not sustained", "Activity not captured",
]

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
    """Counts summed over the areas whose every category is published, with how many that was: out of how many
    for neighbours (a fixed list of ten), but not for a region, whose LAs a file may not all have (the 16-18
    file has no Northamptonshire row) and whose count changed with reorganisation."""
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
    out_of = f" of {len(set(area_codes))}" if role == "neighbours" else ""
    pooled["series"] = f"{name} (pooled, {kept['area_code'].nunique()}{out_of} LAs)"
    pooled["role"], pooled["area_code"] = role, None
    pooled["percent"], pooled["value_code"], pooled["source_row"] = None, None, None
    pooled["neighbours_counted"] = kept["area_code"].nunique()
    return pooled


def destination_measure(category: str) -> measures.Measure:
    """The dictionary's destination share, named for one category, so the trend chart can draw it."""
    share = measures.where("destinations")[0]
    return dataclasses.replace(share, name=f"{category}: share of the cohort", short_label=category,
                               chart_title=category, axis_label=f"{category} (%)",
                               description=f"Pupils whose sustained destination was: {category}.")


def destination_trend(con: duckdb.DuckDBPyConnection, la_code: str, stage: str, category: str,
                      neighbour_set: str) -> pd.DataFrame:
    """One destination category's published percentage by cohort: LA, England, region and the neighbour mean
    (with how many neighbours it covers), shaped like `la.trend` (the files state no version)."""
    frame = comparator_series(
        con, "SELECT category AS key, cohort_end_year AS end_year, area_code, percent AS value, value_code, "
             "NULL::TEXT AS version, source_id, source_row FROM destinations "
             "WHERE stage = $stage AND category = $category", {"stage": stage, "category": category},
        la_code, neighbour_set)
    return frame.drop(columns=["key", "version"]).assign(year_label=lambda f: f["end_year"].map(academic_year))


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
