"""What each page of ``gleaner serve`` shows, read on an open read-only connection.

One module per group of pages; every function returns JSON-ready data (timestamps as ISO 8601
strings), which the HTML templates and the JSON views share.
"""
