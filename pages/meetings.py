"""Meetings: the generated performance summary, the board pack, and presentation mode.

Presentation mode is bound to the URL (?present=true&slide=3), so a link opens a meeting-room
screen straight into it: no sidebar or filters, large type, one message per screen.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import streamlit as st

from rutland_data import settings
from rutland_data.charts import figures
from rutland_data.exports import board_pack, meeting_pack, pack_workers, spreadsheet, summary
from rutland_data.queries import meetings as meeting_queries
from rutland_data.queries import plan as plan_queries
from rutland_data.reference import codes, measures
from rutland_data.store import records
from rutland_data.ui import auth, common, officer_sections
from rutland_data.views import meetings as meeting_views

PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"] { display: none !important; }
.stMainBlockContainer { max-width: 100% !important; padding-top: 1.5rem !important; }
.stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.7rem !important; line-height: 1.45 !important; }
.stMainBlockContainer h1 { font-size: 2.8rem !important; }
.stMainBlockContainer h2 { font-size: 2.2rem !important; }
.stMainBlockContainer button p { font-size: 1.3rem !important; }
</style>
"""

la = common.la_code()
year = codes.end_year_of(st.session_state.get("year"))
present = st.toggle("Presentation mode", key="present", bind="query-params",
                    help="Hides the menu and filters, enlarges the type and shows one message per screen. "
                         "The address bar then holds a link that opens straight into it.")
if year is None:
    st.error("The database holds no results for this local authority. See *About the data* to load files.")
    st.stop()

available = common.query(summary.available_sections, la) + [summary.MAP]
chosen = st.query_params.get_all("sections") or available
if not present:
    common.page_header(
        "Meetings",
        "A performance summary in the style of the annual review's Appendix B, written from the database for the "
        "year chosen in the sidebar; a board pack (PowerPoint and PDF) frozen to this data version; and a "
        "presentation mode for the meeting-room screen. Every bullet links to the chart it came from.",
    )
    chosen = st.multiselect("Sections", available, default=available, key="sections", bind="query-params",
                            help="Which phases and pages go into the summary and the board pack.") or available
sections = tuple(s for s in available if s in chosen)
summary_sections = tuple(s for s in sections if s != summary.MAP)
# A recorded meeting (?meeting=ID) carries its officers' commentary beside the figures (records database).
configured = settings.load()
common.records_query(plan_queries.seed_if_new, la)       # commentary can be about the plan's items
recorded = common.records_query(meeting_queries.meetings)
by_id = {str(m.meeting_id): m for m in recorded}
meeting = by_id.get(st.query_params.get("meeting", ""))
if not present and recorded:
    choice = st.selectbox("Meeting", ["", *by_id], format_func=lambda i: by_id[i].label if i else "No meeting",
                          key="meeting", bind="query-params",
                          help="A recorded meeting: its commentary is shown beside the figures and carried into "
                               "its summary and board pack.")
    meeting = by_id.get(choice or "")
notes = common.records_query(meeting_queries.notes, meeting) if meeting else None
generated = common.query(summary.build_once, la, year, summary_sections, notes)
bullets = generated.bullets


def _figure_block(bullet: summary.Bullet, key: str) -> None:
    """The figure a bullet came from, as the board pack draws it."""
    figure = common.query(figures.for_bullet, la, year, bullet.chart)
    if figure is None:
        st.caption("No chart for this figure.")
        return
    common.figure_block(figure, key=key)


def _go_to(screen: int) -> None:
    st.query_params["slide"] = str(screen)


if present:
    st.html(PRESENTATION_CSS)
    screens = len(bullets)
    try:
        screen = min(max(int(st.query_params.get("slide", "1")), 1), max(screens, 1))
    except ValueError:
        screen = 1
    if not bullets:
        st.title(f"{generated.la_name} {generated.year_label}")
        st.markdown("No figures for this year.")
        st.stop()
    bullet = bullets[screen - 1]
    st.title(common.query(meeting_views.chart_title, la, generated.end_year, bullet.section, bullet.title, bullet.chart))
    st.markdown(f"**{bullet.message}**" + (" *Simulated data.*" if bullet.simulated else ""))
    if len(bullet.clauses) > 1:
        st.markdown(" ".join(bullet.clauses[1:]))
    for text in bullet.commentary:
        st.info(f"**{summary.COMMENTARY_LABEL}:** {text}", icon=":material/record_voice_over:")
    _figure_block(bullet, key=f"present-{screen}")
    previous_column, position, next_column = st.columns([1, 2, 1])
    previous_column.button("Previous", icon=":material/arrow_back:", disabled=screen <= 1, key="previous",
                           on_click=_go_to, args=(screen - 1,), width="stretch")
    position.markdown(f"<p style='text-align:center'>Screen {screen} of {screens} · {generated.year_label} · "
                      f"data version {generated.content_sha256[:10]}</p>", unsafe_allow_html=True)
    next_column.button("Next", icon=":material/arrow_forward:", disabled=screen >= screens, key="next",
                       on_click=_go_to, args=(screen + 1,), width="stretch")
    st.stop()

