"""What the Schools and School profile pages show, one call per section: the masking headline and its
counts, the funnel limits and how they were made, the pooled pupil groups, the SQA list, a school's profile.
Data only: the charts are drawn from these by the figure registry (rutland_data/charts/figures.py)."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data import settings
from rutland_data.analysis import funnels, intervals, sqa
from rutland_data.queries.la import area_name
from rutland_data.queries.inspections import latest_judgements, overall_effectiveness
from rutland_data.views.inspections import overall_words
from rutland_data.queries.schools import (NOT_TESTED, las_with_schools, masking, pooled_groups, profile_results,
                                          pupil_groups, responsible_schools, result_years, school, school_links,
                                          school_options, sqa_results, with_results)
from rutland_data.reference import measures as measure_dictionary
from rutland_data.reference import pupil_sds, school_types
from rutland_data.reference.codes import KEY_STAGES, academic_year

KEY_STAGE_NOUN = dict(KEY_STAGES.values())   # 'Primary (KS2)' -> 'primary schools'


def masking_summary(frame: pd.DataFrame) -> dict[str, int]:
    """Counts behind the headline sentence: state-funded mainstream schools only, as DfE compares them."""
    compared = frame[frame["compared"]]
    shown = compared[compared["value"].notna()]
    others = frame[~frame["compared"] & frame["value"].notna()]
    return {
        "schools": len(compared),
        "with_value": len(shown),
        "below": int(shown["below_national"].sum()),
        # below national and significantly so ('below' is against the same reference as the test: 0 for a
        # progress score)
        "significantly_below": int((shown["below_national"] & (shown["significance"] == intervals.BELOW)).sum()),
        "significantly_above": int((shown["significance"] == intervals.ABOVE).sum()),
        "below_not_tested": int((shown["below_national"] & (shown["significance"] == NOT_TESTED)).sum()),
        "not_compared": len(others),
    }


def headline_sentence(frame: pd.DataFrame, measure: measure_dictionary.Measure, la_name: str,
                      key_stage: str, year_label: str) -> str:
    """'Rutland 67% vs England 61% in 2016/17 - but 7 of 17 state-funded mainstream primary schools ...'."""
    counts = masking_summary(frame)
    la_value = frame["la_value"].iloc[0] if len(frame) else None
    national = frame["national"].iloc[0] if len(frame) else None
    reference = frame["reference"].iloc[0] if len(frame) else None
    noun = "state-funded mainstream " + KEY_STAGE_NOUN.get(key_stage, "schools")
    if la_value is None or pd.isna(la_value) or reference is None or pd.isna(reference):
        return f"{counts['with_value']} of {counts['schools']} {noun} have a published figure for {year_label}."
    has_national = national is not None and not pd.isna(national)
    opening = (f"{la_name} {measure.format(la_value)} vs England {measure.format(national)} in {year_label}"
               if has_national else f"{la_name} {measure.format(la_value)} in {year_label} (no England figure "
                                    "is published for it)")
    below = below_words(measure, frame["pupil_group"].iloc[0])
    if not counts["below"]:
        return f"{opening} - none of the {counts['with_value']} {noun} with a figure was {below}."
    against = national if has_national else reference
    la_better = (la_value >= against) if measure.polarity != "lower" else (la_value <= against)
    return (f"{opening}{' - but ' if la_better else ' - '}{counts['below']} of {counts['with_value']} {noun} "
            f"with a figure were {below}, {significance_clause(counts)}.")


def below_words(measure: measure_dictionary.Measure, pupil_group: str = "all") -> str:
    """'below national', or for a progress score 'below 0, the national average': what the schools were below."""
    fixed = measure.judged_against(None, pupil_group)
    return "below national" if fixed is None else f"below {fixed:g}, the national average"


def significance_clause(counts: dict[str, int], basis: str = "") -> str:
    """'4 of them significantly' / 'none of them can be tested for significance (...)' for the schools below
    national: a school without an interval or DfE band is untested, never 'not significantly' below."""
    if counts["below_not_tested"] == counts["below"]:
        return "none of them can be tested for significance (no 95% interval or DfE progress band)"
    significantly = counts["significantly_below"]
    untested = (f"; {counts['below_not_tested']} of them cannot be tested (no 95% interval or DfE progress band)"
                if counts["below_not_tested"] else "")
    return f"{'none' if not significantly else significantly} of them significantly{basis}{untested}"


def not_compared_sentence(frame: pd.DataFrame) -> str | None:
    """The schools left out of the headline sentence, by group: 'Not counted above ...: 2 independent ...'."""
    others = frame[~frame["compared"] & frame["value"].notna()]
    if others.empty:
        return None
    counts = others["comparison_group"].map(school_types.label).value_counts()
    parts = [f"{count} {group} school{'s' if count != 1 else ''}" for group, count in counts.items()]
    return ("Not counted above, and shown apart below (DfE compares only state-funded mainstream schools with "
            f"the state-funded national figure): {', '.join(parts)} with a figure.")


def below_in_subjects(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int,
                      measure_ids: tuple[str, ...]) -> tuple[int, int]:
    """(schools below national in every one of the measures, schools with all of them) - the review's
    'six primary schools were below national in reading and writing'."""
    below_all, with_all = None, None
    for measure_id in measure_ids:
        frame = masking(con, la_code, measure_id, end_year)
        shown = set(frame.loc[frame["value"].notna() & frame["compared"], "urn"])
        below = set(frame.loc[frame["below_national"], "urn"])
        with_all = shown if with_all is None else with_all & shown
        below_all = below if below_all is None else below_all & below
    return len(below_all or set()), len(with_all or set())


def ks2_subject_sentence(con: duckdb.DuckDBPyConnection, la_code: str, end_year: int) -> str | None:
    """The review's sentence, recomputed: schools below national in reading and writing, and in maths."""
    both, total = below_in_subjects(con, la_code, end_year, ("ks2_read_exp", "ks2_writ_exp"))
    maths, maths_total = below_in_subjects(con, la_code, end_year, ("ks2_math_exp",))
    if not total or not maths_total:
        return None
    return (f"{both} of {total} primary schools were below national in both reading and writing, "
            f"and {maths} of {maths_total} in maths.")


