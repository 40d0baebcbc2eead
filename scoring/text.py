"""Multilingual text analysis and niche-term matching, for scoring.

The rules live in :mod:`creatorscout.plugins.matching`, below scoring, so that plugins match
niche terms exactly as the crawler and scoring do (a Bluesky follows filter, a directory
filter) without importing scoring. This module keeps the names scoring has always used.
"""

from creatorscout.plugins.matching import *  # noqa: F403 - the same names, re-exported
from creatorscout.plugins.matching import __all__ as __all__
