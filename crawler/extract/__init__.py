"""Extraction: an article page's bytes to a clean record (text, title, authors, dates, language, tags), in worker processes."""