def funnel_limits(frame: pd.DataFrame, measure_id: str, unit: str, end_year: int) -> tuple[pd.DataFrame, str]:
    """95% and 99.8% limits over the cohort sizes shown, and how they were made: around what the schools'
    significance is judged against (`reference`: national, or 0 for a progress score), so a school outside the
    95% limits is one whose interval excludes it."""
    centre = frame["reference"].iloc[0] if len(frame) else None
    cohorts = frame.loc[frame["compared"] & frame["value"].notna(), "cohort_n"].dropna().astype(int)
    if centre is None or pd.isna(centre):
        return pd.DataFrame(), "No funnel: no national figure is loaded for this measure and year."
    if cohorts.empty:
        return pd.DataFrame(), ("No funnel: the file gives no cohort sizes for these schools' figures (and no "
                                "other release of the same figures does).")
    sizes = range(max(1, int(cohorts.min()) - 2), int(cohorts.max()) + 3)
    if unit == "%":
        return (funnels.proportion_funnel_limits(float(centre), sizes),
                "State-funded mainstream schools. Exact binomial limits around the national percentage "
                "(Spiegelhalter 2005).")
    sd = pupil_sds.national_pupil_sd(measure_id, end_year)
    if sd is None:
        return pd.DataFrame(), (f"No funnel: no national pupil standard deviation for this measure in "
                                f"{academic_year(end_year)}, so no limits can be drawn.")
    measure = measure_dictionary.by_id()[measure_id]
    around = "National" if measure.judged_against(None, frame["pupil_group"].iloc[0]) is None else \
        f"{float(centre):g} (the national average of a progress score, as DfE tests it)"
    return (funnels.score_funnel_limits(float(centre), sizes, sd),
            f"State-funded mainstream schools. {around} ± 1.96 and 3.09 × national pupil SD ({sd:g} for "
            f"{academic_year(end_year)}) / √n, n = pupils in the measure.")


