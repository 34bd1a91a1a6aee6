"""The indicator dictionary: one row of `measures.csv` per measure, the single source of what a measure is
and where it appears.

Each row says: its phase, unit, decimals, polarity (and, for lower-is-better measures, what 'lower'
refers to in a sentence), year type (academic / calendar / financial), series breaks, the comparators
its figures are set against, whether it is ranked among LAs, its chart title and axis label, its label
beside sibling measures in a breakdown, a score's possible range (checked at intake), and the places it
appears (`appears_in`). Adding a measure to a page is a row, not code.

Series breaks are written `KIND YEAR[-YEAR]: reason`, separated by ';' (years are the end year
of the academic year, e.g. 2017 for 2016/17):
- `new 2017: Attainment 8 moved to the 9-1 points scale` - a new series starts in 2016/17, so no
  change is described between 2015/16 and 2016/17;
- `gap 2020-2021: no KS2 tests (COVID-19)` - nothing was published for 2019/20 and 2020/21. A gap
  is not a new series: the years are simply missing. `gap 2024-` is open-ended (not published since).

A release calendar (`release_calendar`) is written `VERSION MONTH[-MONTH][ +N|-N]`, separated by ';': the
version published, the month or months it comes out, and the year counted from the figure's end year (KS2
2024/25, end year 2025: `provisional Sep; revised Dec` are September and December 2025; KS4's `revised Feb +1`
is February 2026; admissions offers for September 2025 entry, end year 2026, `final Jun -1` are June 2025).
Blank: the dashboard does not track when it is published.

A possible range is written `LOW to HIGH: why` (`-9 to 9: (Attainment 8 - its estimate) / 10`): what the
score can take by how it is built, not what anyone has scored, so a swapped or mis-read column fails.

Every database carries a copy of this file (table `measures`, the same columns) for SQL and provenance;
code reads the dictionary from here, and tests/test_dictionary.py checks the copy equals the file.
"""
from __future__ import annotations

import calendar
import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from rutland_data.reference.codes import YEAR_TYPES, label_year
from rutland_data.reference.markers import round_half_up

MEASURES_FILE = Path(__file__).with_name("measures.csv")
UNITS = {"%", "score", "count", "rate"}
POLARITIES = {"higher", "lower", "neutral"}
# Where a measure can appear (`appears_in`), and what each place is.
PLACES = {
    "headlines": "the Headline trends page, by phase; the sidebar's years come from these",
    "overview": "the Overview: each phase's first measure with a figure",
    "summary": "the performance summary and board pack, a section per phase",
    "groups": "the summary's and pack's pupil-groups section",
    "vulnerable": "the Groups page's vulnerable-groups section (SEND timeliness, children looked after, in need)",
    "schools": "the Schools page, under the key stage of its phase (and the summary's schools section if also a "
               "summary measure)",
    "school_context": "the School profile's context (census, absence): describes the whole school, so it has no "
                      "interval and is not judged against national",
    "sqa": "the SQA rules' headline measures",
    "sqa_absence": "the SQA rule on absence above national",
    "map_scatter": "the result axis of the deprivation map's FSM scatter",
    "neet": "the Destinations page's NEET and participation section",
    "absence": "the Absence page's panels and LA ranks, by school phase",
    "absence_ytd": "the Absence page's year-to-date section, by school phase",
    "absence_terms": "the Absence page's table by term (the term is its breakdown label)",
    "admissions": "the School admissions page's offers by preference and trend, by school phase",
    "admissions_average": "the School admissions page's five-year averages and the summary's admissions section",
    "destinations": "the Destinations page's trend of one destination category",
    "local_returns": "the officers' local returns: a school-level result the LA holds, which an officer may upload "
                     "(rutland_data/ingest/local_returns.py; its year group is in YEAR_GROUPS there)",
}
SCHOOL_PHASES = {"primary", "secondary", "special", "all"}
COMPARATOR_KINDS = {
    "england": "England (state-funded schools)",
    "region": "the LA's region",
    "neighbours": "the mean of its statistical neighbours",
    "la": "the LA's own figure, beside a school's",
    "same_phase": "a school's national and LA figures are those of its own phase (census, absence)",
}
_BREAK = re.compile(r"^(new|gap) (\d{4})(?:(-)(\d{4})?)?: (\S.*)$")
_RELEASE = re.compile(r"^(provisional|revised|final) ([A-Z][a-z]{2})(?:-([A-Z][a-z]{2}))?(?: ([+-]\d))?$")
MONTHS = {name: number for number, name in enumerate(calendar.month_abbr) if name}
VERSION_ORDER = ("provisional", "revised", "final")   # the order releases come out in
_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?) to (-?\d+(?:\.\d+)?): (\S.*)$")


