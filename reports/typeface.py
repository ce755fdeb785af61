"""The PDF's typeface: DejaVu Sans Condensed, shipped in reports/fonts/ because it has the rupee sign.

ReportLab's built-in Helvetica has no ₹ (U+20B9), and a slim container image has no system fonts, so the
two TTF files travel with the package (licence in reports/fonts/LICENSE). ReportLab embeds only the glyphs
a report uses, so a report stays small.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "ReportSans"
BOLD = "ReportSans-Bold"
FILES = {REGULAR: "DejaVuSansCondensed.ttf", BOLD: "DejaVuSansCondensed-Bold.ttf"}


def register() -> None:
    """Register the report fonts with ReportLab once per process (later calls do nothing)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for name, file_name in FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file_name)))
    # <b> in a paragraph switches to the bold face.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
