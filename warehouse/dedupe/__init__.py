"""Dedupe decisions: exact keys planned per batch, and near-duplicates by MinHash LSH confirmed by shingle similarity."""
