"""Lighthouse (12.2.3, pinned in package-lock.json) on the home, review, film and search pages,
as a phone and as a desktop: 100 for accessibility, best practices and SEO, at least 95 for
performance. Search is noindex on purpose: every SEO audit but is-crawlable must pass there.

Slow (about 15 s a run): marked `lighthouse`; .ci/run runs it in its first pass only."""

import json
import os
import shutil
import subprocess

import pytest

from .tools import ROOT

pytestmark = pytest.mark.lighthouse

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
MINIMUM = {"performance": 0.95, "accessibility": 1, "best-practices": 1, "seo": 1}
PAGES = ["home", "review (rated, with image)", "film", "search with results"]
ARTIFACTS = ROOT / "test-artifacts" / "lighthouse"


@pytest.fixture
def site(live_server, settings, catalogue):
    # Uploads are served by nginx or object storage in production, here by Django.
    settings.ROOT_URLCONF = "tests.validators.urls_with_media"
    return live_server.url, catalogue


def lighthouse(url: str, device: str, folder, slowdown: float | None = None) -> dict:
    if not LIGHTHOUSE.exists() or shutil.which("node") is None:
        pytest.fail("Lighthouse needs node and `npm ci` (node_modules/.bin/lighthouse).")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Lighthouse needs Chromium at {CHROMIUM}: apt-get install -y chromium")
    report = folder / "report.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        "--only-categories=performance,accessibility,best-practices,seo",
        "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage --disable-gpu",
    ]
    if device == "desktop":
        command.append("--preset=desktop")
    if slowdown is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={slowdown:.2f}")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    assert report.exists(), finished.stderr[-2000:]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # kept to look at: open in the Lighthouse viewer
    name = "".join(c if c.isalnum() else "-" for c in url.split("/", 3)[-1]).strip("-") or "home"
    shutil.copy(report, ARTIFACTS / f"{name[:60]}-{device}.json")
    return json.loads(report.read_text())


def failing_audits(report: dict, category: str, *, except_: set[str] = frozenset()) -> list[str]:
    failing = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["id"] in except_ or audit["scoreDisplayMode"] in {"notApplicable", "manual"}:
            continue
        if ref.get("weight", 0) and audit["score"] is not None and audit["score"] < 1:
            failing.append(f"{ref['id']} ({audit['score']}): {audit['title']}")
    return failing


def run(url: str, device: str, folder, slowdown: float | None = None) -> dict:
    """One report; a run the tool itself spoils (NO_NAVSTART, a trace it could not record) is
    run again, up to three times."""
    for _ in range(3):
        report = lighthouse(url, device, folder, slowdown)
        if not report.get("runtimeError"):
            break
    return report


def calibrated_slowdown(report: dict) -> float:
    """The CPU slowdown that makes this host, as loaded as it was for `report`, the phone (or
    desktop) the preset means: Lighthouse's own calibration (docs/throttling.md, "CPU throttling";
    the formula is its calculator's). The presets' 4x assume a host with a benchmark index near
    1533; a busy CI machine measures far less, and 4x on it is a much slower phone than the one
    Lighthouse scores. Never harsher than the preset, never gentler than no slowdown."""
    preset = report["configSettings"]["throttling"]["cpuSlowdownMultiplier"]
    index = report["environment"]["benchmarkIndex"]
    if index >= 1300:
        host = 3 + (index - 1300) / 233
    elif index >= 800:
        host = 2 + (index - 800) / 500
    else:
        host = 1 + max(index - 150, 0) / 650
    return min(preset, host)


def performance(report: dict) -> float:
    return report["categories"]["performance"]["score"] or 0


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_lighthouse_scores(site, device, kind, tmp_path):
    base, catalogue = site
    url = base + catalogue.pages[kind]
    report = run(url, device, tmp_path)
    # The performance score varies from run to run with the machine's load (Total Blocking
    # Time on a page without scripts is the CPU the browser got: its first style and layout).
    # Lighthouse's advice is the median of several runs, with the CPU slowdown calibrated to the
    # host: a score under the bar is measured twice more, calibrated to the load the first run
    # met, and the median of the three is the page's. The other categories do not vary and come
    # from the first run.
    measured = dict.fromkeys(MINIMUM, report)
    if performance(report) < MINIMUM["performance"]:
        slowdown = calibrated_slowdown(report)
        runs = [report, run(url, device, tmp_path, slowdown), run(url, device, tmp_path, slowdown)]
        measured["performance"] = sorted(runs, key=performance)[1]
    problems = [report["runtimeError"]["message"]] if report.get("runtimeError") else []
    for category, minimum in MINIMUM.items():
        score = measured[category]["categories"][category]["score"]
        if kind.startswith("search") and category == "seo":
            failing = failing_audits(report, "seo", except_={"is-crawlable"})
        elif score is None or score < minimum:
            failing = failing_audits(measured[category], category) or [f"score {score}"]
        else:
            failing = []
        problems += [f"{category} {score}: {item}" for item in failing]
    assert problems == [], f"{kind}, {device}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "index, preset, expected",
    [(2000, 4, 4), (1533, 4, 4.0), (1300, 4, 3), (800, 4, 2), (150, 4, 1), (40, 4, 1), (900, 1, 1)],
)
def test_the_slowdown_is_calibrated_to_the_host_and_never_harsher_than_the_preset(
    index, preset, expected
):
    report = {
        "configSettings": {"throttling": {"cpuSlowdownMultiplier": preset}},
        "environment": {"benchmarkIndex": index},
    }
    assert calibrated_slowdown(report) == pytest.approx(expected, abs=0.01)
