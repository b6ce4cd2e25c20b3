"""How long a list answer may be, apart from the list models of ``listings.py`` (quotes, contracts,
needs, account requests), so that a reader that lists something else (perimeter_reads: billing
accounts) does not load those models."""

MAX_ROWS = 200  # every list answers at most this many rows, newest first; `truncated` says when more exist
