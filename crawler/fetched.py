"""The plugin's view of a Scrapy response, built once, and its refusal, asked once.

The rate-limit middleware and the spider both hand each response to the plugin. The view
(:class:`FetchResponse`: headers decoded, body referenced) and the plugin's answer to
``refusal()`` are kept in the request's meta, tied to the very response they were built
from by a weak reference, so a retried request's copied meta never serves a stale view,
and a plugin whose ``refusal()`` raises is counted once, not once per reader.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from scrapy.http import Request, Response
from scrapy.statscollectors import StatsCollector

from creatorscout.crawler.guard import PluginFailed, guarded
from creatorscout.plugins.platform import FetchRequest, FetchResponse, Platform, Refusal

KEY = "creatorscout_fetched"


@dataclass
class _View:
    response: weakref.ref[Response]
    fetched: FetchResponse
    asked: bool = False
    refusal: Refusal | None = None
    failed: bool = False

    def __reduce__(self) -> tuple[type[None], tuple[()]]:
        # A retried request carries its meta, this view included, and a shared crawl's
        # frontier pickles requests into Redis (crawler/frontier.py): a weak reference
        # cannot be pickled, and the view belongs to one response of one process anyway.
        # It is pickled as None, which _view() rebuilds from the next response.
        return (type(None), ())


def _view(request: Request, response: Response) -> _View | None:
    # request.meta, not response.meta: downloader middlewares see a response before
    # Scrapy ties it to its request.
    meta = request.meta
    cached = meta.get(KEY)
    if isinstance(cached, _View) and cached.response() is response:
        return cached
    fetch = meta.get("fetch")
    if not isinstance(fetch, FetchRequest):
        return None
    headers = {
        key.decode("latin-1").lower(): values[-1].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }
    fetched = FetchResponse(url=response.url, status=response.status, headers=headers,
                            body=response.body, request=fetch)
    view = _View(response=weakref.ref(response), fetched=fetched)
    meta[KEY] = view
    return view


def fetch_response(request: Request, response: Response) -> FetchResponse | None:
    """The :class:`FetchResponse` of ``response``, or ``None`` when no plugin asked for it."""
    view = _view(request, response)
    return view.fetched if view is not None else None


def refusal_of(
    stats: StatsCollector | None, platform: Platform, request: Request, response: Response
) -> Refusal | None:
    """``platform.refusal()`` of ``response``, guarded and asked once per response.

    :raises PluginFailed: when the plugin raised (counted the first time only).
    """
    view = _view(request, response)
    if view is None:
        return None
    if not view.asked:
        view.asked = True
        try:
            view.refusal = guarded(stats, platform, "refusal", response.url,
                                   platform.refusal, view.fetched)
        except PluginFailed:
            view.failed = True
    if view.failed:
        raise PluginFailed("refusal")
    return view.refusal
