"""Meetings: the generated performance summary, the board pack, and presentation mode.

Presentation mode is bound to the URL (?present=true&slide=3), so a link opens a meeting-room
screen straight into it: no sidebar or filters, large type, one message per screen.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from rutland_data.charts import figures
from rutland_data.exports import board_pack, spreadsheet, summary
from rutland_data.reference import codes, measures
from rutland_data.ui import common, officer_sections

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
generated = common.query(summary.build, la, year, summary_sections)
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
    st.title(f"{bullet.section}: {bullet.title}")
    st.markdown(f"**{bullet.message}**" + (" *Simulated data.*" if bullet.simulated else ""))
    if len(bullet.clauses) > 1:
        st.markdown(" ".join(bullet.clauses[1:]))
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
for section, section_bullets in generated.sections.items():
    st.subheader(section)
    st.markdown("\n".join(f"- {b.text} [Open the chart]({b.link})" for b in section_bullets))
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
markdown, word = common.query(summary.documents, la, year, summary_sections, base_url)
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
st.button("Build board pack", icon=":material/slideshow:", key="build-pack",
          on_click=lambda: st.session_state.update({"pack_requested": True}))
if st.session_state.get("pack_requested"):
    with st.spinner("Drawing the charts…"):
        pack = (officer_sections.officer_pack(la, year, sections) if with_local_returns
                else common.query(board_pack.build, la, year, sections))
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