@dataclass(frozen=True)
class SeriesBreak:
    kind: str                # 'new': a new series starts in `first`; 'gap': nothing published from `first`
    first: int               # end year
    last: int | None         # gaps only: the last end year not published (None: not published since)
    reason: str

    def covers(self, end_year: int) -> bool:
        """Whether `end_year` falls in this gap (a 'new' break covers no year)."""
        return self.kind == "gap" and self.first <= end_year and (self.last is None or end_year <= self.last)


def parse_breaks(text: str) -> tuple[SeriesBreak, ...]:
    """The breaks of a `series_breaks` cell in year order; ValueError names the part it cannot read."""
    found = []
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        match = _BREAK.match(part)
        if not match:
            raise ValueError(f"'{part}' should read 'new YEAR: reason' or 'gap YEAR[-YEAR]: reason'")
        kind, first, dash, last, reason = match.groups()
        if kind == "new" and dash:
            raise ValueError(f"'{part}': a new series starts in one year")
        end = int(first) if kind == "gap" and not dash else (int(last) if last else None)
        if end is not None and end < int(first):
            raise ValueError(f"'{part}': the gap ends before it starts")
        found.append(SeriesBreak(kind, int(first), end if kind == "gap" else None, reason.strip()))
    return tuple(sorted(found, key=lambda b: b.first))


@dataclass(frozen=True)
class ReleaseRule:
    """One release of a measure's figures for a year: its version, its months and its year after the end year."""
    version: str
    first_month: int
    last_month: int
    year_offset: int


def parse_calendar(text: str) -> tuple[ReleaseRule, ...]:
    """A `release_calendar` cell's releases; ValueError names the part it cannot read."""
    rules = []
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        match = _RELEASE.match(part)
        if not match or match.group(2) not in MONTHS or (match.group(3) and match.group(3) not in MONTHS):
            raise ValueError(f"'{part}' should read 'VERSION MONTH[-MONTH][ +N]', e.g. 'revised Feb +1'")
        version, first, last, offset = match.groups()
        if MONTHS[last or first] < MONTHS[first]:
            raise ValueError(f"'{part}': the months run backwards")
        rules.append(ReleaseRule(version, MONTHS[first], MONTHS[last or first], int(offset or 0)))
    versions = [r.version for r in rules]
    if versions != sorted(set(versions), key=VERSION_ORDER.index):
        raise ValueError(f"'{text}': each version once, in the order {', '.join(VERSION_ORDER)}")
    return tuple(rules)


@dataclass(frozen=True)
class PossibleRange:
    low: float
    high: float
    reason: str


def parse_range(text: str) -> PossibleRange | None:
    """A `possible_range` cell; None when blank; ValueError when it does not read 'LOW to HIGH: why'."""
    if not text:
        return None
    match = _RANGE.match(text)
    if not match or float(match.group(1)) >= float(match.group(2)):
        raise ValueError(f"'{text}' should read 'LOW to HIGH: why', LOW below HIGH")
    return PossibleRange(float(match.group(1)), float(match.group(2)), match.group(3))


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(";") if part.strip())


