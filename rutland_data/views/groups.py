"""The data of the Groups page and of the summary's group bullets, in one call per phase: for each measure with
group figures, each pupil group's figure, its gap to the chosen national comparison, the gap inside the LA beside
the national gap, whether the gap narrowed since the year before, small-number caveats and a three-year figure."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from rutland_data.analysis import group_gaps
from rutland_data.analysis.pooling import COMPARATORS
from rutland_data.queries import groups as group_queries
from rutland_data.queries import la as la_queries
from rutland_data.reference import group_measures, measures, versions
from rutland_data.reference.codes import ENGLAND_CODE, PUPIL_GROUP_LABELS, VULNERABLE_GROUPS
from rutland_data.reference.measures import Measure

# Groups that serve only as the other side of a gap (the rows are the groups a reader asks about).
REFERENCE_ONLY = {"not_disadvantaged", "not_fsm", "not_eal", "no_sen"}


def phases() -> list[str]:
    """Phases with group series, in dictionary order."""
    by_id = measures.by_id()
    return list(dict.fromkeys(by_id[m].phase for m in group_measures.measure_ids()))


@dataclass(frozen=True)
class MeasureGroups:
    measure: Measure
    end_year: int | None        # the year shown (None: no group figure for the LA at all)
    year_note: str | None       # why it is not the year asked for
    rows: pd.DataFrame          # one row per group (see `_row`)
    source_ids: tuple[int, ...]
    versions: tuple[str, ...]

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        """The rows as the page and its CSV show them: words and published figures, with the marker kept. Made
        once and kept with the (cached) groups, so a rerun shows the same frame (ui/common.table)."""
        table = self.rows[[*SHOWN_COLUMNS, "value_code", "source_id"]].copy()
        table["pupils"] = table["pupils"].astype("Int64")
        return table.rename(columns=SHOWN_COLUMNS)


def _year_shown(la_rows: pd.DataFrame, wanted: int | None, measure: Measure) -> tuple[int | None, str | None]:
    years = sorted(la_rows.loc[la_rows["pupil_group"] != "all", "end_year"].unique())
    if not years:
        return None, None
    if wanted in years:
        return int(wanted), None
    earlier = [y for y in years if wanted is None or y <= wanted]
    shown = int(earlier[-1] if earlier else years[-1])
    asked = measure.period(wanted) if wanted else "the year chosen"
    return shown, f"latest: {measure.year_label(shown)} (no group figures for {asked})"


def _lookup(frame: pd.DataFrame, area: str, year: int) -> dict[str, pd.Series]:
    part = frame[(frame["area_code"] == area) & (frame["end_year"] == year)]
    return {row.pupil_group: row for _, row in part.iterrows()}


def _values(rows: dict[str, pd.Series]) -> dict[str, float | None]:
    return {group: (None if pd.isna(row["value"]) else float(row["value"])) for group, row in rows.items()}


def _gaps(group: str, la: dict, national: dict, comparator: str) -> tuple:
    """(comparison, gap to it, LA internal gap, national gap, reference group) for one group and year."""
    compared = group_gaps.comparison(group, comparator, national)
    reference = group_gaps.reference_group(group, national)
    la_reference = reference if reference in la and la.get(reference) is not None else "all"
    return (compared, group_gaps.gap(la.get(group), compared.value),
            group_gaps.gap(la.get(group), la.get(la_reference)),
            group_gaps.gap(national.get(group), national.get(la_reference)), la_reference)


def measure_groups(con, measure_id: str, la_code: str, la_name: str, end_year: int | None, comparator: str,
                   vulnerable: bool) -> MeasureGroups:
    """One measure's groups (the vulnerable ones, or the others) in the year shown, as rows of words and figures."""
    if comparator not in COMPARATORS:
        raise ValueError(f"comparator must be one of {sorted(COMPARATORS)}")
    measure = measures.by_id()[measure_id]
    frame = group_queries.group_series(con, measure_id, la_code)
    shown, note = _year_shown(frame[frame["area_code"] == la_code], end_year, measure)
    empty = MeasureGroups(measure, None, None, pd.DataFrame(), (), ())
    if shown is None:
        return empty
    la_rows, national_rows = _lookup(frame, la_code, shown), _lookup(frame, ENGLAND_CODE, shown)
    la_rows_before, national_rows_before = _lookup(frame, la_code, shown - 1), _lookup(frame, ENGLAND_CODE, shown - 1)
    la, national = _values(la_rows), _values(national_rows)
    la_before, national_before = _values(la_rows_before), _values(national_rows_before)
    wanted = [g for g in PUPIL_GROUP_LABELS if g in la_rows and g != "all" and g not in REFERENCE_ONLY
              and (g in VULNERABLE_GROUPS) == vulnerable]
    rows, ids, found_versions = [], [], []
    for group in wanted:
        own = la_rows[group]
        compared, to_comparison, la_gap, national_gap, reference = _gaps(group, la, national, comparator)
        _, before, _, _, _ = _gaps(group, la_before, national_before, comparator)
        # Every figure a gap is taken from: its sources are shown, and its decimals are the fewest any was
        # published with (a whole-number LAIT figure never yields a gap of '24.0 points').
        involved = {group, reference, compared.group}
        used = [r for rows_of in (la_rows, national_rows, la_rows_before, national_rows_before)
                for g, r in rows_of.items() if g in involved and not pd.isna(r["value"])]
        published = [int(r["published_decimals"]) for r in used if not pd.isna(r["published_decimals"])]
        decimals = measure.shown_decimals(min(published) if published else None)
        change = group_gaps.gap_change(measure, shown, to_comparison, before, decimals)
        cohort = None if pd.isna(own["cohort"]) else int(own["cohort"])
        code = own["value_code"] if isinstance(own["value_code"], str) else None
        history = frame[(frame["area_code"] == la_code) & (frame["pupil_group"] == group)]
        pooled = group_gaps.three_years(measure, shown, {
            int(r.end_year): (None if pd.isna(r.value) else float(r.value), None if pd.isna(r.cohort) else int(r.cohort))
            for r in history.itertuples()})
        version = None if pd.isna(own["version"]) else own["version"]
        own_decimals = None if pd.isna(own["published_decimals"]) else int(own["published_decimals"])
        compared_row = national_rows.get(compared.group)
        compared_decimals = (None if compared_row is None or pd.isna(compared_row["published_decimals"])
                             else int(compared_row["published_decimals"]))
        rows.append({
            "group": PUPIL_GROUP_LABELS[group], "pupil_group": group, "reference_group": reference,
            "year": measure.year_label(shown),
            "figure": measure.format(la.get(group), code, own_decimals), "value": la.get(group), "value_code": code,
            "pupils": cohort, "compared_with": compared.label,
            "comparison": measure.format(compared.value, "no figure", compared_decimals),
            "comparison_value": compared.value,
            "gap": group_gaps.gap_words(measure, to_comparison, compared.label, decimals), "gap_value": to_comparison,
            "gap_in_la": group_gaps.gap_words(measure, la_gap, f"{group_gaps.group_noun(reference)} in {la_name}",
                                              decimals),
            "la_gap_value": la_gap,
            "national_gap": group_gaps.gap_words(measure, national_gap,
                                                 f"{group_gaps.group_noun(reference)} nationally", decimals),
            "national_gap_value": national_gap,
            "against_national_gap": group_gaps.against_national_gap(measure, la_gap, national_gap, la_name, decimals),
            "change": change.text, "narrowed": change.narrowed,
            "caveat": group_gaps.cohort_caveat(measure, cohort, code) or "",
            "three_years": pooled.text, "version": versions.label(version),
            "source_id": int(own["source_id"]), "source_row": int(own["source_row"]),
        })
        ids.extend(int(r["source_id"]) for r in [own, *used])
        found_versions.append(versions.label(version))
    if not rows:
        return MeasureGroups(measure, shown, note, pd.DataFrame(), (), ())
    return MeasureGroups(measure, shown, note, pd.DataFrame(rows), tuple(sorted(set(ids))), tuple(found_versions))


