"""Armenia's 11 regions as SVG paths, coloured by a measure: a choropleth drawn on the server (no JavaScript).

The boundaries (data/armenia-adm1.geojson, © OpenStreetMap contributors, ODbL: see data/README.md) are
projected once per process (equirectangular at Armenia's mean latitude, which keeps shapes true at this
size) and simplified as one coverage, so neighbouring regions keep a shared border without gaps.
"""
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import shapely  # type: ignore[import-untyped]
from shapely.geometry import MultiPolygon, Polygon, shape  # type: ignore[import-untyped]

ATTRIBUTION = "© OpenStreetMap contributors (ODbL), geoBoundaries"
WIDTH = 600  # the viewBox's width; the height follows the country's shape
MARGIN = 4
TOLERANCE = 0.8  # in viewBox units: below what a 390 px screen shows

# ColorBrewer YlGnBu (6 classes, the lightest kept for "none"): sequential, light to dark, readable with every
# common colour-vision deficiency and in grey.
PALETTE = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
NONE_COLOUR = "#ffffff"  # no activity at all: white, clearly apart from the lowest class


@dataclass(frozen=True)
class RegionShape:
    code: str  # ISO 3166-2
    name: str  # the English name in the file (pages show the reader's language)
    path: str  # SVG path data in viewBox units


@dataclass(frozen=True)
class Outline:
    width: int
    height: int
    regions: tuple[RegionShape, ...]


def _rings(geometry) -> list:
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    return [ring for polygon in polygons if isinstance(polygon, Polygon)
            for ring in (polygon.exterior, *polygon.interiors)]


def _path(geometry) -> str:
    parts = []
    for ring in _rings(geometry):
        points = [f"{x:.1f},{y:.1f}" for x, y in ring.coords[:-1]]
        if len(points) >= 3:
            parts.append("M" + " L".join(points) + " Z")
    return " ".join(parts)


@lru_cache(maxsize=1)
def outline() -> Outline:
    """The regions projected into a WIDTH-wide viewBox and simplified (computed once, then cached)."""
    source = resources.files("aidcoord.reports").joinpath("data/armenia-adm1.geojson").read_text(encoding="utf-8")
    features = json.loads(source)["features"]
    geometries = [shape(feature["geometry"]) for feature in features]
    min_x, min_y, max_x, max_y = shapely.total_bounds(geometries)
    squash = math.cos(math.radians((min_y + max_y) / 2))  # a degree of longitude is shorter than one of latitude
    scale = (WIDTH - 2 * MARGIN) / ((max_x - min_x) * squash)
    height = math.ceil((max_y - min_y) * scale + 2 * MARGIN)

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(((xy[:, 0] - min_x) * squash * scale + MARGIN, (max_y - xy[:, 1]) * scale + MARGIN))

    projected = [shapely.transform(geometry, project) for geometry in geometries]
    simplified = shapely.coverage_simplify(projected, TOLERANCE)
    regions = tuple(RegionShape(feature["properties"]["iso"], feature["properties"]["name"], _path(geometry))
                    for feature, geometry in zip(features, simplified, strict=True))
    return Outline(WIDTH, height, tuple(sorted(regions, key=lambda region: region.code)))


def codes() -> list[str]:
    """The 11 regions' ISO 3166-2 codes."""
    return [region.code for region in outline().regions]


def english_name(code: str) -> str | None:
    """The region's name in the boundary file (e.g. Yerevan, where ISO 3166-2 says Erevan), for shared files."""
    return next((region.name for region in outline().regions if region.code == code), None)


@dataclass(frozen=True)
class ColourClass:
    colour: str
    low: int  # the class holds low..high (both included); the "none" class is 0..0
    high: int


def classes(values) -> list[ColourClass]:
    """The legend for counts: none (0), then up to five equal steps up to the largest (fewer for small ones)."""
    top = max((int(value) for value in values if value), default=0)
    legend = [ColourClass(NONE_COLOUR, 0, 0)]
    steps = min(len(PALETTE), top)
    low = 1
    for index in range(steps):
        high = math.ceil(top * (index + 1) / steps)
        colour = PALETTE[round(index * (len(PALETTE) - 1) / max(steps - 1, 1))] if steps > 1 else PALETTE[-1]
        legend.append(ColourClass(colour, low, high))
        low = high + 1
    return legend


def colour_of(value, legend: list[ColourClass]) -> str:
    """The fill of a region with `value` under `legend` (from classes())."""
    for entry in legend:
        if value <= entry.high:
            return entry.colour
    return legend[-1].colour
