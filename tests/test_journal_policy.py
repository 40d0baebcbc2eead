"""The job journal keeps what a GET fetched and never what a sign-in answered: a POST's
answer carries an access token, which must not land on disk in the job directory."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from creatorscout.crawler.journal import JOURNAL_FILE, count_answers, journal_settings


def test_sign_in_answers_are_not_journaled_and_gets_are(tmp_path: Path) -> None:
    crawler = get_crawler(Spider, settings_dict=journal_settings(tmp_path))
    crawler.spider = spider = Spider("journal-test")
    spider.crawler = crawler
    middleware = HttpCacheMiddleware.from_crawler(crawler)
    middleware.spider_opened(spider)
    try:
        sign_in = Request("http://127.0.0.1/xrpc/com.atproto.server.createSession",
                          method="POST", body=b'{"identifier":"a","password":"secret"}')
        token = TextResponse(sign_in.url, body=b'{"accessJwt":"token"}', request=sign_in,
                             encoding="utf-8")
        profile = Request("http://127.0.0.1/xrpc/app.bsky.actor.getProfile?actor=a")
        answer = TextResponse(profile.url, body=b'{"did":"did:plc:a"}', request=profile,
                              encoding="utf-8")
        for request, response in ((sign_in, token), (profile, answer)):
            assert middleware.process_request(request) is None  # nothing journaled yet
            middleware.process_response(request, response)
        assert count_answers(tmp_path / JOURNAL_FILE) == 1
        assert middleware.process_request(sign_in) is None  # asked again on resume
        replayed = middleware.process_request(profile)
        assert replayed is not None and replayed.body == answer.body
        assert b"token" not in (tmp_path / JOURNAL_FILE).read_bytes()
    finally:
        middleware.spider_closed(spider)
