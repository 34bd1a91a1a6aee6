"""The generated performance summary: Appendix B-style bullets for one year, every phase.

Officers used to copy figures by hand from the dashboard into the annual review; these
bullets say the same things from the database, so the words never drift from the numbers.
The wording is polarity-aware ("lower absence - better") and plain: LA-level figures have
no interval, so a bullet says "above" or "below" and never "significantly"; only the
schools' masking count, which rests on each school's 95% interval, mentions significance.
Every bullet keeps a link (page path and query parameters) to the chart it came from.

Which measures get a bullet is the indicator dictionary's: each phase of its summary measures, its pupil-group
measures, the first summary measure of each key stage for schools, its averaged admissions measures. The
schools and destinations sections need their tables; a database without them still gives the rest.
"""
from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from urllib.parse import quote, urlencode

import pandas as pd
from docx import Document

from rutland_data.analysis import group_gaps, ranks
from rutland_data.exports.office import add_hyperlink, built_datetime, fixed_zip
from rutland_data.queries import admissions as admissions_queries
from rutland_data.queries import destinations as destination_queries
from rutland_data.queries import la as la_queries
from rutland_data.queries.kept import kept_results
from rutland_data.queries.meetings import MeetingNotes
from rutland_data.queries import schools as school_queries
from rutland_data.queries import sources as source_queries
from rutland_data.reference import measures, versions
from rutland_data.reference.codes import KEY_STAGES, academic_year, neighbour_set_for
from rutland_data.store import db
from rutland_data.views import headlines
from rutland_data.views import groups as group_views
from rutland_data.views import schools as school_views

SCHOOLS = "Schools"
GROUPS = "Groups"
DESTINATIONS = "Destinations"
ADMISSIONS = "Admissions"
MAP = "Deprivation map"
SCHOOL_TABLES = ("school_results", "schools", "school_benchmarks")
SUSTAINED_GROUPS = ("Sustained education", "Sustained apprenticeship or employment")
NEIGHBOUR_NAMES = {"Statistical neighbours (mean)": "statistical neighbours"}


@dataclass(frozen=True)
class Bullet:
    section: str
    title: str                   # what the bullet is about, e.g. the measure's name (a slide title)
    clauses: tuple[str, ...]     # the sentences of the bullet; the first is its one-line message
    link: str                    # page path + query string of the chart it came from, e.g. 'headlines?year=...'
    chart: tuple                 # what the board pack draws: ('trend', measure_id) / ('schools', measure_id) / ...
    source_ids: tuple[int, ...]
    simulated: bool = False
    versions: tuple[str, ...] = ()
    commentary: tuple[str, ...] = ()   # a meeting's officers' commentary on this figure ("what we are doing")

    @property
    def text(self) -> str:
        return " ".join(self.clauses) + (" [Simulated data.]" if self.simulated else "")

    @property
    def message(self) -> str:
        return self.clauses[0]


@dataclass(frozen=True)
class Summary:
    la_code: str
    la_name: str
    end_year: int
    year_label: str
    sections: dict[str, list[Bullet]]
    status: list[str]            # provisional/revised status and release dates
    content_sha256: str
    built_at: str
    notes: list[str] = field(default_factory=list)   # sections left out, and why
    meeting: str | None = None                       # the meeting the papers are for, when there is one
    commentary: tuple[str, ...] = ()                 # its commentary on plan items and on figures without a bullet

    @property
    def bullets(self) -> list[Bullet]:
        return [b for bullets in self.sections.values() for b in bullets]

    @property
    def source_ids(self) -> list[int]:
        return sorted({s for b in self.bullets for s in b.source_ids})


# ---------------------------------------------------------------- links

def link(page: str, **params) -> str:
    """'headlines?year=2016/17&phase=Early%20years': the URL path and query that reopen a chart."""
    kept = {k: v for k, v in params.items() if v is not None}
    return page + ("?" + urlencode(kept, quote_via=quote, safe="/") if kept else "")


