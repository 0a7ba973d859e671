"""``publish absorb``: a colleague's edits in the briefing's Word file, traced back to the sources.

The Word file the build writes marks every paragraph that comes from a source line
with a hidden bookmark (``conventions.source_anchor``).  Absorbing an edited copy
reads it (``word``), builds the Word file afresh from the sources (``built``),
pairs the paragraphs of both (``align``), lists the differences at their source
lines (``edits``, ``report``) and, with ``--apply``, writes the exact text edits
back into the Markdown and event-summary sources (``markup``, ``apply``), once a build
of the rewritten sources has shown that they give the edited text (``recheck``).
"""

from __future__ import annotations

from .run import Outcome, absorb

__all__ = ["Outcome", "absorb"]
