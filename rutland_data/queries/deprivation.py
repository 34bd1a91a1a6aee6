"""Parameterised queries for the deprivation map: LSOAs with their IoD figures, wards, schools.

An IoD edition is only ever joined to the LSOAs it was published for (IoD2015/2019: 2011
LSOAs; IoD2025: 2021 LSOAs). Asking for another vintage raises `VintageMismatch` rather
than matching codes that happen to be the same in both.
"""
from __future__ import annotations

import json

import duckdb
import pandas as pd
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from rutland_data.queries import schools as school_queries
from rutland_data.reference import measures, school_types
from rutland_data.reference.codes import EDITION_LSOA_VINTAGE, IOD_INDICATORS, LSOAS_IN_ENGLAND
from rutland_data.store import db
from rutland_data.store.geometry import display_geometry


class VintageMismatch(ValueError):
    """An IoD edition was asked for on LSOA boundaries it was not published for."""


def lsoas_in_england(lsoa_vintage: str) -> int:
    return LSOAS_IN_ENGLAND[lsoa_vintage]


def edition_vintage(con: duckdb.DuckDBPyConnection, edition: int) -> str:
    """The LSOA vintage an edition's loaded rows use (the published one if nothing is loaded)."""
    rows = con.execute("SELECT DISTINCT lsoa_vintage FROM deprivation WHERE edition = ?", [edition]).fetchall()
    return rows[0][0] if len(rows) == 1 else EDITION_LSOA_VINTAGE[edition]


def check_vintage(con: duckdb.DuckDBPyConnection, edition: int, lsoa_vintage: str) -> None:
    """The vintage guard: refuse to put an edition on another vintage's LSOAs."""
    published = edition_vintage(con, edition)
    if lsoa_vintage != published:
        raise VintageMismatch(
            f"IoD {edition} is published for {published} LSOAs, so it cannot be shown on {lsoa_vintage} LSOAs. "
            f"LSOA codes were split, merged or redrawn between 2011 and 2021, so matching them would be wrong "
            f"for some areas. Show IoD {edition} on {published} LSOA boundaries, or choose an edition published "
            f"for {lsoa_vintage} LSOAs (IoD2025 uses 2021 LSOAs; IoD2015 and IoD2019 use 2011 LSOAs)."
        )


def la_ons_code(con: duckdb.DuckDBPyConnection, la_code: str) -> str | None:
    """The LA's ONS code (E06000017 for DfE 857) from `areas`; if no loaded file links the two, the LA
    whose LSOAs carry its name (ONS names LSOAs '<LA name> 001A'). None when neither says."""
    row = con.execute("SELECT new_la_code FROM areas WHERE area_code = ? AND new_la_code IS NOT NULL",
                      [la_code]).fetchall()
    if row:
        return row[0][0]
    named = con.execute(
        """SELECT DISTINCT g.la_code FROM geographies g JOIN areas a ON a.area_code = ?
        WHERE g.kind = 'lsoa' AND g.la_code IS NOT NULL AND starts_with(g.name, a.name || ' ')""",
        [la_code]).fetchall()
    return named[0][0] if len(named) == 1 else None


_LA_LSOAS = """
    la_lsoas AS (
        SELECT code FROM geographies WHERE kind = 'lsoa' AND vintage = $vintage AND la_code = $la
        UNION
        SELECT from_code FROM lookups
        WHERE from_kind = 'lsoa' AND from_vintage = $vintage AND to_kind = 'lad' AND to_code = $la
    )"""


def geography_coverage(con: duckdb.DuckDBPyConnection, la_ons: str | None) -> tuple[int, list[str], int]:
    """(the LA's LSOAs and wards loaded, the names of the LAs that have any, deprivation rows loaded for any
    area): why an LA may have no map - no boundaries for it, or no deprivation figures at all."""
    own = con.execute("SELECT count(*) FROM geographies WHERE la_code = ?", [la_ons]).fetchone()[0] if la_ons else 0
    covered = [r[0] for r in con.execute(
        "SELECT DISTINCT COALESCE(a.name, g.la_code) FROM geographies g LEFT JOIN areas a ON a.new_la_code = g.la_code "
        "WHERE g.la_code IS NOT NULL ORDER BY 1").fetchall()]
    figures = con.execute("SELECT count(*) FROM deprivation").fetchone()[0]
    return own, covered, figures


