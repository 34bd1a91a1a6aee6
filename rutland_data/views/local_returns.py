"""What officers see of the council's own returns: what is loaded and its status in words, the superseded
figures beside the official ones, the LA-held results in the Schools masking view, and the tables that may
leave the officer tier (board pack, CSV for sharing) after disclosure control.

Every function here reads officer-only data, so every one is `@access.officer_only` (run through
`common.officer_query`). Comparison rules are the Schools page's: only state-funded mainstream schools are
judged against the national figure (England, from the loaded LA-level or school files); special, independent
and other schools are listed apart.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rutland_data import access, settings
from rutland_data.analysis import disclosure, intervals
from rutland_data.queries import local_returns as local_queries
from rutland_data.queries.schools import comparators
from rutland_data.reference import measures as measure_dictionary
from rutland_data.reference import school_types
from rutland_data.reference.codes import ENGLAND_CODE, KEY_STAGES
from rutland_data.views.schools import headline_sentence

UNVALIDATED_MARK = "Unvalidated — not for publication"
STATUS_WORDS = {
    local_queries.UNVALIDATED: "Unvalidated: the council's own return, not for publication",
    local_queries.SUPERSEDED: "Superseded: the official figure is loaded (kept for audit)",
}


def _shown(measure_id: str, value, code) -> str:
    return measure_dictionary.by_id()[measure_id].format(None if pd.isna(value) else float(value),
                                                         code if isinstance(code, str) else None)


def _measure_name(measure_id: str) -> str:
    return measure_dictionary.by_id()[measure_id].short_label


@access.officer_only
def loaded(con: duckdb.DuckDBPyConnection, local_path: str, local_identity, la_code: str) -> pd.DataFrame:
    """Every figure in force, its status in words and, once superseded, the official figure beside it."""
    frame = local_queries.figures(con, local_path, local_identity, la_code)
    return pd.DataFrame({
        "school": frame["school"], "urn": frame["urn"], "measure": frame["measure_id"].map(_measure_name),
        "year": frame["year_label"], "cohort": frame["cohort_n"], "met": frame["met_n"],
        "figure": [_shown(m, v, c) for m, v, c in zip(frame["measure_id"], frame["value"], frame["value_code"])],
        "status": frame["status"].map(STATUS_WORDS),
        "official": [_shown(m, v, c) if s == local_queries.SUPERSEDED else ""
                     for m, v, c, s in zip(frame["measure_id"], frame["official_value"], frame["official_code"],
                                           frame["status"])],
        "uploaded": [f"{f} ({b}, {pd.Timestamp(t):%d %b %Y %H:%M} UTC)"
                     for f, b, t in zip(frame["file_name"], frame["uploaded_by"], frame["uploaded_at"])],
    })


@access.officer_only
def superseded(con: duckdb.DuckDBPyConnection, local_path: str, local_identity, la_code: str) -> pd.DataFrame:
    """The figures an official one has replaced: both, the difference (local minus official) and the official file."""
    frame = local_queries.figures(con, local_path, local_identity, la_code)
    frame = frame[frame["status"] == local_queries.SUPERSEDED]
    return pd.DataFrame({
        "school": frame["school"], "measure": frame["measure_id"].map(_measure_name), "year": frame["year_label"],
        "local": [_shown(m, v, c) for m, v, c in zip(frame["measure_id"], frame["value"], frame["value_code"])],
        "official": [_shown(m, v, c) for m, v, c in zip(frame["measure_id"], frame["official_value"],
                                                         frame["official_code"])],
        "difference": [_difference(m, d) for m, d in zip(frame["measure_id"], frame["difference"])],
        "official_version": frame["official_version"], "official_file": frame["official_file"],
        "local_file": frame["file_name"],
    }).reset_index(drop=True)


def _difference(measure_id: str, difference) -> str:
    """'+2.3 points' / 'no difference' / '' (one of them is a code), in the measure's decimals."""
    if pd.isna(difference):
        return ""
    measure = measure_dictionary.by_id()[measure_id]
    text = measure.format(abs(float(difference))).rstrip("%")
    if float(text.replace(",", "")) == 0:
        return "no difference"
    unit = " percentage points" if measure.unit == "%" else ""
    return f"{'+' if difference > 0 else '-'}{text}{unit}"


