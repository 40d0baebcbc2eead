"""Reddit objects (accounts ``t2``, links ``t3``, subreddits ``t5``, Listings) rendered from
the world, in the shapes of www.reddit.com/dev/api (the JSON the OAuth API serves with
``raw_json=1``: no HTML entities in text).

How the world becomes Reddit, deterministically:

* who has an account: one person in five (the username is the person's slug); suspended
  people are ``is_suspended`` stubs, deleted ones are gone (404); people who chose
  ``noindex`` have ``hide_from_robots: true`` on their profile;
* one subreddit per community (``r/vegancooking``...); a person's original posts about a
  community are submissions there: score = favourites, comments = replies, ``over_18`` =
  the post's sensitive flag; a boost of a post by someone on Reddit is a crosspost of it;
* the profile's followers are the world's followers divided by 4
  (``subreddit.subscribers`` of the user's profile subreddit ``u_NAME``); karma from the
  posts; the profile's public description is the Mastodon bio plus the person's website.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from random import Random
from typing import Any, Final

from creatorscout.sandbox.github_render import plain_text
from creatorscout.sandbox.people import DAY, Person
from creatorscout.sandbox.posts import Post
from creatorscout.sandbox.presence import presence
from creatorscout.sandbox.vocab import COMMUNITIES, INSTANCES
from creatorscout.sandbox.world import World

WEB: Final = "https://www.reddit.com"
SCALE: Final = 4
MAX_POSTS: Final = 100
_BASE36: Final = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(value: int) -> str:
    out = ""
    while True:
        value, digit = divmod(value, 36)
        out = _BASE36[digit] + out
        if not value:
            return out


def subreddit_name(community: str) -> str:
    """``vegan-cooking`` -> ``vegancooking``."""
    return community.replace("-", "")


SUBREDDITS: Final = {subreddit_name(c.name): c.name for c in COMMUNITIES}


@lru_cache(maxsize=200_000)
def on_reddit(world: World, index: int) -> bool:
    if not 0 <= index < len(world.people) or world.people[index].bot:
        return False
    return Random(f"{world.seed}:{index}:reddit").random() < 0.2


def reddit_people(world: World) -> list[int]:
    return [p.index for p in world.people if on_reddit(world, p.index)]


class RedditRenderer:
    """Renders world objects as oauth.reddit.com serves them."""

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.sandbox = base_url.rstrip("/")

    @staticmethod
    def account_id(index: int) -> str:
        return b36(1_000_000 + index)

    def username(self, index: int) -> str:
        return presence(self.world, index).slug

    @staticmethod
    def post_id(post: Post) -> str:
        return b36(60_000_000 + post.author * 1000 + post.number)

    def followers(self, person: Person) -> int:
        return person.followers // SCALE

    def submissions(self, index: int) -> list[Post]:
        """The person's posts on Reddit, newest first: originals about a community and
        crossposts of Reddit users' originals."""
        found = []
        for post in self.world.posts(index):
            if post.kind == "post" and post.community:
                found.append(post)
            elif post.kind == "reblog" and post.reblog_of is not None \
                    and on_reddit(self.world, post.reblog_of[0]):
                original = self.world.post(*post.reblog_of)
                if original.kind == "post" and original.community:
                    found.append(post)
        found.sort(key=lambda p: p.sec, reverse=True)
        return found[:MAX_POSTS]

    def karma(self, index: int) -> tuple[int, int]:
        link = sum(p.favourites for p in self.submissions(index) if p.kind == "post")
        comment = sum(p.replies for p in self.world.posts(index)) * 3
        return link, comment

    def about(self, index: int) -> dict[str, Any]:
        """``/user/NAME/about``: a ``t2`` thing (a stub when suspended)."""
        person = self.world.people[index]
        name = self.username(index)
        if person.suspended:
            return {"kind": "t2", "data": {"name": name, "is_suspended": True,
                                           "awardee_karma": 0, "awarder_karma": 0,
                                           "is_blocked": False, "total_karma": 0}}
        link, comment = self.karma(index)
        found = presence(self.world, index)
        bio = plain_text(self.world, self.world.profile(index).bio)
        description = "\n".join(x for x in (bio, f"More: {found.website}" if found.website
                                             else "", f"Mastodon: {self.sandbox}/mastodon/"
                                             f"{INSTANCES[person.instance]}/@{person.username}")
                                if x)
        icon = f"https://styles.redditmedia.com/t5_{b36(index)}/styles/profileIcon_sbx.png"
        created = float(person.created_sec - 300 * DAY)
        return {"kind": "t2", "data": {
            "is_employee": False, "has_visited_new_profile": True, "is_friend": False,
            "pref_no_profanity": True, "has_external_account": False,
            "pref_geopopular": "", "pref_show_trending": True,
            "subreddit": {
                "default_set": True, "user_is_contributor": None, "banner_img": "",
                "restrict_posting": True, "user_is_banned": None, "free_form_reports": True,
                "community_icon": None, "show_media": True, "icon_color": "",
                "user_is_muted": None, "display_name": f"u_{name}", "header_img": None,
                "title": person.display_name, "coins": 0, "previous_names": [],
                "over_18": False, "icon_size": [256, 256], "primary_color": "",
                "icon_img": icon, "description": "", "submit_link_label": "",
                "header_size": None, "restrict_commenting": False,
                "subscribers": self.followers(person), "submit_text_label": "",
                "is_default_icon": False, "link_flair_position": "",
                "display_name_prefixed": f"u/{name}", "key_color": "",
                "name": f"t5_{b36(2_000_000 + index)}", "is_default_banner": True,
                "url": f"/user/{name}/", "quarantine": False, "banner_size": None,
                "user_is_moderator": None, "accept_followers": True,
                "public_description": description, "link_flair_enabled": False,
                "disable_contributor_requests": False, "subreddit_type": "user",
                "user_is_subscriber": None},
            "snoovatar_size": None, "awardee_karma": 0, "id": self.account_id(index),
            "verified": True, "is_gold": False, "is_mod": False, "awarder_karma": 0,
            "has_verified_email": True, "icon_img": icon,
            "hide_from_robots": person.noindex, "link_karma": link,
            "is_blocked": False, "total_karma": link + comment, "pref_show_snoovatar": False,
            "name": name, "created": created, "created_utc": created,
            "snoovatar_img": "", "comment_karma": comment, "accept_followers": True,
            "has_subscribed": True}}

    def link(self, post: Post) -> dict[str, Any]:
        """A ``t3`` thing (a submission)."""
        index = post.author
        name = self.username(index)
        source = post
        crosspost = post.kind == "reblog" and post.reblog_of is not None
        if crosspost and post.reblog_of is not None:
            source = self.world.post(*post.reblog_of)
        community = source.community or "vegan-cooking"
        sub = subreddit_name(community)
        text = plain_text(self.world, source.segments)
        title = text if len(text) <= 120 else text[:119].rstrip() + "…"
        ident = self.post_id(post)
        permalink = f"/r/{sub}/comments/{ident}/{sub}_{post.number}/"
        data: dict[str, Any] = {
            "approved_at_utc": None, "subreddit": sub, "selftext": text,
            "author_fullname": f"t2_{self.account_id(index)}", "saved": False,
            "gilded": 0, "clicked": False, "title": title, "subreddit_name_prefixed":
            f"r/{sub}", "hidden": False, "pwls": 6, "downs": 0, "hide_score": False,
            "name": f"t3_{ident}", "quarantine": False, "upvote_ratio": 0.97,
            "subreddit_type": "public", "ups": 0 if crosspost else post.favourites,
            "total_awards_received": 0, "is_original_content": False,
            "is_reddit_media_domain": False, "is_meta": False, "category": None,
            "link_flair_text": None, "can_mod_post": False,
            "score": 0 if crosspost else post.favourites, "approved_by": None,
            "is_created_from_ads_ui": False, "author_premium": False, "thumbnail": "self",
            "edited": False, "post_hint": "self", "is_self": True,
            "created": float(post.sec), "link_flair_type": "text", "wls": 6,
            "domain": f"self.{sub}", "allow_live_comments": False,
            "likes": None, "suggested_sort": None, "view_count": None, "archived": False,
            "no_follow": False, "is_crosspostable": True, "pinned": False,
            "over_18": post.sensitive, "all_awardings": [], "awarders": [],
            "media_only": False, "can_gild": False, "spoiler": bool(post.spoiler_text),
            "locked": False, "author_flair_text": None, "visited": False,
            "removed_by": None, "num_reports": None, "distinguished": None,
            "subreddit_id": f"t5_{b36(SUBREDDIT_IDS[sub])}", "author_is_blocked": False,
            "mod_reason_by": None, "removal_reason": None, "link_flair_background_color": "",
            "id": ident, "is_robot_indexable": True, "report_reasons": None,
            "author": name, "discussion_type": None,
            "num_comments": 0 if crosspost else post.replies,
            "send_replies": True, "contest_mode": False,
            "author_patreon_flair": False, "author_flair_text_color": None,
            "permalink": permalink, "stickied": False,
            "url": f"{WEB}{permalink}", "subreddit_subscribers": 48211,
            "created_utc": float(post.sec), "num_crossposts": 0, "media": None,
            "is_video": False, "lang": post.language,
        }
        if crosspost and post.reblog_of is not None:
            original = self.link(source)
            data["crosspost_parent"] = original["data"]["name"]
            data["crosspost_parent_list"] = [original["data"]]
            data["url"] = f"{WEB}{original['data']['permalink']}"
            data["selftext"] = ""
        if post.malformed == "missing_id":
            del data["id"]
            del data["name"]
        elif post.malformed == "bad_count":
            data["num_comments"] = "n/a"
        return {"kind": "t3", "data": data}

    def subreddit(self, name: str) -> dict[str, Any]:
        """A ``t5`` thing (a search hit)."""
        community = SUBREDDITS[name]
        members = sum(1 for p in self.world.people
                      if any(COMMUNITIES[c].name == community for c in p.communities))
        return {"kind": "t5", "data": {
            "display_name": name, "title": community.replace("-", " ").title(),
            "display_name_prefixed": f"r/{name}", "name": f"t5_{b36(SUBREDDIT_IDS[name])}",
            "id": b36(SUBREDDIT_IDS[name]), "public_description":
            f"Everything about {community.replace('-', ' ')}.",
            "subscribers": members * 37, "over18": False, "subreddit_type": "public",
            "url": f"/r/{name}/", "created_utc": 1300000000.0, "lang": "en",
            "quarantine": False}}


SUBREDDIT_IDS: Final = {
    name: int(hashlib.sha1(name.encode()).hexdigest()[:6], 16) for name in SUBREDDITS}
