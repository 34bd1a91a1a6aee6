"""Get Information About Schools (GIAS): the school register, trust memberships and URN links.

Three GIAS downloads, each recognised by its header:
- establishment fields (`edubasealldata*.csv` or a GIAS search download): name, LA, phase,
  type, status, open date, trust, ward, easting/northing. GIAS writes extra links as extra
  fields at the end of a row ("ragged" rows), cut to the header's width (`GIAS_LAYOUT`). GIAS
  CSVs are Windows-1252, but newer downloads are UTF-8: UTF-8 is tried first and Windows-1252
  used when the bytes are not UTF-8.
- group links (`group_links.csv`): which trust or federation each school belongs to (the date it joined is
  not its conversion date: a converter may join a trust years later).
- links (`links_edubasealldata*.csv`): predecessor/successor URNs, so a converted school's
  results before conversion can be found.
Only rows for schools are loaded; results come from the performance-table importers.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from rutland_data.reference import school_types
from rutland_data.store.geometry import bng_to_wgs84
from rutland_data.ingest.importers import BadInput, Col, Importer, Layout, SourceFile, reject_duplicates
from rutland_data.ingest.importers.csp_school import merge_schools
from rutland_data.ingest.intake import LA_NUMBER, Code, Date, Number

GIAS_LAYOUT = Layout(encodings=("utf-8-sig", "cp1252"), extra_fields=True)
# GIAS sometimes writes a URN as a float ('123456.0'); the loader drops the '.0'.
GIAS_URN = Code("a URN (5 or 6 digits)", r"\d{5,6}(?:\.0)?")
ESTABLISHMENT_COLUMNS = (
    Col("URN", GIAS_URN, blank=False),
    Col("LA (code)", LA_NUMBER),
    Col("EstablishmentNumber", Code("a 4-digit establishment number", r"\d{4}")),
    Col("OpenDate", Date()),
    Col("CloseDate", Date()),
    # British National Grid metres; GIAS writes 0 where it has no grid reference.
    Col("Easting", Number("an easting in metres", 0, 700_000, whole=True)),
    Col("Northing", Number("a northing in metres", 0, 1_300_000, whole=True)),
)
# Register type words of an academy or free school (lower case), as the academisation page reads them.
ACADEMY_TYPES = "academy|free school|university technical college|studio school"
_TRUST_GROUP_TYPES = {  # GIAS group type -> preference (lower wins when a school is in several groups)
    "Multi-academy trust": 1, "Single-academy trust": 2, "Federation": 3, "Trust": 4, "School sponsor": 5,
}


def _date(source: SourceFile, row: int, column: str, text: str):
    text = text.strip()
    if not text:
        return None
    for layout in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise BadInput(source.display_name, f"'{text}' is not a date", row=row, column=column)


def parse_dates(source: SourceFile, rows: pd.Series, column: str, texts) -> list:
    """`_date` down a column, each distinct text parsed once (33,000 links hold a few thousand dates);
    a bad date is still named at its first row."""
    parsed: dict = {}
    dates = []
    for row, text in zip(rows, texts):
        if text not in parsed:
            parsed[text] = _date(source, int(row), column, text)
        dates.append(parsed[text])
    return dates


def parse_urns(source: SourceFile, frame: pd.DataFrame, column: str = "URN") -> pd.Series:
    urns = frame[column].str.strip().str.replace(r"\.0$", "", regex=True)
    bad = frame[~urns.str.fullmatch(r"\d+")]
    if not bad.empty:
        raise BadInput(source.display_name, f"'{bad[column].iloc[0]}' is not a URN", row=int(bad["_row"].iloc[0]),
                       column=column)
    return urns


def _lat_lon(eastings: pd.Series, northings: pd.Series) -> tuple[list, list]:
    """British National Grid to WGS84 latitude/longitude, None where no grid reference."""
    east = pd.to_numeric(eastings, errors="coerce")
    north = pd.to_numeric(northings, errors="coerce")
    known = east.notna() & north.notna() & (east > 0)
    lats, lons = [None] * len(east), [None] * len(east)
    if known.any():
        lon, lat = bng_to_wgs84(east[known].to_numpy(), north[known].to_numpy())
        for position, la, lo in zip(known.to_numpy().nonzero()[0], lat, lon):
            lats[position], lons[position] = round(float(la), 6), round(float(lo), 6)
    return lats, lons


def load_establishments(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame["urn"] = parse_urns(source, frame)
    duplicated = frame[frame.duplicated("urn", keep=False)]
    if not duplicated.empty:
        raise BadInput(source.display_name, f"URN {duplicated['urn'].iloc[0]} appears twice",
                       row=int(duplicated["_row"].iloc[1]), column="URN")

    def column(name: str) -> pd.Series:
        return frame[name].str.strip().replace("", None) if name in frame.columns else pd.Series(None, frame.index)

    # The grid reference by the shared number rule (a thousands separator is allowed in whole numbers).
    easting, northing = (column(c).str.replace(",", "", regex=False) for c in ("Easting", "Northing"))
    # The open date is when a school became an academy where it opened as one: a conversion ('Academy
    # Converter'), or a new academy or free school ('New Provision', 'Fresh Start'); a maintained school's open
    # date says nothing of a later conversion.
    reason = column("ReasonEstablishmentOpened (name)").fillna("")
    academy_type = column("TypeOfEstablishment (name)").fillna("").str.contains(
        "academ|free school|university technical|studio school", case=False)
    opened_as_academy = reason.str.contains("Academy", case=False) | (
        academy_type & reason.str.fullmatch("New Provision|Fresh Start", case=False))
    open_dates = parse_dates(source, frame["_row"], "OpenDate", column("OpenDate").fillna(""))
    lats, lons = _lat_lon(easting, northing)
    register = pd.DataFrame({
        "urn": frame["urn"],
        "name": column("EstablishmentName"),
        "la_code": column("LA (code)"),
        "estab": column("EstablishmentNumber"),
        "phase": column("PhaseOfEducation (name)").replace("Not applicable", None),
        "school_type": column("TypeOfEstablishment (name)"),
        "trust": column("Trusts (name)"),
        "trust_type": column("TrustSchoolFlag (name)").replace("Not applicable", None),
        "conversion_date": [d if academy else None for d, academy in zip(open_dates, opened_as_academy)],
        "ward_code": column("AdministrativeWard (code)"),
        "easting": easting,
        "northing": northing,
        "lat": lats,
        "lon": lons,
        "is_open": column("EstablishmentStatus (name)").fillna("Open").str.startswith("Open"),
        "comparison_group": school_types.from_establishment_type(column("TypeOfEstablishment (name)")),
        "source_id": source_id,
        "postcode": column("Postcode"),
        "religious_character": column("ReligiousCharacter (name)"),
        "admission_policy": column("AdmissionsPolicy (name)"),
        "gender": column("Gender (name)"),
        "age_low": column("StatutoryLowAge"),
        "age_high": column("StatutoryHighAge"),
    })
    if register["name"].isna().any():
        row = int(frame.loc[register["name"].isna().to_numpy(), "_row"].iloc[0])
        raise BadInput(source.display_name, "establishment name is blank", row=row, column="EstablishmentName")
    before = con.execute("SELECT count(*) FROM schools").fetchall()[0][0]
    merge_schools(con, register)
    added = con.execute("SELECT count(*) FROM schools").fetchall()[0][0] - before
    note = None if added == len(register) else f"{len(register) - added} schools were already registered; empty fields filled"
    return added, note


def load_group_links(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame["urn"] = parse_urns(source, frame)
    frame = frame[frame["Group Type"].isin(_TRUST_GROUP_TYPES)]
    if "Group Status" in frame.columns:
        frame = frame[frame["Group Status"].str.strip().str.lower() != "closed"]
    frame = frame.assign(_preference=frame["Group Type"].map(_TRUST_GROUP_TYPES)).sort_values(["urn", "_preference"])
    frame = frame.drop_duplicates("urn")
    parse_dates(source, frame["_row"], "Joined date", frame["Joined date"])  # refused if unreadable; not stored
    register = pd.DataFrame({
        "urn": frame["urn"],
        "name": frame.get("EstablishmentName", frame["urn"]).str.strip(),
        "la_code": frame.get("LA (code)", pd.Series(None, frame.index)),
        "phase": frame.get("PhaseOfEducation (name)", pd.Series(None, frame.index)),
        "school_type": frame.get("TypeOfEstablishment (name)", pd.Series(None, frame.index)),
        "trust": frame["Group Name"].str.strip(),
        "trust_type": frame["Group Type"],
        "comparison_group": school_types.from_establishment_type(
            frame.get("TypeOfEstablishment (name)", pd.Series(None, frame.index))),
        "source_id": source_id,
    })
    before = con.execute("SELECT count(*) FROM schools WHERE trust IS NOT NULL").fetchall()[0][0]
    merge_schools(con, register)
    with_trust = con.execute("SELECT count(*) FROM schools WHERE trust IS NOT NULL").fetchall()[0][0] - before
    return with_trust, "trust or federation memberships (open groups only; a multi-academy trust preferred to a sponsor)"


def load_links(con, source: SourceFile, source_id: int, settings):
    frame = source.frame()
    frame["urn"] = parse_urns(source, frame)
    frame["linked"] = parse_urns(source, frame, "LinkURN")
    frame["link_type"] = frame["LinkType"].str.strip()
    reject_duplicates(source, frame, ["urn", "linked", "link_type"], "URN, linked URN and link type")
    dates = parse_dates(source, frame["_row"], "LinkEstablishedDate",
                   frame.get("LinkEstablishedDate", pd.Series("", frame.index)))
    names = frame["LinkName"].str.strip().replace("", None) if "LinkName" in frame.columns else None
    links = pd.DataFrame({"urn": frame["urn"], "linked_urn": frame["linked"], "link_type": frame["link_type"],
                          "link_date": dates, "linked_name": names, "source_id": source_id})
    before = con.execute("SELECT count(*) FROM school_links").fetchall()[0][0]
    con.register("incoming_links", links)
    try:
        con.execute("INSERT OR IGNORE INTO school_links SELECT urn, linked_urn, link_type, link_date, "
                    "CAST(linked_name AS TEXT), source_id FROM incoming_links").fetchall()
    finally:
        con.unregister("incoming_links")
    added = con.execute("SELECT count(*) FROM school_links").fetchall()[0][0] - before
    return added, None if added == len(links) else f"{len(links) - added} links were already loaded"


def settle_lineage(con) -> None:
    """Once every file has loaded: close the schools GIAS links say were replaced, and point each at the
    school that carries on its results today.

    Only plain 'Successor' links are followed, and only from a URN with exactly one (a school split in
    two has no single successor); a chain (maintained school -> academy -> re-brokered academy) is
    followed to its end. A successor that no loaded file registers (e.g. an academy opened after the
    latest census) is registered from the link itself: its name is GIAS's LinkName, and its LA, phase
    and comparison group are its predecessor's (a conversion keeps them; GIAS links do not say), so
    the school the LA works with today is listed and its predecessor's results follow it."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE next_school AS
        SELECT urn, any_value(linked_urn) AS successor, any_value(link_date) AS link_date,
               any_value(linked_name) AS successor_name, any_value(source_id) AS source_id
        FROM school_links WHERE link_type = 'Successor' GROUP BY urn HAVING count(*) = 1
    """).fetchall()
    while True:  # register unnamed successors, one link further each pass, until none is left
        added = con.execute("""
            INSERT INTO schools (urn, name, la_code, phase, is_open, source_id, comparison_group)
            SELECT DISTINCT ON (n.successor) n.successor, n.successor_name, s.la_code, s.phase, TRUE, n.source_id,
                   s.comparison_group
            FROM next_school n JOIN schools s ON s.urn = n.urn
            WHERE n.successor_name IS NOT NULL AND n.successor NOT IN (SELECT urn FROM schools)
            ORDER BY n.successor, n.link_date DESC NULLS LAST, n.urn
        """).fetchall()[0][0]
        if not added:
            break
    con.execute("""
        UPDATE schools SET is_open = FALSE, replaced_on = lineage.replaced_on,
               successor_urn = CASE WHEN lineage.current_urn IN (SELECT urn FROM schools) THEN lineage.current_urn END
        FROM (
            WITH RECURSIVE chain(urn, current_urn, replaced_on, depth) AS (
                SELECT urn, successor, link_date, 1 FROM next_school
                UNION ALL
                SELECT c.urn, n.successor, c.replaced_on, c.depth + 1
                FROM chain c JOIN next_school n ON n.urn = c.current_urn
                WHERE c.depth < 20 AND n.successor <> c.urn
            )
            SELECT urn, arg_max(current_urn, depth) AS current_urn, any_value(replaced_on) AS replaced_on
            FROM chain GROUP BY urn
        ) lineage
        WHERE schools.urn = lineage.urn
    """).fetchall()
    con.execute("DROP TABLE next_school").fetchall()
    # An academy with no open date on a loaded register opened the day GIAS links it to the school it replaced: its
    # own 'Predecessor' link, else the replaced school's 'Successor' link (which GIAS dates the day that one closed).
    # With several links on a side the earliest is the opening; later ones are mergers (Ark Kings Academy, URN
    # 137578: Kings Norton High School 2012, Ark Rose Primary Academy 2017).
    con.execute("""
        UPDATE schools SET conversion_date = opened.link_date
        FROM (
            SELECT urn, COALESCE(min(link_date) FILTER (WHERE side = 1), min(link_date)) AS link_date FROM (
                SELECT urn, link_date, 1 AS side FROM school_links WHERE link_type = 'Predecessor'
                UNION ALL
                SELECT linked_urn, link_date, 2 FROM school_links WHERE link_type = 'Successor'
            ) WHERE link_date IS NOT NULL GROUP BY urn
        ) opened
        WHERE schools.urn = opened.urn AND schools.conversion_date IS NULL
          AND regexp_matches(lower(COALESCE(schools.school_type, '')), ?)
    """, [ACADEMY_TYPES]).fetchall()


IMPORTERS = [
    Importer(
        name="GIAS establishments",
        signature=frozenset({"URN", "EstablishmentName", "LA (code)", "EstablishmentStatus (name)"}),
        required=("URN", "EstablishmentName", "LA (code)"),
        load=load_establishments,
        priority=20,
        layout=GIAS_LAYOUT,
        columns=ESTABLISHMENT_COLUMNS,
    ),
    Importer(
        name="GIAS group links (trusts and federations)",
        signature=frozenset({"URN", "Group UID", "Group Name", "Group Type"}),
        required=("URN", "Group Name", "Group Type", "Joined date"),
        load=load_group_links,
        priority=21,
        layout=GIAS_LAYOUT,
        columns=(Col("URN", GIAS_URN, blank=False), Col("LA (code)", LA_NUMBER), Col("Joined date", Date())),
    ),
    Importer(
        name="GIAS establishment links",
        signature=frozenset({"URN", "LinkURN", "LinkType"}),
        required=("URN", "LinkURN", "LinkType"),
        load=load_links,
        priority=22,
        layout=GIAS_LAYOUT,
        columns=(Col("URN", GIAS_URN, blank=False), Col("LinkURN", GIAS_URN, blank=False),
                 Col("LinkEstablishedDate", Date())),
    ),
]
