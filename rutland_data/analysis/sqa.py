"""School Quality Assurance (SQA) prioritisation: transparent rules -> a priority per school.

The council reviews every school at least three times a year and agrees a priority. This
module proposes one from the data, with every reason written out, so the meeting starts from
evidence it can check. It never labels a school "below floor" or "coasting": those
result-based definitions ended in 2019.

All the rules live in DEFAULT_RULES below (id, description, how it is evaluated, level);
their thresholds live in SqaConfig. Change either and rules_table() documents the change.

Input `results`: one row per school x academic year x measure, all pupils:
    urn            int/str   school URN (the school today; a predecessor's rows come under it)
    school_name    str
    end_year       int       academic year by its end (2019 = 2018/19)
    measure_id     str       from measures.csv (e.g. 'ks2_rwm_exp', 'ks4_p8', 'abs_overall')
    cohort_n       int|NaN   pupils in the measure (the denominator)
    value          float|NaN the school's value; NaN where a published code stands instead
    ci_low, ci_high float|NaN 95% interval (published, or computed when read; see
                             analysis.intervals.complete_intervals); NaN = no interval
    national_value float|NaN national value, same measure and year
    polarity       str       'higher' | 'lower' | 'neutral' (from measures.csv)
Optional evidence columns (EVIDENCE_COLUMNS) make the reasons checkable and let DfE's published
progress band stand in for a missing interval:
    published_band 1-5 (1 well above average .. 5 well below), year_label, value_code, ci_method,
    interval_version, comparison_group, published_as, source_file, source_row
Optional `schools`: urn, school_name, comparison_group - every school to list, with or without rows.
Optional `inspections`: urn, inspection_date, overall_effectiveness (1-4 or the words).
Output (prioritise): one row per school, sorted most urgent first:
    urn, school_name, priority, priority_rank, reasons, rule_ids, caution

Evidence: a headline figure can be judged against national when it has a value and either a 95%
interval and a national value, or DfE's published progress band (bands 4-5 mean the school's own
interval lies below the national average, 1-2 above). Only state-funded mainstream schools are
judged against the national figure (DfE compares special schools apart). A school none of whose
headline figures can be judged is 'Insufficient data', with why - never 'No concerns'.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from rutland_data.reference import measures
from rutland_data.reference.codes import academic_year
from rutland_data.analysis import intervals
from rutland_data.reference import school_types

INSUFFICIENT = "Insufficient data"
PRIORITY_LEVELS = ("High", "Medium", "Low", INSUFFICIENT, "No concerns")
PRIORITY_RANK = {level: rank for rank, level in enumerate(PRIORITY_LEVELS, start=1)}
CAUTION = "Caution"  # a rule at this level adds a note but never raises the priority

RESULT_COLUMNS = ("urn", "school_name", "end_year", "measure_id", "cohort_n", "value", "ci_low",
                  "ci_high", "national_value", "polarity")
EVIDENCE_COLUMNS = ("published_band", "year_label", "value_code", "ci_method", "interval_version",
                    "comparison_group", "published_as", "source_file", "source_row")
OUTPUT_COLUMNS = ("urn", "school_name", "priority", "priority_rank", "reasons", "rule_ids", "caution")

OFSTED_WORDS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}


@dataclass(frozen=True)
class SqaConfig:
    """Every threshold the rules use, in one place; which measures they read is the indicator dictionary's
    (`appears_in` sqa and sqa_absence)."""
    headline_measures: tuple[str, ...] = field(default_factory=lambda: tuple(measures.ids("sqa")))
    absence_measures: tuple[str, ...] = field(default_factory=lambda: tuple(measures.ids("sqa_absence")))
    years_considered: int = 3          # the latest year and the two before it
    years_below_for_high: int = 2      # 'significantly below ... in two or more years'
    small_cohort: int = 10             # cohorts of this many pupils or fewer get a caution
    escalate_medium_count: int | None = 2  # this many separate Medium rules -> High (None: off)


@dataclass(frozen=True)
class ResultRow:
    """One row of `results`, with missing numbers as None (rules read these, not pandas rows)."""
    end_year: int
    measure_id: str
    cohort_n: float | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    national_value: float | None
    polarity: str
    band: int | None = None
    code: str | None = None
    interval_from: str = ""      # 'published' / 'computed: ...' / 'published, taken from the provisional release'
    source: str = ""             # 'file, row n'
    published_as: str = ""       # '' or 'published under the predecessor school ...'
    compared: bool = True        # a state-funded mainstream school: judged against national

    def significance(self) -> str | None:
        """ABOVE / NOT_DIFFERENT / BELOW from DfE's published band, else from the interval; None if neither."""
        if not self.compared or self.value is None:
            return None
        return intervals.significance(self.value, self.ci_low, self.ci_high, self.band, self.reference)

    @property
    def reference(self) -> float | None:
        """What the interval is judged against: the national value, or 0 for a progress score (the dictionary)."""
        return _dictionary()[self.measure_id].judged_against(self.national_value)

    def evidence(self) -> str:
        """The figure and what its judgement rests on, with its source: checkable by a reader."""
        shown = _formatted(self.measure_id, self.value) if self.value is not None else (self.code or "no figure")
        interval = None
        if self.ci_low is not None and self.ci_high is not None and self.reference is not None:
            against = (f"England {_formatted(self.measure_id, self.national_value)}" if self.reference ==
                       self.national_value else "0, the national average of a progress score")
            interval = (f"95% interval {_formatted(self.measure_id, self.ci_low)} to "
                        f"{_formatted(self.measure_id, self.ci_high)} ({self.interval_from}), against {against}")
        if self.band in intervals.PROGRESS_BANDS:  # the band decides (`intervals.significance`)
            basis = (f"DfE progress band {self.band}: {intervals.PROGRESS_BANDS[self.band]}; "
                     + (interval or "no interval published"))
        else:
            basis = interval or "no interval or DfE band"
        extra = f"; {self.published_as}" if self.published_as else ""
        return f"{shown}, {basis}{extra}; {self.source}" if self.source else f"{shown}, {basis}{extra}"


