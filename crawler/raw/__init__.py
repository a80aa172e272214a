"""Raw pages: article pages kept as WARC files beside the warehouse, and read back."""
