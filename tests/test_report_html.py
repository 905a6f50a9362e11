"""The HTML report: email-safe, accessible, escaped, within Gmail's size, and complete.

Reports are made by really marking essays (the sample, and longer ones built from its
paragraphs); the rubric stage's fields are filled in by ``filled`` as a marked essay
would have them, so the templates are tested both empty and full.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from marker.dates import find_dates
from marker.pipeline import mark_file, mark_text
from marker.render import EMAIL_BUDGET, LINK, PALETTE, render, render_html

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample_essay.txt"
SPELLING = "The treaty was negotiated by Gregory Chicherin."


# --------------------------------------------------------------------------- helpers

def filled(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with criteria, total, evidence and feedback as the rubric stage fills them."""
    out = dict(data)
    out["criteria"] = [
        {"id": "knowledge", "name": "Knowledge & understanding", "mark": 5, "max": 7,
         "band": "Sound and mostly accurate knowledge of the main developments, with some "
                 "specific detail; some gaps or errors.",
         "reasons": ["Most checked facts are right.", "Some dates and names are wrong."],
         "next_steps": ["Check the date of every treaty you name."]},
        {"id": "analysis", "name": "Analysis & argument", "mark": 4, "max": 7,
         "band": "An argument that addresses the question, with some analysis and judgement.",
         "reasons": ["A thesis in the introduction."], "next_steps": []},
        {"id": "evidence", "name": "Use of evidence & historiography", "mark": 3, "max": 6,
         "band": "Relevant evidence supports most points; some historians' views are used.",
         "reasons": [], "next_steps": ["Say what Pipes argued, not only that he criticised Carr."]},
        {"id": "communication", "name": "Communication & structure", "mark": 0, "max": 5,
         "band": None, "reasons": [], "next_steps": []},
    ]
    out["total"] = {"mark": 12, "max": 25}
    out["evidence"] = {
        "accuracy": {"score": 0.85, "summary": "Most checked facts are right.", "details": {},
                     "spans": [], "reasons": ["Three facts are wrong."], "next_steps": []},
        "coverage": {
            "score": 0.5, "summary": "7 of 14 key points covered.",
            "details": {
                "covered": [{"id": "brest_litovsk", "weight": 4,
                             "label": "The Treaty of Brest-Litovsk (1918)"}],
                "missing": [{"id": "purges", "weight": 3,
                             "label": "The purges of the Red Army (1937-38)"}]},
            "spans": [], "reasons": [], "next_steps": []},
        "historiography": {
            "score": 0.4, "summary": "Two writers named.",
            "details": {"writers": [
                {"name": "E. H. Carr", "kb_id": "eh_carr", "is_historian": True,
                 "quoted": False, "commented": True},
                {"name": "Otto Bauer", "kb_id": "otto_bauer", "is_historian": False,
                 "quoted": True, "commented": False}]},
            "spans": [], "reasons": ["Carr's view is discussed."], "next_steps": []},
    }
    out["feedback"] = {
        "fix_first": ["Check the date of the Treaty of Rapallo: 16 April 1922.",
                      "Say who signed the Nazi-Soviet Pact: Molotov and Ribbentrop."],
        "missing": ["The purges of the Red Army (1937-38)",
                    "Collective security and the League of Nations (1934)"],
    }
    out["manifest"] = {**data["manifest"], "rubric": "analytic-25", "rubric_sha256": "ab" * 32}
    return out


def long_essay(words: int) -> str:
    """The sample's body paragraphs, repeated in a shifting order, to about ``words``."""
    paras = SAMPLE.read_text(encoding="utf-8").strip().split("\n\n")
    intro, body, end = paras[0], paras[1:-1], paras[-1]
    out = [intro]
    while sum(len(p.split()) for p in [*out, end]) < words:
        out.append(body[(len(out) * 5) % len(body)])
    return "\n\n".join([*out, end])