@dataclass(frozen=True)
class SchoolEvidence:
    """One school's rows, already limited to the years considered, sorted by measure and year."""
    urn: str
    school_name: str
    results: tuple[ResultRow, ...]
    latest_year: int
    inspection: dict | None


@dataclass(frozen=True)
class Rule:
    rule_id: str
    description: str
    how_evaluated: str
    level: str   # 'High' | 'Medium' | 'Low' | 'Caution'
    evaluate: Callable[[SchoolEvidence, SqaConfig], list[str]] = field(repr=False)


# --- rule checks: each returns the reasons it fires for (empty list: the rule does not apply) --
def _worse_than_national(row: ResultRow) -> bool:
    """Significantly worse than national, respecting polarity (for absence, higher is worse): from
    DfE's published progress band, or else the 95% interval (`intervals.significance`). A band says
    'below average' of the progress itself, whatever the polarity of the band's number (ks4_p8_band)."""
    label = row.significance()
    if row.band in intervals.PROGRESS_BANDS:
        return label == intervals.BELOW
    if row.polarity == "higher":
        return label == intervals.BELOW
    if row.polarity == "lower":
        return label == intervals.ABOVE
    return False


def _rows_significantly_below(evidence: SchoolEvidence, config: SqaConfig) -> dict[str, list[ResultRow]]:
    below: dict[str, list[ResultRow]] = {}
    for row in evidence.results:
        if row.measure_id in config.headline_measures and _worse_than_national(row):
            below.setdefault(row.measure_id, []).append(row)
    return {m: sorted(rows, key=lambda r: r.end_year) for m, rows in below.items()}


