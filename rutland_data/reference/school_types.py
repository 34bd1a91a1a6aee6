"""Which comparison group a school belongs to, decided in one place from what the files say.

DfE compares state-funded mainstream schools with the state-funded national figure; special,
independent and alternative-provision schools are reported apart (an independent school's
Attainment 8 of 8 or a special school's is not evidence that an LA's mainstream schools are
below national). Every importer that learns a school's type passes it here, and the result is
stored once on the register (`schools.comparison_group`).

The vocabularies are the files' own:
- performance tables: RECTYPE (1 mainstream, 2 special) and NFTYPE codes (abbreviations.xlsx,
  2018-2019: AC, ACC, CY ... IND, INDSPEC, NMSS, PRU ...); the KS5 files call it NFTYPE/FESITYPE;
- GIAS and the CSP school information file: TypeOfEstablishment words ('Academy converter',
  'Other independent special school', ...);
- the CSP census file: SCHOOLTYPE ('State-funded primary', 'Independent school', ...).
A file that does not settle the group (a KS4 row with RECTYPE 1 but no NFTYPE can be an
independent school) gives None, and a later file fills it in.
"""
from __future__ import annotations

import pandas as pd

from rutland_data.reference.codes import BENCHMARK_PHASE

MAINSTREAM = "state-funded mainstream"
SPECIAL = "state-funded special"
ALTERNATIVE = "alternative provision"
INDEPENDENT = "independent"
INDEPENDENT_SPECIAL = "independent special"
NON_MAINTAINED_SPECIAL = "non-maintained special"

# group -> (heading for the group's own section, is the LA responsible for it: state-funded)
GROUPS: dict[str, tuple[str, bool]] = {
    MAINSTREAM: ("State-funded mainstream schools", True),
    SPECIAL: ("State-funded special schools", True),
    ALTERNATIVE: ("Alternative provision and hospital schools", True),
    NON_MAINTAINED_SPECIAL: ("Non-maintained special schools", False),
    INDEPENDENT_SPECIAL: ("Independent special schools", False),
    INDEPENDENT: ("Independent schools", False),
}
NOT_KNOWN = "type not known"
NOT_KNOWN_HEADING = "Schools whose type no loaded file gives"
COMPARED = MAINSTREAM                      # the group every school-level judgement compares with national
STATE_FUNDED = tuple(g for g, (_, state) in GROUPS.items() if state)
SPECIAL_GROUPS = frozenset({SPECIAL, NON_MAINTAINED_SPECIAL, INDEPENDENT_SPECIAL})


def benchmark_phase(phase: str | None, group: str | None) -> str:
    """The phase of the national and LA rows a school's census and absence figures are set beside: 'special' for
    a special school (the register gives many 'Not applicable' or 'Secondary'), else its phase's (`BENCHMARK_PHASE`),
    else 'all' (the all-schools figure, as the page then says: England)."""
    if group in SPECIAL_GROUPS:
        return "special"
    return BENCHMARK_PHASE.get(phase or "", "all")

_NFTYPE = {
    **dict.fromkeys(["AC", "ACC", "CY", "VA", "VC", "FD", "CTC", "F", "UTC", "SS", "FSS", "FUTC", "FESI", "F1619",
                     "AC1619", "ACC1619"], MAINSTREAM),
    **dict.fromkeys(["CYS", "FDS", "ACS", "ACCS", "FS"], SPECIAL),
    **dict.fromkeys(["PRU", "AP", "ACAP", "ACCAP", "FAP", "CHS", "FHS"], ALTERNATIVE),
    "NMSS": NON_MAINTAINED_SPECIAL,
    **dict.fromkeys(["INDSPEC", "INDSPS"], INDEPENDENT_SPECIAL),
    "IND": INDEPENDENT,
    # KS5 files write further-education colleges out in words in the same column
    **dict.fromkeys(["General Further Education College", "Sixth Form College", "Specialist Designated College",
                     "Agriculture and Horticulture College", "Art, Design and Performing Arts College",
                     "Tertiary College"], MAINSTREAM),
}

_ESTABLISHMENT_TYPE = {  # GIAS TypeOfEstablishment (name), lower case
    **dict.fromkeys(["community school", "voluntary aided school", "voluntary controlled school", "foundation school",
                     "academy converter", "academy sponsor led", "free schools", "university technical college",
                     "studio schools", "city technology college", "free schools 16 to 19", "academy 16-19 converter",
                     "academy 16 to 19 sponsor led", "local authority nursery school", "further education",
                     "general further education college", "sixth form college", "sixth form centres",
                     "sixth form centre/consortia"], MAINSTREAM),
    **dict.fromkeys(["community special school", "foundation special school", "academy special converter",
                     "academy special sponsor led", "free schools special"], SPECIAL),
    **dict.fromkeys(["pupil referral unit", "academy alternative provision converter",
                     "academy alternative provision sponsor led", "free schools alternative provision"], ALTERNATIVE),
    "non-maintained special school": NON_MAINTAINED_SPECIAL,
    **dict.fromkeys(["other independent special school", "independent school approved for sen pupils"],
                    INDEPENDENT_SPECIAL),
    "other independent school": INDEPENDENT,
}

_CENSUS_TYPE = {  # CSP census SCHOOLTYPE, lower case; 'Independent school' there includes independent special schools
    "state-funded primary": MAINSTREAM, "state-funded secondary": MAINSTREAM, "state-funded nursery": MAINSTREAM,
    "state-funded special school": SPECIAL, "non-maintained special school": NON_MAINTAINED_SPECIAL,
    "pupil referral unit": ALTERNATIVE, "independent school": INDEPENDENT,
}


def from_performance_tables(rectype: pd.Series, nftype: pd.Series | None, *, state_funded_only: bool) -> pd.Series:
    """Group from a key-stage file's RECTYPE and NFTYPE; None where they do not settle it.

    state_funded_only: the file covers state-funded schools only (KS2: ks2_meta.csv 2018-2019 lists
    only state-funded NFTYPEs under RECTYPE 1 and 2), so RECTYPE alone decides when NFTYPE is absent."""
    by_code = (nftype.fillna("").astype(str).str.strip().map(_NFTYPE) if nftype is not None
               else pd.Series(None, index=rectype.index, dtype=object))
    if state_funded_only:
        by_rectype = rectype.astype(str).str.strip().map({"1": MAINSTREAM, "2": SPECIAL})
        by_code = by_code.where(by_code.notna(), by_rectype)
    return by_code.astype(object).where(by_code.notna(), None)


def from_establishment_type(type_names: pd.Series) -> pd.Series:
    """Group from GIAS TypeOfEstablishment words (GIAS files, the CSP school information file)."""
    found = type_names.fillna("").astype(str).str.strip().str.lower().map(_ESTABLISHMENT_TYPE)
    return found.astype(object).where(found.notna(), None)


def from_census_type(school_types: pd.Series) -> pd.Series:
    """Group from the CSP census file's SCHOOLTYPE."""
    found = school_types.fillna("").astype(str).str.strip().str.lower().map(_CENSUS_TYPE)
    return found.astype(object).where(found.notna(), None)


def heading(group: str | None) -> str:
    return GROUPS[group][0] if group in GROUPS else NOT_KNOWN_HEADING


def label(group: str | None) -> str:
    return group if group in GROUPS else NOT_KNOWN


def is_state_funded(group: str | None) -> bool:
    return group in STATE_FUNDED