class Page(HTMLParser):
    """What the tests look at in a page: tags, text with its colours, headings, tables."""

    VOID = {"meta", "br", "img", "input", "hr", "link", "area", "base", "col", "source", "wbr"}
    BLOCK = {"p", "td", "th", "tr", "li", "ul", "table", "h1", "h2", "h3", "br", "div"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.pairs: list[tuple[str, str, str]] = []  # (text, colour, background)
        self.headings: list[int] = []
        self.styles: list[str] = []
        self.tables: list[dict[str, Any]] = []
        self._stack: list[tuple[str, str | None, str | None]] = []
        self._open_tables: list[dict[str, Any]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag in self.BLOCK:
            self.text.append(" ")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            table = {"role": a.get("role"), "th": False}
            self.tables.append(table)
            self._open_tables.append(table)
        if tag == "th" and self._open_tables:
            self._open_tables[-1]["th"] = True
        if tag not in self.VOID:
            style = _declarations(a.get("style", ""))
            self._stack.append((tag, style.get("color"),
                                style.get("background-color") or style.get("background")))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCK:
            self.text.append(" ")
        if tag == "table" and self._open_tables:
            self._open_tables.pop()
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        inside = [t for t, _, _ in self._stack]
        if "style" in inside:
            self.styles.append(data)
            return
        if "title" in inside or "head" in inside and "body" not in inside:
            return
        self.text.append(data)
        if data.strip():
            fg = next((c for _, c, _ in reversed(self._stack) if c), None)
            bg = next((b for _, _, b in reversed(self._stack) if b), None)
            self.pairs.append((data.strip(), fg or "", bg or ""))

    @property
    def plain(self) -> str:
        return " ".join("".join(self.text).split())


def _declarations(style: str) -> dict[str, str]:
    out = {}
    for part in style.split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            out[key.strip().lower()] = value.strip().lower()
    return out


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def section(page: Page, start: str, end: str) -> str:
    """The page's text between two headings."""
    text = page.plain
    return text[text.index(start):text.index(end, text.index(start))]


def without_media(css: str) -> str:
    """``css`` with every @media block (and its nested braces) removed."""
    out, i = [], 0
    while (at := css.find("@media", i)) != -1:
        out.append(css[i:at])
        depth, j = 0, css.index("{", at)
        while True:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
            if depth == 0:
                break
        i = j
    out.append(css[i:])
    return "".join(out)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def sample(topic) -> dict[str, Any]:
    return mark_file(str(SAMPLE), topic=topic).to_dict()


@pytest.fixture(scope="module")
def sample_html(topic) -> str:
    return render(mark_file(str(SAMPLE), topic=topic), "html")


@pytest.fixture(scope="module")
def full(topic) -> dict[str, Any]:
    """The sample with a misspelt name added, and the rubric stage's fields filled in."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "could trade and cooperate.", "could trade and cooperate. " + SPELLING)
    return filled(mark_text(text, topic=topic, path="essays/sample_essay.txt").to_dict())


@pytest.fixture(scope="module")
def full_html(full) -> str:
    return render_html(full)


# --------------------------------------------------------------------------- email safety

def test_no_scripts_resources_or_unsupported_css(sample_html: str, full_html: str) -> None:
    for html in (sample_html, full_html):
        page = Page(html)
        names = {t for t, _ in page.tags}
        assert not names & {"script", "link", "img", "svg", "iframe", "object", "embed",
                            "video", "audio", "form", "input", "base"}
        for tag, attrs in page.tags:
            assert not any(k.startswith("on") for k in attrs), (tag, attrs)
            assert not {"src", "srcset", "background", "poster"} & attrs.keys(), (tag, attrs)
            if "href" in attrs:
                assert tag == "a" and re.match(r"https?://", attrs["href"]), (tag, attrs)
            assert "url(" not in attrs.get("style", "")
        assert "@import" not in html
        assert not re.search(r"display\s*:\s*(inline-)?(flex|grid)", html)
        assert "font-face" not in html


def test_styles_are_inlined_and_only_media_rules_stay(full_html: str) -> None:
    page = Page(full_html)
    assert len(page.styles) == 1
    css = page.styles[0]
    assert "@media (prefers-color-scheme: dark)" in css or "prefers-color-scheme:dark" in css
    assert "url(" not in css
    assert without_media(css).strip() == ""
    for tag, attrs in page.tags:
        if attrs.get("class"):
            assert attrs.get("style"), f"<{tag} class={attrs['class']}> has no inline style"


def test_accessible_structure(full_html: str, sample_html: str) -> None:
    for html in (full_html, sample_html):
        page = Page(html)
        html_tag = next(a for t, a in page.tags if t == "html")
        assert html_tag.get("lang") == "en"
        metas = [a for t, a in page.tags if t == "meta"]
        assert {"name": "color-scheme", "content": "light dark"} in metas
        assert page.headings[0] == 1 and page.headings.count(1) == 1
        for before, after in zip(page.headings, page.headings[1:], strict=False):
            assert after <= before + 1, page.headings
        for table in page.tables:
            assert table["role"] == "presentation" or table["th"], table


def test_palette_contrast_light_and_dark() -> None:
    for role, (fg, bg, dark_fg, dark_bg) in PALETTE.items():
        assert contrast(fg, bg) >= 4.5, role
        assert contrast(dark_fg, dark_bg) >= 4.5, f"{role} (dark)"
    for role in ("card", "panel", "notebad", "notespell", "ok", "bad", "unk"):
        assert contrast(LINK[0], PALETTE[role][1]) >= 4.5, f"link on {role}"
        assert contrast(LINK[1], PALETTE[role][3]) >= 4.5, f"link on {role} (dark)"


def test_every_text_has_explicit_colours_with_contrast(full_html: str) -> None:
    """Each piece of text sits on an explicit background and text colour (forced dark mode
    recolours pairs, not lone colours), and every pair used reads at 4.5:1."""
    page = Page(full_html)
    assert page.pairs
    for text, fg, bg in page.pairs:
        assert fg.startswith("#") and bg.startswith("#"), (text, fg, bg)
        assert contrast(fg, bg) >= 4.5, (text, fg, bg)


# --------------------------------------------------------------------------- content

def test_header_marks_and_bars(full_html: str) -> None:
    page = Page(full_html)
    text = page.plain
    assert "sample_essay.txt" in text and "831 words" in text or "words" in text
    assert "To what extent was the survival of the Soviet state" in text
    assert "Soviet foreign policy, 1917-1941" in text and "Rubric: analytic-25" in text
    assert "Total mark: 12 / 25" in text
    for mark in ("5 / 7", "4 / 7", "3 / 6", "0 / 5"):
        assert mark in text
    widths = [a.get("width") for t, a in page.tags if t == "td" and "barf" in a.get("class", "")]
    assert widths == ["71%", "57%", "50%"]  # 0 / 5 has no filled cell


def test_student_name_is_preferred_and_escaped(full: dict[str, Any]) -> None:
    data = {**full, "input": {**full["input"], "student": "Ann <b>Lee</b>"}}
    html = render_html(data)
    assert "Ann &lt;b&gt;Lee&lt;/b&gt;" in html
    assert "<title>Feedback: Ann &lt;b&gt;Lee&lt;/b&gt;</title>" in html


def test_rubric_coverage_historians_and_evidence(full: dict[str, Any], full_html: str) -> None:
    text = Page(full_html).plain
    marks = section(Page(full_html), "Marks and reasons", "Key content and historians")
    for c in full["criteria"]:
        assert c["name"] in marks
        for line in c["reasons"] + c["next_steps"] + ([c["band"]] if c["band"] else []):
            assert line in marks
    assert "What the marks rest on" in marks and "7 of 14 key points covered." in marks
    assert "Carr's view is discussed." in marks
    key = section(Page(full_html), "Key content and historians", "Your dates beside")
    assert "✓ The Treaty of Brest-Litovsk (1918)" in key
    assert "✗ The purges of the Red Army (1937-38)" in key
    assert "✗ Collective security and the League of Nations (1934)" in key
    assert "E. H. Carr view discussed" in key
    assert "Otto Bauer quoted (not a historian)" in key
    assert "Check the date of the Treaty of Rapallo: 16 April 1922." in text


def test_empty_rubric_fields_render_and_fix_first_falls_back(sample: dict[str, Any],
                                                             sample_html: str) -> None:
    page = Page(sample_html)
    assert "No mark yet" in page.plain
    assert "no marks by criterion" in page.plain
    fix = section(page, "Fix these first", "Your essay, checked")
    wrong = [c for c in sample["claims"] if c["verdict"] == "contradicted"]
    assert wrong, "the sample has planted errors"
    for c in wrong[:3]:
        assert " ".join(c["correction"].split()) in fix
    # historians named in the essay are listed even without the historiography evidence
    assert "Geoffrey Roberts" in section(page, "Key content and historians", "Your dates")


def test_essay_marks_every_claim_with_symbol_and_word(sample: dict[str, Any],
                                                      sample_html: str) -> None:
    essay = sample_html[sample_html.index("Your essay, checked"):
                        sample_html.index("Marks and reasons")]
    verdicts = [c["verdict"] for c in sample["claims"]]
    # one badge per claim, one in the legend, and one more on each correction note
    assert essay.count("bk bok") == verdicts.count("supported") + 1
    assert essay.count("bk bunk") == verdicts.count("unverifiable") + 1
    assert essay.count("bk bbad") == 2 * verdicts.count("contradicted") + 1
    assert "✓&nbsp;correct" in essay or "✓\xa0correct" in essay
    assert 'class="nm"' in essay  # linked names
    for p in sample["paragraphs"]:  # the student's own paragraphs, all of them
        words = sample["text"][p["start"]:p["end"]].split()
        assert " ".join(words[-4:]) in " ".join(Page(sample_html).plain.split())


def test_corrections_sit_under_their_sentence(sample: dict[str, Any], sample_html: str) -> None:
    text = section(Page(sample_html), "Your essay, checked", "Marks and reasons")
    for c in sample["claims"]:
        if c["verdict"] != "contradicted":
            continue
        para = next(n for n, p in enumerate(sample["paragraphs"], 1)
                    if p["start"] <= c["start"] < p["end"])
        here = text.index(f"Paragraph {para} ")
        end = text.find(f"Paragraph {para + 1} ", here)
        quote = text.index(" ".join(c["text"].split()), here)
        note = text.index("✗ check this " + " ".join(c["correction"].split()), quote)
        assert end == -1 or note < end
        if c["sources"]:
            assert text.index("Source:", note) < (end if end != -1 else len(text))


def test_spelling_note(full_html: str) -> None:
    text = Page(full_html).plain
    assert "You wrote Gregory Chicherin — the usual spelling is Georgy Chicherin." in text
    assert "✎ spelling" in text


def test_timeline_in_order_of_true_date(full: dict[str, Any], full_html: str) -> None:
    page = Page(full_html)
    timeline = section(page, "Your dates beside the true dates", "marker ")
    assert "True date What happened You wrote" in timeline
    rows = re.findall(r'<td class="when"[^>]*>([^<]+)</td>', full_html)
    assert len(rows) >= 5
    starts = [find_dates(r)[0].start for r in rows]
    assert starts == sorted(starts)
    assert "16 April 1922" in rows


def test_footer_manifest(full: dict[str, Any], full_html: str) -> None:
    text = Page(full_html).plain
    m = full["manifest"]
    assert f"marker {full['marker_version']}" in text
    assert m["spacy_version"] in text and m["model_package"] in text
    assert m["knowledge_sha256"][:12] in text and m["knowledge_sha256"] not in text
    assert "rubric analytic-25 (abababababab)" in text
    assert "Produced offline on this computer" in text


# --------------------------------------------------------------------------- escaping

def test_essay_markup_and_template_syntax_stay_text(topic) -> None:
    essay = (
        "The Treaty of Rapallo was signed in 1924 and <script>alert(1)</script> changed "
        "everything for the Soviets.\n\nStalin wrote <img src=x onerror=alert(1)> and "
        "{{ 7*7 }} in {% raw %} his notes, and Hitler came to power in January 1933."
    )
    data = mark_text(essay, topic=topic).to_dict()
    html = render_html(data)
    page = Page(html)
    assert not {"script", "img"} & {t for t, _ in page.tags}
    assert not any(k.startswith("on") for _, a in page.tags for k in a)
    assert "<script>alert(1)</script>" in page.plain
    assert "<img src=x onerror=alert(1)>" in page.plain
    assert "{{ 7*7 }}" in page.plain and "{% raw %}" in page.plain
    assert "49" not in html.replace(data["manifest"]["knowledge_sha256"][:12], "")


# --------------------------------------------------------------------------- size

def test_sample_and_1500_words_fit_whole(topic, sample_html: str) -> None:
    assert len(sample_html.encode()) <= EMAIL_BUDGET
    data = mark_text(long_essay(1500), topic=topic).to_dict()
    assert 1400 <= data["input"]["words"] <= 1700
    html = render_html(data)
    assert len(html.encode()) <= EMAIL_BUDGET
    assert "not shown" not in html
    assert html == render_html(data, max_bytes=None)


def test_6000_words_are_shortened_and_say_so(topic) -> None:
    data = filled(mark_text(long_essay(6000), topic=topic).to_dict())
    assert data["input"]["words"] >= 5800
    assert len(render_html(data, max_bytes=None).encode()) > EMAIL_BUDGET
    html = render_html(data)
    text = Page(html).plain
    assert len(html.encode()) <= EMAIL_BUDGET
    assert "Your essay is long, so to keep this report small enough to email" in text
    assert re.search(r"\[paragraphs? [\d–]+ not shown — see the full report\]", text)
    assert "Total mark: 12 / 25" in text
    for c in data["claims"]:
        if c["verdict"] == "contradicted":
            assert " ".join(c["correction"].split()) in text
    # far too little room: only the paragraphs that fit are shown, the marks stay
    tight = render_html(data, max_bytes=40_000)
    assert len(tight.encode()) <= 40_000
    assert "Total mark: 12 / 25" in Page(tight).plain
    assert "Fix these first" in Page(tight).plain
