"""``python -m creatorscout.cli``: the same as ``scout``."""

from creatorscout.cli.main import main

main()
