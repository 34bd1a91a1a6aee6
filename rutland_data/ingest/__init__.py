"""Layer 3, ingest: reading official files (importers/, validated by intake.py), the demonstration dataset
(demo/), the build, and the refresh from the EES API. Stores what was published, nothing computed from it."""
