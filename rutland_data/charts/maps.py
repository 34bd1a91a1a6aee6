"""Pure builders for the deprivation map (pydeck) and the schools scatter (Altair).

No tiles by default (`map_provider=None`): the county outline is drawn as the background,
so the map works offline and on an intranet. Colour shows the national decile with a
sequential palette safe for colour-blind readers (viridis); the decile is also written
on each area, given in the tooltip and listed in the page's tables, so nothing depends on
colour alone.
"""
from __future__ import annotations

import json
import math

import altair as alt
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from rutland_data.reference import measures
from rutland_data.reference.measures import Measure
from rutland_data.views.deprivation import POCKET_MAX_DECILE, WARD_BANDS, MapLayers

# Decile 1 (most deprived 10% of England) darkest .. decile 10 lightest: viridis, 10 steps.
DECILE_COLOURS = {
    1: "#440154", 2: "#482878", 3: "#3E4A89", 4: "#31688E", 5: "#26828E",
    6: "#1F9E89", 7: "#35B779", 8: "#6DCD59", 9: "#B4DE2C", 10: "#FDE725",
}
LIGHT_TEXT_UP_TO = 4  # white numbers on deciles 1-4, near-black on 5-10: both at least 4.5:1 contrast
NO_DATA_COLOUR = "#BFBFBF"
OUTLINE_FILL = "#F2F2F2"
WARD_LINE = "#0B0C0C"
SCHOOL_LINE = "#F46A25"  # GSS orange, distinct from every decile colour
TOOLTIP_FIELDS = ("name", "line1", "line2")
TOOLTIP = {
    "html": "<b>{name}</b><br/>{line1}<br/>{line2}",
    "style": {"backgroundColor": "#FFFFFF", "color": "#0B0C0C", "fontSize": "13px", "border": "1px solid #0B0C0C"},
}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck indents by 2, which triples a polygon map's payload."""

    _frozen_json: str | None = None

    def to_json(self) -> str:
        if self._frozen_json is not None:
            return self._frozen_json
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))

    def freeze(self) -> None:
        """Serialise once, for a deck that will not change (it is cached and drawn on every rerun)."""
        self._frozen_json = None
        self._frozen_json = self.to_json()


