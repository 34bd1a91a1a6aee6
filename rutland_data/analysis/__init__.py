"""Layer 4, analysis: pure statistics (ranks and change wording, intervals and significance, funnel limits,
pooling and disclosure control, the SQA rules). No database, no UI."""
