"""Ofsted management information: "State-funded schools inspections and outcomes as at ..." (latest inspections),
one row per school with its latest inspection.

Two layouts, each recognised by its header:
- graded inspections (to August 2025): `URN`, `Total number of pupils`, `Inspection start date`,
  `Publication date`, `Inspection type`,
  `Overall effectiveness` (1 Outstanding .. 4 Inadequate; 'Not judged' / blank for graded inspections from
  September 2024, which gave no overall grade) and the key judgements (`Quality of education`, `Behaviour and
  attitudes`, `Personal development`, `Effectiveness of leadership and management`);
- report cards (from November 2025): the same identifying columns and one column per evaluation area
  (`Inclusion`, `Curriculum and teaching`, `Achievement`, `Attendance and behaviour`, `Personal development and
  well-being`, `Leadership and governance`, `Early years`, `Sixth form`) graded on a five-point scale
  (Exceptional, Strong standard, Expected standard, Needs attention, Urgent improvement), and `Safeguarding`
  (Met / Not met). There is no overall grade. The column names follow Ofsted's names for the areas; no
  report-card MI file was available to check them against, so both spellings of well-being are accepted.
Every judgement is stored as published (`grade_text`) with its grade number where the scale has one.
"""
from __future__ import annotations

import pandas as pd

from rutland_data.ingest.importers import BadInput, Col, Importer, SourceFile, reject_duplicates
from rutland_data.ingest.importers.gias import GIAS_URN, parse_dates, parse_urns
from rutland_data.ingest.intake import COUNT, Date

GRADED_AREAS = ("Overall effectiveness", "Quality of education", "Behaviour and attitudes", "Personal development",
                "Effectiveness of leadership and management")
# GIAS and older MI files name an Inadequate school's category of concern instead of the grade
GRADED_WORDS = {"outstanding": 1, "good": 2, "requires improvement": 3, "inadequate": 4, "serious weaknesses": 4,
                "special measures": 4}
REPORT_CARD_AREAS = ("Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour",
                     "Personal development and well-being", "Personal development and wellbeing",
                     "Leadership and governance", "Early years", "Sixth form", "Safeguarding")
REPORT_CARD_WORDS = {"exceptional": 1, "strong standard": 2, "expected standard": 3, "needs attention": 4,
                     "urgent improvement": 5}
PUPILS = "Total number of pupils"  # the MI file's pupils on roll, which Ofsted's pupil shares are weighted by
# words published for no grade (kept as text, grade NULL)
NO_GRADE_WORDS = {"not judged", "not applicable", "met", "not met", "yes", "no", "9"}


def _grade(source: SourceFile, row: int, area: str, text: str, framework: str) -> int | None:
    words = text.strip().lower()
    if framework == "graded" and words in {"1", "2", "3", "4"}:
        return int(words)
    scale = GRADED_WORDS if framework == "graded" else REPORT_CARD_WORDS
    if words in scale:
        return scale[words]
    if words in NO_GRADE_WORDS:
        return None
    expected = ("1-4, Outstanding, Good, Requires improvement or Inadequate" if framework == "graded" else
                "Exceptional, Strong standard, Expected standard, Needs attention or Urgent improvement")
    raise BadInput(source.display_name, f"'{text}' is not a judgement; expected {expected} (or Not judged)",
                   row=row, column=area)


def _loader(framework: str, areas: tuple[str, ...]):
    def load(con, source: SourceFile, source_id: int, settings):
        frame = source.frame()
        for column in ("Inspection start date", "Publication date", PUPILS):
            if column in frame.columns:
                frame[column] = frame[column].str.strip().replace(NOT_GIVEN, "")
        frame["urn"] = parse_urns(source, frame)
        reject_duplicates(source, frame, ["urn"], "URN")
        started = parse_dates(source, frame["_row"], "Inspection start date", frame["Inspection start date"].fillna(""))
        published = parse_dates(source, frame["_row"], "Publication date",
                           frame.get("Publication date", pd.Series("", frame.index)).fillna(""))
        kinds = frame.get("Inspection type", pd.Series("", frame.index)).fillna("").str.strip()
        pupils = pd.to_numeric(frame.get(PUPILS, pd.Series("", frame.index)).str.replace(",", "", regex=False),
                               errors="coerce")
        rows = []
        for position, (row, urn) in enumerate(zip(frame["_row"], frame["urn"])):
            if started[position] is None:
                continue  # a school not yet inspected in its current form has no inspection row
            for area in (a for a in areas if a in frame.columns):
                text = str(frame[area].iloc[position]).strip()
                if not text or text == NOT_GIVEN:  # a judgement this inspection did not make
                    continue
                rows.append({"urn": urn, "inspection_start": started[position], "publication_date": published[position],
                             "framework": framework, "area": area.replace("wellbeing", "well-being"),
                             "grade": _grade(source, int(row), area, text, framework), "grade_text": text,
                             "inspection_type": kinds.iloc[position] or None,
                             "pupils": None if pd.isna(pupils.iloc[position]) else int(pupils.iloc[position]),
                             "source_id": source_id,
                             "source_row": int(row)})
        if not rows:
            raise BadInput(source.display_name, "holds no inspections (no row has an inspection start date)")
        incoming = pd.DataFrame(rows)
        incoming["grade"] = incoming["grade"].astype("Int64")
        incoming["pupils"] = incoming["pupils"].astype("Int64")
        before = con.execute("SELECT count(*) FROM inspections").fetchall()[0][0]
        con.register("incoming_inspections", incoming)
        try:
            con.execute("INSERT OR IGNORE INTO inspections SELECT urn, inspection_start, publication_date, framework, "
                        "area, grade, grade_text, inspection_type, pupils, source_id, source_row FROM incoming_inspections"
                        ).fetchall()
        finally:
            con.unregister("incoming_inspections")
        added = con.execute("SELECT count(*) FROM inspections").fetchall()[0][0] - before
        return added, None if added == len(incoming) else f"{len(incoming) - added} judgements were already loaded"
    return load


# Ofsted's MI writes NULL where a school has no inspection (or no figure) to report.
NOT_GIVEN = "NULL"
_DATES = (Col("URN", GIAS_URN, blank=False), Col("Inspection start date", Date(), markers=frozenset({NOT_GIVEN})),
          Col("Publication date", Date(), markers=frozenset({NOT_GIVEN})),
          Col(PUPILS, COUNT, markers=frozenset({NOT_GIVEN})))
IMPORTERS = [
    Importer(
        name="Ofsted state-funded schools: latest inspections (graded)",
        signature=frozenset({"URN", "Inspection start date", "Overall effectiveness"}),
        required=("URN", "Inspection start date", "Overall effectiveness"),
        load=_loader("graded", GRADED_AREAS),
        priority=60,
        publisher="Ofsted",
        columns=_DATES,
    ),
    Importer(
        name="Ofsted state-funded schools: latest inspections (report cards)",
        signature=frozenset({"URN", "Inspection start date", "Inclusion", "Achievement"}),
        required=("URN", "Inspection start date", "Inclusion"),
        load=_loader("report card", REPORT_CARD_AREAS),
        priority=60,
        publisher="Ofsted",
        columns=_DATES,
    ),
]
