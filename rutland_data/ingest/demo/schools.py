"""Demo schools: the seed register's 17 primaries and 4 secondary/post-16 providers, with
simulated school results that agree with what the council published.

The register (names, trusts, conversion dates, which six schools the LA maintains) is the
council's own (seed source). Results are invented (simulated source) but constrained so that:
- each year's cohort-weighted school figures reproduce the LA figure already in `la_results`
  (schools are built from whole numbers of pupils, so the LA figure is their sum);
- in 2016/17 the LA's 67% (reading, writing and maths) against England's 61% hides exactly six
  primaries below national in reading and in writing, and ten below in maths (LaSSAR);
- a village primary has 10-30 pupils in Year 6 (about 400 a year group across the county).
URNs are 9xxxxx so that no one mistakes a demo school for a real establishment.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from rutland_data.reference import school_types
from rutland_data.ingest.demo.common import source_ids
from rutland_data.ingest.importers.csp_school import BENCHMARK_COLUMNS, RESULT_COLUMNS, insert_rows, merge_schools
from rutland_data.reference.markers import round_half_up
from rutland_data.reference.codes import ENGLAND_CODE, academic_year

RUTLAND = "857"
SUPPRESS_UP_TO = 5  # performance tables print SUPP for a group of 5 or fewer pupils


@dataclass(frozen=True)
class DemoSchool:
    urn: str
    name: str
    phase: str
    school_type: str
    trust: str | None
    trust_type: str | None
    conversion_date: date | None
    year6: int              # typical Year 6 (or Year 11 / Year 13) cohort
    strength: float         # persistent school effect used by the simulation


# LaSSAR 2.8-2.9 (seed-facts.md). Cohorts and strengths are invented; where the review does not say
# which kind of maintained school or academy route, the type says so rather than guessing.
MAINTAINED = "LA maintained school (C of E)"
RLT, BHAT, RDSF = "Rutland Learning Trust", "Brooke Hill Academy Trust", "Rutland and Districts Schools' Federation"
SCHOOLS = [
    DemoSchool("900001", "Brooke Hill Primary", "Primary", "Academy converter", BHAT, "Multi-academy trust",
               date(2011, 9, 1), 52, 0.9),
    DemoSchool("900002", "Edith Weston Primary", "Primary", "Academy sponsor led", BHAT, "Multi-academy trust",
               date(2016, 2, 1), 12, -0.9),
    DemoSchool("900003", "Catmose Primary", "Primary", "Academy converter", RDSF, "Multi-academy trust",
               date(2012, 5, 1), 30, 0.8),
    DemoSchool("900004", "Langham C of E Primary", "Primary", "Academy (route not stated)", RLT, "Multi-academy trust",
               date(2013, 7, 1), 18, -0.2),
    DemoSchool("900005", "Ketton C of E Primary", "Primary", "Academy converter", RLT, "Multi-academy trust",
               date(2014, 10, 1), 25, -0.1),
    DemoSchool("900006", "St Nicholas (VA) C of E Primary", "Primary", "Academy converter", RLT,
               "Multi-academy trust", date(2014, 10, 1), 14, -0.8),
    DemoSchool("900007", "Whissendine C of E Primary", "Primary", "Academy converter", RLT, "Multi-academy trust",
               date(2014, 10, 1), 19, -0.2),
    DemoSchool("900008", "Exton & Greetham C of E Primary", "Primary", "Voluntary controlled school", None, None,
               None, 10, -1.0),
    DemoSchool("900009", "Cottesmore Primary", "Primary", "Academy sponsor led", "Heighington Millfield",
               "Multi-academy trust", date(2016, 10, 1), 22, -0.7),
    DemoSchool("900010", "English Martyrs Catholic Voluntary Primary", "Primary", "Academy converter",
               "St Gilbert of Sempringham Catholic MAT", "Multi-academy trust", date(2013, 5, 1), 20, -0.3),
    DemoSchool("900011", "Leighfield Primary", "Primary", "Academy converter", "Discovery Schools Academy Trust",
               "Multi-academy trust", date(2013, 4, 1), 28, 0.6),
    DemoSchool("900012", "Ryhall C of E Primary", "Primary", "Academy sponsor led",
               "Peterborough Diocese Education Trust", "Multi-academy trust", date(2014, 10, 1), 28, 0.5),
    DemoSchool("900013", "Uppingham C of E Primary", "Primary", MAINTAINED, None, None, None,
               27, 0.7),
    DemoSchool("900014", "Great Casterton C of E Primary", "Primary", MAINTAINED,
               "Rutland Primary Partners Federation", "Federation", None, 14, -0.6),
    DemoSchool("900015", "Empingham C of E Primary", "Primary", MAINTAINED,
               "Rutland Primary Partners Federation", "Federation", None, 11, -0.9),
    DemoSchool("900016", "Oakham C of E Primary", "Primary", MAINTAINED,
               "Oakham C of E Primary and the Parks", "Federation", None, 42, 0.8),
    DemoSchool("900017", "St Mary and St John C of E (VA) Primary", "Primary", "Voluntary aided school", None, None,
               None, 24, 0.4),
    DemoSchool("900018", "Catmose College", "Secondary", "Academy converter", RDSF, "Multi-academy trust",
               date(2011, 4, 1), 165, -0.2),
    DemoSchool("900019", "Uppingham Community College", "Secondary", "Academy converter",
               "Uppingham Community College",
               "Single-academy trust", date(2011, 4, 1), 170, 0.2),
    DemoSchool("900020", "Casterton College", "Secondary", "Academy converter", "Casterton College",
               "Single-academy trust",
               date(2011, 9, 1), 140, 0.6),
    DemoSchool("900021", "Harington School", "16 plus", "Free schools 16 to 19", RDSF, "Multi-academy trust",
               None, 75, 0.3),
]
# Each school's current ward, from the village or town in its name or address (approximate: the
# map places a school at its ward's ONS label point and says so).
WARD_OF_SCHOOL = {
    "900001": "E05012643", "900002": "E05012640", "900003": "E05012643", "900004": "E05012638",
    "900005": "E05012637", "900006": "E05012634", "900007": "E05012646", "900008": "E05012636",
    "900009": "E05012634", "900010": "E05012641", "900011": "E05012645", "900012": "E05012644",
    "900013": "E05012645", "900014": "E05012644", "900015": "E05012640", "900016": "E05012642",
    "900017": "E05012637", "900018": "E05012643", "900019": "E05012645", "900020": "E05012644",
    "900021": "E05012643",
}
PRIMARIES = [s for s in SCHOOLS if s.phase == "Primary"]
SECONDARIES = [s for s in SCHOOLS if s.phase == "Secondary"]
HARINGTON = SCHOOLS[-1]

# LaSSAR Appendix B: in 2016/17 these primaries were below national (which ones is invented;
# how many is the council's figure): six in reading and writing, ten in maths.
BELOW_IN_READING_AND_WRITING_2017 = {"900002", "900006", "900008", "900009", "900014", "900015"}
BELOW_IN_MATHS_2017 = BELOW_IN_READING_AND_WRITING_2017 | {"900004", "900005", "900007", "900010"}

KS2_SUBJECTS = ["ks2_read_exp", "ks2_writ_exp", "ks2_math_exp"]
GROUP_OFFSETS = {  # national gap of a group to all pupils, percentage points (invented, shaped like DfE's)
    "disadvantaged": -13.0, "not_disadvantaged": 6.0, "boys": -4.0, "girls": 4.0,
}


def pct(count: int, cohort: int, decimals: int) -> float:
    return round_half_up(100 * count / cohort, decimals)


def fit_counts(cohorts: list[int], target: float, decimals: int, lows: list[int], highs: list[int],
               rng: np.random.Generator) -> list[int]:
    """Whole numbers of pupils per school, each within its bounds, whose total gives the LA figure
    `target` and whose cohort-weighted school percentages (as published, rounded) give it too."""
    total = sum(cohorts)
    wanted = [k for k in range(total + 1) if pct(k, total, decimals) == target]
    if not wanted:
        raise ValueError(f"no whole number of {total} pupils gives {target}%")
    goal = wanted[len(wanted) // 2]
    counts = [int(min(max(round(n * target / 100 + rng.normal(0, 0.05 * n)), lo), hi))
              for n, lo, hi in zip(cohorts, lows, highs)]
    order = list(range(len(cohorts)))
    while sum(counts) != goal:
        step = 1 if sum(counts) < goal else -1
        movable = [i for i in order if lows[i] <= counts[i] + step <= highs[i]]
        if not movable:
            raise ValueError("bounds do not allow the LA figure")
        counts[movable[int(rng.integers(len(movable)))]] += step

    def weighted_error(ks: list[int]) -> float:
        shown = sum(pct(k, n, decimals) * n for k, n in zip(ks, cohorts)) / total
        return abs(round_half_up(shown, decimals) - target) + abs(shown - target) / 100

    for _ in range(2000):
        if round_half_up(sum(pct(k, n, decimals) * n for k, n in zip(counts, cohorts)) / total, decimals) == target:
            return counts
        i, j = (int(x) for x in rng.choice(len(cohorts), 2, replace=False))
        trial = counts.copy()
        trial[i] += 1
        trial[j] -= 1
        if lows[i] <= trial[i] <= highs[i] and lows[j] <= trial[j] <= highs[j] \
                and weighted_error(trial) < weighted_error(counts):
            counts = trial
    raise ValueError("could not make the weighted school figures agree with the LA figure")


def _bounds(cohort: int, national: float, relation: str, decimals: int = 0) -> tuple[int, int]:
    """Count bounds so the published percentage is below national, at/above it, or anything plausible."""
    ks = range(cohort + 1)
    if relation == "below":
        allowed = [k for k in ks if pct(k, cohort, decimals) < national and k >= 0.35 * cohort]
    elif relation == "not_below":
        allowed = [k for k in ks if pct(k, cohort, decimals) >= national]
    else:
        allowed = [k for k in ks if k >= 0.3 * cohort]
    return min(allowed), max(allowed)


class _Rows:
    """Collects result and benchmark rows, numbering them within their source."""

    def __init__(self):
        self.results: list[dict] = []
        self.benchmarks: list[dict] = []

    def school(self, urn, year, measure, group, cohort, value, code=None):
        self.results.append({"urn": urn, "end_year": year, "measure_id": measure, "pupil_group": group,
                             "cohort_n": cohort, "value": value, "value_code": code})

    def bench(self, area, phase, year, measure, group, cohort, value, seed=False):
        self.benchmarks.append({"area_code": area, "school_phase": phase, "end_year": year, "measure_id": measure,
                                "pupil_group": group, "cohort_n": cohort, "value": value, "value_code": None,
                                "is_seed": seed})


def _la_values(con) -> dict[tuple[str, int, str], tuple[float, bool]]:
    """(measure, year, area) -> (value, is it a council-published figure) from the LA demo data."""
    rows = con.execute(
        """
        SELECT r.measure_id, r.end_year, r.area_code, r.value, NOT s.is_simulated
        FROM la_results r JOIN sources s USING (source_id)
        WHERE r.area_code IN (?, ?) AND r.value IS NOT NULL
        """, [RUTLAND, ENGLAND_CODE]).fetchall()
    return {(m, y, a): (v, seed) for m, y, a, v, seed in rows}


def _cohorts(schools: list[DemoSchool], year: int, rng: np.random.Generator, spread: float) -> list[int]:
    if year == 2017:  # the year the council's review describes: the register's typical cohorts
        return [s.year6 for s in schools]
    out = []
    for s in schools:
        n = s.year6 + int(round(rng.normal(0, spread * s.year6)))
        out.append(min(max(n, 10), 30) if s.year6 <= 30 else max(n, 31))
    return out


def _ks2(rows: _Rows, la: dict, rng: np.random.Generator) -> None:
    years = sorted({y for (m, y, a) in la if m == "ks2_rwm_exp" and a == RUTLAND and 2016 <= y})
    for year in years:
        cohorts = _cohorts(PRIMARIES, year, rng, 0.12)
        total = sum(cohorts)
        counts: dict[str, list[int]] = {}
        for measure in KS2_SUBJECTS:
            national, _ = la[(measure, year, ENGLAND_CODE)]
            target, _ = la[(measure, year, RUTLAND)]
            below = BELOW_IN_MATHS_2017 if measure == "ks2_math_exp" else BELOW_IN_READING_AND_WRITING_2017
            bounds = [_bounds(n, national, ("below" if s.urn in below else "not_below") if year == 2017 else "any")
                      for s, n in zip(PRIMARIES, cohorts)]
            counts[measure] = fit_counts(cohorts, target, 0, [b[0] for b in bounds], [b[1] for b in bounds], rng)
        # RWM combined: at most the weakest subject's count in each school.
        ceiling = [min(counts[m][i] for m in KS2_SUBJECTS) for i in range(len(PRIMARIES))]
        target, _ = la[("ks2_rwm_exp", year, RUTLAND)]
        national, _ = la[("ks2_rwm_exp", year, ENGLAND_CODE)]
        highs = [min(c, _bounds(n, national, "below")[1]) if year == 2017 and s.urn in BELOW_IN_READING_AND_WRITING_2017
                 else c for s, n, c in zip(PRIMARIES, cohorts, ceiling)]
        rwm = fit_counts(cohorts, target, 0, [min(int(0.5 * c), h) for c, h in zip(ceiling, highs)], highs, rng)
        counts["ks2_rwm_exp"] = rwm
        high_target = la.get(("ks2_rwm_high", year, RUTLAND), (10.0, False))[0]
        counts["ks2_rwm_high"] = fit_counts(cohorts, high_target, 0, [0] * len(rwm), rwm, rng)

        for measure, ks in counts.items():
            for school, n, k in zip(PRIMARIES, cohorts, ks):
                rows.school(school.urn, year, measure, "all", n, pct(k, n, 0))
            value, seed = la[(measure, year, RUTLAND)] if (measure, year, RUTLAND) in la else (pct(sum(ks), total, 0), False)
            rows.bench(RUTLAND, "all", year, measure, "all", total, value, seed)
            if (measure, year, ENGLAND_CODE) in la:
                national, seed = la[(measure, year, ENGLAND_CODE)]
                rows.bench(ENGLAND_CODE, "all", year, measure, "all", None, national, seed)
        _ks2_groups(rows, la, year, cohorts, rwm, rng)
        _ks2_progress(rows, la, year, cohorts, rng)


def _ks2_groups(rows: _Rows, la: dict, year: int, cohorts: list[int], rwm: list[int],
                rng: np.random.Generator) -> None:
    """Disadvantaged / other and boys / girls splits of RWM, suppressed as DfE does at 5 or fewer."""
    national, _ = la[("ks2_rwm_exp", year, ENGLAND_CODE)]
    totals = {g: [0, 0] for g in GROUP_OFFSETS}
    for school, n, k in zip(PRIMARIES, cohorts, rwm):
        disadvantaged = int(min(max(round(n * rng.uniform(0.06, 0.2)), 1), n - 1))
        boys = int(min(max(round(n * rng.uniform(0.4, 0.6)), 1), n - 1))
        for group, size, other, other_size in (("disadvantaged", disadvantaged, "not_disadvantaged", n - disadvantaged),
                                               ("boys", boys, "girls", n - boys)):
            rate = (k / n) + GROUP_OFFSETS[group] / 100 * 1.2
            reached = int(min(max(rng.binomial(size, min(max(rate, 0.05), 0.98)), max(0, k - other_size)), min(size, k)))
            for name, pupils, hit in ((group, size, reached), (other, other_size, k - reached)):
                totals[name][0] += hit
                totals[name][1] += pupils
                if pupils <= SUPPRESS_UP_TO:
                    rows.school(school.urn, year, "ks2_rwm_exp", name, pupils, None, "SUPP")
                else:
                    rows.school(school.urn, year, "ks2_rwm_exp", name, pupils, pct(hit, pupils, 0))
    for group, (hit, pupils) in totals.items():
        rows.bench(RUTLAND, "all", year, "ks2_rwm_exp", group, pupils, pct(hit, pupils, 0))
        rows.bench(ENGLAND_CODE, "all", year, "ks2_rwm_exp", group, None, round(national + GROUP_OFFSETS[group]))


def _ks2_progress(rows: _Rows, la: dict, year: int, cohorts: list[int], rng: np.random.Generator) -> None:
    """Progress scores (1 decimal, as published) whose pupil-weighted mean is the LA's score."""
    for measure in ("ks2_read_prog", "ks2_writ_prog", "ks2_math_prog"):
        if (measure, year, RUTLAND) not in la:
            continue
        target, _ = la[(measure, year, RUTLAND)]
        raw = np.array([1.6 * s.strength + rng.normal(0, 1.4) for s in PRIMARIES])
        weights = np.array(cohorts, dtype=float)
        raw += target - float(np.dot(raw, weights) / weights.sum())
        for school, n, score in zip(PRIMARIES, cohorts, raw):
            rows.school(school.urn, year, measure, "all", n, round_half_up(float(score), 1))
        rows.bench(RUTLAND, "all", year, measure, "all", sum(cohorts), target)
        rows.bench(ENGLAND_CODE, "all", year, measure, "all", None, 0.0)


