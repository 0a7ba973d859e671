"""The book as HTML, shared by the printed book (``render.pdf``) and the EPUB (``render.epub``).

Both come from the same node dispatch (``writer``), view models (``views``) and
Jinja2 macros (``templates/parts.html.j2``), so the PDF and the EPUB say the same
thing in the same markup.  ``markup`` writes elements, ``theme_css`` the theme as
CSS custom properties.
"""
