"""The improvement-plan template: the plan as officers write it, in XLSX (three sheets) or CSV (three files in a zip).

- About: Title, Baseline year (the year of the results the plan was written on, e.g. 2016/17), Source.
- Plan: one row per milestone, as the published plan's table reads - Priority, Issue, Action, Milestone, Dates,
  Lead, Status. A blank Priority, Issue or Action means "the same as the row above", exactly as the council's
  table leaves cells blank; a repeated text starts a new item. Dates are as written ('Oct 17', 'Sept 17 - Apr 18',
  "Dec '17") or as dates (2018-03-31); the milestone is due at the end of the last month written.
- Indicators: Plan item (P1, P1.I2, P1.I2.A1 or P1.I2.A1.M1: priority 1, its issue 2, ...), Measure id (from the
  indicator dictionary), Counted (`la`: the LA's figure; `schools significantly below`: how many state-funded
  mainstream schools are significantly below national), Comparison (at or above, above, at or below, below,
  fewer than), Comparator (England, Region, Statistical neighbours, last year, target value), Target value (a
  number, only with 'target value').

A bad template is refused whole with a message naming the file, sheet, row and column (`TemplateError`), and
the plan already stored stays as it was. The demo's plan, the council's own 2017-18 plan, ships in this format
(rutland_data/reference/plans/).
"""
from __future__ import annotations

import calendar
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from rutland_data.reference import measures
from rutland_data.reference.codes import academic_year, end_year_of
from rutland_data.reference.plan_terms import BASES, COMPARATORS, COMPARISONS, LEVELS, STATUSES

PLANS_FOLDER = Path(__file__).resolve().parent.parent / "reference" / "plans"
LASSAR_STEM = "lassar-2017-18"
SHEETS = ("About", "Plan", "Indicators")
ABOUT_FIELDS = ("Title", "Baseline year", "Source")
PLAN_COLUMNS = ("Priority", "Issue", "Action", "Milestone", "Dates", "Lead", "Status")
INDICATOR_COLUMNS = ("Plan item", "Measure id", "Counted", "Comparison", "Comparator", "Target value")
LEVEL_LETTERS = {"priority": "P", "issue": "I", "action": "A", "milestone": "M"}
_MONTH = re.compile(r"\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
                    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s*'?(\d{4}|\d{2})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SEPARATORS = re.compile(r"^[\s\-–—/,to]*$")
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}


class TemplateError(ValueError):
    """A template that cannot be read: the message names the file, sheet, row and column."""


@dataclass(frozen=True)
class PlanItem:
    ref: str                      # 'P1.I2.A1.M1'
    level: str                    # priority / issue / action / milestone
    parent_ref: str | None
    position: int                 # within its parent, from 1
    text: str
    dates_text: str | None = None
    start_date: date | None = None
    due_date: date | None = None
    lead: str | None = None
    status: str | None = None     # milestones only


@dataclass(frozen=True)
class Indicator:
    item_ref: str
    measure_id: str
    basis: str
    comparison: str
    comparator: str
    target_value: float | None = None


@dataclass(frozen=True)
class PlanDocument:
    title: str
    baseline_year: int            # end year: 2017 for 2016/17
    source: str
    items: tuple[PlanItem, ...]
    indicators: tuple[Indicator, ...]

    def by_ref(self) -> dict[str, PlanItem]:
        return {item.ref: item for item in self.items}


# ---------------------------------------------------------------- dates

def parse_dates(text: str) -> tuple[date, date]:
    """'Oct 17- Oct 18' -> (1 Oct 2017, 31 Oct 2018); "Dec '17" -> (1 Dec, 31 Dec 2017); '2018-03-31' -> that day.

    ValueError when the text holds anything but months with years (or ISO dates) and separators."""
    found: list[tuple[date, date]] = []
    rest = text
    for match in _ISO.finditer(text):
        day = date(int(match[1]), int(match[2]), int(match[3]))
        found.append((day, day))
    rest = _ISO.sub(" ", rest)
    for match in _MONTH.finditer(rest):
        month = MONTHS[match[1].lower()[:3]]
        year = int(match[2]) + (2000 if len(match[2]) == 2 else 0)
        found.append((date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])))
    if not found or not _SEPARATORS.match(_MONTH.sub(" ", rest)):
        raise ValueError(f"could not read the dates {text!r}: expected months with years such as 'Oct 17', "
                         "'Sept 17 - Apr 18' or \"Dec '17\", or dates such as 2018-03-31")
    found.sort()
    return found[0][0], max(end for _, end in found)


# ---------------------------------------------------------------- reading

