"""How boundaries and school positions are stored: boundaries drawn from a lighter copy (simplified,
coordinates rounded) and British National Grid positions as WGS84. Used when files are loaded and when a
county outline is dissolved from its wards at query time, so both give the same shapes."""
from __future__ import annotations

from pyproj import Transformer
from shapely.geometry import mapping, shape

DISPLAY_TOLERANCE_DEGREES = 0.0003  # about 20-30 m at Rutland's latitude: invisible at county zoom
DISPLAY_DECIMALS = 5                # about 1 m
_BNG_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def display_geometry(geometry: dict) -> dict:
    """A lighter copy of a GeoJSON geometry for drawing: simplified, coordinates rounded."""
    simplified = shape(geometry).simplify(DISPLAY_TOLERANCE_DEGREES, preserve_topology=True)
    return _rounded(mapping(simplified))


def _rounded(geometry: dict) -> dict:
    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(float(c), DISPLAY_DECIMALS) for c in coords]
        return [walk(part) for part in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def bng_to_wgs84(eastings, northings):
    """British National Grid metres (GIAS Easting/Northing) -> (longitude, latitude) in WGS84: numbers for
    numbers, arrays for arrays."""
    return _BNG_TO_WGS84.transform(eastings, northings)
