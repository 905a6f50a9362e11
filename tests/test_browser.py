"""The sample's HTML report in a real browser: headless Chromium renders it at phone and
email-column widths without console errors. Skipped when Chromium is not installed (CI
installs the Debian package); nothing is installed here."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from marker.pipeline import mark_file
from marker.render import render

ROOT = Path(__file__).resolve().parents[1]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                       "(Debian: apt-get install chromium)"),
]


def chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on ``page``, offline-minded and with console logging on."""
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
         "--enable-logging=stderr", "--v=0", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def page(topic, tmp_path_factory: pytest.TempPathFactory) -> Path:
    html = render(mark_file(str(ROOT / "examples" / "sample_essay.txt"), topic=topic), "html")
    path = tmp_path_factory.mktemp("report") / "sample_essay.report.html"
    path.write_text(html, encoding="utf-8")
    return path


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "Uncaught" in line or "CONSOLE" in line]


@pytest.mark.parametrize("width", [375, 680])
def test_renders_at_width(page: Path, tmp_path: Path, width: int) -> None:
    shot = tmp_path / f"report-{width}.png"
    run = chromium(page, tmp_path / "profile", f"--screenshot={shot}",
                   f"--window-size={width},2000")
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.exists(), run.stderr[-2000:]
    assert not console_errors(run.stderr)
    with Image.open(shot) as image:
        assert image.size == (width, 2000)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 200, "the screenshot is (nearly) blank"


def test_dom_has_the_report(page: Path, tmp_path: Path) -> None:
    run = chromium(page, tmp_path / "profile", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "<title>Feedback: sample_essay.txt</title>" in run.stdout
    assert "Your essay, checked" in run.stdout and "Fix these first" in run.stdout
    assert not console_errors(run.stderr)


@pytest.fixture(scope="module")
def summary(topic, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A class summary whose students have long names, as a real class list has."""
    from marker.batch import BatchOptions, run_batch

    essays = tmp_path_factory.mktemp("class")
    sources = sorted((ROOT / "tests" / "data" / "essays").glob("*.txt"))[:3]
    names = ["Alexandra Papadopoulou-Whitfield", "Bartholomew Okonkwo-Fitzgerald",
             "Chandrasekhar Venkataraman"]
    for source, name in zip(sources, names, strict=True):
        (essays / f"{name}.txt").write_bytes(source.read_bytes())
    out = tmp_path_factory.mktemp("out")
    run_batch(essays, out, BatchOptions(jobs=1, topic=topic.id))
    return out / "summary.html"


def _widths(page: Path, profile: Path, width: int) -> tuple[int, int]:
    """The page's scroll width and the window's client width, measured by the browser."""
    probe = page.with_name(f"probe-{width}.html")
    probe.write_text(page.read_text(encoding="utf-8") + (
        "<script>document.title = 'W' + document.documentElement.scrollWidth + '/' + "
        "document.documentElement.clientWidth;</script>"), encoding="utf-8")
    run = chromium(probe, profile, f"--window-size={width},1000", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r"<title>W(\d+)/(\d+)</title>", run.stdout)
    assert found, run.stdout[:2000]
    return int(found[1]), int(found[2])


@pytest.mark.parametrize("width", [600, 900, 1400])
def test_the_class_summary_fits_the_window_without_scrolling_sideways(
        summary: Path, tmp_path: Path, width: int) -> None:
    scroll, client = _widths(summary, tmp_path / "profile", width)
    assert client == width
    assert scroll <= client, f"{scroll - client} px wider than a {width} px window"


def test_the_class_summary_at_900_px(summary: Path, tmp_path: Path) -> None:
    shot = tmp_path / "summary-900.png"
    run = chromium(summary, tmp_path / "profile", f"--screenshot={shot}",
                   "--window-size=900,1600")
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    assert not console_errors(run.stderr)
    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 200, "the screenshot is (nearly) blank"