@access.officer_only
def uploads(con: duckdb.DuckDBPyConnection, local_path: str, local_identity, la_code: str) -> pd.DataFrame:
    """The accepted uploads, newest first."""
    found = local_queries.uploads(con, local_path, local_identity, la_code)
    return found[["file_name", "sha256", "uploaded_by", "uploaded_at", "rows_loaded"]]


@dataclass(frozen=True)
class LocalChoices:
    """The LA-held measures with uploaded figures, and the years of each (labels, oldest first)."""

    measures: dict[str, str]          # measure_id -> short label
    years: dict[str, list[str]]


@access.officer_only
def choices(con: duckdb.DuckDBPyConnection, local_path: str, local_identity, la_code: str) -> LocalChoices:
    frame = local_queries.figures(con, local_path, local_identity, la_code)
    order = [m.measure_id for m in measure_dictionary.where("local_returns")]
    present = [m for m in order if m in set(frame["measure_id"])]
    return LocalChoices({m: _measure_name(m) for m in present},
                        {m: sorted(set(frame.loc[frame["measure_id"] == m, "year_label"])) for m in present})


@dataclass(frozen=True)
class LocalSchoolsView:
    """The Schools page's masking view of one LA-held measure and year, from the uploads."""

    headline: str
    frame: pd.DataFrame        # state-funded mainstream schools, compared with national
    others: pd.DataFrame       # special, independent and other schools, apart
    decimals: int
    note: str


@access.officer_only
def schools_view(con: duckdb.DuckDBPyConnection, local_path: str, local_identity, la_code: str, la_name: str,
                 measure_id: str, year_label: str) -> LocalSchoolsView:
    measure = measure_dictionary.by_id()[measure_id]
    frame = local_queries.figures(con, local_path, local_identity, la_code)
    frame = frame[(frame["measure_id"] == measure_id) & (frame["year_label"] == year_label)].copy()
    end_year = int(frame["end_year"].iloc[0]) if len(frame) else None
    found = comparators(con, (ENGLAND_CODE, la_code), measure_id, end_year) if end_year else {}
    national = found.get(ENGLAND_CODE, (None,))[0]
    la_value = found.get(la_code, (None,))[0]
    compared = frame[frame["comparison_group"] == school_types.COMPARED]
    la_note = "the LA figure is the published one"
    if la_value is None and measure.unit == "%" and compared["met_n"].notna().any():
        counted = compared[compared["met_n"].notna()]
        la_value = 100 * counted["met_n"].sum() / counted["cohort_n"].sum()
        la_note = "the LA figure is computed from these returns (state-funded mainstream schools)"
    frame["compared"] = frame["comparison_group"] == school_types.COMPARED
    frame["national"], frame["la_value"] = national, la_value
    frame["reference"], frame["pupil_group"] = float("nan") if national is None else national, "all"
    bounds = [None if measure.unit != "%" or pd.isna(n) else intervals.wilson_interval(met, int(n), is_count=True)
              if pd.notna(met) else None if pd.isna(value) else intervals.wilson_interval(float(value), int(n))
              for met, n, value in zip(frame["met_n"], frame["cohort_n"], frame["value"])]
    frame["ci_low"] = [b[0] if b else None for b in bounds]
    frame["ci_high"] = [b[1] if b else None for b in bounds]
    frame["significance"] = [
        (intervals.significance_label(v, lo, hi, national) or intervals.NOT_TESTED) if c else intervals.NOT_COMPARED
        for v, lo, hi, c in zip(frame["value"], frame["ci_low"], frame["ci_high"], frame["compared"])]
    frame["below_national"] = frame["compared"] & frame["value"].notna() & (national is not None) \
        & (frame["value"] < (national or 0))
    frame["status_words"] = frame["status"].map(STATUS_WORDS)
    frame["group"] = [school_types.heading(g) for g in frame["comparison_group"]]
    if frame.empty:
        headline = "No uploaded figures for this measure and year."
    else:
        prefix = (f"{UNVALIDATED_MARK}. " if (frame["status"] == local_queries.UNVALIDATED).any() else
                  "Superseded: the official figures are loaded (Schools table above); these are the council's "
                  "earlier returns, kept for audit. ")
        # Every LA-held measure is assessed in primary years (local_returns.YEAR_GROUPS): 'primary schools'.
        headline = prefix + headline_sentence(frame, measure, la_name, KEY_STAGES["KS2"][0], year_label)
    columns = ["school", "group", "cohort_n", "value", "value_code", "ci_low", "ci_high", "significance", "status_words"]
    table = frame.sort_values(["value", "school"], ascending=[False, True], na_position="last")
    note = (f"From the council's own returns (uploads), not from published files: {la_note}; the national figure is "
            "England's from the loaded files. Intervals are Wilson 95% intervals on the uploaded counts; a score "
            "has none (no pupil-level SD is held), so it is not tested.")
    return LocalSchoolsView(headline, table[table["compared"]][columns].reset_index(drop=True),
                            table[~table["compared"]][columns].reset_index(drop=True), measure.decimals, note)


