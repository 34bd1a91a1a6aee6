"""The demonstration dataset, generated deterministically by project code.

Figures the council has published (`../shared/seed-facts.md`) are reproduced exactly
and attributed to the council's review; everything else is invented, stored under a
source with `is_simulated = true`, and shown as simulated wherever it appears.
Each module here defines ORDER and generate(con, settings); they run in ORDER.
"""
from __future__ import annotations

import importlib
import pkgutil


def generate(con, settings) -> None:
    modules = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    for module in sorted((m for m in modules if hasattr(m, "generate")), key=lambda m: m.ORDER):
        module.generate(con, settings)