def sqa_priorities(con: duckdb.DuckDBPyConnection, la_code: str, latest_year: int | None = None) -> pd.DataFrame:
    """The SQA list: one row per open state-funded school of the LA with its proposed priority and every reason."""
    return sqa_listing(con, la_code, latest_year)[0]


def sqa_listing(con: duckdb.DuckDBPyConnection, la_code: str,
                latest_year: int | None = None) -> tuple[pd.DataFrame, str]:
    """(the SQA list, what evidence it rests on in words: how recent each phase's results are, and whether any
    inspections are loaded for the Ofsted rules)."""
    results = sqa_results(con, la_code)
    listed = responsible_schools(con, la_code)
    inspections = overall_effectiveness(con, la_code)
    note = sqa_evidence_note(results, inspections)
    if results.empty and listed.empty:
        return pd.DataFrame(columns=[*sqa.OUTPUT_COLUMNS, "profile"]), note
    listing = sqa.prioritise(results, schools=listed, inspections=inspections, latest_year=latest_year)
    listing["profile"] = "school?urn=" + listing["urn"].astype(str)
    return listing, note


def sqa_evidence_note(results: pd.DataFrame, inspections: pd.DataFrame) -> str:
    """'Newest headline results loaded: KS2 2018/19 (...); KS4 2023/24 (Progress 8 band). No Ofsted ...': so
    'No concerns' is read with the age of what it rests on."""
    dictionary = measure_dictionary.by_id()
    headline = results[results["measure_id"].isin(measure_dictionary.ids("sqa")) & results["value"].notna()]
    phases = []
    for phase, rows in headline.groupby(headline["measure_id"].map(lambda m: dictionary[m].phase), sort=True):
        newest = int(rows["end_year"].max())
        labels = sorted({dictionary[m].short_label for m in rows.loc[rows["end_year"] == newest, "measure_id"]})
        phases.append(f"{phase} {academic_year(newest)} ({', '.join(labels)})")
    loaded = ("Newest headline results loaded: " + "; ".join(phases) + "." if phases
              else "No headline results are loaded.")
    ofsted = ("" if len(inspections) else " No graded Ofsted inspections are loaded for these schools, so the "
              "Ofsted rules cannot fire.")
    return (f"Each school is judged on its own latest {sqa.SqaConfig().years_considered} years of headline "
            f"results. {loaded}{ofsted}")


def academy_since(info: dict) -> str:
    """When the school became an academy; where no file loaded gives the date, whether its type says it is one."""
    if pd.notna(info.get("conversion_date")):
        return f"{pd.Timestamp(info['conversion_date']):%d %B %Y}"
    kind = info.get("school_type")
    if isinstance(kind, str) and ("academ" in kind.lower() or "free school" in kind.lower()):
        return f"the date is not in the loaded files (its type: {kind})"
    return "not an academy in the loaded files"


@dataclass(frozen=True)
class SchoolChoice:
    """The School profile page's choice of school: URNs in order, with their names."""

    urns: list[str]
    names: dict[str, str]

    def label(self, urn: str) -> str:
        """'Name (URN n)'; a school the census alone names is already 'School 857/6003 (URN 120340)'."""
        name = self.names[urn]
        return name if name.endswith(f"(URN {urn})") else f"{name} (URN {urn})"


def school_choice(con: duckdb.DuckDBPyConnection, la_code: str) -> SchoolChoice:
    options = school_options(con, la_code)
    urns = options["urn"].astype(str).tolist()
    return SchoolChoice(urns, dict(zip(urns, options["name"])))


