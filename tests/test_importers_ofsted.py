"""Ofsted's management-information CSV (state-funded schools, latest inspections) in both published layouts,
on hand-made files (no real Ofsted file is in ../shared): graded overall effectiveness, report cards with no
overall grade, and the SQA rule that reads the overall grade."""
from __future__ import annotations

import duckdb
import pytest

from conftest import database_at
from rutland_data.ingest import build
from rutland_data.ingest.importers import BadInput
from rutland_data.views import inspections as inspection_views
from rutland_data.views import schools as school_views

GRADED = (
    "URN,LAESTAB,School name,Ofsted phase,Local authority,Total number of pupils,Inspection type,"
    "Inspection start date,Publication date,Overall effectiveness,Quality of education,Behaviour and attitudes,"
    "Personal development,Effectiveness of leadership and management\n"
    "136530,8575406,Catmose College,Secondary,Rutland,1097,Section 5,14/03/2023,20/04/2023,2,2,2,1,2\n"
    "141234,8573001,Ryhall CofE Academy,Primary,Rutland,190,Section 5,01/10/2024,05/11/2024,Not judged,2,2,2,2\n"
    "142401,8572002,Cottesmore Academy,Primary,Rutland,200,Section 5,20/06/2023,15/07/2023,4,4,3,3,4\n"
    "139611,8573003,English Martyrs',Primary,Rutland,150,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL\n"
)
SCHOOLS = [("136530", "Catmose College"), ("141234", "Ryhall CofE Academy"), ("142401", "Cottesmore Academy"),
           ("139611", "English Martyrs' Catholic Primary School")]
REPORT_CARDS = (
    "URN,School name,Inspection start date,Publication date,Inclusion,Curriculum and teaching,Achievement,"
    "Attendance and behaviour,Personal development and well-being,Leadership and governance,Early years,"
    "Sixth form,Safeguarding\n"
    "136629,Uppingham Community College,2026-01-20,2026-02-27,Expected standard,Strong standard,Needs attention,"
    "Expected standard,Exceptional,Expected standard,,Expected standard,Met\n"
)


def build_with(tmp_path, files: dict[str, str]):
    root = tmp_path / "files"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    db_path = tmp_path / "ofsted.duckdb"
    with database_at(db_path) as configured:
        build.build_from(root, configured)
    return duckdb.connect(str(db_path), read_only=True)


def register_schools(tmp_path):
    """The hand-made file's schools as open state-funded schools of LA 857 (the MI file registers none)."""
    con = duckdb.connect(str(tmp_path / "ofsted.duckdb"))
    con.execute("INSERT INTO areas (area_code, name, level) VALUES ('857', 'Rutland', 'la')")
    for urn, name in SCHOOLS:
        con.execute("INSERT INTO schools (urn, name, la_code, is_open, source_id, comparison_group) VALUES "
                    "(?, ?, '857', TRUE, 1, 'state-funded mainstream')", [urn, name])
    return con


def test_graded_layout_keeps_every_judgement_with_its_grade(tmp_path):
    con = build_with(tmp_path, {"ofsted_mi.csv": GRADED})
    rows = con.execute("SELECT area, grade, grade_text, inspection_start::TEXT, publication_date::TEXT, framework, "
                       "source_row FROM inspections WHERE urn = '136530' ORDER BY area").fetchall()
    assert ("Overall effectiveness", 2, "2", "2023-03-14", "2023-04-20", "graded", 2) in rows
    assert ("Personal development", 1, "1", "2023-03-14", "2023-04-20", "graded", 2) in rows
    # an inspection from September 2024 has no overall grade: kept as published, grade NULL
    assert con.execute("SELECT grade, grade_text FROM inspections WHERE urn = '141234' "
                       "AND area = 'Overall effectiveness'").fetchone() == (None, "Not judged")
    # a school not yet inspected in its current form (row 5) has no inspection row
    assert con.execute("SELECT count(*) FROM inspections WHERE urn = '139611'").fetchone()[0] == 0


def test_report_card_layout_grades_each_area_and_has_no_overall_grade(tmp_path):
    con = build_with(tmp_path, {"report_cards.csv": REPORT_CARDS})
    grades = dict(con.execute("SELECT area, grade FROM inspections WHERE urn = '136629'").fetchall())
    assert grades["Inclusion"] == 3 and grades["Curriculum and teaching"] == 2 and grades["Achievement"] == 4
    assert grades["Personal development and well-being"] == 1 and grades["Safeguarding"] is None
    assert "Overall effectiveness" not in grades and "Early years" not in grades
    assert con.execute("SELECT DISTINCT framework FROM inspections").fetchall() == [("report card",)]


def test_a_word_that_is_no_judgement_is_refused_naming_row_and_column(tmp_path):
    bad = GRADED.replace("20/06/2023,15/07/2023,4,", "20/06/2023,15/07/2023,Excellent,")
    with pytest.raises(BadInput) as caught:
        build_with(tmp_path, {"ofsted_mi.csv": bad})
    message = str(caught.value)
    assert "row 4" in message and "Overall effectiveness" in message and "'Excellent'" in message


def test_sqa_reads_the_latest_overall_effectiveness(tmp_path):
    con = build_with(tmp_path, {"ofsted_mi.csv": GRADED})
    con.close()
    con = register_schools(tmp_path)
    listing = school_views.sqa_priorities(con, "857")
    cottesmore = listing[listing["urn"] == "142401"].iloc[0]
    assert cottesmore["priority"] == "High"
    assert "latest Ofsted overall effectiveness: Inadequate" in cottesmore["reasons"]


def test_la_share_of_pupils_in_good_or_better_schools_is_weighted_by_the_file_s_pupils(tmp_path):
    build_with(tmp_path, {"ofsted_mi.csv": GRADED}).close()
    view = inspection_views.inspection_view(register_schools(tmp_path), "857")
    # Catmose (row 2) Good, 1,097 pupils; Cottesmore (row 4) Inadequate, 200; Ryhall (row 3) no overall grade:
    # 1,097 / (1,097 + 200) = 84.6%
    assert view.good_or_better_pupils == 1097 and view.graded_pupils == 1297
    assert view.share_sentence.startswith(
        "85% of pupils (1,097 of 1,297) in Rutland's 2 open state-funded schools with an overall effectiveness "
        "grade attend a school judged good or outstanding at its latest graded inspection (1 of 2 schools).")
    assert "1 more school's latest inspection gives no overall grade" in view.share_sentence
    latest = view.latest.set_index("urn")
    assert latest.loc["142401", "latest judgement"] == "Inadequate"
    assert latest.loc["141234", "good or better"] == "no overall grade"
    assert "139611" not in latest.index   # not yet inspected in its current form


def test_report_cards_have_no_good_or_better_share(tmp_path):
    build_with(tmp_path, {"report_cards.csv": REPORT_CARDS}).close()
    con = register_schools(tmp_path)
    con.execute("INSERT INTO schools (urn, name, la_code, is_open, source_id, comparison_group) VALUES "
                "('136629', 'Uppingham Community College', '857', TRUE, 1, 'state-funded mainstream')")
    view = inspection_views.inspection_view(con, "857")
    assert view.good_or_better_pupils is None
    assert view.share_sentence.startswith("None of the 1 inspected schools has an overall effectiveness grade")
    assert view.latest.iloc[0]["latest judgement"].startswith("Inclusion: Expected standard; Curriculum and teaching: "
                                                              "Strong standard; Achievement: Needs attention")
