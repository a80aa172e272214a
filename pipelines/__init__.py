"""Pipelines: validation, content keys, site boilerplate and batched loading into the warehouse."""
