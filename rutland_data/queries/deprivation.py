"""Parameterised queries for the deprivation map: LSOAs with their IoD figures, wards, schools.

An IoD edition is only ever joined to the LSOAs it was published for (IoD2015/2019: 2011
LSOAs; IoD2025: 2021 LSOAs). Asking for another vintage raises `VintageMismatch` rather
than matching codes that happen to be the same in both. Ward figures are derived here
(MHCLG publishes none) from ONS best-fit LSOA -> ward lookups, and are labelled so.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass

import duckdb
import pandas as pd
from pyproj import Transformer
from shapely.geometry import Point, mapping, shape
from shapely.ops import unary_union

from rutland_data.queries import schools as school_queries
from rutland_data.reference import school_types
from rutland_data.ingest.importers.iod import EDITION_LSOA_VINTAGE, INDICATORS, LSOAS_IN_ENGLAND
from rutland_data.ingest.importers.ons_geo import display_geometry

MOST_DEPRIVED_DECILES = {"30%": 3, "40%": 4}
POCKET_MAX_DECILE = 4
SPREAD_DEGREES = 0.003  # about 330 m north-south: schools sharing an approximate position are set this far apart


class VintageMismatch(ValueError):
    """An IoD edition was asked for on LSOA boundaries it was not published for."""


def basemap_enabled() -> bool:
    """External map tiles are off unless DASHBOARD_BASEMAP=1: the page must work offline and on an intranet."""
    return os.environ.get("DASHBOARD_BASEMAP", "").strip().lower() in ("1", "true", "yes")


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
    return pd.DataFrame([(i, label) for i, label in INDICATORS.items() if i in present],
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


def ward_summary(lsoas: pd.DataFrame, wards: pd.DataFrame) -> pd.DataFrame:
    """Derived ward figures from the LSOA rows: how many LSOAs, and how much of the population,
    lie in England's most deprived 30% and 40% (wards are not official IoD geographies).
    Wards with no LSOA assigned by the best-fit lookup are kept, with no figures."""
    rows = []
    names = dict(zip(wards["ward_code"], wards["ward_name"])) if not wards.empty else {}
    for code in sorted(set(names) | set(lsoas["ward_code"].dropna()), key=lambda c: names.get(c, c)):
        members = lsoas[lsoas["ward_code"] == code]
        name = names.get(code) or (members["ward_name"].iloc[0] if len(members) else code)
        row = {"ward_code": code, "ward_name": name, "lsoas": len(members)}
        known_population = members["population"].notna().all() and len(members) > 0
        total_population = members["population"].sum() if known_population else None
        row["population"] = int(total_population) if total_population is not None else None
        for label, worst in MOST_DEPRIVED_DECILES.items():
            inside = members[members["decile"] <= worst]
            row[f"lsoas_most_deprived_{label}"] = len(inside) if len(members) else None
            row[f"share_lsoas_most_deprived_{label}"] = (100.0 * len(inside) / len(members)) if len(members) else None
            row[f"share_population_most_deprived_{label}"] = (
                100.0 * inside["population"].sum() / total_population if total_population else None)
        row["most_deprived_decile"] = int(members["decile"].min()) if len(members) else None
        row["note"] = "" if len(members) else "no LSOA is assigned to this ward by the best-fit lookup"
        rows.append(row)
    return pd.DataFrame(rows)


def pockets(lsoas: pd.DataFrame) -> pd.DataFrame:
    """Every LSOA of the LA in national deciles 1-4 (the most deprived 40% of England), most deprived first."""
    found = lsoas[lsoas["decile"] <= POCKET_MAX_DECILE]
    return found.sort_values(["rank", "lsoa_code"])[
        ["lsoa_code", "lsoa_name", "ward_name", "ward_code", "decile", "rank", "score", "population"]
    ].reset_index(drop=True)


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


# ---------------------------------------------------------------- schools

def schools_table_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schools'").fetchall()[0][0])


def schools(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """Open schools of the LA with whatever location the register gives (empty if no schools are loaded).
    Columns: urn, name, phase, comparison_group, ward_code, easting, northing, lat, lon, source_id."""
    columns = ["urn", "name", "phase", "comparison_group", "ward_code", "easting", "northing", "lat", "lon",
               "source_id"]
    if not schools_table_exists(con):
        return pd.DataFrame(columns=columns)
    return con.execute(
        f"SELECT {', '.join(columns)} FROM schools WHERE la_code = ? AND is_open ORDER BY name", [la_code]).df()


def school_results_for_scatter(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str) -> pd.DataFrame:
    """Each open state-funded mainstream school's latest % FSM ever 6 and latest result on `measure_id` (all
    pupils), a predecessor's figures counting as its successor's; location plays no part.
    Columns: urn, name, phase, fsm6_pct, fsm6_year, result, result_code, result_year, cohort_n,
    result_source_id, fsm_source_id."""
    columns = ["urn", "name", "phase", "fsm6_pct", "fsm6_year", "result", "result_code", "result_year",
               "cohort_n", "result_source_id", "fsm_source_id"]
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'school_results'").fetchall()[0][0]
    if not exists or not schools_table_exists(con):
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
        "result_year": result.loc[both, "end_year"].to_numpy(), "cohort_n": result.loc[both, "cohort_n"].to_numpy(),
        "result_source_id": result.loc[both, "source_id"].to_numpy(),
        "fsm_source_id": fsm.loc[both, "source_id"].to_numpy()})
    return frame[columns].sort_values("name").reset_index(drop=True)


def scatter_measures(con: duckdb.DuckDBPyConnection, la_code: str) -> pd.DataFrame:
    """Headline school measures the LA's schools have results for: measure_id, short_label, unit."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'school_results'").fetchall()[0][0]
    if not exists or not schools_table_exists(con):
        return pd.DataFrame(columns=["measure_id", "short_label", "unit"])
    return con.execute(
        """
        SELECT DISTINCT m.measure_id, m.short_label, m.unit, m.sort_order
        FROM school_results r JOIN schools s USING (urn) JOIN measures m USING (measure_id)
        WHERE s.la_code = ? AND r.pupil_group = 'all' AND r.value IS NOT NULL
          AND m.measure_id IN ('ks2_rwm_exp', 'ks4_att8', 'ks4_p8', 'ks4_em95', 'ks2_read_prog', 'ks2_math_prog')
        ORDER BY m.sort_order
        """,
        [la_code],
    ).df()[["measure_id", "short_label", "unit"]]


