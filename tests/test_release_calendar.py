"""The release calendar on hand-worked dates (rutland_data/analysis/releases.py), the dictionary's cadence cells,
and the Overview's calendar through app.py."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from rutland_data.analysis import releases
from rutland_data.reference import measures
from rutland_data.reference.measures import parse_calendar

KS2_MATHS = measures.by_id()["ks2_math_exp"]    # provisional Sep; revised Dec; gap 2020-2021
KS4_ATT8 = measures.by_id()["ks4_att8"]         # provisional Oct; revised Feb +1
KS1_READING = measures.by_id()["ks1_read_exp"]  # final Sep-Nov; gap 2024- (non-statutory)
GLD = measures.by_id()["eyfs_gld"]              # final Nov-Dec
FIRST_PREFERENCE = measures.by_id()["admissions_first_pref_primary"]   # final Jun -1


def found(measure, loaded, today, meeting):
    return [(r.end_year, r.version, r.status) for r in releases.outstanding(measure, loaded, today, meeting)]


def test_the_dictionary_keeps_the_cadences_the_issue_names():
    assert KS2_MATHS.release_calendar == "provisional Sep; revised Dec"
    assert KS4_ATT8.release_calendar == "provisional Oct; revised Feb +1"
    assert GLD.release_calendar == "final Nov-Dec"
    assert measures.by_id()["abs_overall"].release_calendar == "final Mar +1"
    assert measures.by_id()["neet_nk_1617"].release_calendar == "final Jun-Jul"


def test_ks2_revised_is_due_before_a_january_meeting_and_overdue_after_december():
    loaded = {2024: "revised", 2025: "provisional"}   # 2024/25 provisional loaded in September 2025
    # 15 Nov 2025, meeting 10 Jan 2026: 2024/25 revised opens 1 Dec 2025 -> due; 2025/26 provisional (Sep 2026) later
    assert found(KS2_MATHS, loaded, date(2025, 11, 15), date(2026, 1, 10)) == [(2025, "revised", releases.DUE)]
    # 5 Jan 2026: December 2025 has passed without it -> overdue
    assert found(KS2_MATHS, loaded, date(2026, 1, 5), date(2026, 3, 1)) == [(2025, "revised", releases.OVERDUE)]
    # once the revised figures are loaded nothing is outstanding until September 2026
    assert found(KS2_MATHS, {2025: "revised"}, date(2026, 1, 5), date(2026, 3, 1)) == []


def test_a_figure_of_unstated_version_counts_as_its_years_latest_release():
    # 2024/25 unstated: neither of its releases is claimed missing; on 1 Oct 2026 September's 2025/26
    # provisional is overdue, December's revised opens after the 26 Nov meeting
    assert found(KS2_MATHS, {2025: None}, date(2026, 10, 1), date(2026, 11, 26)) == [
        (2026, "provisional", releases.OVERDUE)]


def test_revised_ks4_figures_come_the_february_after():
    # 2024/25 provisional (October 2025) loaded; revised opens 1 Feb 2026, before a 3 Feb meeting
    assert found(KS4_ATT8, {2025: "provisional"}, date(2026, 1, 20), date(2026, 2, 3)) == [(2025, "revised", releases.DUE)]
    assert found(KS4_ATT8, {2025: "provisional"}, date(2026, 1, 20), date(2026, 1, 31)) == []


def test_a_window_is_open_until_the_last_day_of_its_last_month():
    assert found(GLD, {2024: "final"}, date(2025, 12, 31), date(2026, 2, 1)) == [(2025, "final", releases.DUE)]
    assert found(GLD, {2024: "final"}, date(2026, 1, 1), date(2026, 2, 1)) == [(2025, "final", releases.OVERDUE)]


def test_documented_gaps_have_no_release():
    # KS2 2019/20 and 2020/21: no tests; on 15 Dec 2021 nothing is owed, 2021/22 is next (September 2022)
    assert found(KS2_MATHS, {2019: "final"}, date(2021, 12, 15), date(2022, 1, 31)) == []
    # KS1 is not published from 2023/24 on: never overdue again
    assert found(KS1_READING, {2023: "final"}, date(2026, 12, 2), date(2027, 1, 27)) == []


def test_a_negative_year_offset_for_admissions_offers():
    # entry September 2025 is end year 2026; its offers come out in June 2025 (final Jun -1)
    assert found(FIRST_PREFERENCE, {2025: None}, date(2025, 7, 1), date(2025, 8, 1)) == [(2026, "final", releases.OVERDUE)]
    assert found(FIRST_PREFERENCE, {2025: None}, date(2025, 5, 1), date(2025, 6, 10)) == [(2026, "final", releases.DUE)]


def test_several_years_missed_are_all_listed_in_date_order():
    assert found(GLD, {2022: "final"}, date(2025, 1, 15), date(2025, 3, 1)) == [
        (2023, "final", releases.OVERDUE), (2024, "final", releases.OVERDUE)]


def test_no_figures_or_no_cadence_nothing_outstanding():
    assert found(KS2_MATHS, {}, date(2026, 1, 5), date(2026, 3, 1)) == []
    untracked = dataclasses.replace(KS2_MATHS, release_calendar="")
    assert found(untracked, {2017: "final"}, date(2026, 1, 5), date(2026, 3, 1)) == []


def test_release_window_in_words():
    release = releases.outstanding(GLD, {2024: "final"}, date(2025, 12, 31), date(2026, 2, 1))[0]
    assert release.window == "November to December 2025"
    release = releases.outstanding(KS2_MATHS, {2025: "provisional"}, date(2026, 1, 5), date(2026, 3, 1))[0]
    assert release.window == "December 2025"


@pytest.mark.parametrize("cell, problem", [
    ("revised Dec; provisional Sep", "in the order provisional, revised, final"),
    ("final Dec-Nov", "the months run backwards"),
    ("final Sept", "should read 'VERSION MONTH[-MONTH][ +N]'"),
    ("final Jun +1; final Jul +1", "each version once"),
])
def test_a_bad_cadence_cell_is_refused_with_the_reason(cell, problem):
    with pytest.raises(ValueError, match=problem.replace("[", r"\[").replace("]", r"\]").replace("+", r"\+")):
        parse_calendar(cell)


def test_overview_shows_the_calendar_on_the_demo(app):
    app.query_params["year"] = "2016/17"
    at = app.run()
    assert not at.exception
    assert "Release calendar" in [h.value for h in at.header]
    subheaders = [s.value for s in at.subheader]
    assert "Overdue to load" in subheaders
    meeting = at.date_input(key="next-meeting")
    at = meeting.set_value(date.today().replace(year=date.today().year + 1)).run()
    assert not at.exception
    assert any(s.value.startswith("Due before the meeting on ") and str(date.today().year + 1) in s.value
               for s in at.subheader)


def test_real_build_calendar_on_2_december_2026(real_db):
    """LAIT (the real files) holds KS2 up to 2024/25, its newest year unstated: on 2 Dec 2026 the 2025/26
    provisional release (September 2026) is overdue and its revised one (December 2026) due before a January
    meeting; GLD 2025/26 (November to December 2026) is due."""
    import duckdb

    from rutland_data.views import releases as release_views

    con = duckdb.connect(str(real_db), read_only=True)
    calendar = release_views.calendar(con, "857", date(2026, 12, 2), date(2027, 1, 27))
    con.close()
    overdue = calendar.overdue.set_index(["phase", "version"])
    assert overdue.loc[("KS2", "provisional"), "year"] == "2025/26"
    assert overdue.loc[("KS2", "provisional"), "expected"] == "September 2026"
    assert "KS2 maths" in overdue.loc[("KS2", "provisional"), "measures"]
    due = calendar.due.set_index(["phase", "version"])
    assert due.loc[("KS2", "revised"), "expected"] == "December 2026"
    assert due.loc[("Early years", "final"), "expected"] == "November to December 2026"
    last = calendar.last_loaded.set_index("measure")
    assert last.loc["KS2 maths", "newest year loaded"] == "2024/25"
    assert last.loc["KS2 maths", "published"] == "provisional September; revised December"
    assert last.loc["Attainment 8", "published"] == "provisional October; revised February of the next year"
    # SEN2 reports a calendar year in the June after it (sen2_mi.csv.gz, the June 2023 release, ends with 2022; LAIT
    # holds 2024): on 2 Dec 2026 calendar 2025 (June 2026) is overdue, and 2026 (June 2027) is not yet due
    send = calendar.overdue[calendar.overdue["measures"].str.contains("EHC plans in 20 weeks")]
    assert send[["year", "expected"]].values.tolist() == [["2025", "June 2026"]]
    assert last.loc["EHC plans in 20 weeks", "published"] == "final June of the next year"
