"""The contract every platform plugin must keep, as a test class to subclass.

::

    from pathlib import Path
    from creatorscout.testing import PlatformContract
    from creatorscout_lemmy import Lemmy

    class TestLemmyContract(PlatformContract):
        platform = Lemmy
        fixtures = Path(__file__).parent / "fixtures" / "lemmy"
        ...

pytest then runs every ``test_contract_*`` method below against the plugin's saved
responses, a replay server and two real crawls. Each failure message names the saved
response and the rule, and says what to fix.

The rules:

* **registered**: the platform is found by the plugin manager (an entry point in the
  ``creatorscout`` group, or a built-in), has a valid name and a base URL;
* **handled**: every saved response is either parsed (2xx) or reported as a refusal
  (non-2xx, or a 2xx the platform uses to refuse); parsing never raises anything but
  :class:`MalformedResponse`; everything returned belongs to the platform, carries
  provenance, and every follow-up request is one the plugin can parse;
* **stable ids**: the same response gives the same ids every time, also when read
  through another base URL (the sandbox, a replay server, another instance);
* **typed counts, None for unknown**: counts are ints or ``None``; when the keys holding
  counts are missing the same objects come back with ``None`` counts, never 0; when they
  hold garbage the plugin keeps the object and counts the repair; a count the platform
  does not publish (not in ``Platform.interactions``, or followers without
  ``has_followers``) is always ``None``;
* **malformed counted, not raised**: garbage in the list of objects is counted in
  ``malformed``, the good objects are kept; a body that is not what the endpoint sends
  raises at most :class:`MalformedResponse`;
* **refusals**: blocked, login required, rate limited and gone are reported as such;
* **pagination terminates**: a platform that always says "there is a next page" is read
  only as far as the crawl's limits allow, and a last page asks for no more;
* **opt-outs honoured**: creators who opted out come back as skips or flagged, never as
  plain creators, and never reach the index (skipped for a platform that declares
  ``has_opt_out = False``);
* **no tokens**: a token from the environment goes in request headers only, never in
  URLs, items, stats or logs;
* **field coverage**: the fields the fixtures fill have not dropped below the baseline;
* **crawl**: a real crawl against the replay server indexes creators with unique ids and
  no plugin errors; a platform that refuses everything is reported as refusing.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import pytest

from creatorscout.config.schema import Niche
from creatorscout.plugins.manager import get_plugin_manager
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.platform import (
    Candidate,
    FetchRequest,
    MalformedResponse,
    ParseResult,
    Platform,
    PlatformSettings,
    RefusalKind,
)
from creatorscout.testing import mutate
from creatorscout.testing.coverage import load_baseline, measure
from creatorscout.testing.crawl import CrawlRun, run_crawl_in_child
from creatorscout.testing.fetch import fetch
from creatorscout.testing.register import registered_plugin
from creatorscout.testing.replay import ReplayServer
from creatorscout.testing.saved import Saved, load_folder, local_base_url, local_url

NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
CREATOR_COUNTS = ("followers", "following", "posts_count")
POST_COUNTS = ("likes", "replies", "reposts", "quotes", "views")
#: A local address nothing listens on: parse-only checks rewrite URLs to it, never fetch.
NOWHERE = "http://127.0.0.1:9"
#: The refusals every platform must classify, by the HTTP status that usually carries them.
GENERIC_REFUSALS: dict[int, RefusalKind] = {
    401: "login_required", 403: "blocked", 404: "gone", 410: "gone", 429: "rate_limited",
}

DEFAULT_NICHE = Niche(
    name="contract-test",
    title="Contract test",
    languages=["en"],
    keywords={"en": ["vegan", "recipe"]},
    hashtags=["vegan"],
)


def _objects(result: ParseResult) -> tuple[list[Creator], list[Post]]:
    creators = list(result.creators)
    creators += [c.creator for c in result.candidates if c.creator is not None]
    return creators, list(result.posts)


def _ids(result: ParseResult) -> set[str]:
    creators, posts = _objects(result)
    return ({c.id for c in creators} | {p.id for p in posts}
            | {c.ref.key for c in result.candidates})


def _fail(problems: list[str], rule: str) -> None:
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        pytest.fail(f"{rule}:\n  {shown}{more}", pytrace=False)


class PlatformContract:
    """Subclass as ``TestXContract`` and set the class attributes below."""

    #: The platform class under test.
    platform: ClassVar[type[Platform]]
    #: Folder of saved responses (the fixture format of :mod:`creatorscout.testing.saved`).
    fixtures: ClassVar[Path]
    #: The niche :meth:`Platform.discover` and the contract crawl use.
    niche: ClassVar[Niche] = DEFAULT_NICHE
    #: ``settings.options`` for the platform (the niche file's ``platforms.<name>``).
    options: ClassVar[dict[str, Any]] = {}
    #: Saved responses of creators who opted out -> (part of) the reason reported.
    opted_out: ClassVar[dict[str, str]] = {}
    #: Saved responses the platform refuses with -> the refusal kind expected.
    refusals: ClassVar[dict[str, RefusalKind]] = {}
    #: Saved full pages that point at a next page (pagination must go on, then stop).
    pages: ClassVar[tuple[str, ...]] = ()
    #: Saved last pages (no further page may be asked for).
    last_pages: ClassVar[tuple[str, ...]] = ()
    #: fnmatch patterns of the JSON keys that hold counts (removed or spoiled by the tests).
    count_keys: ClassVar[tuple[str, ...]] = ("*_count",)
    #: The environment variable the plugin reads a token from, if it takes one.
    token_env: ClassVar[str | None] = None
    #: The committed field-coverage baseline (see :mod:`creatorscout.testing.coverage`).
    coverage_baseline: ClassVar[Path | None] = None
    #: How many creators the contract crawl must index at least.
    min_crawl_creators: ClassVar[int] = 1
    #: Whether the contract crawl must bring back posts (saved under the posts URLs).
    crawl_posts: ClassVar[bool] = True
    #: The limits of the contract crawl (see :meth:`crawl_platform`).
    crawl_max_posts: ClassVar[int] = 10
    crawl_discovery_pages: ClassVar[int] = 1

    # -- overridable helpers --------------------------------------------------------------

    def make_platform(self, base_url: str | None = None, **settings: Any) -> Platform:
        """An instance with the contract's options (and ``base_url``/settings changed)."""
        return self.platform(
            PlatformSettings(base_url=base_url, options=dict(self.options), **settings)
        )

    def saved(self) -> list[Saved]:
        """Every saved response in :attr:`fixtures`."""
        return _load(Path(self.fixtures))

    def saved_named(self, name: str) -> Saved:
        for item in self.saved():
            if item.name == name:
                return item
        known = ", ".join(item.name for item in self.saved())
        raise AssertionError(f"no saved response '{name}' in {self.fixtures}; there are: {known}")

    def crawl_responses(self) -> list[Saved]:
        """What the replay server serves in the contract crawl: by default every saved
        response at its own URL. Override to re-address saved pages to the URLs your
        plugin asks for with :attr:`niche` and :attr:`options`."""
        return self.saved()

    def crawl_platform(self) -> Platform:
        """An instance configured as the contract crawl configures it: use it in
        :meth:`crawl_responses` to know which URLs the crawl will ask for."""
        return self.make_platform(max_posts=self.crawl_max_posts,
                                  discovery_pages=self.crawl_discovery_pages)

    def crawl_niche(self) -> Niche:
        platforms = {**self.niche.platforms, self.platform.name: dict(self.options)}
        return self.niche.model_copy(update={"platforms": platforms})

    # -- internals ----------------------------------------------------------------------------

    def _parsable(self) -> Iterator[tuple[Saved, ParseResult]]:
        """The 2xx saved responses the plugin parses, with their results."""
        platform = self.make_platform()
        for item in self.saved():
            if not item.ok or item.name in self.refusals:
                continue
            try:
                yield item, platform.parse(item.response(platform.name))
            except MalformedResponse:
                continue

    # -- the rules ------------------------------------------------------------------------------

    def test_contract_registered(self) -> None:
        cls = self.platform
        name = getattr(cls, "name", None)
        assert isinstance(name, str) and NAME.match(name), (
            f"{cls.__name__}.name must be a lower-case id such as 'lemmy', got {name!r}"
        )
        base = getattr(cls, "default_base_url", "")
        assert isinstance(base, str) and base.startswith(("https://", "http://")), (
            f"{cls.__name__}.default_base_url must be the live API's https:// URL"
        )
        host = get_plugin_manager()
        found = host.platforms().get(name)
        problems = "; ".join(str(e) for e in host.errors)
        assert found is cls, (
            f"platform '{name}' is not registered by any installed plugin: add an entry point "
            f"in the 'creatorscout' group to your pyproject.toml and `pip install -e .` "
            f"({problems or 'no plugin load errors'})"
        )
        self.make_platform()
        self.make_platform(base_url=local_base_url(base, NOWHERE))

    def test_contract_every_saved_response_is_handled(self) -> None:
        platform = self.make_platform()
        problems: list[str] = []
        assert self.saved(), f"{self.fixtures}: no saved responses (*.json)"
        for item in self.saved():
            response = item.response(platform.name)
            refusal = platform.refusal(response)
            if item.name in self.refusals or not item.ok:
                if refusal is None:
                    problems.append(f"{item.name}: HTTP {item.status} was not reported as a "
                                    "refusal; return a Refusal from refusal()")
                continue
            if refusal is not None:
                problems.append(f"{item.name}: a 2xx response was reported as a refusal "
                                f"({refusal.kind}); add it to `refusals` if it is one")
                continue
            try:
                result = platform.parse(response)
            except MalformedResponse:
                continue
            except Exception as exc:
                problems.append(f"{item.name}: parse raised {type(exc).__name__}: {exc} "
                                "(count bad objects in `malformed`; raise MalformedResponse "
                                "only for a body that is unusable as a whole)")
                continue
            problems += self._check_result(platform, item, result)
        _fail(problems, "saved responses not handled as the contract says")

    def _check_result(self, platform: Platform, item: Saved, result: ParseResult) -> list[str]:
        name = platform.name
        problems: list[str] = []
        creators, posts = _objects(result)
        for obj in [*creators, *posts]:
            kind = type(obj).__name__
            if obj.platform != name:
                problems.append(f"{item.name}: {kind} {obj.id} has platform {obj.platform!r}")
            if obj.provenance.platform != name or obj.provenance.source_url != item.url:
                problems.append(f"{item.name}: {kind} {obj.id}: provenance must name platform "
                                f"'{name}' and source_url {item.url} (use self.provenance(url))")
            counts = CREATOR_COUNTS if isinstance(obj, Creator) else POST_COUNTS
            for field in counts:
                value = getattr(obj, field)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    problems.append(f"{item.name}: {kind} {obj.id}.{field} is {value!r}")
        for post in posts:
            if not post.creator_id.startswith(f"{name}:"):
                problems.append(f"{item.name}: post {post.id} has creator_id {post.creator_id!r}"
                                f"; it must be the author's stable id '{name}:...'")
        for candidate in result.candidates:
            if candidate.ref.platform != name:
                problems.append(f"{item.name}: candidate {candidate.ref.key} of another platform")
        for request in result.requests:
            if request.platform != name or not platform.owns_url(request.url):
                problems.append(f"{item.name}: follow-up request {request.url} is not one "
                                f"'{name}' parses (owns_url() says no)")
        return problems

    def test_contract_ids_are_stable(self) -> None:
        here = self.make_platform()
        elsewhere = self.make_platform(
            base_url=local_base_url(self.platform.default_base_url, NOWHERE)
        )
        problems = []
        for item, first in self._parsable():
            again = here.parse(item.response(here.name))
            moved = elsewhere.parse(item.response(here.name, url=local_url(item.url, NOWHERE)))
            if not (_ids(first) == _ids(again) == _ids(moved)):
                problems.append(
                    f"{item.name}: ids differ between parses or base URLs: "
                    f"{sorted(_ids(first) ^ _ids(moved))[:5]} (build ids from the platform's "
                    "own stable identifiers, never from the URL you read them at)"
                )
        _fail(problems, "ids are not stable")

    def test_contract_unknown_counts_are_none(self) -> None:
        platform = self.make_platform()
        problems: list[str] = []
        touched = 0
        for item, before in self._parsable():
            body, removed = mutate.drop_keys(item.body, self.count_keys)
            if not removed:
                continue
            touched += 1
            try:
                after = platform.parse(item.response(platform.name, body=body))
            except Exception as exc:
                problems.append(f"{item.name}: without its count keys, parse raised "
                                f"{type(exc).__name__}: {exc}")
                continue
            if _ids(after) != _ids(before):
                problems.append(f"{item.name}: without count keys the plugin dropped objects "
                                f"{sorted(_ids(before) - _ids(after))[:5]}; a missing count "
                                "is unknown (None), not a broken object")
            problems += _known_counts(item.name, after, "with its count keys removed")
        assert touched, (
            f"count_keys {self.count_keys} matched no key in the saved responses; set "
            "`count_keys` to the patterns of the JSON keys that hold counts"
        )
        _fail(problems, "a count the platform did not send must be None, never 0")

    def test_contract_unpublished_counts_are_none(self) -> None:
        cls = self.platform
        problems: list[str] = []
        for item, result in self._parsable():
            creators, posts = _objects(result)
            for creator in creators:
                if not cls.has_followers and creator.followers is not None:
                    problems.append(
                        f"{item.name}: creator {creator.id}.followers is {creator.followers!r}, "
                        "but the platform declares has_followers = False"
                    )
            for post in posts:
                for field in POST_COUNTS:
                    value = getattr(post, field)
                    if field not in cls.interactions and value is not None:
                        problems.append(
                            f"{item.name}: post {post.id}.{field} is {value!r}, but the "
                            f"platform's interactions are {sorted(cls.interactions)}"
                        )
        _fail(problems, "a count the platform does not publish must be None, never invented "
                        "(or declare it in `interactions` / `has_followers`)")

    def test_contract_spoiled_counts_are_repaired(self) -> None:
        platform = self.make_platform()
        problems: list[str] = []
        for item, before in self._parsable():
            body, replaced = mutate.replace_values(item.body, self.count_keys, "n/a")
            if not replaced or not _ids(before):
                continue
            try:
                after = platform.parse(item.response(platform.name, body=body))
            except Exception as exc:
                problems.append(f"{item.name}: counts set to 'n/a' made parse raise "
                                f"{type(exc).__name__}: {exc}")
                continue
            creators, posts = _objects(before)
            if (creators or posts) and after.repaired + after.malformed == 0:
                problems.append(f"{item.name}: counts set to 'n/a' were neither repaired nor "
                                "counted malformed (count them in ParseResult.repaired)")
            problems += _known_counts(item.name, after, "with counts set to 'n/a'")
        _fail(problems, "unreadable counts must become None and be counted")

    def test_contract_malformed_objects_are_counted(self) -> None:
        platform = self.make_platform()
        problems: list[str] = []
        for item, before in self._parsable():
            lists = list(mutate.object_lists(item.body))
            for path in lists:
                where = "/".join(path) or "the body"
                body = mutate.with_garbage(item.body, path)
                try:
                    after = platform.parse(item.response(platform.name, body=body))
                except Exception as exc:
                    problems.append(f"{item.name}: garbage in {where} made parse raise "
                                    f"{type(exc).__name__}: {exc}")
                    continue
                if not _ids(before) <= _ids(after):
                    problems.append(f"{item.name}: garbage in {where} lost good objects")
                main = max(lists, key=lambda p: _list_at(item.body, p))
                produced = sum(len(x) for x in _objects(before)) + len(before.candidates)
                if path == main and produced >= 2 and after.malformed <= before.malformed:
                    problems.append(f"{item.name}: {len(mutate.GARBAGE)} garbage objects in "
                                    f"{where} were not counted in ParseResult.malformed")
        platform_name = platform.name
        for item in self.saved():
            if not item.ok or item.name in self.refusals:
                continue
            for body in ("<html><body>Sign in</body></html>", None, "null", "{}", "[]"):
                try:
                    platform.parse(item.response(platform_name, body=body))
                except MalformedResponse:
                    pass
                except Exception as exc:
                    problems.append(f"{item.name}: body {body!r} made parse raise "
                                    f"{type(exc).__name__}: {exc} (raise MalformedResponse)")
            break  # one endpoint's worth of whole-body damage is enough per class
        _fail(problems, "malformed data must be counted, not raised")

    def test_contract_refusals_are_reported(self) -> None:
        platform = self.make_platform()
        problems = []
        for name, kind in self.refusals.items():
            item = self.saved_named(name)
            refusal = platform.refusal(item.response(platform.name))
            if refusal is None or refusal.kind != kind:
                got = refusal.kind if refusal else "no refusal (an empty result)"
                problems.append(f"{name}: expected a '{kind}' refusal, got {got}")
        url = next((i.url for i in self.saved() if i.ok), self.platform.default_base_url)
        for status, kind in GENERIC_REFUSALS.items():
            item = Saved(url=url, status=status, body={"error": "refused"})
            refusal = platform.refusal(item.response(platform.name))
            if refusal is None or refusal.kind != kind:
                got = refusal.kind if refusal else "no refusal"
                problems.append(f"HTTP {status}: expected a '{kind}' refusal, got {got}")
        _fail(problems, "refusals must be reported as such, never as empty results")

    def test_contract_pagination_terminates(self) -> None:
        problems: list[str] = []
        for name in self.pages:
            problems += self._walk_pages(self.saved_named(name))
        for name in self.last_pages:
            item = self.saved_named(name)
            platform = self.make_platform()
            request = item.fetch_request(platform.name)
            result = platform.parse(item.response(platform.name))
            more = [r.url for r in result.requests if _continues(request, r)]
            if more:
                problems.append(f"{name}: a last page asked for more: {more[0]}")
        assert self.pages, "declare at least one saved page that points at a next page (`pages`)"
        _fail(problems, "pagination must stop")

    def _walk_pages(self, item: Saved) -> list[str]:
        """Serve ``item`` for every query on its path (the next page never ends) and follow
        the plugin's next-page requests: they must stop within the crawl's limits."""
        probe = self.make_platform().parse(item.response(self.platform.name))
        per_page = max(1, len(probe.posts))
        max_posts, pages = 3 * per_page, 3
        bound = (max_posts + 1) if item.request.purpose == "posts" else pages
        with ReplayServer() as server:
            server.add(item, any_query=True)
            platform = self.make_platform(
                base_url=server.base_url(self.platform.default_base_url),
                max_posts=max_posts, discovery_pages=pages,
            )
            queue = [item.fetch_request(platform.name, url=server.local(item.url))]
            walked = 0
            while queue and walked <= bound + 5:
                request = queue.pop(0)
                walked += 1
                response = fetch(request)
                if platform.refusal(response) is not None:
                    break
                result = platform.parse(response)
                queue += [r for r in result.requests if _continues(request, r)]
        if walked > bound:
            return [f"{item.name}: read {walked} pages of an endless listing; stop at the "
                    f"crawl's limits (max_posts={max_posts}, discovery_pages={pages})"]
        if walked < 2:
            return [f"{item.name}: declared as a page with a next page, but the plugin never "
                    "asked for the next page"]
        return []

    def test_contract_opt_outs_are_honoured(self) -> None:
        if not self.platform.has_opt_out:
            pytest.skip("the platform declares no opt-out signal (has_opt_out = False)")
        assert self.opted_out, (
            "declare at least one saved response of a creator who opted out (`opted_out`), "
            "or set has_opt_out = False on a platform that has no way to say 'leave me alone'"
        )
        platform = self.make_platform()
        problems = []
        for name, reason in self.opted_out.items():
            item = self.saved_named(name)
            result = platform.parse(item.response(platform.name))
            creators, _ = _objects(result)
            flagged = [c for c in creators if c.flags.opted_out]
            plain = [c.id for c in creators if not c.flags.opted_out]
            reasons = [s.reason for s in result.skipped]
            reasons += [c.flags.opt_out_reason or "" for c in flagged]
            if not any(reason in r for r in reasons):
                problems.append(f"{name}: no skip or opted-out creator with reason '{reason}' "
                                f"(got {reasons or 'nothing'})")
            if plain:
                problems.append(f"{name}: returned {plain} as creators to keep")
        _fail(problems, "creators' opt-outs must be honoured")

    def test_contract_tokens_stay_out_of_items(self, monkeypatch: pytest.MonkeyPatch) -> None:
        if self.token_env is None:
            pytest.skip("the plugin declares no token_env")
        canary = f"canary-{uuid.uuid4().hex}"
        monkeypatch.setenv(self.token_env, canary)
        platform = self.make_platform()
        requests: list[FetchRequest] = list(platform.discover(self.niche))
        texts: list[str] = []
        for _, result in self._parsable():
            creators, _ = _objects(result)
            requests += result.requests
            for creator in creators[:3]:
                requests += list(platform.posts_requests(creator))
            if result.candidates:
                requests += list(platform.profile_requests(result.candidates[:1]))
            texts.append(result.model_dump_json(exclude={"requests"}))
        problems = [f"request {r.url}: the token is in its URL or context" for r in requests
                    if canary in r.url or canary in json.dumps(r.context, default=str)]
        problems += ["a parse result holds the token" for text in texts if canary in text]
        if not any(canary in value for r in requests for value in r.headers.values()):
            problems.append(f"no request carries the token from ${self.token_env} in a header")
        _fail(problems, "tokens belong in request headers only")

    def test_contract_field_coverage_has_not_dropped(self) -> None:
        if self.coverage_baseline is None:
            pytest.skip("no coverage_baseline declared")
        coverage = measure(self.make_platform(), self.saved())
        _fail(coverage.errors, "saved responses the plugin cannot parse")
        baseline = load_baseline(Path(self.coverage_baseline)).get(self.platform.name)
        fix = (f"scout plugins check --fixtures {self.platform.name}={self.fixtures} "
               f"--baseline {self.coverage_baseline} --update-baseline")
        assert baseline is not None, f"no baseline for '{self.platform.name}'; create it: {fix}"
        drops = coverage.drops(baseline)
        _fail([f"{field} is no longer filled by any saved response" for field in drops],
              f"field coverage dropped (if intended, update the baseline: {fix})")

    # -- real crawls ---------------------------------------------------------------------------

    def _crawl(self, server: ReplayServer, **env: str) -> CrawlRun:
        name = self.platform.name
        with ExitStack() as stack:
            if get_plugin_manager().platforms().get(name) is not self.platform:
                stack.enter_context(registered_plugin(self.platform))
            return run_crawl_in_child(
                self.crawl_niche(), platforms=[name],
                base_urls={name: server.base_url(self.platform.default_base_url)},
                env=env, max_creators=20, max_posts=self.crawl_max_posts,
                discovery_pages=self.crawl_discovery_pages, check=False,
            )

    @pytest.mark.crawl
    def test_contract_crawl(self) -> None:
        env = {self.token_env: f"canary-{uuid.uuid4().hex}"} if self.token_env else {}
        skipped = set()
        for _, result in self._parsable():
            skipped |= {s.key for s in result.skipped}
            skipped |= {c.id for c in _objects(result)[0] if c.flags.opted_out}
        with ReplayServer(self.crawl_responses()) as server:
            run = self._crawl(server, **env)
            misses = [f"{hit.method} {hit.path}" for hit in server.misses][:5]
        name = self.platform.name
        assert run.stats.get("finish_reason") == "finished", run.log[-3000:]
        assert run.returncode != 2, f"the contract crawl could not start: {run.errors}"
        assert len(run.items) >= self.min_crawl_creators, (
            f"the contract crawl indexed {len(run.items)} creators; make crawl_responses() "
            f"answer the URLs the plugin asks for (unanswered: {misses})"
        )
        problems = []
        if self.crawl_posts and not any(item.posts for item in run.items):
            problems.append(f"no indexed creator has posts; save pages at the posts URLs "
                            f"the plugin asks for (unanswered: {misses})")
        if len(set(run.ids)) != len(run.ids):
            problems.append(f"duplicate ids in the index: {run.ids}")
        problems += [f"{i.id}: opted out, yet indexed" for i in run.items if i.id in skipped]
        problems += [f"{i.id}: indexed for platform {i.creator.platform}" for i in run.items
                     if i.creator.platform != name]
        failed = run.stats_under(f"plugin_errors/{name}")
        if failed:
            calls = ", ".join(f"{method}() {n}x" for method, n in sorted(failed.items()))
            problems.append(f"the plugin raised in {calls}: see {run.folder / 'crawl.log'}")
        if run.stats.get("spider_exceptions/count"):
            problems.append(f"the crawl raised inside Scrapy: see {run.folder / 'crawl.log'}")
        for secret in env.values():
            for where, text in (("log", run.log), ("stats", json.dumps(run.stats)),
                                ("items", " ".join(i.model_dump_json() for i in run.items))):
                if secret in text:
                    problems.append(f"the token from ${self.token_env} appears in the {where}")
        _fail(problems, "the contract crawl broke the rules")

    @pytest.mark.crawl
    def test_contract_refused_crawl_is_reported(self) -> None:
        blocked = Saved(url="/", status=403, body={"error": "blocked"})
        with ReplayServer(fallback=blocked) as server:
            run = self._crawl(server)
        name = self.platform.name
        assert run.stats.get("finish_reason") == "finished", run.log[-3000:]
        _fail([f"the plugin raised in {m}() {n}x" for m, n in
               sorted(run.stats_under(f"plugin_errors/{name}").items())],
              "a refused crawl made the plugin raise")
        assert run.items == []
        assert run.stat(f"refused/{name}/blocked") >= 1, (
            f"a platform answering 403 to everything was not counted as refusing: "
            f"{run.stats_under('refused')}"
        )


def _known_counts(name: str, result: ParseResult, how: str) -> list[str]:
    creators, posts = _objects(result)
    problems = []
    for obj in [*creators, *posts]:
        fields = CREATOR_COUNTS if isinstance(obj, Creator) else POST_COUNTS
        known = {f: getattr(obj, f) for f in fields if getattr(obj, f) is not None}
        if known:
            problems.append(f"{name} {how}: {obj.id} still has counts {known}")
    return problems


def _list_at(body: Any, path: tuple[str, ...]) -> int:
    node = body
    for key in path:
        node = node[key]
    return len(node) if isinstance(node, list) else 0


def _continues(request: FetchRequest, follow: FetchRequest | Candidate) -> bool:
    """Is ``follow`` the next page of ``request`` (same purpose, same creator)?"""
    return (isinstance(follow, FetchRequest) and follow.purpose == request.purpose
            and follow.creator_id == request.creator_id)


@cache
def _load(folder: Path) -> list[Saved]:
    return load_folder(folder)
