"""A crawl shared by several processes through Redis: ``gleaner crawl SITE --frontier URL``
workers and one ``gleaner load --from URL`` loader.

- :mod:`~crawler.frontier.keys`: the Redis keys of a run and the atomic scripts on them.
- :mod:`~crawler.frontier.scheduler`: the shared request queue and seen-set (scrapy-redis), with
  every popped request held in the worker's in-flight hash until its output is pushed.
- :mod:`~crawler.frontier.messages`: how items travel to the loader.
- :mod:`~crawler.frontier.sink`: the worker's items, pushed with the acknowledgement of the
  request they came from.
- :mod:`~crawler.frontier.rate`: one request rate per site, shared by all workers.
- :mod:`~crawler.frontier.worker`: joining a run and the worker's Scrapy settings.
- :mod:`~crawler.frontier.loader`: the single loader that owns the warehouse.
"""
