"""Liquid in Jekyll posts: what it means outside Jekyll is kept, the rest removed with a warning.

- ``{% include figure.html image="..." caption="..." %}`` and the like (an include
  whose parameters name an image) is a figure;
- ``{{ site.baseurl }}`` and ``{{ site.url }}`` before a link's target leave a
  site-relative link (``/about/``), which the ``links`` transform then treats as
  every other link no reader can open; before an image's path they go with the
  leading ``/``, so that the image resolves inside the content folder;
- ``{% highlight lang %}`` is a code block, ``{% raw %}`` keeps its content as
  written, ``{% comment %}`` goes with its content;
- any other tag or ``{{ ... }}`` is removed with a warning.
"""

from __future__ import annotations

import re

from ...diagnostics import Reporter
from . import Dropped
from .prepared import Edit, FigureSpec, Prepared

# ``{{<`` and ``{{%`` open Hugo shortcodes, which are not Liquid
_TAG = re.compile(r"\{%-?\s*(?P<tag>\w*)(?P<rest>.*?)-?%\}|\{\{(?![<%])-?(?P<expr>.*?)-?\}\}", re.DOTALL)
_SITE = re.compile(r"\s*site\.(?:baseurl|url)\s*")
_FILTERED = re.compile(r"\s*([\"'])(?P<path>.*?)\1\s*\|\s*(?:relative_url|absolute_url)\s*")
_LINK_BEFORE = re.compile(r"(?:\]\(\s*<?|\]:\s*<?|href\s*=\s*[\"']?)$")
_IMAGE_BEFORE = re.compile(r"(?:!\[[^\]]*\]\(\s*<?|src\s*=\s*[\"']?)$")
_PARAM = re.compile(r"(?P<key>[\w-]+)\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"']+))")
_IMAGE_PARAMS = ("image", "image_path", "src", "url", "path", "file")
_CAPTION_PARAMS = ("caption", "description", "title")
_BLOCKS = {"raw": "endraw", "comment": "endcomment"}
#: What ``{{ site.baseurl }}`` before an image's path stands for: nothing, and the "/" after it too.
_ROOT = "\0root"


def take_liquid(prepared: Prepared, reporter: Reporter) -> None:
    """Replace every Liquid tag of the body by what it means here (see the module's docstring)."""
    text = prepared.text
    at = prepared.locator()
    edits: list[Edit] = []
    fences: list[int] = []
    resume = 0
    for match in _TAG.finditer(text):
        if match.start() < resume:
            continue
        tag = match["tag"] or ""
        if tag in _BLOCKS:
            closing = re.compile(r"\{%-?\s*" + _BLOCKS[tag] + r"\s*-?%\}").search(text, match.end())
            resume = closing.end() if closing else len(text)
            if tag == "raw":  # the content stays, as written
                edits.append(Edit(match.start(), match.end(), "", "liquid"))
                if closing:
                    edits.append(Edit(closing.start(), closing.end(), "", "liquid"))
            else:  # a comment goes with its content
                edits.append(Edit(match.start(), resume, "", "liquid"))
            continue
        new, until = _meaning(match, text, prepared, at(match.start()).line), match.end()
        if new == _ROOT:  # an image's path goes on from the content folder, not from "/"
            new, until = "", until + (text[until:until + 1] == "/")
        if new is None:
            shown = " ".join(match.group().split())
            reporter.warn(at(match.start()), f"Liquid tag removed: {shown[:57] + '...' if len(shown) > 60 else shown}")
            new = ""
        elif new.startswith("```"):
            fences.append(at(match.start()).line)
        edits.append(Edit(match.start(), until, new, "liquid"))
    prepared.apply(edits)
    # a fence's line is not blank, but the tag's words are not the code's
    prepared.dropped.extend(Dropped(line, line, "liquid") for line in fences)


def _meaning(match: re.Match[str], text: str, prepared: Prepared, line: int) -> str | None:
    """What a tag stands for here ("" when it stands for nothing printed), or None: no meaning."""
    before = text[max(0, match.start() - 200):match.start()]
    image, link = _IMAGE_BEFORE.search(before), _LINK_BEFORE.search(before)
    expr, tag = match["expr"], match["tag"]
    if expr is not None:
        filtered = _FILTERED.fullmatch(expr)
        if _SITE.fullmatch(expr) and (image or link):
            # the site's root: a link stays site-relative; an image's path starts in the content folder
            return _ROOT if image else ""
        if filtered and (image or link):
            return filtered["path"].lstrip("/") if image else filtered["path"]
        return None
    rest = match["rest"].strip()
    if tag in ("link", "post_url") and link and rest:
        return "/" + rest.split()[0].strip("\"'")
    if tag == "include":
        figure = _figure(rest, line)
        if figure is not None:
            prepared.figures.append(figure)
            return ""
    if tag in ("highlight", "endhighlight") and _alone(match, text):
        return "```" + (rest.split()[0] if tag == "highlight" and rest else "")
    return None


def _alone(match: re.Match[str], text: str) -> bool:
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return not text[start:match.start()].strip() and not text[match.end():end if end >= 0 else len(text)].strip()


def _figure(rest: str, line: int) -> FigureSpec | None:
    """A figure for ``{% include NAME image="..." caption="..." %}``, or None when no image is named."""
    params = {p["key"].lower(): p["dq"] if p["dq"] is not None else p["sq"] if p["sq"] is not None else p["bare"]
              for p in _PARAM.finditer(rest)}
    src = next((params[key] for key in _IMAGE_PARAMS if params.get(key)), "")
    if not src:
        return None
    src = _TAG.sub("", src)  # "{{ site.baseurl }}/images/x.png"
    if src.startswith("/") and not src.startswith("//"):
        src = src.lstrip("/")
    caption = next((params[key] for key in _CAPTION_PARAMS if params.get(key)), "")
    return FigureSpec(line, src, params.get("alt", "") or params.get("description", ""), caption)
