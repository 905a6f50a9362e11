"""Rendering a report dict as email-safe HTML, plain text, JSON or a terminal summary.

Renderers only read ``Report.to_dict()``, so the formats can never disagree. The HTML is
made for email: table layout in one column, every style inlined by css-inline (only the
dark-mode and phone ``@media`` rules stay in a ``<style>`` block), no scripts, images or
external resources, and it is shortened to fit ``EMAIL_BUDGET`` because Gmail clips larger
messages. Essay text is always escaped (Jinja2 autoescape) and never compiled as a template.
"""

from __future__ import annotations

import functools
import itertools
import re
import textwrap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from .dates import DateSpan, find_dates
from .report import Report, dumps

if TYPE_CHECKING:  # imported when a page is rendered: a JSON report needs neither
    import css_inline
    import jinja2

EMAIL_BUDGET = 90_000
"""Largest HTML report in bytes: Gmail clips a message body over 102 KB."""

PALETTE: dict[str, tuple[str, str, str, str]] = {
    # role: (text, background, dark-mode text, dark-mode background)
    "page": ("#1f2933", "#eef1f5", "#e4e7eb", "#0d1117"),
    "card": ("#1f2933", "#ffffff", "#e4e7eb", "#161b22"),
    "muted": ("#4b5563", "#ffffff", "#b1bac4", "#161b22"),
    "head": ("#ffffff", "#1d3557", "#f0f4f8", "#0b2545"),
    "headsub": ("#dbe6f5", "#1d3557", "#c9d8ec", "#0b2545"),
    "panel": ("#1f2933", "#f1f4f8", "#e4e7eb", "#1f2630"),
    "ok": ("#0f3d1e", "#dcf2e3", "#d3f5de", "#12351f"),
    "bad": ("#6b0f0a", "#fde2df", "#ffe1dc", "#4a1512"),
    "unk": ("#553f00", "#fbf0cc", "#fbeec0", "#3b3110"),
    "okbadge": ("#ffffff", "#1e6b3a", "#ffffff", "#1e6b3a"),
    "badbadge": ("#ffffff", "#b3261e", "#ffffff", "#b3261e"),
    "unkbadge": ("#ffffff", "#6f5200", "#ffffff", "#6f5200"),
    "spellbadge": ("#ffffff", "#1f4e89", "#ffffff", "#1f4e89"),
    "notebad": ("#4a0d08", "#fff4f2", "#ffe1dc", "#2d1210"),
    "notespell": ("#12324f", "#eef4fb", "#d6e6f7", "#13233a"),
    "elided": ("#4b5563", "#f1f4f8", "#b1bac4", "#1f2630"),
}
"""Every text/background pair the HTML uses; tests check each for 4.5:1 contrast."""

LINK = ("#0b57d0", "#8ab4f8")
"""Link text colour (light, dark); links sit on the card, panel and note backgrounds."""

BAR = ("#2f6db5", "#d5dbe3", "#7fa7d9", "#2d3440")
"""Mark bars (filled, empty, dark filled, dark empty): shapes with the mark written beside."""

VERDICT_WORDS = {"supported": "correct", "contradicted": "check this",
                 "unverifiable": "not checked"}
VERDICT_SYMBOLS = {"supported": "✓", "contradicted": "✗", "unverifiable": "?"}
_RANK = {"supported": 1, "unverifiable": 2, "contradicted": 3}
_CSS_CLASS = {"supported": "ok", "contradicted": "bad", "unverifiable": "unk"}
_TIMELINE_KINDS = {"date", "sequence", "era", "office"}
# A sentence ends at . ! ? (and closing quotes/brackets) before a space or the end.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s|$)")


