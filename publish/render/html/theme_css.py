"""The theme (``styles/theme.toml``) as CSS custom properties, for the print and the reading-system stylesheets."""

from __future__ import annotations

import re

from ...diagnostics import Reporter
from ...model.nodes import Pos
from ...theme import Theme

CSS_FONT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,63}")
CSS_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
GENERIC_FAMILIES = {"body": "serif", "heading": "sans-serif", "mono": "monospace", "cjk": "sans-serif"}


def theme_properties(theme: Theme, reporter: Reporter, pos: Pos, *, size_unit: str = "pt",
                     first_fonts: dict[str, str] | None = None) -> str:
    """The theme as CSS custom properties, every value checked so none can break out of CSS.

    ``size_unit`` is ``pt`` for print; EPUB passes ``em`` and gets sizes
    relative to the body size, so that the reader's font setting still rules.
    ``first_fonts`` puts a family (an embedded face) before the theme's for a role.
    """
    lines = []
    cjk = _font_name(theme, "cjk", reporter, pos)
    for role, generic in GENERIC_FAMILIES.items():
        name = _font_name(theme, role, reporter, pos)
        first = (first_fonts or {}).get(role, "")
        first_cjk = (first_fonts or {}).get("cjk", "")
        stack = [f'"{n}"' for n in dict.fromkeys(x for x in (first, name, first_cjk, cjk) if x)]
        lines.append(f"  --font-{role}: {', '.join([*stack, generic])};")
    for role, value in sorted(theme.colours.items()):
        if CSS_COLOUR.fullmatch(str(value)) and re.fullmatch(r"[a-z0-9_-]+", role):
            lines.append(f"  --colour-{role.replace('_', '-')}: {value};")
        else:
            reporter.warn(pos, f"theme colour {role} ignored: {value!r} is not #rgb or #rrggbb")
    body = _number(theme.sizes.get("body", 10.5))
    for role, size in sorted(theme.sizes.items()):
        number = _number(size)
        if number is None or not re.fullmatch(r"[a-z0-9_]+", role):
            reporter.warn(pos, f"theme size {role} ignored: {size!r} is not a number")
            continue
        name = role.replace("_", "-")
        if role == "line_height":
            lines.append(f"  --{name}: {number:g};")
        elif size_unit == "em" and body:
            lines.append(f"  --size-{name}: {number / body:.4g}em;")
        else:
            lines.append(f"  --size-{name}: {number:g}{size_unit};")
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def _font_name(theme: Theme, role: str, reporter: Reporter, pos: Pos) -> str:
    name = str(theme.fonts.get(role, ""))
    if name and not CSS_FONT_NAME.fullmatch(name):
        reporter.warn(pos, f"theme font {role} ignored: {name!r}")
        return ""
    return name


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None