# ---------------------------------------------------------------- a chart behind a bullet with no page of its own
requested = st.query_params.get("chart")
if requested is not None and requested in measures.by_id():
    measure = measures.by_id()[requested]
    figure = common.query(figures.trend, requested, la, codes.neighbour_set_for("England"), year)
    st.subheader(measure.name, divider="gray")
    if figure is not None:
        common.figure_block(figure, key=f"requested-{requested}")

# ---------------------------------------------------------------- the summary
common.simulated_banner(generated.source_ids, [v for b in bullets for v in b.versions])
st.header(f"Performance summary {generated.year_label}", divider="gray")
st.caption(summary.provenance_line(generated))
if generated.meeting:
    st.markdown(f"For the meeting: **{generated.meeting}**.")
for section, section_bullets in generated.sections.items():
    st.subheader(section)
    st.markdown("\n".join(f"- {b.text} [Open the chart]({b.link})" + "".join(
        f"\n    - *{summary.COMMENTARY_LABEL}:* {text}" for text in b.commentary) for b in section_bullets))
if generated.commentary:
    st.subheader(summary.COMMENTARY_LABEL)
    st.markdown("\n".join(f"- {line}" for line in generated.commentary))
st.subheader("Data status and release dates")
st.markdown("\n".join(f"- {line}" for line in generated.status))
for note in generated.notes:
    st.caption(note)

# ---------------------------------------------------------------- downloads
st.header("Download", divider="gray")
# Links in the files are made absolute from this page's own address (keeping any base path the server uses).
page_url = urlsplit(st.context.url or "")
base_url = (f"{page_url.scheme}://{page_url.netloc}{page_url.path.rstrip('/').removesuffix('/meetings')}"
            if page_url.netloc else "")
stem = f"performance_summary_{la}_{generated.year_label.replace('/', '-')}_{generated.content_sha256[:8]}"
markdown, word = common.query(summary.documents, la, year, summary_sections, base_url, notes)
markdown_column, word_column = st.columns(2)
markdown_column.download_button(
    "Summary as Markdown", markdown.encode("utf-8"), file_name=f"{stem}.md",
    mime="text/markdown", icon=":material/download:", key="download-markdown", on_click="ignore")
word_column.download_button(
    "Summary as Word", word, file_name=f"{stem}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", icon=":material/download:",
    key="download-word", on_click="ignore")

st.markdown("The board pack holds the summary, one slide per chart of the chosen sections (each with its message, "
            "source, version and data date) and a sources slide. It records the database checksum and build time; "
            "building it again from the same database gives identical files.")
with_local_returns = officer_sections.pack_with_local_returns()
pack_workers.start()   # the pack's drawing workers start (once per server) while the page is read, not on the click
st.button("Build board pack", icon=":material/slideshow:", key="build-pack",
          on_click=lambda: st.session_state.update({"pack_requested": True}))
