"""The academisation view: which of the LA's state-funded schools are maintained and which are academies
(converter, sponsored, free school) now and at the end of each school year, the trusts and their schools,
the pupils in each by phase, and when each school converted.

Status comes from the type the register gives (GIAS TypeOfEstablishment, the performance tables' NFTYPE,
EES's establishment type group). A census 'State-funded primary' does not say maintained or academy: such a
school counts as maintained only when GIAS links name an academy that replaced it (a conversion closes the
maintained school's URN), and as 'status not in the loaded files' otherwise - never guessed from its name.
Over time a school counts from its conversion date (an academy) and until it was replaced (GIAS link date);
a school with no dates in the files counts in every year shown, which the view says.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from rutland_data.queries.academisation import conversion_links, pupils_by_status, register
from rutland_data.queries.la import area_name
from rutland_data.reference import school_types
from rutland_data.reference.codes import academic_year

MAINTAINED, CONVERTER, SPONSORED, FREE_SCHOOL = "Maintained", "Academy: converter", "Academy: sponsor led", "Free school"
ACADEMY_ROUTE_NOT_STATED = "Academy: route not stated"
NOT_STATED = "Status not in the loaded files"
STATUSES = [MAINTAINED, CONVERTER, SPONSORED, FREE_SCHOOL, ACADEMY_ROUTE_NOT_STATED, NOT_STATED]
ACADEMY_STATUSES = {CONVERTER, SPONSORED, FREE_SCHOOL, ACADEMY_ROUTE_NOT_STATED}
_MAINTAINED_WORDS = ("community", "voluntary", "foundation", "maintained", "local authority nursery",
                     "pupil referral unit")
_FREE_SCHOOL_WORDS = ("free school", "university technical college", "studio school", "utc")
FIRST_YEAR = 2011  # the first academies under the Academies Act 2010 opened in 2010/11


def status_of(school_type: str | None) -> str | None:
    """Maintained / academy route from the register's type words; None when the words do not say."""
    words = school_type.lower() if isinstance(school_type, str) else ""
    if "sponsor" in words:
        return SPONSORED
    if "converter" in words:
        return CONVERTER
    if any(w in words for w in _FREE_SCHOOL_WORDS):
        return FREE_SCHOOL
    if "academ" in words:
        return ACADEMY_ROUTE_NOT_STATED
    if any(w in words for w in _MAINTAINED_WORDS):
        return MAINTAINED
    return None


def _statuses(schools: pd.DataFrame) -> pd.Series:
    """Each school's status, a predecessor closed when an academy replaced it counting as maintained."""
    stated = schools["school_type"].map(status_of)
    by_urn = dict(zip(schools["urn"], stated))
    replaced_by_academy = schools["successor_urn"].map(lambda s: by_urn.get(s) in ACADEMY_STATUSES)
    return stated.where(stated.notna(), pd.Series(MAINTAINED, index=schools.index).where(replaced_by_academy,
                                                                                            NOT_STATED))


def _end_of(end_year: int) -> date:
    return date(end_year, 8, 31)