def editions(con: duckdb.DuckDBPyConnection, la_ons: str) -> pd.DataFrame:
    """Editions with figures for the LA's LSOAs: edition, lsoa_vintage, lsoas, is_simulated."""
    frames = []
    for edition, vintage in EDITION_LSOA_VINTAGE.items():
        frames.append(con.execute(
            f"""WITH {_LA_LSOAS}
            SELECT d.edition, d.lsoa_vintage, count(DISTINCT d.lsoa_code) AS lsoas,
                   bool_or(s.is_simulated) AS is_simulated
            FROM deprivation d JOIN la_lsoas l ON l.code = d.lsoa_code JOIN sources s USING (source_id)
            WHERE d.edition = $edition AND d.lsoa_vintage = $vintage AND d.decile IS NOT NULL
            GROUP BY ALL""",
            {"vintage": vintage, "la": la_ons, "edition": edition},
        ).df())
    found = pd.concat(frames, ignore_index=True)
    return found.sort_values("edition", ascending=False).reset_index(drop=True)


def indicators(con: duckdb.DuckDBPyConnection, la_ons: str, edition: int) -> pd.DataFrame:
    """Indicators of an edition with deciles for the LA's LSOAs, in display order: indicator, label."""
    vintage = edition_vintage(con, edition)
    present = {r[0] for r in con.execute(
        f"""WITH {_LA_LSOAS}
        SELECT DISTINCT indicator FROM deprivation d JOIN la_lsoas l ON l.code = d.lsoa_code
        WHERE d.edition = $edition AND d.decile IS NOT NULL""",
        {"vintage": vintage, "la": la_ons, "edition": edition},
    ).fetchall()}
    return pd.DataFrame([(i, label) for i, label in IOD_INDICATORS.items() if i in present],
                        columns=["indicator", "label"])


def ward_vintages(con: duckdb.DuckDBPyConnection, la_ons: str, lsoa_vintage: str) -> list[str]:
    """Ward lookups available for the LA's LSOAs of a vintage, newest first."""
    rows = con.execute(
        f"""WITH {_LA_LSOAS}
        SELECT DISTINCT k.to_vintage FROM lookups k JOIN la_lsoas l ON l.code = k.from_code
        WHERE k.from_kind = 'lsoa' AND k.from_vintage = $vintage AND k.to_kind = 'ward'
        ORDER BY 1 DESC""",
        {"vintage": lsoa_vintage, "la": la_ons},
    ).fetchall()
    return [r[0] for r in rows]


def lsoa_deprivation(con: duckdb.DuckDBPyConnection, la_ons: str, edition: int, indicator: str,
                     ward_vintage: str | None = None, lsoa_vintage: str | None = None) -> pd.DataFrame:
    """Every LSOA of the LA with its decile, rank, score, population and best-fit ward.

    `lsoa_vintage` defaults to the edition's own; any other value raises VintageMismatch.
    Columns: lsoa_code, lsoa_name, decile, rank, score, population, census_2021_residents, ward_code,
    ward_name, display_geometry, label_lon, label_lat, is_approximate, source_id, source_row,
    geometry_source_id, ward_lookup_source_id.
    """
    vintage = lsoa_vintage or edition_vintage(con, edition)
    check_vintage(con, edition, vintage)
    if ward_vintage is None:
        available = ward_vintages(con, la_ons, vintage)
        ward_vintage = available[0] if available else ""
    return con.execute(
        f"""WITH {_LA_LSOAS},
        population AS (  -- the edition's own denominators; else another edition's on the same LSOAs
            SELECT lsoa_code, arg_max(population, (edition = $edition)::INT * 10000 + edition) AS population
            FROM deprivation
            WHERE indicator = 'population_total' AND lsoa_vintage = $vintage
            GROUP BY lsoa_code
        ),
        census AS (
            SELECT code, sum(persons) AS residents FROM area_population
            WHERE kind = 'lsoa' AND vintage = $vintage AND reference = 'Census 2021 usual residents'
            GROUP BY code
        ),
        wards AS (
            SELECT code, arg_max(name, vintage) AS name FROM geographies WHERE kind = 'ward' GROUP BY code
        )
        SELECT l.code AS lsoa_code, COALESCE(g.name, l.code) AS lsoa_name, d.decile, d.rank, d.score,
               p.population, c.residents AS census_2021_residents,
               k.to_code AS ward_code, COALESCE(w.name, k.to_code) AS ward_name,
               g.display_geometry, g.label_lon, g.label_lat, COALESCE(g.is_approximate, FALSE) AS is_approximate,
               d.source_id, d.source_row, g.source_id AS geometry_source_id, k.source_id AS ward_lookup_source_id
        FROM la_lsoas l
        JOIN deprivation d ON d.lsoa_code = l.code AND d.edition = $edition AND d.indicator = $indicator
                          AND d.lsoa_vintage = $vintage
        LEFT JOIN geographies g ON g.kind = 'lsoa' AND g.vintage = $vintage AND g.code = l.code
        LEFT JOIN population p ON p.lsoa_code = l.code
        LEFT JOIN census c ON c.code = l.code
        LEFT JOIN lookups k ON k.from_kind = 'lsoa' AND k.from_vintage = $vintage AND k.from_code = l.code
                           AND k.to_kind = 'ward' AND k.to_vintage = $ward_vintage
        LEFT JOIN wards w ON w.code = k.to_code
        ORDER BY d.rank NULLS LAST, l.code""",
        {"vintage": vintage, "la": la_ons, "edition": edition, "indicator": indicator,
         "ward_vintage": ward_vintage},
    ).df()