def _ks4_cohorts(year: int, targets: list[tuple[float, int]], rng: np.random.Generator) -> list[int]:
    """Year 11 cohorts whose total can give each published 1-decimal LA percentage exactly."""
    base = [s.year6 for s in SECONDARIES]
    for attempt in range(400):
        cohorts = base if (attempt == 0 and year == 2017) else \
            [max(60, n + int(round(rng.normal(0, 12)))) for n in base]
        total = sum(cohorts)
        if all(any(pct(k, total, d) == t for k in range(total + 1)) for t, d in targets):
            return cohorts
    raise ValueError(f"no KS4 cohort sizes reproduce the {year} LA percentages")


def _ks4(rows: _Rows, la: dict, rng: np.random.Generator) -> None:
    years = sorted({y for (m, y, a) in la if m == "ks4_att8" and a == RUTLAND})
    percentages = ["ks4_em95", "ks4_em94", "ks4_ebacc95"]
    for year in years:
        targets = [(la[(m, year, RUTLAND)][0], 1) for m in percentages if (m, year, RUTLAND) in la]
        cohorts = _ks4_cohorts(year, targets, rng)
        total = sum(cohorts)
        for measure in percentages:
            if (measure, year, RUTLAND) not in la:
                continue
            target, seed = la[(measure, year, RUTLAND)]
            ks = fit_counts(cohorts, target, 1, [int(0.1 * n) for n in cohorts], cohorts, rng)
            for school, n, k in zip(SECONDARIES, cohorts, ks):
                rows.school(school.urn, year, measure, "all", n, pct(k, n, 1))
            _benchmarks(rows, la, year, measure, total, target, seed)
        for measure, decimals, spread in (("ks4_att8", 1, 2.5), ("ks4_p8", 2, 0.2), ("ks4_ebacc_aps", 2, 0.25)):
            if (measure, year, RUTLAND) not in la:
                continue
            target, seed = la[(measure, year, RUTLAND)]
            values = _weighted_scores(target, cohorts, decimals, spread, rng)
            for school, n, value in zip(SECONDARIES, cohorts, values):
                rows.school(school.urn, year, measure, "all", n, value)
            _benchmarks(rows, la, year, measure, total, target, seed)


