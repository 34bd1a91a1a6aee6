"""Demo LA-level data: areas, statistical neighbours, results for every measure, destinations.

The council's published figures are written exactly (seed source); the rest is a
simple model - an England trend, each LA offset by a persistent 'strength' plus
noise - so ranks, quartiles and comparator averages behave like the real thing.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from rutland_data.store import db
from rutland_data.reference import review_figures
from rutland_data.reference import measures as measure_dictionary
from rutland_data.ingest.demo.common import source_ids
from rutland_data.ingest.importers import insert_areas
from rutland_data.reference.markers import round_half_up
from rutland_data.reference.codes import EAST_MIDLANDS_CODE, ENGLAND_CODE, REGION_NAMES

RUTLAND = "857"
ISLES_OF_SCILLY = "420"

EAST_MIDLANDS_LAS = {
    "830": "Derbyshire", "831": "Derby", "855": "Leicestershire", "856": "Leicester", "857": "Rutland",
    "891": "Nottinghamshire", "892": "Nottingham", "925": "Lincolnshire",
    "940": "North Northamptonshire", "941": "West Northamptonshire",
}
NEIGHBOURS = {  # set version -> neighbours in rank order (seed-facts.md)
    "2025-05": ["865", "815", "893", "895", "850", "823", "916", "855", "869", "811"],
    "2021-04": ["815", "869", "895", "865", "823", "825", "931", "850", "937", "873"],
}
OTHER_NAMED_LAS = {
    "865": ("Wiltshire", "E12000009"), "815": ("North Yorkshire", "E12000003"),
    "893": ("Shropshire", "E12000005"), "895": ("Cheshire East", "E12000002"),
    "850": ("Hampshire", "E12000008"), "823": ("Central Bedfordshire", "E12000006"),
    "916": ("Gloucestershire", "E12000009"), "869": ("West Berkshire", "E12000008"),
    "811": ("East Riding of Yorkshire", "E12000003"), "825": ("Buckinghamshire", "E12000008"),
    "931": ("Oxfordshire", "E12000008"), "937": ("Warwickshire", "E12000005"),
    "873": ("Cambridgeshire", "E12000006"), ISLES_OF_SCILLY: ("Isles of Scilly", "E12000009"),
}
TOTAL_LAS = 152

# Published by the council (seed-facts.md): (measure, end year, area, value, version). The figures the
# review quotes come from the project's one table of them (rutland_data/review_figures.csv).
SEED_RESULTS = [
    (f.measure_id, f.end_year, f.area_code, f.value, f.version)
    for f in review_figures.read() if f.publisher_la == RUTLAND
] + [
    ("ks2_rwm_exp", 2016, RUTLAND, 53, None),        # 67 less the stated rise of 14 points
    ("ks2_rwm_exp", 2016, ENGLAND_CODE, 53, None),   # 61 less the stated national rise of 8
] + [
    (measure, year, RUTLAND, float(count), None)
    for measure, counts in {
        "pupils_maintained_primary": [2123, 1710, 1073, 670, 656],
        "pupils_maintained_secondary": [0, 0, 0, 0, 0],
        "pupils_academy_primary": [436, 989, 1641, 2150, 2152],
        "pupils_academy_secondary": [2393, 2434, 2509, 2481, 2461],
    }.items()
    for year, count in zip(range(2013, 2018), counts)
]

# Invented, but shaped to agree with what the review says in words (e.g. "reading
# -1 point against national +2", "slight decline in a rising trend").
SHAPED_RESULTS = [
    ("ks2_read_exp", 2016, RUTLAND, 68), ("ks2_read_exp", 2017, RUTLAND, 73),
    ("ks2_writ_exp", 2016, RUTLAND, 72), ("ks2_writ_exp", 2017, RUTLAND, 78),
    ("ks2_math_exp", 2016, RUTLAND, 67), ("ks2_math_exp", 2017, RUTLAND, 77),
    ("ks2_read_exp", 2016, ENGLAND_CODE, 66), ("ks2_read_exp", 2017, ENGLAND_CODE, 71),
    ("ks2_writ_exp", 2016, ENGLAND_CODE, 74), ("ks2_writ_exp", 2017, ENGLAND_CODE, 76),
    ("ks2_math_exp", 2016, ENGLAND_CODE, 70), ("ks2_math_exp", 2017, ENGLAND_CODE, 75),
    ("ks1_rwm_exp", 2017, ENGLAND_CODE, 64), ("ks1_rwm_exp", 2017, RUTLAND, 67),
    ("ks1_read_exp", 2016, RUTLAND, 78), ("ks1_read_exp", 2017, RUTLAND, 77),
    ("ks1_read_exp", 2016, ENGLAND_CODE, 74), ("ks1_read_exp", 2017, ENGLAND_CODE, 76),
    ("ks1_writ_exp", 2016, RUTLAND, 66), ("ks1_writ_exp", 2017, RUTLAND, 68),
    ("ks1_writ_exp", 2016, ENGLAND_CODE, 65), ("ks1_writ_exp", 2017, ENGLAND_CODE, 68),
    ("ks1_math_exp", 2016, RUTLAND, 75), ("ks1_math_exp", 2017, RUTLAND, 75),
    ("ks1_math_exp", 2016, ENGLAND_CODE, 73), ("ks1_math_exp", 2017, ENGLAND_CODE, 75),
    ("ks1_writ_gd", 2017, RUTLAND, 14), ("ks1_writ_gd", 2017, ENGLAND_CODE, 16),
    ("ks1_math_gd", 2017, RUTLAND, 18), ("ks1_math_gd", 2017, ENGLAND_CODE, 21),
    ("phonics_y1", 2015, RUTLAND, 82), ("phonics_y1", 2016, RUTLAND, 86), ("phonics_y1", 2017, RUTLAND, 85),
    ("phonics_y1", 2015, ENGLAND_CODE, 77), ("phonics_y1", 2016, ENGLAND_CODE, 81),
    ("phonics_y1", 2017, ENGLAND_CODE, 81),
    ("eyfs_gld", 2016, ENGLAND_CODE, 69.3),
    ("ks4_p8", 2017, ENGLAND_CODE, -0.03),
    # Five-year averages of 95% (primary) and 91% (secondary) first-preference offers.
    *[("admissions_first_pref_primary", y, RUTLAND, v)
      for y, v in zip(range(2013, 2018), [94.6, 95.3, 95.8, 94.4, 94.9])],
    *[("admissions_first_pref_secondary", y, RUTLAND, v)
      for y, v in zip(range(2013, 2018), [90.2, 91.7, 92.1, 90.4, 90.6])],
]

# measure -> (first year, last year, England level in 2017, slope a year, England level in 2022,
#             slope after, spread between LAs, whether 2019/20 and 2020/21 have values)
MODEL = {
    "eyfs_gld": (2013, 2025, 71.0, 1.3, 65.2, 1.0, 3.5, False),
    "phonics_y1": (2013, 2025, 81.0, 0.6, 75.0, 1.5, 3.0, False),
    "ks1_rwm_exp": (2016, 2023, 64.0, 1.0, 53.0, 2.0, 4.0, False),
    "ks1_read_exp": (2016, 2023, 76.0, 0.5, 67.0, 1.5, 3.5, False),
    "ks1_writ_exp": (2016, 2023, 68.0, 1.0, 58.0, 2.0, 4.0, False),
    "ks1_math_exp": (2016, 2023, 75.0, 0.5, 68.0, 2.0, 3.5, False),
    "ks1_writ_gd": (2016, 2023, 16.0, 0.5, 8.0, 0.5, 3.0, False),
    "ks1_math_gd": (2016, 2023, 21.0, 0.5, 15.0, 0.5, 3.0, False),
    "ks2_rwm_exp": (2016, 2025, 61.0, 2.0, 59.0, 1.0, 5.0, False),
    "ks2_rwm_high": (2016, 2025, 9.0, 1.0, 7.0, 0.5, 2.0, False),
    "ks2_read_exp": (2016, 2025, 71.0, 2.0, 74.0, 0.0, 4.0, False),
    "ks2_writ_exp": (2016, 2025, 76.0, 1.0, 69.0, 1.0, 4.0, False),
    "ks2_math_exp": (2016, 2025, 75.0, 1.0, 71.0, 1.0, 4.0, False),
    "ks2_read_prog": (2016, 2023, 0.0, 0.0, 0.0, 0.0, 0.9, False),
    "ks2_writ_prog": (2016, 2023, 0.0, 0.0, 0.0, 0.0, 0.9, False),
    "ks2_math_prog": (2016, 2023, 0.0, 0.0, 0.0, 0.0, 0.9, False),
    "ks2_rwm_exp_disadv": (2016, 2025, 47.0, 1.5, 43.0, 1.0, 6.0, False),
    "ks4_att8": (2017, 2025, 46.0, 0.3, 48.8, -0.8, 2.5, True),
    "ks4_p8": (2016, 2024, -0.03, 0.0, -0.03, 0.0, 0.15, False),
    "ks4_em95": (2017, 2025, 42.2, 0.6, 49.8, -1.0, 6.0, True),
    "ks4_em94": (2017, 2025, 63.9, 0.3, 69.0, -0.8, 5.0, True),
    "ks4_ebacc95": (2017, 2025, 21.1, 0.5, 20.0, -0.3, 4.0, True),
    "ks4_ebacc_aps": (2018, 2025, 3.85, 0.05, 4.27, -0.05, 0.3, True),
    "ks4_att8_disadv": (2017, 2025, 37.0, 0.2, 37.5, -0.5, 2.5, True),
    "ks5_aps_alevel": (2016, 2025, 31.1, 0.7, 37.8, -1.0, 2.0, True),
    "ks5_aab": (2016, 2025, 20.0, 0.5, 24.0, -0.8, 4.0, True),
    "level3_age19": (2013, 2024, 57.0, 0.5, 59.0, 0.3, 5.0, True),
    "level2_age19": (2013, 2024, 85.0, -0.2, 82.0, -0.2, 3.0, True),
    "abs_overall": (2013, 2025, 4.7, -0.05, 7.6, -0.3, 0.4, True),
    "abs_overall_primary": (2013, 2025, 4.0, -0.05, 6.3, -0.3, 0.35, True),
    "abs_overall_secondary": (2013, 2025, 5.4, -0.05, 9.0, -0.3, 0.5, True),
    "abs_persistent": (2016, 2025, 10.8, 0.1, 22.5, -1.0, 1.5, True),
    "abs_persistent_primary": (2016, 2025, 8.3, 0.1, 17.7, -1.0, 1.3, True),
    "abs_persistent_secondary": (2016, 2025, 13.5, 0.2, 27.7, -1.0, 2.0, True),
    "excl_permanent_rate": (2013, 2024, 0.10, 0.005, 0.08, 0.01, 0.04, True),
    "excl_suspension_rate": (2013, 2024, 4.8, 0.3, 6.9, 0.8, 1.5, True),
    "admissions_first_pref_primary": (2013, 2025, 88.0, 0.5, 91.0, 0.2, 4.0, True),
    "admissions_first_pref_secondary": (2013, 2025, 84.0, -0.5, 82.0, -0.3, 6.0, True),
}
# Years with no assessment or no full-year data are stored with the 'z' (not applicable) marker.
COVID_YEARS = {2020, 2021}
NO_FULL_YEAR_ABSENCE = {2020}

DESTINATIONS_2016 = [  # Year 11 leavers 2016 (LaSSAR 3.27)
    ("Employed / training towards NVQ2+", "Employment or training", 15),
    ("Employed for more than 20 hours - no training", "Employment or training", 3),
    ("Employed for less than 20 hours", "Employment or training", 1),
    ("Out of County - Further education", "Out of county", 116),
    ("NEET", "NEET or unknown", 1),
    ("No information", "NEET or unknown", 4),
    ("Other", "Other", 1),
    ("Out of County - School sixth form", "Out of county", 100),
    ("Harington sixth form Rutland", "In county", 70),
]
FIXED_COHORT_2017 = [  # Year 11 2017 fixed cohort (LaSSAR 2.10)
    ("Offer of education or training / conditional start by October", "Offer made", 478),
    ("Employment without training to Level 2", "No offer", 1),
    ("Unable to contact: known to have moved away", "No offer", 1),
]


def _areas() -> pd.DataFrame:
    rows = [[ENGLAND_CODE, "England", "england", 970, None, None, True],
            [EAST_MIDLANDS_CODE, "East Midlands", "region", 983, None, None, True]]
    for code, name in EAST_MIDLANDS_LAS.items():
        rows.append([code, name, "la", int(code), "E06000017" if code == RUTLAND else None, EAST_MIDLANDS_CODE, True])
    for code, (name, region) in OTHER_NAMED_LAS.items():
        rows.append([code, name, "la", int(code), None, region, True])
    other_regions = [r for r in REGION_NAMES if r.startswith("E12") and r != EAST_MIDLANDS_CODE]
    for number in range(1, TOTAL_LAS - len(rows) + 3):
        rows.append([f"SIM{number:03d}", f"Simulated LA {number:03d}", "la", None, None,
                     other_regions[number % len(other_regions)], True])
    return pd.DataFrame(rows, columns=["area_code", "name", "level", "old_la_code", "new_la_code",
                                       "region_code", "is_current"])


def _no_data(measure_id: str, year: int, covid_values: bool) -> bool:
    if measure_id.startswith("abs"):
        return year in NO_FULL_YEAR_ABSENCE
    if measure_id == "ks4_p8" and year >= 2025:
        return True
    return (not covid_values) and year in COVID_YEARS


def _england(model: tuple, year: int) -> float:
    _, _, level, slope, level_after, slope_after, _, _ = model
    if year >= 2022:
        return level_after + slope_after * (year - 2022)
    if year in COVID_YEARS:  # assessed grades ran high; absence covered part-year only
        return level + slope * 3 + abs(slope_after) * 2 + (1.5 if level > 10 else 0.1)
    return level + slope * (year - 2017)


def _simulate(las: list[str], rng: np.random.Generator) -> pd.DataFrame:
    dictionary = measure_dictionary.by_id()
    strength = {code: rng.normal() for code in las}
    strength[RUTLAND] = 1.3
    rows = []
    for measure_id, model in MODEL.items():
        first, last, *_rest = model
        spread, covid_values = model[6], model[7]
        measure = dictionary[measure_id]
        direction = -1.0 if measure.polarity == "lower" else 1.0
        for year in range(first, last + 1):
            if _no_data(measure_id, year, covid_values):
                rows.extend([measure_id, year, code, None, "z"] for code in [ENGLAND_CODE, EAST_MIDLANDS_CODE, *las])
                continue
            england = _england(model, year)
            values = {code: england + direction * spread * (0.85 * strength[code] + 0.45 * rng.normal())
                      for code in las}
            if measure.unit in ("%", "rate"):
                values = {code: min(max(v, 0.0), 100.0) for code, v in values.items()}
            em = float(np.mean([values[c] for c in EAST_MIDLANDS_LAS]))
            for code, value in [(ENGLAND_CODE, england), (EAST_MIDLANDS_CODE, em), *values.items()]:
                rows.append([measure_id, year, code, round_half_up(value, measure.decimals), None])
    return pd.DataFrame(rows, columns=["measure_id", "end_year", "area_code", "value", "value_code"])


def _apply_absence_ranks(frame: pd.DataFrame) -> None:
    """The review: in 2015/16 Rutland had the lowest overall absence of all LAs at primary and
    secondary, the lowest primary persistent absence, and the second lowest secondary persistent
    absence (after the Isles of Scilly)."""
    year = 2016
    for measure_id in ("abs_overall_primary", "abs_overall_secondary", "abs_persistent_primary",
                       "abs_persistent_secondary"):
        in_year = (frame["measure_id"] == measure_id) & (frame["end_year"] == year)
        las = in_year & ~frame["area_code"].isin([ENGLAND_CODE, EAST_MIDLANDS_CODE, RUTLAND, ISLES_OF_SCILLY])
        lowest_other = frame.loc[las, "value"].min()
        rutland = round(lowest_other - 0.2, 2)
        scilly = round(rutland - 0.3, 2) if measure_id == "abs_persistent_secondary" else round(lowest_other + 0.5, 2)
        frame.loc[in_year & (frame["area_code"] == RUTLAND), "value"] = rutland
        frame.loc[in_year & (frame["area_code"] == ISLES_OF_SCILLY), "value"] = scilly


def generate(con, settings) -> None:
    areas = _areas()
    las = areas.loc[areas["level"] == "la", "area_code"].tolist()
    frame = _simulate(las, np.random.default_rng(857))
    _apply_absence_ranks(frame)
    frame["version"] = None
    frame["is_seed"] = False

    for measure_id, year, area, value, *version in SEED_RESULTS + [(*r, None) for r in SHAPED_RESULTS]:
        is_seed = (measure_id, year, area, value, *version) in SEED_RESULTS
        mask = (frame["measure_id"] == measure_id) & (frame["end_year"] == year) & (frame["area_code"] == area)
        fields = {"value": value, "value_code": None, "version": version[0], "is_seed": is_seed}
        if mask.any():
            for column, new in fields.items():
                frame.loc[mask, column] = new
        else:
            frame.loc[len(frame)] = {"measure_id": measure_id, "end_year": year, "area_code": area, **fields}

    seed_id, simulated_id = source_ids(con, SEED_RESULTS + DESTINATIONS_2016 + FIXED_COHORT_2017,
                                       frame.drop(columns="is_seed").to_csv(index=False), "demo: LA-level results")
    frame = frame.sort_values(["measure_id", "area_code", "end_year"]).reset_index(drop=True)
    frame["source_id"] = np.where(frame["is_seed"], seed_id, simulated_id)
    frame["source_row"] = frame.groupby("source_id").cumcount() + 1
    frame["year_label"] = [f"{y - 1}/{str(y)[2:]}" for y in frame["end_year"]]
    frame["value"] = frame["value"].astype(float)
    frame["version"] = frame["version"].astype(object).where(frame["version"].notna(), None)
    frame["value_code"] = frame["value_code"].astype(object).where(frame["value_code"].notna(), None)

    insert_areas(con, areas)
    con.register("demo_results", frame)
    con.execute("""
        INSERT INTO la_results
        SELECT measure_id, year_label, end_year, area_code, value, value_code, version, source_id, source_row
        FROM demo_results
    """)
    con.unregister("demo_results")
    db.insert_rows(
        con, "stat_neighbours",
        [[version, RUTLAND, code, rank, "Close", seed_id]
         for version, codes in NEIGHBOURS.items() for rank, code in enumerate(codes, start=1)],
    )
    _destinations(con, seed_id)
    for source_id in (seed_id, simulated_id):
        rows = con.execute("SELECT count(*) FROM la_results WHERE source_id = ?", [source_id]).fetchall()[0][0]
        rows += con.execute("SELECT count(*) FROM destinations WHERE source_id = ?", [source_id]).fetchall()[0][0]
        con.execute("UPDATE sources SET rows_loaded = ? WHERE source_id = ?", [rows, source_id])


def _destinations(con, seed_id: int) -> None:
    rows = []
    for label, year, table in (("Year 11 leavers 2016", 2016, DESTINATIONS_2016),
                               ("Year 11 2017 fixed cohort: offers by October", 2017, FIXED_COHORT_2017)):
        total = sum(n for _, _, n in table)
        for category, group, pupils in table:
            rows.append([label, year, "KS4", RUTLAND, category, group, pupils,
                         round_half_up(100 * pupils / total, 1), None, seed_id, len(rows) + 1])
    db.insert_rows(con, "destinations", rows)