def population_note(con: duckdb.DuckDBPyConnection, edition: int) -> str:
    """Which population the ward shares are weighted by, in words."""
    own = con.execute("SELECT count(*) FROM deprivation WHERE edition = ? AND indicator = 'population_total'",
                      [edition]).fetchall()[0][0]
    if own:
        return f"Population: the IoD {edition} population denominators."
    vintage = edition_vintage(con, edition)
    other = con.execute(
        "SELECT max(edition) FROM deprivation WHERE lsoa_vintage = ? AND indicator = 'population_total'",
        [vintage]).fetchall()[0][0]
    if other:
        return (f"Population: IoD {edition} publishes no denominators here, so the IoD {other} denominators for the "
                f"same {vintage} LSOAs are used.")
    return "Population: no population denominators are loaded, so population shares are not shown."


def ward_boundaries(con: duckdb.DuckDBPyConnection, la_ons: str, ward_vintage: str, lsoa_vintage: str) -> pd.DataFrame:
    """Outlines of the wards in a lookup vintage (matched by code: ONS gives a redrawn ward a new code),
    including wards of the LA that no LSOA is assigned to. Columns: ward_code, ward_name, display_geometry,
    label_lon, label_lat, is_approximate, source_id."""
    return con.execute(
        f"""WITH {_LA_LSOAS},
        lookup_wards AS (
            SELECT DISTINCT k.to_code AS code FROM lookups k JOIN la_lsoas l ON l.code = k.from_code
            WHERE k.from_kind = 'lsoa' AND k.from_vintage = $vintage AND k.to_kind = 'ward'
              AND k.to_vintage = $ward_vintage
        ),
        same_set AS (  -- the boundary file those wards come from, so unassigned wards of it show too
            SELECT DISTINCT g.vintage FROM geographies g JOIN lookup_wards w USING (code) WHERE g.kind = 'ward'
        )
        SELECT g.code AS ward_code, g.name AS ward_name, g.display_geometry, g.label_lon, g.label_lat,
               g.is_approximate, g.source_id
        FROM geographies g
        WHERE g.kind = 'ward' AND (g.code IN (SELECT code FROM lookup_wards)
              OR (g.vintage IN (SELECT vintage FROM same_set) AND g.la_code = $la))
        QUALIFY row_number() OVER (PARTITION BY g.code ORDER BY g.vintage DESC) = 1
        ORDER BY g.name""",
        {"vintage": lsoa_vintage, "la": la_ons, "ward_vintage": ward_vintage},
    ).df()


def county_outline(con: duckdb.DuckDBPyConnection, la_ons: str) -> dict | None:
    """The LA's outline (GeoJSON), dissolved from its newest ward set, else its LSOAs; None if no boundaries."""
    for kind in ("ward", "lsoa"):
        rows = con.execute(
            """SELECT display_geometry FROM geographies
            WHERE kind = ? AND la_code = ? AND vintage = (SELECT max(vintage) FROM geographies
                                                          WHERE kind = ? AND la_code = ?)""",
            [kind, la_ons, kind, la_ons],
        ).fetchall()
        if rows:
            merged = unary_union([shape(json.loads(r[0])).buffer(0.0001) for r in rows]).buffer(-0.0001)
            return display_geometry(mapping(merged))
    return None


