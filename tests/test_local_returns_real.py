"""Local returns checked against the register of a real build of ../shared/data (skipped without it, run in CI).

The schools are chosen from the loaded register when the test runs (no URN is written here): a Rutland
school GIAS links say was replaced, an open primary by its LAESTAB, a secondary, and a primary's census roll."""
from __future__ import annotations

from datetime import date

import pandas as pd

from rutland_data.ingest import local_returns
from rutland_data.store import db
from tests.test_local_returns import HEADER, _frame


def _one(con, sql: str) -> tuple:
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    return row


def test_real_register_rules(real_db):
    con = db.connect_read_only(real_db)
    try:
        old_urn, successor, replaced = _one(con, "SELECT urn, successor_urn, replaced_on FROM schools WHERE la_code = '857' "
                                                 "AND successor_urn IS NOT NULL AND replaced_on < DATE '2020-09-01' "
                                                 "ORDER BY urn LIMIT 1")
        primary, laestab, roll, roll_year = _one(con, """
            SELECT s.urn, s.la_code || s.estab, r.value, r.end_year FROM schools s JOIN school_results r USING (urn)
            WHERE s.la_code = '857' AND s.phase = 'Primary' AND s.is_open AND s.successor_urn IS NULL
              AND s.conversion_date < DATE '2020-09-01' AND r.measure_id = 'school_nor' AND r.end_year = 2021
              AND r.pupil_group = 'all' AND r.value IS NOT NULL ORDER BY s.urn LIMIT 1""")
        secondary, secondary_name = _one(con, "SELECT urn, name FROM schools WHERE la_code = '857' AND phase = 'Secondary' "
                                              "AND is_open ORDER BY urn LIMIT 1")
        rows = [f"{old_urn},,phonics_y1,2021/22,20,15,,,",
                f",{laestab},phonics_y1,2020/21,20,15,,,",             # COVID-19 gap: refused by year, not school
                f",{laestab},eyfs_gld,2021/22,20,15,,,",
                f"{primary},,mtc_full_marks,2021/22,{int(roll) + 1},10,,,",
                f"{secondary},,phonics_y1,2021/22,20,15,,,"]
        problems, _ = local_returns.check(_frame(HEADER, rows), con, "857", today=date(2026, 12, 2))
    finally:
        con.close()
    found = {(p.row, p.column): p.rule for p in problems.itertuples()}
    assert found[(2, "urn")] == (f"the school was replaced by URN {successor} on {pd.Timestamp(replaced):%d %B %Y}, "
                                 "before 2021/22 began")
    assert found[(3, "academic_year")].startswith("Phonics Y1 was not assessed that year")
    assert (4, "laestab") not in found and (4, "urn") not in found   # the LAESTAB found the open primary
    assert found[(5, "cohort")] == f"above the school's roll of {roll:g} pupils (school_nor, 2020/21)"
    assert found[(6, "measure_id")] == (f"{secondary_name} is a secondary school: its age range does not cover "
                                        "Year 1, where Phonics Y1 is assessed")
    assert len(found) == 4