@dataclass(frozen=True)
class Measure:
    measure_id: str
    phase: str
    name: str
    short_label: str
    unit: str
    polarity: str
    decimals: int
    year_type: str
    description: str
    series_breaks: str
    lait_code: str | None
    sort_order: int
    appears_in: tuple[str, ...]
    school_phase: str | None
    comparators: tuple[str, ...]
    ranked: bool
    chart_title: str
    axis_label: str
    breakdown_label: str | None
    polarity_noun: str | None
    possible_range: PossibleRange | None
    release_calendar: str
    significance_reference: float | None   # what a school's interval is judged against, where not the national value

    def releases(self) -> tuple[ReleaseRule, ...]:
        return parse_calendar(self.release_calendar)

    def appears(self, place: str) -> bool:
        return place in self.appears_in

    @property
    def headline(self) -> bool:
        """Shown on the Headline trends page."""
        return self.appears("headlines")

    def breaks(self) -> tuple[SeriesBreak, ...]:
        return parse_breaks(self.series_breaks)

    def new_series_in(self, end_year: int) -> SeriesBreak | None:
        """The break that starts a new series in `end_year`, if any."""
        return next((b for b in self.breaks() if b.kind == "new" and b.first == end_year), None)

    def gap_covering(self, end_year: int) -> SeriesBreak | None:
        """The documented gap in which nothing was published for `end_year`, if any."""
        return next((b for b in self.breaks() if b.covers(end_year)), None)

    def year_label(self, end_year: int) -> str:
        return label_year(int(end_year), self.year_type)

    @property
    def year_title(self) -> str:
        """'Academic year' / 'Calendar year' / 'Financial year', for axes and column headers."""
        return YEAR_TYPES[self.year_type]

    def period(self, end_year: int) -> str:
        """The year as a sentence names it: '2016/17', 'calendar year 2021', 'financial year 2016-17'."""
        label = self.year_label(end_year)
        return label if self.year_type == "academic" else f"{self.year_title.lower()} {label}"

    def judged_against(self, national: float | None, pupil_group: str = "all") -> float | None:
        """What a school's all-pupil interval is set against to call it significantly above or below: the
        dictionary's `significance_reference` where it has one (a progress score: DfE calls it significant when
        its interval is wholly above or below 0, the national average by construction, whatever the state-funded
        figure rounds to), else the national value; a pupil group's, against its own national value."""
        return self.significance_reference if self.significance_reference is not None and pupil_group == "all" \
            else national

    def shown_decimals(self, published_decimals: int | None = None) -> int:
        """Decimals to show: the dictionary's, or fewer where the file published fewer (a 1-dp source
        shown as '2.80' would claim a precision it never had)."""
        if published_decimals is None or published_decimals != published_decimals:  # None or NaN
            return self.decimals
        return max(0, min(self.decimals, int(published_decimals)))

    def format(self, value: float | None, code: str | None = None, published_decimals: int | None = None) -> str:
        """Value rounded half-up to the shown decimals, with its unit; the marker when there is no value."""
        if value is None or value != value:  # None or NaN
            return code if isinstance(code, str) and code else "no data"
        decimals = self.shown_decimals(published_decimals)
        text = f"{round_half_up(float(value), decimals):,.{decimals}f}"
        if text.startswith("-") and float(text.lstrip("-").replace(",", "")) == 0:
            text = text.lstrip("-")  # -0.001 shown to 2 dp is 0.00, not -0.00
        return f"{text}%" if self.unit == "%" else text



_COLUMNS = ("measure_id", "phase", "name", "short_label", "unit", "polarity", "decimals", "year_type", "description",
            "series_breaks", "lait_code", "sort_order", "appears_in", "school_phase", "comparators", "ranked",
            "chart_title", "axis_label", "breakdown_label", "polarity_noun", "possible_range", "release_calendar",
            "significance_reference")


