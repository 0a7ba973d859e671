"""The theme: fonts, colours and sizes shared by every renderer (``styles/theme.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import InputError
from ..model.nodes import Pos


@dataclass(frozen=True)
class Theme:
    fonts: dict[str, str]
    colours: dict[str, str]
    sizes: dict[str, float]
    #: Word-only settings (``[docx]``): ``embed_fonts``.
    docx: dict[str, object] = field(default_factory=dict)

    def font(self, role: str) -> str:
        return self.fonts[role]

    def colour(self, role: str) -> str:
        return self.colours[role]

    def size(self, role: str) -> float:
        return float(self.sizes[role])


def load_theme(styles_dir: Path) -> Theme:
    path = styles_dir / "theme.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(Pos(str(path)), f"cannot read theme: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Pos(str(path)), f"invalid TOML: {exc}") from None
    return Theme(
        fonts=dict(data.get("fonts", {})),
        colours=dict(data.get("colours", {})),
        sizes=dict(data.get("sizes", {})),
        docx=dict(data.get("docx", {})),
    )
