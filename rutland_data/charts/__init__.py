"""Layer 7, charts: Altair and pydeck builders with their alt text, the table formatting every table goes
through, and the figure registry (figures.py) that pages, presentation mode and the board pack share."""
