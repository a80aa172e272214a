"""Batches: how many rows the loader buffers, and for how long, before one warehouse transaction.

Each commit opens the warehouse anew (so readers can get in between batches): fewer, larger
batches cost less per row.
"""

from __future__ import annotations

import os

#: Rows buffered before one warehouse transaction: ``$GLEANER_BATCH_SIZE``, else 2,000.
BATCH_SIZE = int(os.environ.get("GLEANER_BATCH_SIZE") or 2000)

#: Longest wait, in seconds, before buffered rows are committed.
FLUSH_SECONDS = 30.0
