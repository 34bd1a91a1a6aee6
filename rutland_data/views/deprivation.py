"""What the deprivation map page shows: its filters, the LSOA, ward and school layers with how each school was
placed, the derived ward summary and the pockets in deciles 1-4, and the FSM scatter's data.

Ward figures are derived here (MHCLG publishes none) from ONS best-fit LSOA -> ward lookups, and are labelled
so. Data only: the map and the scatter are drawn by the figure registry (rutland_data/charts/figures.py).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import duckdb
import pandas as pd
from shapely.geometry import Point, shape

from rutland_data.queries.deprivation import (county_outline, edition_vintage, editions, geography_coverage,
                                              indicators, la_ons_code,
                                              lsoa_deprivation, lsoas_in_england, population_note,
                                              scatter_measures, school_results_for_scatter, schools,
                                              ward_boundaries, ward_label_points, ward_vintages)
from rutland_data.queries.la import area_name
from rutland_data.reference.codes import academic_year
from rutland_data.store.geometry import bng_to_wgs84


MOST_DEPRIVED_DECILES = {"30%": 3, "40%": 4}


POCKET_MAX_DECILE = 4


SPREAD_DEGREES = 0.003  # about 330 m north-south: schools sharing an approximate position are set this far apart


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


def _spread(centre: tuple[float, float], position: int, count: int) -> tuple[float, float]:
    """Schools placed at their ward's centre are set around it in a small ring, so none hides another."""
    if count <= 1:
        return centre
    angle = 2 * math.pi * position / count
    return centre[0] + SPREAD_DEGREES * 1.6 * math.cos(angle), centre[1] + SPREAD_DEGREES * math.sin(angle)