def status_over_time(schools: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """How many schools had each status at the end of each school year (31 August), FIRST_YEAR to last_year.
    Columns: end_year, year_label, status, schools."""
    rows = []
    for end_year in range(FIRST_YEAR, last_year + 1):
        day = pd.Timestamp(_end_of(end_year))
        started, replaced = pd.to_datetime(schools["started"]), pd.to_datetime(schools["replaced_on"])
        opened = started.isna() | (started <= day)
        still = replaced.isna() | (replaced > day)
        closed_undated = ~schools["is_open"].astype(bool) & schools["replaced_on"].isna()
        counted = schools[opened & still & ~closed_undated]
        counts = counted["status"].value_counts()
        rows.extend({"end_year": end_year, "year_label": academic_year(end_year), "status": status,
                     "schools": int(counts.get(status, 0))} for status in STATUSES)
    frame = pd.DataFrame(rows, columns=["end_year", "year_label", "status", "schools"])
    used = frame.groupby("status")["schools"].sum()
    return frame[frame["status"].isin(used[used > 0].index)].reset_index(drop=True)


@dataclass(frozen=True)
class AcademisationView:
    la_name: str
    schools: pd.DataFrame          # the LA's open state-funded schools: name, phase, status, trust, conversion date
    summary: str                   # how many are academies now, in words
    over_time: pd.DataFrame        # status_over_time
    over_time_note: str            # which schools have no dates, so count in every year
    trusts: pd.DataFrame           # trust, trust_type, schools (names), count
    conversions: pd.DataFrame      # conversion dates: school, status, date, how the date is known
    pupils: pd.DataFrame           # pupils_by_status
    not_state_funded: int          # independent and non-maintained schools, left out
    source_ids: tuple[int, ...]


def _conversions(schools: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Each academy's conversion or opening date: the GIAS link to the school it replaced where there is one,
    else the register's (GIAS) open date."""
    academies = schools[schools["status"].isin(ACADEMY_STATUSES)]
    by_successor = links.drop_duplicates("successor_urn").set_index("successor_urn")
    rows = []
    for school in academies.itertuples():
        if school.urn in by_successor.index:
            link = by_successor.loc[school.urn]
            rows.append({"school": school.name, "urn": school.urn, "status": school.status,
                         "date": link["link_date"], "replaced": f"{link['predecessor']} (URN {link['predecessor_urn']})",
                         "date_from": "GIAS link: the date it replaced the school before it",
                         "source_id": link["source_id"]})
        elif pd.notna(school.conversion_date):
            rows.append({"school": school.name, "urn": school.urn, "status": school.status,
                         "date": school.conversion_date, "replaced": "",
                         "date_from": "register: the academy's open date",
                         "source_id": school.source_id})
        else:
            rows.append({"school": school.name, "urn": school.urn, "status": school.status, "date": None,
                         "replaced": "", "date_from": "no date in the loaded files", "source_id": school.source_id})
    frame = pd.DataFrame(rows, columns=["school", "urn", "status", "date", "replaced", "date_from", "source_id"])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame.sort_values(["date", "school"], na_position="last").reset_index(drop=True)


def _trusts(current: pd.DataFrame) -> pd.DataFrame:
    in_trust = current[current["trust"].notna()]
    grouped = (in_trust.sort_values("name").groupby(["trust", "trust_type"], dropna=False)
               .agg(schools=("name", "; ".join), count=("name", "size")).reset_index())
    grouped["trust_type"] = grouped["trust_type"].fillna("group type not in the loaded files")
    return grouped.sort_values(["count", "trust"], ascending=[False, True]).reset_index(drop=True)


def _summary(current: pd.DataFrame, la_name: str) -> str:
    if current.empty:
        return f"No open state-funded schools of {la_name} are in the loaded files."
    counts = current["status"].value_counts()
    academies = int(current["status"].isin(ACADEMY_STATUSES).sum())
    parts = [f"{int(counts[s])} {s.lower()}" for s in STATUSES if s in counts and s in ACADEMY_STATUSES]
    sentence = (f"{academies} of {len(current)} open state-funded schools in {la_name} are academies or free "
                f"schools" + (f" ({', '.join(parts)})" if parts else "") + f"; {int(counts.get(MAINTAINED, 0))} "
                "are maintained by the LA")
    if NOT_STATED in counts:
        sentence += (f"; for {int(counts[NOT_STATED])} the loaded files do not say which (a census type such as "
                     "'State-funded primary' covers both)")
    return sentence + "."


def _last_year(today: date | None) -> int:
    """The last school year ended (31 August) by `today` (default: today)."""
    today = today or date.today()
    return today.year if today >= _end_of(today.year) else today.year - 1


def _unregistered_predecessors(links: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """The schools an academy of the LA replaced that no loaded register lists (only GIAS links name them): each
    counts as maintained until its link date, as a registered predecessor does."""
    academies = set(schools.loc[schools["status"].isin(ACADEMY_STATUSES), "urn"])
    missing = links[links["successor_urn"].isin(academies) & ~links["predecessor_urn"].isin(set(schools["urn"]))]
    missing = missing.drop_duplicates("predecessor_urn")
    return pd.DataFrame({"urn": missing["predecessor_urn"], "name": missing["predecessor"], "status": MAINTAINED,
                         "is_open": False, "started": pd.NaT, "replaced_on": pd.to_datetime(missing["link_date"]),
                         "source_id": missing["source_id"]})


def academisation_view(con: duckdb.DuckDBPyConnection, la_code: str, today: date | None = None) -> AcademisationView:
    la_name = area_name(con, la_code)
    every = register(con, la_code)
    state_funded = every[every["comparison_group"].map(school_types.is_state_funded)].copy()
    state_funded["status"] = _statuses(state_funded)
    links = conversion_links(con, la_code)
    # an academy counts from the day GIAS links say it replaced its predecessor, else its register date
    replaced_on = links.drop_duplicates("successor_urn").set_index("successor_urn")["link_date"]
    state_funded["started"] = [replaced_on.get(u, c) for u, c in zip(state_funded["urn"], state_funded["conversion_date"])]
    current = state_funded[state_funded["is_open"].astype(bool)]
    over_time = status_over_time(pd.concat([state_funded, _unregistered_predecessors(links, state_funded)],
                                           ignore_index=True), _last_year(today))
    undated = current[current["started"].isna()]
    undated_academies = sorted(undated.loc[undated["status"].isin(ACADEMY_STATUSES), "name"])
    note = (f"{len(undated)} open schools have no opening or conversion date in the loaded files (maintained "
            "schools' opening dates are not loaded" + (f"; the academies among them: {', '.join(undated_academies)}"
                                                       if undated_academies else "")
            + "), so each counts in every year shown; academies count from their conversion date and replaced "
            "schools until their GIAS link date." if len(undated) else
            "Academies count from their conversion date and replaced schools until their GIAS link date.")
    pupils = pupils_by_status(con, la_code)
    ids = {int(i) for column in (state_funded["source_id"], links["source_id"], pupils["source_id"])
           for i in column.dropna()}
    return AcademisationView(
        la_name=la_name,
        schools=current[["name", "urn", "phase", "status", "school_type", "trust", "trust_type", "conversion_date",
                         "source_id"]].sort_values(["status", "name"]).reset_index(drop=True),
        summary=_summary(current, la_name), over_time=over_time,
        over_time_note=note + " Each school's status is the loaded register's (its file and date are in the sources "
                              "below): a year after the register's date assumes no school has changed since.",
        trusts=_trusts(current),
        conversions=_conversions(current, links), pupils=pupils,
        not_state_funded=int((~every["comparison_group"].map(school_types.is_state_funded)
                              & every["is_open"].astype(bool)).sum()),
        source_ids=tuple(sorted(ids)),
    )
