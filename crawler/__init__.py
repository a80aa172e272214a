"""gleaner: crawl news sites' index and tag pages into a clean, deduplicated DuckDB warehouse."""

__version__ = "0.1.0"
