"""Layer 8, exports: the generated performance summary (Markdown, Word) and the board pack (PowerPoint, PDF)."""
