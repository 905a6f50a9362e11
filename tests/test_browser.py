"""The sample's HTML report in a real browser: headless Chromium renders it at phone and
email-column widths without console errors. Skipped when Chromium is not installed (CI
installs the Debian package); nothing is installed here."""

from __future__ import annotations

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
