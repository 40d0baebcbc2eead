"""The web page in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium)
against ``create_app`` under uvicorn, over an index filled by a real sandbox crawl plus the
hostile creators of tests/page_world.py.

Flows: search and filter, open a creator and check the score bars add up, add to a
shortlist and download its CSV, start a sandbox crawl and follow it to the end, the XSS
cases render inert, 375 px without horizontal scrolling. Every page visited must also obey
its own Content-Security-Policy (a violation is a console error and fails the test).

Screenshots at 1280 and 375 px go to ``$CREATORSCOUT_SCREENSHOTS`` (default: a temporary
folder). Skipped only when no Chromium binary exists (``.ci/run`` installs it).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from creatorscout.api import create_app
from creatorscout.cli.demo import sandbox_base_urls
from creatorscout.sandbox.process import start_sandbox_process
from tests.page_world import EVIL, LONG_WORD, NICHE, add_hostile
from tests.test_api_crawls import serve

CHROMIUM = os.environ.get("CREATORSCOUT_CHROMIUM") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium") or ""
)
if not CHROMIUM or not Path(CHROMIUM).exists():
    pytest.skip("no Chromium binary (apt-get install chromium; .ci/run does)",
                allow_module_level=True)

from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.e2e

PLATFORMS = ("mastodon", "bluesky", "github")
WIDE, NARROW = 1280, 375


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with start_sandbox_process(creators=400, seed=7) as url:
        yield url


@pytest.fixture(scope="module")
def site(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page over a crawled index, served by uvicorn; yields its base URL."""
    folder = tmp_path_factory.mktemp("page")
    index_url = f"sqlite:///{folder / 'index.db'}"
    bases = {p: u for p, u in sandbox_base_urls(sandbox).items() if p in PLATFORMS}
    args = [sys.executable, "-m", "creatorscout.cli", "crawl", NICHE, "--max-creators", "60",
            "--index", index_url, "--concurrency", "8", "--allow-private-hosts"]
    for platform, base in bases.items():
        args += ["--platform", platform, "--base-url", f"{platform}={base}"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    add_hostile(index_url)
    app = create_app(index_url, crawl_base_urls=bases, allow_private_hosts=True,
                     progress_interval=0.3)
    server, thread, url = serve(app)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=60)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CREATORSCOUT_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Watched:
    """A page whose console errors (CSP violations among them) and dialogs are recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def watched(browser: Browser, site: str) -> Iterator[Watched]:
    context = browser.new_context(base_url=site, viewport={"width": WIDE, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    w = Watched(page)
    try:
        yield w
    finally:
        context.close()
    assert w.errors == [], w.errors  # no CSP violation, no script error on any page
    assert w.dialogs == []


def screenshot(page: Page, shots: Path, name: str) -> None:
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDE, "height": 900})


def result_rows(page: Page) -> list[dict[str, str]]:
    rows = []
    for row in page.locator("table.hits tbody tr").all():
        cells = {c.get_attribute("data-label") or "": c.inner_text().strip()
                 for c in row.locator("td, th").all()}
        rows.append(cells)
    return rows


def facet_count(label: str) -> int:
    """The count a facet label shows: ``mastodon (56)`` -> 56."""
    return int(label.rsplit("(", 1)[1].rstrip(")").replace(",", ""))


def number(text: str) -> float:
    return float(text.replace(",", "").split()[0].rstrip("%"))


# -- flows -------------------------------------------------------------------------------


def test_search_and_filter(watched: Watched, shots: Path) -> None:
    page = watched.page
    page.goto("/")
    total = number(page.locator("#results-h").inner_text())
    assert total >= 60
    screenshot(page, shots, "search")
    # the flag counts come when the flags are opened (one count query per flag)
    assert page.locator("span[data-flag=low_engagement]").inner_text() == ""
    page.locator("#flag-group summary").click()
    expect(page.locator("span[data-flag=low_engagement]")).to_have_text(re.compile(r"^\(\d+\)$"))
    # filter by a platform through its labelled checkbox; the facet said how many to expect
    label = page.locator("label.check", has=page.locator("input[name=platforms][value=mastodon]"))
    expected = facet_count(label.inner_text())
    page.get_by_label("Niche", exact=True).select_option(NICHE)
    label.locator("input").check()
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/?*platforms=mastodon*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["platforms"] == ["mastodon"] and query["niche"] == [NICHE]
    assert "text" not in query and "min_followers" not in query  # empty fields left out
    assert number(page.locator("#results-h").inner_text()) == expected
    assert {r["Platform"] for r in result_rows(page)} == {"mastodon"}
    # sort by followers from the column header: highest first, the query kept
    page.get_by_role("link", name="Followers").click()
    page.wait_for_url("**sort=followers**")
    followers = [number(r["Followers"]) for r in result_rows(page) if r["Followers"] != "unknown"]
    assert followers == sorted(followers, reverse=True) and len(followers) > 5
    assert parse_qs(urlsplit(page.url).query)["platforms"] == ["mastodon"]
    # the URL is the query: opening it afresh gives the same page
    rows = result_rows(page)
    page.goto(page.url)
    assert result_rows(page) == rows
    # free text and a range
    page.get_by_label("Words in name, bio or posts").fill("vegan")
    page.get_by_text("Followers, engagement, score").click()
    page.get_by_label("Followers from").fill("1000")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**text=vegan**")
    assert all(number(r["Followers"]) >= 1000 for r in result_rows(page))


def test_open_a_creator_and_the_score_bars_add_up(watched: Watched, shots: Path) -> None:
    page = watched.page
    page.goto(f"/?niche={NICHE}&sort=score")
    first = page.locator("table.hits tbody tr").first.locator("th.who a")
    first.click()
    page.wait_for_url("**/creators/**")
    bars = page.locator("svg.scorebar")
    assert bars.count() >= 1
    for k in range(bars.count()):
        bar = bars.nth(k)
        score = float(bar.get_attribute("data-score") or "nan")
        segments = bar.locator("rect[data-points]")
        points = [float(segments.nth(i).get_attribute("data-points") or "nan")
                  for i in range(segments.count())]
        # as the browser laid the bar out (SVG geometry, before pixel rounding)
        drawn = bar.evaluate(
            "svg => [...svg.querySelectorAll('rect[data-points]')]"
            ".reduce((sum, r) => sum + r.getBBox().width, 0)"
            " / svg.querySelector('rect.track').getBBox().width * 100")
        assert sum(points) == pytest.approx(score, abs=0.05)
        assert drawn == pytest.approx(score, abs=0.05)
        section = page.locator("section.niche-score").nth(k)
        shown = float(section.locator(".score-value").inner_text())
        total = float(section.locator(".total-points").inner_text())
        assert shown == pytest.approx(score, abs=0.05) and total == pytest.approx(shown, abs=0.15)
    for number_row in page.locator("table.numbers tbody tr").all():
        assert "UTC" in number_row.inner_text()  # every number says as of when
    expect(page.locator("#similar-h")).to_be_visible()
    screenshot(page, shots, "creator")


def test_add_to_a_shortlist_and_download_its_csv(watched: Watched, shots: Path,
                                                 tmp_path: Path) -> None:
    page = watched.page
    page.goto(f"/?niche={NICHE}&limit=10")
    picked = []
    for k in (0, 1):
        box = page.locator("table.hits tbody tr").nth(k).locator("input[name=creator_ids]")
        box.check()
        picked.append(box.get_attribute("value"))
    page.get_by_label("New list name").fill("Browser picks")
    page.get_by_role("button", name="Add to shortlist").click()
    page.wait_for_url("**/lists/*?added=2")
    expect(page.get_by_role("status")).to_contain_text("Added 2 creators")
    # the creator page adds one more
    page.goto(f"/creators/{EVIL}")
    page.locator("#sl-list").select_option(label="Browser picks (2)")
    page.locator("#sl-status").fill("contacted")
    page.locator("#sl-note").fill("asked for rates")
    page.get_by_role("button", name="Add to shortlist").click()
    page.wait_for_url("**/lists/*?added=1")
    # change a status and a note on the list page
    page.locator("#st-1").fill("agreed")
    page.locator("#nt-1").fill("signed, 3 posts")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state()
    expect(page.locator("#st-1")).to_have_value("agreed")
    screenshot(page, shots, "shortlist")
    with page.expect_download() as info:
        page.locator("#export-csv").click()
    path = tmp_path / "list.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert [r["creator_id"] for r in rows] == [*picked, EVIL]
    assert (rows[0]["status"], rows[0]["note"]) == ("agreed", "signed, 3 posts")
    assert (rows[2]["status"], rows[2]["note"]) == ("contacted", "asked for rates")


def start_mastodon_crawl(page: Page, budget: int) -> None:
    """Start a crawl of the niche on Mastodon alone from the crawls page, as a user does;
    returns on the new crawl's page."""
    page.goto("/crawls")
    page.get_by_label("Niche", exact=True).select_option(NICHE)
    for platform in PLATFORMS:
        box = page.locator(f"input[name=platforms][value={platform}]")
        box.check() if platform == "mastodon" else box.uncheck()
    page.get_by_label("Budget (creators to process)").fill(str(budget))
    page.get_by_role("button", name="Start crawl").click()
    page.wait_for_url("**/crawls/*")


