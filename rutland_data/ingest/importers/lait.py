"""DfE Local Authority Interactive Tool (LAIT) long table (`bds_long_0.parquet` or its CSV form).

Every LA, region and England, all years, one row per measure/year/area with the value
as text. Only measures named in the indicator dictionary (`lait_code`) are loaded, for
every area, because ranks and quartiles need all LAs; the pupil-group series named in
`reference/group_measures.csv` go to `la_group_results` (LAIT publishes no cohort sizes).
"""
from __future__ import annotations

import re

import pandas as pd

from rutland_data.reference import group_measures
from rutland_data.reference import measures as measure_dictionary
from rutland_data.ingest.importers import (
    BadInput,
    Col,
    Importer,
    SourceFile,
    insert_areas,
    insert_la_group_results,
    insert_la_results,
    parse_values,
    reject_duplicates,
)
from rutland_data.ingest.intake import Number, PerRow, measure_rule
from rutland_data.reference.codes import LAIT_REGION_CODES, REGION_NAMES

_VERSION_WORDS = {"rev": "revised", "prov": "provisional", "final": "final"}
_YEAR = re.compile(r"^(\d{4})(?:[-/](\d{2}))?(?:-(\d{2})/(\d{2}))?(?: \((\w+)\))?$")


def parse_year(label: str) -> tuple[int, str | None]:
    """'2017' -> (2017, None); '2016/17' -> (2017, None); '2018 (Rev)' -> (2018, 'revised');
    '2014-16' (a three-year period) -> (2016, None); '2013/14-15/16' -> (2016, None)."""
    match = _YEAR.match(label.strip())
    if not match:
        raise ValueError(f"year '{label}' is not in a form LAIT uses")
    start, short_end, _, range_end, word = match.groups()
    last_two = range_end or short_end
    end_year = int(start) if last_two is None else int(start[:2] + last_two)
    if last_two is not None and end_year < int(start):
        end_year += 100
    version = _VERSION_WORDS.get((word or "").lower())
    return end_year, version


def _area_code(la_number: float) -> str:
    number = int(la_number)
    return LAIT_REGION_CODES.get(number, str(number))


def load(con, source: SourceFile, source_id: int, settings) -> tuple[int, str | None]:
    wanted = {m.lait_code: m for m in measure_dictionary.read_dictionary() if m.lait_code}
    groups = group_measures.by_lait_code()
    frame = source.frame()
    frame = frame[frame["Short Desc"].isin(wanted.keys() | groups.keys())].copy()
    if frame.empty:
        raise BadInput(source.display_name, "holds none of the dictionary's LAIT measures", column="Short Desc")
    if frame["LA Number"].isna().any():
        row = int(frame.loc[frame["LA Number"].isna(), "_row"].iloc[0])
        raise BadInput(source.display_name, "LA number is blank", row=row, column="LA Number")
    try:
        frame["LA Number"] = pd.to_numeric(frame["LA Number"], errors="raise")
    except (ValueError, TypeError):
        bad = frame[pd.to_numeric(frame["LA Number"], errors="coerce").isna()].iloc[0]
        raise BadInput(source.display_name, f"'{bad['LA Number']}' is not an LA number",
                       row=int(bad["_row"]), column="LA Number") from None

    parsed_years = {}
    for label in frame["Years"].astype(str).unique():
        try:
            parsed_years[label] = parse_year(label)
        except ValueError as error:
            row = int(frame.loc[frame["Years"].astype(str) == label, "_row"].iloc[0])
            raise BadInput(source.display_name, str(error), row=row, column="Years") from None
    labels = frame["Years"].astype(str)
    frame["end_year"] = labels.map({label: pair[0] for label, pair in parsed_years.items()})
    frame["version"] = _versions(frame, labels.map({label: pair[1] for label, pair in parsed_years.items()}))
    frame["area_code"] = frame["LA Number"].map({number: _area_code(number) for number in frame["LA Number"].unique()})
    reject_duplicates(source, frame, ["Short Desc", "end_year", "LA Number"], "measure, year and LA")

    frame["value"], frame["value_code"] = parse_values(source, frame, "Values")
    frame["year_label"] = frame["Years"].astype(str)
    frame["source_id"] = source_id
    frame["source_row"] = frame["_row"]

    insert_areas(con, _areas(frame))
    is_group = frame["Short Desc"].isin(groups.keys())
    # Dictionaries, not per-row lambdas: a national file has 100,000 rows. A code that is both a dictionary
    # measure's and a pupil group's (DAP_NEW_KS2_RWM: the measure ks2_rwm_exp_disadv, and ks2_rwm_exp's
    # disadvantaged pupils) is loaded as both, so the plan's indicator and the Pupil groups page each find it.
    headline = frame[frame["Short Desc"].isin(wanted.keys())].assign(
        measure_id=lambda f: f["Short Desc"].map({code: m.measure_id for code, m in wanted.items()}))
    added, note = insert_la_results(con, headline)
    grouped = frame[is_group].assign(
        measure_id=lambda f: f["Short Desc"].map({code: g.measure_id for code, g in groups.items()}),
        pupil_group=lambda f: f["Short Desc"].map({code: g.pupil_group for code, g in groups.items()}),
        cohort=None)
    if not grouped.empty:
        group_added, group_note = insert_la_group_results(con, grouped)
        added += group_added
        note = "; ".join(filter(None, [note, group_note and f"pupil groups: {group_note}"])) or None
    return added, note


