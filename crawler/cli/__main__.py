"""``python -m crawler.cli``: the ``gleaner`` command line, as the scheduler starts its crawls."""

from crawler.cli import main

main()
