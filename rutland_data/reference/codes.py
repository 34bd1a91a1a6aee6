"""Codes and labels the whole dashboard shares, each written once: area codes and region names, the
comparator choices, how a year is written, key stages, school phases, pupil groups, and the English
Indices of Deprivation's editions and indicators.

Plain data and pure functions: importers use them to store what files say, queries and pages to
show it, so a label on screen and the value in the database can never be written two ways.
"""
from __future__ import annotations

from rutland_data import settings

# ---- areas ----------------------------------------------------------------------------------------------------
ENGLAND_CODE = "E92000001"
EAST_MIDLANDS_CODE = "E12000004"

# DfE LAIT numbers its regions 980-990 and England 970; official ONS codes are used here.
LAIT_REGION_CODES = {
    970: ENGLAND_CODE,
    980: "E12000001",  # North East
    981: "E12000002",  # North West
    982: "E12000003",  # Yorkshire and The Humber
    983: "E12000004",  # East Midlands
    984: "E12000005",  # West Midlands
    985: "E12000006",  # East of England
    986: "E12000007",  # London
    987: "E13000001",  # Inner London
    988: "E13000002",  # Outer London
    989: "E12000008",  # South East
    990: "E12000009",  # South West
}
REGION_NAMES = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E13000001": "Inner London",
    "E13000002": "Outer London",
    "E12000008": "South East",
    "E12000009": "South West",
}

# ---- comparators ----------------------------------------------------------------------------------------------
# Comparator choices offered everywhere; the label is also the URL value (?comparator=Neighbours+2025).
COMPARATORS = ["England", "Region", "Neighbours 2025", "Neighbours 2021"]
COMPARATOR_HELP = (
    "England: all state-funded schools nationally. Region: the LA's own region (East Midlands for Rutland). "
    "Neighbours: the mean of the LA's 10 statistical neighbours in DfE's children's services model "
    "of May 2025 or April 2021."
)
NEIGHBOUR_SETS = {"Neighbours 2025": "2025-05", "Neighbours 2021": "2021-04"}
COMPARATOR_ROLE = {"England": "england", "Region": "region", "Neighbours 2025": "neighbours",
                   "Neighbours 2021": "neighbours"}
NEIGHBOUR_MEAN = "Statistical neighbours (mean)"   # how the neighbour series is named in every chart and table


def neighbour_set_for(comparator: str) -> str:
    """The neighbour model a comparator choice implies: the one it names, else the configured default
    (`DASHBOARD_NEIGHBOUR_SET`, 2025-05 unless set), whose mean is drawn beside England and the region."""
    return NEIGHBOUR_SETS.get(comparator, settings.load().default_neighbour_set)


# ---- years ----------------------------------------------------------------------------------------------------
YEAR_TYPES = {"academic": "Academic year", "calendar": "Calendar year", "financial": "Financial year"}


def label_year(end_year: int, year_type: str = "academic") -> str:
    """The one way a year is written: academic 2017 -> '2016/17' (as DfE names academic years),
    calendar 2017 -> '2017', financial 2017 -> '2016-17' (April 2016 to March 2017)."""
    end_year = int(end_year)
    if year_type == "calendar":
        return str(end_year)
    separator = "-" if year_type == "financial" else "/"
    return f"{end_year - 1}{separator}{end_year % 100:02d}"


def academic_year(end_year: int) -> str:
    """2017 -> '2016/17'."""
    return label_year(end_year, "academic")


def end_year_of(label: str | None) -> int | None:
    """'2016/17' -> 2017 (inverse of academic_year); None for no label."""
    if not label:
        return None
    start, _, _ = label.partition("/")
    return int(start) + 1


# ---- schools --------------------------------------------------------------------------------------------------
# The dictionary's phase of a school measure -> (the Schools page's heading for it, the schools it covers).
KEY_STAGES = {"KS2": ("Primary (KS2)", "primary schools"), "KS4": ("Secondary (KS4)", "secondary schools"),
              "KS5": ("16-18 (KS5)", "16-18 providers")}
# A school's phase on the register -> the phase its benchmarks (census, absence: ESTAB PRI/SEC/SPE) are published
# for, as DfE's statistics by phase count them: middle schools by what they are deemed, all-through as secondary.
# Special schools are compared with special schools whatever phase the register gives them
# (`school_types.benchmark_phase`); a phase not listed (nursery, 16 plus, none) has no phase of its own.
BENCHMARK_PHASE = {"Primary": "primary", "Middle deemed primary": "primary", "Secondary": "secondary",
                   "Middle deemed secondary": "secondary", "All-through": "secondary", "Special": "special"}
PUPIL_GROUP_LABELS = {
    "all": "All pupils", "disadvantaged": "Disadvantaged", "not_disadvantaged": "Not disadvantaged",
    "boys": "Boys", "girls": "Girls", "low_prior": "Low prior attainment", "middle_prior": "Middle prior attainment",
    "high_prior": "High prior attainment", "eal": "English as an additional language", "non_mobile": "Non-mobile",
    "fsm": "Eligible for free school meals", "not_fsm": "Not eligible for free school meals",
    "sen_support": "SEN support", "ehcp": "EHC plan or statement", "sen_any": "Any SEN", "no_sen": "No identified SEN",
    "not_eal": "First language English", "cla": "Children looked after", "cin": "Children in need",
}
# How a sentence names each group ('the gap between FSM pupils and all pupils').
PUPIL_GROUP_NOUNS = {
    "all": "all pupils", "disadvantaged": "disadvantaged pupils", "not_disadvantaged": "non-disadvantaged pupils",
    "boys": "boys", "girls": "girls", "eal": "pupils with English as an additional language",
    "not_eal": "pupils whose first language is English", "fsm": "FSM pupils", "not_fsm": "non-FSM pupils",
    "sen_support": "pupils with SEN support", "ehcp": "pupils with an EHC plan", "sen_any": "pupils with any SEN",
    "no_sen": "pupils with no identified SEN", "cla": "children looked after", "cin": "children in need",
}
# LA-level pupil groups the Groups page shows apart, as vulnerable groups: their figures are few pupils and
# often suppressed (children looked after and in need have no 'other pupils' figure: all pupils stand in).
VULNERABLE_GROUPS = ("sen_support", "ehcp", "cla", "cin")

# ---- English Indices of Deprivation ---------------------------------------------------------------------------
LSOAS_IN_ENGLAND = {"2011": 32844, "2021": 33755}
EDITION_LSOA_VINTAGE = {2015: "2011", 2019: "2011", 2025: "2021"}
# Indicator id -> label shown on the page, in display order.
IOD_INDICATORS = {
    "imd": "Index of Multiple Deprivation (IMD)",
    "income": "Income",
    "employment": "Employment",
    "education": "Education, Skills and Training",
    "health": "Health Deprivation and Disability",
    "crime": "Crime",
    "barriers": "Barriers to Housing and Services",
    "environment": "Living Environment",
    "idaci": "Income Deprivation Affecting Children Index (IDACI)",
    "idaopi": "Income Deprivation Affecting Older People Index (IDAOPI)",
    "children_young_people": "Children and Young People sub-domain",
    "adult_skills": "Adult Skills sub-domain",
    "geographical_barriers": "Geographical Barriers sub-domain",
    "wider_barriers": "Wider Barriers sub-domain",
    "indoors": "Indoors sub-domain",
    "outdoors": "Outdoors sub-domain",
}
