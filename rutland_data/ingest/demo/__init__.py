"""The demonstration dataset, generated deterministically by project code.

Figures the council has published (`../shared/seed-facts.md`) are reproduced exactly
and attributed to the council's review; everything else is invented, stored under a
source with `is_simulated = true`, and shown as simulated wherever it appears.
Each module here defines generate(con, settings); `ingest/build.py` runs them in order
(LA-level results, schools, geography, post-16).
"""