def _check_below_repeatedly(evidence: SchoolEvidence, config: SqaConfig) -> list[str]:
    return [f"{_label(m)}: significantly below national in {len(rows)} of the last {config.years_considered} "
            f"years ({_year_list([r.end_year for r in rows])}): "
            + "; ".join(f"{academic_year(r.end_year)} {r.evidence()}" for r in rows)
            for m, rows in sorted(_rows_significantly_below(evidence, config).items())
            if len(rows) >= config.years_below_for_high]


def _check_below_latest(evidence: SchoolEvidence, config: SqaConfig) -> list[str]:
    return [f"{_label(m)}: significantly below national in {academic_year(evidence.latest_year)} "
            f"({rows[0].evidence()})"
            for m, rows in sorted(_rows_significantly_below(evidence, config).items())
            if [r.end_year for r in rows] == [evidence.latest_year]]


def _check_falling_trend(evidence: SchoolEvidence, config: SqaConfig) -> list[str]:
    wanted = list(range(evidence.latest_year - config.years_considered + 1, evidence.latest_year + 1))
    by_measure: dict[str, dict[int, ResultRow]] = {}
    for row in evidence.results:
        if row.measure_id in config.headline_measures:
            by_measure.setdefault(row.measure_id, {})[row.end_year] = row
    reasons = []
    for measure_id, by_year in sorted(by_measure.items()):
        values = [by_year[year].value if year in by_year else None for year in wanted]
        if any(v is None for v in values):
            continue
        polarity = by_year[wanted[-1]].polarity
        steps = [b - a for a, b in zip(values, values[1:])]
        falling = all(s < 0 for s in steps) if polarity == "higher" else \
            all(s > 0 for s in steps) if polarity == "lower" else False
        if falling:
            trail = " -> ".join(_formatted(measure_id, v) for v in values)
            sources = "; ".join(dict.fromkeys(by_year[y].source for y in wanted if by_year[y].source))
            reasons.append(f"{_label(measure_id)}: worse in each of the last {len(wanted)} years ({trail})"
                           + (f" - {sources}" if sources else ""))
    return reasons


def _check_small_cohort(evidence: SchoolEvidence, config: SqaConfig) -> list[str]:
    return [f"{_label(r.measure_id)} {academic_year(r.end_year)} rests on {int(r.cohort_n)} pupils"
            + (f" (one pupil is {100 / r.cohort_n:.0f} percentage points)" if _unit(r.measure_id) == "%" else "")
            + "; read with caution"
            for r in evidence.results
            if r.end_year == evidence.latest_year and r.measure_id in config.headline_measures
            and r.cohort_n is not None and 0 < r.cohort_n <= config.small_cohort]


def _check_ofsted(grades: set[int]) -> Callable[[SchoolEvidence, SqaConfig], list[str]]:
    def check(evidence: SchoolEvidence, config: SqaConfig) -> list[str]:
        inspection = evidence.inspection
        if not inspection or inspection.get("grade") not in grades:
            return []
        when = inspection.get("date")
        when_text = f" (inspected {pd.Timestamp(when):%d %B %Y})" if when is not None and not pd.isna(when) else ""
        return [f"latest Ofsted overall effectiveness: {OFSTED_WORDS[inspection['grade']]}{when_text}"]
    return check