def locate_schools(found: pd.DataFrame, wards: pd.DataFrame,
                   other_ward_points: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Give every school a map position and a ward, saying how each was found.

    Position: the register's latitude/longitude, else its Easting/Northing converted, else the label point of
    the LSOA a loaded ONS postcode lookup puts its postcode in, else the label point of its ward (both
    approximate; `other_ward_points` covers wards of another set than the one drawn). Ward: the register's (or
    the postcode lookup's) if it is among `wards`, else the drawn ward the point falls in.
    Adds lon, lat, location_method, ward_code, ward_name; drops schools that cannot be placed at all.
    """
    shapes = {row.ward_code: shape(json.loads(row.display_geometry)) for row in wards.itertuples()}
    labels = {**(other_ward_points or {}),
              **{row.ward_code: (row.label_lon, row.label_lat) for row in wards.itertuples()}}
    names = dict(zip(wards["ward_code"], wards["ward_name"]))
    sharing: dict[str, list] = {}   # schools placed at one area's label point, set around it
    for school in found.to_dict("records"):
        if pd.notna(school.get("postcode_lsoa")):
            sharing.setdefault(school["postcode_lsoa"], []).append(school["urn"])
        if pd.notna(school.get("ward_code")):
            sharing.setdefault(school["ward_code"], []).append(school["urn"])
    placed = []
    for school in found.to_dict("records"):
        ward = next((school[c] for c in ("ward_code", "postcode_ward") if pd.notna(school.get(c))), None)
        lsoa = school.get("postcode_lsoa")
        if pd.notna(school.get("lat")) and pd.notna(school.get("lon")):
            lon, lat, method = float(school["lon"]), float(school["lat"]), "register latitude/longitude"
        elif pd.notna(school.get("easting")) and pd.notna(school.get("northing")):
            lon, lat = bng_to_wgs84(float(school["easting"]), float(school["northing"]))
            method = "register Easting/Northing (British National Grid)"
        elif pd.notna(lsoa) and pd.notna(school.get("postcode_lon")):
            lon, lat = _spread((float(school["postcode_lon"]), float(school["postcode_lat"])),
                               sharing[lsoa].index(school["urn"]), len(sharing[lsoa]))
            method = f"approximate: near the centre of its postcode's LSOA ({lsoa}; ONS postcode lookup)"
        elif ward in labels and ward in sharing:
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


NO_POSTCODE_LOOKUP = ("a postcode in the loaded files, but no grid reference or ward, and no postcode-to-LSOA "
                      "lookup to place it by")


def unplaced_schools(found: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    """The schools `locate_schools` could not put on the map, each with why (nothing is guessed).
    Columns: urn, name, phase, why."""
    missing = found[~found["urn"].isin(placed["urn"])]
    blank = pd.Series(None, index=missing.index)
    why = ["its ward (" + str(w) + ") is not among the loaded ward boundaries" if pd.notna(w) else
           (f"its postcode ({p}) is not in the loaded ONS postcode lookup, or its LSOA has no loaded boundary"
            if pd.notna(loaded) and bool(loaded) else NO_POSTCODE_LOOKUP) if pd.notna(p) else
           "no grid reference, ward or postcode in any loaded register file"
           for w, p, loaded in zip(missing.get("ward_code", blank), missing.get("postcode", blank),
                                   missing.get("postcode_lookup_loaded", blank))]
    return pd.DataFrame({"urn": missing["urn"], "name": missing["name"], "phase": missing["phase"], "why": why},
                        columns=["urn", "name", "phase", "why"]).reset_index(drop=True)


def placement_sentence(placed: pd.DataFrame, unplaced: pd.DataFrame) -> str:
    """How many of the LA's open schools are drawn, how (exactly, or approximately by postcode or ward), and why
    the rest are not."""
    total = len(placed) + len(unplaced)
    if not total:
        return "No open schools of this local authority are loaded, so none is drawn."
    with_postcode = int((unplaced["why"] == NO_POSTCODE_LOOKUP).sum()) if not unplaced.empty else 0
    postcode_clause = (f" {with_postcode} of them have a postcode in the loaded files, but no ONS postcode lookup "
                       "(ONS Postcode Directory or NSPL) is loaded to place them by it." if with_postcode else "")
    if unplaced.empty:
        sentence = f"All {total} open schools are drawn."
    elif placed.empty:
        sentence = (f"No school is drawn: none of the {total} open schools has a grid reference or ward in the loaded "
                    "files (grid references come from a GIAS establishment extract)." + postcode_clause
                    + " They are listed beside the map; their results are still on the Schools page and in the "
                    "scatter below.")
    else:
        sentence = (f"{len(placed)} of {total} open schools are drawn; {len(unplaced)} cannot be placed from the "
                    "loaded files and are listed beside the map." + postcode_clause.replace("of them", "of those"))
    by_postcode = int(placed["location_method"].str.contains("postcode", regex=False).sum()) if not placed.empty else 0
    if by_postcode:
        sentence += (f" {by_postcode} {'is' if by_postcode == 1 else 'are'} placed approximately, near the centre of "
                     "their postcode's LSOA (ONS postcode lookup), not at the school itself.")
    return sentence


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
    missing: str = ""             # why there is no map, when no edition has figures for the LA's LSOAs


def map_choices(con: duckdb.DuckDBPyConnection, la_code: str) -> MapChoices:
    la_ons = la_ons_code(con, la_code)
    found = editions(con, la_ons) if la_ons else pd.DataFrame(columns=["edition"])
    edition_list = [int(e) for e in found["edition"]]
    vintages = {e: edition_vintage(con, e) for e in edition_list}
    listed = {e: indicators(con, la_ons, e) for e in edition_list}
    return MapChoices(
        la_name=area_name(con, la_code),
        la_ons=la_ons,
        editions={f"IoD{e}": e for e in edition_list},
        vintages=vintages,
        indicators={e: dict(zip(frame["label"], frame["indicator"])) for e, frame in listed.items()},
        ward_vintages={v: ward_vintages(con, la_ons, v) for v in set(vintages.values())},
        missing="" if edition_list else no_map_reason(con, la_ons, area_name(con, la_code)),
    )


def no_map_reason(con: duckdb.DuckDBPyConnection, la_ons: str | None, la_name: str) -> str:
    """Why the LA has no map, in words: no boundaries for it (the geography files cover other LAs), or no
    deprivation figures at all."""
    own, covered, figures = geography_coverage(con, la_ons)
    if not own and covered:
        loaded = (f" England-wide Indices of Deprivation figures are loaded ({figures:,} rows), but without "
                  f"{la_name}'s LSOAs they cannot be placed in it." if figures else "")
        return (f"No LSOA or ward boundaries are loaded for {la_name}: the geography files cover "
                f"{', '.join(covered)} only, so its small areas cannot be mapped.{loaded} Load ONS LSOA boundaries "
                f"and lookups for {la_name} (see *About the data*).")
    return ("No Indices of Deprivation figures are loaded for this local authority's LSOAs. Load the IoD files "
            "and ONS LSOA boundaries (see *About the data*).")


@dataclass(frozen=True)
class MapLayers:
    """What the map is drawn from for one edition, indicator and ward set."""

    la_name: str
    lsoa_vintage: str
    lsoas: pd.DataFrame           # `lsoa_deprivation`, with display geometry
    wards: pd.DataFrame           # `ward_boundaries`, with display geometry
    schools: pd.DataFrame         # located schools (`locate_schools`)
    outline: dict | None          # the county outline (GeoJSON)
    lsoas_in_england: int         # how many LSOAs the ranks are out of

    @property
    def source_ids(self) -> list[int]:
        return sorted({int(i) for i in pd.concat([
            self.lsoas["source_id"], self.lsoas["geometry_source_id"], self.lsoas["ward_lookup_source_id"],
            self.wards["source_id"], self.schools["source_id"]]).dropna()})


def map_layers(con: duckdb.DuckDBPyConnection, la_code: str, la_ons: str, edition: int, indicator: str,
               ward_vintage: str | None) -> MapLayers:
    vintage = edition_vintage(con, edition)
    wards = ward_boundaries(con, la_ons, ward_vintage or "", vintage)
    return MapLayers(area_name(con, la_code), vintage, lsoa_deprivation(con, la_ons, edition, indicator, ward_vintage),
                     wards, locate_schools(schools(con, la_code), wards, ward_label_points(con)),
                     county_outline(con, la_ons), lsoas_in_england(vintage))


@dataclass(frozen=True)
class DeprivationView:
    """The map page's tables and sentences for one edition, indicator and ward set, computed once (the page
    caches it); the map itself is the figure registry's `deprivation_map`."""

    lsoas: pd.DataFrame           # one row per LSOA (no geometry): decile, rank, score, population, ward
    schools: pd.DataFrame         # located schools (see locate_schools)
    unplaced: pd.DataFrame        # open schools with no location, and why (see unplaced_schools)
    placement: str                # how many schools are drawn, and why not the rest
    ward_table: pd.DataFrame      # derived ward summary (see ward_summary)
    pockets: pd.DataFrame         # LSOAs in deciles 1-4
    pockets_table: pd.DataFrame   # the pockets with the number of LSOAs their ranks are out of
    population_note: str
    lsoas_in_england: int
    is_approximate: bool
    source_ids: list[int]
    lsoa_table: pd.DataFrame      # the map's data as a table
    scatter_measures: dict[str, str]  # measure_id -> short label, for the FSM scatter


