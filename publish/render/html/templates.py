"""The Jinja2 templates of the print book and the EPUB documents (``templates/``)."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from ... import conventions

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

#: The titles of the book's own parts, which the templates print as every format does.
TITLES = ("CONTENTS_TITLE", "GLANCE_TITLE", "PEOPLE_TITLE", "ABBREVIATIONS_TITLE")


@functools.cache
def environment() -> jinja2.Environment:
    # Autoescape on for every template name (.j2 and .xhtml are not matched by
    # select_autoescape), and StrictUndefined so a misspelt name fails loudly.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update({name: getattr(conventions, name) for name in TITLES})
    return env


def render_template(name: str, **values: object) -> str:
    return environment().get_template(name).render(**values)