def _versions(frame: pd.DataFrame, labelled: pd.Series) -> pd.Series:
    """Each row's version: the year label's word where it has one ('2018 (Rev)' -> revised); otherwise
    'final' for a year before the measure's newest year in the file (LAIT holds DfE's latest release of
    each year, and DfE has since published a later year, so no further release of it is due); the
    newest unlabelled year stays unstated (None). See the importer's release note."""
    newest = frame.groupby("Short Desc")["end_year"].transform("max")
    inferred = labelled.where(labelled.notna(), pd.Series("final", index=frame.index).where(frame["end_year"] < newest))
    return inferred.astype(object).where(inferred.notna(), None)


def _areas(frame: pd.DataFrame) -> pd.DataFrame:
    region_by_name = {name.lower(): code for code, name in REGION_NAMES.items()}
    areas = frame[["area_code", "LA and Regions", "LA Number", "Region"]].drop_duplicates("area_code")
    rows = []
    for area_code, name, number, region in areas.itertuples(index=False):
        number = int(number)
        if number == 970:
            level = "england"
        elif number in LAIT_REGION_CODES:
            level = "region"
        else:
            level = "la"
        region_code = region_by_name.get(str(region).lower()) if level == "la" else None
        rows.append([area_code, name, level, number, None, region_code, True])
    return pd.DataFrame(rows, columns=["area_code", "name", "level", "old_la_code", "new_la_code",
                                       "region_code", "is_current"])


LA_NUMBER = Number("an LA number (LAIT numbers regions 970-990)", 100, 999, whole=True)


def _value_rules() -> dict[str, Number]:
    """Each dictionary measure's LAIT code -> the rule for its values (its unit and possible range); a pupil
    group's code takes its base measure's rule."""
    rules = {m.lait_code: measure_rule(m) for m in measure_dictionary.read_dictionary() if m.lait_code}
    by_id = measure_dictionary.by_id()
    rules.update({code: measure_rule(by_id[g.measure_id]) for code, g in group_measures.by_lait_code().items()})
    return rules


def _la_number_rules() -> dict[str, Number]:
    """LA numbers are checked on the rows loaded: the dictionary's measures (a tenth of the file)."""
    return dict.fromkeys(_value_rules(), LA_NUMBER)


IMPORTERS = [
    Importer(
        name="LAIT long table",
        signature=frozenset({"Short Desc", "LA and Regions"}),
        required=("Short Desc", "Years", "LA and Regions", "Values", "LA Number", "Region"),
        load=load,
        priority=10,
        header=("Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"),
        # Values is text: a number in the measure's unit or a marker, never empty (a null is no figure at all).
        columns=(Col("LA Number", PerRow("Short Desc", _la_number_rules), blank=False),
                 Col("Values", PerRow("Short Desc", _value_rules), blank=False)),
        release_note=("LAIT holds DfE's latest release of each year. Version: a '(prov)', '(Rev)' or '(Final)' year "
                      "label is kept as the version; an unlabelled year before the measure's newest year in the "
                      "file is final (DfE has published a later year since, so no further release of it is due); "
                      "the newest unlabelled year is unstated."),
    )
]
