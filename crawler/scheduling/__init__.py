"""Scheduled crawls: schedule expressions, each site's effective schedule, and the scheduler loop."""
