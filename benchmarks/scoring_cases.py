"""The "What a new user sees today" cases of issue 13, scored by the current scorer.

Prints one line per case (name, number) so that the before/after table in
docs/scoring-before-after.md can be regenerated: ``python -m benchmarks.scoring_cases``.
The creators are built here from plain numbers (no sandbox), on Mastodon, in the
vegan-cooking niche; the niche pass runs over the small set of cases where a case needs
crawl context (influence).
"""

from __future__ import annotations

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
    total = sum(c.contribution for c in base.components) * 100
    out.append(("explanation sums to the score (honest)",
                f"{total:.1f} vs {base.score:.1f}"))
    return out


def main() -> None:
    for name, value in cases():
        print(f"{name}\t{value}")


if __name__ == "__main__":
    main()