def _weighted_scores(target: float, cohorts: list[int], decimals: int, spread: float,
                     rng: np.random.Generator) -> list[float]:
    """Scores at the published precision whose pupil-weighted mean rounds to the LA figure."""
    total = sum(cohorts)
    raw = [target + spread * (s.strength + rng.normal(0, 0.5)) for s in SECONDARIES]
    shift = target - sum(v * n for v, n in zip(raw, cohorts)) / total
    values = [round_half_up(v + shift, decimals) for v in raw]
    step = 10 ** -decimals
    largest = int(np.argmax(cohorts))
    for _ in range(200):
        mean = sum(v * n for v, n in zip(values, cohorts)) / total
        if round_half_up(mean, decimals) == target:
            return values
        values[largest] = round_half_up(values[largest] + (step if mean < target else -step), decimals)
    raise ValueError("could not make the weighted school scores agree with the LA figure")


def _benchmarks(rows: _Rows, la: dict, year: int, measure: str, total: int, target: float, seed: bool) -> None:
    rows.bench(RUTLAND, "all", year, measure, "all", total, target, seed)
    if (measure, year, ENGLAND_CODE) in la:
        national, national_seed = la[(measure, year, ENGLAND_CODE)]
        rows.bench(ENGLAND_CODE, "all", year, measure, "all", None, national, national_seed)


