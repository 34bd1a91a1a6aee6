"""Ofsted judgements of the LA's schools: each open state-funded school's latest inspection, and the share of
pupils in schools whose latest overall effectiveness is good or outstanding (the review's "every child attends
good or outstanding provision").

The share is Ofsted's: pupils in schools judged good or outstanding over pupils in schools with an overall
effectiveness grade, weighted by the MI file's 'Total number of pupils' (else the school's latest census roll,
which the view says). Schools with no grade are left out of both and counted apart: a graded inspection from
September 2024 gives none, and a report card (from November 2025) grades each evaluation area on a five-point
scale with no overall grade - there is no equivalent of 'good or better' in it, and Ofsted says the two scales
cannot be compared, so report-card schools are listed with their area grades instead.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data.queries.inspections import latest_judgements
from rutland_data.queries.la import area_name

GOOD_OR_BETTER = {1, 2}
OVERALL = "Overall effectiveness"
GRADED_WORDS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
REPORT_CARD_NOTE = ("Report cards (from November 2025) grade each evaluation area from Exceptional to Urgent "
                    "improvement and give no overall grade, so they have no equivalent of 'good or better'; Ofsted "
                    "says the new grades cannot be compared with the old judgements.")


@dataclass(frozen=True)
class InspectionView:
    la_name: str
    latest: pd.DataFrame        # one row per school: its latest inspection in one line
    judgements: pd.DataFrame    # every judgement of those inspections
    share_sentence: str
    good_or_better_pupils: int | None
    graded_pupils: int | None
    source_ids: tuple[int, ...]


def overall_words(grade, text: str) -> str:
    return GRADED_WORDS.get(int(grade), text) if pd.notna(grade) else text


def _one_line(part: pd.DataFrame) -> str:
    """A school's latest inspection in words: the overall grade, or every report-card area's grade."""
    if (part["framework"] == "graded").all():
        overall = part[part["area"] == OVERALL]
        if overall.empty:
            return "no overall effectiveness published"
        row = overall.iloc[0]
        return overall_words(row["grade"], row["grade_text"])
    return "; ".join(f"{r.area}: {r.grade_text}" for r in part.itertuples())


def _pupils(part: pd.DataFrame) -> tuple[float | None, str]:
    if part["pupils"].notna().any():
        return float(part["pupils"].dropna().iloc[0]), "Ofsted MI 'Total number of pupils'"
    if part["census_pupils"].notna().any():
        return float(part["census_pupils"].iloc[0]), f"census roll, January {int(part['census_year'].iloc[0])}"
    return None, "not in the loaded files"


def summarise(judgements: pd.DataFrame, la_name: str) -> tuple[pd.DataFrame, str, int | None, int | None]:
    rows = []
    for urn, part in judgements.groupby("school_urn", sort=False):
        pupils, pupils_from = _pupils(part)
        overall = part[(part["area"] == OVERALL) & (part["framework"] == "graded")]
        grade = overall["grade"].iloc[0] if not overall.empty else None
        first = part.iloc[0]
        rows.append({
            "school": first["school"], "urn": urn, "framework": first["framework"],
            "inspected": first["inspection_start"], "published": first["publication_date"],
            "latest judgement": _one_line(part), "good or better": (
                "yes" if pd.notna(grade) and int(grade) in GOOD_OR_BETTER else
                "no" if pd.notna(grade) else "no overall grade"),
            "pupils": pupils, "pupils from": pupils_from,
            "inspected as": "" if first["published_urn"] == urn else
            f"{first['published_name']} (URN {first['published_urn']}), the predecessor school",
            "source_id": first["source_id"], "source_row": first["source_row"],
            "_grade": grade,
        })
    latest = pd.DataFrame(rows)
    if latest.empty:
        return latest, f"No Ofsted inspections of {la_name}'s open state-funded schools are loaded.", None, None
    graded = latest[latest["_grade"].notna() & latest["pupils"].notna()]
    ungraded = latest[latest["_grade"].isna()]
    if graded.empty:
        sentence = (f"None of the {len(latest)} inspected schools has an overall effectiveness grade with a pupil "
                    "count, so no share of pupils in good or outstanding schools can be given.")
        return latest.drop(columns="_grade"), sentence, None, None
    good = graded[graded["_grade"].astype(int).isin(GOOD_OR_BETTER)]
    good_pupils, all_pupils = int(good["pupils"].sum()), int(graded["pupils"].sum())
    share = 100 * good_pupils / all_pupils
    sentence = (f"{share:.0f}% of pupils ({good_pupils:,} of {all_pupils:,}) in {la_name}'s {len(graded)} open "
                f"state-funded schools with an overall effectiveness grade attend a school judged good or "
                f"outstanding at its latest graded inspection ({len(good)} of {len(graded)} schools).")
    if not ungraded.empty:
        schools, inspections, give, are = (("school's", "inspection", "gives", "is") if len(ungraded) == 1 else
                                           ("schools'", "inspections", "give", "are"))
        sentence += (f" {len(ungraded)} more {schools} latest {inspections} {give} no overall grade (a report card, "
                     f"or a graded inspection from September 2024) and {are} left out of the share.")
    census = graded["pupils from"].str.startswith("census").sum()
    if census:
        sentence += f" Pupils for {census} of the schools are their census roll (the MI file gives none)."
    return latest.drop(columns="_grade"), sentence, good_pupils, all_pupils


def inspection_view(con: duckdb.DuckDBPyConnection, la_code: str) -> InspectionView:
    la_name = area_name(con, la_code)
    judgements = latest_judgements(con, la_code)
    latest, sentence, good, graded = summarise(judgements, la_name)
    ids = tuple(sorted({int(i) for i in judgements["source_id"].dropna()}))
    return InspectionView(la_name, latest, judgements, sentence, good, graded, ids)