def deprivation_view(con: duckdb.DuckDBPyConnection, la_code: str, la_ons: str, edition: int, indicator: str,
                     ward_vintage: str | None) -> DeprivationView:
    layers = map_layers(con, la_code, la_ons, edition, indicator, ward_vintage)
    lsoas, in_england = layers.lsoas, layers.lsoas_in_england
    unplaced = unplaced_schools(schools(con, la_code), layers.schools)
    found_pockets = pockets(lsoas)
    lsoa_table = lsoas[["lsoa_code", "lsoa_name", "ward_name", "decile", "rank", "score", "population",
                        "census_2021_residents", "source_id", "source_row"]].assign(
        rank_out_of=in_england).rename(columns={"population": "population_iod_denominator"})
    measures = scatter_measures(con, la_code)
    return DeprivationView(
        lsoas=lsoas.drop(columns="display_geometry"),
        schools=layers.schools, unplaced=unplaced, placement=placement_sentence(layers.schools, unplaced),
        ward_table=ward_summary(lsoas, layers.wards), pockets=found_pockets,
        pockets_table=found_pockets.assign(rank_out_of=in_england),
        population_note=population_note(con, edition), lsoas_in_england=in_england,
        is_approximate=bool(lsoas["is_approximate"].any() or layers.wards["is_approximate"].any()),
        source_ids=layers.source_ids, lsoa_table=lsoa_table,
        scatter_measures=dict(zip(measures["measure_id"], measures["short_label"])),
    )


