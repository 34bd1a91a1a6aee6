"""Acceptance tests on builds from all of ../shared/data (Rutland, and Hampshire with DASHBOARD_LA=850): what
the school pages SAY. Every expected figure was read from the raw file by hand; the file and row are cited.

Files (under ../shared/data/dfe/):
  P  = compare_school_performance/2018-2019_england/extract_rutland_england_ks4provisional.csv (2018/19 provisional)
  F  = school_level_cutdown_2018-2019_waiky8/extract_rutland_england_ks4final.csv (2018/19 final, cut-down)
  K2 = school_level_cutdown_2018-2019_waiky8/england_ks2final.csv.gz (2018/19 final, cut-down; the build keeps this
       whole-England file's rows, so reasons cite its rows)
  H4 = compare_school_performance/la_downloads_statistical_neighbours/hampshire_850/2017-2018_850_ks4final.csv
  L  = gias/links_edubasealldata20250422.csv.gz (GIAS links)
"""
from __future__ import annotations

import csv

import duckdb
import pandas as pd
import pytest

from conftest import APP_FILE, require_shared
from rutland_data.views import deprivation as deprivation_views
from rutland_data.charts import figures
from rutland_data.reference import measures
from rutland_data.queries import schools as school_queries
from rutland_data.views import schools as school_views
from rutland_data.reference import school_types
from rutland_data.analysis.intervals import ABOVE, NOT_COMPARED

H4 = ("dfe/compare_school_performance/la_downloads_statistical_neighbours/hampshire_850/"
      "2017-2018_850_ks4final.csv")
K2 = "dfe/school_level_cutdown_2018-2019_waiky8/england_ks2final.csv.gz"


