"""Intake fuzz on the real files: mutated copies of small extracts of every format in ../shared/data,
each built into a folder of its own (see bench/fuzz.py for the mutations and how an outcome is
judged). CI builds a seeded spread of SAMPLE cases, every importer and every mutation kind among them;
`python -m bench fuzz` builds all of them."""
from __future__ import annotations

import re

import pytest

from bench import fuzz
from rutland_data.ingest.formats import all_importers
from tests.conftest import require_shared

SAMPLE = 300


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    cleans, every_case = fuzz.cases(require_shared())
    chosen = fuzz.sample(every_case, SAMPLE)
    return cleans, every_case, fuzz.run(cleans, chosen, tmp_path_factory.mktemp("fuzz"))


def _family(importer_name: str) -> str:
    """Ward boundaries are one importer per ONS vintage (WD11 ... WD26), read by the same code."""
    return re.sub(r"\(WD\d\d, ", "(WDyy, ", importer_name)


def test_every_importer_has_a_clean_base_and_the_sample_covers_every_mutation_kind(fuzzed):
    cleans, every_case, outcomes = fuzzed
    assert {_family(i.name) for i in all_importers()} == {_family(c.importer.name) for c in cleans}
    assert {o.case.kind for o in outcomes} == {c.kind for c in every_case}
    assert {o.case.base for o in outcomes} == {c.name for c in cleans}
    assert len(outcomes) >= SAMPLE


def test_nothing_crashes(fuzzed):
    crashes = [f"{o.case.base} / {o.case.kind}: {o.message}" for o in fuzzed[2] if o.result == "crash"]
    assert not crashes


def test_no_corrupt_file_is_loaded(fuzzed):
    accepted = [f"{o.case.base} / {o.case.kind} ({o.case.detail})" for o in fuzzed[2]
                if o.result == "accepted" or (o.result == fuzz.IDENTICAL and o.case.expect == fuzz.REFUSED)]
    assert not accepted


def test_refusals_name_the_file_row_and_column_and_leave_the_database_alone(fuzzed):
    refused = [o for o in fuzzed[2] if o.result == fuzz.REFUSED]
    assert refused
    unlocated = [f"{o.case.base} / {o.case.kind}: {o.problem}: {o.message}" for o in refused if o.problem]
    assert not unlocated


def test_harmless_changes_load_identically(fuzzed):
    harmless = [o for o in fuzzed[2] if o.case.expect == fuzz.IDENTICAL]
    assert harmless
    assert [f"{o.case.base} / {o.case.kind}: {o.message}" for o in harmless if o.result != fuzz.IDENTICAL] == []