def absolute(link_path: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/{link_path}" if base_url else link_path


# ---------------------------------------------------------------- wording

def polarity_phrase(measure: measures.Measure, value: float | None, national: float | None,
                    decimals: int | None = None) -> str:
    """'above England - better' / 'lower absence - better' / 'in line with England'; claims no significance.
    The figures are compared as shown: to `decimals`, by default the dictionary's."""
    word = ranks.comparison_word(value, national, measure.decimals if decimals is None else decimals)
    if word in ("in line with", "not comparable with"):
        return f"{word} England"
    if measure.polarity == "lower":
        noun = measure.polarity_noun
        return f"lower {noun} - better" if word == "below" else f"higher {noun} - worse"
    if measure.polarity == "higher":
        return f"{word} England - " + ("better" if word == "above" else "worse")
    return f"{word} England"


@dataclass
class _Context:
    """What every section needs."""
    con: object
    la_code: str
    la_name: str
    end_year: int
    year_label: str
    simulated_ids: set[int]
    neighbour_set: str

    def bullet(self, section: str, title: str, clauses, chart_link: str, chart: tuple, source_ids,
               versions=()) -> Bullet:
        ids = tuple(sorted({int(s) for s in source_ids if pd.notna(s)}))
        return Bullet(section, title, tuple(clauses), chart_link, chart, ids, simulated=bool(set(ids) & self.simulated_ids),
                      versions=tuple(sorted(set(versions))))


def rank_words(rank: ranks.Rank, polarity: str) -> str:
    return (f"Ranked {rank.place('1 = lowest' if polarity == 'lower' else '')}, quartile {rank.quartile} "
            f"({ranks.QUARTILE_WORDS[rank.quartile]}).")


def measure_bullet(ctx: _Context, section: str, measure: measures.Measure, chart_link: str) -> Bullet | None:
    """One bullet for one measure: value (with its version) against England (region, neighbours), change
    against the national change - never across a series break or a gap -, rank and quartile, and where the
    council's own review quoted a different figure. None when the LA has no row that year."""
    end_year = ctx.end_year
    frame = la_queries.trend(ctx.con, measure.measure_id, ctx.la_code, ctx.neighbour_set)
    if headlines.row_in(frame, "la", end_year) is None:
        gap = measure.gap_covering(end_year)
        if gap is None or not frame["value"].notna().any():
            return None
        # No figure this year, but the chart beside the bullet plots the earlier years: their files and versions
        # (an unlabelled one as 'unstated', as the chart's tooltip says).
        plotted = frame[frame["value"].notna()]
        plotted_versions = dict.fromkeys(versions.label(None if pd.isna(v) else v)
                                         for v in plotted.loc[plotted["role"] == "la", "version"])
        return ctx.bullet(section, measure.name, [f"{measure.name}: not published for {measure.period(end_year)}: "
                                                  f"{gap.reason}."], chart_link, ("trend", measure.measure_id),
                          plotted["source_id"], list(plotted_versions))
    card = headlines.card(ctx.con, measure.measure_id, ctx.la_code, end_year, "England")
    shown_here = card.end_year == end_year
    version = f" ({versions.phrase(card.version)})"
    england_row = headlines.row_in(frame, "england", end_year)
    national = headlines.value_of(england_row)
    if not shown_here:
        note = card.missing_note or f"No figure for {ctx.la_name} in {ctx.year_label}."
        clauses = [f"{measure.name}: {note[0].lower()}{note[1:]}"]
    elif national is None:
        clauses = [f"{measure.name}: {ctx.la_name} {card.value_text}{version}; no England figure for "
                   f"{measure.period(end_year)}."]
    else:
        as_shown = headlines.change_decimals(measure, headlines.row_in(frame, "la", end_year), england_row)
        clauses = [f"{measure.name}: {ctx.la_name} {card.value_text}{version} against England "
                   f"{headlines.shown_value(measure, england_row)}: "
                   f"{polarity_phrase(measure, card.value, national, as_shown)}."]
    if shown_here:
        others = "; ".join(f"{NEIGHBOUR_NAMES.get(series, series)} {text}" for series, text in card.comparators
                           if series != "England")
        if others:
            clauses.append(others[0].upper() + others[1:] + ".")
        clauses.append(_change_clause(measure, frame, card, end_year))
        if card.rank:
            clauses.append(rank_words(card.rank, measure.polarity))
        clauses += [f"Council review: {note}." for note in card.review_notes]
    used = frame[frame["end_year"].isin([end_year, end_year - 1])]
    shown_rows = [r for r in (headlines.row_in(frame, "la", end_year), england_row) if shown_here and r is not None]
    return ctx.bullet(section, measure.name, clauses, chart_link, ("trend", measure.measure_id), used["source_id"],
                      [versions.label(None if pd.isna(r["version"]) else r["version"]) for r in shown_rows])


def _change_clause(measure: measures.Measure, frame: pd.DataFrame, card: headlines.Card, end_year: int) -> str:
    """'Change on 2015/16: up 14 points - better (England: up 8 points).' - or why no change is stated."""
    if card.delta is None:  # the text says why: a new series, a gap, or no figure the year before
        return card.change_text[0].upper() + card.change_text[1:] + "."
    change = f"Change on {measure.year_label(end_year - 1)}: {card.change_text}"
    now, before = headlines.row_in(frame, "england", end_year), headlines.row_in(frame, "england", end_year - 1)
    if headlines.value_of(now) is not None and headlines.value_of(before) is not None:
        size = ranks.change_in_words(headlines.value_of(now), headlines.value_of(before), "neutral",
                                     headlines.change_decimals(measure, now, before), measure.unit)
        change += f" (England: {size})"
    return change + "."


def _phase_sections(ctx: _Context) -> dict[str, list[Bullet]]:
    """Every phase of the dictionary's summary measures, then pupil groups (disadvantaged)."""
    sections: dict[str, list[Bullet]] = {}
    la_queries.read_trends_together(ctx.con, [*measures.ids("summary"), *measures.ids("groups")], ctx.la_code,
                                    ctx.neighbour_set)
    for phase in dict.fromkeys(m.phase for m in measures.where("summary")):
        chart_link = link("headlines", year=ctx.year_label, phase=phase)
        bullets = [measure_bullet(ctx, phase, measure, chart_link) for measure in measures.where("summary", phase=phase)]
        sections[phase] = [b for b in bullets if b is not None]
    bullets = [measure_bullet(ctx, GROUPS, measure, link("meetings", year=ctx.year_label, chart=measure.measure_id))
               for measure in measures.where("groups")]
    sections[GROUPS] = [b for b in bullets if b is not None] + _group_gap_bullets(ctx)
    return sections


# The groups whose gap the review reports by phase (Appendix B: disadvantaged and FSM pupils).
GAP_BULLET_GROUPS = ("disadvantaged", "fsm")


def _group_gap_bullets(ctx: _Context) -> list[Bullet]:
    """The review's group bullets ('the gap between FSM pupils and all pupils in Rutland for Phonics is wider
    than seen nationally'), from the Groups page's view for the summary's year only, with its caveats: for each
    phase and group, the first of the phase's summary measures with a gap that year."""
    bullets = []
    for phase in group_views.phases():
        done: set[str] = set()
        for part in group_views.phase_groups(ctx.con, phase, ctx.la_code, ctx.la_name, ctx.end_year, "other_group"):
            if part.end_year != ctx.end_year or not part.measure.appears("summary"):
                continue
            for row in part.rows[part.rows["pupil_group"].isin(GAP_BULLET_GROUPS)].itertuples():
                if row.pupil_group in done or row.la_gap_value is None or pd.isna(row.la_gap_value):
                    continue
                done.add(row.pupil_group)
                measure = part.measure
                clauses = [f"{measure.name}: the gap between {group_gaps.group_noun(row.pupil_group)} and "
                           f"{group_gaps.group_noun(row.reference_group)} in {ctx.la_name} is "
                           f"{row.against_national_gap}.",
                           f"{row.group}: {row.figure} ({versions.phrase(row.version)}), {row.gap}.",
                           f"Since the year before, the gap to {row.compared_with}: {row.change}."]
                if row.caveat:
                    clauses.append(f"Small numbers: {row.caveat}.")
                bullets.append(ctx.bullet(GROUPS, f"{measure.short_label}: {group_gaps.group_noun(row.pupil_group)}", clauses,
                                          link("groups", year=ctx.year_label, phase=phase),
                                          ("group_trend", (measure.measure_id, row.pupil_group)), part.source_ids,
                                          part.versions))
    return bullets


def _school_section(ctx: _Context) -> list[Bullet]:
    """The masking count: how many schools were below national while the LA as a whole was above."""
    if not db.has_tables(ctx.con, *SCHOOL_TABLES):
        return []
    dictionary = measures.by_id()
    bullets = []
    for key_stage, noun in KEY_STAGES.values():
        available = school_views.key_stage_measures(ctx.con, ctx.la_code, key_stage)
        summarised = [m for m in available if dictionary[m].appears("summary")]
        if not summarised:
            continue
        measure = dictionary[summarised[0]]
        frame = school_queries.masking(ctx.con, ctx.la_code, measure.measure_id, ctx.end_year)
        if frame.empty:
            continue
        counts = school_views.masking_summary(frame)
        la_value, national = frame["la_value"].iloc[0], frame["national"].iloc[0]
        if pd.isna(la_value) or national is None or pd.isna(national):
            continue
        phrase = polarity_phrase(measure, float(la_value), float(national))
        interval_words = school_views.significance_clause(
            counts, " (on DfE's progress band where published, else each school's 95% interval)")
        below = (f"{counts['below']} of {counts['with_value']} state-funded mainstream {noun} with a figure were "
                 + school_views.below_words(measure))
        # England's figure here is the school files' own (state-funded schools), which can differ in the last
        # digit from the LA-level tables' figure another bullet quotes
        opening = (f"{measure.name}: {ctx.la_name} {measure.format(float(la_value))} against England "
                   f"{measure.format(float(national))} in the school performance files ({phrase})")
        if not counts["below"]:
            message = f"{opening}; {below}."
        elif phrase.endswith("better"):
            message = f"{opening}, but {below}, {interval_words}."
        else:
            message = f"{opening}; {below}, {interval_words}."
        clauses = [message]
        if key_stage == "Primary (KS2)":
            subjects = school_views.ks2_subject_sentence(ctx.con, ctx.la_code, ctx.end_year)
            if subjects:
                clauses.append(subjects[0].upper() + subjects[1:])
        source_ids = pd.concat([frame["source_id"], frame["national_source_id"], frame["la_source_id"]])
        versions = [v for v in frame["version"].dropna() if v in ("provisional", "revised", "final")]
        bullets.append(ctx.bullet(
            SCHOOLS, f"{measure.name}: {noun}", clauses, link("schools", key_stage=key_stage, measure=measure.name, school_year=ctx.year_label),
            ("schools", measure.measure_id), source_ids, versions))
    return bullets


def _destination_section(ctx: _Context) -> list[Bullet]:
    """DfE destination measures (sustained destinations against England) and the council's own tables
    (in county / out of county, offers made) for the cohorts that finished in the chosen year."""
    if not db.has_tables(ctx.con, "destinations"):
        return []
    cohorts = destination_queries.destination_cohorts(ctx.con, ctx.la_code)
    council = destination_queries.county_summary(destination_queries.seed_destinations(ctx.con, ctx.la_code))
    bullets = []
    for cohort in cohorts[cohorts["cohort_end_year"] == ctx.end_year].itertuples():
        chart_link = link("destinations", year=ctx.year_label, stage=cohort.stage, cohort=cohort.cohort_label)
        shares = destination_queries.destination_shares(ctx.con, ctx.la_code, cohort.cohort_label, ctx.neighbour_set)
        la_rows = shares[(shares["role"] == "la") & shares["share"].notna()]
        sustained = la_rows[la_rows["category_group"].isin(SUSTAINED_GROUPS)]
        if not sustained.empty:
            england = shares[(shares["role"] == "england") & shares["category_group"].isin(SUSTAINED_GROUPS)]
            clause = (f"{cohort.cohort_label}: {sustained['share'].sum():.1f}% of {int(la_rows['cohort'].iloc[0]):,} "
                      "in a sustained destination (education, apprenticeship or employment) in the year after leaving")
            if not england.empty:
                clause += f", against England {england['share'].sum():.1f}%"
            bullets.append(ctx.bullet(DESTINATIONS, cohort.cohort_label, [clause + "."], chart_link,
                                      ("destinations", cohort.cohort_label), shares["source_id"]))
            continue
        groups = council[council["cohort_label"] == cohort.cohort_label]
        if groups.empty:
            continue
        clause = f"{cohort.cohort_label}: " + "; ".join(
            f"{r.category_group} {int(r.pupils)} of {int(r.cohort)} ({r.share:.1f}%)" for r in groups.itertuples())
        bullets.append(ctx.bullet(DESTINATIONS, cohort.cohort_label, [clause + "."], chart_link,
                                  ("council_destinations", cohort.cohort_label), la_rows["source_id"]))
    return bullets


def _admissions_section(ctx: _Context) -> list[Bullet]:
    """Each of the dictionary's averaged admissions measures: its bullet with the five-year average."""
    bullets = []
    for measure in measures.where("admissions_average"):
        phase = measure.school_phase
        chart_link = link("admissions", year=ctx.year_label, admissions_phase=phase.capitalize())
        bullet = measure_bullet(ctx, ADMISSIONS, measure, chart_link)
        if not bullet:
            continue
        clauses, source_ids = list(bullet.clauses), list(bullet.source_ids)
        average = admissions_queries.five_year_average(ctx.con, measure.measure_id, ctx.la_code, ctx.end_year)
        if average:
            clauses.append(f"Five-year average {average['first_label']} to {average['last_label']}: "
                           f"{measure.format(average['mean'])}.")
            source_ids += average["source_ids"]
        bullets.append(ctx.bullet(ADMISSIONS, f"Offers by preference, {phase}", clauses, chart_link, ("admissions", phase),
                                  source_ids, bullet.versions))
    return bullets


def _status(con, summary_sections: dict[str, list[Bullet]]) -> list[str]:
    """Which versions the figures shown are (final, revised, provisional, unstated), and what each source
    says about its release."""
    lines = []
    shown: set[str] = set()
    for section, bullets in summary_sections.items():
        section_versions = sorted({v for b in bullets for v in b.versions}, key=versions.rank)
        shown |= set(section_versions)
        if section_versions:
            lines.append(f"{section}: versions shown - {', '.join(section_versions)}.")
    used = sorted({s for bullets in summary_sections.values() for b in bullets for s in b.source_ids})
    sources = source_queries.sources(con, used)
    for note in dict.fromkeys(sources["release_note"].dropna()):
        lines.append(f"Release: {note}")
    if sources["is_simulated"].any():
        lines.append("Bullets marked [Simulated data.] use figures invented by the dashboard's demo generator.")
    if "provisional" in shown:
        lines.append("Provisional figures may change when revised data are published.")
    if "unstated" in shown:
        lines.append("Unstated: the source file does not say whether the figure is provisional, revised or final.")
    return lines


# ---------------------------------------------------------------- the summary

def available_sections(con, la_code: str) -> list[str]:
    """Section names in order: each phase of the summary measures, groups, then schools, destinations and
    admissions (schools and destinations where their tables exist)."""
    names = list(dict.fromkeys(m.phase for m in measures.where("summary"))) + [GROUPS]
    if db.has_tables(con, *SCHOOL_TABLES):
        names.append(SCHOOLS)
    if db.has_tables(con, "destinations"):
        names.append(DESTINATIONS)
    return names + [ADMISSIONS]


COMMENTARY_LABEL = "What we are doing about it"


def _with_notes(sections: dict[str, list[Bullet]], notes: MeetingNotes, end_year: int,
                ) -> tuple[dict[str, list[Bullet]], tuple[str, ...]]:
    """The meeting's commentary on a figure beside the first bullet about that figure (a measure's comment for
    a year only in that year's papers); comments on plan items, and on figures with no bullet, listed apart."""
    first: dict[str, tuple[str, int]] = {}
    for name, bullets in sections.items():
        for index, bullet in enumerate(bullets):
            if len(bullet.chart) > 1 and bullet.chart[0] in ("trend", "schools"):
                first.setdefault(bullet.chart[1], (name, index))
    wanted = [(m, text) for m, year, text in notes.on_figures if year is None or year == end_year]
    sections = {name: list(bullets) for name, bullets in sections.items()}
    for measure_id, text in wanted:
        if measure_id in first:
            name, index = first[measure_id]
            bullet = sections[name][index]
            sections[name][index] = replace(bullet, commentary=bullet.commentary + (text,))
    dictionary = measures.by_id()
    apart = tuple(f"{dictionary[m].name}: {text}" for m, text in wanted if m not in first)
    apart += tuple(f"Improvement plan {ref} ({item}): {text}" for ref, item, text in notes.on_plan)
    return sections, apart


def build(con, la_code: str, end_year: int, sections: list[str] | None = None,
          notes: MeetingNotes | None = None) -> Summary:
    """The summary for one year; `sections` picks and orders them (None = all available); `notes`: a meeting's
    commentary, carried beside its figures."""
    with kept_results(con):   # a measure's series is read once for its bullet and its headline card
        return _build(con, la_code, end_year, sections, notes)


# The Meetings page shows the summary, writes it as Markdown and Word, and builds the board pack from it: three
# calls with the same arguments, two seconds each on real data. A summary depends only on the database (its content
# checksum and build time, which the pack prints) and the arguments, so `build_once` keeps the last few.
_BUILT: OrderedDict[tuple, Summary] = OrderedDict()
_BUILT_LIMIT = 16
_BUILT_LOCK = threading.Lock()


def build_once(con, la_code: str, end_year: int, sections: list[str] | None = None,
               notes: MeetingNotes | None = None) -> Summary:
    """`build`, kept per database version and arguments in this process: the same object for the same call.
    Callers must not change it (the pack and documents only read it)."""
    info = source_queries.build_info(con)
    if info.get("content_sha256") is None:   # a database not made by a build: nothing names its version
        return build(con, la_code, end_year, sections, notes)
    key = (info["content_sha256"], info.get("built_at"), la_code, end_year,
           None if sections is None else tuple(sections), notes)
    with _BUILT_LOCK:
        if key in _BUILT:
            _BUILT.move_to_end(key)
            return _BUILT[key]
    built = build(con, la_code, end_year, sections, notes)
    with _BUILT_LOCK:
        _BUILT[key] = built
        while len(_BUILT) > _BUILT_LIMIT:
            _BUILT.popitem(last=False)
    return built


def _build(con, la_code: str, end_year: int, sections: list[str] | None, notes: MeetingNotes | None) -> Summary:
    info = source_queries.build_info(con)
    ctx = _Context(con, la_code, la_queries.area_name(con, la_code), end_year, academic_year(end_year),
                   {int(s) for s in source_queries.sources(con).query("is_simulated")["source_id"]},
                   neighbour_set_for("England"))
    wanted = available_sections(con, la_code) if sections is None else list(sections)
    builders = {SCHOOLS: _school_section, DESTINATIONS: _destination_section, ADMISSIONS: _admissions_section}
    built: dict[str, list[Bullet]] = {}
    if set(wanted) - set(builders) - {MAP}:
        built.update(_phase_sections(ctx))
    for name, builder in builders.items():
        if name in wanted:
            built[name] = builder(ctx)
    chosen = {name: built.get(name, []) for name in wanted if name != MAP}
    left_out = [f"{name}: no figures for {ctx.year_label}." for name, bullets in chosen.items() if not bullets]
    chosen = {name: bullets for name, bullets in chosen.items() if bullets}
    commentary: tuple[str, ...] = ()
    if notes is not None:
        chosen, commentary = _with_notes(chosen, notes, end_year)
    return Summary(
        la_code=la_code, la_name=ctx.la_name, end_year=end_year, year_label=ctx.year_label, sections=chosen,
        status=_status(con, chosen), content_sha256=info.get("content_sha256", "unknown"),
        built_at=info.get("built_at", "unknown"), notes=left_out,
        meeting=None if notes is None else notes.meeting, commentary=commentary,
    )



def documents(con, la_code: str, end_year: int, sections: list[str] | None, base_url: str,
              notes: MeetingNotes | None = None) -> tuple[str, bytes]:
    """The summary as Markdown and as Word (links made absolute from `base_url`). Writing the Word file
    takes far longer than a page rerun should, so the Meetings page caches both per database version."""
    summary = build_once(con, la_code, end_year, sections, notes)
    return to_markdown(summary, base_url), to_docx(summary, base_url)


def provenance_line(summary: Summary) -> str:
    return (f"Built from database content sha256 {summary.content_sha256} (database built "
            f"{summary.built_at}). Figures do not change unless the database is rebuilt.")


def to_markdown(summary: Summary, base_url: str = "") -> str:
    lines = [f"# {summary.la_name} performance summary {summary.year_label}", "",
             f"_{provenance_line(summary)}_", ""]
    if summary.meeting:
        lines += [f"Meeting: {summary.meeting}.", ""]
    for section, bullets in summary.sections.items():
        lines += [f"## {section}", ""]
        for b in bullets:
            lines.append(f"- {b.text} ([chart]({absolute(b.link, base_url)}))")
            lines += [f"  - {COMMENTARY_LABEL}: {text}" for text in b.commentary]
        lines.append("")
    if summary.commentary:
        lines += [f"## {COMMENTARY_LABEL}", ""] + [f"- {line}" for line in summary.commentary] + [""]
    lines += ["## Data status and release dates", ""] + [f"- {line}" for line in summary.status]
    if summary.notes:
        lines += ["", "## Not included", ""] + [f"- {note}" for note in summary.notes]
    return "\n".join(lines) + "\n"


def to_docx(summary: Summary, base_url: str = "") -> bytes:
    """The summary as a Word document, stamped with the database version; identical for one database."""
    document = Document()
    document.add_heading(f"{summary.la_name} performance summary {summary.year_label}", level=1)
    document.add_paragraph().add_run(provenance_line(summary)).italic = True
    if summary.meeting:
        document.add_paragraph(f"Meeting: {summary.meeting}.")
    for section, bullets in summary.sections.items():
        document.add_heading(section, level=2)
        for bullet in bullets:
            paragraph = document.add_paragraph(bullet.text + " ", style="List Bullet")
            add_hyperlink(paragraph, absolute(bullet.link, base_url), "(chart)")
            for text in bullet.commentary:
                document.add_paragraph(f"{COMMENTARY_LABEL}: {text}", style="List Bullet 2")
    if summary.commentary:
        document.add_heading(COMMENTARY_LABEL, level=2)
        for line in summary.commentary:
            document.add_paragraph(line, style="List Bullet")
    document.add_heading("Data status and release dates", level=2)
    for line in summary.status:
        document.add_paragraph(line, style="List Bullet")
    if summary.notes:
        document.add_heading("Not included", level=2)
        for note in summary.notes:
            document.add_paragraph(note, style="List Bullet")
    stamp = built_datetime(summary.built_at)
    properties = document.core_properties
    properties.title = f"{summary.la_name} performance summary {summary.year_label}"
    properties.subject = "Generated performance summary"
    properties.author = properties.last_modified_by = "Education performance dashboard"
    properties.keywords = f"content_sha256={summary.content_sha256}; built_at={summary.built_at}"
    properties.comments = provenance_line(summary)
    properties.created = properties.modified = stamp
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)

