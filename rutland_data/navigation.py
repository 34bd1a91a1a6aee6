"""The dashboard's pages: file, title, stable URL path and menu section.

Plain data, so the app builds its menu from it and the tests open every page from it.
A new page is a new row here.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageEntry:
    file: str          # relative to the project root
    title: str
    url_path: str      # stable: links in meeting papers depend on it (the default page lives at "/")
    section: str
    icon: str
    default: bool = False


PAGES: list[PageEntry] = [
    PageEntry("pages/home.py", "Overview", "overview", "Performance", ":material/home:", default=True),
    PageEntry("pages/headlines.py", "Headline trends", "headlines", "Performance", ":material/trending_up:"),
    PageEntry("pages/about.py", "About the data", "about", "Help", ":material/info:"),
]