def _pupils_shown(cohort) -> str:
    """A cohort on a line of its own (no sums to protect): hidden when 1 to the threshold, as any count is."""
    if pd.isna(cohort):
        return disclosure.NOT_AVAILABLE
    return disclosure.SUPPRESSED if 1 <= cohort <= settings.load().suppress_counts_up_to else f"{int(cohort)}"


@access.officer_only
def shareable_table(con: duckdb.DuckDBPyConnection, local_path: str, local_identity, la_code: str, measure_id: str,
                    year_label: str) -> pd.DataFrame:
    """One measure and year of the unvalidated returns as they may leave the officer tier (superseded ones are
    published): counts of 1 to the threshold and any count they could be worked out from hidden ('DNS',
    analysis/disclosure.py), a percentage or average shown only where its counts are. Rows: schools with
    counts, schools whose return is a code, then 'Total' (of the schools with counts)."""
    measure = measure_dictionary.by_id()[measure_id]
    frame = local_queries.figures(con, local_path, local_identity, la_code)
    frame = frame[(frame["measure_id"] == measure_id) & (frame["year_label"] == year_label)
                  & (frame["status"] == local_queries.UNVALIDATED)].sort_values(["school", "urn"])
    if measure.unit != "%":
        return pd.DataFrame({
            "School": frame["school"].to_numpy(), "Pupils": [_pupils_shown(n) for n in frame["cohort_n"]],
            measure.short_label: [disclosure.SUPPRESSED if _pupils_shown(n) == disclosure.SUPPRESSED
                                  else _shown(measure_id, v, c)
                                  for n, v, c in zip(frame["cohort_n"], frame["value"], frame["value_code"])]})
    columns = ["School", "Pupils", "Met", "Not met", measure.short_label]
    met = frame["met_n"].where(frame["met_n"].notna(), (frame["value"] * frame["cohort_n"] / 100).round())
    counted, coded = frame[met.notna()], frame[met.isna()]
    lines = pd.DataFrame({"School": coded["school"].to_numpy(), "Pupils": [_pupils_shown(n) for n in coded["cohort_n"]],
                          "Met": coded["value_code"].to_numpy(), "Not met": coded["value_code"].to_numpy(),
                          measure.short_label: coded["value_code"].to_numpy()}, columns=columns)
    if counted.empty:
        return lines
    counts = pd.DataFrame({"Met": met[met.notna()].to_numpy(),
                           "Not met": (counted["cohort_n"] - met[met.notna()]).to_numpy()},
                          index=counted["school"].to_numpy())
    hidden = disclosure.suppress_table(counts)
    shown = hidden.display().rename(columns={disclosure.TOTAL: "Pupils"})
    values = hidden.values.rename(columns={disclosure.TOTAL: "Pupils"})
    shown[measure.short_label] = [
        measure.format(100 * m / n) if pd.notna(m) and pd.notna(n) and n > 0 else disclosure.SUPPRESSED
        for m, n in zip(values["Met"], values["Pupils"])]
    shown = shown.reset_index(names="School")[columns]
    return pd.concat([shown.iloc[:-1], lines, shown.iloc[-1:]], ignore_index=True)