def _check_absence(evidence: SchoolEvidence, config: SqaConfig) -> list[str]:
    return [f"{_label(r.measure_id)}: {_formatted(r.measure_id, r.value)} in {academic_year(r.end_year)} "
            f"against {_formatted(r.measure_id, r.national_value)} nationally" + (f" ({r.source})" if r.source else "")
            for r in evidence.results
            if r.end_year == evidence.latest_year and r.measure_id in config.absence_measures
            and r.value is not None and r.national_value is not None and r.value > r.national_value]


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("below_national_repeatedly",
         "Significantly below national in a headline measure in two or more of the last three years",
         "For each headline measure (SqaConfig.headline_measures), count the years among the last "
         "SqaConfig.years_considered in which the school's whole 95% interval lies on the worse "
         "side of the national value; fires at SqaConfig.years_below_for_high years or more.",
         "High", _check_below_repeatedly),
    Rule("below_national_latest_year",
         "Significantly below national in a headline measure in the latest year only",
         "As above, but the latest year is the only year the measure was significantly below.",
         "Medium", _check_below_latest),
    Rule("falling_trend",
         "A headline measure worse in each of the last three years",
         "The measure has a value in each of the last SqaConfig.years_considered years and each "
         "year is worse than the one before (by polarity). Uses values, not intervals, so it is "
         "a prompt to look, not a finding.",
         "Medium", _check_falling_trend),
    Rule("ofsted_inadequate",
         "Latest Ofsted judgement Inadequate",
         "Latest inspection's overall effectiveness is 4 (only when inspections are loaded).",
         "High", _check_ofsted({4})),
    Rule("ofsted_requires_improvement",
         "Latest Ofsted judgement Requires improvement",
         "Latest inspection's overall effectiveness is 3 (only when inspections are loaded).",
         "Medium", _check_ofsted({3})),
    Rule("absence_above_national",
         "Absence above national in the latest year",
         "Overall or persistent absence (SqaConfig.absence_measures) above the national value "
         "in the latest year. Absence is measured on every session, so no interval is used.",
         "Low", _check_absence),
    Rule("small_cohort_caution",
         "Results reliant on a very small cohort",
         "A headline measure in the latest year covers SqaConfig.small_cohort pupils or fewer. "
         "Noted for caution; it never raises the priority.",
         CAUTION, _check_small_cohort),
)


def rules_table(rules: tuple[Rule, ...] = DEFAULT_RULES, config: SqaConfig = SqaConfig()) -> pd.DataFrame:
    """The rule set as a table for the page ('How priorities are set') and its CSV."""
    settings_text = (f"headline measures: {', '.join(config.headline_measures)}; absence measures: "
                     f"{', '.join(config.absence_measures)}; years considered: {config.years_considered}; "
                     f"years below for High: {config.years_below_for_high}; small cohort: "
                     f"{config.small_cohort} pupils or fewer; Medium rules that escalate to High: "
                     f"{config.escalate_medium_count or 'never'}")
    return pd.DataFrame(
        [{"rule_id": r.rule_id, "description": r.description, "how_evaluated": r.how_evaluated,
          "level": r.level, "settings": settings_text} for r in rules],
        columns=["rule_id", "description", "how_evaluated", "level", "settings"])


