"""Items on their way to the loader: ``<item id> <pickled (run id, row)>``.

Rows are the crawl's own types (``Article``, ``Reject``, ``SightingRow``, ``FetchRow``, ...),
pickled as scrapy-redis pickles requests: whoever can write to the Redis server can make the
loader unpickle what it likes, so the server must be reachable by gleaner's processes only
(see docs/shared-crawls.md, "Setting up Redis").
"""

from __future__ import annotations

import pickle
import uuid
from typing import Any


def encode(run_id: str, row: Any) -> bytes:
    """One item for the queue, under a new id."""
    return uuid.uuid4().hex.encode() + b" " + pickle.dumps((run_id, row), protocol=5)


def decode(message: bytes) -> tuple[str, str, Any]:
    """An item from the queue: (item id, run id, row)."""
    item_id, _, payload = message.partition(b" ")
    run_id, row = pickle.loads(payload)
    return item_id.decode(), str(run_id), row
