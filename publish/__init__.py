"""Briefing books from Markdown posts and event summaries: PDF, EPUB and Word from one model."""

__version__ = "0.1.0"
