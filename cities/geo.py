"""The offline map of Ecuador: a committed outline (see mapdata/README.md) and markers."""

import json
from functools import cache
from pathlib import Path

MAP_FILE = Path(__file__).parent / "mapdata" / "ecuador.json"
LABEL_WIDTH = 150  # map units a city's name takes beside its marker


@cache
def outline():
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def project(latitude, longitude):
    """SVG coordinates of a point, with the projection ecuador.json was drawn in."""
    projection = outline()["projection"]
    longitude, latitude = float(longitude), float(latitude)
    if longitude < projection["galapagos_west_of"]:
        longitude += projection["galapagos_shift"]
    x = (longitude - projection["origin_west"]) * projection["scale"]
    y = (projection["north"] - latitude) * projection["scale"]
    return round(x, 1), round(y, 1)


def ecuador_map(cities):
    """The outline and one marker per city that has coordinates inside the map."""
    data = outline()
    markers = []
    for city in cities:
        if city.latitude is None or city.longitude is None:
            continue
        x, y = project(city.latitude, city.longitude)
        if 0 <= x <= data["width"] and 0 <= y <= data["height"]:
            markers.append({"city": city, "x": x, "y": y})
    for marker in markers:
        # A label goes left of its marker near the eastern edge or when another marker
        # sits just to the right (Cuenca and Azogues are 20 km apart).
        crowded = any(
            0 < other["x"] - marker["x"] < LABEL_WIDTH and abs(other["y"] - marker["y"]) < 30
            for other in markers
        )
        marker["label_left"] = crowded or marker["x"] > data["width"] - LABEL_WIDTH
    return {**data, "markers": markers}
