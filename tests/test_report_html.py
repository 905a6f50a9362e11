"""The HTML report: email-safe, accessible, escaped, within Gmail's size, and complete.

Reports are made by really marking essays (the sample, and longer ones built from its
paragraphs) against the default rubric; ``emptied`` takes the rubric stage's fields out
again, so the templates are tested both full and empty.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from marker.dates import find_dates
from marker.pipeline import mark_file, mark_text
from marker.render import EMAIL_BUDGET, LINK, PALETTE, annotate, render, render_html

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample_essay.txt"
SPELLING = "The treaty was negotiated by Gregory Chicherin."


# --------------------------------------------------------------------------- helpers

def emptied(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as it is when no rubric was applied: no marks, evidence or feedback."""
    return {**data, "criteria": [], "total": {"mark": None, "max": None}, "evidence": {},
            "feedback": {}, "manifest": {**data["manifest"], "rubric": None,
                                         "rubric_sha256": None}}


def stitched(data: dict[str, Any], words: int) -> dict[str, Any]:
    """A longer report made of ``data``'s paragraphs repeated in a shifting order, with
    their claims and names moved along: a long marked essay without marking it again."""
    paras = data["paragraphs"]
    order = [0]
    while sum(len(data["text"][paras[i]["start"]:paras[i]["end"]].split())
              for i in order) < words:
        order.append(1 + (len(order) * 5) % (len(paras) - 1))
    text, out_paras, claims, entities = "", [], [], []
    for i in order:
        p, start = paras[i], len(text) + (2 if text else 0)
        text += ("\n\n" if text else "") + data["text"][p["start"]:p["end"]]
        out_paras.append({"start": start, "end": len(text)})
        shift = start - p["start"]
        for c in data["claims"]:
            if p["start"] <= c["start"] < p["end"]:
                claims.append({**c, "id": f"c{len(claims) + 1}", "start": c["start"] + shift,
                               "end": c["end"] + shift})
        entities += [{**e, "start": e["start"] + shift, "end": e["end"] + shift}
                     for e in data["entities"] if p["start"] <= e["start"] < p["end"]]
    return {**data, "input": {**data["input"], "words": len(text.split())}, "text": text,
            "paragraphs": out_paras, "claims": claims, "entities": entities}


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

    VOID = frozenset({"meta", "br", "img", "input", "hr", "link", "area", "base", "col",
                      "source", "wbr"})
    BLOCK = frozenset({"p", "td", "th", "tr", "li", "ul", "table", "h1", "h2", "h3", "br",
                       "div"})

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
        if "title" in inside or ("head" in inside and "body" not in inside):
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
    """The sample with a misspelt name added, marked against the default rubric."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "could trade and cooperate.", "could trade and cooperate. " + SPELLING)
    data = mark_text(text, topic=topic, path="essays/sample_essay.txt").to_dict()
    assert data["criteria"] and data["total"]["mark"] is not None, "the rubric stage ran"
    return data


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

def test_header_marks_and_bars(full: dict[str, Any], full_html: str) -> None:
    page = Page(full_html)
    text = page.plain
    assert f"sample_essay.txt · {full['input']['words']} words" in text
    assert full["topic"]["question"] in text and full["topic"]["title"] in text
    assert f"Rubric: {full['manifest']['rubric']}" in text
    assert f"Total mark: {full['total']['mark']} / {full['total']['max']}" in text
    for c in full["criteria"]:
        assert f"{c['name']} {c['mark']} / {c['max']}" in text
    widths = [a.get("width") for t, a in page.tags if t == "td" and "barf" in a.get("class", "")]
    assert widths == [f"{round(100 * c['mark'] / c['max'])}%" for c in full["criteria"]
                      if c["mark"]]


def test_student_name_is_preferred_and_escaped(full: dict[str, Any]) -> None:
    data = {**full, "input": {**full["input"], "student": "Ann <b>Lee</b>"}}
    html = render_html(data)
    assert "<title>Feedback: Ann &lt;b&gt;Lee&lt;/b&gt;</title>" in html
    assert "Ann <b>Lee</b>" in Page(html).plain


def test_rubric_table_evidence_and_fix_first(full: dict[str, Any], full_html: str) -> None:
    page = Page(full_html)
    marks = section(page, "Marks and reasons", "Key content and historians")
    for c in full["criteria"]:
        assert c["name"] in marks
        for line in [c["band"], *c["reasons"], *c["next_steps"]]:
            assert " ".join(line.split()) in marks
    for name, ev in full["evidence"].items():
        assert f"{name.capitalize()}. {ev['summary']}" in marks
        for line in ev["reasons"]:
            assert " ".join(line.split()) in marks
    fix = section(page, "Fix these first", "Your essay, checked")
    for line in full["feedback"]["fix_first"]:
        assert " ".join(line.split()) in fix


def test_coverage_and_historians(full: dict[str, Any], full_html: str) -> None:
    key = section(Page(full_html), "Key content and historians", "Your dates beside")
    details = full["evidence"]["coverage"]["details"]
    assert details["covered"] and full["feedback"]["missing"]
    for item in details["covered"]:
        assert f"✓ {item['label']}" in key
    for label in full["feedback"]["missing"]:
        assert f"✗ {label}" in key
    assert "Historians you cited Name How you used them" in key
    for view in full["evidence"]["historiography"]["details"]["views"]:
        assert f"{view['name']} view given" in key
    assert "Geoffrey Roberts view given, with your own comment" in key


def test_historian_status_and_named_only(full: dict[str, Any]) -> None:
    views = [{"name": "Otto Bauer", "kb_id": "otto_bauer", "status": "not_historian",
              "quote": True, "commented": False}]
    hist = full["evidence"]["historiography"]
    data = {**full, "evidence": {**full["evidence"], "historiography": {
        **hist, "details": {**hist["details"], "views": views}}}}
    key = section(Page(render_html(data)), "Key content and historians", "Your dates beside")
    assert "Otto Bauer view given, quoted (not mainly a historian)" in key
    assert "E. H. Carr named only" in key  # linked in the essay, no view in the evidence


def test_empty_rubric_fields_render_and_fix_first_falls_back(sample: dict[str, Any]) -> None:
    data = emptied(sample)
    page = Page(render_html(data))
    assert "No mark yet" in page.plain and "no marks by criterion" in page.plain
    assert "Total mark" not in page.plain and "What the marks rest on" not in page.plain
    fix = section(page, "Fix these first", "Your essay, checked")
    wrong = [c for c in data["claims"] if c["verdict"] == "contradicted"]
    assert wrong, "the sample has planted errors"
    for c in wrong[:3]:
        assert " ".join(c["correction"].split()) in fix
    # historians named in the essay are listed even without the historiography evidence
    assert "Geoffrey Roberts named only" in section(page, "Key content", "Your dates")
    assert "rubric" not in section(page, "Your dates beside", "Produced offline")


def statements(claims: list[dict[str, Any]]) -> list[str]:
    """The verdict of each run of claims whose words overlap: wrong if any is, correct only
    if all are, else not checked."""
    runs: list[list[str]] = []
    end = -1
    for c in sorted(claims, key=lambda c: (c["start"], c["end"])):
        if runs and c["start"] < end:
            runs[-1].append(c["verdict"])
        else:
            runs.append([c["verdict"]])
        end = max(end, c["end"]) if len(runs[-1]) > 1 else c["end"]
    return ["contradicted" if "contradicted" in r else
            "supported" if set(r) == {"supported"} else "unverifiable" for r in runs]


def test_essay_marks_every_claim_with_symbol_and_word(sample: dict[str, Any],
                                                      sample_html: str) -> None:
    essay = sample_html[sample_html.index("Your essay, checked"):
                        sample_html.index("Marks and reasons")]
    verdicts = [c["verdict"] for c in sample["claims"]]
    # one badge per statement (claims whose words overlap are one, read by the rule for a
    # claim's details), one in the legend, and one more on each correction note and on
    # each note saying what was and was not checked
    shown = statements(sample["claims"])
    partial = sum(1 for c in sample["claims"] if c.get("checked"))
    assert essay.count("bk bok") == shown.count("supported") + 1
    assert essay.count("bk bunk") == shown.count("unverifiable") + 1 + partial
    assert essay.count("bk bbad") == shown.count("contradicted") \
        + verdicts.count("contradicted") + 1
    assert "✓\xa0correct" in Page(essay).plain.replace(" ", "\xa0") or "✓&nbsp;correct" in essay
    assert 'class="nm"' in essay  # linked names
    # the student's own paragraphs, every one (a badge may follow the last word)
    text = re.sub(r"\s*[✓?✗]\s(?:correct|not checked|check this)", "",
                  Page(sample_html).plain.replace("\xa0", " "))
    for p in sample["paragraphs"]:
        assert " ".join(sample["text"][p["start"]:p["end"]].split()[-6:]) in text


def test_corrections_sit_under_their_sentence(sample: dict[str, Any], sample_html: str) -> None:
    text = section(Page(sample_html), "Your essay, checked", "Marks and reasons")
    for c in sample["claims"]:
        if c["verdict"] != "contradicted":
            continue
        para = next(n for n, p in enumerate(sample["paragraphs"], 1)
                    if p["start"] <= c["start"] < p["end"])
        here = text.index(f"Paragraph {para} ")
        end = text.find(f"Paragraph {para + 1} ", here)
        end = len(text) if end == -1 else end
        note = text.index("✗ check this " + " ".join(c["correction"].split()), here)
        assert note < end
        assert note < text.index(f"You wrote: “{' '.join(c['text'].split())}”", note) < end
        if c["sources"]:
            assert text.index("Source:", note) < end


def test_spelling_note(full_html: str) -> None:
    text = Page(full_html).plain
    assert "You wrote Gregory Chicherin — the usual spelling is Georgy Chicherin." in text
    assert "✎ spelling" in text


def test_timeline_in_order_of_true_date(full_html: str) -> None:
    timeline = section(Page(full_html), "Your dates beside the true dates", "Produced offline")
    assert "True date What happened You wrote" in timeline
    rows = re.findall(r'<td class="when"[^>]*>([^<]+)</td>', full_html)
    assert len(rows) >= 5
    starts = [find_dates(r)[0].start for r in rows]
    assert starts == sorted(starts)
    assert "16 April 1922" in rows
    assert "The Treaty of Rapallo was signed 1924 ✗ check this" in timeline


def test_footer_manifest(full: dict[str, Any], full_html: str) -> None:
    text = Page(full_html).plain
    m = full["manifest"]
    assert f"marker {full['marker_version']}" in text
    assert m["spacy_version"] in text and m["model_package"] in text
    assert m["knowledge_sha256"][:12] in text and m["knowledge_sha256"] not in text
    assert f"rubric {m['rubric']} ({m['rubric_sha256'][:12]})" in text
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
    essay_part = section(page, "Your essay, checked", "Marks and reasons")
    assert "49" not in essay_part and "49" not in page.plain.split("Fix these first")[0]


# --------------------------------------------------------------------------- size

def test_sample_and_1500_words_fit_whole(topic, sample_html: str) -> None:
    assert len(sample_html.encode()) <= EMAIL_BUDGET
    data = mark_text(long_essay(1500), topic=topic).to_dict()
    assert 1400 <= data["input"]["words"] <= 1700
    html = render_html(data)
    assert len(html.encode()) <= EMAIL_BUDGET
    assert "not shown" not in html
    assert html == render_html(data, max_bytes=None)


def test_6000_words_are_shortened_and_say_so(full: dict[str, Any]) -> None:
    data = stitched(full, 6000)
    assert data["input"]["words"] >= 6000
    assert len(render_html(data, max_bytes=None).encode()) > EMAIL_BUDGET
    html = render_html(data)
    text = Page(html).plain
    assert len(html.encode()) <= EMAIL_BUDGET
    assert "Your essay is long, so to keep this report small enough to email" in text
    assert re.search(r"\[paragraphs? [\d–]+ not shown — see the full report\]", text)
    assert f"Total mark: {data['total']['mark']} / {data['total']['max']}" in text
    for c in data["claims"]:
        if c["verdict"] == "contradicted":
            assert " ".join(c["correction"].split()) in text
    # far too little room: only the paragraphs that fit are shown; marks and fixes stay
    tight = render_html(data, max_bytes=50_000)
    assert len(tight.encode()) <= 50_000
    assert "Total mark" in Page(tight).plain
    assert " ".join(data["feedback"]["fix_first"][0].split()) in Page(tight).plain


def test_without_marks_band_words_stand_in(full: dict[str, Any]) -> None:
    html = render_html(full, show_mark=False)
    text = Page(html).plain
    assert "Where your essay is now" in text and "Reasons and next steps" in text
    assert "Total mark" not in text and "Marks and reasons" not in text
    for c in full["criteria"]:
        assert f"{c['mark']} / {c['max']}" not in text
        assert c["band"].split(",")[0] in text
    assert 'class="barf"' not in html
    for c in full["claims"]:
        if c["verdict"] == "contradicted":
            assert " ".join(c["correction"].split()) in text


def _badges(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(text before the badge, badge) for every badge in the annotated essay."""
    return [(s["text"], b) for p in annotate(data) for chunk in p["chunks"]
            for s in chunk["segments"] for b in s["badges"]]


@pytest.mark.parametrize("second", ["joining", "same words"])
def test_overlapping_claims_read_as_one_statement_get_one_verdict(topic, second: str) -> None:
    """The joining unchecked and its date wrong: one ✗ after the date, not '? ... ✗'."""
    data = mark_text("The USSR joined the League of Nations in 1935.", topic=topic).to_dict()
    [date] = data["claims"]
    assert date["verdict"] == "contradicted"
    end = data["text"].index(" in 1935") if second == "joining" else date["end"]
    data["claims"].append({**date, "id": "c2", "kind": "party", "verdict": "unverifiable",
                           "end": end, "text": data["text"][date["start"]:end],
                           "details": [], "checked": None})
    assert _badges(data) == [("1935", "contradicted")]
    notes = [n for p in annotate(data) for chunk in p["chunks"] for n in chunk["notes"]]
    assert [n["kind"] for n in notes] == ["wrong"]  # one correction, no "partly checked"
    assert "1935" in render_html(data)


def test_claims_apart_keep_their_own_verdicts(topic) -> None:
    data = mark_text("The USSR joined the League of Nations in 1935. Lenin died in 1924.",
                     topic=topic).to_dict()
    assert [v for _, v in _badges(data)] == [c["verdict"] for c in data["claims"]]
