"""The "What a new user sees today" cases of issue 13, scored by the current scorer.

Prints one line per case (name, number) so that the before/after table in
docs/scoring-before-after.md can be regenerated: ``python -m benchmarks.scoring_cases``.
The creators are built here from plain numbers (no sandbox), on Mastodon, in the
vegan-cooking niche; the niche pass runs over the small set of cases where a case needs
crawl context (influence).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from creatorscout.config import load_markers, load_niche, load_scoring, load_tiers
from creatorscout.plugins.models import Creator, CreatorRef, Post, Provenance
from creatorscout.scoring import CreatorScore, disclosure_matcher, score_creator
from creatorscout.scoring.niche_pass import apply_context, crawl_context, member_of

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
TEXTS = [
    "vegan lentil soup tonight, recipe in the thread",
    "tofu scramble for breakfast",
    "chickpea curry, plant-based and quick",
    "tempeh tacos with lime",
    "my weekly vegan meal prep",
]


def _prov() -> Provenance:
    return Provenance(platform="mastodon", plugin="cases", plugin_version="1",
                      source_url="https://example.social/api", observed_at=NOW)


def creator(name: str, followers: int | None, following: int = 300) -> Creator:
    return Creator(platform="mastodon", native_id=name, handle=f"{name}@example.social",
                   display_name=name, bio="Vegan cook sharing plant-based recipes",
                   followers=followers, following=following, posts_count=400,
                   provenance=_prov())


def posts(owner: Creator, n: int, likes: int, replies: int, reposts: int,
          ad: bool = False, mentions: tuple[str, ...] = ()) -> list[Post]:
    out = []
    for i in range(n):
        text = TEXTS[i % len(TEXTS)] + f" ({i})"
        if ad:
            text = "#ad " + text
        out.append(Post(
            platform="mastodon", native_id=f"{owner.native_id}-{i}", creator_id=owner.id,
            created_at=NOW - timedelta(days=2 * i), text=text, likes=likes, replies=replies,
            reposts=reposts, quotes=0, provenance=_prov(),
            mentions=[CreatorRef(platform="mastodon", native_id=m) for m in mentions],
        ))
    return out


def score(c: Creator, p: list[Post]) -> CreatorScore:
    return score_creator(c, p, load_niche("vegan-cooking"), tiers=load_tiers(),
                         scoring=load_scoring(), markers=disclosure_matcher(load_markers()),
                         now=NOW)


def cases() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    # an honest nano creator: 5,000 followers, 2.4% engagement (120 interactions a post)
    honest = creator("honest", 5000)
    honest_posts = posts(honest, 20, likes=84, replies=18, reposts=18)
    base = score(honest, honest_posts)
    out.append(("honest 5K followers, ER 2.4%: score", f"{base.score:.1f}"))
    hidden = score(creator("honest", None), honest_posts)
    out.append(("same creator, followers hidden: score", f"{hidden.score:.1f}"))
    empty = creator("empty", 0)
    zero = score(empty, posts(empty, 20, likes=0, replies=0, reposts=0))
    out.append(("0 followers, no interactions: score", f"{zero.score:.1f}"))
    big = creator("big", 250_000, following=800)
    big_posts = posts(big, 20, likes=2200, replies=400, reposts=400)  # 1.2%, typical mid
    out.append(("250K followers, typical ER: score", f"{score(big, big_posts).score:.1f}"))
    out.append(("same, followers hidden: score",
                f"{score(creator('big', None, 800), big_posts).score:.1f}"))
    pod = creator("pod", 5000)
    pod_score = score(pod, posts(pod, 20, likes=1200, replies=0, reposts=0))  # 10x, likes only
    out.append(("engagement pod (likes 10x, no replies/reposts): score",
                f"{pod_score.score:.1f} flags {','.join(pod_score.flags) or '-'}"))
    out.append(("pod outranks the honest creator", str(pod_score.score > base.score)))
    low = creator("low", 3000)
    low_score = score(low, posts(low, 20, likes=25, replies=3, reposts=2))  # 1%, honest nano
    auth = low_score.authenticity
    out.append(("honest nano, ER 1.0%: authenticity (suspicion)",
                f"{auth.score:.2f} ({auth.suspicion:.2f})" if auth else "-"))
    out.append(("honest nano, ER 1.0%: score", f"{low_score.score:.1f}"))
    ads = score(honest, posts(honest, 100, likes=84, replies=18, reposts=18, ad=True))
    organic = score(honest, posts(honest, 100, likes=84, replies=18, reposts=18))
    out.append(("100 posts all disclosed ads vs none: score",
                f"{ads.score:.1f} vs {organic.score:.1f}"))
    # influence: 12 creators; two mention 'star', nobody mentions 'lonely'
    group = []
    for i in range(12):
        c = creator(f"c{i}", 2000 + 100 * i)
        mentions = ("star",) if i < 2 else (f"c{(i + 1) % 12}",) if i > 3 else ()
        group.append((c, posts(c, 10, likes=30, replies=5, reposts=5, mentions=mentions)))
    star = creator("star", 4000)
    lonely = creator("lonely", 4000)
    group += [(star, posts(star, 10, 30, 5, 5)), (lonely, posts(lonely, 10, 30, 5, 5))]
    scored = [(c, p, score(c, p)) for c, p in group]
    scoring = load_scoring()
    context = crawl_context([member_of(c, p, s) for c, p, s in scored], scoring)
    final = {c.native_id: apply_context(s, c.id, context, scoring, now=NOW) for c, p, s in scored}
    for name, label in (("lonely", "nobody mentions them"), ("star", "mentioned twice")):
        comp = next((x for x in final[name].components if x.name == "influence"), None)
        value = "-" if comp is None or comp.value is None else f"{comp.value * 100:.0f}"
        out.append((f"influence percentile, {label}", value))
    pumped = score(honest, posts(honest, 20, likes=840, replies=18, reposts=18))
    out.append(("honest creator with 10x the likes (no more replies/reposts): score",
                f"{pumped.score:.1f}"))
    pod2 = creator("pod2", 5000)
    pod2_score = score(pod2, posts(pod2, 20, likes=1000, replies=30, reposts=30))
    out.append(("pod with a little conversation (likes 9x, replies 3%): score",
                f"{pod2_score.score:.1f}"))
    site = Creator(platform="web", native_id="site.example", handle="site.example",
                   display_name="site", bio="Vegan cook sharing plant-based recipes",
                   followers=None, provenance=_prov())
    site_posts = [p.model_copy(update={"platform": "web", "creator_id": site.id, "likes": None,
                                       "replies": None, "reposts": None, "quotes": None})
                  for p in honest_posts]
    out.append(("website, same posts as the honest creator, no counts: score",
                f"{score(site, site_posts).score:.1f}"))
    tiny = creator("tiny", 8)
    tiny_posts = posts(tiny, 17, likes=0, replies=0, reposts=0)
    for post in tiny_posts[:3]:
        post.replies = 1
    out.append(("8 followers, 3 replies in 17 posts: score",
                f"{score(tiny, tiny_posts).score:.1f}"))
    # does each printed line add up: value x printed weight = printed points?
    for label, case in (("honest", base), ("followers hidden", hidden)):
        worst = 0.0
        for line in case.explanation()[1:]:
            m = re.search(r"(\w+): ([0-9.]+) x (?:weight )?([0-9.]+)(%?) (?:->|=) ([0-9.]+)", line)
            if m:
                weight = float(m.group(3)) / (100 if m.group(4) else 1)
                worst = max(worst, abs(float(m.group(2)) * weight * 100 - float(m.group(5))))
        out.append((f"explanation, {label}: largest gap value x shown weight vs shown points",
                    f"{worst:.1f}"))
    total = sum(c.contribution for c in base.components) * 100
    out.append(("explanation sums to the score (honest)",
                f"{total:.1f} vs {base.score:.1f}"))
    return out


def main() -> None:
    for name, value in cases():
        print(f"{name}\t{value}")


if __name__ == "__main__":
    main()
