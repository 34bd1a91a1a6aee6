"""Layer 6, views: the data one page or one slide needs, in one call (frames and dataclasses of data, never
chart specs)."""