def schools(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """Open schools of the LA with whatever location the register gives (empty if no schools are loaded), and
    where a loaded ONS postcode lookup places the school's postcode: its LSOA (2021 first), that LSOA's label
    point and the lookup's ward. Columns: urn, name, phase, comparison_group, ward_code, easting, northing, lat,
    lon, postcode, source_id, postcode_lsoa, postcode_lon, postcode_lat, postcode_ward, postcode_source_id,
    postcode_lookup_loaded."""
    columns = ["urn", "name", "phase", "comparison_group", "ward_code", "easting", "northing", "lat", "lon",
               "postcode", "source_id"]
    postcode_columns = ["postcode_lsoa", "postcode_lon", "postcode_lat", "postcode_ward", "postcode_source_id",
                        "postcode_lookup_loaded"]
    if not db.has_tables(con, "schools"):
        return pd.DataFrame(columns=columns + postcode_columns)
    return con.execute(
        f"""
        SELECT {', '.join('s.' + c for c in columns)},
               COALESCE(g21.code, g11.code) AS postcode_lsoa, COALESCE(g21.label_lon, g11.label_lon) AS postcode_lon,
               COALESCE(g21.label_lat, g11.label_lat) AS postcode_lat, p.ward_code AS postcode_ward,
               p.source_id AS postcode_source_id,
               EXISTS (SELECT 1 FROM sources WHERE importer = 'ONS postcode lookup') AS postcode_lookup_loaded
        FROM schools s
        LEFT JOIN postcode_areas p ON p.postcode = s.postcode
        LEFT JOIN geographies g21 ON g21.kind = 'lsoa' AND g21.vintage = '2021' AND g21.code = p.lsoa21_code
        LEFT JOIN geographies g11 ON g11.kind = 'lsoa' AND g11.vintage = '2011' AND g11.code = p.lsoa11_code
        WHERE s.la_code = ? AND s.is_open ORDER BY s.name
        """, [la_code]).df()


def school_results_for_scatter(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str) -> pd.DataFrame:
    """Each open state-funded mainstream school's latest % FSM ever 6 and latest result on `measure_id` (all
    pupils), a predecessor's figures counting as its successor's; location plays no part.
    Columns: urn, name, phase, fsm6_pct, fsm6_year, result, result_code, result_year, result_published_as
    ('' or whose figure it was), cohort_n, result_source_id, fsm_source_id."""
    columns = ["urn", "name", "phase", "fsm6_pct", "fsm6_year", "result", "result_code", "result_year",
               "result_published_as", "cohort_n", "result_source_id", "fsm_source_id"]
    if not db.has_tables(con, "school_results", "schools"):
        return pd.DataFrame(columns=columns)
    found = school_queries.shown_results(
        con, "p.la_code = $la AND r.pupil_group = 'all' AND r.measure_id IN ('school_fsm6_pct', $measure)",
        {"la": la_code, "measure": measure_id})
    found = found[found["school_is_open"].astype(bool) & (found["comparison_group"] == school_types.COMPARED)]
    latest = (found.assign(_no_value=found["value"].isna())
              .sort_values(["end_year", "_no_value", "from_predecessor"], ascending=[False, True, True])
              .drop_duplicates(["school_urn", "measure_id"]))
    fsm = latest[latest["measure_id"] == "school_fsm6_pct"].set_index("school_urn")
    result = latest[latest["measure_id"] == measure_id].set_index("school_urn")
    both = fsm.index.intersection(result.index)
    frame = pd.DataFrame({
        "urn": both, "name": result.loc[both, "school"].to_numpy(), "phase": result.loc[both, "phase"].to_numpy(),
        "fsm6_pct": fsm.loc[both, "value"].to_numpy(), "fsm6_year": fsm.loc[both, "end_year"].to_numpy(),
        "result": result.loc[both, "value"].to_numpy(), "result_code": result.loc[both, "value_code"].to_numpy(),
        "result_year": result.loc[both, "end_year"].to_numpy(),
        "result_published_as": [f"published under the predecessor school {name} (URN {urn})" if earlier else ""
                                for name, urn, earlier in zip(result.loc[both, "published_name"],
                                                              result.loc[both, "urn"],
                                                              result.loc[both, "from_predecessor"])],
        "cohort_n": result.loc[both, "cohort_n"].to_numpy(),
        "result_source_id": result.loc[both, "source_id"].to_numpy(),
        "fsm_source_id": fsm.loc[both, "source_id"].to_numpy()})
    return frame[columns].sort_values("name").reset_index(drop=True)


def scatter_measures(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """The dictionary's scatter measures the LA's schools have all-pupil results for: measure_id, short_label,
    unit, in dictionary order."""
    columns = ["measure_id", "short_label", "unit"]
    if not db.has_tables(con, "school_results", "schools"):
        return pd.DataFrame(columns=columns)
    candidates = measures.where("map_scatter")
    found = {r[0] for r in con.execute(
        "SELECT DISTINCT r.measure_id FROM school_results r JOIN schools s USING (urn) WHERE s.la_code = ? "
        "AND r.pupil_group = 'all' AND r.value IS NOT NULL AND list_contains(?, r.measure_id)",
        [la_code, [m.measure_id for m in candidates]]).fetchall()}
    return pd.DataFrame([(m.measure_id, m.short_label, m.unit) for m in candidates if m.measure_id in found],
                        columns=columns)


def ward_label_points(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, float]]:
    """Label point of every ward loaded, whatever its boundary set."""
    return {code: (lon, lat) for code, lon, lat in con.execute(
        "SELECT code, arg_max(label_lon, vintage), arg_max(label_lat, vintage) FROM geographies "
        "WHERE kind = 'ward' GROUP BY code").fetchall()}
