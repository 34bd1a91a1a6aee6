"""AppTest: the Meetings page - summary with links, downloads, board pack, and presentation mode from the URL."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from rutland_data.exports import summary


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def open_meetings(app, **params):
    app.query_params["year"] = "2016/17"
    for key, value in params.items():
        app.query_params[key] = value
    at = app.run()
    at.switch_page("pages/meetings.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_summary_shows_bullets_with_links_and_downloads(app):
    at = open_meetings(app)
    assert at.toggle(key="present").value is False
    assert at.title[0].value == "Meetings"
    shown = texts(at)
    assert "lower absence - better" in shown
    assert "[Open the chart](headlines?year=2016/17&phase=Absence)" in shown
    assert [d.label for d in at.get("download_button")] == ["Summary as Markdown", "Summary as Word"]


def test_sections_filter_from_the_url_changes_the_summary(app):
    at = open_meetings(app, sections="Absence")
    assert [s.value for s in at.subheader] == ["Absence", "Data status and release dates"]
    assert "Reception: good level of development" not in texts(at)


def test_build_board_pack_offers_powerpoint_and_pdf(app):
    at = open_meetings(app, sections="Phonics")
    at.button(key="build-pack").click().run()
    assert not at.exception
    labels = [d.label for d in at.get("download_button")]
    assert "Board pack (PowerPoint)" in labels and "Board pack (PDF)" in labels
    assert "Pack tables (ODS spreadsheet)" in labels
    assert any(c.value.startswith("5 slides · Data version: database content sha256") for c in at.caption)


def test_url_opens_presentation_mode_one_message_per_screen(app):
    at = open_meetings(app, present="true", slide="3")
    assert at.toggle(key="present").value is True
    assert "Meetings" not in [t.value for t in at.title], "the page header is hidden when presenting"
    assert not at.multiselect, "so are the filters"
    css = [h.proto.body for h in at.get("html")]
    assert any('[data-testid="stSidebar"]' in body and "display: none" in body for body in css)
    # the screen's title states its message, as the board pack's slide does (views.meetings.chart_title)
    assert [t.value for t in at.title] == ["KS1 RWM: above England for two years, gap narrowing"]
    assert any(m.value.startswith("**KS1 reading, writing and maths: expected standard: Rutland 67% (version not "
                                  "stated) against")
               for m in at.markdown)
    at.button(key="next").click().run()
    assert at.query_params["slide"] == "4"
    assert [t.value for t in at.title] == ["KS1 reading: above England for two years, gap narrowing"]
    at.button(key="previous").click().run()
    at.button(key="previous").click().run()
    assert at.query_params["slide"] == "2"


def test_a_bullet_link_reopens_its_chart(app, demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    bullet = summary.build(con, "857", 2017, ["KS2"]).sections["KS2"][0]
    con.close()
    path, query = urlsplit(bullet.link).path, dict(parse_qsl(urlsplit(bullet.link).query))
    assert path == "headlines"
    for key, value in query.items():
        app.query_params[key] = value
    at = app.run()
    at.switch_page("pages/headlines.py").run()
    assert not at.exception
    assert at.selectbox(key="year").value == "2016/17"
    assert "KS2 reading, writing and maths: expected standard" in [s.value for s in at.subheader]


def test_a_group_bullet_link_opens_its_chart_on_this_page(app):
    at = open_meetings(app, chart="ks2_rwm_exp_disadv")
    assert at.subheader[0].value == "KS2 RWM expected standard: disadvantaged pupils"
    assert "[Open the chart](meetings?year=2016/17&chart=ks2_rwm_exp_disadv)" in texts(at)
