"""List numbering (``numbering.xml``): which paragraphs are bullets, which are numbered, from what.

A numbered paragraph names a numbering instance (``w:num``) and a level; the
instance points at an abstract definition, whose level says the number
format and start value, unless the instance overrides the start.  Instances
of one abstract definition without overrides continue one count, as in Word.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .docx_package import W_NS

W = f"{{{W_NS}}}"
_UNORDERED = {"bullet", "none", ""}


@dataclass(frozen=True)
class ListLevel:
    """One level of a numbering instance."""

    ordered: bool
    start: int
    #: Paragraphs with the same counter continue one count (see the module docstring).
    counter: str


class Numbering:
    def __init__(self, root: etree._Element | None) -> None:
        self._abstract: dict[str, etree._Element] = {}
        self._instances: dict[str, etree._Element] = {}
        if root is None:
            return
        for abstract in root.iter(f"{W}abstractNum"):
            self._abstract[abstract.get(f"{W}abstractNumId", "")] = abstract
        for num in root.iter(f"{W}num"):
            self._instances[num.get(f"{W}numId", "")] = num

    def level(self, num_id: str, ilvl: int) -> ListLevel | None:
        """The level of a numbered paragraph, or None when the paragraph is not numbered after all."""
        num = self._instances.get(num_id)
        if num is None or num_id == "0":
            return None
        abstract_ref = num.find(f"{W}abstractNumId")
        abstract_id = abstract_ref.get(f"{W}val", "") if abstract_ref is not None else ""
        definition = self._level_element(self._abstract.get(abstract_id), ilvl)
        override = num.find(f"{W}lvlOverride[@{W}ilvl='{ilvl}']")
        start_override = override.find(f"{W}startOverride") if override is not None else None
        override_level = override.find(f"{W}lvl") if override is not None else None
        if override_level is not None:
            definition = override_level
        fmt = _value(definition, "numFmt", "bullet")
        start = _number(_value(definition, "start", "1"), 1)
        counter = f"abstract-{abstract_id}"
        if start_override is not None:
            start = _number(start_override.get(f"{W}val", ""), start)
            counter = f"num-{num_id}"
        return ListLevel(fmt not in _UNORDERED, start, counter)

    @staticmethod
    def _level_element(abstract: etree._Element | None, ilvl: int) -> etree._Element | None:
        if abstract is None:
            return None
        return abstract.find(f"{W}lvl[@{W}ilvl='{ilvl}']")


def _value(element: etree._Element | None, child: str, default: str) -> str:
    found = element.find(f"{W}{child}") if element is not None else None
    return found.get(f"{W}val", default) if found is not None else default


def _number(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default
