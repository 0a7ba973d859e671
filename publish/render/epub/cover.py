"""The EPUB's cover picture, drawn from the book's title, subtitle, date and first articles."""

from __future__ import annotations

import contextlib
import io
import textwrap
from typing import TYPE_CHECKING

from ...conventions import format_date
from ...model.nodes import Book
from ...theme import Theme
from .colours import colour_or

# Pillow is imported where it is used: a rebuild finds the cover in the build cache.
if TYPE_CHECKING:
    from PIL import ImageFont

COVER_SIZE = (1600, 2400)
#: The cover lists the first few articles' titles.
COVER_ARTICLES = 6


def cover_png(book: Book, theme: Theme) -> bytes:
    """A cover drawn from the title, subtitle and date; same input, same pixels."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    width, height = COVER_SIZE
    accent = colour_or(theme.colours.get("accent"), "#1f3a5f")
    muted = colour_or(theme.colours.get("muted"), "#5b6472")
    marking = colour_or(theme.colours.get("marking"), "#8a1c1c")
    image = PILImage.new("RGB", COVER_SIZE, "#ffffff")
    draw = ImageDraw.Draw(image)
    band = int(height * 0.52)
    draw.rectangle([0, 0, width, band], fill=accent)
    margin = 130

    y = 200
    if book.meta.distribution:
        font = _font(theme, "heading", 40, 600)
        text = book.meta.distribution.upper()
        box = draw.textbbox((margin, y), text, font=font)
        draw.rectangle([box[0] - 24, box[1] - 16, box[2] + 24, box[3] + 16], outline="#ffffff", width=4)
        draw.text((margin, y), text, font=font, fill="#ffffff")
    y = 420
    draw.text((margin, y), "B R I E F I N G", font=_font(theme, "heading", 44, 600), fill="#c9d3e0")
    y += 110
    title_font = _font(theme, "heading", 120, 600)
    for line in textwrap.wrap(book.meta.title, width=20)[:5]:
        draw.text((margin, y), line, font=title_font, fill="#ffffff")
        y += 140
    if book.meta.subtitle:
        y += 30
        subtitle_font = _font(theme, "heading", 58, 400)
        for line in textwrap.wrap(book.meta.subtitle, width=40)[:3]:
            draw.text((margin, y), line, font=subtitle_font, fill="#e4e9f0")
            y += 76

    y = band + 120
    if book.meta.date:
        draw.text((margin, y), format_date(book.meta.date), font=_font(theme, "heading", 64, 600),
                  fill=accent)
        y += 140
    article_font = _font(theme, "heading", 46, 400)
    for article in book.articles[:COVER_ARTICLES]:
        for line in textwrap.wrap(article.meta.title, width=48)[:2]:
            draw.text((margin, y), line, font=article_font, fill=muted)
            y += 62
        y += 26
    foot = height - 220
    draw.line([margin, foot, width - margin, foot], fill=accent, width=6)
    if book.meta.prepared_by:
        draw.text((margin, foot + 40), f"Prepared by {book.meta.prepared_by}",
                  font=_font(theme, "heading", 44, 400), fill=muted)
    if book.meta.distribution:
        draw.text((margin, foot + 110), book.meta.distribution,
                  font=_font(theme, "heading", 40, 600), fill=marking)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _font(theme: Theme, role: str, size: int, weight: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    from PIL import ImageFont

    try:
        import fontpkg

        font = ImageFont.truetype(str(fontpkg.path(theme.fonts.get(role, ""), weight)), size)
        with contextlib.suppress(OSError, ValueError):  # a static font: its weight is fixed
            font.set_variation_by_axes([weight])
        return font
    except Exception:  # no packaged font: Pillow's own still gives a legible cover
        return ImageFont.load_default(size)