WARD_BANDS = ["ward has an LSOA in England's most deprived 40%", "ward's LSOAs all outside the most deprived 40%",
              "ward not known, or no LSOA figure for it"]


def scatter_frame(con: duckdb.DuckDBPyConnection, la_code: str, la_ons: str, edition: int, indicator: str,
                  ward_vintage: str | None, measure_id: str) -> pd.DataFrame:
    """Each school's FSM/result pair with its ward and its ward's most deprived LSOA decile where the school
    is located; a school with no location keeps its point, band 'ward not known'."""
    columns = ["urn", "name", "phase", "ward_name", "ward_decile", "ward_band", "fsm6_pct", "fsm6_year", "result",
               "result_code", "result_year", "result_published_as", "cohort_n", "result_source_id", "fsm_source_id"]
    results = school_results_for_scatter(con, la_code, measure_id)
    if results.empty:
        return pd.DataFrame(columns=columns)
    layers = map_layers(con, la_code, la_ons, edition, indicator, ward_vintage)
    located = layers.schools[["urn", "ward_code", "ward_name"]] if not layers.schools.empty else \
        pd.DataFrame(columns=["urn", "ward_code", "ward_name"])
    ward_deciles = ward_summary(layers.lsoas, layers.wards)
    merged = results.merge(located, on="urn", how="left")
    merged = merged.merge(ward_deciles.rename(columns={"most_deprived_decile": "ward_decile"})[
        ["ward_code", "ward_decile"]], on="ward_code", how="left")
    merged["ward_band"] = merged["ward_decile"].map(
        lambda d: WARD_BANDS[2] if pd.isna(d) else (WARD_BANDS[0] if d <= POCKET_MAX_DECILE else WARD_BANDS[1]))
    return merged[columns].sort_values("name").reset_index(drop=True)


def scatter_years_note(frame: pd.DataFrame) -> str:
    """The years the scatter sets side by side, and how many points are a predecessor's results, in words."""
    def years(column: str) -> str:
        return ", ".join(academic_year(int(y)) for y in sorted(frame[column].dropna().unique()))
    predecessors = int((frame["result_published_as"] != "").sum())
    carried = (f" {predecessors} school(s) show the results of the school they replaced (the table says whose)."
               if predecessors else "")
    return (f"Results are for all pupils, each school's latest ({years('result_year')}), against % FSM ever 6 from "
            f"the census of {years('fsm6_year')}: not always the same year.{carried}")


@dataclass(frozen=True)
class NewestImd:
    """The newest IoD edition's Index of Multiple Deprivation for the LA's LSOAs, and its pockets in words."""

    la_name: str
    edition: int
    lsoa_vintage: str
    lsoas: pd.DataFrame           # `lsoa_deprivation`, with display geometry
    message: str                  # how many LSOAs are in England's most deprived 40%, naming each
    is_simulated: bool


def newest_imd(con: duckdb.DuckDBPyConnection, la_code: str) -> NewestImd | None:
    """For the board pack's map slide; None when no deprivation figures are loaded for the LA's small areas."""
    la_ons = la_ons_code(con, la_code)
    found = editions(con, la_ons) if la_ons else pd.DataFrame()
    if found.empty:
        return None
    edition = int(found.iloc[0]["edition"])
    lsoas = lsoa_deprivation(con, la_ons, edition, "imd")
    if lsoas.empty:
        return None
    worst = pockets(lsoas)
    named = ", ".join(f"{r.lsoa_name} ({r.ward_name}, decile {int(r.decile)})" for r in worst.itertuples())
    message = (f"{len(worst)} of {len(lsoas)} small areas (LSOAs) are in the most deprived 40% of England "
               f"on the IoD{edition} Index of Multiple Deprivation" + (f": {named}." if named else "."))
    return NewestImd(area_name(con, la_code), edition, edition_vintage(con, edition), lsoas, message,
                     bool(found.iloc[0]["is_simulated"]))
