"""The Lemmy plugin keeps the contract every creatorscout platform plugin keeps."""

from pathlib import Path

from creatorscout.testing import PlatformContract

from creatorscout_lemmy import Lemmy
from creatorscout_lemmy.platform import TOKEN_ENV

HERE = Path(__file__).parent


class TestLemmyContract(PlatformContract):
    platform = Lemmy
    fixtures = HERE / "fixtures" / "lemmy"
    options = {"instances": ["lemmy.world"], "communities": ["vegan@lemmy.world"]}
    opted_out = {"user_bot": "bot_account: true", "user_nobot": "#nobot in bio"}
    refusals = {
        "error_400_rate_limit": "rate_limited",
        "error_400_couldnt_find_person": "gone",
        "error_400_instance_is_private": "login_required",
        "error_400_site_ban": "blocked",
        "error_403_proxy": "blocked",
    }
    pages = ("search_posts", "community_posts", "user_alice_posts_page1")
    last_pages = ("user_alice_posts_last",)
    count_keys = ("counts",)  # Lemmy keeps every count in a `counts` aggregate
    token_env = TOKEN_ENV
    coverage_baseline = HERE / "field_coverage.json"
