"""Word forms per language (stems, compounds, clitics), for scoring.

The rules live in :mod:`creatorscout.plugins.morphology`, below scoring, with the text
matching that uses them (:mod:`creatorscout.plugins.matching`); this module keeps the names
scoring has always used.
"""

from creatorscout.plugins.morphology import *  # noqa: F403 - the same names, re-exported
