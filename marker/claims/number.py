"""Numbers: "90% of the officers", "three of the five marshals", "20,000 soldiers died".

A number is matched to a figure in the knowledge by the figure's keywords near it, its
qualifiers ("shot", "killed") and its subject event in the paragraph; then checked against
the range the figure accepts. A count of another thing ("ten years", "21 conditions"), a
loss set against a strength, or a figure of another agreement is not matched.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from ..regex import scanner
from .base import Claim
from .verdict import CONTRADICTED, SUPPORTED, UNVERIFIABLE, Verdict

if TYPE_CHECKING:
    from spacy.tokens import Span

    from ..topic import Knowledge
    from .base import Mention, SentenceContext

KINDS = ("number",)
PERCENT = scanner(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent\b|percent\b)", re.I)
OF_RATIO = scanner(
    r"\b(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\s+(?:out\s+)?of\s+"
    r"(?:the\s+|its\s+|their\s+)?(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b",
    re.I,
)
_SMALL = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
          "fifteen|sixteen|seventeen|eighteen|nineteen|twenty")
ALL_OF = scanner(rf"\ball\s+(\d{{1,3}}|{_SMALL})\b(?:\s+of\s+(?:the|its|their))?", re.I)
# What befell those counted, for "all five ...": killed, purged, removed.
FATE_WORDS = ("killed", "executed", "shot", "purged", "arrested", "removed", "liquidated",
              "perished", "murdered", "died", "eliminated", "tried")
FRACTIONS = {"half": 50.0, "a quarter": 25.0, "a third": 33.3, "one third": 33.3,
             "two thirds": 66.7, "two-thirds": 66.7, "three quarters": 75.0,
             "three-quarters": 75.0, "a tenth": 10.0}
FRACTION = scanner(rf"\b({'|'.join(FRACTIONS)})\s+(?:of\s+)?(?:the|its|their|all)\b", re.I)
COUNT = scanner(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(million|thousand|m\b|k\b)?", re.I)
WORD_NUMBERS = {w: i for i, w in enumerate((
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty").split())}


def extract(ctx: SentenceContext, sent: Span, mentions: list[Mention]) -> list[Claim]:
    """Percentages, "N of the M" and counts, matched to a figure in the knowledge by its
    keywords near the number and its subject event in the sentence."""
    base = sent.start_char
    text = ctx.text[base:sent.end_char]  # Span.text joins its tokens afresh
    low = text.lower()
    out = []
    numbers: list[tuple[int, int, str, float, float | None]] = []
    # Each scan only when the sentence holds a word its pattern cannot match without.
    if "%" in text or "cent" in low:
        for mt in PERCENT.finditer(text):
            numbers.append((mt.start(), mt.end(), "percent", float(mt.group(1)), None))
    if any(unit in low for unit in _COUNT_UNITS):
        for mt in WORD_COUNT.finditer(text):
            numbers.append((mt.start(), mt.end(), "count", _word_number(mt.group(0)), None))
    if any(part in low for part in _FRACTION_WORDS):
        for mt in FRACTION.finditer(text):
            numbers.append((mt.start(), mt.end(), "percent", FRACTIONS[mt.group(1).lower()],
                            None))
    for mt in OF_RATIO.finditer(text):
        numbers.append((mt.start(), mt.end(), "ratio", _num(mt.group(1)), _num(mt.group(2))))
    if "all " in low:
        for mt in ALL_OF.finditer(text):
            # "all five marshals were shot": five of the five, when the clause says what
            # befell them (not "all five marshals were appointed in 1935")
            if any(_says(w, low[mt.end():mt.end() + 60]) for w in FATE_WORDS):
                n = _num(mt.group(1))
                numbers.append((mt.start(), mt.end(1), "ratio", n, n))
    if "million" in low or "thousand" in low:
        for mt in WORD_SCALED.finditer(text):
            words = mt.group(1).lower()
            value = 1.0 if words == "a" else _word_number(words)
            scale = 1e6 if mt.group(2).lower() == "million" else 1e3
            numbers.append((mt.start(), mt.end(), "count", value * scale, None))
    taken = [(s, e) for s, e, *_ in numbers]
    for mt in COUNT.finditer(text):
        if any(s <= mt.start() < e for s, e in taken):
            continue
        value = float(mt.group(1).replace(",", ""))
        scale = (mt.group(2) or "").lower()
        value *= {"million": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3}.get(scale, 1)
        if 1000 <= value <= 2099 and not scale and "," not in mt.group(1):
            continue  # a year
        if value < 10:
            continue
        numbers.append((mt.start(), mt.end(), "count", value, None))
    if not numbers:
        return out
    figures = list(getattr(ctx.knowledge, "figures", ()))
    linked = ctx.linked_in_paragraph(ctx.paragraph_of(sent.start_char))
    named_events = {m.kb_id for m in mentions if m.section == "events"}
    people = any(m.section in ("people", "writers") for m in mentions)
    in_dates = [(d.start_char - base, d.end_char - base)
                for d in ctx.dates_between(sent.start_char, sent.end_char)]
    numbers = [n for n in numbers if not any(a < n[1] and n[0] < b for a, b in in_dates)]
    bounds = sorted([(n[0], n[1]) for n in numbers] + in_dates)
    for s, e, unit, value, of in numbers:
        # The words around this number only: up to the neighbouring numbers or dates.
        lo = max([b for a, b in bounds if b <= s] + [max(0, s - 50)])
        hi = min([a for a, b in bounds if a >= e] + [e + 50])
        window = low[lo:hi]
        best = None
        counted, losses = _UNSET, _UNSET
        for fig in figures:
            if fig.unit != unit:
                continue
            if not any(_says(k, window) for k in fig.keywords):
                continue
            if losses is _UNSET:  # worked out only for a number some figure may be about
                counted = _counted_noun(text, e)
                losses = any(_says(w, window) for w in LOSS_WORDS)
            if losses and not any(_says(w, _figure_words(fig)) for w in LOSS_WORDS):
                continue  # "lost 1,200 aircraft" is not the size of the air force
            if counted and not any(w.rstrip("s") == counted for k in fig.keywords
                                   for w in k.lower().split()):
                continue  # "ten years", "21 conditions": not a count of states or aircraft
            qualified = any(_says(q, window) for q in fig.qualifiers)
            if fig.qualifiers and not qualified:
                continue
            # The number must be about the figure's subject: it is named in the paragraph,
            # or the phrase is specific on its own ("3 of the 5 marshals", "officers shot").
            specific = (unit == "ratio" and of is not None and fig.accepted.get("of") == of) \
                or any(_says(q, window) for q in fig.qualifiers
                       if not _everyones(ctx, q))
            if fig.subject is not None and fig.subject not in linked and not specific:
                continue
            if fig.subject is not None and fig.subject not in named_events and people \
                    and all(k.lower().rstrip("s") in _TIME_UNITS for k in fig.keywords):
                continue  # how long a thing lasted, in a sentence about people that does not
                # name the thing: "Chicherin was commissar for twelve years" is no pact's term
            if fig.subject is not None and fig.subject not in named_events and \
                    _kind(ctx, fig.subject) in SEPARATE_KINDS and any(
                    _kind(ctx, e) == _kind(ctx, fig.subject) for e in named_events):
                continue  # "the Neutrality Pact was to last ten years": not the other pact's;
                # "in the famine of 1921 five million died": not the other famine's
            score = sum(1 for k in fig.keywords if k.lower() in window) + 2 * sum(
                1 for q in fig.qualifiers if _says(q, window))
            if unit == "ratio" and of is not None and fig.accepted.get("of") not in (None, of):
                continue
            if best is None or score > best[0]:
                best = (score, fig)
        if best is None and unit == "count" and _people_lost(text, e, window):
            lost = _lost_figure(ctx, figures, value, window, named_events, linked)
            best = (0, lost) if lost is not None else None
        if best is None:
            continue
        fig = best[1]
        start, end = base + s, base + e
        # Extend to the keyword phrase so the claim reads as a fact.
        for k in fig.keywords:
            km = _word(k).search(low[e: e + 40])
            if km:
                end = max(end, base + e + km.end())
                break
        out.append(Claim(
            kind="number", start=start, end=end, text=ctx.text[start:end],
            subject=fig.id, refs=(fig.id, *([fig.subject] if fig.subject else [])),
            stated=ctx.text[base + s: base + e],
            detail={"unit": unit, "value": value, "of": of},
        ))
    return out


_NOT_COUNTED = {"of", "per", "percent", "out", "to", "in", "and", "or", "more", "less",
               "million", "thousand", "hundred", "m", "k", "were", "was", "had", "have"}


_UNSET: Any = object()
_TIME_UNITS = frozenset({"day", "week", "month", "year", "decade"})
# Words that make a number a loss: it is then checked only against a figure of losses.
LOSS_WORDS = ("lost", "lose", "loses", "losing", "losses", "destroyed", "killed", "died",
              "dead", "casualties", "wounded", "shot down")


# Kinds of event of which each is a thing apart (a treaty, a famine, a war): a sentence about
# one must not borrow another's figures (a term of years, a death toll). A purge is not
# among them: the army's purge is part of the Great Purge.
SEPARATE_KINDS = {"treaty", "trade_agreement", "agreement", "pact", "alliance", "famine", "war",
                  "battle"}


# A figure of losses: "lost 12,000 men" is one, whichever word the figure is kept under.
LOSS_KEYWORDS = frozenset({"losses", "casualties"})
# Nouns for people lost ("men" in "lost 5,000 men"), as _counted_noun gives them.
PEOPLE_COUNTED = frozenset({"men", "man", "soldier", "troop", "live", "life", "people"})


_DEATH_WORDS = frozenset({"dead", "died", "killed", "deaths"})


def _lost_figure(ctx: SentenceContext, figures: list[Any], value: float, window: str,
                 named_events: set[str], linked: set[str]) -> Any:
    """The figure "lost N men" is checked against: men lost may be the dead or all the
    casualties, so N is right when it fits either figure kept for the war or battle, and is
    wrong only when it fits neither and a death toll is known. The war must be named in the
    sentence, or be the only war or battle its paragraph names."""
    wars = {i for i in linked if _kind(ctx, i) in ("war", "battle")}
    subjects = (named_events & wars) or (wars if len(wars) == 1 else set())
    if len(subjects) != 1:
        return None
    (subject,) = subjects
    # whose men: the figure's side must be said ("the Red Army lost", "Finland lost")
    ours = [f for f in figures if f.subject == subject and f.unit == "count"
            and f.qualifiers and any(_says(q, window) for q in f.qualifiers)]
    dead = [f for f in ours if {k.lower() for k in f.keywords} & _DEATH_WORDS]
    losses = [f for f in ours if {k.lower() for k in f.keywords} & LOSS_KEYWORDS]
    for fig in (*dead, *losses):
        if _within(fig, value):
            return fig
    return dead[0] if dead and losses else None


def _people_lost(text: str, end: int, window: str) -> bool:
    """"lost 12,000 men", "lost about 5,000 soldiers": a loss verb and people counted."""
    return any(_says(w, window) for w in ("lost", "lose", "loses", "losing")) and \
        _counted_noun(text, end) in PEOPLE_COUNTED


@functools.lru_cache(maxsize=1024)
def _figure_words(fig: Any) -> str:
    """Everything a figure says of what it counts, lower case (for the loss test)."""
    return " ".join((*fig.keywords, *fig.qualifiers, fig.topic, fig.correct or "")).lower()


def _everyones(ctx: SentenceContext, qualifier: str) -> bool:
    """A qualifier naming a state or body that took part in a great many of the
    knowledge's events ("Soviet", "the USSR", "German"): it says whose number it is, not
    which event's, so it does not tie a number to an event the essay never names ("20
    million Soviet citizens died in the war with Germany" is no Winter War toll)."""
    words = ctx.memo.get("everyones")
    if words is None:
        words = set()
        for party in ctx.knowledge.common_parties:
            entry = ctx.knowledge.get(party)
            for name in (party, *((entry.name, *getattr(entry, "aliases", ())) if entry else ())):
                words.update(w.rstrip("s") for w in re.findall(r"[a-z.]+", name.lower()))
        ctx.memo["everyones"] = words
    said = re.findall(r"[a-z.]+", qualifier.lower())
    return bool(said) and all(w.rstrip("s") in words for w in said)


