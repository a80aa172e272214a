"""``gleaner serve``: a read-only web view of the warehouse, its runs and its dedupe decisions.

Starlette routes (:mod:`crawler.web.routes`) read the warehouse through short read-only
connections (:mod:`crawler.web.reader`), ask :mod:`crawler.web.queries` for each page's data
and answer with a Jinja2 template or, for ``?format=json``, the same data as JSON
(:mod:`crawler.web.render`). ``docs/serve.md`` describes the pages.
"""
