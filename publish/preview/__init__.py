"""``publish preview``: the book served to the author's browser, rebuilt and refreshed on every save.

One job a module: ``serve`` starts and stops the parts; ``watcher`` is the
rebuild loop; ``builder`` the warm build process and ``job`` one build in it;
``pages`` the PDF's page images (only changed pages rendered again);
``epub`` the EPUB's chapters; ``state`` what the page shows; ``server`` the
routes and their guard; ``ui`` the page itself.  Nothing is imported here, so
that ``publish`` starts as fast as it did.
"""