@functools.cache
def jinja_env() -> jinja2.Environment:
    """The templates' environment, made once (importing Jinja2 then, not before)."""
    import jinja2

    class _Environment(jinja2.Environment):
        """Reads ``r.claims`` from a report dict by key first. Jinja tries the attribute
        first, and the AttributeError it catches on a dict cost 0.5 us each: about a
        thousand times a report. A dict's own methods are never used in the templates."""

        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict and attribute in obj:
                return obj[attribute]
            return super().getattr(obj, attribute)

    env = _Environment(
        loader=jinja2.PackageLoader("marker", "templates"),
        # HTML templates are always escaped: essay text can contain <script>.
        autoescape=lambda name: name is None or ".html" in name,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # package data: never re-read (each check is an os.stat)
    )
    env.filters["wrap"] = _wrap
    env.filters["shorten"] = _shorten_text
    env.globals.update(words=VERDICT_WORDS, symbols=VERDICT_SYMBOLS, css=_CSS_CLASS,
                       badge=_badge, segments=_segments)
    return env


@functools.cache
def _badge(kind: str) -> Markup:
    """The small label after a checked fact ("✓ correct") or a corrected name."""
    if kind == "spelling":
        return Markup('<span class="bk bsp">✎&nbsp;spelling</span>')
    return Markup(f'<span class="bk b{escape(_CSS_CLASS[kind])}">{escape(VERDICT_SYMBOLS[kind])}'
                  f"&nbsp;{escape(VERDICT_WORDS[kind])}</span>")


def _segments(segments: list[dict[str, Any]], step: _Step) -> Markup:
    """A paragraph's stretches of essay text, each highlighted as its claims and names say
    and followed by its badges (a shortened report leaves correct facts plain)."""
    out = []
    for s in segments:
        text, verdict = escape(s["text"]), s["verdict"]
        if verdict and not (step.quiet_correct and verdict == "supported"):
            out.append(f'<span class="{_CSS_CLASS[verdict]}">{text}</span>')
        elif s["name"] and not step.plain_names:
            out.append(f'<span class="nm">{text}</span>')
        else:
            out.append(text)
        out.extend(_badge(b) for b in s["badges"]
                   if not (step.quiet_correct and b == "supported"))
    return Markup("".join(out))


@functools.cache
def css_inliner() -> css_inline.CSSInliner:
    """Moves the stylesheet into style attributes, as email clients need."""
    import css_inline

    # Nothing may be fetched: the report is built offline and read offline.
    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False,
                                 minify_css=True)


def render(report: Report, fmt: str) -> str:
    """The report in ``fmt``: html, json or text."""
    data = report.to_dict()
    if fmt == "json":
        return dumps(data)
    if fmt == "text":
        return render_text(data)
    return render_html(data)


def render_html(data: dict[str, Any], *, max_bytes: int | None = EMAIL_BUDGET,
                show_mark: bool = True, view: dict[str, Any] | None = None) -> str:
    """Email-safe HTML; over ``max_bytes`` the essay is shown in part, and the report says so.

    The shortening steps are tried gentlest first. If even the last is too big, only as
    many of the flagged paragraphs are shown as fit. The marks, the corrections to fix
    first and the timeline are never dropped. With ``show_mark`` False the marks are left
    out and each criterion's band words stand in for them (a student's ``marker check``).
    """
    view, paras = {**(view or report_view(data)), "show_mark": show_mark}, annotate(data)

    def fits(html: str) -> bool:
        return max_bytes is None or len(html.encode("utf-8")) <= max_bytes

    for step in _SHORTENINGS:
        html = _render_html(data, view, paras, step)
        if fits(html):
            return html
    best, lo, hi = html, 0, sum(p["flagged"] > 0 for p in paras) - 1
    while lo <= hi:  # the most flagged paragraphs that still fit
        mid = (lo + hi) // 2
        html = _render_html(data, view, paras, _SHORTENINGS[-1], limit=mid)
        if fits(html):
            best, lo = html, mid + 1
        else:
            hi = mid - 1
    return best


def render_text(data: dict[str, Any], *, view: dict[str, Any] | None = None) -> str:
    """Plain text with the same marks and corrections as the HTML (email text/plain part);
    ``view`` is :func:`report_view` of ``data`` when already worked out."""
    return jinja_env().get_template("report.txt.j2").render(r=data, v=view or report_view(data))


