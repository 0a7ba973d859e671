"""Colour contrast as WCAG 2.1 measures it, and theme colours made readable in both schemes.

A reading system in dark mode may set light text on a black page and leave the
book's own colours as they are; a heading in the theme's navy would then be 1.8:1.
The EPUB sets each text colour of the theme at the lightness where it keeps 4.5:1
on white and on black alike (about 4.6:1 is the most any colour can have on both),
with its hue and saturation.
"""

from __future__ import annotations

import colorsys

from ..html.theme_css import CSS_COLOUR

#: WCAG 2.1 AA minimum contrast for body-size text.
MINIMUM_CONTRAST = 4.5
#: The relative luminance whose contrast with white equals that with black (4.58:1).
MIDDLE_LUMINANCE = (0.0525 ** 0.5) - 0.05


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2.1 contrast ratio of two #rgb or #rrggbb colours."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rgb or #rrggbb colour."""
    channels = [channel / 255 for channel in _rgb(colour)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def readable_on_both(colour: str) -> str:
    """``colour`` as light or as dark as it must be to keep 4.5:1 on white and on black."""
    if min(contrast_ratio(colour, "#ffffff"), contrast_ratio(colour, "#000000")) >= MINIMUM_CONTRAST:
        return colour
    hue, _, saturation = colorsys.rgb_to_hls(*(c / 255 for c in _rgb(colour)))
    low, high = 0.0, 1.0
    for _ in range(40):  # luminance grows with HLS lightness: bisect to the middle one
        middle = (low + high) / 2
        if luminance(_hex(colorsys.hls_to_rgb(hue, middle, saturation))) < MIDDLE_LUMINANCE:
            low = middle
        else:
            high = middle
    return _hex(colorsys.hls_to_rgb(hue, (low + high) / 2, saturation))


def _rgb(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def colour_or(value: object, fallback: str) -> str:
    """A theme colour when it is one (``#rgb`` or ``#rrggbb``), else ``fallback``."""
    text = str(value or "")
    return text if CSS_COLOUR.fullmatch(text) else fallback