@pytest.fixture(scope="module")
def rutland(real_db):
    con = duckdb.connect(str(real_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def hampshire(real_db_hampshire):
    con = duckdb.connect(str(real_db_hampshire), read_only=True)
    yield con
    con.close()


def by_name(frame, name):
    rows = frame[frame["school"] == name]
    assert len(rows) == 1, (name, len(rows))
    return rows.iloc[0]


# ---------------------------------------------------------------- comparison groups

def test_rutland_schools_are_in_the_groups_the_files_give(rutland):
    groups = dict(rutland.execute("SELECT urn, comparison_group FROM schools WHERE la_code = '857'").fetchall())
    # P rows 11, 12, 16: NFTYPE ACC (academy converter) -> state-funded mainstream
    assert {groups[u] for u in ("137340", "136530", "136629")} == {school_types.MAINSTREAM}
    assert groups["120322"] == groups["120320"] == school_types.INDEPENDENT  # P rows 13, 17: NFTYPE IND
    # P rows 14, 15, 18: NFTYPE INDSPEC (The Shires, The Shires Oakham - named 'The Shires at Oakham' by the
    # 2023/24 EES KS4 file, which loads first -, Wilds Lodge School)
    assert groups["131018"] == groups["142635"] == groups["134938"] == school_types.INDEPENDENT_SPECIAL
    # K2: Great Casterton (row 294) and Exton & Greetham (row 288) are RECTYPE 1, and ks2_meta.csv 2018-2019
    # lists only state-funded types under RECTYPE 1
    assert groups["120185"] == groups["144847"] == school_types.MAINSTREAM


def test_rutland_ks4_masking_sentence_counts_only_state_funded_mainstream_schools(rutland):
    frame = school_queries.masking(rutland, "857", "ks4_att8", 2019)
    sentence = school_views.headline_sentence(frame, measures.by_id()["ks4_att8"], "Rutland", "Secondary (KS4)",
                                                "2018/19")
    # Rutland 51.3: P row 19 (RECTYPE 4, LEA 857). England 46.7: LAIT bds_long_0.parquet row 397789
    # (AVG_Attain8_Score, England, 2019), the later release, which beats the provisional file's 46.5 (P row 33,
    # RECTYPE 7, state-funded) by the version rule. The schools: F rows 2-4, final Attainment 8 50.1
    # (Uppingham CC), 54.2 (Casterton), 50.4 (Catmose), all above both. The '3 of 6 ... below national' were Wilds Lodge 14.7, Oakham 10.2, Uppingham
    # School 8.2 (F rows 8, 5, 6): independent and special schools, now left out and named as such.
    assert sentence == ("Rutland 51.3 vs England 46.7 in 2018/19 - none of the 3 state-funded mainstream secondary "
                        "schools with a figure was below national.")
    assert school_views.not_compared_sentence(frame).endswith(
        "2 independent schools, 1 independent special school with a figure.")
    assert set(frame.loc[~frame["compared"], "school"]) == {"Wilds Lodge School", "Oakham School", "Uppingham School",
                                                            "The Shires", "The Shires at Oakham"}
    assert set(frame.loc[~frame["compared"], "significance"]) == {NOT_COMPARED}


def _hampshire_p8_by_hand() -> dict:
    """H4 read with the csv module: national P8 row 125 (RECTYPE 7, -0.02); schools RECTYPE 1 and 2."""
    with open(require_shared(H4), newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    national = float(next(r for r in rows if r["RECTYPE"] == "7")["P8MEA"])

    def number(text):
        try:
            return float(text)
        except ValueError:
            return None
    valued = [r for r in rows if r["RECTYPE"] in ("1", "2") and number(r["P8MEA"]) is not None]
    below = [r for r in valued if number(r["P8CIUPP"]) is not None and number(r["P8CIUPP"]) < national]
    mainstream = [r for r in valued if r["RECTYPE"] == "1" and r["NFTYPE"] != "IND"]
    return {"national": national, "significantly_below_all": len(below),
            "special_among_them": sum(r["RECTYPE"] == "2" for r in below), "mainstream": len(mainstream),
            "mainstream_below": sum(number(r["P8MEA"]) < national for r in mainstream),
            "mainstream_below_0": sum(number(r["P8MEA"]) < 0 for r in mainstream),
            "mainstream_below_by_interval": sum(number(r["P8CIUPP"]) < national for r in mainstream),
            "mainstream_banded_below": sum(r["P8_BANDING"] in ("4", "5") for r in mainstream)}


def test_hampshire_p8_2017_18_no_longer_counts_special_schools(hampshire):
    by_hand = _hampshire_p8_by_hand()
    # what the issue saw: 35 significantly below, 12 of them special schools (RECTYPE 2)
    assert (by_hand["significantly_below_all"], by_hand["special_among_them"]) == (35, 12)
    # DfE bands 24 below average (4) or well below (5); 23 have an upper limit under England's -0.02: Bay House
    # School (URN 137791) ties at -0.02 on the rounded figures, and DfE's band 4, made on unrounded ones, decides.
    assert (by_hand["mainstream"], by_hand["mainstream_below"], by_hand["mainstream_below_by_interval"],
            by_hand["mainstream_banded_below"]) == (68, 40, 23, 24)
    # below 0, DfE's reference for a progress score: 41, The New Forest Academy (138585) at -0.01 among them
    assert by_hand["mainstream_below_0"] == 41
    frame = school_queries.masking(hampshire, "850", "ks4_p8", 2018)
    sentence = school_views.headline_sentence(frame, measures.by_id()["ks4_p8"], "Hampshire", "Secondary (KS4)",
                                                "2017/18")
    # Hampshire -0.09: H4 row 102 (RECTYPE 4); England -0.02: H4 row 125
    assert sentence == ("Hampshire -0.09 vs England -0.02 in 2017/18 - 41 of 68 state-funded mainstream secondary "
                        "schools with a figure were below 0, the national average, 24 of them significantly.")
    assert frame.loc[frame["urn"] == "138585", "below_national"].item()   # The New Forest Academy, P8MEA -0.01
    bay_house = frame[frame["urn"] == "137791"].iloc[0]
    assert (bay_house["value"], bay_house["ci_high"], bay_house["published_band"], bay_house["significance"]) == \
        (-0.16, -0.02, 4, "significantly below national")
    assert bay_house["interval_from"] == ("published by DfE; significance from DfE's published progress band 4 "
                                          "(below average)")
    assert school_views.not_compared_sentence(frame).endswith(
        "11 state-funded special schools, 1 non-maintained special school with a figure.")


# ---------------------------------------------------------------- school profile

def test_profile_absence_is_against_englands_schools_of_the_same_phase(rutland):
    """A = compare_school_performance/2018-2019_england/extract_rutland_england_abs.csv: row 22 (LA NAT, ESTAB PRI)
    PERCTOT 4, PPERSABS10 8.2; row 23 (SEC) 5.5 and 13.7. Not LAIT's all-schools England 4.73 / 10.86, and no LA
    figure: the file has no LA rows, and the LA-level table's all-schools Rutland figure is not a primary one."""
    wanted = {"abs_overall", "abs_persistent"}
    for urn, expected in (("137358", {"abs_overall": 4.0, "abs_persistent": 8.2}),     # Brooke Hill Academy
                          ("137340", {"abs_overall": 5.5, "abs_persistent": 13.7})):   # Casterton College
        frame = school_queries.profile_results(rutland, urn)
        rows = frame[frame["measure_id"].isin(wanted) & (frame["end_year"] == 2019)]
        assert dict(zip(rows["measure_id"], rows["national"])) == expected, urn
        assert rows["la_value"].isna().all(), urn


def test_a_special_school_s_absence_is_against_englands_special_schools(hampshire):
    """Dove House School (URN 137605, Hampshire): state-funded special, phase 'Not applicable' on the register.
    compare_school_performance/2018-2019_england/england_abs.csv.gz row 10744: PERCTOT 6.2, PPERSABS10 18.7;
    row 21218 (LA NAT, ESTAB SPE): 10.1 and 28.8 - not the all-schools 4.73 / 10.86."""
    frame = school_queries.profile_results(hampshire, "137605")
    rows = frame[frame["measure_id"].isin({"abs_overall", "abs_persistent"}) & (frame["end_year"] == 2019)]
    assert dict(zip(rows["measure_id"], zip(rows["value"], rows["national"]))) == {
        "abs_overall": (6.2, 10.1), "abs_persistent": (18.7, 28.8)}
    assert school_types.benchmark_phase("Not applicable", school_types.SPECIAL) == "special"
    assert school_types.benchmark_phase("All-through", school_types.MAINSTREAM) == "secondary"
    assert school_types.benchmark_phase("Nursery", school_types.MAINSTREAM) == "all"


def test_scaled_scores_are_shown_whole_as_dfe_publishes_them(hampshire):
    """hampshire_850/2016-2017_850_ks2final.csv READ_AVERAGE: row 236 (RECTYPE 3, Hampshire) 105, row 331 (RECTYPE 5,
    state-funded England) 104; every school's is a whole number too, so none is shown as '105.0'."""
    frame = school_queries.masking(hampshire, "850", "ks2_read_ss", 2017)
    sentence = school_views.headline_sentence(frame, measures.by_id()["ks2_read_ss"], "Hampshire", "Primary (KS2)",
                                              "2016/17")
    assert sentence.startswith("Hampshire 105 vs England 104 in 2016/17")
    assert (frame["value"].dropna() % 1 == 0).all()


def test_a_level_value_added_keeps_dfe_s_published_interval(rutland):
    """compare_school_performance/2016-2017_england/extract_rutland_england_ks5final_2017.csv VA_INS_ALEV,
    LCI_INS_ALEV, UCI_INS_ALEV: row 12 (Casterton College Rutland) 0.02, -0.13 to 0.17; row 13 (Harington School)
    -0.07, -0.24 to 0.10: both intervals hold England's -0.01, so neither school differs significantly."""
    frame = school_queries.masking(rutland, "857", "ks5_va_alevel", 2017).set_index("school")
    for school, published in (("Casterton College Rutland", (0.02, -0.13, 0.17)),
                              ("Harington School", (-0.07, -0.24, 0.10))):
        row = frame.loc[school]
        assert (row["value"], row["ci_low"], row["ci_high"], row["ci_method"]) == (*published, "published")
        assert row["significance"] == "not significantly different from national"


def test_the_funnel_s_table_lists_the_schools_it_plots_and_the_chart_text_follows_the_toggle(hampshire):
    """H4: 68 state-funded mainstream schools with a Progress 8 score and pupils (P8PUP); the table behind the funnel
    is those schools with the limits at each one's cohort, not the limits alone. With every school drawn, the
    dot-and-whisker description no longer says it shows the 15 highest and lowest."""
    funnel = figures.funnel(hampshire, "850", "ks4_p8", 2018)
    assert len(funnel.table) == 68 and {"school", "cohort_n", "lower_95", "against_the_limits"} <= set(funnel.table)
    outside95 = funnel.table["against_the_limits"].str.startswith("outside").sum()
    assert f"{outside95} school(s) lie outside the 95% limits" in funnel.alt_text
    westgate = funnel.table[funnel.table["school"] == "The Westgate School"].iloc[0]
    assert westgate["against_the_limits"] == "outside the 99.8% limits, above"   # 0.78 on 213 pupils: limit 0.25
    # The limits are around 0, what a progress score is tested against: Crestwood Community School (116445),
    # provisional 2018/19 P8 -0.20 on 205 pupils (P8PUP), interval -0.37 to -0.02, significantly below; its 95%
    # limit is 0 - 1.96 x 1.2828 / sqrt(205) = -0.176, so it lies outside (around England's -0.03 it sat inside)
    crestwood = figures.funnel(hampshire, "850", "ks4_p8", 2019).table.set_index("urn").loc["116445"]
    assert (crestwood["centre"], round(crestwood["lower_95"], 3)) == (0.0, -0.176)
    assert crestwood["against_the_limits"] == "outside the 95% limits, below"
    every = figures.school_dots(hampshire, "850", "Hampshire", "ks4_p8", 2018, every_school=True)
    assert "15 highest" not in every.alt_text
    assert "the table behind it lists every school" in figures.school_dots(hampshire, "850", "Hampshire", "ks4_p8",
                                                                           2018).alt_text


def test_a_group_s_significance_is_against_the_comparator_its_gap_is_taken_from(hampshire):
    """H4 row 70 (Yateley School): P8MEA_NFSM6CLA1A -0.06, interval -0.23 to 0.11; row 125 (England): disadvantaged
    -0.44, not disadvantaged 0.13. Against disadvantaged pupils nationally the gap is +0.38 and the interval lies
    wholly above -0.44: significantly above, never 'significantly below' (its own group's 0.13) beside a +0.38 gap."""
    frame = school_queries.group_gaps(hampshire, "850", "ks4_p8", 2018, "other_group")
    yateley = frame[(frame["school"] == "Yateley School") & (frame["pupil_group"] == "Not disadvantaged")].iloc[0]
    assert (yateley["compared_with"], yateley["comparator_value"], round(yateley["gap"], 2)) == (
        "disadvantaged pupils nationally", -0.44, 0.38)
    assert yateley["significance"] == ABOVE


# ---------------------------------------------------------------- SQA

def test_sqa_uses_dfes_published_band_and_names_figure_year_and_file(rutland):
    listing = school_views.sqa_priorities(rutland, "857").set_index("school_name")
    # K2 row 288: Exton and Greetham, MATPROG -3.6, MATPROG_DESCR 5; no interval columns in the file
    exton = listing.loc["Exton and Greetham CofE Primary School"]
    assert exton.priority == "Medium"
    assert exton.reasons == (
        f"[Medium] KS2 maths progress: significantly below national in 2018/19 (-3.60, DfE progress band 5: well "
        f"below average; no interval published; {K2}, row 288)")
    # K2 row 294: Great Casterton CofE Primary School (URN 120185): READPROG -3.8 band 5, MATPROG -5.6 band 5.
    # L: 120185 -> 146397 'Successor' 30-09-2018, so it is listed as the school open today.
    casterton = listing.loc["Great Casterton Church of England Primary School"]
    assert casterton.urn == "146397" and casterton.priority == "Medium"
    predecessor = ("published under the predecessor school Great Casterton CofE Primary School (URN 120185, "
                   "replaced on 30 September 2018)")
    assert casterton.reasons == (
        f"[Medium] KS2 maths progress: significantly below national in 2018/19 (-5.60, DfE progress band 5: well "
        f"below average; no interval published; {predecessor}; {K2}, row 294); [Medium] KS2 reading progress: "
        f"significantly below national in 2018/19 (-3.80, DfE progress band 5: well below average; no interval "
        f"published; {predecessor}; {K2}, row 294)")
    assert "no rule fired" not in " ".join(listing.loc[[
        "Exton and Greetham CofE Primary School", "Great Casterton Church of England Primary School"], "reasons"])


def test_sqa_reads_the_2023_24_progress_8_band_and_says_how_recent_its_evidence_is(rutland):
    """EES KS4 'information about schools' 2023/24 (Rutland extract): school_urn 136629 Uppingham Community
    College p8_banding 'Below average' (band 4); 137340 Casterton College Rutland 'Average'. The cut-down KS2
    file (2018/19) is the newest KS2; no Ofsted file is in ../shared/data."""
    listing, note = school_views.sqa_listing(rutland, "857")
    by_name = listing.set_index("school_name")
    uppingham = by_name.loc["Uppingham Community College"]
    assert uppingham.priority == "Medium"
    assert uppingham.reasons.startswith("[Medium] Progress 8 band: significantly below national in 2023/24 (4, DfE "
                                        "progress band 4: below average; no interval published; ")
    assert by_name.loc["Casterton College Rutland"].reasons == (
        "no rule fired on Progress 8 band 2023/24 (not significantly different from national)")
    # the primaries keep their own newest year: Exton and Greetham's 2018/19 band 5 (K2 row 288)
    assert "in 2018/19 (-3.60, DfE progress band 5" in by_name.loc["Exton and Greetham CofE Primary School"].reasons
    assert note == ("Each school is judged on its own latest 3 years of headline results. Newest headline results "
                    "loaded: KS2 2018/19 (KS2 maths progress, KS2 reading progress, KS2 writing progress); KS4 "
                    "2023/24 (Progress 8 band); KS5 2018/19 (A level APS, A level progress). No graded Ofsted "
                    "inspections are loaded for these schools, so the Ofsted rules cannot fire.")


def test_sqa_lists_only_open_state_funded_schools_and_never_no_concerns_without_evidence(rutland):
    listing = school_views.sqa_priorities(rutland, "857")
    names = set(listing["school_name"])
    assert not names & {"Oakham School", "Uppingham School", "Wilds Lodge School", "The Shires", "The Shires at Oakham"}
    urns = set(listing["urn"])
    assert not urns & {"120185", "120177", "120184", "120181"}  # closed: their successors are listed instead
    assert {"146397", "146425", "146428", "148948"} <= urns   # 148948: L, 120181 -> 148948 on 31-05-2023
    # K2 row 284: Edith Weston Academy is SUPP in every column - no evidence, so not 'No concerns'
    edith = listing[listing["school_name"] == "Edith Weston Academy"].iloc[0]
    assert edith.priority == "Insufficient data"
    assert edith.reasons.startswith("insufficient data: no headline result for 2016/17 to 2018/19 has a 95% "
                                    "interval or DfE progress band to judge it against national - KS2 maths "
                                    "progress 2018/19 SUPP")
    for row in listing[listing["priority"] == "No concerns"].itertuples():
        assert row.reasons.startswith("no rule fired on ")


def test_hampshire_sqa_lists_state_funded_schools_only(hampshire):
    listing = school_views.sqa_priorities(hampshire, "850")
    groups = dict(hampshire.execute("SELECT urn, comparison_group FROM schools").fetchall())
    assert {groups[u] for u in listing["urn"]} <= set(school_types.STATE_FUNDED)
    assert len(listing) > 450
    special = listing[[groups[u] == school_types.SPECIAL for u in listing["urn"]]]
    assert not special.empty and set(special["priority"]) <= {"Insufficient data", "Low", "Medium", "High"}


# ---------------------------------------------------------------- KS4 2018/19: which version, which interval

def test_ks4_2018_19_shows_final_values_and_borrows_an_interval_only_for_the_same_value(rutland):
    p8 = school_queries.masking(rutland, "857", "ks4_p8", 2019)
    casterton = by_name(p8, "Casterton College Rutland")
    # F row 3: final P8 0.68, P8_BANDING 1; P row 11: provisional 0.69, interval 0.47 to 0.91 (of 0.69)
    assert (casterton.value, casterton.version, casterton.published_band) == (0.68, "final", 1)
    assert pd.isna(casterton.ci_low)  # the provisional interval belongs to 0.69
    assert casterton.interval_from == ("no interval: the provisional release has one, but for 0.69, not 0.68, so "
                                       "it does not apply to this figure; significance from DfE's published "
                                       "progress band 1 (well above average)")
    assert casterton.significance == ABOVE
    em95 = school_queries.masking(rutland, "857", "ks4_em95", 2019)
    catmose = by_name(em95, "Catmose College")
    # F row 4: final PTL2BASICS_95 46%; P row 12: provisional 46.0% on TPUP 174 - the same value, so its
    # cohort and interval are shown, labelled
    assert (catmose.value, catmose.version, catmose.cohort_n, catmose.interval_version) == \
        (46.0, "final", 174, "provisional")
    assert catmose.interval_from.startswith("interval from the provisional release (same value there); computed: "
                                            "Wilson score 95% interval on 80 of 174 pupils (n = TPUP;")
    a8 = school_queries.masking(rutland, "857", "ks4_att8", 2019)
    # F row 3 and P row 11 both give Casterton Attainment 8 54.2: the provisional TPUP 138 comes with it
    assert by_name(a8, "Casterton College Rutland").cohort_n == 138
    assert pd.isna(by_name(a8, "Catmose College").cohort_n)  # final 50.4 (F row 4), provisional 50.3 (P row 12)


def _missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order, every missing value None: DuckDB returns a NULL string as None or NaN by column."""
    ordered = frame.sort_values(["urn", "measure_id", "pupil_group", "end_year"]).reset_index(drop=True)
    return ordered.astype(object).where(ordered.notna(), None)


@pytest.mark.parametrize("la_code", ["857", "850"])
def test_figures_with_one_version_skip_the_version_rule_and_read_exactly_as_it_would_give_them(
        la_code, rutland, hampshire):
    """shown_results returns one-version candidates as they are; the rule's own query gives the same rows."""
    con = rutland if la_code == "857" else hampshire
    where = "p.la_code = $la AND r.measure_id = $measure AND r.end_year = $year AND r.pupil_group = $group"
    single = 0
    for measure_id, end_year, group in con.execute(
            "SELECT DISTINCT r.measure_id, r.end_year, r.pupil_group FROM school_results r JOIN schools p USING (urn) "
            "WHERE p.la_code = ? ORDER BY ALL", [la_code]).fetchall():
        params = {"la": la_code, "measure": measure_id, "year": end_year, "group": group}
        candidates = school_queries.candidate_results(con, where, params)
        if candidates.duplicated(["urn", "measure_id", "pupil_group", "end_year"]).any():
            continue
        single += 1
        shown = school_queries.shown_results(con, where, params)
        ruled = school_queries.versions_ruled(con, candidates)
        assert list(shown.columns) == list(ruled.columns)
        pd.testing.assert_frame_equal(_missing_as_none(shown), _missing_as_none(ruled), check_dtype=False)
    assert single >= 30   # Rutland 857 and Hampshire 850 each have dozens of one-version measure-years


def test_published_intervals_are_labelled_and_computed_ones_say_how(hampshire):
    frame = school_queries.masking(hampshire, "850", "ks4_p8", 2018)
    published = frame[frame["ci_method"] == "published"]
    assert set(published["interval_from"].str.split(";").str[0]) == {"published by DfE"}
    # H4 gives every school with an interval its P8_BANDING too, and the band decides (intervals.significance)
    assert published["interval_from"].str.contains(r"; significance from DfE's published progress band [1-5] \(").all()
    rwm = school_queries.masking(hampshire, "850", "ks2_rwm_exp", 2018)
    computed = rwm["interval_from"][rwm["interval_from"].str.startswith("computed")]
    assert not computed.empty and computed.str.contains(r"on \d+ of \d+ pupils \(n = TELIG;").all()


# ---------------------------------------------------------------- large LAs

def test_hampshire_chart_shows_the_15_highest_and_lowest_with_every_school_in_the_table(hampshire):
    view = school_views.schools_view(hampshire, "850", "Hampshire", "Primary (KS2)", "ks2_rwm_exp", 2018, "2017/18")
    assert len(view.frame) > 250
    dots = figures.school_dots(hampshire, "850", "Hampshire", "ks2_rwm_exp", 2018)
    domain = next(layer["encoding"]["y"]["scale"]["domain"] for layer in dots.spec["layer"]
                  if "y" in layer.get("encoding", {}))
    assert len(domain) == 31 and domain[15].startswith("... ")
    assert dots.abridged  # a chart of every school is offered
    orients = {layer["encoding"]["x"].get("axis", {}).get("orient") for layer in dots.spec["layer"]
               if isinstance(layer["encoding"]["x"].get("axis"), dict)}
    assert {"top", "bottom"} <= orients  # the value axis is in view at both ends of the chart


# ---------------------------------------------------------------- lineage and the map

def test_a_closed_predecessor_is_closed_and_its_history_follows_its_successor(rutland):
    # L: 120185 Great Casterton CofE Primary School -> 146397, 'Successor', 30-09-2018
    assert rutland.execute("SELECT is_open, successor_urn, CAST(replaced_on AS TEXT) FROM schools "
                           "WHERE urn = '120185'").fetchall() == [(False, "146397", "2018-09-30")]
    profile = school_views.school_profile(rutland, "120185")
    assert profile.urn == "146397" and profile.notice.startswith("URN 120185 (Great Casterton CofE Primary School) "
                                                                 "closed on 30 September 2018.")
    assert profile.history == ("Results for 2018/19 are published under the predecessor school Great Casterton "
                               "CofE Primary School (URN 120185), which this school replaced on 30 September 2018 "
                               "(GIAS links). They are shown here as this school's history, marked in each table.")
    options = school_queries.school_options(rutland, "857")
    assert "146397" in set(options["urn"]) and "120185" not in set(options["urn"])


def test_map_says_why_no_school_is_placed_and_the_scatter_has_its_17_schools(rutland):
    choices = deprivation_views.map_choices(rutland, "857")
    ward_set = choices.ward_vintages[choices.vintages[2025]][0]
    view = deprivation_views.deprivation_view(rutland, "857", choices.la_ons, 2025, "imd", ward_set)
    # no loaded file gives a Rutland school a position: no GIAS establishment rows for 857 (dfe/README.md section 5)
    assert view.schools.empty
    # 22 of them have a postcode (EES 2023/24 full_address, KS2/KS4 PCODE, the census has none); there is no
    # postcode lookup in ../shared/data/geo (README section 2), so the page says so rather than placing them
    assert view.placement.startswith("No school is drawn: none of the 28 open schools has a grid reference or ward "
                                     "in the loaded files")
    assert ("22 of them have a postcode in the loaded files, but no ONS postcode lookup (ONS Postcode Directory or "
            "NSPL) is loaded to place them by it.") in view.placement
    assert (view.unplaced["why"] == deprivation_views.NO_POSTCODE_LOOKUP).sum() == 22
    assert len(view.unplaced) == 28 and "Great Casterton Church of England Primary School" in set(view.unplaced["name"])
    assert "0 schools" not in figures.deprivation_map(rutland, "857", choices.la_ons, 2025, "imd", ward_set,
                                                      False).alt_text
    scatter = figures.fsm_scatter(rutland, "857", choices.la_ons, 2025, "imd", ward_set, "ks2_read_prog")
    # the 17 state-funded primaries of K2 (Edith Weston's reading progress is SUPP, so 16 points are drawn)
    assert len(scatter.table) == 17 and scatter.spec is not None
    assert scatter.alt_text.startswith("Scatter of 16 schools")
    # 2020-2021_england/extract_rutland_england_census.csv PNUMFSMEVER: row 17 (URN 139858) 4.6%, row 29 (URN 146428,
    # Uppingham CofE Primary) 22.5%: as the dictionary writes them, not '5%' and a half rounded to even '22%'
    assert "(from 4.6% to 22.5%) against KS2 reading progress (from -3.80 to 2.50)" in scatter.alt_text
    # K2 row for URN 120181 (Oakham CofE Primary, READPROG 2.5) is the predecessor's: L, 120181 -> 148948 on
    # 31-05-2023; the census FSM figures are 2020/21's, the results 2018/19's
    oakham = scatter.table.set_index("urn").loc["148948"]
    assert (oakham["result"], oakham["result_published_as"]) == (
        2.5, "published under the predecessor school Oakham CofE Primary School (URN 120181)")
    assert deprivation_views.scatter_years_note(scatter.table) == (
        "Results are for all pupils, each school's latest (2018/19), against % FSM ever 6 from the census of "
        "2020/21: not always the same year. 4 school(s) show the results of the school they replaced (the table "
        "says whose).")


# ---------------------------------------------------------------- the page, through app.py

def _schools_page(db, la, monkeypatch, **params):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_LA", la)
    app = AppTest.from_file(APP_FILE, default_timeout=240)
    app.query_params.update(params)
    at = app.run()
    at.switch_page("pages/schools.py").run()
    assert not at.exception, at.exception
    return at


def test_schools_page_on_the_real_rutland_build(real_db, monkeypatch):
    at = _schools_page(real_db, "857", monkeypatch, key_stage="Secondary (KS4)", measure="ks4_att8",
                       school_year="2018/19")
    text = "\n".join(m.value for m in at.markdown)
    assert ("**Rutland 51.3 vs England 46.7 in 2018/19 - none of the 3 state-funded mainstream secondary schools "
            "with a figure was below national.**") in text
    tables = [d.value for d in at.dataframe]
    mainstream = next(t for t in tables if {"profile", "interval_from"} <= set(t.columns) and "group" not in t.columns)
    assert set(mainstream["school"]) == {"Casterton College Rutland", "Catmose College", "Uppingham Community College"}
    others = next(t for t in tables if {"profile", "group", "interval_from"} <= set(t.columns))
    assert set(others["group"]) == {"Independent schools", "Independent special schools"}
    sqa = next(t for t in tables if "priority" in t.columns)
    assert "Oakham School" not in set(sqa["school_name"]) and "Insufficient data" in set(sqa["priority"])
    at.selectbox(key="key_stage").set_value("Primary (KS2)").run()
    at.selectbox(key="measure").set_value("ks2_math_prog").run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    # K2: 10 of the 16 primaries with a maths score are below 0, DfE's reference (11 below England's 0.03 from
    # LAIT: Ketton CofE Primary, URN 141453, has MATPROG 0), 4 in DfE bands 4-5
    assert ("Rutland -0.68 vs England 0.03 in 2018/19 - 10 of 16 state-funded mainstream primary schools with a "
            "figure were below 0, the national average, 4 of them significantly.") in text


def test_schools_page_on_the_real_hampshire_build_stays_usable(real_db_hampshire, monkeypatch):
    at = _schools_page(real_db_hampshire, "850", monkeypatch, key_stage="Secondary (KS4)", measure="ks4_p8",
                       school_year="2017/18")
    text = "\n".join(m.value for m in at.markdown)
    assert "41 of 68 state-funded mainstream secondary schools with a figure were below 0, the national average, " \
           "24 of them significantly." in text  # below 0 and DfE's P8_BANDING 4 or 5 (the by-hand counts above)
    assert ("State-funded mainstream schools. 0 (the national average of a progress score, as DfE tests it) ± 1.96 "
            "and 3.09 × national pupil SD") in "\n".join(c.value for c in at.caption)
    assert at.toggle(key="all_schools").value is False
    at.toggle(key="all_schools").set_value(True).run()
    assert not at.exception


def test_a_school_only_the_census_names_is_offered_with_its_urn_once(rutland):
    """URN 120340 has no name in any file loaded (the census row gives LA 857, ESTAB 6003): its register name is
    the placeholder, which already carries the URN."""
    choice = school_views.school_choice(rutland, "857")
    assert choice.label("120340") == "School 857/6003 (URN 120340)"
    named = next(u for u in choice.urns if not choice.names[u].startswith("School "))
    assert choice.label(named) == f"{choice.names[named]} (URN {named})"


def test_pooled_progress_8_is_weighted_by_pupils_shown_to_its_own_decimals_and_says_what_is_missing(
        real_db_hampshire, monkeypatch):
    """Court Moor School (116412) P8: 0.30 on 212 pupils (2016/17 final), 0.14 on 217 (2017/18 final), 0.36 on
    213 (2018/19 final value, P8PUP from the provisional file's same figure): (63.6 + 30.38 + 76.68) / 642 = 0.27.
    Alderwood School's 2018/19 final -0.77 has no cohort in either release loaded: it cannot be weighted."""
    at = _schools_page(real_db_hampshire, "850", monkeypatch, key_stage="Secondary (KS4)", measure="ks4_p8",
                       school_year="2018/19")
    pooled = next(d for d in at.dataframe if "pooled_value" in d.value.columns)
    court_moor = pooled.value[(pooled.value["school"] == "Court Moor School")
                              & (pooled.value["pupil_group"] == "All pupils")].iloc[0]
    assert (str(court_moor["pupils"]), court_moor["pooled_value"]) == ("642", "0.27")   # P8's two decimals
    alderwood = pooled.value[(pooled.value["school"] == "Alderwood School")
                             & (pooled.value["pupil_group"] == "All pupils")].iloc[0]
    assert alderwood["why_withheld"] == "a year cannot be pooled (2019: no cohort published to weight its figure by)"
    text = "\n".join(m.value for m in at.markdown)
    assert "each year's score weighted by its pupils (summed score points over summed pupils)" in text


def test_an_independent_school_s_zero_at_ks4_is_explained_beside_it(rutland):
    """2018/19 KS4 cut-down final (waiky8 england_ks4final.csv.gz): Oakham School (URN 120322) PTL2BASICS_95 '0%'
    (NFTYPE IND in the provisional file, where it is 'NA'): its pupils' IGCSEs do not count in the performance
    tables. The note says so for KS4 only."""
    ks4 = school_views.schools_view(rutland, "857", "Rutland", "Secondary (KS4)", "ks4_em95", 2019, "2018/19")
    oakham = ks4.others[ks4.others["school"] == "Oakham School"].iloc[0]
    assert oakham["value"] == 0.0
    assert "where its pupils take IGCSEs, which do not count, it can show 0%" in ks4.others_note
    ks2 = school_views.schools_view(rutland, "857", "Rutland", "Primary (KS2)", "ks2_read_prog", 2019, "2018/19")
    assert "IGCSE" not in ks2.others_note


def test_a_converter_academy_without_a_conversion_date_is_not_called_not_an_academy(hampshire):
    """Crofton School (URN 149621): its register row gives type 'Converter academies' and no open or conversion
    date, and no phase (the KS4 files give ages 11-16)."""
    details = school_views.school_profile(hampshire, "149621").details
    assert "**Academy since:** the date is not in the loaded files (its type: Converter academies)" in details
    assert "**Phase:** not stated in the loaded files" in details
