"""How many examples the property-based tests draw: all of them in `make test` (CI), a
fifth in the quick loop (`make check` sets ``CREATORSCOUT_QUICK_TESTS=1``).

The quick loop runs every test, only the generated ones with fewer cases; the full counts
run in CI on every change, with the same fixed seeds.
"""

from __future__ import annotations

import os

QUICK = os.environ.get("CREATORSCOUT_QUICK_TESTS", "") not in ("", "0")


def examples(full: int) -> int:
    """``full``, or a fifth of it (at least 5) in the quick loop."""
    return max(5, full // 5) if QUICK else full