def test_start_a_sandbox_crawl_and_follow_it_to_the_end(watched: Watched, shots: Path) -> None:
    page = watched.page
    start_mastodon_crawl(page, budget=15)
    expect(page.locator("#state-value")).to_have_text("running")
    # the live counters move (SSE) before the crawl ends
    expect(page.locator("#c-accepted")).not_to_have_text("0", timeout=180_000)
    # the script reloads the page when the stream says the crawl ended: the summary shows
    expect(page.locator("#summary")).to_be_visible(timeout=240_000)
    expect(page.locator("#state-value")).to_have_text("finished")
    assert page.locator("#c-accepted").inner_text() == "15"
    assert "finished" in page.locator("pre.summary").inner_text()
    screenshot(page, shots, "crawl")
    page.locator("#see-results").click()
    page.wait_for_url(f"**niche={NICHE}**")
    assert number(page.locator("#results-h").inner_text()) > 0


def test_the_xss_cases_render_inert(watched: Watched, shots: Path) -> None:
    page = watched.page
    for path in (f"/creators/{EVIL}", "/?text=lentil", "/?text=%3Cscript%3Ewindow.__pwned%3D1"
                 "%3C%2Fscript%3E", f"/?collapse_person=1&niche={NICHE}"):
        page.goto(path)
        # hover what shows user text: an injected onmouseover would fire here
        for element in page.locator("main :is(bdi, .user, h1, td):not(.vh)").all()[:80]:
            if element.is_visible():
                element.hover(timeout=5_000, force=True)
        assert page.evaluate("window.__pwned") is None, path
        assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert not [h for h in hrefs if not h.startswith(("http://", "https://"))], path
        outs = page.eval_on_selector_all(
            "a[href^='http']:not([href^='" + page.url.split("/", 3)[0] + "//"
            + page.url.split("/", 3)[2] + "'])", "els => els.map(e => e.rel)")
        assert all({"noopener", "noreferrer"} <= set(rel.split()) for rel in outs), path
    page.goto(f"/creators/{EVIL}")
    assert "<script>" in page.locator("h1").inner_text()
    assert LONG_WORD in page.locator("p.bio").inner_text()
    # the reversed handle stays inside its own element (isolated), the text after it reads on
    meta = page.locator("h1 + p.meta").inner_text()
    assert meta.index("on mastodon") > meta.index("example.social")
    assert page.evaluate("getComputedStyle(document.querySelector('p.bio')).unicodeBidi") \
        == "isolate"
    # right-to-left posts and bios read right to left (dir="auto"), the others left to right
    directions = page.eval_on_selector_all(
        "article.post p.text",
        "els => els.map(e => [e.textContent, getComputedStyle(e).direction])")
    hebrew = [d for t, d in directions if t.startswith("מתכון")]
    assert hebrew == ["rtl"] and {d for t, d in directions if t.startswith("Lentil")} == {"ltr"}
    page.goto("/creators/bluesky:evil-twin")
    assert page.evaluate("getComputedStyle(document.querySelector('p.bio')).direction") == "rtl"
    page.goto(f"/creators/{EVIL}")
    screenshot(page, shots, "hostile")


