"""Layer 1, reference data: the indicator dictionary, published markers, the version rule, codes and labels,
school comparison groups and the council review's quoted figures. Plain data and pure functions; imports
only the base modules (settings)."""
