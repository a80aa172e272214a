"""Scrapy spiders: the one generic news spider."""
