"""Fetching pages: the crawl's scope, retries with backoff, meta refresh, fetch failures, conditional requests, and one-off fetches."""