_BNG_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def bng_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """British National Grid metres (GIAS Easting/Northing) -> (longitude, latitude) in WGS84."""
    lon, lat = _BNG_TO_WGS84.transform(float(easting), float(northing))
    return lon, lat


def ward_label_points(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, float]]:
    """Label point of every ward loaded, whatever its boundary set."""
    return {code: (lon, lat) for code, lon, lat in con.execute(
        "SELECT code, arg_max(label_lon, vintage), arg_max(label_lat, vintage) FROM geographies "
        "WHERE kind = 'ward' GROUP BY code").fetchall()}


def _spread(centre: tuple[float, float], position: int, count: int) -> tuple[float, float]:
    """Schools placed at their ward's centre are set around it in a small ring, so none hides another."""
    if count <= 1:
        return centre
    angle = 2 * math.pi * position / count
    return centre[0] + SPREAD_DEGREES * 1.6 * math.cos(angle), centre[1] + SPREAD_DEGREES * math.sin(angle)


def locate_schools(found: pd.DataFrame, wards: pd.DataFrame,
                   other_ward_points: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Give every school a map position and a ward, saying how each was found.

    Position: the register's latitude/longitude, else its Easting/Northing converted, else the
    label point of its ward (approximate; `other_ward_points` covers wards of another set than the one
    drawn). Ward: the register's if it is among `wards`, else the drawn ward the point falls in.
    Adds lon, lat, location_method, ward_code, ward_name; drops schools that cannot be placed at all.
    """
    shapes = {row.ward_code: shape(json.loads(row.display_geometry)) for row in wards.itertuples()}
    labels = {**(other_ward_points or {}),
              **{row.ward_code: (row.label_lon, row.label_lat) for row in wards.itertuples()}}
    names = dict(zip(wards["ward_code"], wards["ward_name"]))
    sharing: dict[str, list] = {}
    for school in found.to_dict("records"):
        if pd.notna(school.get("ward_code")):
            sharing.setdefault(school["ward_code"], []).append(school["urn"])
    placed = []
    for school in found.to_dict("records"):
        ward = school.get("ward_code") if pd.notna(school.get("ward_code")) else None
        if pd.notna(school.get("lat")) and pd.notna(school.get("lon")):
            lon, lat, method = float(school["lon"]), float(school["lat"]), "register latitude/longitude"
        elif pd.notna(school.get("easting")) and pd.notna(school.get("northing")):
            lon, lat = bng_to_wgs84(school["easting"], school["northing"])
            method = "register Easting/Northing (British National Grid)"
        elif ward in labels:
            lon, lat = _spread(labels[ward], sharing[ward].index(school["urn"]), len(sharing[ward]))
            method = "approximate: near the centre of its ward"
        else:
            continue
        if ward not in shapes:
            point = Point(lon, lat)
            ward = next((code for code, outline in shapes.items() if outline.contains(point)), ward)
        placed.append({**school, "lon": lon, "lat": lat, "location_method": method, "ward_code": ward,
                       "ward_name": names.get(ward, ward)})
    columns = list(found.columns) + [c for c in ("location_method", "ward_name") if c not in found.columns]
    return pd.DataFrame(placed, columns=columns)


def unplaced_schools(found: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    """The schools `locate_schools` could not put on the map, each with why (nothing is guessed).
    Columns: urn, name, phase, why."""
    missing = found[~found["urn"].isin(placed["urn"])]
    why = ["its ward (" + str(w) + ") is not among the loaded ward boundaries" if pd.notna(w) else
           "no latitude/longitude, grid reference or ward in any loaded register file"
           for w in missing.get("ward_code", pd.Series(None, index=missing.index))]
    return pd.DataFrame({"urn": missing["urn"], "name": missing["name"], "phase": missing["phase"], "why": why},
                        columns=["urn", "name", "phase", "why"]).reset_index(drop=True)


def placement_sentence(placed: pd.DataFrame, unplaced: pd.DataFrame) -> str:
    """How many of the LA's open schools are drawn, and why the rest are not."""
    total = len(placed) + len(unplaced)
    if not total:
        return "No open schools of this local authority are loaded, so none is drawn."
    if unplaced.empty:
        return f"All {total} open schools are drawn."
    if placed.empty:
        return (f"No school is drawn: none of the {total} open schools has a location in the loaded files (no "
                "GIAS establishment record with latitude/longitude, grid reference or ward). They are listed beside "
                "the map; their results are still on the Schools page and in the scatter below.")
    return (f"{len(placed)} of {total} open schools are drawn; {len(unplaced)} have no location in the loaded files "
            "and are listed beside the map.")


# ---------------------------------------------------------------- everything the map page shows

@dataclass(frozen=True)
class MapChoices:
    """The map page's filters for one LA in one cached call: its name and ONS code, the editions with figures
    ('IoD2025' -> 2025, newest first), each edition's LSOA vintage and indicators (label -> indicator),
    and the ward lookups for each LSOA vintage (newest first)."""

    la_name: str
    la_ons: str | None
    editions: dict[str, int]
    vintages: dict[int, str]
    indicators: dict[int, dict[str, str]]
    ward_vintages: dict[str, list[str]]


def map_choices(con: duckdb.DuckDBPyConnection, la_code: str) -> MapChoices:
    from rutland_data.queries import la as queries

    la_ons = la_ons_code(con, la_code)
    found = editions(con, la_ons) if la_ons else pd.DataFrame(columns=["edition"])
    edition_list = [int(e) for e in found["edition"]]
    vintages = {e: edition_vintage(con, e) for e in edition_list}
    listed = {e: indicators(con, la_ons, e) for e in edition_list}
    return MapChoices(
        la_name=queries.area_name(con, la_code),
        la_ons=la_ons,
        editions={f"IoD{e}": e for e in edition_list},
        vintages=vintages,
        indicators={e: dict(zip(frame["label"], frame["indicator"])) for e, frame in listed.items()},
        ward_vintages={v: ward_vintages(con, la_ons, v) for v in set(vintages.values())},
    )


def _map_layers(con: duckdb.DuckDBPyConnection, la_code: str, la_ons: str, edition: int, indicator: str,
                ward_vintage: str | None) -> tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(LSOA vintage, LSOAs with geometry, wards with geometry, located schools) behind the map."""
    vintage = edition_vintage(con, edition)
    lsoas = lsoa_deprivation(con, la_ons, edition, indicator, ward_vintage)
    wards = ward_boundaries(con, la_ons, ward_vintage or "", vintage)
    located = locate_schools(schools(con, la_code), wards, ward_label_points(con))
    return vintage, lsoas, wards, located


@dataclass
class DeprivationView:
    """The map page's figures for one edition, indicator and ward set, computed once (the page caches it)."""

    lsoas: pd.DataFrame           # one row per LSOA (no geometry): decile, rank, score, population, ward
    schools: pd.DataFrame         # located schools (see locate_schools)
    unplaced: pd.DataFrame        # open schools with no location, and why (see unplaced_schools)
    placement: str                # how many schools are drawn, and why not the rest
    ward_table: pd.DataFrame      # derived ward summary (see ward_summary)
    pockets: pd.DataFrame         # LSOAs in deciles 1-4
    pockets_table: pd.DataFrame   # the pockets with the number of LSOAs their ranks are out of
    deck: object                  # maps.CompactDeck, its JSON already built
    population_note: str
    lsoas_in_england: int
    is_approximate: bool
    source_ids: list[int]
    alt_text: str                 # the map's text alternative, naming every pocket
    lsoa_table: pd.DataFrame      # the map's data as a table
    scatter_measures: dict[str, str]  # measure_id -> short label, for the FSM scatter


def deprivation_view(con: duckdb.DuckDBPyConnection, la_code: str, la_ons: str, edition: int, indicator: str,
                     ward_vintage: str | None, basemap: bool) -> DeprivationView:
    from rutland_data.charts import maps  # the Deck builder; imported here so queries load without pydeck
    from rutland_data.queries import la as queries

    vintage, lsoas, wards, located = _map_layers(con, la_code, la_ons, edition, indicator, ward_vintage)
    unplaced = unplaced_schools(schools(con, la_code), located)
    placement = placement_sentence(located, unplaced)
    label = INDICATORS.get(indicator, indicator)
    in_england = lsoas_in_england(vintage)
    deck = maps.deprivation_deck(lsoas, wards, located, county_outline(con, la_ons),
                                 lsoas_in_england=in_england, indicator_label=label, basemap=basemap)
    deck.freeze()
    source_ids = sorted({int(i) for i in pd.concat([
        lsoas["source_id"], lsoas["geometry_source_id"], lsoas["ward_lookup_source_id"], wards["source_id"],
        located["source_id"]]).dropna()})
    found_pockets = pockets(lsoas)
    la_name = queries.area_name(con, la_code)
    alt_text = (
        f"Map of {la_name}'s {len(lsoas)} LSOAs coloured by national decile of the {label}, IoD{edition}, "
        f"with {len(wards)} ward outlines. {placement} "
        + (f"{len(found_pockets)} LSOAs are in England's most deprived 40% (deciles 1 to 4): "
           + "; ".join(f"{r.lsoa_name} in {r.ward_name}, decile {r.decile}" for r in found_pockets.itertuples()) + "."
           if len(found_pockets) else "No LSOA is in England's most deprived 40% (deciles 1 to 4) on this measure.")
        + f" The most deprived LSOA is decile {int(lsoas['decile'].min())}; the least deprived decile "
          f"{int(lsoas['decile'].max())}."
    )
    lsoa_table = lsoas[["lsoa_code", "lsoa_name", "ward_name", "decile", "rank", "score", "population",
                        "census_2021_residents", "source_id", "source_row"]].assign(
        rank_out_of=in_england).rename(columns={"population": "population_iod_denominator"})
    measures = scatter_measures(con, la_code)
    return DeprivationView(
        lsoas=lsoas.drop(columns="display_geometry"),
        schools=located, unplaced=unplaced, placement=placement, ward_table=ward_summary(lsoas, wards),
        pockets=found_pockets,
        pockets_table=found_pockets.assign(rank_out_of=in_england), deck=deck,
        population_note=population_note(con, edition), lsoas_in_england=in_england,
        is_approximate=bool(lsoas["is_approximate"].any() or wards["is_approximate"].any()),
        source_ids=source_ids, alt_text=alt_text, lsoa_table=lsoa_table,
        scatter_measures=dict(zip(measures["measure_id"], measures["short_label"])),
    )


@dataclass(frozen=True)
class ScatterView:
    """The FSM scatter for one result measure: its data, and its chart when any school has both figures."""

    frame: pd.DataFrame
    spec: dict | None
    alt_text: str
    source_ids: list


def scatter_view(con: duckdb.DuckDBPyConnection, la_code: str, la_ons: str, edition: int, indicator: str,
                 ward_vintage: str | None, measure_id: str, result_label: str) -> ScatterView:
    """Cached by the page: building the Altair chart costs tens of milliseconds on every rerun otherwise."""
    from rutland_data.charts import maps
    from rutland_data.charts.schools import page_spec

    _, lsoas, wards, located = _map_layers(con, la_code, la_ons, edition, indicator, ward_vintage)
    frame = maps.scatter_frame(school_results_for_scatter(con, la_code, measure_id), located,
                               ward_summary(lsoas, wards))
    if frame["result"].notna().sum() == 0:
        return ScatterView(frame, None, "", [])
    return ScatterView(frame, page_spec(maps.fsm_scatter(frame, result_label)),
                       maps.scatter_alt_text(frame, result_label),
                       frame["result_source_id"].dropna().tolist() + frame["fsm_source_id"].dropna().tolist())