@dataclass(frozen=True)
class ProfileSection:
    """One measure's section of the profile: its heading and the latest year's figure in words (its chart
    comes from the figure registry's `profile_trends`)."""

    measure_id: str
    heading: str
    caption: str | None


@dataclass(frozen=True)
class SchoolProfile:
    """Everything the School profile page shows for one school but its charts, built once per database version
    (the pandas work would otherwise dominate every rerun)."""

    urn: str                                   # the school shown (a closed URN's successor)
    name: str
    notice: str | None                         # why another URN than the one asked for is shown
    history: str | None                        # which results are a predecessor's
    details: str                               # the markdown lines about the school
    links: str | None                          # the linked-URNs caption
    has_results: bool
    metrics: list[tuple[str, str, str]]        # context metrics: label, value, help
    sections: list[ProfileSection]
    results: pd.DataFrame                      # the results the sections chart (`profile_results`, context left out)
    la_name: str
    context: pd.DataFrame                      # the context measures over time (may be empty)
    source_ids: list
    versions: list
    inspection: pd.DataFrame | None = None     # the latest Ofsted inspection's judgements, as published
    inspection_note: str | None = None         # which inspection, under which URN, which framework


def _inspection(con: duckdb.DuckDBPyConnection, urn: str) -> tuple[pd.DataFrame | None, str | None]:
    """The school's latest inspection: every judgement in Ofsted's words, and a line saying when and how."""
    judged = latest_judgements(con, "", urn)
    if judged.empty:
        return None, None
    first = judged.iloc[0]
    under = ("" if first["published_urn"] == urn else
             f" of the predecessor school {first['published_name']} (URN {first['published_urn']})")
    scale = ("graded: 1 Outstanding to 4 Inadequate" if first["framework"] == "graded" else
             "report card: each area from Exceptional to Urgent improvement, no overall grade")
    note = (f"Latest Ofsted inspection{under}: started {pd.Timestamp(first['inspection_start']):%d %B %Y}"
            + (f", published {pd.Timestamp(first['publication_date']):%d %B %Y}"
               if pd.notna(first["publication_date"]) else "") + f" ({scale}).")
    table = pd.DataFrame({
        "judgement": judged["area"],
        "grade": [overall_words(g, t) if f == "graded" else t
                  for g, t, f in zip(judged["grade"], judged["grade_text"], judged["framework"])],
        "as published": judged["grade_text"], "source_id": judged["source_id"], "source_row": judged["source_row"]})
    return table, note


def history_note(results: pd.DataFrame) -> str | None:
    """'Results up to 2018/19 are published under the predecessor school ... (URN ...)', one clause each."""
    if results.empty or not results["from_predecessor"].any():
        return None
    clauses = []
    for (published_urn, name), part in results[results["from_predecessor"]].groupby(["published_urn",
                                                                                      "published_name"]):
        replaced = part["replaced_on"].iloc[0]
        when = f", which this school replaced on {pd.Timestamp(replaced):%d %B %Y}" if pd.notna(replaced) else ""
        years = sorted(part["year_label"].unique())
        span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
        clauses.append(f"results for {span} are published under the predecessor school {name} "
                       f"(URN {published_urn}){when}")
    text = "; ".join(clauses)
    return text[0].upper() + text[1:] + " (GIAS links). They are shown here as this school's history, marked in each table."