def _ks5(rows: _Rows, la: dict, rng: np.random.Generator) -> None:
    """Harington is Rutland's only state-funded 16-18 provider, so its A level APS is the LA's."""
    for (measure, year, area), (value, seed) in sorted(la.items()):
        if measure != "ks5_aps_alevel" or area != RUTLAND:
            continue
        students = HARINGTON.year6 + int(round(rng.normal(0, 8)))
        rows.school(HARINGTON.urn, year, measure, "all", students, value)
        rows.school(HARINGTON.urn, year, "ks5_va_alevel", "all", students, round_half_up(rng.normal(0.1, 0.15), 2))
        _benchmarks(rows, la, year, measure, students, value, seed)


def _context(rows: _Rows, la: dict, rng: np.random.Generator) -> None:
    """Census characteristics and absence for each school and year (simulated around LA levels)."""
    for school in SCHOOLS:
        roll = school.year6 * (7 if school.phase == "Primary" else 5 if school.phase == "Secondary" else 2)
        fsm6 = float(np.clip(rng.normal(12 - 4 * school.strength, 3), 2, 35))
        sen = float(np.clip(rng.normal(11, 3), 3, 25))
        ehcp = float(np.clip(rng.normal(1.5, 0.8), 0, 6))
        eal = float(np.clip(rng.normal(3, 2), 0, 20))
        phase = "primary" if school.phase == "Primary" else "secondary"
        for year in range(2016, 2026):
            nor = int(roll * (1 + rng.normal(0, 0.04)))
            for measure, value in (("school_nor", nor), ("school_fsm6_pct", fsm6 + rng.normal(0, 1)),
                                   ("school_sen_support_pct", sen + rng.normal(0, 1)),
                                   ("school_ehcp_pct", ehcp + rng.normal(0, 0.3)),
                                   ("school_eal_pct", eal + rng.normal(0, 0.5))):
                rows.school(school.urn, year, measure, "all", nor, round_half_up(max(float(value), 0.0), 1
                                                                                  if measure != "school_nor" else 0))
            key = (f"abs_overall_{phase}", year, RUTLAND)
            if key in la:
                rows.school(school.urn, year, "abs_overall", "all", nor,
                            round_half_up(max(la[key][0] + rng.normal(-0.3 * school.strength, 0.4), 1.0), 1))
                persistent = la.get((f"abs_persistent_{phase}", year, RUTLAND), (8.0, False))[0]
                rows.school(school.urn, year, "abs_persistent", "all", nor,
                            round_half_up(max(persistent + rng.normal(-1.5 * school.strength, 1.5), 0.5), 1))
    for phase in ("primary", "secondary"):
        for (measure, year, area), (value, seed) in la.items():
            if area == ENGLAND_CODE and measure in (f"abs_overall_{phase}", f"abs_persistent_{phase}"):
                school_measure = "abs_overall" if "overall" in measure else "abs_persistent"
                rows.bench(ENGLAND_CODE, phase, year, school_measure, "all", None, value, seed)
            if area == RUTLAND and measure in (f"abs_overall_{phase}", f"abs_persistent_{phase}"):
                school_measure = "abs_overall" if "overall" in measure else "abs_persistent"
                rows.bench(RUTLAND, phase, year, school_measure, "all", None, value, seed)


