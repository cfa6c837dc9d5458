"""Placeholder pictures for seed photos whose original files are not available.

They are drawn, not downloaded: layered Andean ridges under a sky, with the city's name,
so the pages look finished while making plain that a real photo is still to come.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 1000


def _blend(top, bottom, fraction):
    return tuple(round(a + (b - a) * fraction) for a, b in zip(top, bottom, strict=True))


def placeholder_jpeg(label, sky_top, sky_bottom, ridge_colour, seed):
    """Return JPEG bytes of a placeholder landscape captioned with `label`."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        draw.line([(0, y), (WIDTH, y)], fill=_blend(sky_top, sky_bottom, y / HEIGHT))

    rng = random.Random(seed)
    for layer in range(4):
        base = HEIGHT * (0.45 + 0.13 * layer)
        amplitude = HEIGHT * (0.12 - 0.02 * layer)
        phases = [rng.uniform(0, math.tau) for _ in range(3)]
        points = [(0, HEIGHT)]
        for x in range(0, WIDTH + 20, 20):
            # Three sine waves of rising frequency make a ridge line.
            wave = sum(
                math.sin(math.tau * x * (1.3 + 2.1 * k) / WIDTH + phase) / (k + 1)
                for k, phase in enumerate(phases)
            )
            points.append((x, base - amplitude * wave))
        points.append((WIDTH, HEIGHT))
        shade = _blend(sky_bottom, ridge_colour, 0.35 + 0.22 * layer)
        draw.polygon(points, fill=shade)

    title_font = ImageFont.load_default(size=120)
    note_font = ImageFont.load_default(size=40)
    # Centred, so that cards cropping the sides keep the label whole.
    centre = WIDTH / 2
    draw.text((centre, HEIGHT - 190), label, font=title_font, fill="white", anchor="ms")
    # One picture serves both languages, so its note says it in both.
    draw.text(
        (centre, HEIGHT - 120),
        "Imagen provisional · Placeholder image",
        font=note_font,
        fill="white",
        anchor="ms",
    )

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()
