"""``scout plugins check``: a quick health check of every installed platform plugin.

For each platform: can it start with default settings, does discovery yield requests it
can parse itself, does it classify the common refusals, and, when saved responses are
found (``--fixtures P=DIR``, or ``tests/fixtures/<platform>/`` in the current folder), which
fields they fill compared with the committed baseline. The full contract is the test class
:class:`creatorscout.testing.PlatformContract`; this is what can be checked without pytest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from creatorscout.config.schema import Niche
from creatorscout.plugins.manager import PluginHost
from creatorscout.plugins.platform import Platform, PlatformSettings, RefusalKind
from creatorscout.testing.coverage import Coverage, load_baseline, measure
from creatorscout.testing.fuzz import FuzzReport, fuzz_platform
from creatorscout.testing.saved import Saved, load_folder

DEFAULT_NICHE = Niche(
    name="contract-test",
    title="Contract test",
    languages=["en"],
    keywords={"en": ["vegan", "recipe"]},
    hashtags=["vegan"],
)
GENERIC_REFUSALS: dict[int, RefusalKind] = {
    401: "login_required", 403: "blocked", 404: "gone", 410: "gone", 429: "rate_limited",
}
DEFAULT_BASELINE = Path("tests") / "field_coverage.json"


@dataclass
class PlatformCheck:
    """The outcome for one platform."""

    platform: str
    plugin: str
    version: str
    problems: list[str] = field(default_factory=list)
    fixtures: Path | None = None
    coverage: Coverage | None = None
    drops: list[str] = field(default_factory=list)
    fuzz: FuzzReport | None = None

    @property
    def ok(self) -> bool:
        return (not self.problems and not self.drops
                and not (self.coverage and self.coverage.errors)
                and (self.fuzz is None or self.fuzz.ok))


def default_fixtures(platform: str) -> Path | None:
    """``tests/fixtures/<platform>/`` under the current folder, when it exists."""
    folder = Path("tests") / "fixtures" / platform
    return folder if folder.is_dir() else None


def _structure(cls: type[Platform], niche: Niche) -> list[str]:
    problems: list[str] = []
    try:
        platform = cls(PlatformSettings())
    except Exception as exc:
        return [f"cannot start with default settings: {type(exc).__name__}: {exc}"]
    try:
        requests = list(platform.discover(niche))
    except Exception as exc:
        problems.append(f"discover() raised {type(exc).__name__}: {exc}")
        requests = []
    for request in requests[:20]:
        if request.platform != cls.name:
            problems.append(f"discover() made a request for platform '{request.platform}'")
        elif not platform.owns_url(request.url):
            problems.append(f"discover() asked for {request.url}, which owns_url() rejects "
                            "(so `scout parse` cannot route its responses)")
    url = requests[0].url if requests else cls.default_base_url.replace("{instance}", "x.example")
    for status, kind in GENERIC_REFUSALS.items():
        response = Saved(url=url, status=status, body={"error": "refused"}).response(cls.name)
        try:
            refusal = platform.refusal(response)
        except Exception as exc:
            problems.append(f"refusal() raised on HTTP {status}: {type(exc).__name__}: {exc}")
            continue
        if refusal is None or refusal.kind != kind:
            got = refusal.kind if refusal else "nothing"
            problems.append(f"HTTP {status} is reported as {got}, not as '{kind}'")
    return problems


def check_platforms(
    host: PluginHost,
    *,
    fixtures: dict[str, Path] | None = None,
    baseline: Path | None = None,
    only: list[str] | None = None,
    niche: Niche = DEFAULT_NICHE,
    fuzz: int = 0,
    seed: int = 0,
) -> list[PlatformCheck]:
    """Check every registered platform (or ``only`` these). With ``fuzz``, also parse that
    many hostile versions of its saved responses (:mod:`creatorscout.testing.fuzz`)."""
    fixtures = dict(fixtures or {})
    known = load_baseline(baseline) if baseline is not None else {}
    checks = []
    for name, cls in sorted(host.platforms().items()):
        if only and name not in only:
            continue
        check = PlatformCheck(platform=name, plugin=cls.plugin_name, version=cls.plugin_version)
        check.problems = _structure(cls, niche)
        folder = fixtures.get(name) or default_fixtures(name)
        if folder is not None:
            check.fixtures = folder
            try:
                saved = load_folder(folder)
            except ValueError as exc:
                check.problems.append(str(exc))
                saved = []
            try:
                check.coverage = measure(cls(PlatformSettings()), saved)
            except Exception as exc:
                check.problems.append(f"cannot measure coverage: {type(exc).__name__}: {exc}")
            if check.coverage is not None and name in known:
                check.drops = check.coverage.drops(known[name])
            if fuzz and saved:
                try:
                    check.fuzz = fuzz_platform(cls(PlatformSettings()), saved, fuzz, seed)
                except Exception as exc:  # the plugin cannot even start
                    check.problems.append(f"cannot fuzz: {type(exc).__name__}: {exc}")
        checks.append(check)
    return checks


def report(check: PlatformCheck) -> str:
    """The text ``scout plugins check`` prints for one platform."""
    status = "ok" if check.ok else "PROBLEMS"
    lines = [f"{check.platform} (plugin {check.plugin} {check.version}): {status}"]
    lines += [f"  problem: {problem}" for problem in check.problems]
    if check.coverage is None:
        lines.append("  field coverage: no saved responses found (tests/fixtures/"
                     f"{check.platform}/, or --fixtures {check.platform}=DIR)")
    else:
        lines.append(f"  field coverage from {check.fixtures}:")
        lines += ["  " + line for line in check.coverage.table().splitlines()]
    lines += [f"  dropped: {drop} was filled in the baseline and no longer is"
              for drop in check.drops]
    if check.fuzz is not None:
        lines += ["  " + line for line in check.fuzz.lines()]
    return "\n".join(lines)
