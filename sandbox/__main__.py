"""``python -m creatorscout.sandbox --port 0 --creators N --seed S [--fail-every N]``."""

from __future__ import annotations

import argparse

from creatorscout.sandbox.server import run


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m creatorscout.sandbox",
        description="Serve a seeded synthetic creator world in the platforms' API dialects "
                    "on 127.0.0.1. Prints 'sandbox: URL (...)' first, then serves until "
                    "Ctrl-C.",
    )
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--creators", type=int, default=2000, help="people in the world")
    parser.add_argument("--seed", type=int, default=42, help="world seed")
    parser.add_argument("--fail-every", type=int, default=0,
                        help="every Nth API request answers 429 with Retry-After")
    parser.add_argument("--unavailable-every", type=int, default=0,
                        help="every Nth API request answers 503 with Retry-After")
    parser.add_argument("--retry-after", type=int, default=1,
                        help="Retry-After seconds of injected failures")
    parser.add_argument("--rate-limit", type=int, default=1_000_000,
                        help="API requests per server, client and window")
    parser.add_argument("--rate-window", type=int, default=300,
                        help="rate-limit window in seconds")
    parser.add_argument("--bad-text-every", type=int, default=0,
                        help="every Nth API JSON answer has a lone surrogate in display names")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    run(port=args.port, creators=args.creators, seed=args.seed, host=args.host,
        verbose=args.verbose, fail_every=args.fail_every,
        unavailable_every=args.unavailable_every, retry_after=args.retry_after,
        rate_limit=args.rate_limit, rate_window=args.rate_window,
        bad_text_every=args.bad_text_every)


if __name__ == "__main__":
    main()
