"""Demo post-16 data: DfE-style KS4 destinations, NEET/participation at 16-17, and the full
breakdown of admissions offers - all simulated, so the Destinations and Admissions pages have
comparators to show.

The council's own figures (Year 11 leavers 2016, the 2017 fixed cohort, the five-year
first-preference averages) are written by `la_level`; nothing here changes them. DfE
destination measures use their own categories and cohorts, stored beside the council's
table, never mixed into it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from rutland_data.store import db
from rutland_data.ingest.demo.common import SIMULATED_FILE, fingerprint
from rutland_data.ingest.importers import insert_areas
from rutland_data.ingest.importers.csp_destinations import COHORT_CATEGORY, KS4_CATEGORIES, insert_destinations
from rutland_data.reference.markers import round_half_up
from rutland_data.reference.codes import EAST_MIDLANDS_CODE, ENGLAND_CODE

RUTLAND = "857"
# Later than the council's own 2016 and 2017 tables, so the two kinds of table never share a cohort year.
COHORT_YEARS = [2018, 2019, 2020, 2021, 2022]
NEET_YEARS = range(2017, 2026)
# England's split of KS4 leavers (percent, shaped like DfE's national series); Rutland has one
# academic sixth form, so fewer stay in a school sixth form in county and more go to FE.
ENGLAND_SPLIT = {"School sixth form": 38.0, "Sixth-form college": 13.0, "Further education": 34.5,
                 "Other education": 0.9, "Apprenticeship": 4.5, "Employment": 3.0, "Not sustained": 5.0,
                 "Activity not captured": 1.1}
RUTLAND_SHIFT = {"School sixth form": 2.0, "Sixth-form college": -9.5, "Further education": 5.5,
                 "Other education": 3.0, "Apprenticeship": 0.5, "Employment": 0.0, "Not sustained": -1.0,
                 "Activity not captured": -0.5}
GROUPS = {category: group for _, category, group in KS4_CATEGORIES}


def _split(rng: np.random.Generator, shift: dict[str, float] | None, noise: float) -> dict[str, float]:
    raw = {c: max(0.2, p + (shift or {}).get(c, 0.0) + rng.normal(0, noise)) for c, p in ENGLAND_SPLIT.items()}
    total = sum(raw.values())
    return {c: 100 * v / total for c, v in raw.items()}


def _destination_rows(area: str, year: int, cohort: int, split: dict[str, float], source_id: int,
                      suppress_up_to: int) -> list[list]:
    """Whole pupils per category (largest remainder), suppressed as the performance tables do."""
    exact = {c: cohort * p / 100 for c, p in split.items()}
    counts = {c: int(v) for c, v in exact.items()}
    for c in sorted(exact, key=lambda c: exact[c] - counts[c], reverse=True)[: cohort - sum(counts.values())]:
        counts[c] += 1
    label = f"Pupils completing key stage 4 in {year - 1}/{str(year)[2:]}"
    rows = [[label, year, "KS4", area, COHORT_CATEGORY, "Total", cohort, None, None, source_id, 0]]
    for category, pupils in counts.items():
        hidden = 0 < pupils <= suppress_up_to
        percent = round_half_up(100 * pupils / cohort, 0)
        rows.append([label, year, "KS4", area, category, GROUPS[category], None if hidden else pupils,
                     None if hidden else percent, "SUPP" if hidden else None, source_id, 0])
    sustained = sum(counts[c] for c in counts if c not in ("Not sustained", "Activity not captured"))
    rows.append([label, year, "KS4", area, "Sustained destination (total)", "Total", sustained,
                 round_half_up(100 * sustained / cohort, 0), None, source_id, 0])
    return rows


def _secondary_schools(con) -> list[tuple[str, str]]:
    rows = con.execute("SELECT urn, name FROM schools WHERE la_code = ? AND phase = 'Secondary' ORDER BY urn",
                       [RUTLAND]).fetchall()
    return [(urn, name) for urn, name in rows]


def _destinations(con, rng: np.random.Generator, source_id: int, settings) -> int:
    neighbours = [r[0] for r in con.execute("SELECT DISTINCT neighbour_code FROM stat_neighbours "
                                            "WHERE la_code = ? ORDER BY neighbour_code", [RUTLAND]).fetchall()]
    schools = _secondary_schools(con)
    insert_areas(con, pd.DataFrame([[urn, name, "school", int(RUTLAND), None, None, True] for urn, name in schools],
                                   columns=["area_code", "name", "level", "old_la_code", "new_la_code",
                                            "region_code", "is_current"]))
    rows = []
    for year in COHORT_YEARS:
        rows += _destination_rows(ENGLAND_CODE, year, 530000 + int(rng.integers(-15000, 15000)),
                                  _split(rng, None, 0.1), source_id, 0)
        rows += _destination_rows(EAST_MIDLANDS_CODE, year, 46000 + int(rng.integers(-1500, 1500)),
                                  _split(rng, {"Sixth-form college": -4.0, "Further education": 4.0}, 0.3),
                                  source_id, 0)
        for code in neighbours:
            rows += _destination_rows(code, year, int(rng.integers(1800, 9000)), _split(rng, None, 1.5),
                                      source_id, 0)
        school_cohorts = [int(rng.integers(140, 180)) for _ in schools]
        rows += _destination_rows(RUTLAND, year, sum(school_cohorts) + int(rng.integers(0, 12)),
                                  _split(rng, RUTLAND_SHIFT, 0.8), source_id, 0)
        for (urn, _), cohort in zip(schools, school_cohorts):
            rows += _destination_rows(urn, year, cohort, _split(rng, RUTLAND_SHIFT, 3.0), source_id,
                                      settings.suppress_counts_up_to)
    frame = pd.DataFrame(rows, columns=["cohort_label", "cohort_end_year", "stage", "area_code", "category",
                                        "category_group", "pupils", "percent", "value_code", "source_id",
                                        "source_row"])
    frame["source_row"] = range(1, len(frame) + 1)
    frame["pupils"] = frame["pupils"].astype("Int64")
    added, _ = insert_destinations(con, frame)
    return added


def _neet(con, rng: np.random.Generator) -> pd.DataFrame:
    """NEET, not known and participation for every LA, the region and England (calendar years)."""
    las = [r[0] for r in con.execute("SELECT area_code FROM areas WHERE level = 'la' ORDER BY area_code").fetchall()]
    em = [r[0] for r in con.execute("SELECT area_code FROM areas WHERE level = 'la' AND region_code = ? ORDER BY area_code",
                                    [EAST_MIDLANDS_CODE]).fetchall()]
    rows = []
    for year in NEET_YEARS:
        england_neet, england_nk = 2.8 + 0.05 * (year - 2017), 2.6 - 0.05 * (year - 2017)
        values = {}
        for code in las:
            low = 0.35 if code == RUTLAND else 1.0
            neet = max(0.1, england_neet * low + rng.normal(0, 0.8 * low))
            nk = max(0.1, england_nk * low + rng.normal(0, 1.0 * low))
            values[code] = (neet, nk, min(99.5, 100 - 1.6 * (neet + nk) - rng.uniform(2, 5) * low))
        values[ENGLAND_CODE] = (england_neet, england_nk, 92.5 - 0.1 * (year - 2017))
        values[EAST_MIDLANDS_CODE] = tuple(float(np.mean([values[c][i] for c in em])) for i in range(3))
        for code, (neet, nk, participation) in values.items():
            for measure_id, value in (("neet_1617", neet), ("notknown_1617", nk),
                                      ("neet_nk_1617", round_half_up(float(neet), 1) + round_half_up(float(nk), 1)),
                                      ("participation_1617", participation)):
                rows.append([measure_id, str(year), year, code, round_half_up(float(value), 1)])
    return pd.DataFrame(rows, columns=["measure_id", "year_label", "end_year", "area_code", "value"])


def _offer_breakdown(con, rng: np.random.Generator) -> pd.DataFrame:
    """Second, third, not-named and no-offer rates that fit around the first-preference rates already loaded."""
    first = con.execute("SELECT measure_id, end_year, area_code, value FROM la_results WHERE value IS NOT NULL "
                        "AND measure_id IN ('admissions_first_pref_primary', 'admissions_first_pref_secondary')"
                        ).fetchall()
    rows = []
    for measure_id, year, area, value in first:
        phase = measure_id.rsplit("_", 1)[1]
        rest = max(0.0, 100.0 - value - rng.uniform(0.2, 1.5))
        weights = rng.dirichlet([6, 2, 1.5, 0.5])
        for stem, share in zip(("second_pref", "third_pref", "non_pref_offer", "no_offer"), weights):
            rows.append([f"admissions_{stem}_{phase}", f"{year - 1}/{str(year)[2:]}", year, area,
                         round_half_up(float(rest * share), 1)])
    return pd.DataFrame(rows, columns=["measure_id", "year_label", "end_year", "area_code", "value"])


def generate(con, settings) -> None:
    rng = np.random.default_rng(1617)
    results = pd.concat([_neet(con, rng), _offer_breakdown(con, rng)], ignore_index=True)
    source_id = db.register_source(
        con, file_name=SIMULATED_FILE + ": post-16 destinations, NEET and admissions offers",
        sha256=fingerprint(results.to_csv(index=False)), importer="demo: post-16",
        publisher="This dashboard (invented for demonstration)", licence="Not real data", is_simulated=True,
    )
    results["value_code"], results["version"] = None, None
    results["source_id"] = source_id
    results["source_row"] = range(1, len(results) + 1)
    con.register("demo_post16", results)
    con.execute("""
        INSERT OR IGNORE INTO la_results
        SELECT measure_id, year_label, end_year, area_code, value, value_code, version, source_id, source_row
        FROM demo_post16
    """)
    con.unregister("demo_post16")
    destinations = _destinations(con, rng, source_id, settings)
    loaded = con.execute("SELECT count(*) FROM la_results WHERE source_id = ?", [source_id]).fetchall()[0][0]
    db.finish_source(con, source_id, loaded + destinations)
