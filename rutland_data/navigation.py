"""The dashboard's pages: file, title, stable URL path, menu section and audience.

Plain data, so the app builds its menu from it and the tests open every page from it.
A new page is a new row here.

An officer page (audience OFFICER) is listed in the menu and served only to a signed-in officer
(rutland_data/access.py says who is one); anyone else who opens its URL gets a sign-in prompt
(rutland_data/ui/routing.py) and nothing of the page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PUBLIC = "public"
OFFICER = "officer"


@dataclass(frozen=True)
class PageEntry:
    file: str          # relative to the project root
    title: str
    url_path: str      # stable: links in meeting papers depend on it (the default page lives at "/").
    #                    Must equal the file's name without '.py': a server's very first visit to a
    #                    deep link is resolved by file name before app.py has declared the pages
    #                    (rutland_data/ui/routing.py then hands that run over to app.py).
    section: str
    icon: str
    default: bool = False
    audience: Literal["public", "officer"] = PUBLIC


PAGES: list[PageEntry] = [
    PageEntry("pages/home.py", "Overview", "overview", "Performance", ":material/home:", default=True),
    PageEntry("pages/headlines.py", "Headline trends", "headlines", "Performance", ":material/trending_up:"),
    PageEntry("pages/groups.py", "Pupil groups", "groups", "Performance", ":material/diversity_3:"),
    PageEntry("pages/deprivation-map.py", "Deprivation map", "deprivation-map", "Places", ":material/map:"),
    PageEntry("pages/destinations.py", "Post-16 destinations", "destinations", "Performance", ":material/route:"),
    PageEntry("pages/absence.py", "Absence", "absence", "Performance", ":material/event_busy:"),
    PageEntry("pages/admissions.py", "School admissions", "admissions", "Pupils and places", ":material/how_to_reg:"),
    PageEntry("pages/schools.py", "Schools", "schools", "Performance", ":material/school:"),
    PageEntry("pages/school.py", "School profile", "school", "Performance", ":material/badge:"),
    PageEntry("pages/academisation.py", "Academisation and Ofsted", "academisation", "Pupils and places", ":material/account_balance:"),
    PageEntry("pages/meetings.py", "Meetings", "meetings", "Meetings", ":material/groups:"),
    PageEntry("pages/improvement-plan.py", "Improvement plan", "improvement-plan", "Meetings", ":material/checklist:"),
    PageEntry("pages/local-data.py", "Local data", "local-data", "Officers", ":material/upload_file:", audience=OFFICER),
    PageEntry("pages/about.py", "About the data", "about", "Help", ":material/info:"),
    PageEntry("pages/accessibility.py", "Accessibility statement", "accessibility", "Help", ":material/accessibility:"),
]


def pages_for(officer: bool) -> list[PageEntry]:
    """The pages a visitor may see: every public page, and the officer pages for an officer."""
    return [entry for entry in PAGES if officer or entry.audience == PUBLIC]
