"""Rules of the register and the academisation view that must hold for every input (hypothesis)."""
from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from rutland_data.ingest.importers.csp_school import normal_postcode
from rutland_data.views import academisation

OUTWARD = st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]?", fullmatch=True)
INWARD = st.from_regex(r"[0-9][A-Z]{2}", fullmatch=True)


@given(OUTWARD, INWARD, st.sampled_from(["", " "]), st.booleans())
def test_a_postcode_reads_the_same_however_it_is_spaced_or_cased(outward, inward, space, lower):
    written = f"{outward}{space}{inward}"
    written = written.lower() if lower else written
    assert normal_postcode(written) == f"{outward} {inward}"
    assert normal_postcode(normal_postcode(written)) == normal_postcode(written)


DATES = st.one_of(st.none(), st.dates(min_value=date(2009, 1, 1), max_value=date(2026, 12, 31)))
SCHOOL = st.fixed_dictionaries({"status": st.sampled_from(academisation.STATUSES), "started": DATES,
                                "replaced_on": DATES, "is_open": st.booleans()})


@settings(max_examples=60, deadline=None)
@given(st.lists(SCHOOL, max_size=12))
def test_each_year_counts_exactly_the_schools_open_at_its_end(schools):
    frame = pd.DataFrame(schools, columns=["status", "started", "replaced_on", "is_open"])
    frame["urn"] = [str(i) for i in range(len(frame))]
    counted = academisation.status_over_time(frame, 2026)
    for end_year in range(academisation.FIRST_YEAR, 2027):
        day = date(end_year, 8, 31)
        expected = sum(1 for s in schools
                       if (s["started"] is None or s["started"] <= day)
                       and (s["replaced_on"] is None or s["replaced_on"] > day)
                       and (s["is_open"] or s["replaced_on"] is not None))
        assert counted.loc[counted["end_year"] == end_year, "schools"].sum() == expected
