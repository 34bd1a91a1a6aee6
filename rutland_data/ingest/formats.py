"""Every format the build can read: each importer module's `IMPORTERS`, listed once.

A new format is a module in `importers/` and a line here.
"""
from __future__ import annotations

from rutland_data.ingest.importers import (Importer, csp_destinations, csp_school, ees_absence, ees_admissions, ees_eyfsp,
                                           ees_ks4_characteristics, ees_ks4_destinations, ees_ks4_schools, ees_sen2,
                                           gias, iod, lait, neet_participation, ofsted, ons_geo, ons_postcodes,
                                           school_places_scorecard, stat_neighbours)

_MODULES = (csp_destinations, csp_school, ees_absence, ees_admissions, ees_eyfsp, ees_ks4_characteristics,
            ees_ks4_destinations, ees_ks4_schools, ees_sen2, gias, iod, lait, neet_participation, ofsted, ons_geo,
            ons_postcodes, school_places_scorecard, stat_neighbours)


def all_importers() -> list[Importer]:
    """Every importer, by module name (the build orders them by priority)."""
    return [importer for module in _MODULES for importer in module.IMPORTERS]
