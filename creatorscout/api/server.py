"""The app ``scout serve`` hands uvicorn: built in each worker from the settings the
command put in ``CREATORSCOUT_SERVE_CONFIG`` (workers are separate processes)."""

from __future__ import annotations

import json
import os

from fastapi import FastAPI

from creatorscout.api.app import create_app
from creatorscout.api.security import TOKEN_ENV

CONFIG_ENV = "CREATORSCOUT_SERVE_CONFIG"


def app_from_env() -> FastAPI:
    config = json.loads(os.environ.get(CONFIG_ENV) or "{}")
    token = os.environ.get(TOKEN_ENV, "").strip() or None
    return create_app(
        config.get("index_url"), token, host=config.get("host", "127.0.0.1"),
        cors_origins=config.get("cors_origins", []),
        crawl_base_urls=config.get("crawl_base_urls") or None,
        allow_private_hosts=bool(config.get("allow_private_hosts")),
    )
