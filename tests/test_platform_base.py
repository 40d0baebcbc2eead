"""Shared plugin helpers: rate-limit headers, refusals, Link headers, HTML to text."""

from datetime import UTC, datetime

import pytest

from creatorscout.plugins.mastodon import Mastodon
from creatorscout.plugins.platform import (
    FetchRequest,
    FetchResponse,
    parse_rate_limit_headers,
    parse_reset,
    parse_retry_after,
)
from creatorscout.plugins.web import (
    hrefs,
    html_text_and_links,
    html_to_text,
    parse_datetime,
    parse_link_header,
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_mastodon_reset_is_iso8601():
    info = parse_rate_limit_headers({
        "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "2026-11-24T10:05:00.000Z",
    })
    assert info is not None
    assert (info.limit, info.remaining) == (300, 0)
    assert info.reset_at == datetime(2026, 11, 24, 10, 5, tzinfo=UTC)


def test_reset_as_unix_time_or_seconds():
    assert parse_reset("1795000000", NOW) == datetime.fromtimestamp(1795000000, UTC)
    assert (parse_reset("30", NOW) - NOW).total_seconds() == 30
    assert parse_reset("not a date", NOW) is None


def test_retry_after_seconds_and_http_date():
    assert parse_retry_after("7") == 7
    assert parse_retry_after("Tue, 24 Nov 2026 10:00:30 GMT", NOW) == 30
    assert parse_retry_after("soon") is None


def test_no_rate_limit_headers_gives_none():
    assert parse_rate_limit_headers({"content-type": "application/json"}) is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [(401, "login_required"), (403, "blocked"), (404, "gone"), (410, "gone"),
     (429, "rate_limited"), (503, "server_error")],
)
def test_refusals_are_classified(status, kind):
    request = FetchRequest(url="https://m.example/api/v1/x", platform="mastodon",
                           purpose="posts")
    response = FetchResponse(url=request.url, status=status, request=request, body=b"{}")
    refusal = Mastodon().refusal(response)
    assert refusal is not None and refusal.kind == kind


def test_link_header_with_several_rels():
    value = ('<https://m.example/api/v1/accounts/1/statuses?limit=40&max_id=9>; rel="next", '
             '<https://m.example/api/v1/accounts/1/statuses?limit=40&min_id=20>; rel="prev"')
    links = parse_link_header(value)
    assert links["next"].endswith("max_id=9")
    assert links["prev"].endswith("min_id=20")
    assert parse_link_header(None) == {}


def test_html_to_text_keeps_structure_and_rtl():
    html = ('<p>שלום &amp; ברוכים <a href="https://x.example/tags/vegan" class="mention hashtag"'
            ' rel="tag">#<span>vegan</span></a><br />שורה</p><p>مرحبا 🌱</p>')
    assert html_to_text(html) == "שלום & ברוכים #vegan\nשורה\n\nمرحبا 🌱"
    assert html_to_text("") is None and html_to_text(None) is None


def test_hrefs_skip_mentions_and_hashtags():
    html = ('<a href="https://blog.example/">blog</a>'
            '<span class="h-card"><a href="https://m.example/@a" class="u-url mention">@a</a>'
            '</span><a href="https://m.example/tags/x" class="mention hashtag">#x</a>')
    assert hrefs(html) == ["https://blog.example/"]


@pytest.mark.parametrize("html", [
    '<p>Try <a href="https://blog.example/x" rel="nofollow">my blog</a><br>now</p>'
    '<p><a class="mention" href="https://m.example/@a">@a</a> '
    '<a class="hashtag" href="https://m.example/tags/v">#v</a></p>',
    "plain text, no tags",
    "<p></p>",
    "",
    None,
    "<<not html",
])
def test_text_and_links_in_one_parse_equal_the_two_functions(html: str | None) -> None:
    assert html_text_and_links(html) == (html_to_text(html), hrefs(html))


def test_dates():
    assert parse_datetime("2026-11-20") == datetime(2026, 11, 20, tzinfo=UTC)
    assert parse_datetime("2022-11-03T00:00:00.000Z") == datetime(2022, 11, 3, tzinfo=UTC)
    assert parse_datetime(None) is None
    with pytest.raises(ValueError):
        parse_datetime("yesterday")