def _cell(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def _require_columns(frame: pd.DataFrame, wanted: tuple[str, ...], where: str) -> None:
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise TemplateError(f"{where}: no column {', '.join(repr(c) for c in missing)}; the template's columns are "
                            f"{', '.join(wanted)}")


def _about(frame: pd.DataFrame, where: str) -> tuple[str, int, str]:
    _require_columns(frame, ("Field", "Value"), where)
    fields = {_cell(f): _cell(v) for f, v in zip(frame["Field"], frame["Value"])}
    for name in ABOUT_FIELDS:
        if not fields.get(name):
            raise TemplateError(f"{where}: no value for the field {name!r}")
    baseline = end_year_of(fields["Baseline year"])
    if baseline is None or academic_year(baseline) != fields["Baseline year"]:
        raise TemplateError(f"{where}, field 'Baseline year': found {fields['Baseline year']!r}; expected an academic "
                            "year such as 2016/17")
    return fields["Title"], baseline, fields["Source"]


def _items(frame: pd.DataFrame, where: str) -> tuple[PlanItem, ...]:
    """The published table's rows as a tree: a blank Priority, Issue or Action continues the one above."""
    _require_columns(frame, PLAN_COLUMNS, where)
    items: list[PlanItem] = []
    current: dict[str, str | None] = {level: None for level in LEVELS}
    counts: dict[str | None, int] = {}

    def add(level: str, text: str, parent: str | None, **extra) -> str:
        counts[parent] = counts.get(parent, 0) + 1
        ref = f"{parent + '.' if parent else ''}{LEVEL_LETTERS[level]}{counts[parent]}"
        items.append(PlanItem(ref, level, parent, counts[parent], text, **extra))
        return ref

    for row_number, row in enumerate(frame.itertuples(index=False), start=2):   # row 1 is the header
        cells = {column: _cell(value) for column, value in zip(frame.columns, row)}
        if not any(cells.get(c) for c in PLAN_COLUMNS):
            continue
        located = f"{where}, row {row_number}"
        started = False   # a new item at one level starts new items below it
        for level, column in (("priority", "Priority"), ("issue", "Issue"), ("action", "Action")):
            parent = None if level == "priority" else current[LEVELS[LEVELS.index(level) - 1]]
            if cells[column]:
                current[level] = add(level, cells[column], parent)
                started = True
            elif started or current[level] is None:
                raise TemplateError(f"{located}, column {column!r}: empty, but there is no {level} above it to "
                                    f"continue (a new {LEVELS[LEVELS.index(level) - 1]} needs its own {level})")
        if not cells["Milestone"]:
            raise TemplateError(f"{located}, column 'Milestone': empty; every row is one milestone")
        try:
            start, due = parse_dates(cells["Dates"])
        except ValueError as problem:
            raise TemplateError(f"{located}, column 'Dates': {problem}") from None
        status = cells["Status"] or "not recorded"
        if status not in STATUSES:
            raise TemplateError(f"{located}, column 'Status': found {status!r}; expected one of {', '.join(STATUSES)}")
        add("milestone", cells["Milestone"], current["action"], dates_text=cells["Dates"], start_date=start,
            due_date=due, lead=cells["Lead"] or None, status=status)
    if not items:
        raise TemplateError(f"{where}: no milestones")
    return tuple(items)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _indicators(frame: pd.DataFrame, where: str, refs: set[str]) -> tuple[Indicator, ...]:
    _require_columns(frame, INDICATOR_COLUMNS, where)
    dictionary = measures.by_id()
    found = []
    for row_number, row in enumerate(frame.itertuples(index=False), start=2):
        cells = {column: _cell(value) for column, value in zip(frame.columns, row)}
        if not any(cells.get(c) for c in INDICATOR_COLUMNS):
            continue
        located = f"{where}, row {row_number}"

        def refuse(column: str, expected: str) -> TemplateError:
            return TemplateError(f"{located}, column {column!r}: found {cells[column]!r}; expected {expected}")
        if cells["Plan item"] not in refs:
            raise refuse("Plan item", "the reference of an item of the Plan sheet (P1, P1.I2, P1.I2.A1, P1.I2.A1.M1)")
        measure = dictionary.get(cells["Measure id"])
        if measure is None:
            raise refuse("Measure id", "a measure id of the indicator dictionary (rutland_data/reference/measures.csv)")
        if cells["Counted"] not in BASES:
            raise refuse("Counted", " or ".join(BASES))
        if cells["Counted"] == BASES[1] and not measure.appears("schools"):
            raise refuse("Counted", f"'la': {measure.measure_id} is not a Schools measure, so schools are not counted")
        if cells["Comparison"] not in COMPARISONS:
            raise refuse("Comparison", "one of " + ", ".join(COMPARISONS))
        if (cells["Comparison"] == "fewer than") != (cells["Counted"] == BASES[1]):
            raise refuse("Comparison", "'fewer than' for a count of schools, and only then")
        if cells["Comparator"] not in COMPARATORS:
            raise refuse("Comparator", "one of " + ", ".join(COMPARATORS))
        target = _number(cells["Target value"]) if cells["Target value"] else None
        if cells["Target value"] and target is None:
            raise refuse("Target value", "a number")
        if (target is not None) != (cells["Comparator"] == "target value"):
            raise refuse("Target value", "a number with the comparator 'target value', and empty otherwise")
        if cells["Counted"] == BASES[1] and cells["Comparator"] not in ("last year", "target value"):
            raise refuse("Comparator", "'last year' or 'target value' for a count of schools")
        found.append(Indicator(cells["Plan item"], measure.measure_id, cells["Counted"], cells["Comparison"],
                               cells["Comparator"], target))
    return tuple(found)


def from_frames(about: pd.DataFrame, plan: pd.DataFrame, indicators: pd.DataFrame, file_name: str) -> PlanDocument:
    title, baseline, source = _about(about, f"{file_name}, sheet 'About'")
    items = _items(plan, f"{file_name}, sheet 'Plan'")
    return PlanDocument(title, baseline, source, items,
                        _indicators(indicators, f"{file_name}, sheet 'Indicators'", {i.ref for i in items}))


def _read_csv(data: bytes, where: str) -> pd.DataFrame:
    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as problem:
        raise TemplateError(f"{where}: not a readable UTF-8 CSV file ({problem})") from None


def read_template(data: bytes, file_name: str) -> PlanDocument:
    """A plan from an uploaded template: .xlsx (sheets About, Plan, Indicators) or .zip of about.csv, plan.csv,
    indicators.csv."""
    lowered = file_name.lower()
    if lowered.endswith(".xlsx"):
        try:
            sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, keep_default_na=False)
        except Exception as problem:  # openpyxl raises many types for a damaged file; the message says which file
            raise TemplateError(f"{file_name}: not a readable Excel workbook ({type(problem).__name__})") from None
        missing = [s for s in SHEETS if s not in sheets]
        if missing:
            raise TemplateError(f"{file_name}: no sheet {', '.join(repr(s) for s in missing)}; the template has the "
                                f"sheets {', '.join(SHEETS)}")
        return from_frames(*(sheets[s] for s in SHEETS), file_name)
    if lowered.endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = {Path(n).name.lower(): n for n in archive.namelist()}
                missing = [f"{s.lower()}.csv" for s in SHEETS if f"{s.lower()}.csv" not in names]
                if missing:
                    raise TemplateError(f"{file_name}: no {', '.join(missing)} in the zip; the CSV template is "
                                        "about.csv, plan.csv and indicators.csv")
                frames = [_read_csv(archive.read(names[f"{s.lower()}.csv"]), f"{file_name}/{s.lower()}.csv")
                          for s in SHEETS]
        except zipfile.BadZipFile:
            raise TemplateError(f"{file_name}: not a readable zip file") from None
        return from_frames(*frames, file_name)
    raise TemplateError(f"{file_name}: expected an Excel workbook (.xlsx) or a zip of the three CSV files (.zip)")