def _kind(ctx: SentenceContext, event_id: str) -> str | None:
    return getattr(ctx.knowledge.get(event_id), "kind", None)


def _counted_noun(text: str, end: int) -> str | None:
    """The word a count counts, when a common noun follows the number ("ten years" ->
    "year", "a third of its population" -> "population"); None for a name or adjective
    ("20,000 Soviet soldiers", "30 million Poles") or a word that is not the thing."""
    m = re.match(r"\s*(?:of\s+(?:its|their|the|his)\s+)?([A-Za-z][a-z-]+)", text[end:end + 40])
    if m is None or m.group(1)[0].isupper() or m.group(1) in _NOT_COUNTED:
        return None
    return m.group(1).rstrip("s") or None


def _says(phrase: str, text: str) -> bool:
    """``phrase`` as whole words in lower-cased ``text`` (a substring test first: most
    figures' words are not near most numbers)."""
    return phrase.lower() in text and _word(phrase).search(text) is not None


@functools.lru_cache(maxsize=1024)
def _word(phrase: str) -> re.Pattern[str]:
    """A figure's keyword or qualifier as a whole-word pattern over lower-cased text
    (compiled once: every number in every essay is tried against every figure)."""
    return re.compile(rf"\b{re.escape(phrase.lower())}\b")


TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
WORD_COUNT = scanner(
    rf"\b(?:(?:{'|'.join(TENS)})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|"
    r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b"
    r"(?=\s+(?:years?|months?|days?|divisions?|marshals?|states?|countries)\b)", re.I)
_COUNT_UNITS = ("year", "month", "day", "division", "marshal", "state", "countries")
# "three million", "twenty-two thousand", "a million": a number in words with its scale.
WORD_SCALED = scanner(
    rf"\b(a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    rf"fifteen|sixteen|seventeen|eighteen|nineteen|(?:{'|'.join(TENS)})"
    rf"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)\s+(million|thousand)\b", re.I)
_FRACTION_WORDS = ("half", "quarter", "third", "tenth")  # every key of FRACTIONS has one


def _word_number(words: str) -> float:
    """'twenty-five' -> 25."""
    parts = re.split(r"[- ]", words.lower())
    return float(sum(TENS.get(p, WORD_NUMBERS.get(p, 0)) for p in parts))


def _num(word: str) -> float:
    w = word.lower()
    return float(WORD_NUMBERS[w]) if w in WORD_NUMBERS else float(w)


def check(claim: Claim, knowledge: Knowledge) -> Verdict:
    """A number against the figure the knowledge accepts (with a little slack)."""
    fig = knowledge.get(claim.subject)
    if fig is None:
        return Verdict(UNVERIFIABLE)
    acc = fig.accepted
    value = claim.detail["value"]
    of = claim.detail.get("of")
    sources = tuple(fig.sources)
    if fig.unit == "ratio":
        ok = value == acc.get("value") and (of is None or of == acc.get("of"))
    else:
        ok = _within(fig, value)
    if ok:
        return Verdict(SUPPORTED, sources=sources, expected=fig.correct)
    return Verdict(CONTRADICTED, fig.correct, sources, fig.correct)


def _within(fig: Any, value: float) -> bool:
    """The value is in the figure's accepted range, with a little slack."""
    acc = fig.accepted
    lo = float(acc.get("min", acc.get("value", 0)))
    hi = float(acc.get("max", acc.get("value", 0)))
    slack = max(1.0, 0.05 * hi) if fig.unit == "percent" else 0.1 * hi
    return lo - slack <= value <= hi + slack
