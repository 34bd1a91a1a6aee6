"""The improvement plan's vocabulary, written once: levels, milestone statuses, what an indicator counts, how it
is compared and with what. The template (ingest), the RAG rule (analysis) and the records schema's CHECKs
(store/records.sql) use the same words."""
from __future__ import annotations

LEVELS = ("priority", "issue", "action", "milestone")
STATUSES = ("not recorded", "not started", "in progress", "done", "dropped")
CLOSED = ("done", "dropped")                      # a milestone in either is not past due
BASES = ("la", "schools significantly below")     # the LA's figure, or a count of its schools below national
COMPARISONS = ("at or above", "above", "at or below", "below", "fewer than")
COMPARATORS = ("England", "Region", "Statistical neighbours", "last year", "target value")
