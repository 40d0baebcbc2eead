"""The application layer's command line, ``scout``: the only layer (with the API and the web
page) that may wire the crawler, the index, the sandbox and the test kit together."""

from creatorscout.cli.main import main

__all__ = ["main"]