def prioritise(results: pd.DataFrame, *, schools: pd.DataFrame | None = None,
               inspections: pd.DataFrame | None = None, rules: tuple[Rule, ...] = DEFAULT_RULES,
               config: SqaConfig = SqaConfig(), latest_year: int | None = None) -> pd.DataFrame:
    """Apply the rules and return one row per school with its priority and reasons.

    latest_year: the year the years considered end in; by default each school's own latest year with a
    headline figure (else the latest end_year in `results`). Priority = the highest level
    among the rules that fire; SqaConfig.escalate_medium_count separate Medium rules make it
    High. A school with no rule firing is 'No concerns' only when at least one of its headline
    figures in the years considered can be judged against national (see the module docstring);
    otherwise - no results, only codes, no interval or band, or a school DfE compares apart - it
    is 'Insufficient data', and the reasons say why. `schools` lists schools to include even
    without results (urn, school_name, comparison_group).
    Sorted most urgent first, then by the number of rules fired, then by name.
    """
    missing = [c for c in RESULT_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"results is missing column(s): {', '.join(missing)}")
    data = results.copy()
    data["urn"] = data["urn"].astype(str)
    newest = int(data.end_year.max()) if len(data) else 0
    # Each school's years end at its own latest headline figure unless a year is chosen: a primary whose
    # newest loaded results are 2018/19 is judged on those (the reasons give the year), not left out because
    # a secondary's are from 2023/24.
    headline = data[data.measure_id.isin(config.headline_measures)]
    own_latest = {} if latest_year is not None else headline.groupby("urn").end_year.max().astype(int).to_dict()
    latest_for = {urn: own_latest.get(urn, latest_year if latest_year is not None else newest)
                  for urn in data.urn.unique()}
    data["_latest"] = data.urn.map(latest_for).astype("int64")
    in_window = data[(data.end_year > data["_latest"] - config.years_considered) & (data.end_year <= data["_latest"])]
    latest_inspection = _latest_inspections(inspections)

    names = dict(zip(data.urn, data.school_name))
    groups = dict(zip(data.urn, data["comparison_group"])) if "comparison_group" in data else {}
    if schools is not None:
        listed = schools.assign(urn=schools["urn"].astype(str))
        names.update({u: n for u, n in zip(listed.urn, listed.school_name) if u not in names})
        groups.update({u: g for u, g in zip(listed.urn, listed["comparison_group"]) if u not in groups})
    urns = sorted(set(names) | set(latest_inspection))
    by_school = _rows_by_school(in_window.drop(columns="_latest"))
    rows = []
    for urn in urns:
        school_rows = by_school.get(urn, ())
        school_latest = latest_for.get(urn, latest_year if latest_year is not None else newest)
        first_year = school_latest - config.years_considered + 1
        window = f"{academic_year(first_year)} to {academic_year(school_latest)}"
        evidence = SchoolEvidence(urn, names.get(urn, latest_inspection.get(urn, {}).get("name", "")),
                                  school_rows, school_latest, latest_inspection.get(urn))
        fired = [(rule, reason) for rule in rules for reason in rule.evaluate(evidence, config)]
        concerns = [(rule, reason) for rule, reason in fired if rule.level != CAUTION]
        judged = [r for r in school_rows if r.measure_id in config.headline_measures and r.significance()]
        priority = _priority(concerns, has_evidence=bool(judged), config=config)
        escalation = ([f"[High] {config.escalate_medium_count} or more separate Medium rules together"]
                      if priority == "High" and all(rule.level != "High" for rule, _ in concerns) else [])
        reasons = [f"[{rule.level}] {reason}" for rule, reason in concerns] + escalation
        if not judged:
            reasons.append(_insufficient(school_rows, groups.get(urn), window, config))
        elif not concerns:
            reasons.append("no rule fired on " + ", ".join(
                f"{_label(r.measure_id)} {academic_year(r.end_year)} ({r.significance()})" for r in judged))
        rows.append({
            "urn": urn,
            "school_name": evidence.school_name,
            "priority": priority,
            "priority_rank": PRIORITY_RANK[priority],
            "reasons": "; ".join(reasons),
            "rule_ids": ", ".join(dict.fromkeys(rule.rule_id for rule, _ in fired)),
            "caution": "; ".join(reason for rule, reason in fired if rule.level == CAUTION),
            "_rules_fired": len({rule.rule_id for rule, _ in concerns}),
        })
    out = pd.DataFrame(rows, columns=[*OUTPUT_COLUMNS, "_rules_fired"])
    out = out.sort_values(["priority_rank", "_rules_fired", "school_name"], ascending=[True, False, True])
    return out.drop(columns="_rules_fired").reset_index(drop=True)


def _insufficient(rows: tuple[ResultRow, ...], group: str | None, window: str, config: SqaConfig) -> str:
    """Why no headline figure of a school can be judged against national."""
    headline = [r for r in rows if r.measure_id in config.headline_measures]
    if group and group != school_types.COMPARED:
        kind = school_types.label(group)
        return (f"insufficient data: {'an' if kind[0] in 'aeiou' else 'a'} {kind} school - DfE compares these "
                "schools apart, so no headline result is judged against the national figure")
    if not headline:
        return f"insufficient data: no headline results for {window}"
    shown = [f"{_label(r.measure_id)} {academic_year(r.end_year)} {r.evidence()}" for r in headline[:4]]
    more = f"; and {len(headline) - 4} more" if len(headline) > 4 else ""
    return ("insufficient data: no headline result for " + window + " has a 95% interval or DfE progress band "
            "to judge it against national - " + "; ".join(shown) + more)