def lassar_plan() -> PlanDocument:
    """The council's Education Improvement Plan 2017-18, as published in its annual review (the demo's plan)."""
    frames = [_read_csv((PLANS_FOLDER / f"{LASSAR_STEM}-{s.lower()}.csv").read_bytes(), f"{LASSAR_STEM}-{s.lower()}.csv")
              for s in SHEETS]
    return from_frames(*frames, f"{LASSAR_STEM} (reference/plans)")


# ---------------------------------------------------------------- writing

def to_frames(document: PlanDocument) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The plan as the template's three tables; a Priority, Issue or Action is written on its first row only."""
    by_ref = document.by_ref()
    about = pd.DataFrame({"Field": list(ABOUT_FIELDS),
                          "Value": [document.title, academic_year(document.baseline_year), document.source]})
    rows, written = [], set()
    for milestone in (i for i in document.items if i.level == "milestone"):
        action = by_ref[milestone.parent_ref]
        issue = by_ref[action.parent_ref]
        priority = by_ref[issue.parent_ref]
        row = []
        for item in (priority, issue, action):
            row.append("" if item.ref in written else item.text)
            written.add(item.ref)
        rows.append(row + [milestone.text, milestone.dates_text or "", milestone.lead or "", milestone.status])
    plan = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    indicators = pd.DataFrame(
        [[i.item_ref, i.measure_id, i.basis, i.comparison, i.comparator,
          "" if i.target_value is None else f"{i.target_value:g}"] for i in document.indicators],
        columns=list(INDICATOR_COLUMNS))
    return about, plan, indicators


def to_xlsx(document: PlanDocument) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in zip(SHEETS, to_frames(document)):
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def to_csv_zip(document: PlanDocument) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in zip(SHEETS, to_frames(document)):
            archive.writestr(f"{name.lower()}.csv", frame.to_csv(index=False))
    return buffer.getvalue()
