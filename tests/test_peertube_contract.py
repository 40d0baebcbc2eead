"""The built-in PeerTube plugin passes the same contract tests every plugin must pass."""

from __future__ import annotations

from pathlib import Path

from creatorscout.plugins.peertube import PeerTube
from creatorscout.testing import PlatformContract, Saved
from creatorscout.testing.saved import SavedRequest

FIXTURES = Path(__file__).parent / "fixtures" / "peertube"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestPeerTubeContract(PlatformContract):
    platform = PeerTube
    fixtures = FIXTURES
    # Channel search for the niche's first keyword on one instance, so the contract crawl
    # needs only the saved pages below.
    options = {
        "instances": ["video.vegan.example"],
        "search_videos": False,
        "tag_videos": False,
        "max_search_terms": 1,
    }
    # search_channels also skips a #nobot channel, but keeps others from the same page.
    opted_out = {"channel_noindex": "#noindex"}
    refusals = {
        "error_400_count": "server_error",
        "error_403_follow_constraints": "blocked",
        "error_404": "gone",
        "error_429": "rate_limited",
        "error_500_search_index": "server_error",
    }
    pages = ("search_channels", "search_videos", "channel_videos_page1")
    last_pages = ("videos_tags", "search_channels_index", "channel_videos_last")
    # Actors: followersCount, followingCount, videosCount; videos: views, likes, comments.
    count_keys = ("*Count", "views", "likes", "dislikes", "comments")
    min_crawl_creators = 2  # the local channel and the remote one read on its host
    coverage_baseline = BASELINE
    # No token_env: the plugin reads public endpoints only and takes no token.

    def crawl_responses(self) -> list[Saved]:
        """Channel search answers 'vegan' with the saved page: the local channel comes
        with it, the remote one is read on its own host (the older server's saved
        channel). The local channel's videos are the saved first page, then the last page
        where the plugin asks for the rest; the remote channel's are its host's one page."""
        platform = self.crawl_platform()
        [search] = list(platform.discover(self.crawl_niche()))
        hits = self.saved_named("search_channels")
        served = [hits.at(search.url)]
        found = platform.parse(hits.response(platform.name, url=search.url))
        home = self.saved_named("channel_old_server")
        creators = [c.creator for c in found.candidates if c.creator is not None]
        for request in platform.profile_requests(
                [c for c in found.candidates if c.creator is None]):
            served.append(home.at(request.url))
            creators += platform.parse(home.response(platform.name, url=request.url)).creators
        videos = {
            "video.vegan.example": ["channel_videos_page1", "channel_videos_last"],
            "tube.gruene.example": ["channel_videos_old_server"],
        }
        for creator in creators:
            requests = list(platform.posts_requests(creator))
            for name in videos[creator.lookup["host"]]:
                [request] = requests  # one request per page: the first, then the next
                page = self.saved_named(name).at(request.url, request=SavedRequest(
                    purpose=request.purpose, creator_id=request.creator_id,
                    context=request.context))
                served.append(page)
                requests = platform.parse(page.response(platform.name)).requests
            assert not requests, f"{creator.id}: the saved pages end before the plugin stops"
        return served
