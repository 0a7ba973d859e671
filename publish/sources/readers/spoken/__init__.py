"""Spoken records and plain documents in plain text: event summaries, transcripts, Japanese
summaries and minutes, memos and prose, read by :mod:`publish.sources.readers.transcript`.

``sheet`` holds the lines and what has been left out of them; ``closings`` finds page
furniture and closing matter; ``header`` and ``people`` read an event's header; ``turns``
recognises speaker labels, ``exchanges`` groups turns into questions and answers, and
``body`` reads what follows the header.  ``memo`` and ``prose`` read the other shapes.
"""