def school_profile(con: duckdb.DuckDBPyConnection, urn: str) -> SchoolProfile | None:
    """The profile of one school; None when the URN is not loaded. A closed school with a successor shows
    the successor, which carries its results, and says so."""
    info = school(con, urn)
    if info is None:
        return None
    notice = None
    if isinstance(info.get("successor_urn"), str) and school(con, info["successor_urn"]) is not None:
        replaced = (f" on {pd.Timestamp(info['replaced_on']):%d %B %Y}" if pd.notna(info.get("replaced_on"))
                    else "")
        notice = (f"URN {urn} ({info['name']}) closed{replaced}. Its results are shown here, under the school "
                  "that replaced it (GIAS links).")
        urn, info = info["successor_urn"], school(con, info["successor_urn"])
    dictionary = measure_dictionary.by_id()
    group = info.get("comparison_group")
    details = {
        "Local authority": f"{info.get('la_name') or ''} ({info.get('la_code') or 'not known'})",
        "Phase": info.get("phase") or "not stated in the loaded files",
        "Type": info.get("school_type") or "not known",
        "Trust / federation": (f"{info['trust']} ({info.get('trust_type') or 'type not known'})"
                               if isinstance(info.get("trust"), str) else info.get("trust_type") or "none recorded"),
        "Academy since": academy_since(info),
        "Age range": (f"{int(info['age_low'])} to {int(info['age_high'])}"
                      if pd.notna(info.get("age_low")) and pd.notna(info.get("age_high")) else "not recorded"),
        "Religious character": info.get("religious_character") or "not recorded",
        "Admissions": info.get("admission_policy") or "not recorded",
        "Open": "yes" if info.get("is_open") else "closed",
        "Compared with national": (f"yes: a {group} school, compared with the state-funded national figure"
                                   if group == school_types.COMPARED else
                                   f"no: {school_types.label(group)} school; DfE compares these apart"),
    }
    linked = school_links(con, urn)
    links = None if linked.empty else "Linked URNs (GIAS): " + "; ".join(
        f"{r.link_type} {r.linked_urn}" + (f" {r.linked_name}" if isinstance(r.linked_name, str) else "")
        for r in linked.itertuples())
    details_text = "  \n".join(f"**{k}:** {v}" for k, v in details.items())
    results = profile_results(con, urn)
    history = history_note(results)
    inspection, inspection_note = _inspection(con, urn)
    inspection_ids = [] if inspection is None else inspection["source_id"].tolist()
    if results.empty:
        return SchoolProfile(urn=urn, name=info["name"], notice=notice, history=history, details=details_text,
                             links=links, has_results=False, metrics=[], sections=[], results=results,
                             la_name=info.get("la_name") or "LA", context=pd.DataFrame(), source_ids=inspection_ids,
                             versions=[], inspection=inspection, inspection_note=inspection_note)

    is_context = results["measure_id"].map(lambda m: dictionary[m].appears("school_context"))
    context = results[is_context]
    metrics = []
    latest = context.sort_values("end_year").groupby("measure_id").tail(1)
    for row in latest.sort_values("sort_order").itertuples():
        measure = dictionary[row.measure_id]
        value = None if pd.isna(row.value) else float(row.value)
        national = "" if pd.isna(row.national) else f"England {measure.format(float(row.national))}"
        metrics.append((f"{measure.short_label}, {row.year_label}", measure.format(value, row.value_code),
                        f"{measure.description} {national}".strip()))
    sections = []
    for measure_id, part in results[~is_context].groupby("measure_id", sort=False):
        measure = dictionary[measure_id]
        latest_row = part.iloc[-1]
        caption = None
        if isinstance(latest_row["significance"], str):
            shown = measure.format(None if pd.isna(latest_row["value"]) else float(latest_row["value"]),
                                   latest_row["value_code"])
            caption = f"{latest_row['year_label']}: {shown} - {latest_row['significance']} ({latest_row['interval_from']})."
        sections.append(ProfileSection(measure_id=measure_id, heading=measure.name, caption=caption))
    return SchoolProfile(
        urn=urn, name=info["name"], notice=notice, history=history, details=details_text, links=links,
        has_results=True, metrics=metrics, sections=sections, results=results[~is_context],
        la_name=info.get("la_name") or "LA",
        context=context[["measure", "year_label", "value", "value_code", "national", "la_value", "source_id"]],
        source_ids=results["source_id"].tolist() + inspection_ids, versions=results["version"].tolist(),
        inspection=inspection, inspection_note=inspection_note)