def render_summary(data: dict[str, Any], *, show_mark: bool) -> str:
    """A student's terminal summary for ``marker check``, under 25 lines.

    With ``show_mark`` False only the band words are shown, never a number, so a teacher
    can let students check drafts without turning the check into mark-chasing.
    """
    return jinja_env().get_template("summary.txt.j2").render(r=data, v=report_view(data),
                                                       show_mark=show_mark)


# --------------------------------------------------------------------------- the HTML pass

@dataclass(frozen=True)
class _Step:
    """One way to shrink an over-budget report."""

    keep: str  # paragraphs shown: all | claims (with a checked fact) | flagged (to correct)
    plain_names: bool = False  # linked names without their dotted underline
    quiet_correct: bool = False  # correct facts as plain text, without highlight or badge


_SHORTENINGS = (_Step("all"), _Step("claims"), _Step("claims", plain_names=True),
                _Step("flagged", plain_names=True),
                _Step("flagged", plain_names=True, quiet_correct=True))


def _render_html(data: dict[str, Any], view: dict[str, Any], paras: list[dict[str, Any]],
                 step: _Step, limit: int | None = None) -> str:
    shown = _shorten(paras, step.keep, limit)
    html = jinja_env().get_template("report.html.j2").render(
        r=data, v=view, paras=shown, step=step,
        hidden=sum(p["elided"] for p in shown if not p["shown"]),
        p=PALETTE, link=LINK, bar=BAR,
    )
    return css_inliner().inline(html)


def _shorten(paras: list[dict[str, Any]], keep: str,
             limit: int | None = None) -> list[dict[str, Any]]:
    """Paragraphs to show (at most ``limit``), runs of hidden ones folded into a placeholder."""
    out: list[dict[str, Any]] = []
    count = 0
    for para in paras:
        shown = (keep == "all" or (keep == "claims" and para["claims"] > 0)
                 or para["flagged"] > 0) and (limit is None or count < limit)
        count += shown
        if shown:
            out.append({**para, "shown": True})
        elif out and not out[-1]["shown"]:
            out[-1]["last"] = para["number"]
            out[-1]["elided"] += 1
        else:
            out.append({"shown": False, "first": para["number"], "last": para["number"],
                        "elided": 1})
    return out


# --------------------------------------------------------------------------- the view

def report_view(data: dict[str, Any]) -> dict[str, Any]:
    """Everything the templates show besides the essay, worked out once from the dict (and
    once for both the HTML and the text report when given to both)."""
    claims = data["claims"]
    counts = Counter(c["verdict"] for c in claims)
    evidence = data["evidence"]
    total = data["total"]
    manifest = data["manifest"]
    return {
        "student": _student(data["input"]),
        "counts": {v: counts.get(v, 0) for v in VERDICT_WORDS},
        "total": total if total.get("mark") is not None else None,
        "bars": [_bar(c) for c in data["criteria"] if c.get("max")],
        "fix_first": _fix_first(data),
        "covered": _labels(evidence, "covered"),
        "missing": list(data["feedback"].get("missing") or _labels(evidence, "missing")),
        "writers": _writers(data),
        "evidence": [
            {"name": name.replace("_", " ").capitalize(), "summary": ev.get("summary"),
             "reasons": ev.get("reasons") or []}
            for name, ev in evidence.items()
        ],
        "timeline": _timeline(data),
        "spelling": [_spelling(e) for e in data["entities"] if e["corrected_from"]],
        "checked": _checked(data),
        "bands": [{"name": c["name"], "band": _band_words(c.get("band"))}
                  for c in data["criteria"] if c.get("band")],
        "footer": {
            "version": data["marker_version"],
            "model": " ".join(str(x) for x in (manifest.get("model_package")
                                                or manifest.get("model"),
                                                manifest.get("model_version")) if x),
            "spacy": manifest.get("spacy_version"),
            "topic": manifest.get("topic"),
            "knowledge": _short_hash(manifest.get("knowledge_sha256")),
            "rubric": manifest.get("rubric"),
            "rubric_hash": _short_hash(manifest.get("rubric_sha256")),
        },
    }


