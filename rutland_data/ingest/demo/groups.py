"""Demo LA-level pupil groups and vulnerable-group measures, all simulated (their own `is_simulated` source).

Each group's figure is the all-pupils figure already generated for the same measure, year and area plus a gap
shaped like DfE's national gaps (disadvantaged pupils about 20 points behind at KS2, pupils with an EHC plan
far behind, girls ahead), varied for the LA; Rutland's cohorts are a share of a cohort of about 400, so small
groups are small, and a group of five or fewer is published as 'c' as DfE would. EHC plan timeliness, children
looked after and in need follow plausible national levels. None of it is real.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from rutland_data.ingest.demo.common import fingerprint
from rutland_data.reference import group_measures, measures
from rutland_data.reference.codes import EAST_MIDLANDS_CODE, ENGLAND_CODE
from rutland_data.reference.markers import round_half_up
from rutland_data.store import db

RUTLAND = "857"
AREAS = (ENGLAND_CODE, EAST_MIDLANDS_CODE, RUTLAND)
# National gap to all pupils, in percentage points; scores scale it (`_SCALE`).
_GAP = {"disadvantaged": -18.0, "not_disadvantaged": 7.0, "fsm": -20.0, "not_fsm": 4.0, "sen_support": -45.0,
        "ehcp": -62.0, "sen_any": -50.0, "no_sen": 8.0, "eal": -2.0, "not_eal": 0.5, "boys": -6.0, "girls": 6.0,
        "cla": -42.0, "cin": -35.0}
_SCALE = {"ks4_att8": 0.5, "ks4_p8": 0.022, "ks2_read_prog": 0.06, "ks2_writ_prog": 0.06, "ks2_math_prog": 0.06}
_SHARE = {"disadvantaged": 0.13, "not_disadvantaged": 0.87, "fsm": 0.07, "not_fsm": 0.93, "sen_support": 0.12,
          "ehcp": 0.03, "sen_any": 0.15, "no_sen": 0.85, "eal": 0.04, "not_eal": 0.96, "boys": 0.51,
          "girls": 0.49, "cla": 0.008, "cin": 0.025}
_COHORT = {RUTLAND: 400, EAST_MIDLANDS_CODE: 52_000, ENGLAND_CODE: 620_000}
SUPPRESS_UP_TO = 5


def _same_figure() -> dict[tuple[str, str], str]:
    """Group series that a dictionary measure also holds (the same LAIT code: KS2 RWM and Attainment 8 of
    disadvantaged pupils), so the demo gives them one figure, not two."""
    by_code = {m.lait_code: m.measure_id for m in measures.read_dictionary() if m.lait_code}
    return {(g.measure_id, g.pupil_group): by_code[g.lait_code] for g in group_measures.read_group_measures()
            if g.lait_code in by_code}


def _group_rows(con, rng: np.random.Generator) -> pd.DataFrame:
    same = _same_figure()
    base = con.execute(
        "SELECT measure_id, end_year, area_code, value FROM la_results WHERE value IS NOT NULL "
        "AND list_contains(?, measure_id) AND list_contains(?, area_code)",
        [group_measures.measure_ids() + list(same.values()), list(AREAS)]).df()
    held = {(m, y, a): v for m, y, a, v in base.itertuples(index=False)}
    by_id = measures.by_id()
    rows = []
    for series in group_measures.read_group_measures():
        measure = by_id[series.measure_id]
        low, high = (0.0, 100.0) if measure.unit == "%" else (measure.possible_range.low, measure.possible_range.high)
        for r in base[base["measure_id"] == series.measure_id].itertuples():
            scale = _SCALE.get(series.measure_id, 1.0)
            wobble = rng.normal(1.0, 0.25) if r.area_code == RUTLAND else 1.0
            noise = rng.normal(0, (2.0 if r.area_code == RUTLAND else 0.4) * scale)
            value = min(max(r.value + _GAP[series.pupil_group] * scale * wobble + noise, low), high)
            twin = same.get((series.measure_id, series.pupil_group))
            value = held.get((twin, r.end_year, r.area_code), value)
            cohort = int(round(_COHORT[r.area_code] * _SHARE[series.pupil_group] * rng.uniform(0.8, 1.2)))
            code = "c" if cohort <= SUPPRESS_UP_TO else None
            rows.append([series.measure_id, series.pupil_group, measure.year_label(r.end_year), r.end_year,
                         r.area_code, None if code else round_half_up(value, measure.decimals), code, cohort])
    return pd.DataFrame(rows, columns=["measure_id", "pupil_group", "year_label", "end_year", "area_code", "value",
                                       "value_code", "cohort"])


# measure -> (first year, last year, England level, England yearly change, Rutland spread)
_VULNERABLE = {"sen2_ehcp_20wk": (2015, 2024, 62.0, -1.3, 20.0), "sen2_ehcp_20wk_all": (2015, 2024, 59.0, -1.3, 20.0),
               "cla_rate": (2016, 2025, 62.0, 0.8, 6.0), "cin_rate": (2016, 2025, 330.0, -1.0, 40.0)}
_RUTLAND_LEVEL = {"sen2_ehcp_20wk": 72.0, "sen2_ehcp_20wk_all": 70.0, "cla_rate": 42.0, "cin_rate": 230.0}


def _vulnerable_rows(rng: np.random.Generator) -> list[list]:
    by_id = measures.by_id()
    rows = []
    for measure_id, (first, last, level, slope, spread) in _VULNERABLE.items():
        measure = by_id[measure_id]
        for year in range(first, last + 1):
            england = level + slope * (year - first)
            rutland = _RUTLAND_LEVEL[measure_id] + rng.normal(0, spread / 2)
            if measure.unit == "%":
                rutland = min(max(rutland, 20.0), 100.0)
            for area, value in ((ENGLAND_CODE, england), (EAST_MIDLANDS_CODE, england + 2), (RUTLAND, rutland)):
                rows.append([measure_id, measure.year_label(year), year, area, round_half_up(value, measure.decimals)])
    for year in range(2015, 2025):
        rows.append(["sen2_new_plans", str(year), year, RUTLAND, float(int(rng.integers(14, 45)))])
    return rows


def generate(con, settings) -> None:
    rng = np.random.default_rng(14)
    groups = _group_rows(con, rng)
    vulnerable = _vulnerable_rows(rng)
    source_id = db.register_source(
        con, file_name="Simulated pupil groups and vulnerable groups (generated by rutland_data.demo)",
        sha256=fingerprint((groups.to_csv(index=False), vulnerable)), importer="demo: LA-level pupil groups",
        publisher="This dashboard (invented for demonstration)", licence="Not real data", is_simulated=True)
    groups["version"] = None
    groups["source_id"] = source_id
    groups["source_row"] = range(1, len(groups) + 1)
    groups["cohort"] = groups["cohort"].astype("Int64")
    db.insert_rows(con, "la_group_results", groups[["measure_id", "pupil_group", "year_label", "end_year",
                                                    "area_code", "value", "value_code", "cohort", "version",
                                                    "source_id", "source_row"]].astype(object)
                   .where(groups.notna(), None).values.tolist())
    start = len(groups) + 1
    db.insert_rows(con, "la_results", [[m, label, year, area, value, None, None, source_id, start + i]
                                       for i, (m, label, year, area, value) in enumerate(vulnerable)])
    con.execute("UPDATE sources SET rows_loaded = ? WHERE source_id = ?", [len(groups) + len(vulnerable), source_id])