def rgba(hex_colour: str, alpha: int = 255) -> list[int]:
    hex_colour = hex_colour.lstrip("#")
    return [int(hex_colour[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def decile_label(decile: int) -> str:
    if decile == 1:
        return "1: most deprived 10% of England"
    if decile == 10:
        return "10: least deprived 10% of England"
    return f"{decile}"


def legend_table() -> pd.DataFrame:
    """The legend as data: decile, colour, meaning (the page renders it; also a text alternative)."""
    rows = [(d, colour, decile_label(d)) for d, colour in DECILE_COLOURS.items()]
    rows.append((None, NO_DATA_COLOUR, "no figure for this area"))
    return pd.DataFrame(rows, columns=["decile", "colour", "meaning"])


def legend_html() -> str:
    """Colour swatches each with its decile written beside it."""
    items = []
    for row in legend_table().itertuples():
        number = "" if pd.isna(row.decile) else int(row.decile)
        text_colour = "#FFFFFF" if number != "" and number <= LIGHT_TEXT_UP_TO else "#0B0C0C"
        items.append(
            f'<span style="display:inline-flex;align-items:center;margin:0 10px 4px 0">'
            f'<span style="display:inline-block;min-width:1.6em;padding:1px 4px;background:{row.colour};'
            f'color:{text_colour};text-align:center;border:1px solid #0B0C0C">{number or "–"}</span>'
            f'&nbsp;{row.meaning if number in ("", 1, 10) else ""}</span>'
        )
    return ('<div role="list" aria-label="Map legend: national deciles, 1 is most deprived">'
            + "".join(f'<span role="listitem">{item}</span>' for item in items) + "</div>")


def _polygons(geometry_json: str) -> list[list]:
    """Rings of each polygon in a GeoJSON Polygon/MultiPolygon, as PolygonLayer wants them."""
    geometry = json.loads(geometry_json) if isinstance(geometry_json, str) else geometry_json
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "GeometryCollection":
        return [ring for part in geometry["geometries"] for ring in _polygons(part)]
    return []


def lsoa_records(lsoas: pd.DataFrame, lsoas_in_england: int, indicator_label: str) -> list[dict]:
    """One record per polygon of each LSOA with its colour and tooltip lines."""
    records = []
    for row in lsoas[lsoas["display_geometry"].notna()].itertuples():
        has_decile = pd.notna(row.decile)
        decile = int(row.decile) if has_decile else None
        rank = f"{int(row.rank):,} of {lsoas_in_england:,}" if pd.notna(row.rank) else "not published"
        approximate = " (approximate shape)" if row.is_approximate else ""
        ward = row.ward_name if pd.notna(row.ward_name) else "none"
        for polygon in _polygons(row.display_geometry):
            records.append({
                "polygon": polygon,
                "fill": rgba(DECILE_COLOURS[decile] if has_decile else NO_DATA_COLOUR, 215),
                "name": f"{row.lsoa_name} ({row.lsoa_code}){approximate}",
                "line1": (f"{indicator_label}: national decile {decile} of 10 (1 = most deprived)"
                          if has_decile else f"{indicator_label}: no figure"),
                "line2": f"Rank {rank} LSOAs in England · ward: {ward}",
                "decile": decile, "rank": int(row.rank) if pd.notna(row.rank) else None,
                "lsoa_code": row.lsoa_code,
            })
    return records


def _label_records(lsoas: pd.DataFrame) -> list[dict]:
    return [{"position": [round(r.label_lon, 5), round(r.label_lat, 5)], "text": str(int(r.decile)),
             "colour": [255, 255, 255, 255] if r.decile <= LIGHT_TEXT_UP_TO else [11, 12, 12, 255]}
            for r in lsoas[lsoas["decile"].notna() & lsoas["label_lon"].notna()].itertuples()]


def view_for(outline: dict | None, lsoas: pd.DataFrame, width_px: int = 700, height_px: int = 560) -> pdk.ViewState:
    """Centre and zoom that fit the county in the map's box."""
    if outline:
        points = [p for polygon in _polygons(outline) for ring in polygon for p in ring]
    else:
        points = list(zip(lsoas["label_lon"].dropna(), lsoas["label_lat"].dropna()))
    if not points:
        return pdk.ViewState(longitude=-1.5, latitude=52.5, zoom=5.5)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    lon_span = max(max(lons) - min(lons), 0.01)
    lat_mid = (max(lats) + min(lats)) / 2
    lat_span = max((max(lats) - min(lats)) / math.cos(math.radians(lat_mid)), 0.01)
    # deck.gl draws the world 512 px wide at zoom 0.
    zoom = min(math.log2(width_px * 360 / (512 * lon_span)), math.log2(height_px * 360 / (512 * lat_span))) - 0.1
    return pdk.ViewState(longitude=(max(lons) + min(lons)) / 2, latitude=lat_mid, zoom=round(zoom, 2))


def deprivation_deck(lsoas: pd.DataFrame, wards: pd.DataFrame, schools: pd.DataFrame, outline: dict | None, *,
                     lsoas_in_england: int, indicator_label: str, basemap: bool = False) -> CompactDeck:
    """LSOAs coloured by national decile (decile written on each), ward outlines and names on top,
    schools as pickable points; the county outline underneath replaces map tiles."""
    layers = []
    if outline:
        layers.append(pdk.Layer(
            "PolygonLayer", id="county-outline", data=[{"polygon": p} for p in _polygons(outline)],
            get_polygon="polygon", filled=not basemap, get_fill_color=rgba(OUTLINE_FILL), stroked=True,
            get_line_color=rgba(WARD_LINE), line_width_min_pixels=3, pickable=False,
        ))
    layers.append(pdk.Layer(
        "PolygonLayer", id="lsoa-deciles", data=lsoa_records(lsoas, lsoas_in_england, indicator_label),
        get_polygon="polygon", get_fill_color="fill", stroked=True, get_line_color=[255, 255, 255, 255],
        line_width_min_pixels=1, pickable=True, auto_highlight=True,
    ))
    layers.append(pdk.Layer(
        "PolygonLayer", id="ward-outlines",
        data=[{"polygon": p, "name": row.ward_name}
              for row in wards.itertuples() for p in _polygons(row.display_geometry)],
        get_polygon="polygon", filled=False, stroked=True, get_line_color=rgba(WARD_LINE),
        line_width_min_pixels=2.5, pickable=False,
    ))
    layers.append(pdk.Layer(
        "TextLayer", id="decile-labels", data=_label_records(lsoas), get_position="position", get_text="text",
        get_color="colour", get_size=14, font_weight=700, pickable=False,
    ))
    layers.append(pdk.Layer(
        "TextLayer", id="ward-names",
        data=[{"position": [round(r.label_lon, 5), round(r.label_lat, 5)], "text": r.ward_name}
              for r in wards.itertuples()],
        get_position="position", get_text="text", get_color=rgba(WARD_LINE), get_size=11, get_pixel_offset=[0, -16],
        background=True, get_background_color=[255, 255, 255, 200], pickable=False,
    ))
    if not schools.empty:
        layers.append(pdk.Layer(
            "ScatterplotLayer", id="schools", data=school_records(schools), get_position="position",
            get_fill_color=[255, 255, 255, 255], get_line_color=rgba(SCHOOL_LINE), stroked=True,
            line_width_min_pixels=3, radius_min_pixels=7, radius_max_pixels=12, get_radius=120, pickable=True,
            auto_highlight=True,
        ))
    view = view_for(outline, lsoas)
    if basemap:
        return CompactDeck(layers=layers, initial_view_state=view, map_provider="carto", map_style="light",
                           tooltip=TOOLTIP)
    # No map_style: pydeck then sends its "__MAP_STYLE__" placeholder, which Streamlit reads as "no basemap".
    # (map_style=None would make Streamlit fetch its own Carto basemap from the internet.)
    return CompactDeck(layers=layers, initial_view_state=view, map_provider=None, tooltip=TOOLTIP)


def school_records(schools: pd.DataFrame) -> list[dict]:
    return [{
        "position": [round(float(r.lon), 6), round(float(r.lat), 6)],
        "urn": str(r.urn),
        "name": f"{r.name} (URN {r.urn})",
        "line1": f"School · {r.phase if pd.notna(r.phase) else 'phase not stated'} · ward: "
                 f"{r.ward_name if pd.notna(r.ward_name) else 'unknown'}",
        "line2": f"Location: {r.location_method}",
    } for r in schools.itertuples()]


def map_alt_text(layers: MapLayers, pockets: pd.DataFrame, placement: str, indicator_label: str,
                 edition: int) -> str:
    """The map's text alternative: what it shows, how many schools are drawn, and every pocket by name."""
    lsoas = layers.lsoas
    return (
        f"Map of {layers.la_name}'s {len(lsoas)} LSOAs coloured by national decile of the {indicator_label}, "
        f"IoD{edition}, with {len(layers.wards)} ward outlines. {placement} "
        + (f"{len(pockets)} LSOA{' is' if len(pockets) == 1 else 's are'} in England's most deprived 40% "
           f"(deciles 1 to {POCKET_MAX_DECILE}): "
           + "; ".join(f"{r.lsoa_name} in {r.ward_name}, decile {r.decile}" for r in pockets.itertuples()) + "."
           if len(pockets) else
           f"No LSOA is in England's most deprived 40% (deciles 1 to {POCKET_MAX_DECILE}) on this measure.")
        + f" The most deprived LSOA is decile {int(lsoas['decile'].min())}; the least deprived decile "
          f"{int(lsoas['decile'].max())}."
    )


def deck_payload_bytes(deck: pdk.Deck) -> int:
    """Size of the JSON the browser receives for this map."""
    return len(deck.to_json().encode("utf-8"))


# ---------------------------------------------------------------- scatter

def scatter_alt_text(frame: pd.DataFrame, result: Measure) -> str:
    """Figures written as the dictionary writes them (22.5% stays 22.5%, never rounded to even as '22%')."""
    shown = frame[frame["result"].notna()]
    if shown.empty:
        return f"Scatter of schools' % pupils FSM ever 6 against {result.short_label}: no school has both figures."
    fsm6 = measures.by_id()["school_fsm6_pct"]   # the x axis: the census measure the scatter reads
    pockets = shown[shown["ward_decile"] <= POCKET_MAX_DECILE]
    text = (f"Scatter of {len(shown)} schools: % of pupils eligible for free school meals in the last six years "
            f"(from {fsm6.format(shown['fsm6_pct'].min())} to {fsm6.format(shown['fsm6_pct'].max())}) against "
            f"{result.short_label} (from {result.format(shown['result'].min())} to "
            f"{result.format(shown['result'].max())}).")
    if not pockets.empty:
        text += (" Schools in wards with an LSOA in England's most deprived 40%: "
                 + "; ".join(f"{r.name} ({fsm6.format(r.fsm6_pct)} FSM6, {result.format(r.result)})"
                             for r in pockets.itertuples()) + ".")
    return text


def fsm_scatter(frame: pd.DataFrame, result_label: str) -> alt.Chart:
    """% FSM ever 6 (x) against a headline result (y); colour shows the ward's most deprived LSOA decile
    and shape whether that is in England's most deprived 40%; names label the points."""
    shown = frame[frame["result"].notna()]
    base = alt.Chart(shown).encode(
        x=alt.X("fsm6_pct:Q", title="Pupils eligible for FSM in the last six years (%)"),
        y=alt.Y("result:Q", title=result_label, scale=alt.Scale(zero=False)),
    )
    # a school with no location has no ward decile: drawn grey (a null colour would not be drawn at all)
    points = base.mark_point(size=110, filled=True, opacity=0.9).encode(
        color=alt.condition("isValid(datum.ward_decile)", alt.Color(
            "ward_decile:O", title="Most deprived LSOA decile in ward", scale=alt.Scale(
                domain=list(DECILE_COLOURS), range=list(DECILE_COLOURS.values()))), alt.value("#757575")),
        shape=alt.Shape("ward_band:N", title="School's ward", scale=alt.Scale(
            domain=WARD_BANDS, range=["triangle-up", "circle", "square"]), legend=alt.Legend(labelLimit=320)),
        tooltip=[alt.Tooltip("name:N", title="School"), alt.Tooltip("ward_name:N", title="Ward"),
                 alt.Tooltip("ward_decile:Q", title="Most deprived LSOA decile in ward"),
                 alt.Tooltip("fsm6_pct:Q", title="% FSM ever 6", format=".1f"),
                 alt.Tooltip("result:Q", title=result_label), alt.Tooltip("result_year:Q", title="Year"),
                 alt.Tooltip("cohort_n:Q", title="Pupils")],
    )
    labels = base.mark_text(align="left", dx=7, dy=-6, fontSize=10, color="#3D3D3D").encode(text="name:N")
    return (points + labels).properties(height=420)


def static_decile_map(lsoas: pd.DataFrame, indicator_label: str) -> alt.LayerChart:
    """A still of the choropleth for documents (the board pack has no interactive map): each LSOA
    coloured by national decile with the same palette as the page, and its decile written on it so
    the meaning never rests on colour alone."""
    drawn = lsoas[lsoas["display_geometry"].notna()]
    features = [{"type": "Feature", "geometry": json.loads(geometry),
                 "properties": {"decile": None if pd.isna(decile) else int(decile), "name": name}}
                for geometry, decile, name in zip(drawn["display_geometry"], drawn["decile"], drawn["lsoa_name"])]
    colour = alt.Color("properties.decile:O", title=f"{indicator_label} national decile (1 = most deprived)",
                       scale=alt.Scale(domain=list(DECILE_COLOURS), range=list(DECILE_COLOURS.values())),
                       legend=alt.Legend(orient="bottom", columns=10, titleLimit=0))
    shapes = alt.Chart(alt.Data(values=features)).mark_geoshape(stroke=WARD_LINE, strokeWidth=0.5).encode(color=colour)
    labels = alt.Chart(drawn[["label_lon", "label_lat", "decile"]].dropna()).mark_text(
        fontSize=11, fontWeight="bold").encode(
        longitude="label_lon:Q", latitude="label_lat:Q", text="decile:Q",
        color=alt.condition(f"datum.decile <= {LIGHT_TEXT_UP_TO}", alt.value("#FFFFFF"), alt.value(WARD_LINE)))
    return alt.layer(shapes, labels).project(type="mercator").properties(width=560, height=460)