def test_375_px_has_no_horizontal_scroll(watched: Watched, site: str) -> None:
    page = watched.page
    page.set_viewport_size({"width": NARROW, "height": 800})
    paths = ["/", f"/?niche={NICHE}&limit=50", f"/creators/{EVIL}", "/niches",
             f"/niches/{NICHE}", "/lists", "/crawls"]
    page.goto(f"/?niche={NICHE}")
    paths.append(page.locator("table.hits tbody tr th.who a").first.get_attribute("href")
                 or "/")
    for path in paths:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW, f"{path} is {width} px wide at {NARROW} px"
    # everything reachable by keyboard: tabbing from the top reaches the search field
    page.goto("/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "text":
            break
    assert page.evaluate("document.activeElement.id") == "text"


def test_plain_searching_works_without_javascript(browser: Browser, site: str) -> None:
    context = browser.new_context(base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Words in name, bio or posts").fill("vegan")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**text=vegan**")
        assert result_rows(page)
        page.get_by_label("Words in name, bio or posts").fill("")
        # the tier holding the most creators, by its facet count
        tiers = page.locator("label.check", has=page.locator("input[name=tiers]")).all()
        largest = max(tiers, key=lambda label: facet_count(label.inner_text()))
        tier = largest.locator("input").get_attribute("value")
        largest.locator("input").check()
        page.get_by_label("Per page").select_option("10")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url(f"**tiers={tier}**")
        query = parse_qs(urlsplit(page.url).query)
        assert query["limit"] == ["10"] and "text" not in query
        rows = result_rows(page)
        assert rows and {r["Tier"] for r in rows} == {tier}
        assert number(page.locator("#results-h").inner_text()) > 10  # so there is a page 2
        page.get_by_role("link", name="Next →").click()
        page.wait_for_url("**offset=10**")
        assert result_rows(page) and result_rows(page) != rows
    finally:
        context.close()


CONTRAST = """() => {
  // WCAG contrast of every element's own text against the first opaque background behind it
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] > 0.9) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll("body *:not(svg *)")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || box.width === 0 || el.closest(".vh")) continue;
    const [a, b] = [lum(rgb(getComputedStyle(el).color).slice(0, 3)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(el.tagName + "." + el.className + " " + ratio.toFixed(2));
  }
  return low;
}"""

UNLABELLED = """() => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
  .filter(el => el.labels.length === 0 && !el.getAttribute("aria-label"))
  .map(el => el.outerHTML.slice(0, 80))"""


def test_labels_and_contrast_on_every_page(watched: Watched, shots: Path) -> None:
    page = watched.page
    paths = ["/", f"/creators/{EVIL}", "/niches", f"/niches/{NICHE}", "/lists", "/crawls"]
    page.goto("/lists")
    first_list = page.locator("table a[href^='/lists/']").first
    if first_list.count():
        paths.append(first_list.get_attribute("href") or "/lists")
    for path in paths:
        page.goto(path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert page.evaluate(UNLABELLED) == [], path
        assert page.evaluate(CONTRAST) == [], path
        assert page.locator("h1").count() == 1, path
        if path == f"/niches/{NICHE}":
            screenshot(page, shots, "niche")


def test_stop_a_crawl_from_its_page(watched: Watched) -> None:
    page = watched.page
    start_mastodon_crawl(page, budget=5000)
    # without JavaScript the running crawl's page reloads itself
    assert page.locator("noscript").count() == 1
    # records are indexed as the crawl closes: stop once 10 or more creators are in hand
    # (with only the first one accepted, none may have its posts yet)
    expect(page.locator("#c-accepted")).to_have_text(re.compile(r"^\s*[1-9][0-9]+\s*$"),
                                                     timeout=180_000)
    page.get_by_role("button", name="Stop the crawl (what was fetched is kept)").click()
    expect(page.locator("#summary")).to_be_visible(timeout=120_000)
    expect(page.locator("#state-value")).to_have_text("stopped")
    assert int(page.locator("#c-indexed").inner_text()) > 0  # what was fetched is kept
    assert page.locator("noscript").count() == 0