@dataclass(frozen=True)
class LaChoice:
    """The Schools page's choice of LA: the configured LA first, then every LA with school results, named."""

    options: list[str]
    names: dict[str, str]


def la_choice(con: duckdb.DuckDBPyConnection, configured_la: str) -> LaChoice:
    las = las_with_schools(con)
    names = dict(zip(las["la_code"], las["name"]))
    options = list(dict.fromkeys([configured_la, *las["la_code"]]))
    return LaChoice(options, {code: names.get(code) or area_name(con, code) for code in options})


def measure_choices(con: duckdb.DuckDBPyConnection, la_code: str) -> dict[str, dict[str, tuple[str, list[str]]]]:
    """Key stage -> measure_id -> (measure name, labels of the years with results), for the dictionary's Schools
    measures (by the key stage of their phase) the LA's schools have results for, in dictionary order (the
    Schools page's filters, in one call)."""
    dictionary = measure_dictionary.by_id()
    found = {}
    for phase, (key_stage, _) in KEY_STAGES.items():
        measure_ids = with_results(con, la_code, measure_dictionary.ids("schools", phase=phase))
        if measure_ids:
            found[key_stage] = {m: (dictionary[m].name, [academic_year(y) for y in result_years(con, la_code, m)])
                                for m in measure_ids}
    return found


def key_stage_measures(con: duckdb.DuckDBPyConnection, la_code: str, key_stage: str) -> list[str]:
    """The Schools measures of a key stage ('Primary (KS2)') this LA's schools have results for."""
    phase = next(p for p, (label, _) in KEY_STAGES.items() if label == key_stage)
    return with_results(con, la_code, measure_dictionary.ids("schools", phase=phase))


@dataclass(frozen=True)
class SchoolsView:
    """Everything the Schools page shows for one LA, measure and year except the pupil-group gaps
    (which follow the comparator chosen further down the page), built once per database version."""

    measure_label: str
    decimals: int
    headline: str
    not_compared: str | None     # the schools left out of the headline, by comparison group
    versions_note: str
    subjects: str | None
    frame: pd.DataFrame          # state-funded mainstream schools, for the table section
    table: pd.DataFrame          # the chart's data table and CSV (every school, with its group)
    others: pd.DataFrame         # special, independent and other schools, shown apart
    others_note: str             # why they are apart, and what an independent school's KS4 figure does not say
    limits: pd.DataFrame
    limits_note: str
    has_groups: bool
    pooled: pd.DataFrame
    pooled_text: str
    priorities: pd.DataFrame
    sqa_note: str                # how recent the SQA list's evidence is, and whether inspections are loaded
    reasons_in_full: str         # Markdown: every school's priority and reasons but those with no concerns
    rules: pd.DataFrame
    source_ids: list
    versions: list


_TABLE_COLUMNS = ["profile", "school", "value", "value_code", "significance", "interval_from", "cohort_n", "ci_low",
                  "ci_high", "published_as", "version"]


def others_note(others: pd.DataFrame, measure: measure_dictionary.Measure) -> str:
    """Why the special, independent and other schools are shown apart; for an independent school's KS4
    figure, that it counts only the qualifications the performance tables recognise."""
    note = ("Shown apart and not counted above: DfE compares only state-funded mainstream schools with the "
            "state-funded national figure. Their group comes from the files (performance-table RECTYPE and "
            "NFTYPE, GIAS establishment type, census school type).")
    independent = others["comparison_group"].isin([school_types.INDEPENDENT,
                                                   school_types.INDEPENDENT_SPECIAL]).any()
    if independent and measure.phase == "KS4":
        note += (" An independent school's KS4 figures count only the qualifications the performance tables "
                 "recognise: where its pupils take IGCSEs, which do not count, it can show 0% or a very low "
                 "Attainment 8 that says nothing about their results.")
    return note


