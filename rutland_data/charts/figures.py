"""The figure registry: every chart the dashboard shows, defined once - its data (a query or view call), its
chart, its alt text, the table behind it (with the dictionary's decimals for its value columns), its CSV name,
its sources and versions. Pages render a `Figure` through the UI's figure block; presentation mode and the board
pack draw the same `Figure` (`for_bullet`), so a chart, its description and its table never differ between them.

Each function takes a cursor first and plain arguments after it, so the UI caches it by function and database
version (rutland_data/ui/common.py) and the pack calls it directly. None means there is nothing to draw.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data.charts import absence as absence_charts
from rutland_data.charts import academisation as academisation_charts
from rutland_data.charts import admissions as admissions_charts
from rutland_data.charts import destinations as destination_charts
from rutland_data.charts import maps
from rutland_data.charts import schools as school_charts
from rutland_data.charts import tables
from rutland_data.charts import trend as trend_charts
from rutland_data.charts.style import page_spec
from rutland_data.queries import absence as absence_queries
from rutland_data.queries import admissions as admissions_queries
from rutland_data.queries import deprivation as deprivation_queries
from rutland_data.queries import destinations as destination_queries
from rutland_data.queries import la as la_queries
from rutland_data.queries import schools as school_queries
from rutland_data.analysis import pooling
from rutland_data.reference import measures
from rutland_data.reference.codes import IOD_INDICATORS, PUPIL_GROUP_NOUNS, academic_year, neighbour_set_for
from rutland_data.views import absence as absence_views
from rutland_data.views import academisation as academisation_views
from rutland_data.views import deprivation as deprivation_views
from rutland_data.views import destinations as destination_views
from rutland_data.views import groups as group_views
from rutland_data.views import schools as school_views


@dataclass(frozen=True)
class Figure:
    """A chart with everything shown beside it."""

    title: str
    spec: dict                    # Vega-Lite, datasets as Arrow tables (`style.page_spec`; `style.json_spec` for JSON)
    alt_text: str
    table: pd.DataFrame           # the data behind the chart, as shown and downloaded
    csv_name: str
    source_ids: tuple[int, ...]
    decimals: dict[str, int]      # how the table's value columns are rounded on screen (the CSV keeps them as stored)
    versions: tuple[str, ...] = ()
    abridged: bool = False        # the chart shows only the highest and lowest rows; the table holds every one

    @functools.cached_property
    def shown_table(self) -> pd.DataFrame:
        """The table as a reader sees it (`tables.display_table`). Worked out once: the UI's query cache stores it
        with the figure, so a rerun that draws the figure again does not format every cell again."""
        return tables.display_table(self.table, self.decimals)


def _ids(*columns) -> tuple[int, ...]:
    return tuple(int(i) for column in columns for i in pd.Series(column, dtype=object).dropna())


# ---------------------------------------------------------------- series by year

def trend(con: duckdb.DuckDBPyConnection, measure_id: str, la_code: str, neighbour_set: str,
          selected_year: int | None = None) -> Figure | None:
    """One measure by year against England, the region and the neighbour mean (Headlines, Absence, Admissions,
    NEET, the summary's bullets)."""
    measure = measures.by_id()[measure_id]
    frame = la_queries.trend(con, measure_id, la_code, neighbour_set)
    if not frame["value"].notna().any():
        return None
    return Figure(measure.chart_title, page_spec(trend_charts.trend_chart(frame, measure, selected_year)),
                  trend_charts.trend_alt_text(frame, measure), trend_charts.trend_table(frame, measure),
                  f"{measure_id}_{la_code}.csv", _ids(frame["source_id"]), {"value": measure.decimals},
                  tuple(frame["version"].dropna()))


def destination_trend(con: duckdb.DuckDBPyConnection, la_code: str, stage: str, category: str, neighbour_set: str,
                      selected_year: int) -> Figure | None:
    """One destination category's published percentage by cohort, when it has at least two figures."""
    frame = destination_queries.destination_trend(con, la_code, stage, category, neighbour_set)
    if frame["value"].notna().sum() < 2:
        return None
    measure = destination_queries.destination_measure(category)
    return Figure(f"{category} over time", page_spec(trend_charts.trend_chart(frame, measure, selected_year)),
                  trend_charts.trend_alt_text(frame, measure), trend_charts.trend_table(frame, measure),
                  f"destination_trend_{la_code}.csv", _ids(frame["source_id"]), {"value": measure.decimals})


# ---------------------------------------------------------------- destinations and admissions

def destinations(con: duckdb.DuckDBPyConnection, la_code: str, cohort_label: str, neighbour_set: str) -> Figure | None:
    """One cohort's destinations beside its comparators, as stacked bars; None when every category is suppressed."""
    cohort = destination_views.cohort_destinations(con, la_code, cohort_label, neighbour_set)
    shares = cohort.shares
    if not shares["share"].notna().any():
        return None
    table = shares[["series", "category", "pupils", "cohort", "share", "percent", "value_code",
                    "neighbours_counted", "source_id", "source_row"]].rename(
        columns={"share": "share_of_cohort", "percent": "published_percent"})
    table["share_of_cohort"] = table["share_of_cohort"].round(1)
    return Figure(f"Destinations, {cohort_label}", page_spec(destination_charts.destination_bars(shares)),
                  destination_charts.destination_alt_text(shares, cohort_label), table,
                  f"destinations_{la_code}_{cohort.end_year}.csv", tuple(cohort.source_ids), {})


def council_destinations(con: duckdb.DuckDBPyConnection, la_code: str, cohort_label: str | None = None) -> Figure | None:
    """The council's own Year 11 destination tables as bars of its groups: every cohort, or one (a pack slide)."""
    council = destination_views.council_destinations(con, la_code)
    if council.seed.empty:
        return None
    summary, seed = council.summary, council.seed
    if cohort_label is not None:
        summary, seed = summary[summary["cohort_label"] == cohort_label], seed[seed["cohort_label"] == cohort_label]
    table = seed[["cohort_label", "category", "category_group", "pupils", "percent", "source_id", "source_row"]]
    return Figure("Council destination tables", page_spec(destination_charts.group_bars(summary, council.groups)),
                  destination_charts.group_alt_text(summary), table, f"council_destinations_{la_code}.csv",
                  _ids(seed["source_id"]), {})


def preferences(con: duckdb.DuckDBPyConnection, la_code: str, phase: str, end_year: int,
                neighbour_set: str) -> Figure | None:
    """Offers by preference in one year for one school phase ('primary' / 'secondary'), against comparators."""
    breakdown = admissions_queries.preference_breakdown(con, la_code, phase, end_year, neighbour_set)
    if not breakdown["value"].notna().any():
        return None
    measure = measures.where("admissions", school_phase=phase)[0]
    table = breakdown[["series", "preference", "year_label", "value", "value_code", "version", "neighbours_counted",
                       "source_id", "source_row"]].rename(columns={"year_label": "academic year",
                                                                   "neighbours_counted": "neighbours_in_mean"})
    return Figure(f"Offers by preference, {phase}", page_spec(admissions_charts.preference_bars(breakdown, measure)),
                  admissions_charts.preference_alt_text(breakdown, measure, phase, end_year), table,
                  f"offers_{phase}_{la_code}_{end_year}.csv", _ids(breakdown["source_id"]),
                  {"value": measure.decimals}, tuple(breakdown["version"].dropna()))


def school_absence(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int, phase: str | None,
                   kind: str) -> Figure | None:
    """Each school's overall or persistent absence (`kind`) against national for its phase, in one year."""
    found = absence_views.school_absence(con, la_code, end_year, phase)
    schools = found.schools
    if schools.empty:
        return None
    measure = measures.by_id()[absence_queries.SCHOOL_MEASURES[kind]]
    table = schools[["school", "urn", "phase", kind, f"{kind}_code", f"national_{kind}", f"above_national_{kind}",
                     "published_as", "source_id"]].copy()
    table[f"against_national_{kind}"] = table[f"above_national_{kind}"].map(
        {True: "above national", False: "at or below national"}).fillna("not comparable")
    return Figure(f"{measure.short_label} by school, {academic_year(end_year)}",
                  page_spec(absence_charts.school_absence_chart(schools, measure, kind, f"national_{kind}")),
                  absence_charts.school_absence_alt_text(schools, measure, kind, f"national_{kind}"),
                  table.drop(columns=[f"above_national_{kind}"]), f"school_{kind}_absence_{la_code}.csv",
                  tuple(found.source_ids), {kind: measure.decimals, f"national_{kind}": measure.decimals},
                  abridged=schools[kind].notna().sum() > 2 * school_charts.SHOW_EACH_END)


# ---------------------------------------------------------------- schools

def school_dots(con: duckdb.DuckDBPyConnection, la_code: str, la_name: str, measure_id: str, end_year: int,
                every_school: bool = False, row_height: int = 24) -> Figure:
    """Each state-funded mainstream school's value with its 95% interval against the national and LA lines:
    the highest and lowest 15, or every school; the table lists every school of the LA with its group."""
    measure = measures.by_id()[measure_id]
    frame = school_queries.masking(con, la_code, measure_id, end_year)
    compared = frame[frame["compared"]]
    each_end = None if every_school else school_charts.SHOW_EACH_END
    table = frame[["school", "urn", "published_urn", "group", "cohort_n", "value", "value_code", "ci_low", "ci_high",
                   "interval_from", "significance", "national", "la_value", "version", "year_label",
                   "published_as", "source_id", "source_row"]]
    return Figure(f"{measure.short_label} by school",
                  page_spec(school_charts.dot_and_whisker(compared, measure, row_height, each_end, la_name)),
                  school_charts.dot_and_whisker_alt(compared, measure, la_name, academic_year(end_year), each_end), table,
                  f"schools_{measure_id}_{la_code}_{end_year}.csv",
                  _ids(frame["source_id"], frame["national_source_id"], frame["la_source_id"]),
                  {"value": measure.decimals, "ci_low": 2, "ci_high": 2}, tuple(frame["version"].dropna()),
                  abridged=compared["value"].notna().sum() > 2 * school_charts.SHOW_EACH_END)


def funnel(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int) -> Figure | None:
    """Value against cohort size with 95% and 99.8% limits around national; None when no limits can be drawn."""
    measure = measures.by_id()[measure_id]
    frame = school_queries.masking(con, la_code, measure_id, end_year)
    limits, _ = school_views.funnel_limits(frame, measure_id, measure.unit, end_year)
    if limits.empty:
        return None
    compared = frame[frame["compared"]]
    return Figure(f"Funnel limits for {measure.short_label}", page_spec(school_charts.funnel(compared, limits, measure)),
                  school_charts.funnel_alt(compared, limits, measure), school_charts.funnel_table(compared, limits),
                  f"funnel_{measure_id}_{la_code}_{end_year}.csv",
                  _ids(frame["source_id"], frame["national_source_id"], frame["la_source_id"]),
                  dict.fromkeys(["value", "centre", "lower_95", "upper_95", "lower_998", "upper_998"],
                                measure.decimals))


def group_gaps(con: duckdb.DuckDBPyConnection, la_code: str, measure_id: str, end_year: int,
               comparator: str) -> Figure | None:
    """Each school's pupil-group gap to its national comparator (`pooling.COMPARATORS`); None when none is shown."""
    gaps = school_queries.group_gaps(con, la_code, measure_id, end_year, comparator)
    if gaps.empty or not gaps["gap"].notna().any():
        return None
    measure = measures.by_id()[measure_id]
    alt_text = (f"Gap to {pooling.COMPARATORS[comparator]} for {gaps['pupil_group'].nunique()} pupil "
                f"groups in {gaps['school'].nunique()} schools, {academic_year(end_year)}; "
                f"{int(gaps['gap'].notna().sum())} gaps shown, "
                f"{int(gaps['value_code'].notna().sum())} figures suppressed at source.")
    return Figure(f"{measure.short_label}: pupil-group gaps", page_spec(school_charts.gap_chart(gaps, measure)),
                  alt_text, gaps.drop(columns=["profile"]), f"group_gaps_{measure_id}_{la_code}_{end_year}.csv",
                  _ids(gaps["source_id"]), {})


def profile_trends(con: duckdb.DuckDBPyConnection, urn: str) -> dict[str, Figure]:
    """Each of one school's measures over time against England and its LA, by measure (the School profile)."""
    profile = school_views.school_profile(con, urn)
    if profile is None or not profile.has_results:
        return {}
    dictionary = measures.by_id()
    figures = {}
    for measure_id, part in profile.results.groupby("measure_id", sort=False):
        measure = dictionary[measure_id]
        table = part[["year_label", "cohort_n", "value", "value_code", "ci_low", "ci_high", "interval_from",
                      "significance", "national", "la_value", "version", "published_as", "source_id", "source_row"]]
        figures[measure_id] = Figure(
            f"{measure.short_label}, {profile.name}",
            page_spec(school_charts.profile_trend(part, measure, profile.name, profile.la_name)),
            school_charts.profile_trend_alt(part, measure, profile.name), table,
            f"school_{profile.urn}_{measure_id}.csv", _ids(part["source_id"]), {}, tuple(part["version"].dropna()))
    return figures


# ---------------------------------------------------------------- the deprivation map

@dataclass(frozen=True)
class MapFigure:
    """The interactive map (its JSON built once) and its text alternative."""

    deck: maps.CompactDeck
    alt_text: str


def deprivation_map(con: duckdb.DuckDBPyConnection, la_code: str, la_ons: str, edition: int, indicator: str,
                    ward_vintage: str | None, basemap: bool) -> MapFigure:
    """LSOAs by national decile, wards and schools on top; the text alternative names every pocket."""
    layers = deprivation_views.map_layers(con, la_code, la_ons, edition, indicator, ward_vintage)
    label = IOD_INDICATORS.get(indicator, indicator)
    deck = maps.deprivation_deck(layers.lsoas, layers.wards, layers.schools, layers.outline,
                                 lsoas_in_england=layers.lsoas_in_england, indicator_label=label, basemap=basemap)
    deck.freeze()
    unplaced = deprivation_views.unplaced_schools(deprivation_queries.schools(con, la_code), layers.schools)
    placement = deprivation_views.placement_sentence(layers.schools, unplaced)
    return MapFigure(deck, maps.map_alt_text(layers, deprivation_views.pockets(layers.lsoas), placement, label,
                                             edition))


def fsm_scatter(con: duckdb.DuckDBPyConnection, la_code: str, la_ons: str, edition: int, indicator: str,
                ward_vintage: str | None, measure_id: str) -> Figure | None:
    """% FSM ever 6 against a result by school, shaped by the ward's deprivation; None when no school has both."""
    measure = measures.by_id()[measure_id]
    frame = deprivation_views.scatter_frame(con, la_code, la_ons, edition, indicator, ward_vintage, measure_id)
    if frame["result"].notna().sum() == 0:
        return None
    return Figure(f"% FSM ever 6 against {measure.short_label}", page_spec(maps.fsm_scatter(frame, measure.short_label)),
                  maps.scatter_alt_text(frame, measure), frame, f"fsm_scatter_{measure_id}.csv",
                  _ids(frame["result_source_id"], frame["fsm_source_id"]), {})


def decile_map(con: duckdb.DuckDBPyConnection, la_code: str) -> Figure | None:
    """The newest IoD edition's IMD by LSOA as a still map (the board pack has no interactive map)."""
    pack_map = deprivation_views.newest_imd(con, la_code)
    if pack_map is None:
        return None
    lsoas = pack_map.lsoas
    alt_text = (f"Map of {pack_map.la_name}'s {len(lsoas)} LSOAs coloured by IoD{pack_map.edition} IMD national "
                f"decile, each labelled with its decile. {pack_map.message}")
    table = lsoas[["lsoa_code", "lsoa_name", "ward_name", "decile", "rank", "source_id", "source_row"]]
    return Figure(f"Deprivation map: IoD{pack_map.edition} Index of Multiple Deprivation",
                  page_spec(maps.static_decile_map(lsoas, f"IMD {pack_map.edition}")), alt_text, table,
                  f"imd_{pack_map.edition}_{la_code}.csv", _ids(lsoas["source_id"]), {})


# ---------------------------------------------------------------- the summary's bullets

def for_bullet(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int, chart: tuple) -> Figure | None:
    """The figure a summary bullet came from (`Bullet.chart`: kind and key), as presentation mode and the board
    pack draw it; None without data."""
    kind, key = chart
    neighbour_set = neighbour_set_for("England")
    if kind == "trend":
        return trend(con, key, la_code, neighbour_set, end_year)
    if kind == "schools":
        return school_dots(con, la_code, la_queries.area_name(con, la_code), key, end_year, row_height=16)
    if kind == "destinations":
        return destinations(con, la_code, key, neighbour_set)
    if kind == "council_destinations":
        return council_destinations(con, la_code, key)
    if kind == "admissions":
        return preferences(con, la_code, key, end_year, neighbour_set)
    if kind == "group_trend":
        return group_trend(con, key[0], key[1], la_code, "other_group", end_year)
    raise ValueError(f"unknown chart kind {kind!r}")


# ---------------------------------------------------------------- academisation

def academisation_status(con: duckdb.DuckDBPyConnection, la_code: str) -> Figure | None:
    """The LA's state-funded schools by status (maintained, converter, sponsored, free school) by school year."""
    view = academisation_views.academisation_view(con, la_code)
    if view.over_time.empty:
        return None
    return Figure("State-funded schools by status", page_spec(
        academisation_charts.status_lines(view.over_time, academisation_views.STATUSES)),
        academisation_charts.status_alt_text(view.over_time, view.la_name),
        view.over_time[["year_label", "status", "schools"]].rename(columns={"year_label": "school year"}),
        f"schools_by_status_{la_code}.csv", view.source_ids, {"schools": 0})


def academisation_pupils(con: duckdb.DuckDBPyConnection, la_code: str) -> Figure | None:
    """Pupils on roll by phase in maintained schools and academies, by year (the review's table)."""
    pupils = academisation_views.academisation_view(con, la_code).pupils
    if not pupils["value"].notna().any():
        return None
    la_name = la_queries.area_name(con, la_code)
    table = pupils[["year_label", "phase", "status", "value", "value_code", "version", "source_id", "source_row"]]
    return Figure("Pupils by phase in maintained schools and academies", page_spec(
        academisation_charts.pupil_lines(pupils)), academisation_charts.pupil_alt_text(pupils, la_name),
        table.rename(columns={"year_label": "year", "value": "pupils"}), f"academisation_pupils_{la_code}.csv",
        _ids(pupils["source_id"]), {"pupils": 0}, tuple(pupils["version"].dropna()))


# ---------------------------------------------------------------- pupil groups

def group_trend(con: duckdb.DuckDBPyConnection, measure_id: str, pupil_group: str, la_code: str, comparator: str,
                selected_year: int | None = None) -> Figure | None:
    """One pupil group's figure by year in the LA against the same group nationally and the group it is compared
    with (other pupils, or all pupils where no figure for them is published), drawn as the trend chart draws
    comparators (the Groups page)."""
    frame = group_views.group_trend_frame(con, measure_id, pupil_group, la_code, comparator)
    if not frame["value"].notna().any():
        return None
    measure = measures.by_id()[measure_id]
    title = f"{measure.short_label}: {PUPIL_GROUP_NOUNS[pupil_group]}"
    return Figure(title, page_spec(trend_charts.trend_chart(frame, measure, selected_year)),
                  trend_charts.trend_alt_text(frame, measure), trend_charts.trend_table(frame, measure),
                  f"{measure_id}_{pupil_group}_{la_code}.csv", _ids(frame["source_id"]), {"value": measure.decimals},
                  tuple(frame["version"].dropna()))
