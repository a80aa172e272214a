"""Site boilerplate: paragraphs a site repeats on many pages, learned per batch and removed from its texts."""