def _checked(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Claims and spelling notes by paragraph, for the plain-text essay section."""
    out: list[dict[str, Any]] = []
    for number, p in enumerate(data["paragraphs"], start=1):
        inside = [m for m in (*data["claims"], *data["entities"])
                  if p["start"] <= m["start"] < p["end"]]
        items = [
            _wrong(data, m) if m["verdict"] == "contradicted" else
            {"kind": m["verdict"], "quote": m["text"], "checked": m.get("checked")}
            for m in inside if "verdict" in m
        ] + [_spelling(m) for m in inside if m.get("corrected_from")]
        if items:
            out.append({"number": number, "items": items})
    return out


def _student(inp: dict[str, Any]) -> str:
    if inp.get("student"):
        return str(inp["student"])
    if inp["path"] == "-":
        return "essay from standard input"
    return re.split(r"[\\/]", inp["path"])[-1]


def _bar(criterion: dict[str, Any]) -> dict[str, Any]:
    mark, top = criterion.get("mark") or 0, criterion["max"]
    return {"name": criterion["name"], "mark": criterion.get("mark"), "max": top,
            "pct": max(0, min(100, round(100 * mark / top)))}


def _fix_first(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's own priorities, else the first three factual errors."""
    given = data["feedback"].get("fix_first")
    if given:
        return [{"text": text, "where": None, "quote": None} for text in given[:3]]
    return [{"text": w["correction"], "where": w["paragraph"], "quote": w["quote"]}
            for w in (_wrong(data, c) for c in data["claims"]
                      if c["verdict"] == "contradicted")][:3]


def _labels(evidence: dict[str, Any], key: str) -> list[str]:
    details = (evidence.get("coverage") or {}).get("details") or {}
    return [item["label"] for item in details.get(key) or []]


# How the historiography evidence's writer statuses read in the report.
_STATUS = {"not_historian": "not mainly a historian",
           "unverified": "could not be confirmed as a historian",
           "unknown": "not in the reference knowledge"}


def _writers(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Writers cited and how: the historiography evidence's views, then the names linked.

    The evidence lists only writers whose view the essay gives; the others linked in the
    essay were named only.
    """
    details = (data["evidence"].get("historiography") or {}).get("details") or {}
    out = {v["kb_id"] or v["name"]: {"name": v["name"], "how": _how_cited(v),
                                    "status": _STATUS.get(v.get("status"))}
           for v in details.get("views") or []}
    for e in data["entities"]:
        if e["type"] == "writer" and e["kb_id"] not in out:
            out[e["kb_id"]] = {"name": e["name"], "how": "named only", "status": None}
    return list(out.values())


def _how_cited(view: dict[str, Any]) -> str:
    return "view given" + (", quoted" if view.get("quote") else "") + (
        ", with your own comment" if view.get("commented") else "")


def _timeline(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Dated claims beside the true dates, in order of the true date, repeats shown once."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for c in data["claims"]:
        if c["kind"] not in _TIMELINE_KINDS or not c["expected"] or not _dates(c["stated"]):
            continue
        true = _dates(c["expected"])
        if not true:
            continue
        key = (c["subject"], c["kind"], c["stated"], c["verdict"])
        rows.setdefault(key, {"when": _when(true[0].text), "start": true[0].start,
                              "fact": _undated(c["expected"], true[0]), "stated": c["stated"],
                              "verdict": c["verdict"],
                              "paragraph": _paragraph_of(data, c["start"])})
    return sorted(rows.values(), key=lambda r: (r["start"], r["paragraph"]))


@functools.lru_cache(maxsize=4096)
def _dates(text: str) -> tuple[DateSpan, ...]:
    """The dates in a claim or a fact (cached: facts repeat across a class, and both the
    HTML and the text report draw the timeline)."""
    return tuple(find_dates(text))


def _when(text: str) -> str:
    """A true date as the timeline shows it: "from 12 August 1920 to 25 August 1920" → "12–25
    August 1920"."""
    text = re.sub(r"^(?:from|between)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+(?:to|and|until)\s+", " – ", text, flags=re.IGNORECASE)
    # "29 September 1938 – 30 September 1938" and "29 – 30 September 1938" → "29–30 September
    # 1938"
    text = re.sub(r"^(\d{1,2}) (\w+ \d{4}) – (\d{1,2}) \2$", r"\1–\3 \2", text)
    text = re.sub(r"^(\d{1,2}) – (\d{1,2} \w+ \d{4})$", r"\1–\2", text)
    return re.sub(r"^(\d{1,2} \w+) (\d{4}) – (\d{1,2} \w+) \2$", r"\1 – \3 \2", text)


def _undated(fact: str, when: DateSpan) -> str:
    """The fact without its date, which the timeline shows in its own column."""
    head = re.sub(r"\s+(?:on|in|from|between)$", "", fact[:when.start_char].rstrip())
    rest = fact[when.end_char:].strip()
    return (f"{head} {rest}" if rest else head).strip().rstrip(".,;") or fact


def _paragraph_of(data: dict[str, Any], pos: int) -> int:
    for n, p in enumerate(data["paragraphs"], start=1):
        if p["start"] <= pos < p["end"]:
            return n
    return len(data["paragraphs"])


def _wrong(data: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "wrong", "id": claim["id"], "quote": claim["text"],
            "correction": claim["correction"] or claim["expected"] or "",
            "note": claim["note"], "source": _source(claim["sources"]),
            "paragraph": _paragraph_of(data, claim["start"])}


def _source(urls: list[str]) -> dict[str, str] | None:
    """The first source, with its site name as link text."""
    if not urls:
        return None
    host = (urlsplit(urls[0]).hostname or urls[0]).rstrip(".")
    return {"url": urls[0], "site": host.removeprefix("www.")}


def _spelling(entity: dict[str, Any]) -> dict[str, Any]:
    # "Treaty of Rapallo (1922)" is a knowledge name; the spelling is without the bracket.
    usual = re.sub(r"\s*\([^)]*\)$", "", entity["name"] or entity["text"])
    return {"kind": "spelling", "wrote": entity["corrected_from"], "usual": usual}


def _band_words(band: str | None) -> str:
    """The band's first clause: enough words for a one-line summary."""
    if not band:
        return ""
    words = re.split(r"[;:]", band, maxsplit=1)[0].strip().rstrip(".")
    return _shorten_text(words, 90)


def _short_hash(value: str | None) -> str | None:
    return value[:12] if value else None


def _shorten_text(text: str, width: int) -> str:
    """Jinja filter: at most ``width`` characters, cut at a word, ending in "…"."""
    return textwrap.shorten(str(text), width=width, placeholder="…")


@functools.lru_cache(maxsize=4096)
def _wrap(text: str, width: int = 78, indent: str = "", first: str | None = None) -> str:
    """Jinja filter: wrap for plain text, with a hanging indent (as ``textwrap.fill``).
    Cached: most feedback lines are worded alike for many students of a class."""
    text, first = str(text), indent if first is None else first
    words = text.split(" ")
    room = width - max(len(first), len(indent))
    if _UNUSUAL_SPACE.search(text) or "" in words or max(map(len, words)) > room:
        return textwrap.fill(text, width=width, initial_indent=first,
                             subsequent_indent=indent, break_on_hyphens=False)
    # Single spaces between words that each fit a line: textwrap's greedy fill, without
    # its general machinery (the text report wraps thousands of lines per class).
    lines, line, used, limit = [], [first], 0, width - len(first)
    for word in words:
        if used and used + 1 + len(word) > limit:
            lines.append("".join(line))
            line, used, limit = [indent], 0, width - len(indent)
        if used:
            line.append(" ")
            used += 1
        line.append(word)
        used += len(word)
    lines.append("".join(line))
    return "\n".join(lines)


_UNUSUAL_SPACE = re.compile(r"[\t\n\x0b\x0c\r]")


# --------------------------------------------------------------------------- the annotated essay

def annotate(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each paragraph as chunks of marked segments, each chunk followed by its notes.

    A segment is a stretch of text with one look: the worst verdict of the claims
    covering it, or a linked name. Badges (✓ ✗ ? and words) follow the end of each claim.
    A wrong claim's correction, and a spelling note, go right after the sentence that
    contains it, so the essay is split into chunks at those sentence ends. The template
    escapes every segment, so essay text can never become markup. A correction already
    given is only referred back to, and a spelling already noted only gets its badge.
    """
    text = data["text"]
    paras = []
    given: dict[str, int] = {}  # correction → paragraph where it was first given
    spelled: set[str] = set()
    for number, p in enumerate(data["paragraphs"], start=1):
        lo, hi = p["start"], p["end"]
        claims = [c for c in data["claims"] if lo <= c["start"] and c["end"] <= hi]
        names = [e for e in data["entities"]
                 if e["kb_id"] and lo <= e["start"] and e["end"] <= hi]
        marks = {c["id"]: _marks(c) for c in claims}
        spans = [(m["start"], m["end"]) for m in (*claims, *names)]
        spans.extend((m["start"], m["end"]) for ms in marks.values() for m in ms)
        shown = _one_verdict(claims)
        notes: dict[int, list[dict[str, Any]]] = {}
        for c in claims:
            if c["verdict"] == "contradicted":
                if any(n.get("correction") == c["correction"]
                       for n in notes.get(_cut(text, c["end"], hi, spans), ())):
                    continue  # two readings of the same words, one correction
                note = {**_wrong(data, c), "repeat_of": given.get(c["correction"])}
                given.setdefault(c["correction"], number)
                notes.setdefault(_cut(text, c["end"], hi, spans), []).append(note)
            elif c.get("checked") and shown[c["id"]][0] != "contradicted":
                notes.setdefault(_cut(text, c["end"], hi, spans), []).append(
                    {"kind": "partial", "quote": c["text"], "checked": c["checked"]})
        for e in names:
            if e["corrected_from"] and e["corrected_from"] not in spelled:
                spelled.add(e["corrected_from"])
                notes.setdefault(_cut(text, e["end"], hi, spans), []).append(_spelling(e))
        cuts = sorted(notes)
        bounds = sorted({lo, hi, *cuts, *(s for s, _ in spans), *(t for _, t in spans)})
        chunks: list[dict[str, Any]] = [{"segments": [], "notes": []}]
        for (s, t), look in zip(itertools.pairwise(bounds),
                                _looks(bounds, claims, names, marks, shown),
                                strict=True):
            _add_segment(chunks[-1]["segments"], text[s:t], look)
            if t in notes:
                chunks[-1]["notes"] = notes[t]
                chunks.append({"segments": [], "notes": []})
        chunks = [c for c in chunks if c["segments"] or c["notes"]]
        for chunk in chunks[1:]:
            if chunk["segments"]:
                first = chunk["segments"][0]
                first["text"] = first["text"].lstrip()
        paras.append({"number": number, "chunks": chunks, "claims": len(claims),
                      "flagged": sum(n["kind"] != "partial" for ns in notes.values()
                                     for n in ns)})
    return paras


def _cut(text: str, pos: int, stop: int, spans: list[tuple[int, int]]) -> int:
    """The end of the sentence containing ``pos``, never inside a marked span."""
    for m in _SENTENCE_END.finditer(text, pos, stop):
        word = text[text.rfind(" ", 0, m.start()) + 1:m.start()]
        if len(word) == 1 and word.isalpha():
            continue  # an initial ("E. H. Carr") or "c.", not a sentence end
        end = m.end()
        if not any(s < end < t for s, t in spans):
            return end
    return stop


def _one_verdict(claims: list[dict[str, Any]]) -> dict[str, tuple[str, int]]:
    """Each claim's verdict as the reader is shown it, and where its badge goes.

    Claims whose words overlap are one statement to the reader ("the USSR joined the
    League of Nations in 1935", read once for the joining and once for its date), so they
    get one badge, after the last of them, by the rule for a claim's details: wrong if any
    part is wrong, correct only if every part is, else not checked. Each part keeps the
    colour of its own result, and the JSON keeps every claim.
    """
    out: dict[str, tuple[str, int]] = {}
    group: list[dict[str, Any]] = []
    end = -1
    for c in [*sorted(claims, key=lambda c: (c["start"], c["end"])), None]:
        if c is not None and c["start"] < end:
            group.append(c)
            end = max(end, c["end"])
            continue
        seen = {g["verdict"] for g in group}
        verdict = ("contradicted" if "contradicted" in seen
                   else "supported" if seen == {"supported"} else "unverifiable")
        out.update((g["id"], (verdict, end)) for g in group)
        if c is not None:
            group, end = [c], c["end"]
    return out


def _looks(bounds: list[int], claims: list[dict[str, Any]], names: list[dict[str, Any]],
           marks: dict[str, list[dict[str, Any]]],
           shown: dict[str, tuple[str, int]]) -> Iterator[dict[str, Any]]:
    """How each stretch between consecutive ``bounds`` is shown, and the badges after it.

    Every claim and name starts and ends on a bound, so one sweep over the bounds knows which
    cover each stretch: a paragraph with thousands of names costs O(n), not O(n^2).
    """
    opening: dict[int, list[dict[str, Any]]] = {}
    closing: dict[int, list[dict[str, Any]]] = {}
    badges: dict[int, list[str]] = {}
    for c in claims:
        for m in marks[c["id"]]:
            opening.setdefault(m["start"], []).append(m)
            closing.setdefault(m["end"], []).append(m)
    for verdict, end in dict.fromkeys(shown[c["id"]] for c in claims):  # one a group
        badges.setdefault(end, []).append(verdict)
    for e in names:
        opening.setdefault(e["start"], []).append(e)
        closing.setdefault(e["end"], []).append(e)
    for e in names:
        if e["corrected_from"]:
            badges.setdefault(e["end"], []).append("spelling")
    verdicts: Counter[str] = Counter()  # verdicts of the claims covering the stretch
    open_names = 0
    for s, t in itertools.pairwise(bounds):
        for m in closing.get(s, ()):
            if "verdict" in m:
                verdicts[m["verdict"]] -= 1
            else:
                open_names -= 1
        for m in opening.get(s, ()):
            if "verdict" in m:
                verdicts[m["verdict"]] += 1
            else:
                open_names += 1
        covering = [v for v, n in verdicts.items() if n > 0]
        verdict = max(covering, key=_RANK.__getitem__, default=None)
        yield {"verdict": verdict, "name": not covering and open_names > 0,
               "badges": list(badges.get(t, ()))}


_DETAIL_LOOK = {"agrees": "supported", "contradicts": "contradicted"}


def _marks(claim: dict[str, Any]) -> list[dict[str, Any]]:
    """The stretches of a claim to highlight: the words of each detail that was checked, in
    the colour of its result (unchecked words stay plain); a claim nothing was checked in is
    highlighted whole as not checked."""
    checked = [{"start": d["start"], "end": d["end"], "verdict": _DETAIL_LOOK[d["status"]]}
               for d in claim.get("details", ()) if d["status"] in _DETAIL_LOOK
               and claim["start"] <= d["start"] and d["end"] <= claim["end"]]
    return checked or [{"start": claim["start"], "end": claim["end"],
                        "verdict": claim["verdict"]}]


def _add_segment(segments: list[dict[str, Any]], text: str, look: dict[str, Any]) -> None:
    """Append, joining onto the previous segment when it looks the same and has no badge."""
    prev = segments[-1] if segments else None
    if (prev and not prev["badges"] and prev["verdict"] == look["verdict"]
            and prev["name"] == look["name"]):
        prev["text"] += text
        prev["badges"] = look["badges"]
    else:
        segments.append({"text": text, **look})