def phase_groups(con, phase: str, la_code: str, la_name: str, end_year: int | None, comparator: str,
                 vulnerable: bool = False) -> list[MeasureGroups]:
    """`measure_groups` for every measure of a phase (or every phase, phase=None) that has rows to show."""
    by_id = measures.by_id()
    found = []
    for measure_id in group_measures.measure_ids():
        if phase is not None and by_id[measure_id].phase != phase:
            continue
        part = measure_groups(con, measure_id, la_code, la_name, end_year, comparator, vulnerable)
        if not part.rows.empty:
            found.append(part)
    return found


# The columns a reader sees, in order, and their headings.
SHOWN_COLUMNS = {"group": "Pupil group", "figure": "Figure", "pupils": "Pupils", "comparison": "Comparison figure",
                 "gap": "Gap to comparison", "change": "Gap since the year before",
                 "against_national_gap": "LA gap against national gap", "caveat": "Small numbers",
                 "three_years": "Three-year figure", "gap_in_la": "Gap inside the LA",
                 "national_gap": "Same gap nationally", "year": "Year", "version": "Version",
                 "source_row": "Source row"}


def group_trend_frame(con, measure_id: str, pupil_group: str, la_code: str, comparator: str) -> pd.DataFrame:
    """The LA's group, the same group nationally and the national comparison group by year, in the trend chart's
    form (role, series, end_year, value, value_code, version, source_id, source_row, year_label): the chart's
    roles give the three series their colour, dash and shape."""
    frame = group_queries.group_series(con, measure_id, la_code)
    la_name = la_queries.area_name(con, la_code)
    national = frame[frame["area_code"] == ENGLAND_CODE]
    latest = national[national["value"].notna()]
    newest = {g: v for g, v in zip(latest["pupil_group"], latest["value"])}
    compare_with = group_gaps.reference_group(pupil_group, newest) if comparator == "other_group" else pupil_group
    parts = [
        frame[(frame["area_code"] == la_code) & (frame["pupil_group"] == pupil_group)].assign(
            role="la", series=f"{la_name}: {group_gaps.group_noun(pupil_group)}"),
        national[national["pupil_group"] == pupil_group].assign(
            role="england", series=f"England: {group_gaps.group_noun(pupil_group)}"),
    ]
    if compare_with != pupil_group:
        parts.append(national[national["pupil_group"] == compare_with].assign(
            role="region", series=f"England: {group_gaps.group_noun(compare_with)}"))
    return pd.concat(parts, ignore_index=True)


def new_plans_note(con, la_code: str, end_year: int | None) -> str | None:
    """How many new EHC plans the LA's 20-week percentage is of, in the latest calendar year up to `end_year`, a
    caveat when they are few, and the three years to then pooled by plans (never an average of percentages)."""
    measure = measures.by_id()["sen2_ehcp_20wk"]
    found = group_queries.latest_value(con, "sen2_new_plans", la_code, end_year)
    if found is None:
        return None
    year, plans = found[0], int(found[1])
    text = f"In {measure.period(year)} the percentage is of {plans} new EHC plans (excluding exceptions)"
    if plans < group_gaps.SMALL_COHORT:
        text += f": one plan is {100 / plans:.1f} percentage points, so one year's change can be a few plans"
    rates = group_queries.values_by_year(con, "sen2_ehcp_20wk", la_code)
    counts = group_queries.values_by_year(con, "sen2_new_plans", la_code)
    pooled = group_gaps.three_years(measure, year, {y: (rate, None if counts.get(y) is None else int(counts[y]))
                                                    for y, rate in rates.items()})
    return f"{text}. Three years: {pooled.text.replace(' pupils)', ' plans)')}."
