"""The plain-text report and the `marker check` summary say what the HTML says."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_report_html import SAMPLE, SPELLING, Page, emptied

from marker.pipeline import mark_text
from marker.render import render, render_html, render_summary, render_text


def flat(text: str) -> str:
    """Whitespace-insensitive text: line wrapping and HTML layout differ, words do not."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def marked(topic):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "could trade and cooperate.", "could trade and cooperate. " + SPELLING)
    return mark_text(text, topic=topic, path="essays/sample_essay.txt")


@pytest.fixture(scope="module")
def full(marked) -> dict[str, Any]:
    return marked.to_dict()


def test_text_and_html_carry_the_same_marks_and_corrections(marked, full: dict[str, Any]) -> None:
    for data in (full, emptied(full)):
        text = flat(render_text(data))
        html = Page(render_html(data)).plain
        wrong = [c for c in data["claims"] if c["verdict"] == "contradicted"]
        assert wrong
        for c in wrong:
            assert flat(c["correction"]) in text and flat(c["correction"]) in html
        for c in data["criteria"]:
            mark = f"{c['name']}: {c['mark']} / {c['max']}"
            assert mark in text and f"{c['name']} {c['mark']} / {c['max']}" in html
        if data["total"]["mark"] is not None:
            total = f"{data['total']['mark']} / {data['total']['max']}"
            assert f"TOTAL MARK: {total}" in text and f"Total mark: {total}" in html
        else:
            assert "No mark yet" in text and "No mark yet" in html
        for line in data["feedback"].get("fix_first", []):
            assert flat(line) in text and flat(line) in html
        counts = {v: sum(c["verdict"] == v for c in data["claims"])
                  for v in ("supported", "contradicted", "unverifiable")}
        assert (f"{counts['supported']} ✓ correct, {counts['contradicted']} ✗ check this, "
                f"{counts['unverifiable']} ? not checked") in text
    assert render(marked, "text") == render_text(full)


def test_text_lists_every_claim_spelling_missing_and_timeline(full: dict[str, Any]) -> None:
    text = render_text(full)
    flat_text = flat(text)
    for c in full["claims"]:
        assert flat(c["text"]) in flat_text
    assert ("✎ spelling: you wrote Gregory Chicherin — the usual spelling is Georgy "
            "Chicherin.") in flat_text
    for label in full["feedback"]["missing"]:
        assert f"✗ {flat(label)}" in flat_text
    assert "16 April 1922 — you wrote 1924: ✗ check this" in text
    assert "Produced offline on this computer" in text
    assert full["manifest"]["knowledge_sha256"][:12] in text


def test_text_is_plain(topic) -> None:
    essay = ("The Treaty of Rapallo was signed in 1924. <script>alert(1)</script> and "
             "{{ 7*7 }} stay as written.")
    text = render_text(mark_text(essay, topic=topic).to_dict())
    assert "&lt;" not in text and "&amp;" not in text
    assert not re.search(r"<(span|p|td|table|a)\b", text)
    assert all(len(line) <= 78 or "http" in line or "·" in line for line in text.splitlines())


def test_summary_with_marks(full: dict[str, Any]) -> None:
    summary = render_summary(full, show_mark=True)
    lines = summary.splitlines()
    assert len(lines) <= 25
    assert all(len(line) <= 80 for line in lines)
    assert f"Mark: {full['total']['mark']} / {full['total']['max']}" in summary
    for c in full["criteria"]:
        assert re.search(rf"{re.escape(c['name'])}\s+{c['mark']} / {c['max']}", summary)
    flat_summary = flat(summary)
    for line in full["feedback"]["fix_first"]:
        assert flat(line)[:60] in flat_summary
    assert "Missing (" in summary
    assert "Spelling: Gregory Chicherin → Georgy Chicherin" in summary


def test_summary_without_marks_shows_band_words_only(full: dict[str, Any]) -> None:
    summary = render_summary(full, show_mark=False)
    assert len(summary.splitlines()) <= 25
    assert "Mark" not in summary
    for c in full["criteria"]:
        assert f"{c['mark']} / {c['max']}" not in summary
        first = re.split(r"[,;:]", c["band"])[0]  # the summary keeps the first clause
        assert f"{c['name']}: {first}" in flat(summary)
    assert not re.search(r"\b\d+ ?/ ?\d+\b", summary)


def test_summary_of_an_unmarked_report_lists_corrections(full: dict[str, Any]) -> None:
    data = emptied(full)
    for show_mark in (True, False):
        summary = render_summary(data, show_mark=show_mark)
        assert "Mark" not in summary and len(summary.splitlines()) <= 25
        wrong = [c for c in data["claims"] if c["verdict"] == "contradicted"]
        for c in wrong[:3]:
            assert flat(c["correction"])[:60] in flat(summary)


def test_the_fast_wrap_is_textwrap_fill() -> None:
    """The text report's own greedy wrap gives exactly textwrap.fill's lines."""
    import random
    import textwrap

    from marker.render import _wrap

    rng = random.Random(5)
    texts = ["", "one", "Molotov replaced Litvinov as foreign commissar on 3 May 1939. " * 3]
    for _ in range(3000):
        texts.append("".join(rng.choice("ab cd efghij  k\tl\nm-n—o ")
                             for _ in range(rng.randint(0, 160))))
        texts.append(" ".join("x" * rng.randint(1, 90) for _ in range(rng.randint(1, 6))))
    for text in texts:
        for width, indent, first in ((78, "", None), (78, "    ", "  - "), (20, "  ", "1. ")):
            assert _wrap(text, width, indent, first) == textwrap.fill(
                text, width=width, initial_indent=indent if first is None else first,
                subsequent_indent=indent, break_on_hyphens=False), (text, width)
