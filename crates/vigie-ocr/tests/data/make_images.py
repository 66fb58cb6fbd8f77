#!/usr/bin/env python3
"""Renders the OCR test images of vigie-ocr (tests/data/*.png).

Black text in DejaVu Sans on white, 8-bit grayscale, as a screenshot
would give it. Needs Pillow and fonts-dejavu-core; run from anywhere:

    python3 crates/vigie-ocr/tests/data/make_images.py
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
HERE = Path(__file__).resolve().parent


def render(name, lines, size, width, margin=30, spacing=1.6):
    """Writes `lines` one under the other, each at `size` pixels."""
    font = ImageFont.truetype(FONT, size)
    height = int(2 * margin + size * spacing * len(lines))
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((margin, margin + index * size * spacing), line, font=font, fill=0)
    image.save(HERE / name, optimize=True)


# Two lines: a French marking, then an ordinary title with an accent.
render("marking.png", ["DIFFUSION RESTREINTE", "Compte rendu de réunion"], 36, 560)
# A page of ordinary prose, enough text for orientation detection (the
# tests turn it a quarter at a time).
render(
    "page.png",
    [
        "Compte rendu de la réunion du comité",
        "Participants : direction, juridique",
        "Ordre du jour : budget et calendrier",
        "Le budget est reconduit à l'identique.",
        "La livraison du lot 3 est décalée.",
        "Prochaine réunion le 9 avril à 10 h.",
    ],
    24,
    560,
)
# One line, other words: the engine is reused on it after marking.png.
render("single_line.png", ["Budget prévisionnel 2026"], 32, 520)
