"""The world's hashtag table: every tag the vocabularies can produce, with a stable id.

Tags are stored normalised (NFKC, lower case, no ``#``), the way Mastodon matches them
(``Tag.find_normalized``), and keep the casing they were first written with for display
("VeganFood" is written ``#VeganFood`` but is the tag ``veganfood``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from creatorscout.sandbox.vocab import COMMUNITIES, SPONSOR_MARKERS

_HASHTAG_CHARS = re.compile(r"^[\w·]+$")


def normalize_tag(name: str) -> str:
    """``#VeganFood`` -> ``veganfood``; the form tags are compared and looked up in."""
    return unicodedata.normalize("NFKC", name.lstrip("#")).lower()


def is_valid_tag(name: str) -> bool:
    """Whether ``name`` can be a hashtag (letters, marks, digits, underscore)."""
    return bool(name) and bool(_HASHTAG_CHARS.match(name)) and not name.isdigit()


@dataclass
class TagTable:
    """All tags of the vocabularies; ids are positions in :attr:`names`."""

    names: list[str] = field(default_factory=list)
    displays: list[str] = field(default_factory=list)
    by_name: dict[str, int] = field(default_factory=dict)
    by_community: dict[tuple[int, str], tuple[int, ...]] = field(default_factory=dict)
    sponsor_markers: dict[str, tuple[tuple[str, int | None], ...]] = field(default_factory=dict)

    def add(self, display: str) -> int:
        """Register a tag (idempotent) and return its id."""
        name = normalize_tag(display)
        found = self.by_name.get(name)
        if found is not None:
            return found
        self.by_name[name] = len(self.names)
        self.names.append(name)
        self.displays.append(display.lstrip("#"))
        return self.by_name[name]

    def id(self, name: str) -> int | None:
        """The id of a tag by any spelling, or ``None`` when no one in the world uses it."""
        return self.by_name.get(normalize_tag(name))

    def name(self, tag_id: int) -> str:
        """Normalised name of a tag."""
        return self.names[tag_id]

    def display(self, tag_id: int) -> str:
        """The tag as people write it (without ``#``)."""
        return self.displays[tag_id]

    def community_tags(self, community: int, lang: str) -> tuple[int, ...]:
        """The tags a community uses in a language, core tags first."""
        return self.by_community.get((community, lang), ())

    @classmethod
    def build(cls) -> TagTable:
        """Collect the tags of all vocabularies in a fixed order."""
        table = cls()
        for index, community in enumerate(COMMUNITIES):
            for lang, text in community.text.items():
                table.by_community[(index, lang)] = tuple(table.add(t) for t in text.hashtags)
        for lang, markers in SPONSOR_MARKERS.items():
            table.sponsor_markers[lang] = tuple(
                (marker, table.add(marker) if marker.startswith("#") else None)
                for marker in markers
            )
        return table


TAGS: Final = TagTable.build()
"""The one tag table of the sandbox (it depends on the vocabularies only, not on the seed)."""