def _problem(row: dict, seen: set[str]) -> tuple[str, str] | None:
    """The first column of a dictionary row that breaks a rule, and why."""
    if list(row) != list(_COLUMNS):
        return "header", f"must be {', '.join(_COLUMNS)}"
    checks = [
        ("measure_id", row["measure_id"] in seen, "appears twice"),
        ("unit", row["unit"] not in UNITS, f"must be one of {sorted(UNITS)}"),
        ("polarity", row["polarity"] not in POLARITIES, f"must be one of {sorted(POLARITIES)}"),
        ("year_type", row["year_type"] not in YEAR_TYPES, f"must be one of {sorted(YEAR_TYPES)}"),
        ("appears_in", not set(_list(row["appears_in"])) <= set(PLACES), f"must be places among {sorted(PLACES)}"),
        ("school_phase", row["school_phase"] not in SCHOOL_PHASES | {""}, f"must be blank or one of {sorted(SCHOOL_PHASES)}"),
        ("comparators", not set(_list(row["comparators"])) <= set(COMPARATOR_KINDS),
         f"must be among {sorted(COMPARATOR_KINDS)}"),
        ("ranked", row["ranked"] not in ("true", "false"), "must be true or false"),
        ("ranked", row["ranked"] == "true" and row["polarity"] == "neutral", "a neutral measure has no better end to rank by"),
        ("chart_title", not row["chart_title"], "is required"),
        ("axis_label", not row["axis_label"], "is required"),
        ("polarity_noun", (row["polarity"] == "lower") != bool(row["polarity_noun"]),
         "is required for a lower-is-better measure (what 'lower' refers to), and only for one"),
        ("possible_range", (row["unit"] == "score") != bool(row["possible_range"]),
         "is required for a score (what it can take), and only for one"),
        ("significance_reference", bool(row["significance_reference"]) and row["unit"] != "score",
         "is only for a score (a progress measure judged against 0)"),
    ]
    for column, failed, why in checks:
        if failed:
            return column, why
    for column, parse in (("series_breaks", parse_breaks), ("possible_range", parse_range),
                          ("release_calendar", parse_calendar)):
        try:
            parse(row[column])
        except ValueError as error:
            return column, str(error)
    return None


@functools.lru_cache(maxsize=4)
def read_dictionary(path: Path = MEASURES_FILE) -> tuple[Measure, ...]:
    """Read and check the dictionary once per process; a bad row names its line and column."""
    measures = []
    seen: set[str] = set()
    with open(path, newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            problem = _problem(row, seen)
            if problem:
                raise ValueError(f"{path.name}: line {line_no}, column '{problem[0]}': {problem[1]}")
            seen.add(row["measure_id"])
            measures.append(Measure(
                measure_id=row["measure_id"], phase=row["phase"], name=row["name"], short_label=row["short_label"],
                unit=row["unit"], polarity=row["polarity"], decimals=int(row["decimals"]), year_type=row["year_type"],
                description=row["description"], series_breaks=row["series_breaks"],
                lait_code=row["lait_code"] or None, sort_order=int(row["sort_order"]),
                appears_in=_list(row["appears_in"]), school_phase=row["school_phase"] or None,
                comparators=_list(row["comparators"]), ranked=row["ranked"] == "true",
                chart_title=row["chart_title"], axis_label=row["axis_label"],
                breakdown_label=row["breakdown_label"] or None, polarity_noun=row["polarity_noun"] or None,
                possible_range=parse_range(row["possible_range"]), release_calendar=row["release_calendar"],
                significance_reference=float(row["significance_reference"]) if row["significance_reference"] else None))
    return tuple(sorted(measures, key=lambda m: m.sort_order))


_TYPED = {"decimals": int, "sort_order": int, "ranked": lambda cell: cell == "true", "significance_reference": float}


def table_rows(path: Path = MEASURES_FILE) -> list[list]:
    """The dictionary file as rows of the `measures` table (its copy in every database), cell for cell: numbers
    and true/false typed, a blank cell NULL."""
    read_dictionary(path)  # checked first
    with open(path, newline="", encoding="utf-8") as handle:
        return [[_TYPED.get(column, str)(row[column]) if row[column] else None for column in _COLUMNS]
                for row in csv.DictReader(handle)]


def by_id() -> dict[str, Measure]:
    return {m.measure_id: m for m in read_dictionary()}


def where(place: str, school_phase: str | None = None, phase: str | None = None) -> tuple[Measure, ...]:
    """The measures that appear in `place` (see PLACES), in dictionary order; of one school phase or phase."""
    if place not in PLACES:
        raise ValueError(f"'{place}' is not a place a measure can appear (measures.PLACES)")
    return tuple(m for m in read_dictionary() if m.appears(place)
                 and (school_phase is None or m.school_phase == school_phase) and (phase is None or m.phase == phase))


def ids(place: str, school_phase: str | None = None, phase: str | None = None) -> list[str]:
    return [m.measure_id for m in where(place, school_phase, phase)]