def _rows_by_school(frame: pd.DataFrame) -> dict[str, tuple[ResultRow, ...]]:
    """urn -> its rows as ResultRow, sorted by measure then year (plain records: fast to scan)."""
    grouped: dict[str, list[ResultRow]] = {}
    for record in frame.sort_values(["measure_id", "end_year"]).to_dict("records"):
        group = record.get("comparison_group")
        grouped.setdefault(record["urn"], []).append(ResultRow(
            end_year=int(record["end_year"]), measure_id=record["measure_id"],
            cohort_n=_num(record["cohort_n"]), value=_num(record["value"]), ci_low=_num(record["ci_low"]),
            ci_high=_num(record["ci_high"]), national_value=_num(record["national_value"]),
            polarity=record["polarity"],
            band=None if _num(record.get("published_band")) is None else int(record["published_band"]),
            code=record.get("value_code") if isinstance(record.get("value_code"), str) else None,
            interval_from=_interval_from(record.get("ci_method"), record.get("interval_version")),
            source=(f"{record['source_file']}, row {int(record['source_row'])}"
                    if isinstance(record.get("source_file"), str) else ""),
            published_as=record.get("published_as") or "",
            compared=not isinstance(group, str) or group == school_types.COMPARED))
    return {urn: tuple(rows) for urn, rows in grouped.items()}


def _interval_from(method: object, version: object) -> str:
    if not isinstance(method, str):
        return "interval"
    words = "published" if method == "published" else method.split(" (")[0]
    return f"{words}, from the {version} release" if isinstance(version, str) else words


def _priority(concerns: list[tuple[Rule, str]], *, has_evidence: bool, config: SqaConfig) -> str:
    levels = {rule.level for rule, _ in concerns}
    if not concerns:
        return "No concerns" if has_evidence else INSUFFICIENT
    medium_rules = {rule.rule_id for rule, _ in concerns if rule.level == "Medium"}
    if "High" in levels or (config.escalate_medium_count is not None
                            and len(medium_rules) >= config.escalate_medium_count):
        return "High"
    return "Medium" if "Medium" in levels else "Low"


def _latest_inspections(inspections: pd.DataFrame | None) -> dict[str, dict]:
    """urn -> {'grade': 1-4 or None, 'date': Timestamp or None} for the latest inspection."""
    if inspections is None or inspections.empty:
        return {}
    missing = [c for c in ("urn", "inspection_date", "overall_effectiveness") if c not in inspections.columns]
    if missing:
        raise ValueError(f"inspections is missing column(s): {', '.join(missing)}")
    words_to_grade = {word.lower(): grade for grade, word in OFSTED_WORDS.items()}
    latest: dict[str, dict] = {}
    frame = inspections.assign(urn=inspections.urn.astype(str),
                               inspection_date=pd.to_datetime(inspections.inspection_date))
    for row in frame.sort_values("inspection_date").itertuples(index=False):
        grade = row.overall_effectiveness
        if isinstance(grade, str):
            grade = int(grade) if grade.strip().isdigit() else words_to_grade.get(grade.strip().lower())
        elif grade is not None and not pd.isna(grade):
            grade = int(grade)
        else:
            grade = None  # e.g. inspections from September 2024 carry no overall grade
        latest[row.urn] = {"grade": grade, "date": row.inspection_date,
                           "name": getattr(row, "school_name", "")}
    return latest


@functools.lru_cache(maxsize=1)
def _dictionary() -> dict[str, measures.Measure]:
    return measures.by_id()


def _label(measure_id: str) -> str:
    measure = _dictionary().get(measure_id)
    return measure.short_label if measure else measure_id


def _unit(measure_id: str) -> str | None:
    measure = _dictionary().get(measure_id)
    return measure.unit if measure else None


def _formatted(measure_id: str, value: float) -> str:
    measure = _dictionary().get(measure_id)
    return measure.format(value) if measure else f"{value:g}"


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)




def _year_list(years: list[int]) -> str:
    return ", ".join(academic_year(y) for y in years)