def generate(con, settings) -> None:
    rng = np.random.default_rng(2017)
    la = _la_values(con)
    rows = _Rows()
    _ks2(rows, la, rng)
    _ks4(rows, la, rng)
    _ks5(rows, la, rng)
    _context(rows, la, rng)

    results = pd.DataFrame(rows.results)
    benchmarks = pd.DataFrame(rows.benchmarks)
    register = [(s.urn, s.name, s.phase, s.school_type, s.trust, s.trust_type, s.conversion_date) for s in SCHOOLS]
    seed_id, simulated_id = source_ids(con, register, results.to_csv(index=False) + benchmarks.to_csv(index=False),
                                       "demo: schools")

    merge_schools(con, pd.DataFrame({
        "urn": [s.urn for s in SCHOOLS], "name": [s.name for s in SCHOOLS], "la_code": RUTLAND,
        "phase": [s.phase for s in SCHOOLS], "school_type": [s.school_type for s in SCHOOLS],
        "trust": [s.trust for s in SCHOOLS], "trust_type": [s.trust_type for s in SCHOOLS],
        "conversion_date": [s.conversion_date for s in SCHOOLS], "is_open": True, "source_id": seed_id,
        "ward_code": [WARD_OF_SCHOOL[s.urn] for s in SCHOOLS],
        # the seed register is the council's own list of its state-funded mainstream schools
        "comparison_group": school_types.MAINSTREAM,
    }))

    results["year_label"] = results["end_year"].map(academic_year)
    results["version"] = "unstated"
    results["source_id"] = simulated_id
    results["source_row"] = range(1, len(results) + 1)
    # No interval is published for invented figures: the queries compute one from the cohort, as for a real file.
    results["ci_low"], results["ci_high"], results["ci_method"] = math.nan, math.nan, None
    results["cohort_from"] = "cohort"
    results["cohort_n"] = results["cohort_n"].astype("Int64")
    results["value"] = results["value"].astype(float)
    results["published_band"] = pd.array([None] * len(results), dtype="Int64")
    results["value_code"] = results["value_code"].astype(object).where(results["value_code"].notna(), None)
    insert_rows(con, "school_results", results, RESULT_COLUMNS)

    benchmarks["year_label"] = benchmarks["end_year"].map(academic_year)
    benchmarks["version"] = "unstated"
    benchmarks["source_id"] = np.where(benchmarks["is_seed"], seed_id, simulated_id)
    benchmarks["source_row"] = benchmarks.groupby("source_id").cumcount() + 1
    benchmarks["ci_low"], benchmarks["ci_high"] = math.nan, math.nan
    benchmarks["cohort_n"] = benchmarks["cohort_n"].astype("Int64")
    benchmarks["value"] = benchmarks["value"].astype(float)
    benchmarks["value_code"] = None
    insert_rows(con, "school_benchmarks", benchmarks, BENCHMARK_COLUMNS)

    for source_id in (seed_id, simulated_id):
        loaded = sum(con.execute(f"SELECT count(*) FROM {table} WHERE source_id = ?", [source_id]).fetchall()[0][0]
                     for table in ("schools", "school_results", "school_benchmarks"))
        con.execute("UPDATE sources SET rows_loaded = ? WHERE source_id = ?", [loaded, source_id]).fetchall()
