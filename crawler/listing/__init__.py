"""Listings: listing pages, feeds and sitemaps read into article links and sightings, and what an incremental crawl fetches again."""