if st.session_state.get("pack_requested"):
    with st.spinner("Drawing the charts…"):
        pack = (officer_sections.officer_pack(la, year, sections) if with_local_returns
                else common.query(board_pack.build, la, year, sections, (), notes))
    for note in pack.notes:
        st.info(note, icon=":material/info:")
    pptx_column, pdf_column, ods_column = st.columns(3)
    pptx_column.download_button(
        "Board pack (PowerPoint)", pack.pptx, file_name=f"{pack.file_stem}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        icon=":material/download:", key="download-pptx", on_click="ignore")
    pdf_column.download_button("Board pack (PDF)", pack.pdf, file_name=f"{pack.file_stem}.pdf", mime="application/pdf",
                               icon=":material/download:", key="download-pdf", on_click="ignore")
    ods_column.download_button("Pack tables (ODS spreadsheet)", pack.ods, file_name=f"{pack.file_stem}.ods",
                               mime=spreadsheet.ODS_MIME, icon=":material/download:", key="download-pack-ods",
                               on_click="ignore")
    st.caption(f"{len(pack.slides)} slides · {board_pack.data_version_line(pack.summary)}")
    if pack.unvalidated:
        st.warning("This pack holds the council's own unvalidated returns: its title slide and every slide using them "
                   "read 'Unvalidated — not for publication'.", icon=":material/lock:")

# ---------------------------------------------------------------- meetings: record, commentary, since the last one
st.header("Meetings and commentary", divider="gray")
current_sha = generated.content_sha256
if meeting is not None and meeting.content_sha256 != current_sha:
    st.warning(f"{meeting.label} used data version `{meeting.content_sha256[:12]}`; the figures above are today's "
               f"(`{current_sha[:12]}`). Its own papers are rebuilt from its data version below.",
               icon=":material/history:")
    st.button("Rebuild this meeting's board pack", key="rebuild-meeting-pack", icon=":material/history:",
              on_click=lambda: st.session_state.update({"meeting_pack_requested": meeting.meeting_id}))
    if st.session_state.get("meeting_pack_requested") == meeting.meeting_id:
        try:
            with st.spinner("Drawing the charts…"):
                old_pack = meeting_pack.pack(configured.records_db_path, configured.meetings_dir, meeting.meeting_id,
                                             la, list(sections))
        except meeting_pack.MissingDataVersion as problem:
            st.error(str(problem), icon=":material/error:")
        else:
            st.download_button("Meeting's board pack (PowerPoint)", old_pack.pptx, file_name=f"{old_pack.file_stem}.pptx",
                               mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                               icon=":material/download:", key="download-meeting-pptx", on_click="ignore")
last = recorded[0] if recorded else None
if last is None:
    st.markdown("No meeting is recorded yet. Officers record one (body, date, this data version) once signed in.")
else:
    st.subheader(f"Since the last meeting ({last.label})")
    kept = records.database_copy(configured.meetings_dir, last.content_sha256)
    if not kept.exists():
        st.markdown(f"Its data version `{last.content_sha256[:12]}` is not kept on this server, so what changed since "
                    "cannot be worked out.")
    else:
        since = meeting_views.since_last_meeting(common.query(meeting_queries.changes_since, str(kept), la))
        st.markdown("\n".join(f"- {line}" for line in since.lines))
        for title, frame in (("Figures revised", since.revised), ("New figures", since.new_figures),
                             ("Schools that changed significance", since.schools)):
            if not frame.empty:
                with st.expander(f"{title} ({len(frame)})"):
                    common.table(frame)



def _record_meeting(who: str) -> None:
    """Form callback: the meeting, with a copy of the database as it is now (its data version)."""
    sha, _ = records.keep_database_copy(configured.db_path, configured.meetings_dir)
    with records.session(configured.records_db_path) as records_con:
        new_id = meeting_queries.add_meeting(records_con, st.session_state["meeting-body"],
                                             st.session_state["meeting-date"], year, sha, who)
    st.session_state["meeting"] = str(new_id)


def _add_comment(meeting_id: int, who: str) -> None:
    """Form callback: the officer's commentary on a figure (this year's, or every year's) or a plan item."""
    text = st.session_state.get("comment-text", "")
    if not text.strip():
        return
    kind, _, target = st.session_state["comment-about"].partition(":")
    with records.session(configured.records_db_path) as records_con:
        meeting_queries.add_comment(
            records_con, meeting_id, text, who, measure_id=target if kind == "figure" else None,
            item_ref=target if kind == "plan" else None,
            end_year=year if kind == "figure" and st.session_state.get("comment-year") else None)
    st.session_state["comment-text"] = ""


if auth.is_officer():
    who = auth.officer_identity()
    with st.form("record-meeting"):
        st.markdown(f"**Record a meeting** for {generated.year_label}, using this data version (`{current_sha[:12]}`). "
                    "A copy of the database is kept with it, so its papers can be rebuilt later.")
        st.selectbox("Body", meeting_queries.BODIES, key="meeting-body")
        st.date_input("Date", value=date.today(), key="meeting-date", format="DD/MM/YYYY")
        st.form_submit_button("Record the meeting", icon=":material/event:", on_click=_record_meeting, args=(who,))
    if meeting is not None:
        shown = {f"figure:{b.chart[1]}": f"{b.title} ({b.section})" for b in bullets
                 if len(b.chart) > 1 and b.chart[0] in ("trend", "schools")}
        with records.session(configured.records_db_path) as records_con:
            headings = plan_queries.headings(records_con)
        shown |= {f"plan:{ref}": f"Improvement plan {ref}: {text[:80]}" for ref, text in headings}
        with st.form("add-comment"):
            st.markdown(f"**Add commentary for {meeting.label}**: what is being done about a figure or plan item.")
            st.selectbox("About", list(shown), format_func=shown.get, key="comment-about")
            st.checkbox(f"Only for {generated.year_label}'s figure", value=True, key="comment-year")
            st.text_area("What we are doing about it", key="comment-text")
            st.form_submit_button("Add commentary", icon=":material/add_comment:", on_click=_add_comment,
                                  args=(meeting.meeting_id, who))