def reasons_in_full(priorities: pd.DataFrame) -> str:
    """The SQA list as a Markdown list, each school with its priority, reasons and caution ('None.' for none)."""
    return "\n".join(f"- **{r.school_name}** ({r.priority}): {r.reasons}"
                     + (f" *Caution:* {r.caution}" if r.caution else "")
                     for r in priorities.itertuples() if r.priority != "No concerns") or "None."


def versions_note(frame: pd.DataFrame, la_name: str) -> str:
    """Which release each figure on the page is from: the schools', England's and the LA's."""
    counts = frame.loc[frame["value"].notna(), "version"].value_counts()
    schools = ", ".join(f"{version} ({count})" for version, count in counts.items()) or "none"
    def of(area: str, value_column: str, version_column: str) -> str:
        """'England's figure is final' / '... of unstated version' / 'no England figure is loaded'."""
        if not len(frame) or frame[value_column].iloc[0] is None or pd.isna(frame[value_column].iloc[0]):
            return f"no {area} figure is loaded"
        version = frame[version_column].iloc[0]
        return f"{area}'s figure is {version if isinstance(version, str) else 'of unstated version'}"

    return (f"Versions: the schools' figures are {schools}; {of('England', 'national', 'national_version')}; "
            f"{of(la_name, 'la_value', 'la_version')}.")


def schools_view(con: duckdb.DuckDBPyConnection, la_code: str, la_name: str, key_stage: str, measure_id: str,
                 end_year: int, year_label: str) -> SchoolsView:
    measure = measure_dictionary.by_id()[measure_id]
    frame = masking(con, la_code, measure_id, end_year)
    compared = frame[frame["compared"]]
    others = frame[~frame["compared"]].sort_values(["group", "school"])
    limits, limits_note = funnel_limits(frame, measure_id, measure.unit, end_year)
    pooled = pooled_groups(con, la_code, measure_id, end_year, measure.unit)
    priorities, sqa_note = sqa_listing(con, la_code)
    pooled_text = "" if pooled.empty else (
        f"**Three years pooled ({pooled['years'].iloc[0]})**: "
        + ("summed pupils reaching the measure over summed cohorts, never an average of percentages."
           if measure.unit == "%" else "each year's score weighted by its pupils (summed score points over "
           "summed pupils), never a plain average of the years.")
        + " Withheld where any year's figure or cohort is unknown (x) or "
        f"where it would show a group of {settings.load().suppress_counts_up_to} or fewer "
        "pupils (DNS).")
    return SchoolsView(
        measure_label=measure.short_label, decimals=measure.decimals,
        headline=headline_sentence(frame, measure, la_name, key_stage, year_label),
        not_compared=not_compared_sentence(frame), versions_note=versions_note(frame, la_name),
        subjects=ks2_subject_sentence(con, la_code, end_year) if key_stage == "Primary (KS2)" else None,
        frame=compared[_TABLE_COLUMNS],
        table=frame[["school", "urn", "published_urn", "group", "cohort_n", "value", "value_code", "ci_low", "ci_high",
                     "interval_from", "significance", "national", "la_value", "version", "year_label",
                     "published_as", "source_id", "source_row"]],
        others=others[["group", *_TABLE_COLUMNS]], others_note=others_note(others, measure),
        limits=limits, limits_note=limits_note,
        has_groups=bool(pupil_groups(con, la_code, measure_id)),
        pooled=pooled, pooled_text=pooled_text,
        priorities=priorities, sqa_note=sqa_note, reasons_in_full=reasons_in_full(priorities),
        rules=sqa.rules_table(),
        source_ids=sorted({*frame["source_id"].dropna(), *frame["national_source_id"].dropna(),
                           *frame["la_source_id"].dropna()}),
        versions=frame["version"].tolist(),
    )
