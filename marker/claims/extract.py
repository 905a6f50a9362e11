"""Finding the checkable claims in an analysed essay.

A claim is a span of the normalised text that states one checkable fact about entries in
the knowledge: when an event happened (``date``), who held an office when (``office``),
which leader or period an event belongs to (``era``), the order of two events
(``sequence``), who took part in an event (``party``), a number (``number``) or who a
writer was (``attribution``). Extraction uses the dependency parse, the entity links and
the essay's own dates; deciding whether a claim is right is :mod:`marker.verify`'s job.

Everything here errs towards *not* making a claim: an unmade claim costs a little recall,
a misread one can become a false accusation.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..dates import (
    ENTRY_DATE,
    UNTIL_WORDS,
    DateSpan,
    RelativeDate,
    find_dates,
    find_relative,
    find_yearless,
    find_yearless_months,
    resolve_relative,
)
from ..nlp import sentence, where
from ..regex import scanner
from . import fate, feature, number, quote, terms, view
from .base import STATE_ADJECTIVES, Claim, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from ..topic import DateValue, Topic


PARTY_PREPS = {"with", "between", "by"}
# Verbs that report what someone says or thinks: a date on one is the saying's.
REPORTING_VERBS = {"say", "argue", "claim", "believe", "write", "think", "blame", "suggest",
                   "contend", "insist", "maintain", "conclude", "state", "see", "describe",
                   "call", "show", "note", "stress", "emphasise", "emphasize", "point"}
# Of those, the ones that never name a deed of their own ("concluded a pact", "1939 saw the
# pact", "showed its strength" do): a date on one of these is the saying's, not an event's.
SAYING_VERBS = REPORTING_VERBS - {"conclude", "see", "show", "state", "maintain", "note",
                                  "point", "write"}
# Verbs whose 'it' can only be an agreement, and the kinds of event that are agreements.
SIGNING_VERBS = {"sign", "conclude", "ratify", "negotiate"}
AGREEMENTS = {"treaty", "agreement", "trade_agreement", "pact", "alliance", "armistice"}
AGREEMENT_NOUNS = {"deal", "pact", "treaty", "agreement", "alliance", "accord", "bargain"}
# "seized Bessarabia from Romania": the state a land is taken from is a party of the taking.
TAKING_VERBS = {"take", "seize", "annex", "capture", "win", "gain", "grab", "acquire",
                "recover", "regain", "occupy", "wrest", "snatch"}
ROLE_WORDS = {
    "historian": "historian", "historians": "historian", "historiographer": "historian",
    "journalist": "journalist", "correspondent": "journalist", "reporter": "journalist",
    "politician": "politician", "statesman": "politician", "diplomat": "diplomat",
    "economist": "economist", "general": "military", "marshal": "military",
    "novelist": "writer",
    "theorist": "theorist", "philosopher": "theorist",
}
APPOINT_CUES = {"new", "appoint", "appointed", "bring", "brought", "install", "installed",
                "become", "became", "replace", "replaced", "take", "took", "succeed",
                "succeeded", "promote", "promoted"}
BACKGROUND_CUES = {"had", "earlier", "previously", "originally", "once", "formerly", "already",
                   "back", "since", "ago", "later", "would", "eventually", "subsequently"}
FRAMING_OPENERS = {"from", "in", "by", "between", "during", "following", "after", "with",
                   "throughout", "until", "on", "upon", "at", "over", "before"}
SEQUENCE_OPENERS = {"following", "after", "with", "upon"}


@functools.lru_cache(maxsize=2)
def _text(doc: Doc) -> str:
    """Doc.text joins every token afresh on each call, and the extractors ask for it often;
    the linker has joined it once already."""
    return doc._.essay_text or doc.text


class _Context:
    """Indexes over one analysed essay shared by the extractors."""

    def __init__(self, doc: Doc, topic: Topic) -> None:
        self.doc = doc
        self.topic = topic
        self.knowledge = topic.knowledge
        self.text = text = _text(doc)
        self.para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]
        self.ents = doc.ents  # Doc.ents builds a new tuple of Spans on every call
        events_end = {e.end_char for e in self.ents if e.kb_id_
                      and getattr(self.knowledge.get(e.kb_id_), "section", None) == "events"}
        self.dates = [d for d in find_dates(text)
                      if 1000 <= d.start.year <= 2099 and not _citation(text, d, events_end)]
        self.date_starts = [d.start_char for d in self.dates]
        self.yearless = [d for d in find_yearless(text) if not any(
            o.start_char < d.end_char and d.start_char < o.end_char for o in self.dates)]
        self.relatives = find_relative(text)
        self.sents = [sentence(doc, s.start, s.end, text) for s in doc.sents]
        self.works = self._work_titles()
        self.mentions = [m for m in self._mentions() if not any(
            s <= m.start_char and m.end_char <= e for s, e, _ in self.works)]
        self.offices = list(doc._.offices or [])
        self.appointments: set[tuple[int, str]] = set()  # (paragraph, person) already checked
        self.alias_periods = [
            (a.lower(), DateValue_from(p["from"]))
            for st in self.knowledge.states for p in st.data.get("alias_periods", ()) or ()
            for a in p["aliases"]
        ]

    def _work_titles(self) -> list[tuple[int, int, str]]:
        """Spans of known book titles ("The Origins of the Second World War"), with the
        writer each belongs to: names inside a title are not claims about events.

        Many titles are also the names of events or plain words ("The Great Terror",
        "Comrades", "The Dictators"), so a title is one only when it is written as one:
        in quotation marks, or capitalised as the title is and said of a book ("wrote",
        "in his book", "Conquest's")."""
        text = _text(self.doc)
        low = text.lower()
        surnames = _writer_surnames(self.topic)
        return [(m.start(), m.end(), writer)
                for variant, pattern, writer, written in _titles(self.topic)
                if variant in low for m in pattern.finditer(low)
                if _written_as_title(text, m.start(), m.end(), written, surnames)]

    @functools.cached_property
    def yearless_months(self) -> list[DateSpan]:
        """"in May", "by late August": months without their year, outside every date."""
        return [d for d in find_yearless_months(self.text) if not any(
            o.start_char < d.end_char and d.start_char < o.end_char
            for o in (*self.dates, *self.yearless))]

    @functools.cached_property
    def calendar_years(self) -> list[DateSpan]:
        """"In the same year", "the following year", "the year before", resolved to the
        calendar year they name when what they count from is clear (see
        :func:`_calendar_anchor`): so an office taken or a death "the same year" is dated."""
        out = []
        for r in self.relatives:
            # "later that year" also orders the two: left to the sequence claims
            if r.anchor_text is None and r.kind in _CALENDAR_KINDS and (
                    r.kind != "same_year" or r.offset_days_min < 0 < r.offset_days_max):
                year = _calendar_anchor(self, r)
                if year is not None:
                    out.append(resolve_relative(r, DateSpan(
                        dt.date(year, 1, 1), dt.date(year, 12, 31), "year", str(year), 0, 0)))
        return out

    def dates_between(self, start: int, end: int) -> list[DateSpan]:
        """The dates that begin from ``start`` up to ``end`` (they are in text order)."""
        return self.dates[bisect.bisect_left(self.date_starts, start):
                          bisect.bisect_left(self.date_starts, end)]

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        """The mentions that begin from ``start`` up to ``end`` (sorted by where they begin)."""
        return self.mentions[bisect.bisect_left(self._mention_starts, start):
                             bisect.bisect_left(self._mention_starts, end)]

    @functools.cached_property
    def lower(self) -> str:
        """The essay in lower case, for word tests over the whole essay."""
        return self.text.lower()

    @functools.cached_property
    def memo(self) -> dict[str, Any]:
        """What an extractor works out once per essay and reads in every sentence."""
        return {}

    @functools.cached_property
    def _mention_starts(self) -> list[int]:
        return [m.start_char for m in self.mentions]

    def sentence_ents(self, sent: Span) -> list[Span]:
        """The entities of one sentence, from the document's list read once (sent.ents
        rebuilds every entity of the document: quadratic over a long essay)."""
        starts = self._ent_starts
        lo = bisect.bisect_left(starts, sent.start_char)
        hi = bisect.bisect_left(starts, sent.end_char)
        return list(self.ents[lo:hi])

    def token_range(self, start: int, end: int) -> range:
        """The tokens a stretch of characters covers, as indices (asked for often)."""
        key = (start, end)
        found = self._ranges.get(key)
        if found is None:
            span = self.doc.char_span(start, end, alignment_mode="expand")
            found = range(span.start, span.end) if span is not None else range(0)
            self._ranges[key] = found
        return found

    @functools.cached_property
    def _ranges(self) -> dict[tuple[int, int], range]:
        return {}

    @functools.cached_property
    def clause_heads(self) -> dict[tuple[int, int], Token]:
        """The clause head of each claim's words, filled in by the frames."""
        return {}

    @functools.cached_property
    def parse(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """Each token's head (an index), and the ids of its dependency label, part of
        speech and lemma, read from the parse once: walking many clauses token by token
        would otherwise make a spaCy Token object per word per walk."""
        from spacy.attrs import DEP, HEAD, LEMMA, POS

        table = self.doc.to_array([HEAD, DEP, POS, LEMMA])
        heads = [i + offset for i, offset in enumerate(table[:, 0].astype("int64").tolist())]
        return heads, table[:, 1].tolist(), table[:, 2].tolist(), table[:, 3].tolist()

    def ents_between(self, start: int, end: int) -> list[Span]:
        """The entities that begin from ``start`` up to ``end``."""
        starts = self._ent_starts
        return list(self.ents[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)])

    @functools.cached_property
    def _ent_starts(self) -> list[int]:
        return [e.start_char for e in self.ents]

    def linked_in_paragraph(self, para: int) -> set[str]:
        """Knowledge ids named in a paragraph (computed once for all paragraphs)."""
        return self._linked_by_paragraph.get(para, set())

    @functools.cached_property
    def _linked_by_paragraph(self) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for m in self.mentions:
            out.setdefault(self.paragraph_of(m.start_char), set()).add(m.kb_id)
        return out

    def paragraph_of(self, char: int) -> int:
        return bisect.bisect_right(self.para_starts, char) - 1

    def section(self, kb_id: str) -> str | None:
        entry = self.knowledge.get(kb_id)
        return getattr(entry, "section", None) if entry is not None else None

    def _mentions(self) -> list[Mention]:
        text = _text(self.doc)
        out: list[Mention] = []
        for ent in self.ents:
            extra = ent._  # each read of ent._ builds a new accessor
            candidates = tuple(extra.candidates or ())
            kb_id, start_char, end_char = ent.kb_id_, ent.start_char, ent.end_char
            if not kb_id:
                # A name two events share ("the invasion of Poland": 1 or 17 September
                # 1939): checked against both readings.
                sections = {self.section(c) for c in candidates}
                if len(candidates) > 1 and sections == {"events"}:
                    out.append(Mention(candidates[0], "events", ent.start, ent.end, start_char,
                                       end_char, text[start_char:end_char], candidates))
                continue
            section = self.section(kb_id)
            if section is None:
                continue
            out.append(Mention(kb_id, section, ent.start, ent.end, start_char, end_char,
                               text[start_char:end_char], candidates,
                               described=extra.link == "description"))
        out.extend(self._trigger_mentions(out))
        out.extend(terms.named_by_terms(self, out))
        out.extend(self._signed_pronouns(out))
        out.sort(key=lambda m: (m.start_char, -m.end_char))
        return out

    def _signed_pronouns(self, mentions: list[Mention]) -> list[Mention]:
        """"The pact shocked Europe. It was signed by Molotov": 'it', signed or concluded, or
        said to be a deal or a treaty, is the one agreement the sentence before names (when
        its own names no event before it), or the one event its own sentence names before
        it, an agreement, when 'it' opens a clause of its own ("..., and it was signed by")."""
        from spacy.attrs import LOWER

        found = []
        for tok in (self.doc[i] for i in where(self.doc, LOWER, {self.doc.vocab.strings["it"]})):
            signed = tok.dep_ in ("nsubjpass", "dobj") and tok.head.lemma_.lower() in SIGNING_VERBS
            called = tok.dep_ == "nsubj" and tok.head.lemma_ == "be" and any(
                c.dep_ == "attr" and c.lemma_.lower() in AGREEMENT_NOUNS for c in tok.head.children)
            if not (signed or called):
                continue
            sent = tok.sent
            own = {m.kb_id for m in mentions
                   if m.section == "events" and sent.start_char <= m.start_char < tok.idx}
            if own:
                # "Russia made the Treaty of Rapallo in 1922, it was signed by ...": a clause
                # of its own after the one event its sentence names, an agreement
                if len(own) != 1 or tok.head.dep_ == "relcl" or not any(
                        t.text in (",", ";", "and") for t in self.doc[sent.start:tok.i]):
                    continue
                agreements = {k for k in own
                              if getattr(self.knowledge.get(k), "kind", None) in AGREEMENTS}
            else:
                if sent.start == 0:
                    continue
                prev = self.doc[sent.start - 1].sent
                if self.paragraph_of(prev.start_char) != self.paragraph_of(tok.idx):
                    continue
                agreements = {m.kb_id for m in mentions
                              if m.section == "events" and prev.start_char <= m.start_char
                              and m.start_char < tok.idx and getattr(
                                  self.knowledge.get(m.kb_id), "kind", None) in AGREEMENTS}
            if len(agreements) != 1:
                continue
            found.append(Mention(next(iter(agreements)), "events", tok.i, tok.i + 1, tok.idx,
                                 tok.idx + len(tok), tok.text))
        return found

    def _pronoun_antecedent(self, tok: Token) -> Mention | None:
        """"It invaded eastern Poland": 'it'/'they' as the subject stands for the subject
        of the previous sentence when that is a state or organisation the knowledge knows,
        or, when that subject is a thing, for the one state or organisation it names."""
        if tok.lower_ not in ("it", "they") or tok.dep_ != "nsubj":
            return None
        sent = tok.sent
        # "The USSR took Bessarabia, which it seized from Romania": the one state or
        # organisation its own sentence has as a subject before it
        doers = [e for e in self.ents_between(sent.start_char, tok.idx)
                 if e.kb_id_ and self.section(e.kb_id_) in ("states", "organisations")
                 and e.root.dep_ in ("nsubj", "nsubjpass")]
        if doers:
            if len({e.kb_id_ for e in doers}) != 1:
                return None
            ent = doers[0]
            return Mention(ent.kb_id_, self.section(ent.kb_id_) or "", ent.start, ent.end,
                           ent.start_char, ent.end_char, ent.text)
        if sent.start == 0:
            return None
        prev = self.doc[sent.start - 1].sent
        actors = [e for e in self.ents_between(prev.start_char, prev.end_char)
                  if e.kb_id_ and self.section(e.kb_id_) in ("states", "organisations")]
        for t in prev:
            if t.dep_ == "nsubj" and t.head.dep_ == "ROOT":
                ent = next((e for e in actors if e.start <= t.i < e.end), None)
                if ent is None and (t.ent_type_ in ("PERSON", "NORP") or t.pos_ == "PRON"):
                    return None  # people or a pronoun: 'it' is not a state here
                if ent is None and len({e.kb_id_ for e in actors}) == 1:
                    # "The pact allowed the USSR to grab land. It invaded Poland": a thing
                    # does not act; the one state the sentence names does
                    ent = actors[0]
                if ent is not None:
                    return Mention(ent.kb_id_, self.section(ent.kb_id_) or "", ent.start,
                                   ent.end, ent.start_char, ent.end_char, ent.text)
        return None

    def _forces_of(self, tok: Token, by_token: dict[int, Mention]) -> Mention | None:
        """"German troops invaded", "Hitler's armies attacked": a state's (or leader's)
        forces act for it, as a country stands for its government."""
        if tok.lemma_.lower() not in FORCE_NOUNS:
            return None
        for c in tok.children:
            if c.dep_ not in ("amod", "compound", "poss", "nmod"):
                continue
            m = by_token.get(c.i)
            if m is not None and m.section in ("states", "people"):
                return m
            state = STATE_ADJECTIVES.get(c.lower_)
            if state is not None and self.section(state) == "states":
                return Mention(state, "states", c.i, c.i + 1, c.idx, c.idx + len(c), c.text)
        return None

    def _thing_antecedent(self, tok: Token, mentions: list[Mention]) -> Mention | None:
        """"The USSR joined the League a year after Germany walked out of it": 'it' acted on
        is the one organisation its sentence names before it (none or two: left alone)."""
        if tok.lower_ != "it" or tok.dep_ not in ("dobj", "obj", "pobj"):
            return None
        sent = tok.sent
        named = {m.kb_id: m for m in mentions if m.section == "organisations"
                 and sent.start <= m.start and m.end <= tok.i}
        if len(named) != 1:
            return None
        m = next(iter(named.values()))
        return Mention(m.kb_id, m.section, tok.i, tok.i + 1, tok.idx, tok.idx + len(tok),
                       tok.text, anchor_only=True)

    def events_before(self, sent: Span) -> list[Mention]:
        """The event mentions of the nearer of the two sentences before ``sent`` in its
        paragraph that names an event (none when neither does): what "it", "the treaty" or
        a sentence naming no event of its own may go on telling of."""
        doc, para = self.doc, self.paragraph_of(sent.start_char)
        start = sent.start
        for _ in range(2):
            if start == 0:
                return []
            before = doc[start - 1].sent
            if self.paragraph_of(before.start_char) != para:
                return []
            events = [m for m in self.mentions_between(before.start_char, before.end_char)
                      if m.section == "events"]
            if events:
                return events
            start = before.start
        return []

    def person_antecedent(self, tok: Token) -> Mention | None:
        """"Litvinov was the commissar. In May 1939 he was dismissed.": 'he'/'she' stands for
        the one person the previous sentence names, when this sentence names nobody (two
        people named, or anyone named here, and the pronoun is left alone); 'his' likewise."""
        if tok.lower_ not in ("he", "she", "him", "her", "his"):
            return None
        sent = tok.sent

        def people(span: Span) -> list[Span]:
            return [e for e in self.ents_between(span.start_char, span.end_char)
                    if e.kb_id_ and self.section(e.kb_id_) == "people"]

        here = [e for e in people(sent) if e.end <= tok.i]
        if here:
            ent = self._same_sentence_person(tok, here)
            if ent is None:
                return None
        else:
            if sent.start == 0:
                return None
            named = people(self.doc[sent.start - 1].sent)
            if people(sent) or len({e.kb_id_ for e in named}) != 1:
                return None
            ent = named[0]
        return Mention(ent.kb_id_, "people", ent.start, ent.end, ent.start_char, ent.end_char,
                       ent.text)

    @staticmethod
    def _same_sentence_person(tok: Token, before: list[Span]) -> Span | None:
        """The one person named earlier in the pronoun's sentence that it can stand for.
        'he'/'she' as a subject continues an earlier clause's subject when that is the only
        person named ("Trotsky lost the vote, and he was expelled"); 'him'/'her' as an object
        is never its own verb's subject, so it is the only other person named ("Stalin beat
        Trotsky and threw him out"). Two candidates: left alone."""
        if tok.lower_ in ("he", "she"):
            if tok.dep_ not in ("nsubj", "nsubjpass") or len({e.kb_id_ for e in before}) != 1:
                return None
            ent = before[0]
            return ent if ent.root.dep_ in ("nsubj", "nsubjpass") else None
        if tok.dep_ not in ("dobj", "obj", "pobj"):
            return None
        verb = tok.head.head if tok.dep_ == "pobj" else tok.head
        verbs = (verb, verb.head) if verb.dep_ == "conj" else (verb,)  # a shared subject
        subjects = {c.i for v in verbs for c in v.children if c.dep_ in ("nsubj", "nsubjpass")}
        others = [e for e in before if not any(e.start <= i < e.end for i in subjects)]
        if len({e.kb_id_ for e in others}) != 1 or len(others) == len(before):
            return None
        return others[0]

    def arguments(self, verb: Token) -> list[tuple[str, Token]]:
        """A verb's subjects and objects (``_arguments``), read once per verb: many events'
        triggers share a verb."""
        found = self._arguments.get(verb.i)
        if found is None:
            found = self._arguments[verb.i] = _arguments(verb)
        return found

    @functools.cached_property
    def _arguments(self) -> dict[int, list[tuple[str, Token]]]:
        return {}

    def _trigger_mentions(self, mentions: list[Mention]) -> list[Mention]:
        """Events named by a verb and its argument: "Stalin dissolved the Comintern"."""
        by_token: dict[int, Mention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                by_token[i] = m
        found: list[Mention] = []
        from spacy.attrs import POS
        from spacy.symbols import AUX, VERB

        by_lemma: dict[str, list[Token]] = {}  # the verbs, indexed once (not per trigger)
        pos = self.doc.to_array(POS)  # read as one array: a Token object per word is slow
        for i in ((pos == VERB) | (pos == AUX)).nonzero()[0]:
            tok = self.doc[int(i)]
            by_lemma.setdefault(tok.lemma_.lower(), []).append(tok)
            for lemma in _light_verb_lemmas(tok):
                by_lemma.setdefault(lemma, []).append(tok)
        for event, trig, verbs in _triggers(self.topic):
            if not any(v in by_lemma for v in verbs):
                continue
            for tok in sorted((t for v in verbs for t in by_lemma.get(v, ())),
                              key=lambda t: t.i):
                args = self.arguments(tok)
                role_ok = [
                    (role, m) for role, t in args
                    if (m := by_token.get(t.i) or self.person_antecedent(t)
                        or self._thing_antecedent(t, mentions)) is not None
                    and m.kb_id == trig.entity
                    and (trig.role in (None, "any") or trig.role == role)
                ]
                if not role_ok:
                    continue
                agent = None
                if trig.agents:
                    agents = [by_token.get(t.i) or self._pronoun_antecedent(t)
                              or self._forces_of(t, by_token)
                              or self.person_antecedent(t)
                              for role, t in args if role == "subject"]
                    matched = [a for a in agents if a is not None and a.kb_id in trig.agents]
                    if not matched:
                        continue
                    agent = f"{matched[0].kb_id}@{matched[0].start}"
                if trig.words and not _has_object_word(tok, trig.words):
                    continue
                if trig.requires:
                    sent = tok.sent
                    if not any(m.kb_id in trig.requires and
                               sent.start <= m.start < sent.end for m in mentions):
                        continue
                if any(f.kb_id == event.id and f.verb.i == tok.i for f in found):
                    continue
                arg = role_ok[0][1]
                if any(a.head.i == tok.i or a.head.head.i == tok.i
                       for a in self.doc[arg.start:arg.end]):
                    start, end = min(tok.i, arg.start), max(tok.i + 1, arg.end)
                else:  # an argument it shares with another verb: the verb alone
                    start, end = tok.i, tok.i + 1
                span = self.doc[start:end]
                found.append(Mention(event.id, "events", start, end, span.start_char,
                                     span.end_char, span.text, by_trigger=True, verb=tok,
                                     agent=agent, anchor_only=arg.anchor_only))
        found.extend(self._objectless(by_lemma, by_token, found))
        return self._sorted_by_source(found, by_token)

    def _sorted_by_source(self, found: list[Mention], by_token: dict[int, Mention]
                          ) -> list[Mention]:
        """"expelled from the USSR" (the deportation, not the expulsion from the Party): when
        one verb names several events and says where from, the events that place or party
        fits are kept (none fits: all are kept, as nothing rules one out)."""
        by_verb: dict[int, list[Mention]] = {}
        for m in found:
            if m.verb is not None:
                by_verb.setdefault(m.verb.i, []).append(m)
        dropped: set[int] = set()
        for i, ms in by_verb.items():
            if len({m.kb_id for m in ms}) < 2:
                continue
            sources = {by_token[g.i].kb_id for c in self.doc[i].children
                       if c.dep_ == "prep" and c.lower_ == "from"
                       for g in c.children if g.dep_ == "pobj" and g.i in by_token
                       and by_token[g.i].section in ("states", "organisations", "places")}
            if not sources:
                continue
            fits = [m for m in ms if sources & set(
                getattr(self.knowledge.get(m.kb_id), "places", ()) or ()) | sources & set(
                getattr(self.knowledge.get(m.kb_id), "parties", ()) or ())]
            if fits:
                dropped.update(id(m) for m in ms if m not in fits)
        return [m for m in found if id(m) not in dropped]

    def _objectless(self, by_lemma: dict[str, list[Token]], by_token: dict[int, Mention],
                    found: list[Mention]) -> list[Mention]:
        """"Germany invaded on 22 June 1941", "the USSR joined in September 1934": a verb
        whose object is left out, done by a doer the trigger names, may mean any event of
        that doer and verb. Each is a reading; a date that fits one is right, and since
        which was meant is a guess, a date that fits none is not called wrong."""
        named = {m.verb.i for m in found if m.verb is not None}
        readings: dict[int, list[str]] = {}
        agents: dict[int, str] = {}
        for event, trig, verbs in _triggers(self.topic):
            # a thing that never happened needs to know what was said to correct it
            if not event.happened or trig.role == "subject" or not trig.agents or trig.words \
                    or trig.requires or not any(v in by_lemma for v in verbs):
                continue
            for tok in (t for v in verbs for t in by_lemma.get(v, ())):
                if tok.i in named or _has_object(tok):
                    continue
                args = self.arguments(tok)
                doers = [by_token.get(t.i) or self._pronoun_antecedent(t)
                         or self._forces_of(t, by_token)
                         for role, t in args if role == "subject"]
                doer = next((d for d in doers if d is not None and d.kb_id in trig.agents),
                            None)
                if doer is None or tok.tag_ in ("VBG", "VB") or not fate.stated_as_fact(tok):
                    continue
                readings.setdefault(tok.i, [])
                if event.id not in readings[tok.i]:
                    readings[tok.i].append(event.id)
                agents[tok.i] = f"{doer.kb_id}@{doer.start}"
        out = []
        for i, ids in sorted(readings.items()):
            tok = self.doc[i]
            out.append(Mention(ids[0], "events", i, i + 1, tok.idx, tok.idx + len(tok), tok.text,
                               tuple(ids) if len(ids) > 1 else (), by_trigger=True, verb=tok,
                               agent=agents[i], described=True))
        return out


_PER_TOPIC: dict[tuple[str, str], Any] = {}


def _per_topic(what: str, topic: Topic, build: Callable[[Topic], Any]) -> Any:
    """``build(topic)``, worked out once per topic and process: every essay asks."""
    key = (what, topic.sha256)
    if key not in _PER_TOPIC:
        _PER_TOPIC[key] = build(topic)
    return _PER_TOPIC[key]


def _triggers(topic: Topic) -> list[tuple[Any, Any, frozenset[str]]]:
    """(event, trigger, its verbs in lower case) for every trigger."""
    return _per_topic("triggers", topic, lambda t: [
        (event, trig, frozenset(v.lower() for v in trig.verbs))
        for event in t.knowledge.events for trig in event.triggers])


# Words that say the title that follows is a book's.
_BOOK_CUE = re.compile(
    r"\b(wrote|writes|write|written|writing|author|authors|authored|book|books|study|"
    r"studies|biography|published|publishes|classic|volume|volumes|titled|entitled|"
    r"argue in|argues in|argued in|in his|in her|in their|title|history of)\b[^.;:!?]*$",
    re.IGNORECASE)
_QUOTES = "\"'“”‘’*_«»"


def _writer_surnames(topic: Topic) -> frozenset[str]:
    """The last word of every writer's names: "Conquest's The Great Terror"."""
    return _per_topic("surnames", topic, lambda t: frozenset(
        n.split()[-1].lower() for w in t.knowledge.writers for n in (w.name, *w.aliases)
        if n.split()))


def _written_as_title(text: str, start: int, end: int, written: str,
                      surnames: frozenset[str]) -> bool:
    """In quotation marks; or capitalised as the title is (a first "The" may be lower
    case) after words that make it a book, or after a writer's possessive."""
    before = text[:start].rstrip()
    if before[-1:] in _QUOTES and text[end:end + 1] in _QUOTES:
        return True
    found = text[start:end]
    if found != written and found != written[:1].lower() + written[1:]:
        return False
    window = text[max(0, start - 80):start]
    window = re.split(r"[.;:!?\n]", window)[-1]
    if _BOOK_CUE.search(window):
        return True
    if found == written and re.search(r"\w,?\s+in\s+$", window):
        return True  # "Norman Davies, in White Eagle, Red Star"
    if found.startswith("The ") and window.strip() and not re.search(r"[.!?\n]\s*$", before):
        return True  # "Taylor, in The Origins of ...": a capital "The" inside a sentence
    owner = re.search(r"(\w+)['’]s?\s*$", window)
    if owner is not None and owner.group(1).lower() in surnames:
        return True
    # a reference: "Conquest, The Great Terror, 1968" opening a sentence, a line or brackets
    cited = _CITED.search(window)
    return found == written and cited is not None and cited.group(1).lower() in surnames


# "Service, Lenin: A Biography", "[Carr, German-Soviet Relations ...": a writer's surname and
# a comma opening a reference, at the start of the text given or after a bracket.
_CITED = re.compile(r"(?:^|[\[(])\s*([A-Z][\w'’-]+),\s*$")
# "(Haslam, 1984)", "(Roberts 1995, p. 12)": an author-date reference.
_AUTHOR_DATE = re.compile(r"[(\[]\s*(?:see\s+)?([A-Z][\w'’-]+),?\s+((?:18|19|20)\d\d)[a-z]?"
                          r"(?:\s*[,:]\s*(?:pp?\.?\s*)?\d+(?:\s*[-\u2013]\s*\d+)?)?\s*[)\]]")


def _titles(topic: Topic) -> list[tuple[str, re.Pattern[str], str, str]]:
    """(lower-case title, its pattern, writer id, the title as written) for every work
    title in the knowledge worth finding."""
    return _per_topic("titles", topic, _find_titles)


def _find_titles(topic: Topic) -> list[tuple[str, re.Pattern[str], str, str]]:
    knowledge = topic.knowledge
    names = {n.lower() for n, _, section, _ in knowledge.all_names()
             if section in ("people", "writers", "states")}
    longest_first = sorted(names, key=lambda n: (-len(n), n))  # not in hash order

    def only_names(title: str) -> bool:
        """'Hitler and Stalin' (from 'Hitler and Stalin: Parallel Lives') is not a
        title on its own: it would hide the two men's names."""
        rest = title.lower()
        for name in longest_first:
            rest = rest.replace(name, " ")
        return not re.sub(r"\b(and|the|of|&|with|in)\b|[\W\d]", "", rest)

    # A title cut short of the years that end it may be the name of what it is about
    # ("Socialism in One Country, 1924-1926"): only the title the writer gave may be that.
    known = {n.lower() for n, *_ in knowledge.all_names()}
    found = []
    for writer in knowledge.writers:
        for work in writer.works:
            given = _given_titles(work)
            for variant in title_variants(work):
                if len(variant) < 8 or only_names(variant):
                    continue
                if variant not in given and variant.lower() in known:
                    continue
                low = variant.lower()
                found.append((low, re.compile(rf"\b{re.escape(low)}\b"), writer.id, variant))
    return found


def title_variants(work: str) -> tuple[str, ...]:
    """How an essay may name a work the knowledge lists: its title without the year, editors
    or co-authors ("Stumbling Colossus: The Red Army on the Eve of World War (1998)" ->
    the full title and "Stumbling Colossus"), or the years that end it ("The Twenty Years'
    Crisis 1919-1939" -> "The Twenty Years' Crisis"), as the knowledge writes it."""
    title, short = _given_titles(work)
    undated = re.sub(r"[,:]?\s*\d{4}(?:\s*[-\u2013]\s*\d{2,4})?$", "", short).strip()
    # "Carr's multi-volume History of Soviet Russia": "A History of Soviet Russia" without
    # its article (still written with its capitals, after words that make it a book)
    bare = re.sub(r"^(?:A|An)\s+", "", undated) if len(undated.split()) >= 4 else ""
    return tuple(dict.fromkeys(t for t in (title, short, undated, bare) if t))


def is_titled(work: str, written: str) -> bool:
    """The listed work is the one written: one of its variants, in any case and spacing."""
    wanted = " ".join(written.lower().split())
    return any(" ".join(t.lower().split()) == wanted for t in title_variants(work))


def _given_titles(work: str) -> tuple[str, str]:
    """The title as the writer gave it, and its main title before any colon."""
    title = re.split(r"\s*[(\[]|\s+-\s+|,\s*(?:with|in|incl)\b", work)[0]
    title = re.sub(r"^\((?:ed\.?)\)\s*|^with [^,]+,\s*", "", title).strip(" '\"")
    return title, title.split(":")[0].strip()


def DateValue_from(iso: str) -> dt.date:
    """The first day an ISO date string covers."""
    from ..dates import iso_span

    return iso_span(str(iso))[0]


def _title_subject_of(name: Token) -> Token | None:
    """"Eden, then the Foreign Secretary, visited Moscow": the parser may take the title for
    the subject and hang the name on the verb loosely; the title subject it stands for
    (the name is the subject, the title its apposition)."""
    if name.dep_ not in ("npadvmod", "dep", "nmod") or name.pos_ != "PROPN":
        return None
    verb = name.head
    nxt = name.right_edge.i + 1
    if verb.pos_ not in ("VERB", "AUX") or nxt >= len(name.doc) or name.doc[nxt].text != ",":
        return None
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                 and c.pos_ in ("NOUN", "PROPN") and c.left_edge.i > nxt
                 and c.i < verb.i), None)


def _misread_opening(verb: Token, subject: Token) -> Token:
    """"After Munich the USSR left the League": with no comma the parser takes the time
    ("Munich") for the subject and the real subject for its apposition; the apposition is
    the subject."""
    named = next((c for c in verb.children if c.i < subject.i
                  and _title_subject_of(c) == subject), None)
    if named is not None:
        return named
    appos = [c for c in subject.children if c.dep_ == "appos" and c.i > subject.i]
    opener = subject.doc[subject.left_edge.i - 1] if subject.left_edge.i > 0 else None
    if appos and opener is not None and opener.dep_ == "mark" and opener.head == verb \
            and opener.lower_ in ("after", "before", "since", "until", "following"):
        return appos[0]
    return subject


# "sent troops to help the Whites": verbs whose subject also does the purpose clause's
# deed (not "hoped to", "wanted to": a wish is no deed).
PURPOSE_HEADS = {"send", "dispatch", "use", "land", "intervene", "move", "mobilise",
                 "mobilize", "join", "unite", "combine", "ally"}
# The forces a state acts through: "German troops invaded" is Germany invading.
FORCE_NOUNS = {"troop", "troops", "soldier", "force", "forces", "army", "armies", "division",
               "tank", "legion", "legions", "marine", "sailor", "airman", "pilot"}
PART_WORDS = {"rest", "remainder", "remains", "most", "part", "much", "all", "half"}


# "granted formal recognition to Moscow" is "recognised the USSR": a light verb and a
# noun that names the deed, whose "to" phrase is the deed's object.
LIGHT_VERBS = {"give", "grant", "extend", "accord", "offer"}
DEED_NOUNS = {"recognition": ("recognise", "recognize")}


def _deed_noun(verb: Token) -> Token | None:
    if verb.lemma_.lower() not in LIGHT_VERBS:
        return None
    return next((c for c in verb.children if c.dep_ in ("dobj", "obj")
                 and c.lemma_.lower() in DEED_NOUNS), None)


# Verbs of an army moving: "into X" says it entered X ("the Red Army crossed into Poland").
MOVING_VERBS = frozenset({"cross", "march", "move", "pour", "roll", "advance", "push", "sweep",
                          "storm", "drive", "surge", "go"})


def _light_verb_lemmas(verb: Token) -> tuple[str, ...]:
    """Other verbs this one stands for: "gave recognition to" is "recognised", "crossed
    into" is "entered"."""
    noun = _deed_noun(verb)
    if noun is not None:
        return DEED_NOUNS[noun.lemma_.lower()]
    if verb.lemma_.lower() in MOVING_VERBS and any(
            c.dep_ == "prep" and c.lower_ == "into" for c in verb.children):
        return ("enter",)
    return ()


# Verbs whose "to" names who receives: the receiver is acted on, as an object is.
GIVING_VERBS = frozenset({"send", "supply", "ship", "deliver", "give", "provide", "sell",
                          "lend", "export"})


# "used it as an excuse to ...", "took the chance to ...": the one who used or took the
# occasion is the doer of what it was an occasion for.
OCCASION_NOUNS = {"excuse", "pretext", "chance", "opportunity", "decision", "attempt"}
OCCASION_VERBS = {"use", "take", "seize", "make", "have", "see", "find", "get", "grab"}


# Nouns for a kind of doer, whose examples are the doers: "countries such as Britain".
_KIND_WORDS = {"country", "power", "state", "nation", "government", "ally"}


def _arguments(verb: Token) -> list[tuple[str, Token]]:
    """(role, token) for the subject and object heads of a verb, through conjunctions and
    the agent of a passive ("was replaced by Molotov")."""
    out: list[tuple[str, Token]] = []
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
    for child in verb.children:
        if child.dep_ in ("nsubj",):
            out.append(("subject", _misread_opening(verb, child)))
        elif child.dep_ in ("nsubjpass",) or child.dep_ in ("dobj", "obj", "attr"):
            out.append(("object", child))
        elif child.dep_ == "agent" and passive:
            out.extend(("subject", g) for g in child.children if g.dep_ == "pobj")
        elif child.dep_ == "prep" and not _direction(child) and (
                child.lower_ in ("into", "from", "out") or (
                child.lower_ == "of" and (verb.lemma_.lower() == "rid" or any(  # "got rid of X"
                    c.dep_ == "prt" and c.lower_ == "out" for c in verb.children)))):
            out.extend(("object", g) for g in child.children if g.dep_ == "pobj")
            # "walked out of the League", the parser's "out" a preposition with "of" under it
            out.extend(("object", g) for p in child.children if child.lower_ == "out"
                       and p.dep_ == "prep" and p.lower_ == "of"
                       for g in p.children if g.dep_ == "pobj")
    if verb.lemma_.lower() in GIVING_VERBS:  # "sent tanks to Spain": Spain is helped
        out.extend(("object", g) for p in verb.children
                   if p.dep_ in ("prep", "dative") and p.lower_ == "to"
                   for g in p.children if g.dep_ == "pobj")
    noun = _deed_noun(verb)
    if noun is not None:  # "gave recognition to the USSR": the USSR is recognised
        out = [(r, t) for r, t in out if t is not noun and t.i != noun.i]
        out.extend(("object", g) for holder in (verb, noun) for p in holder.children
                   if p.dep_ in ("prep", "dative") and p.lower_ == "to"
                   for g in p.children if g.dep_ == "pobj")
    if verb.lemma_.lower() == "declare":  # "declared war on Germany": Germany is acted on
        out.extend(("object", g) for w in verb.children if w.dep_ == "dobj"
                   and w.lower_ == "war" for p in w.children
                   if p.dep_ == "prep" and p.lower_ in ("on", "against")
                   for g in p.children if g.dep_ == "pobj")
    # "raided the trading company Arcos": a name in apposition is the argument too
    out.extend((role, c) for role, tok in list(out) for c in tok.children
               if c.dep_ == "appos" and c.pos_ == "PROPN")
    for role, tok in list(out):
        if tok.lemma_.lower() in _KIND_WORDS:  # "countries like Britain and France sent ..."
            out.extend((role, g) for p in tok.children if p.dep_ == "prep"
                       and p.lower_ in ("like", "as", "including")
                       for g in p.children if g.dep_ == "pobj")
        if tok.lower_ in PART_WORDS:  # "occupied the rest of Czechoslovakia": Czechoslovakia
            out.extend((role, g) for p in tok.children if p.dep_ == "prep" and p.lower_ == "of"
                       for g in p.children if g.dep_ == "pobj")
    for _, tok in list(out):
        out.extend((r, c) for r, t in list(out) if t is tok for c in tok.conjuncts)
    if verb.dep_ == "conj" and verb.head.lemma_ == verb.lemma_ and not any(
            c.dep_ in ("dobj", "obj", "nsubjpass") for c in verb.children):
        # "Germany invaded Poland, and the Red Army invaded from the east": the same verb
        # again, its object left out, has the first one's.
        out.extend(("object", c) for c in verb.head.children if c.dep_ in ("dobj", "obj"))
    if verb.dep_ == "conj" and not any(r == "subject" for r, _ in out):
        head = verb.head
        out.extend(("subject", c) for c in head.children if c.dep_ == "nsubj")
    elif verb.dep_ in ("xcomp", "advcl") and verb.head.lemma_.lower() in PURPOSE_HEADS \
            and not any(r == "subject" for r, _ in out) and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        # "Britain sent troops to help the Whites": who sent is who helped.
        out.extend(("subject", t) for c in verb.head.children if c.dep_ == "nsubj"
                   for t in (c, *c.conjuncts))
    if verb.dep_ == "acl" and verb.head.lower_ in OCCASION_NOUNS and not any(
            r == "subject" for r, _ in out) and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) and not any(
            c.dep_ in ("poss", "amod", "compound") for c in verb.head.children):
        # "Hitler used it as an excuse to remilitarise": who used the excuse acted on it
        holder = verb.head.head.head if verb.head.head.dep_ == "prep" else verb.head.head
        if holder.lemma_.lower() in OCCASION_VERBS:
            out.extend(("subject", t) for c in holder.children if c.dep_ == "nsubj"
                       for t in (c, *c.conjuncts))
    if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
        # "the Comintern, set up in 1919" / "the treaty, which it signed" / "Litvinov, who
        # replaced Chicherin": the modified noun stands in for the relative pronoun.
        rel = [r for r, t in out if t.tag_ in ("WDT", "WP", "WP$") or t.lower_ in ("that",)]
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            out.append(("object", verb.head))
        elif rel:
            out = [(r, t) for r, t in out if t.tag_ not in ("WDT", "WP", "WP$")
                   and t.lower_ != "that"]
            out.append((rel[0], verb.head))
    return out


def _has_object(verb: Token) -> bool:
    """The verb says what it acted on (an object, a passive subject, "into X"; "from the
    east" is where from, not what)."""
    return any(c.dep_ in ("dobj", "obj", "nsubjpass", "attr", "dative") or (
        c.dep_ == "prep" and c.lower_ in ("into", "from", "out") and not _direction(c))
        for c in verb.children)


# "invaded from the east", "attacked from the west": a direction, not a thing acted on.
DIRECTION_WORDS = {"east", "west", "north", "south", "north-east", "north-west", "south-east",
                   "south-west", "northeast", "northwest", "southeast", "southwest", "rear"}


def _direction(prep: Token) -> bool:
    return prep.lower_ == "from" and any(
        c.dep_ == "pobj" and c.lower_ in DIRECTION_WORDS for c in prep.children)


def _has_object_word(verb: Token, words: tuple[str, ...]) -> bool:
    """"seized power", "came to power", "declared war", "took over": the verb's object, the
    object of its preposition, or its particle is one of the words (a particle only when
    nothing else is taken over: "took over the factories" is another deed)."""
    objects = any(c.dep_ in ("dobj", "obj") for c in verb.children)
    for child in verb.children:
        if child.dep_ in ("dobj", "obj", "attr", "nsubjpass") and child.lower_ in words:
            return True
        if child.dep_ == "prt" and child.lower_ in words and not objects:
            return True
        if child.dep_ in ("prep", "dative", "prt") and any(
                g.dep_ == "pobj" and g.lower_ in words for g in child.children):
            return True
    return False


def extract_claims(doc: Doc, topic: Topic) -> list[Claim]:
    """Every checkable claim in the essay, in text order, at most one per span and kind."""
    return claims_in(context(doc, topic))


def context(doc: Doc, topic: Topic) -> ExtractContext:
    """The indexes over one analysed essay that extraction and the frames share."""
    return _Context(doc, topic)


def claims_in(ctx: ExtractContext) -> list[Claim]:
    """The claims of an essay whose indexes are built."""
    claims: list[Claim] = []
    periods = _paragraph_periods(ctx)
    for sent in ctx.sents:
        claims.extend(_sentence_claims(ctx, sent, periods))
    return _dedupe(claims)


ExtractContext = _Context


# -- sentence level -----------------------------------------------------------------------


def _states_nothing(ctx: _Context, sent: Span) -> bool:
    """A question ("Why did Stalin sign the pact?") or a heading ("The 1920s: Socialism in
    One Country") asserts nothing, whatever names and dates it holds."""
    text, end = ctx.text, sent.end_char
    while end > sent.start_char and text[end - 1].isspace():
        end -= 1
    last = text[end - 1:end]
    if last == "?":
        return True
    if len(_STUTTER.findall(text, sent.start_char, end)) >= 2:
        return True  # "pact pact signed signed in in": a word salad, not a sentence
    if last in ".!;:\"'”’)":
        return False
    para = ctx.paragraph_of(sent.start_char)
    p_start = ctx.para_starts[para]
    p_end = ctx.para_starts[para + 1] if para + 1 < len(ctx.para_starts) else len(text)
    if sent.start_char - p_start > 8 or p_end - end > 8:
        return False  # not a paragraph of its own
    words = text[sent.start_char:end].strip()
    if text[p_start:p_end].strip() != words:
        return False
    if _in_timeline(ctx, para):
        return False  # "1922 - Treaty of Rapallo": an entry dates what it names
    alpha = re.findall(r"[^\W\d_][\w'’-]*", words)
    capital = [w for w in alpha if w[0].isupper()]
    return 0 < len(alpha) <= 10 and len(capital) >= 0.6 * len(alpha)


def _in_timeline(ctx: _Context, para: int) -> bool:
    """A paragraph that opens with a date and a dash or colon, beside another that does:
    an entry of a timeline, not a heading (one dated heading alone, "1939: The Pact", is
    still a heading)."""
    def entry(i: int) -> bool:
        if not 0 <= i < len(ctx.para_starts):
            return False
        start = ctx.para_starts[i]
        while start < len(ctx.text) and ctx.text[start].isspace():
            start += 1
        return ENTRY_DATE.match(ctx.text, start) is not None

    return entry(para) and (entry(para - 1) or entry(para + 1))


_STUTTER = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
_CITATION = re.compile(r"[(\[]\s*(?:[A-Z][\w'’.-]+(?:\s+(?:and|&)\s+[A-Z][\w'’.-]+)?"
                       r"(?:\s+et\s+al\.?)?(?:,[^()\[\]]{0,100}?)?,?\s+)?(?:\d{4}[a-z]?)"
                       r"(?:\s*[,:]\s*(?:pp?\.\s*)?\d+(?:[-–]\d+)?)?\s*[)\]]")


def _citation(text: str, d: DateSpan, events_end: set[int]) -> bool:
    """A year in a reference, not a date of anything in the essay: "(Haslam, 1984)",
    "[Roberts 1995: 45]", or "Carr (1979)" (a bracketed year right after a surname, not
    after an event's name: "the Treaty of Berlin (1926)")."""
    if d.precision != "year" or not _CLOSES.search(text, d.end_char, d.end_char + 20):
        return False
    lo = max(0, d.start_char - 160)
    for m in _CITATION.finditer(text, lo, min(len(text), d.end_char + 20)):
        if m.start() <= d.start_char and d.end_char <= m.end():
            inside = text[m.start() + 1:d.start_char].strip()
            if inside:
                return inside.split()[0].strip(",").lower() not in _NOT_AUTHORS
            before = text[max(0, m.start() - 30):m.start()].rstrip()
            if max(0, m.start() - 30) + len(before) in events_end:
                return False
            word = re.search(r"([A-Z][\w'’-]+)$", before)
            return word is not None and word.group(1).lower() not in _NOT_AUTHORS
    return False


_CLOSES = re.compile(r"[)\]]")
# Words before a bracketed year that name a thing, not an author ("the Treaty (1922)").
_NOT_AUTHORS = {"treaty", "pact", "agreement", "war", "conference", "protocol", "plan",
                "congress", "revolution", "crisis", "affair", "raid", "letter", "front"}


def _sentence_claims(ctx: _Context, sent: Span, periods: dict[int, _Period]) -> list[Claim]:
    if _states_nothing(ctx, sent):
        return []
    mentions = ctx.mentions_between(sent.start_char, sent.end_char)
    dates = ctx.dates_between(sent.start_char, sent.end_char)
    relatives = [r for r in ctx.relatives if sent.start_char <= r.start_char < sent.end_char]
    out: list[Claim] = []
    anchors = _anchor_mentions(ctx, sent, mentions, relatives)
    fates = fate.extract(ctx, sent, mentions)
    # "Tukhachevsky was shot in 1937": the death is checked as his; the verb does not also
    # name the event it triggers (the affair, the trial) for a second claim on the words.
    killing = {c.detail["verb_at"][0] for c in fates
               if getattr(ctx.knowledge.get(c.subject or ""), "died", None) is not None}
    events = [m for m in mentions if m.section == "events" and id(m) not in anchors
              and not m.anchor_only
              and not (m.by_trigger and m.verb is not None and m.verb.idx in killing)]
    anchored = [m for m in mentions if id(m) in anchors]
    firsts = _first_holder_claims(ctx, sent, mentions)
    # "Stalin was the first chairman of the Comintern": one claim, the first holder's
    calendar = [d for d in ctx.calendar_years if sent.start_char <= d.start_char < sent.end_char]
    offices = [c for c in _office_claims(ctx, sent, mentions, dates + calendar, periods)
               if not any(f.subject == c.subject and f.detail["office"] in c.detail["offices"]
                          and c.start < f.end and f.start < c.end for f in firsts)]
    office_dates = {(c.when.start_char, c.when.end_char) for c in offices if c.when is not None}
    free_dates = [d for d in dates if (d.start_char, d.end_char) not in office_dates]
    out.extend(offices)
    out.extend(firsts)
    out.extend(_existence_claims(ctx, events))
    events = [m for m in events if getattr(ctx.knowledge.get(m.kb_id), "happened", True)]
    out.extend(_date_claims(ctx, sent, events + anchored, sorted(
        free_dates + calendar, key=lambda d: d.start_char), anchored))
    yearless = [d for d in ctx.yearless if sent.start_char <= d.start_char < sent.end_char]
    if yearless:
        out.extend(_yearless_claims(ctx, sent, events, yearless))
    out.extend(_outcome_claims(ctx, sent, events))
    out.extend(_sequence_claims(ctx, sent, mentions, relatives, anchors))
    out.extend(_era_claims(ctx, sent, events, mentions, dates, relatives, periods))
    # "After the pact was signed by A and B, ...": an anchor's own clause states who took
    # part as plainly as a main clause would ("within a year of Munich" states nothing).
    acting = [m for m in anchored if not m.anchor_only
              and (m.by_trigger or _acts_in_its_clause(ctx, m))]
    out.extend(_party_claims(ctx, sent, events + acting, mentions))
    out.extend(number.extract(ctx, sent, mentions))
    out.extend(quote.extract(ctx, sent, mentions))
    out.extend(terms.extract(ctx, sent, mentions))
    out.extend(view.extract(ctx, sent, mentions))
    out.extend(feature.extract(ctx, sent, mentions))
    out.extend(fates)
    out.extend(_attribution_claims(ctx, sent, mentions))
    # a deed that happened is its own claim only when nothing else is said of its event
    told = {c.subject for c in out if c.kind != "existence"}
    return [c for c in out if c.kind != "existence" or c.subject not in told
            or not getattr(ctx.knowledge.get(c.subject or ""), "happened", True)]


def _acts_in_its_clause(ctx: _Context, m: Mention) -> bool:
    """"After the pact was signed by ...": the mention is its own clause's subject or
    object, with no comma between it and the verb (a comma says the parser has joined
    two clauses: "a year after Munich, Poland had been divided")."""
    head = _mention_head(ctx.doc, m)
    if head.dep_ not in ("nsubj", "nsubjpass", "dobj", "obj"):
        return False
    lo, hi = sorted((head.i, head.head.i))
    return not any(t.text == "," for t in ctx.doc[lo:hi])


def clause_head(tok: Token) -> Token:
    """The verb heading the clause a token is in."""
    cur = tok
    for _ in range(40):
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ in (
            "ROOT", "conj", "advcl", "relcl", "ccomp", "xcomp", "acl", "pcomp", "csubj"
        ):
            return cur
        head = cur.head
        if head.i == cur.i:  # the root (a new Token object each time: compare indices)
            return cur
        cur = head
    return cur


def _token_at(doc: Doc, char: int) -> Token:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else doc[0]


def _mention_head(doc: Doc, m: Mention) -> Token:
    """The token that joins a mention to the sentence: the leftmost token whose head lies
    outside the span (spaCy's span.root can pick a misattached inner word)."""
    if m.by_trigger and m.verb is not None:
        return m.verb
    if m.head_i is None:  # worked out once per mention: it is asked for many times
        outside = [t for t in doc[m.start:m.end]
                   if not (m.start <= t.head.i < m.end) or t.head == t]
        m.head_i = (outside[0] if outside else doc[m.start:m.end].root).i
    return doc[m.head_i]


def _date_head(doc: Doc, d: DateSpan) -> Token:
    span = doc.char_span(d.start_char, d.end_char, alignment_mode="expand")
    return span.root if span is not None and len(span) else _token_at(doc, d.start_char)


def _anchor_mentions(ctx: _Context, sent: Span, mentions: list[Mention],
                     relatives: list[RelativeDate]) -> set[int]:
    """Mentions used as the anchor of "after X", "before X", "a year after X": they date
    another event, so they are not paired with the sentence's own dates."""
    anchors: set[int] = set()
    for m in mentions:
        if _temporal_relation(ctx.doc, m) is not None:
            anchors.add(id(m))
        for r in relatives:
            if r.anchor_text and r.start_char <= m.start_char < r.end_char + 1:
                anchors.add(id(m))
    return anchors


AFTER_WORDS = {"after", "following", "since", "once"}
BEFORE_WORDS = {"before", "until", "preceding", "till"}


def _temporal_relation(doc: Doc, m: Mention) -> tuple[str, Token, Token] | None:
    """("after"|"before", the connective, the token the phrase attaches to) when the mention
    is inside "after X" / "after X happened" / "before X was signed"."""
    head = _mention_head(doc, m)
    cur = head
    for _ in range(3):
        if cur.dep_ == "pobj" and cur.head.lower_ in AFTER_WORDS | BEFORE_WORDS:
            word = cur.head
            return ("after" if word.lower_ in AFTER_WORDS else "before"), word, word.head
        verb = cur if cur.pos_ in ("VERB", "AUX") else None
        if verb is not None:
            marks = [c for c in verb.children if c.dep_ == "mark"
                     and c.lower_ in AFTER_WORDS | BEFORE_WORDS]
            # a clause marked "before"/"after" is adverbial even where the parser calls it
            # a complement (", a year before Lenin died")
            if marks and verb.dep_ in ("advcl", "pcomp", "ccomp"):
                word = marks[0]
                return ("after" if word.lower_ in AFTER_WORDS else "before"), word, verb.head
            if verb.dep_ == "pcomp" and verb.head.lower_ in AFTER_WORDS | BEFORE_WORDS:
                word = verb.head
                return ("after" if word.lower_ in AFTER_WORDS else "before"), word, word.head
        if cur.dep_ in ("nsubj", "nsubjpass", "dobj", "compound", "poss") or cur.dep_ == "conj":
            cur = cur.head
            continue
        break
    return None


# Verbs by which a body lays down a line for others to follow ("told communists to form ...").
DIRECTIVE_VERBS = {"tell", "instruct", "order", "urge", "direct", "call", "command"}


def _directed(ctx: _Context, m: Mention, m_head: Token, d_clause: Token) -> bool:
    """"In 1935 the Comintern instructed its parties to build Popular Fronts": a body that made a
    policy telling others to carry it out is the policy's making, so the date of the telling
    is the policy's. Only for the body the knowledge lists as the policy's maker: a date on
    anyone else's words stays theirs."""
    if d_clause.lemma_.lower() not in DIRECTIVE_VERBS:
        return False
    own = clause_head(m_head)
    if own.dep_ != "xcomp" or own.head.i != d_clause.i:
        return False
    event = ctx.knowledge.get(m.kb_id)
    makers = set(getattr(event, "parties", ())) if getattr(event, "kind", None) == "policy" \
        else set()
    subjects = {c.i for c in d_clause.children if c.dep_ == "nsubj"}
    return any(o.kb_id in makers and subjects & set(range(o.start, o.end))
               for o in ctx.mentions)


def _inside(d: DateSpan, mentions: Iterable[Mention]) -> bool:
    return any(m.start_char <= d.start_char and d.end_char <= m.end_char for m in mentions)


def _pair_dates(ctx: _Context, events: list[Mention], dates: list[DateSpan],
                mentions: list[Mention], attached_only: list[Mention] = ()
                ) -> list[tuple[Mention, DateSpan]]:
    """Pair each event with the date stated for it: same clause (or the date modifies the
    event's noun), the closest, not across 'and' when a closer pairing exists. Events in
    ``attached_only`` (anchors of "after X") pair only with a date that modifies them."""
    only_attached = {id(m) for m in attached_only}
    doc = ctx.doc
    scored = []
    for d in dates:
        if _inside(d, mentions):
            continue
        d_head = _date_head(doc, d)
        d_clause = clause_head(d_head)
        for m in events:
            m_head = _mention_head(doc, m)
            # "marched into the Rhineland in 1935": a date right after the event's words is
            # said of it, even when the parser hangs it on another clause.
            adjacent = 0 <= d.start_char - m.end_char <= 6 and re.fullmatch(
                r"[\s,]*(?:in|on|during)?\s*", _text(doc)[m.end_char:d.start_char]) is not None
            attached = _modifies(d_head, m, m_head) or adjacent or _fronted(ctx, d, m) \
                or _participle_after(ctx, d_clause, m) or _heads_entry(ctx, d, m)
            same_clause = clause_head(m_head) == d_clause \
                or _caused(clause_head(m_head), d_clause) \
                or _directed(ctx, m, m_head, d_clause) \
                or (m.by_trigger and m.verb is not None and sender(m.verb) == d_clause)
            if not (attached or same_clause) or (id(m) in only_attached and not attached):
                continue
            gap_start, gap_end = sorted((m.end_char, d.start_char)) if m.end_char <= d.start_char \
                else sorted((d.end_char, m.start_char))
            between = _text(doc)[gap_start:gap_end]
            if "\n" in between or _in_a_row(ctx, d):
                continue  # another line or paragraph, or "1938 1939": nothing binds them
            if not attached and _said_of_another(d_head, m, m_head, between, d_clause):
                continue
            if _befallen(m_head, d_clause, between):
                continue
            if _joined_later(ctx, m, d_clause):
                continue
            distance = len(between)
            if re.search(r"\band\b|;|,\s*(?:and|while|whereas|but)\b", between):
                distance += 60
            if d.start_char < m.start_char:
                distance += 15
            if attached:
                distance -= 20
            if _other_mention_between(ctx, m, d, mentions):
                distance += 40
            scored.append((distance, m, d))
    scored.sort(key=lambda x: x[0])
    used_m: set[int] = set()
    used_d: dict[int, Mention] = {}
    pairs = []
    for _, m, d in scored:
        if id(m) in used_m:
            continue
        owner = used_d.get(id(d))
        # "Stalin and Germany both invaded Poland on 1 September": one verb names two
        # events (the German and the Soviet invasion); the date is said of both.
        same_verb = m.by_trigger and owner is not None and owner.by_trigger \
            and m.verb is not None and owner.verb is not None and m.verb.i == owner.verb.i
        if owner is not None and not same_verb:
            continue
        used_m.add(id(m))
        used_d.setdefault(id(d), m)
        pairs.append((m, d))
    return pairs


# Verbs that make someone do a thing: "In 1920 the Comintern made parties accept the 21
# conditions" dates the accepting.
CAUSING_VERBS = {"make", "force", "compel", "oblige", "let", "allow", "persuade", "pressure",
                 "pressurise", "pressurize", "push", "get", "help"}


def _caused(clause: Token, d_clause: Token) -> bool:
    """The event's clause is what the date's clause made someone do."""
    return clause.dep_ in ("ccomp", "xcomp") and clause.head.i == d_clause.i \
        and d_clause.lemma_.lower() in CAUSING_VERBS


# Only a comma or "and" between two things: they are items of a list.
LISTED = re.compile(r"\s*(?:,|and|,\s*and)\s*(?:the\s+)?", re.I)
_SUBORDINATE = re.compile(r",\s*(?:while|whereas|although|though|because|when|as|since|but|"
                          r"yet)\b", re.I)
# What happens to an agreement later is not when it was made: "the pact failed on 22 June
# 1941", "renewed in 1926", "ratified in 1935", "published in 1948", its anniversary.
AFTERLIFE_VERBS = {"fail", "collapse", "break", "breach", "violate", "renew", "ratify",
                   "extend", "denounce", "abandon", "repudiate", "expire", "lapse", "revive",
                   "renounce", "invoke", "terminate", "end", "ignore", "abrogate",
                   "reaffirm", "publish", "reveal", "discover", "celebrate", "commemorate",
                   "mark", "honour", "honor", "tear", "scrap", "cancel", "annul", "prolong"}
# Nouns that are events of their own: a date hung on one of them is that event's.
HAPPENING_NOUNS = {
    "negotiation", "talk", "defeat", "invasion", "war", "attack", "crisis", "conference",
    "election", "revolution", "collapse", "surrender", "armistice", "offensive", "victory",
    "renewal", "ratification", "anniversary", "accession", "extension", "visit", "speech",
    "publication", "death", "murder", "trial", "raid", "occupation", "annexation", "entry"}


def _breaks_out(verb: Token) -> bool:
    """"The war broke out in 1936" is when it began, not something that befell it later."""
    return verb.lemma_.lower() == "break" and any(
        c.dep_ == "prt" and c.lower_ == "out" for c in verb.children)


def _befallen(m_head: Token, d_clause: Token, between: str) -> bool:
    """"Hitler broke the Nazi-Soviet Pact in June 1941": the agreement is what a later act
    befell, and the date that act's, even written straight after the name (but "broke the
    pact of 1939" still names it by its year)."""
    verb = m_head.head if m_head.dep_ in ("dobj", "obj", "nsubjpass") else None
    return verb is not None and verb == d_clause and verb.lemma_.lower() in AFTERLIFE_VERBS \
        and not re.match(r"\s*of\b", between)


def _said_of_another(d_head: Token, m: Mention, m_head: Token, between: str,
                     d_clause: Token) -> bool:
    """The date belongs to something else in the clause: listed beside the event ("1936 and
    the Anschluss"), the other end of a span that begins with it ("from Brest-Litovsk to the
    summer of 1939"), a clause of its own (", while ..."), the noun it hangs on ("the talks
    of 1939", "Germany's defeat in November 1918"), or what became of the event later ("the
    pact failed in 1941")."""
    if LISTED.fullmatch(between):
        return True
    if _SUBORDINATE.search(between):
        return True
    ends = {_governing_word(m_head), _governing_word(d_head)}
    if ends & {"from", "between"} and ends & {"to", "until", "till", "and"}:
        return True
    if d_clause.lemma_.lower() in AFTERLIFE_VERBS and not _breaks_out(d_clause):
        return True
    if d_clause.lemma_.lower() in SAYING_VERBS:
        return True  # "In 1961 Taylor called the pact defensive": the date is Taylor's
    prep = d_head.head if d_head.dep_ == "pobj" else None
    noun = prep.head if prep is not None and prep.dep_ == "prep" else None
    if noun is not None and noun.pos_ == "NOUN" and not m.start <= noun.i < m.end \
            and noun is not m_head:
        return (prep.lower_ == "of" or noun.lemma_.lower() in HAPPENING_NOUNS
                or any(c.dep_ == "poss" for c in noun.children))
    return False


def _heads_entry(ctx: _Context, d: DateSpan, m: Mention) -> bool:
    """"1918-1921 - The Russian Civil War": the date heading a timeline entry is the date
    of the event the entry opens with."""
    text = ctx.text
    line_start = d.start_char == 0 or text[d.start_char - 1] == "\n"
    return line_start and re.fullmatch(r"[ \t]*[-\u2013\u2014:][ \t]*(?:the[ \t]+)?",
                                       text[d.end_char:m.start_char], re.I) is not None


def _participle_after(ctx: _Context, verb: Token, m: Mention) -> bool:
    """"Peace came with the Treaty of Riga, signed on 18 March 1921": a participle with no
    subject of its own, straight after the event's name and a comma, is said of the event
    (a reduced relative clause), even when the parser hangs it on the main verb."""
    if verb.tag_ != "VBN" or any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        return False
    first = verb.left_edge
    return first.i >= verb.i - 1 and re.fullmatch(
        r"\s*,\s*", ctx.text[m.end_char:first.idx]) is not None


def _fronted(ctx: _Context, d: DateSpan, m: Mention) -> bool:
    """"..., since on 22 June 1941 the Germans invaded the USSR": a date that opens a clause,
    followed only by the subject of the verb naming the event, is that event's date, even
    when the parser hangs it on the clause before."""
    if not m.by_trigger or m.verb is None or not 0 <= m.start_char - d.end_char <= 60:
        return False
    doc = ctx.doc
    before = ctx.text[max(0, d.start_char - 4):d.start_char].lower()
    if not re.search(r"\b(?:on|in)\s*$", before):
        return False
    subjects = {t.i for c in m.verb.children if c.dep_ in ("nsubj", "nsubjpass")
                for t in c.subtree}
    between = [t for t in doc[_token_at(doc, d.end_char - 1).i + 1:m.verb.i]
               if not t.is_punct]
    return bool(between) and all(t.i in subjects for t in between)


def _in_a_row(ctx: _Context, d: DateSpan) -> bool:
    """A date written right beside another ("Munich, Berlin 1938 1939"): a list whose items
    cannot be told apart, so none of them is any event's date."""
    near = ctx.dates_between(max(0, d.start_char - 12), d.end_char + 12)
    return any(o is not d and (0 <= d.start_char - o.end_char <= 3
                               or 0 <= o.start_char - d.end_char <= 3)
               and not ctx.text[min(o.end_char, d.end_char):max(o.start_char, d.start_char)]
               .strip(" ,;")
               for o in near)


JOIN_VERBS = {"join", "accede", "adhere", "enter", "sign"}


def _joined_later(ctx: _Context, m: Mention, verb: Token) -> bool:
    """"Italy joined the Anti-Comintern Pact in 1937": the date is the joining's, not the
    pact's, when the one who joins is a party the knowledge says joined later."""
    later = {j.party for j in getattr(ctx.knowledge.get(m.kb_id), "joined", ())}
    if not later or verb.lemma_.lower() not in JOIN_VERBS:
        return False
    doers = {t.i for role, tok in _arguments(verb) if role == "subject" for t in tok.subtree}
    return any(o.kb_id in later and o.start in doers
               for o in ctx.mentions_between(verb.sent.start_char, verb.sent.end_char))


def _governing_word(tok: Token) -> str:
    """The preposition a phrase hangs on ("from" in "from Brest-Litovsk"), lower case."""
    cur = tok
    for _ in range(3):
        if cur.dep_ == "pobj":
            return cur.head.lower_
        if cur.dep_ in ("compound", "amod", "nummod", "conj"):
            cur = cur.head
            continue
        break
    return ""


def _modifies(d_head: Token, m: Mention, m_head: Token) -> bool:
    """The date hangs off the event's noun ("the death of Lenin in 1924", "the 1922 treaty")."""
    head = d_head.head
    for _ in range(4):
        if head.i in range(m.start, m.end) or head == m_head:
            return True
        if head.dep_ not in ("prep", "pobj", "acl", "relcl") or head.head is head:
            return False
        head = head.head
    return False


START_VERBS = {"begin", "start", "break", "open", "launch", "erupt", "commence"}
END_VERBS = {"end", "finish", "conclude", "close", "stop", "cease"}
OPENING_VERBS = {"invade", "attack", "declare", "launch", "cross"}
# "X lasted until 1939", "went on until", "survived until": the date is X's end.
LASTING_VERBS = {"last", "continue", "go", "run", "survive", "exist", "remain", "endure",
                 "persist", "stay"}


def _aspect(doc: Doc, d: DateSpan, m: Mention | None = None) -> str:
    """Whether a date is said of an event's start ("began in 1937"), end ("ended in
    1939") or the event as a whole. A campaign's own verb names its first day ("the
    Soviets invaded Poland in October 1939": they invaded in September)."""
    verb = clause_head(_date_head(doc, d))
    if m is not None and m.by_trigger and m.verb is not None and m.verb.i == verb.i \
            and verb.lemma_.lower() in OPENING_VERBS:
        return "opening"
    if any(c.dep_ in ("dobj", "obj") for c in verb.children):
        return "whole"  # "opened his offensive": the start of something else
    lemma = verb.lemma_.lower()
    if lemma in START_VERBS:
        return "start"
    if lemma == "conclude" and ((verb.tag_ == "VBN" and verb.dep_ == "acl") or any(
            c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)):
        return "whole"  # "the pact was concluded in 1939", "a treaty concluded in 1922": made
    if lemma in END_VERBS:
        return "end"
    if lemma in LASTING_VERBS and d.opened_by in UNTIL_WORDS:
        return "end"  # "lasted until 1939": when it ended, not a time inside it
    if lemma == "be" and any(c.lower_ in ("over", "finished") and c.dep_ in (
            "advmod", "acomp", "prt", "prep") for c in verb.children):
        return "end"  # "the war was over by 1937"
    return "whole"


def _other_mention_between(ctx: _Context, m: Mention, d: DateSpan,
                           mentions: list[Mention]) -> bool:
    lo, hi = sorted((m.start_char, d.start_char))
    return any(o is not m and o.section == "events" and lo < o.start_char < hi for o in mentions)


def _date_claims(ctx: _Context, sent: Span, events: list[Mention], dates: list[DateSpan],
                 anchored: list[Mention]) -> list[Claim]:
    out = []
    for m, d in _pair_dates(ctx, events, dates, events, attached_only=anchored):
        if d.open_start and d.open_end:
            continue
        start, end = min(m.start_char, d.start_char), max(m.end_char, d.end_char)
        out.append(Claim(
            kind="date", start=start, end=end, text=_text(ctx.doc)[start:end], subject=m.kb_id,
            refs=(m.kb_id,), stated=d.text, when=d,
            detail={"aspect": _aspect(ctx.doc, d, m), "reading": _reading(m),
                    "attached": _written_on(ctx, m, d), "described": m.described,
                    **_alternatives(m)},
        ))
    return out


def _existence_claims(ctx: _Context, events: list[Mention]) -> list[Claim]:
    """Things stated as fact (not denied, wished, hedged or asked about) by a deed, with no
    other detail: one the knowledge says never happened ("Stalin met Hitler", "the USSR
    left the League"), or one it knows, told in its own words ("the USSR was expelled from
    the League": the deed, its doer and what it was done to are all its trigger's). A name
    alone ("the expulsion") states nothing happened."""
    out = []
    # a deed several events' triggers read ("the Red Army invaded Poland": 1920 or 1939)
    # says which happened only with a date, which the date claim checks
    deeds = Counter(m.verb.i for m in events if m.by_trigger and m.verb is not None)
    for m in events:
        event = ctx.knowledge.get(m.kb_id)
        if getattr(event, "happened", True) and not (
                m.by_trigger and not m.described and m.verb is not None
                and deeds[m.verb.i] == 1):
            continue
        verb = m.verb if m.verb is not None else clause_head(_mention_head(ctx.doc, m))
        head = _mention_head(ctx.doc, m)
        if not fate.stated_as_fact(verb) or any(
                c.lower_ in ("no", "any") for c in head.children):
            continue
        out.append(Claim(kind="existence", start=m.start_char, end=m.end_char, text=m.text,
                         subject=m.kb_id, refs=(m.kb_id,), stated=m.text))
    return out


def _yearless_claims(ctx: _Context, sent: Span, events: list[Mention],
                     days: list[DateSpan]) -> list[Claim]:
    """"Litvinov was dismissed on 3 May": a day written without its year is checked in the
    event's own year, so only the day and month can be wrong ("In 1939 Litvinov was
    dismissed on 4 May" is one frame with two times: the year right, the day wrong)."""
    out = []
    for claim in _date_claims(ctx, sent, events, days, []):
        event = ctx.knowledge.get(claim.subject or "")
        years = {v.start.year for v in _event_dates(event)} | {
            v.end.year for v in _event_dates(event)}
        if claim.when is None or len(years) != 1 or claim.detail.get("alternatives"):
            continue  # which year the student means is not certain: no claim
        d = claim.when
        year = years.pop()
        with contextlib.suppress(ValueError):  # 29 February in a year without one
            d = dataclasses.replace(d, start=d.start.replace(year=year),
                                    end=d.end.replace(year=year))
            out.append(dataclasses.replace(claim, when=d))
    return out


def _event_dates(event: object) -> list[DateValue]:
    """Every date the knowledge gives an event: its start, end and accepted alternatives."""
    out = [getattr(event, key, None) for key in ("date", "end")]
    out.extend(getattr(event, "accepted_dates", ()) or ())
    out.extend(getattr(event, "accepted_ends", ()) or ())
    return [v for v in out if v is not None]


DURATION_VERBS = {"last", "run", "rage", "continue", "go", "span", "stretch"}
_ON_THE_NAME = re.compile(r"\s*(?:\(|,|of|,?\s*which\s+(?:lasted|ran|raged|went\s+on)\s+"
                          r"(?:from|between)?|(?:lasted|ran|raged)\s+(?:from|between)?)\s*$")


# Verbs whose object's whole course a "from ... to ..." on them gives.
CONDUCTING_VERBS = {"start", "begin", "launch", "run", "fight", "wage", "conduct", "introduce"}


def _written_on(ctx: _Context, m: Mention, d: DateSpan) -> bool:
    """The date is written on the event itself: "the Winter War (1939-40)", "the war of
    1939-40", "the war, which lasted from 1939 to 1940", "the war lasted 1939-40", and the
    heading of a timeline entry: "1939-40 - the Winter War"."""
    if _heads_entry(ctx, d, m):
        return True
    if not 0 <= d.start_char - m.end_char <= 40:
        return False
    gap = ctx.text[m.end_char:d.start_char]
    if _ON_THE_NAME.fullmatch(gap.lower()):
        return True
    if not gap.strip() and d.precision == "range" \
            and _date_head(ctx.doc, d).head.i in range(m.start, m.end):
        return True  # "the first Five-Year Plan from 1928 to 1932 built ...": on the name
    verb = clause_head(_date_head(ctx.doc, d))
    head = _mention_head(ctx.doc, m)
    if d.precision == "range" and verb.lemma_.lower() in CONDUCTING_VERBS \
            and head.dep_ == "dobj" and head.head == verb == _date_head(ctx.doc, d).head:
        return True  # "started the first Five-Year Plan from 1928 to 1932", "fought the war"
    return verb.lemma_.lower() in DURATION_VERBS and head.head == verb


EFFECT_VERBS = {"normalise", "normalize", "establish", "restore", "recognise", "recognize",
                "secure", "create", "improve", "formalise", "formalize", "open", "settle",
                "guarantee", "provide", "grant", "end", "bring", "see", "lead", "allow"}


def _outcome_claims(ctx: _Context, sent: Span, events: list[Mention]) -> list[Claim]:
    """Effects attributed to an agreement the knowledge says never came into force:
    "the 1924 treaty, which normalised economic relations"."""
    doc = ctx.doc
    out = []
    for m in events:
        entry = ctx.knowledge.get(m.kb_id)
        if entry is None or getattr(entry, "ratified", None) is not False:
            continue
        head = doc[m.start:m.end].root
        verbs = [c for c in head.children if c.dep_ in ("relcl", "acl")]
        if head.dep_ == "nsubj" and head.head.pos_ == "VERB":
            verbs.append(head.head)
        for verb in verbs:
            effect = [t for t in verb.subtree
                      if t.pos_ == "VERB" and t.lemma_.lower() in EFFECT_VERBS]
            if not effect:
                continue
            end = max(t.idx + len(t) for t in verb.subtree)
            start = m.start_char
            out.append(Claim(
                kind="outcome", start=start, end=end, text=_text(doc)[start:end],
                subject=m.kb_id, refs=(m.kb_id,),
                stated=_text(doc)[verb.left_edge.idx:end], detail={"effect": effect[0].lemma_},
            ))
            break
    return out


# -- sequences: "after the invasion of Poland", "five days later" -------------------------


def _sequence_claims(ctx: _Context, sent: Span, mentions: list[Mention],
                     relatives: list[RelativeDate], anchors: set[int]) -> list[Claim]:
    doc = ctx.doc
    out = []
    events = [m for m in mentions if m.section == "events"]
    # Explicit "X ... after/before Y" (a phrase or a clause).
    for anchor in (m for m in events if id(m) in anchors):
        rel = _temporal_relation(doc, anchor)
        if rel is None:
            continue
        relation, word, attach = rel
        # "five years after the war" / "five years after it had joined": the anchor is in
        # the relative phrase or starts the clause right after it
        anchor_clause = clause_head(_mention_head(doc, anchor))
        in_relative = next((r for r in relatives if r.start_char <= anchor.start_char
                            <= r.end_char + 1 or (
                                (last := _token_at(doc, r.end_char - 1)).dep_ == "mark"
                                and last.head == anchor_clause)), None)
        subject = _subject_event(ctx, attach, events, exclude=anchor)
        if subject is None:
            continue
        start = min(subject.start_char, word.idx)
        end = max(subject.end_char, anchor.end_char)
        detail: dict[str, Any] = {"relation": relation, "anchor": anchor.kb_id,
                                  **_alternatives(subject), **_same_reading(subject, events)}
        readings = list(anchor.candidates) if len(anchor.candidates) > 1 else list(
            _same_reading(anchor, events).get("alternatives", ()))
        guessed = subject.kb_id in readings and len(readings) > 1
        if guessed:
            # "deported two years after he was expelled": the anchor's verb may name the
            # deportation too, but an event is not dated by itself; which other event the
            # verb means is a guess, so its order is checked and its distance is not
            readings.remove(subject.kb_id)
            detail["anchor"] = readings[0]
        if len(readings) > 1:
            detail["anchor_alternatives"] = readings
        if guessed and in_relative is not None:
            continue  # "two years after": a distance from an event only guessed at
        alternatives = [a for a in detail.get("alternatives", ()) if a != detail["anchor"]]
        if "alternatives" in detail:  # nor is the anchor one of the subject's readings
            detail["alternatives"] = alternatives
        if in_relative is not None:
            detail.update(offset_min=in_relative.offset_days_min,
                          offset_max=in_relative.offset_days_max, relative=in_relative.kind,
                          offset_years=in_relative.years)
            start = min(start, in_relative.start_char)
        out.append(Claim(
            kind="sequence", start=start, end=end, text=_text(doc)[start:end],
            subject=subject.kb_id, refs=(subject.kb_id, detail["anchor"]),
            stated=f"{relation} {anchor.text}", detail=detail,
        ))
    # Implicit anchors: "Five days later, the pact was signed."
    for r in relatives:
        if r.anchor_text or r.kind not in ("after", "within", "before", *_CALENDAR_KINDS):
            continue
        if any(d.start_char == r.start_char for d in ctx.calendar_years):
            continue  # dated as the calendar year it names
        named = r.kind in _CALENDAR_KINDS and _CALENDAR_NAMED.match(ctx.text, r.end_char)
        readings: list[str] = []  # the events the anchor's words may name, when several
        if named:
            # "in the same year that Germany left it", "the same year as Munich": the year of
            # the event named right after it, when that hangs on the year
            prev = _named_year_event(ctx, r, mentions)
            subject = _closest_event(ctx, r, [m for m in events if m is not prev])
        else:
            subject = _closest_event(ctx, r, events)
            if subject is not None and id(subject) in anchors:
                continue  # "five years after it had joined": the anchor, not what is dated
            if subject is None:
                # "two years later Britain broke off relations after the Arcos raid": the
                # event of an "after" phrase in its clause is not what it dates
                subject = _closest_event(ctx, r, [m for m in events if id(m) not in anchors])
            prev = _previous_dated_event(ctx, r.start_char, exclude=subject)
            if prev is not None and not _clear_anchor(ctx, sent, prev, r):
                prev = None
            if prev is not None and subject is not None:
                # the words of the anchor may name several events ("recognised the USSR")
                readings = list(dict.fromkeys(
                    m.kb_id for m in events if (m.start_char, m.end_char) == (
                        prev.start_char, prev.end_char) and m.kb_id != subject.kb_id))
        if prev is not None and subject is not None and prev.kb_id == subject.kb_id:
            continue
        if subject is None or prev is None or not _event_years(ctx.knowledge.get(prev.kb_id)):
            continue
        if named:
            readings = [k for k in (list(prev.candidates) if len(prev.candidates) > 1 else list(
                _same_reading(prev, events).get("alternatives", ()))) if k != subject.kb_id]
        start = min(subject.start_char, r.start_char)
        end = max(subject.end_char, r.end_char)
        out.append(Claim(
            kind="sequence", start=start, end=end, text=_text(doc)[start:end],
            subject=subject.kb_id, refs=(subject.kb_id, prev.kb_id),
            stated=f"{r.text} (after {prev.text})",
            detail={"relation": "before" if r.kind in ("before", "previous_year") else "after",
                    "anchor": prev.kb_id, "offset_min": r.offset_days_min,
                    "offset_max": r.offset_days_max, "relative": r.kind,
                    "offset_years": r.years, **_alternatives(subject),
                    # a bare verb's reading ("Hitler invaded"): a guess among several
                    "guessed": subject.by_trigger and subject.described
                    and len(subject.candidates) > 1,
                    **_same_reading(subject, events),
                    **({} if named else _other_years(ctx, prev, r)),
                    **({"anchor_alternatives": readings} if len(readings) > 1 else {})},
        ))
    return out


# Verbs by which a clause says its event happened ("the year that the pact was signed").
HAPPENING_VERBS = {"sign", "conclude", "begin", "start", "end", "finish", "happen", "occur",
                   "take", "break", "found", "establish", "hold", "die", "fall", "come"}


def _named_year_event(ctx: _Context, r: RelativeDate, mentions: list[Mention]
                      ) -> Mention | None:
    """The event "the same year that X" / "as X" names: the first event after it in the
    sentence, in a clause or phrase hung on the year itself."""
    doc = ctx.doc
    year = _token_at(doc, r.end_char - 1)
    sent_end = year.sent.end_char
    for m in mentions:
        if m.section != "events" or not r.end_char <= m.start_char < sent_end:
            continue
        head = _mention_head(doc, m)
        clause = clause_head(head)
        phrase = head.dep_ == "pobj" and head.head.lower_ == "as" and head.head.head.i == year.i
        # a clause that says the event happened ("that Germany left it", "as the pact was
        # signed"), not something else about it ("as the treaty was being prepared")
        said = clause.dep_ in ("relcl", "acl", "advcl", "ccomp") and clause.head.i == year.i \
            and (m.by_trigger or clause.lemma_.lower() in HAPPENING_VERBS) \
            and not any(c.dep_ == "aux" and c.lower_ == "being" for c in clause.children)
        return m if phrase or said else None
    return None


# Verbs that say when something happened relative to something else.
TIMING_VERBS = {"follow", "come", "happen", "occur", "precede", "take"}


def _subject_event(ctx: _Context, attach: Token, events: list[Mention],
                   exclude: Mention) -> Mention | None:
    """The event an "after/before" phrase or clause is attached to: in that clause."""
    clause = clause_head(attach)
    # "the Anschluss, which came soon after Munich": a relative clause whose subject is
    # 'which' or 'that' is said of the noun it hangs on
    antecedent = clause.head if clause.dep_ == "relcl" and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WDT", "WP") for c in clause.children
    ) else None
    if antecedent is not None and clause.lemma_.lower() in TIMING_VERBS \
            and antecedent.dep_ == "pobj" and antecedent.head.dep_ == "prep" \
            and not any(m.start <= antecedent.i < m.end for m in events):
        # "the Anschluss with Austria, which followed soon after Munich": a state cannot
        # follow; what came after is the event the phrase hangs on
        antecedent = antecedent.head.head
    best = None
    for m in events:
        if m is exclude or m.kb_id == exclude.kb_id:
            continue
        head = _mention_head(ctx.doc, m)
        if antecedent is not None and m.start <= antecedent.i < m.end:
            return m
        # In the clause the phrase modifies, or in a clause it governs ("Lenin decided to
        # make peace at Brest-Litovsk"), but not in the "after ..." phrase itself.
        if clause_head(head) != clause and head not in clause.subtree:
            continue
        if head in exclude_subtree(ctx, exclude):
            continue
        rank = 0 if clause_head(head) == clause else 1
        dist = (rank, abs(m.start_char - attach.idx))
        if best is None or dist < best[0]:
            best = (dist, m)
    return best[1] if best else None


def exclude_subtree(ctx: _Context, anchor: Mention) -> set[Token]:
    """The tokens of the "after X happened" phrase an anchor sits in."""
    rel = _temporal_relation(ctx.doc, anchor)
    if rel is None:
        return set()
    return set(rel[1].head.subtree) if rel[1].dep_ == "mark" else set(rel[1].subtree)


def _closest_event(ctx: _Context, r: RelativeDate, events: list[Mention]) -> Mention | None:
    tok = _token_at(ctx.doc, r.start_char)
    clause = clause_head(tok)
    cands = [m for m in events if clause_head(_mention_head(ctx.doc, m)) == clause]
    if tok.i == tok.sent.start or ctx.doc[tok.i - 1].lower_ in ("and", "but", "then"):
        # "..., and the following year Chicherin signed": it opens a clause of its own,
        # whatever the parser hung it on
        cands = [m for m in cands if m.start_char >= r.end_char]
    if len(cands) != 1:
        return None
    return cands[0]


EVENT_NOUNS = {"treaty", "agreement", "pact", "war", "battle", "conference", "invasion",
               "revolution", "protocol", "accord", "alliance", "talks", "congress", "uprising",
               "massacre", "crisis", "purge", "election", "coup", "armistice", "ceasefire"}


def _clear_anchor(ctx: _Context, sent: Span, prev: Mention, r: RelativeDate) -> bool:
    """The anchor of "two days later" is unambiguous: it is in this or the previous sentence
    and no other event-like noun the knowledge did not recognise stands in between."""
    doc = ctx.doc
    first = sent.start
    if sent.start > 0:
        first = doc[sent.start - 1].sent.start
    if prev.start < first:
        return False
    between = doc[prev.end:_token_at(doc, r.start_char).i]
    linked = {i for m in ctx.mentions for i in range(m.start, m.end)}
    return not any(t.lemma_.lower() in EVENT_NOUNS and t.i not in linked for t in between)


_CALENDAR_KINDS = ("same_year", "following_year", "previous_year")
_CALENDAR_NAMED = re.compile(r"\s*(?:as|that|when|in which|of)\b", re.IGNORECASE)


def _calendar_anchor(ctx: _Context, r: RelativeDate) -> int | None:
    """The year "the same year" (the following, the previous) counts from: the latest year
    written, or event of one year named, in this sentence or the one before (same
    paragraph), when nothing else in that sentence could be what it counts from instead
    (another year, an event the knowledge does not date to one year) and no event noun the
    knowledge does not know stands between."""
    spans = _anchor_spans(ctx, r)
    years = {y for d in spans or () for y in (d.start.year, d.end.year)}
    return years.pop() if spans and len(years) == 1 else None


def implicit_anchor(ctx: _Context, r: RelativeDate) -> DateSpan | None:
    """What a relative time with no anchor of its own counts from ("two weeks later"): as
    for :func:`_calendar_anchor`, the latest date written or event of one date named, the
    most precise of its sentence when the others hold it ("in 1930, when Litvinov replaced
    Chicherin")."""
    spans = _anchor_spans(ctx, r)
    if not spans:
        return None
    narrow = min(spans, key=lambda d: d.end - d.start)
    if not all(d.start <= narrow.start and narrow.end <= d.end for d in spans):
        return None
    return narrow


def _anchor_spans(ctx: _Context, r: RelativeDate) -> list[DateSpan] | None:
    """The dates (written, or of events named) in the latest sentence before ``r``, in it
    or the one before (same paragraph), not in its own clause; None when one of them is
    not of one year or date, or an event noun the knowledge does not know stands
    between."""
    doc = ctx.doc
    if _CALENDAR_NAMED.match(ctx.text, r.end_char):
        return None  # "the same year as Munich", "the year that Germany left": it says
    at = _token_at(doc, r.start_char)
    first = doc[at.sent.start - 1].sent.start if at.sent.start > 0 else at.sent.start
    lo = max(doc[first].idx, ctx.para_starts[ctx.paragraph_of(r.start_char)])
    clause = clause_head(at)

    def before(char: int, end: int) -> bool:
        """Written before it, and not in its own clause (nothing is dated by itself)."""
        return end <= r.start_char and (
            char < at.sent.start_char or clause_head(_token_at(doc, char)) != clause)

    found: list[tuple[int, DateSpan | None]] = []  # (where it ends, its one date or None)
    for d in ctx.dates_between(lo, r.start_char):
        if before(d.start_char, d.end_char):
            one = d.start.year == d.end.year and not (d.open_start or d.open_end)
            found.append((d.end_char, d if one else None))
    linked = set()
    for m in ctx.mentions_between(lo, r.start_char):
        linked.update(range(m.start, m.end))
        if m.section == "events" and before(m.start_char, m.end_char):
            found.append((m.end_char, _event_span(ctx.knowledge.get(m.kb_id))))
    if not found or any(t.lemma_.lower() in EVENT_NOUNS and t.i not in linked
                        for t in doc[first:at.i]):
        return None
    # the latest date or event and any other in its sentence
    latest = _token_at(doc, max(found, key=lambda f: f[0])[0] - 1).sent.start_char
    spans = [d for end, d in found if end > latest]
    return None if any(d is None for d in spans) else [d for d in spans if d is not None]


def _event_span(event: Any) -> DateSpan | None:
    """When an event was, as a stated date would be: its one date (no end, no other
    accepted date), or else the one year all its dates fall in; None for neither."""
    dates = _event_dates(event)
    if len(dates) == 1 and getattr(event, "end", None) is None:
        d = dates[0]
        return DateSpan(d.start, d.end, d.precision, d.iso, 0, 0)
    years = _event_years(event)
    if len(years) != 1:
        return None
    return DateSpan(dt.date(years[0], 1, 1), dt.date(years[0], 12, 31), "year", str(years[0]),
                    0, 0)


def _event_years(event: Any) -> list[int]:
    """The calendar years an event's knowledge dates can fall in (none if undated)."""
    if getattr(event, "date", None) is None:
        return []
    bounds = [v for v in (event.date, event.end, *event.accepted_dates, *event.accepted_ends)
              if v is not None]
    return list(range(min(v.start.year for v in bounds), max(v.end.year for v in bounds) + 1))


def _other_years(ctx: _Context, prev: Mention, r: RelativeDate) -> dict[str, list[int]]:
    """"In 1924 they signed Rapallo. Three years later ...": years written from the
    anchor's sentence on that no event named there explains; the student may have counted
    from one of them rather than from the event, so each is a reading to check too."""
    start = ctx.doc[prev.start].sent.start_char
    named = {y for m in ctx.mentions_between(start, r.start_char) if m.section == "events"
             for y in _event_years(ctx.knowledge.get(m.kb_id))}
    years = sorted({d.start.year for d in ctx.dates_between(start, r.start_char)
                    if d.end_char <= r.start_char and d.start.year == d.end.year
                    and d.start.year not in named})
    return {"anchor_years": years} if years else {}


def _previous_dated_event(ctx: _Context, char: int, exclude: Mention | None) -> Mention | None:
    """The latest event mentioned before ``char`` in the same paragraph (the anchor of
    "a year later")."""
    para = ctx.paragraph_of(char)
    prev = None
    for m in ctx.mentions:
        if m.start_char >= char:
            break
        if m.section != "events" or (exclude is not None and m.kb_id == exclude.kb_id):
            continue
        if ctx.paragraph_of(m.start_char) == para:
            prev = m
    return prev


# -- paragraph periods and era claims -------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    """What a paragraph says it is about: "From 1924-1930 ...", "Following the death of
    Lenin in 1924 ...", "With the arrival of WWII in 1939 ..."."""

    start: dt.date
    end: dt.date
    text: str
    sequence_anchor: Mention | None  # "following X", "with the arrival of X"
    anchor_sentence_end: int
    next_sentence_end: int


def _paragraph_periods(ctx: _Context) -> dict[int, _Period]:
    periods: dict[int, _Period] = {}
    sents = ctx.sents
    for i, sent in enumerate(sents):
        para = ctx.paragraph_of(sent.start_char)
        first = sent[0].lower_
        if first not in FRAMING_OPENERS:
            continue
        comma = next((t.idx for t in sent if t.text == ","), None)
        if comma is None:
            continue
        frame = ctx.dates_between(sent.start_char, comma)
        if not frame:
            continue
        d = frame[0]
        anchor = None
        start, end = d.start, d.end
        if first in SEQUENCE_OPENERS:
            anchor = next((m for m in ctx.mentions if m.section == "events"
                           and sent.start_char <= m.start_char < comma), None)
            if anchor is not None:
                entry = ctx.knowledge.get(anchor.kb_id)
                date = getattr(entry, "date", None)
                if date is None or not (d.start <= date.start <= d.end):
                    anchor = None
                else:
                    start = date.start
            end = max(end, _add_years(start, 2))
        if d.open_end or d.open_start:
            continue
        next_end = sents[i + 1].end_char if i + 1 < len(sents) else sent.end_char
        previous = periods.get(para)
        if previous is not None:
            start, end = min(previous.start, start), max(previous.end, end)
            anchor = previous.sequence_anchor
            periods[para] = _Period(start, end, f"{previous.text}; {d.text}", anchor,
                                    previous.anchor_sentence_end, previous.next_sentence_end)
        elif sent.start_char - ctx.para_starts[para] < 400 or i == 0:
            periods[para] = _Period(start, end, sent.text[: comma - sent.start_char], anchor,
                                    sent.end_char, next_end)
    return periods


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _era_claims(ctx: _Context, sent: Span, events: list[Mention], mentions: list[Mention],
                dates: list[DateSpan], relatives: list[RelativeDate],
                periods: dict[int, _Period]) -> list[Claim]:
    """Events attributed to a leader ("Stalin's Treaty of Rapallo", "under Lenin", "Stalin
    introduced the NEP in 1921") or, when the sentence has no date of its own, to the period
    its paragraph is about. A doer is checked beside a date: a right year does not make the
    wrong leader right."""
    doc = ctx.doc
    out = _period_claims(ctx, sent, events, dates, relatives, periods)
    eras = {e.leader: e for e in ctx.knowledge.eras}
    for m in events:
        if any(c.subject == m.kb_id for c in out):
            continue
        leader = _leader_of(ctx, m, mentions, eras)
        if leader is not None:
            lm, era = leader
            start, end = min(lm.start_char, m.start_char), max(lm.end_char, m.end_char)
            detail = {"leader": lm.kb_id, "era_start": era.start.start.isoformat(),
                      "era_end": era.end.end.isoformat()}
            verb = None if m.by_trigger else _governing_verb(_mention_head(doc, m))
            if verb is not None and verb.lemma_.lower() in ENDING_DEEDS:
                detail["aspect"] = "end"  # "Stalin abandoned the NEP": when it ended
            elif verb is not None and verb.lemma_.lower() in KEEPING_DEEDS:
                detail["aspect"] = "during"  # "Stalin kept the NEP going": while it lasted
            if m.by_trigger and m.verb is not None:
                # one verb, several events it may name: one statement, its readings merged
                detail["reading"] = f"era:{m.verb.i}:{lm.kb_id}"
            out.append(Claim(
                kind="era", start=start, end=end, text=_text(doc)[start:end], subject=m.kb_id,
                refs=(m.kb_id, lm.kb_id), stated=f"in {lm.text}'s time", detail=detail,
            ))
    return out


def _period_claims(ctx: _Context, sent: Span, events: list[Mention], dates: list[DateSpan],
                   relatives: list[RelativeDate], periods: dict[int, _Period]) -> list[Claim]:
    """Undated narrative events inherit the period their paragraph says it is about."""
    out: list[Claim] = []
    if dates or relatives:
        return out
    period = periods.get(ctx.paragraph_of(sent.start_char))
    if period is None or sent.start_char < period.anchor_sentence_end - len(sent.text) - 1:
        return out
    if any(t.lower_ in BACKGROUND_CUES for t in sent):
        return out
    for m in events:
        if not m.by_trigger or m.verb is None or not _narrative_past(m.verb):
            continue
        if any(c.subject == m.kb_id for c in out):
            continue
        in_sequence = (period.sequence_anchor is not None
                       and sent.end_char <= period.next_sentence_end
                       and m.kb_id != period.sequence_anchor.kb_id)
        detail: dict[str, Any] = {"period_start": period.start.isoformat(),
                                  "period_end": period.end.isoformat()}
        refs: tuple[str, ...] = (m.kb_id,)
        if in_sequence:
            detail.update(relation="after", anchor=period.sequence_anchor.kb_id)
            refs = (m.kb_id, period.sequence_anchor.kb_id)
        out.append(Claim(
            kind="sequence" if in_sequence else "era", start=m.start_char, end=m.end_char,
            text=m.text, subject=m.kb_id, refs=refs,
            stated=f"in the period of '{period.text}'", inherited=True,
            when=DateSpan(start=period.start, end=period.end, precision="range",
                          text=period.text, start_char=m.start_char, end_char=m.end_char),
            detail=detail,
        ))
    return out


def _narrative_past(verb: Token) -> bool:
    """Simple past narration ("dissolved", "was replaced"), not "had replaced"/"would"."""
    if verb.tag_ == "VBD":
        return not any(c.lower_ in ("had", "would", "'d") for c in verb.children)
    if verb.tag_ == "VBN":
        auxes = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
        return bool(auxes) and auxes[0] in ("was", "were") and "had" not in auxes
    return False


def _leader_of(ctx: _Context, m: Mention, mentions: list[Mention],
               eras: dict[str, Any]) -> tuple[Mention, Any] | None:
    """A leader the event is attributed to: possessive ("Stalin's Rapallo"), "under X",
    or X as the subject of the verb that names the event."""
    doc = ctx.doc
    head = _mention_head(doc, m)
    for lm in mentions:
        if lm.kb_id not in eras:
            continue
        lhead = doc[lm.start:lm.end].root
        if lhead.dep_ == "poss" and (lhead.head.i in range(m.start, m.end) or (
                head.dep_ == "pobj" and head.head.lower_ == "of"
                and head.head.head == lhead.head)):
            return lm, eras[lm.kb_id]  # "Stalin's Rapallo", "Stalin's policy of X"
        if lhead.dep_ == "pobj" and lhead.head.lower_ == "under":
            attach = lhead.head.head
            if attach.i in range(m.start, m.end) or attach == head or (
                attach.pos_ in ("VERB", "AUX") and any(
                    t.i in range(m.start, m.end) for _, t in _arguments(attach))):
                return lm, eras[lm.kb_id]
        if m.by_trigger and m.verb is not None and any(
            role == "subject" and t.i in range(lm.start, lm.end) for role, t in _arguments(m.verb)
        ):
            return lm, eras[lm.kb_id]
        if lhead.dep_ == "poss" and lhead.head.dep_ == "attr" and lhead.head.head.lemma_ == "be" \
                and lhead.head.lemma_.lower() in AUTHORSHIP_NOUNS:
            cop = lhead.head.head
            said_of = [c for c in cop.children if c.dep_ == "nsubj"]
            if (cop.dep_ == "relcl" and cop.head.i in range(m.start, m.end)) or any(
                    t.i in range(m.start, m.end) for t in said_of):
                return lm, eras[lm.kb_id]  # "socialism in one country, which was Lenin's idea"
        verb = _governing_verb(head)
        if verb is not None and verb.lemma_.lower() in DOING_VERBS and any(
            role == "subject" and t.i in range(lm.start, lm.end) for role, t in _arguments(verb)
        ):
            return lm, eras[lm.kb_id]
    return None


# "X was Lenin's idea" dates X to Lenin's time; "X was Stalin's fault" is a judgement.
AUTHORSHIP_NOUNS = {"idea", "policy", "plan", "brainchild", "creation", "doing", "initiative",
                    "decision", "work", "project", "programme", "program", "strategy",
                    "invention", "scheme", "achievement", "legacy"}
DOING_VERBS = {"sign", "conclude", "negotiate", "make", "agree", "launch", "order", "introduce",
               "start", "begin", "create", "found", "establish", "dissolve", "abolish", "join",
               "lead", "wage", "fight", "win", "lose", "organise", "organize", "adopt", "set",
               "end", "abandon", "scrap", "terminate", "continue", "keep", "maintain"}
# A leader who ended a policy is checked against when it ended, one who kept it going
# against while it lasted; every other deed against when it began.
ENDING_DEEDS = {"end", "abandon", "scrap", "abolish", "dissolve", "terminate", "drop"}
KEEPING_DEEDS = {"continue", "keep", "maintain", "extend", "retain"}


def _governing_verb(tok: Token) -> Token | None:
    """The verb an event noun is an argument of, directly or through one preposition
    ("made peace with Germany at Brest-Litovsk")."""
    cur = tok
    for _ in range(3):
        if cur.dep_ in ("dobj", "nsubjpass", "obj", "attr") and cur.head.pos_ in ("VERB", "AUX"):
            return cur.head
        if cur.dep_ == "pobj" and cur.head.dep_ == "prep":
            cur = cur.head.head
            if cur.pos_ in ("VERB", "AUX"):
                return cur
            continue
        if cur.dep_ == "conj":
            cur = cur.head
            continue
        return None
    return None


# -- offices -----------------------------------------------------------------------------


def _office_claims(ctx: _Context, sent: Span, mentions: list[Mention], dates: list[DateSpan],
                   periods: dict[int, _Period]) -> list[Claim]:
    """"Litvinov, foreign commissar from 1930", "Trotsky, foreign commissar in 1925", and
    appointments: "a new foreign commissar was brought in" (who: this sentence or the
    apposition in the next one; when: a date, or a regime named in the sentence)."""
    doc = ctx.doc
    out = []
    people = [m for m in mentions if m.section == "people"]
    para = ctx.paragraph_of(sent.start_char)
    for o_start, o_end, office_id, office_ids in ctx.offices:
        if not (sent.start_char <= o_start < sent.end_char):
            continue
        person = _office_holder(ctx, sent, o_start, o_end, people)
        cue = _appointment_cue(doc, sent, o_start, o_end)
        if person is None and cue is not None:
            person = _holder_in_next_sentence(ctx, sent, office_id)
            if person is None:
                continue
        if person is None:
            continue
        when, _ = _office_time(ctx, o_start, o_end, person, dates)
        anchor = None
        if when is None:
            anchor = _office_anchor(ctx, sent, o_start)
        appointment = cue is not None and (para, person.kb_id) not in ctx.appointments
        if appointment:
            ctx.appointments.add((para, person.kb_id))
            if when is None:
                when = _regime_time(ctx, sent)
            if when is None:
                continue
            c_start, c_end = cue
            start, end = min(o_start, c_start), max(o_end, c_end)
            if person.start_char >= sent.start_char and person.end_char <= sent.end_char:
                start, end = min(start, person.start_char), max(end, person.end_char)
        else:
            start, end = min(person.start_char, o_start), max(person.end_char, o_end)
            if when is not None and sent.start_char <= when.start_char < sent.end_char:
                start, end = min(start, when.start_char), max(end, when.end_char)
        office = ctx.knowledge.get(office_id)
        stated = f"{office.name if office else office_id}"
        if when is not None:
            stated += f" ({when.text})"
        detail: dict[str, Any] = {
            "office": office_id, "offices": list(office_ids),
            "candidates": list(person.candidates), "appointment": appointment,
            "acting": _acting(doc, person),
            "start": _start_cue(doc, sent, person, o_start) or bool(
                when is not None and when.open_end and not appointment),
        }
        at = _event_acted_in(ctx, person, mentions, when) if detail["acting"] \
            and anchor is None else None
        if at is not None:
            detail["at"] = at
        elif when is None and anchor is None:
            detail["period"] = [ctx.topic.period[0].start.isoformat(),
                                ctx.topic.period[1].end.isoformat()]
            if detail["acting"] and not _FIRST_BEFORE.search(_text(doc), max(0, o_start - 12),
                                                             o_start) \
                    and (told := _told_time(ctx, sent, o_start)) is not None:
                detail["context"] = [told.start.isoformat(), told.end.isoformat()]
        if anchor is not None:
            relation, am = anchor
            detail.update(anchor=am.kb_id, relation=relation)
            stated += f" ({relation} {am.text})"
            end = max(end, am.end_char)
        out.append(Claim(
            kind="office", start=start, end=end, text=_text(doc)[start:end], subject=person.kb_id,
            refs=(person.kb_id, office_id), stated=stated, when=when, detail=detail,
        ))
    return out


_FIRST_BEFORE = re.compile(r"\b(?:first|last|new|former)\s+$", re.IGNORECASE)


def _told_time(ctx: _Context, sent: Span, before: int) -> DateSpan | None:
    """The time the essay is telling of where a title is given with no date of its own:
    the latest closed date written before it in its sentence or the one before (same
    paragraph)."""
    doc = ctx.doc
    lo = doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
    lo = max(lo, ctx.para_starts[ctx.paragraph_of(sent.start_char)])
    dates = [d for d in ctx.dates_between(lo, before) if d.end_char <= before
             and not (d.open_start or d.open_end) and not d.relative]
    return dates[-1] if dates else None


# Verbs that state an office rather than an act done in it.
HOLDING_VERBS = {"be", "become", "serve", "remain", "act", "appoint", "make", "name", "elect",
                 "promote", "replace", "succeed", "hold", "take", "stay", "continue"}


def _acting(doc: Doc, person: Mention) -> bool:
    """The person does something in the clause ("the British Prime Minister Chamberlain
    warned him"): the title is claimed for the time of that act, which may not be known."""
    verb = clause_head(_mention_head(doc, person))
    return verb.pos_ == "VERB" and verb.lemma_.lower() not in HOLDING_VERBS


def _event_acted_in(ctx: _Context, person: Mention, mentions: list[Mention],
                    when: DateSpan | None = None) -> str | None:
    """The one dated event the clause has the person doing ("the German Chancellor Rathenau
    signed the Treaty of Rapallo"): the time a title given to a doer is claimed for. Of
    several the verb may name ("Eden visited Moscow": in 1935 or in 1941), the one the
    clause's own date holds."""
    doc = ctx.doc
    head = _mention_head(doc, person)
    if head.dep_ == "appos":  # "Chamberlain's foreign secretary, Eden, flew ..."
        head = head.head
    head = _title_subject_of(head) or head
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head  # "drawn up by Hoare and Laval": each of the doers
    if head.dep_ not in ("nsubj", "nsubjpass") and not (
            head.dep_ == "pobj" and head.head.dep_ == "agent"):
        return None
    clause = clause_head(head)
    verb = clause.i
    events = {m.kb_id for m in mentions if m.section == "events"
              and clause_head(_mention_head(doc, m)).i == verb}
    if not events and clause.dep_ == "acl":
        # "the Hoare-Laval Pact, drawn up by Hoare and Laval": done in the event it describes
        events = {m.kb_id for m in mentions if m.section == "events"
                  and m.start <= clause.head.i < m.end}
    if len(events) > 1 and when is not None:
        events = {e for e in events if _held_by(when, ctx.knowledge.get(e))}
    if len(events) != 1:
        return None
    event = ctx.knowledge.get(next(iter(events)))
    return event.id if getattr(event, "date", None) is not None else None


def _held_by(when: DateSpan, event: Any) -> bool:
    """The event began and ended within the stated time."""
    start = getattr(event, "date", None)
    if start is None:
        return False
    end = getattr(event, "end", None) or start
    return when.start <= start.start and end.end <= when.end


_FIRST_ROLE = r"(?:chairman|chair|leader|head|president|chief)"
# "X was its first chairman", "its first leader was X", "the first head of the Comintern was X"
FIRST_HOLDER = scanner(
    rf"\b(?P<pre>was|became)\s+(?:the|its)\s+first\s+{_FIRST_ROLE}\b(?P<of>\s+of\s+(?:it\b|the\s+)?)?"
    rf"|\b(?:its|the)\s+first\s+{_FIRST_ROLE}(?P<of2>\s+of\s+(?:it\b|the\s+)?)?\s+was\b"
    # "founded in 1919 with Zinoviev as its chairman": the person before 'as'
    rf"|\b(?P<with>as)\s+its\s+(?:first\s+)?{_FIRST_ROLE}\b",
    re.IGNORECASE)
# Verbs that found an organisation: "with X as its chairman" then names its first holder.
FOUNDING_VERBS = frozenset({"found", "set", "create", "establish", "launch", "form"})


def _first_holder_claims(ctx: _Context, sent: Span, mentions: list[Mention]) -> list[Claim]:
    """"Lenin was its first chairman", "its first leader was Bukharin": the first holder of
    an organisation's one-holder office. 'Its' is the one organisation named earlier in this
    sentence, or else in the one before; the office is that organisation's only one with one
    holder at a time, and its list of holders must reach back to the founding."""
    text = ctx.text
    out = []
    people = [m for m in mentions if m.section == "people"]
    for mt in FIRST_HOLDER.finditer(text, sent.start_char, sent.end_char):
        if mt.group("with") and not any(t.lemma_.lower() in FOUNDING_VERBS for t in sent):
            continue  # "with Zinoviev as its chairman" is its first only at its founding
        if mt.group("pre") or mt.group("with"):
            person = next((m for m in reversed(people) if m.end_char <= mt.start()
                           and not text[m.end_char:mt.start()].strip()), None)
        else:
            person = next((m for m in people if m.start_char >= mt.end()
                           and not text[mt.end():m.start_char].strip()), None)
        if person is None:
            continue
        of = mt.group("of") or mt.group("of2")
        if of and not of.rstrip().endswith("it"):
            orgs = {m.kb_id for m in mentions if m.section == "organisations"
                    and mt.end() <= m.start_char <= mt.end() + 3}
        else:  # 'its': named earlier in this sentence, else in the one before
            prev = ctx.doc[sent.start - 1].sent if sent.start > 0 else sent
            orgs = set()
            for lo in (sent.start_char, prev.start_char):
                orgs = {m.kb_id for m in ctx.mentions_between(lo, mt.start())
                        if m.section == "organisations"
                        and ctx.paragraph_of(m.start_char) == ctx.paragraph_of(mt.start())}
                if orgs:
                    break
        if len(orgs) != 1:
            continue
        org = ctx.knowledge.get(next(iter(orgs)))
        offices = [o for o in ctx.knowledge.offices
                   if getattr(o, "organisation", None) == org.id and o.single_holder]
        if len(offices) != 1:
            continue
        start, end = min(person.start_char, mt.start()), max(person.end_char, mt.end())
        out.append(Claim(
            kind="office", start=start, end=end, text=text[start:end], subject=person.kb_id,
            refs=(person.kb_id, offices[0].id, org.id), stated=mt.group(0).strip(),
            detail={"office": offices[0].id, "offices": [offices[0].id],
                    "candidates": list(person.candidates), "first": org.id,
                    "words_at": (mt.start(), mt.end())},
        ))
    return out


START_CUE = scanner(r"\b(became|become|becomes|becoming|appointed|named|made|elected|"
                       r"promoted|installed|took over|rose to|succeeded)\b[^.;,]{0,45}$",
                       re.IGNORECASE)


def _start_cue(doc: Doc, sent: Span, person: Mention, o_start: int) -> bool:
    """"X became/was appointed <office>", "Stalin appointed X as <office>": the claim is
    about when the term began."""
    if not (sent.start_char <= person.start_char < o_start):
        return False
    if START_CUE.search(_text(doc)[person.end_char:o_start]):
        return True
    before = _text(doc)[sent.start_char:person.start_char]
    return bool(re.search(r"\b(appointed|named|made|installed|promoted)\s+$", before,
                          re.IGNORECASE)) and bool(
        re.fullmatch(r"\s*(as|to be|to the post of)\s*(the\s+)?",
                     _text(doc)[person.end_char:o_start], re.IGNORECASE))


def _office_anchor(ctx: _Context, sent: Span, o_start: int) -> tuple[str, Mention] | None:
    """"Stalin became General Secretary after Lenin died": the event the office is timed by."""
    office_tok = _token_at(ctx.doc, o_start)
    for m in ctx.mentions:
        if m.section != "events" or not (sent.start_char <= m.start_char < sent.end_char):
            continue
        rel = _temporal_relation(ctx.doc, m)
        # The "after X" phrase governs the clause the office is named in (or one above it).
        if rel is not None and office_tok in clause_head(rel[2]).subtree:
            return rel[0], m
    return None


def _appointment_cue(doc: Doc, sent: Span, o_start: int, o_end: int) -> tuple[int, int] | None:
    """"new <office>" or "<office> (was) brought in / appointed / installed" nearby."""
    before = _text(doc)[max(sent.start_char, o_start - 12):o_start]
    m = re.search(r"\bnew\s+$", before, re.IGNORECASE)
    if m:
        return o_start - len(before) + m.start(), o_end
    after = _text(doc)[o_end:min(sent.end_char, o_end + 30)]
    m = re.match(r"\s*(?:was\s+|were\s+)?(brought in|appointed|installed|put in place)\b",
                 after, re.IGNORECASE)
    if m:
        return o_start, o_end + m.end()
    return None


def _holder_in_next_sentence(ctx: _Context, sent: Span, office_id: str) -> Mention | None:
    """"... a new foreign commissar brought in. Under the new Commissar of Foreign Affairs,
    Maxim Litvinov, ...": the person named with the same office in the next sentence."""
    at = bisect.bisect_left([s.start for s in ctx.sents], sent.end)
    following = ctx.sents[at] if at < len(ctx.sents) else None  # (not doc[end:].sents:
    # that would split the whole rest of the essay into sentences again)
    if following is None or ctx.paragraph_of(following.start_char) != ctx.paragraph_of(
            sent.start_char):
        return None
    people = [m for m in ctx.mentions if m.section == "people"
              and following.start_char <= m.start_char < following.end_char]
    for o_start, o_end, oid, _ in ctx.offices:
        if oid == office_id and following.start_char <= o_start < following.end_char:
            holder = _office_holder(ctx, following, o_start, o_end, people)
            if holder is not None:
                return holder
    return None


def _regime_time(ctx: _Context, sent: Span) -> DateSpan | None:
    """A regime named in the sentence dates it: "Nazi Germany" means 1933 or later."""
    low = sent.text.lower()
    best = None
    for alias, start in ctx.alias_periods:
        i = low.find(alias)
        if i >= 0 and (best is None or start > best[0]):
            best = (start, alias, i)
    if best is None:
        return None
    start, alias, i = best
    from ..dates import OPEN_END

    return DateSpan(start=start, end=OPEN_END, precision="approx",
                    text=f"{sent.text[i:i + len(alias)]} (from {start.day} "
                         f"{start.strftime('%B')} {start.year})", start_char=sent.start_char + i,
                    end_char=sent.start_char + i + len(alias), open_end=True)


def _office_holder(ctx: _Context, sent: Span, o_start: int, o_end: int,
                   people: list[Mention]) -> Mention | None:
    """The person an office title is said of: the nearest person in the same sentence with
    no other person, full stop or 'while/whereas' between them (apposition, 'as', copula)."""
    doc = ctx.doc
    text = _text(doc)
    # "Ribbentrop was Hitler's foreign minister": the possessive names whom the office
    # served, not who held it (a title for a person, not "Stalin's post as General
    # Secretary" or "Lenin's chairmanship", where it is the holder's)
    served = {id(p) for p in people if _SERVED.fullmatch(text, p.end_char, o_start)
              and not _OWN_TITLE.search(text, o_start, o_end)}
    best = None
    for p in people:
        if id(p) in served:
            continue
        lo, hi = (p.end_char, o_start) if p.end_char <= o_start else (o_end, p.start_char)
        between = text[lo:hi]
        if (len(between) > 60 or re.search(r"\b(while|whereas|but|than|replaced|after|before|"
                                           r"succeeded|and)\b|;", between)) \
                and not _relative_clause_of(doc, o_start, p):
            continue
        if any(q is not p and id(q) not in served and lo <= q.start_char < hi for q in people):
            continue
        dist = len(between)
        if best is None or dist < best[0]:
            best = (dist, p)
    return best[1] if best else None


_SERVED = re.compile(r"['’]s?(?:\s+(?:new|trusted|loyal|last|first|own|chief|able))?\s+")
# Titles that name an office, not a person holding it: a possessive before them is the holder.
_OWN_TITLE = re.compile(r"(?:ship|hood|office|post|position|role|job|leadership|presidency"
                        r"|premiership|tenure)\b", re.IGNORECASE)


def _relative_clause_of(doc: Doc, o_start: int, person: Mention) -> bool:
    """"Stalin, who had beaten his rivals and become General Secretary in 1929": the title
    is in a relative clause (or a verb joined to one) hung on the person's name."""
    verb = clause_head(_token_at(doc, o_start))
    while verb.dep_ == "conj" and verb.head != verb:
        verb = verb.head
    return verb.dep_ == "relcl" and person.start <= verb.head.i < person.end


def _office_time(ctx: _Context, o_start: int, o_end: int, person: Mention,
                 dates: list[DateSpan]) -> tuple[DateSpan | None, str]:
    """The time an office is claimed for: a date in the same clause, else none."""
    doc = ctx.doc
    o_tok = _token_at(doc, o_start)
    clause = clause_head(o_tok)
    best = None
    for d in dates:
        if clause_head(_date_head(doc, d)) != clause and not (
            abs(d.start_char - o_end) < 25 or abs(o_start - d.end_char) < 25
        ):
            continue
        dist = min(abs(d.start_char - o_end), abs(o_start - d.end_char))
        if best is None or dist < best[0]:
            best = (dist, d)
    if best is None:
        then = _time_of_the_deed(ctx, o_start, o_end, person, dates)
        return (then, "then") if then is not None else (None, "none")
    return best[1], "stated"


_THEN_WORDS = re.compile(r"\b(?:at the time|at that time|at this time|then|by then)\b",
                         re.IGNORECASE)


def _time_of_the_deed(ctx: _Context, o_start: int, o_end: int, person: Mention,
                      dates: list[DateSpan]) -> DateSpan | None:
    """"In 1934 Molotov, who was the foreign commissar at that time, led the USSR into the
    League": the title is claimed for the time of what the person does in the main clause,
    when that clause has one date of its own."""
    if not _THEN_WORDS.search(ctx.text, max(0, o_start - 30), min(len(ctx.text), o_end + 20)):
        return None
    doc = ctx.doc
    deed = clause_head(doc[person.start])
    if deed.lemma_.lower() in ("be", "become", "serve", "remain", "hold", "stay", "continue"):
        return None  # "X was foreign commissar then": no deed to date it
    own = [d for d in dates if clause_head(_date_head(doc, d)) == deed]
    return own[0] if len(own) == 1 else None


# -- parties -----------------------------------------------------------------------------


def _party_claims(ctx: _Context, sent: Span, events: list[Mention],
                  mentions: list[Mention]) -> list[Claim]:
    """"Rapallo with France", "signed by Germany and Italy", "between A and B",
    "Germany and the USSR signed the Treaty of Berlin"."""
    doc = ctx.doc
    out = []
    actors = [m for m in mentions if m.section in ("states", "people")]
    # People the knowledge does not know can still be named as signatories of an
    # agreement whose signatories it knows completely ("... with Daladier and Franco").
    linked = {i for m in mentions for i in range(m.start, m.end)}
    for ent in ctx.sentence_ents(sent):
        if ent.label_ == "PERSON" and not ent.kb_id_ and not any(
                i in linked for i in range(ent.start, ent.end)):
            actors.append(Mention(f"person:{ent.text}", "unknown_people", ent.start, ent.end,
                                  ent.start_char, ent.end_char, ent.text))
    for m in events:
        entry = ctx.knowledge.get(m.kb_id)
        if entry is None or not (getattr(entry, "parties", ())
                                 or getattr(entry, "signatories", ())
                                 or getattr(entry, "non_signatories", ())
                                 or getattr(entry, "non_parties", ())):
            continue
        head = _mention_head(doc, m)
        verbs = [head] if head.pos_ in ("VERB", "AUX") else []
        if head.dep_ in ("dobj", "nsubjpass", "obj"):
            verbs.append(head.head)
        # "the agreement at Rapallo, signed by ...": clauses on the event's noun or on the
        # noun it names the place of.
        nouns = [head] + ([head.head.head] if head.dep_ == "pobj" and head.head.dep_ == "prep"
                          and head.head.head.pos_ in ("NOUN", "PROPN") else [])
        if head.dep_ == "nsubj" and head.head.lemma_ == "be":
            # "the pact was a deal between Germany and Italy": what it is said to be
            nouns.extend(c for c in head.head.children
                         if c.dep_ == "attr" and c.lemma_.lower() in AGREEMENT_NOUNS)
        verbs.extend(c for n in nouns for c in n.children if c.dep_ in ("relcl", "acl"))
        # "the Soviets were at Munich", "France attended the conference at Munich"; "at the
        # Munich Conference Britain and France agreed ...": who agreed there took part.
        if head.dep_ == "pobj" and head.head.lower_ in ("at", "in") and (
                head.head.head.lemma_ in PRESENCE_VERBS | INVITING_VERBS or (
                    head.head.lower_ == "at" and head.head.head.lemma_ in PARTY_VERBS)):
            verbs.append(head.head.head)
        # "the USSR was not invited to Munich": who was invited (or not) to it
        if head.dep_ == "pobj" and head.head.lower_ == "to" \
                and head.head.head.lemma_ in INVITING_VERBS:
            verbs.append(head.head.head)
        named: list[Mention] = []
        negated: list[Mention] = []
        for a in actors:
            atok = doc[a.start:a.end].root
            prep = _governing_prep(atok)
            if prep is not None and (prep.lower_ in PARTY_PREPS or (
                    prep.lower_ == "from" and prep.head.lemma_ in TAKING_VERBS)) and (
                prep.head.i in range(m.start, m.end) or prep.head in nouns
                or prep.head in verbs
            ):
                if prep.lower_ == "by" and not (prep.head in verbs and prep.head.lemma_ in
                                                PARTY_VERBS | DEED_VERBS):
                    continue
                named.append(a)
            elif m.agent is not None and m.verb is not None and m.verb in verbs \
                    and _is_subject_of(atok, m.verb) and not fate.denied(m.verb) \
                    and not _acts_on_others(ctx, m):
                # "Britain, France and Japan helped the Whites": each doer the trigger
                # accepts is a party the event's verb names (others stay unchecked).
                if any(a.kb_id in t.agents for t in entry.triggers):
                    named.append(a)

            elif any((v.lemma_ in PARTY_VERBS | PRESENCE_VERBS or (
                    entry.kind in IDEA_KINDS and v.lemma_ in AUTHOR_VERBS))
                     and _is_subject_of(atok, v) for v in verbs):
                (negated if any(fate.denied(v) for v in verbs if _is_subject_of(atok, v))
                 else named).append(a)
            elif any(v.lemma_ in INVITING_VERBS and _is_invited(atok, v) for v in verbs):
                # "the USSR was (not) invited": the invited took part, the left out did not
                (negated if any(fate.denied(v) for v in verbs if v.lemma_ in INVITING_VERBS)
                 else named).append(a)
            elif any(v.lemma_ in REFUSAL_VERBS and _is_subject_of(atok, v) and any(
                    c.dep_ == "xcomp" and c.lemma_ in PARTY_VERBS for c in v.children)
                     for v in verbs):
                negated.append(a)  # "which the USSR refused to join"
        if negated:
            start = min([m.start_char] + [a.start_char for a in negated])
            end = max([m.end_char] + [a.end_char for a in negated] + [
                v.right_edge.idx + len(v.right_edge) for v in verbs
                if v.lemma_ in REFUSAL_VERBS | PARTY_VERBS and v.right_edge.text not in ".,;"])
            out.append(Claim(
                kind="party", start=start, end=end, text=_text(doc)[start:end], subject=m.kb_id,
                refs=(m.kb_id, *[a.kb_id for a in negated]),
                stated="not " + ", ".join(a.text for a in negated),
                detail={"parties": [a.kb_id for a in negated],
                        "sections": [a.section for a in negated], "negated": True,
                        "verbs": sorted({v.lemma_.lower() for v in verbs
                                         if fate.denied(v)}),
                        "reading": _reading(m)},
            ))
        if not named:
            continue
        start = min([m.start_char] + [a.start_char for a in named])
        end = max([m.end_char] + [a.end_char for a in named])
        out.append(Claim(
            kind="party", start=start, end=end, text=_text(doc)[start:end], subject=m.kb_id,
            refs=(m.kb_id, *[a.kb_id for a in named]),
            stated=", ".join(a.text for a in named),
            detail={"parties": [a.kb_id for a in named],
                    "sections": [a.section for a in named],
                    "spans": [(a.start_char, a.end_char) for a in named],
                    "verbs": sorted({v.lemma_.lower() for v in verbs}),
                    "reading": _reading(m)},
        ))
    return out


def _acts_on_others(ctx: _Context, m: Mention) -> bool:
    """"declared war on Germany and the USSR": the verb also acts on something the trigger
    did not check, so its doers are no confirmed parties."""
    entry = ctx.knowledge.get(m.kb_id)
    entities = {t.entity for t in getattr(entry, "triggers", ())}
    linked = {i: x for x in ctx.mentions_between(m.verb.sent.start_char, m.verb.sent.end_char)
              if x is not m for i in range(x.start, x.end)}  # not the verb's own words
    return any(role == "object" and (x := linked.get(t.i)) is not None
               and x.kb_id not in entities for role, t in _arguments(m.verb))


PARTY_VERBS = {"sign", "conclude", "negotiate", "agree", "make", "join", "ratify", "accede"}
DEED_VERBS = {"carry", "commit", "order", "perpetrate", "organise", "organize", "launch",
              "execute", "plan"}
PRESENCE_VERBS = {"be", "attend", "participate", "represent"}
# A doctrine or policy is someone's: "Stalin put forward socialism in one country", "Lenin
# introduced the NEP". Its subject is named as its author (a party of it).
IDEA_KINDS = {"doctrine", "policy", "decree", "diplomatic_declaration", "speech"}
AUTHOR_VERBS = {"announce", "propose", "put", "advance", "introduce", "adopt", "proclaim",
                "develop", "devise", "champion", "advocate", "launch", "bring", "declare",
                "set", "issue", "pursue", "follow", "favour", "favor", "want"}
REFUSAL_VERBS = {"refuse", "decline", "fail", "reject"}
# Whom these are done to was (or, denied, was not) among those who took part.
INVITING_VERBS = {"invite"}


def _is_invited(tok: Token, verb: Token) -> bool:
    """The word (or the list it is in) is who the verb invites: its passive subject
    ("the USSR was not invited") or its object ("they did not invite Stalin")."""
    return _in_role(tok, verb, ("nsubjpass", "dobj"), appos=False)


def _in_role(tok: Token, verb: Token, deps: tuple[str, ...], appos: bool) -> bool:
    """The word, or the first of the list it is in (conjuncts; with ``appos``, also
    appositions, as the parser may read "Britain, France, the USA and Japan"), stands in
    one of ``deps`` to the verb."""
    cur = tok
    for _ in range(4):
        if cur.dep_ in deps and cur.head == verb:
            return True
        if cur.dep_ == "conj" or (appos and cur.dep_ == "appos" and cur.pos_ == "PROPN"):
            cur = cur.head
            continue
        return False
    return False


def _governing_prep(tok: Token) -> Token | None:
    cur = tok
    for _ in range(4):
        if cur.dep_ == "pobj" and cur.head.dep_ in ("prep", "agent"):
            return cur.head
        if cur.dep_ == "conj":
            cur = cur.head
            continue
        return None
    return None


def sender(verb: Token) -> Token | None:
    """The verb a purpose clause without a subject of its own serves: "sent" in "Britain
    sent troops to help the Whites" (who sent helped, when they sent)."""
    if verb.dep_ in ("xcomp", "advcl") and verb.head.lemma_.lower() in PURPOSE_HEADS \
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) \
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return verb.head
    return None


def _is_subject_of(tok: Token, verb: Token) -> bool:
    """The word is the verb's subject, or one of a list of them (which the parser may read
    as conjuncts or appositions: "Britain, France, the USA and Japan"); the subject of a
    purpose clause is its sender's ("Britain sent troops to help the Whites")."""
    return _in_role(tok, sender(verb) or verb, ("nsubj",), appos=True)


# -- attributions ----------------------------------------------------------------------


NATIONALITIES = {
    "american": ("american", "us", "united states", "usa"),
    "british": ("british", "english", "welsh", "scottish", "uk", "britain", "england"),
    "english": ("british", "english", "england"),
    "soviet": ("soviet", "russian", "ussr"), "russian": ("russian", "soviet", "russia"),
    "israeli": ("israeli", "israel"), "polish": ("polish", "poland"),
    "canadian": ("canadian", "canada"), "australian": ("australian", "australia"),
    "german": ("german", "germany"), "french": ("french", "france"),
    "austrian": ("austrian", "austria"), "czech": ("czech",), "irish": ("irish", "ireland"),
    "italian": ("italian", "italy"), "japanese": ("japanese", "japan"),
}


def _attribution_claims(ctx: _Context, sent: Span, mentions: list[Mention]) -> list[Claim]:
    """Who a named writer or person is said to be ("historian Otto Bauer", "the American
    historian E. H. Carr") and which books they wrote ("Roberts, author of Grand Delusion")."""
    doc = ctx.doc
    out = []
    people = [m for m in mentions if m.section in ("writers", "people")]
    for m in people:
        role = _stated_role(doc, m)
        if role is None:
            continue
        word, r_start, r_end, nationality = role
        start, end = min(m.start_char, r_start), max(m.end_char, r_end)
        detail = {"role": ROLE_WORDS[word.lower()], "candidates": list(m.candidates)}
        if nationality:
            detail["nationality"] = nationality
        out.append(Claim(
            kind="attribution", start=start, end=end, text=_text(doc)[start:end],
            subject=m.kb_id, refs=(m.kb_id,),
            stated=f"{nationality + ' ' if nationality else ''}{word}", detail=detail,
        ))
    out.extend(_work_claims(ctx, sent, people))
    out.extend(_biography_claims(ctx, sent, people))
    out.extend(_author_date_claims(ctx, sent, people))
    return out


def _author_date_claims(ctx: _Context, sent: Span, people: list[Mention]) -> list[Claim]:
    """"(Haslam, 1984)": the writer published something that year. Confirmed when one of
    their listed works came out then; never corrected (not every work is listed)."""
    text = _text(ctx.doc)
    out = []
    for m in _AUTHOR_DATE.finditer(text, sent.start_char, sent.end_char):
        writer = next((p for p in people if p.section == "writers"
                       and p.start_char == m.start(1) and p.end_char == m.end(1)), None)
        if writer is None or len(writer.candidates) > 1:
            continue
        out.append(Claim(
            kind="attribution", start=m.start(1), end=m.end(2), text=text[m.start(1):m.end(2)],
            subject=writer.kb_id, refs=(writer.kb_id,), stated=f"published in {m.group(2)}",
            detail={"cited_year": int(m.group(2)), "reference": True},
        ))
    return out


# "a biography of Stalin", "his two-volume biography of Lenin", "Trotsky's biographer".
_BIOGRAPHY = re.compile(r"\bbiograph(?:y|ies|er) of\s+", re.IGNORECASE)


def _biography_claims(ctx: _Context, sent: Span, people: list[Mention]) -> list[Claim]:
    """"Deutscher, who wrote a biography of Stalin": a life of a person the knowledge
    knows, credited to the writer named just before it. Many wrote one, so it is only ever
    confirmed (from the writer's works and description), never corrected."""
    text = _text(ctx.doc)
    out = []
    for m in _BIOGRAPHY.finditer(text, sent.start_char, sent.end_char):
        life = next((p for p in people if p.start_char == m.end() and p.section == "people"),
                    None)
        writers = [p for p in people if p.section == "writers" and p.end_char <= m.start()
                   and m.start() - p.end_char <= 70]
        if life is None or not writers:
            continue
        writer = writers[-1]
        if _NOT_CREDITED.search(text[writer.end_char:m.start()]):
            continue
        person = ctx.knowledge.get(life.kb_id)
        surname = person.name.split()[-1].lower()
        owners = [w.id for w in ctx.knowledge.writers if any(
            "biograph" in work.lower() and surname in work.lower() for work in w.works)
            or re.search(rf"biograph\w* of [^.;]*\b{re.escape(surname)}\b",
                         (w.description or "").lower())]
        start, end = writer.start_char, life.end_char
        out.append(Claim(
            kind="attribution", start=start, end=end, text=text[start:end],
            subject=writer.kb_id, refs=(writer.kb_id, life.kb_id),
            stated=f"wrote a biography of {life.text}",
            detail={"work": f"a biography of {person.name}", "owners": owners,
                    "candidates": list(writer.candidates), "one_of_many": True},
        ))
    return out


# The year a citation gives straight after a title: "T (1961)", "T, 1961", "T, published in 1961".
# The years a title covers may come first: "Collective Security in Europe, 1933-39 (1984)".
_PUBLISHED = re.compile(r"(?:,?\s*(?:18|19|20)\d\d\s*[-\u2013]\s*\d{2,4})?"
                        r"\s*[,(]?\s*(?:(?:first\s+)?published\s+in\s+)?"
                        r"((?:18|19|20)\d\d)\b(?!\s*[-\u2013])")
# The years that end a title, written after what was matched of it: ", 1933-39".
_TITLE_YEARS = re.compile(r",?\s*(?:18|19|20)\d\d\s*[-\u2013]\s*\d{2,4}\b")
# "wrote The Great Terror in 1968": after a verb of writing, "in" gives the year too.
_WRITTEN_IN = re.compile(r"\s+in\s+((?:18|19|20)\d\d)\b(?!\s*[-\u2013])")
_WRITING = re.compile(r"\b(?:wrote|written|writes|write|published|publishes)\s+"
                      r"(?:(?:his|her|their|the)\s+(?:book|study|history)\s+)?$", re.IGNORECASE)


# Words between a writer and a book that make the book not theirs ("X, unlike Y's book").
_NOT_CREDITED = re.compile(r"[.;:]|\b(but|while|whereas|unlike|than|not|criticised|criticized|"
                           r"attacked|rejected|reviewed|disagreed)\b", re.IGNORECASE)


def _work_claims(ctx: _Context, sent: Span, people: list[Mention]) -> list[Claim]:
    """A known book title credited to the writer(s) named just before it: "X, author of T",
    "X, who wrote T", "X's T", "X in his book T", "X and Y argue in T"."""
    doc = ctx.doc
    out = []
    for w_start, w_end, _owner in ctx.works:
        if not (sent.start_char <= w_start < sent.end_char):
            continue
        before = [p for p in people if p.end_char <= w_start and w_start - p.end_char <= 70]
        if not before:
            out.extend(_reference_claims(ctx, sent, w_start, w_end))
            continue
        nearest = before[-1]
        gap = _text(doc)[nearest.end_char:w_start]
        if _NOT_CREDITED.search(gap):
            continue
        # Co-authors joined by "and"/"&": "Overy and Stephen Wheatcroft argue in ...".
        named = [nearest]
        for p in reversed(before[:-1]):
            if re.fullmatch(r"\s*(and|&|with)\s*", _text(doc)[p.end_char:named[0].start_char]):
                named.insert(0, p)
        owners = _title_owners(ctx, w_start, w_end)
        title = _text(doc)[w_start:w_end]
        cited = _CITED.search(_text(doc)[sent.start_char:w_start])
        reference = cited is not None and sent.start_char + cited.start(1) == nearest.start_char
        year = _PUBLISHED.match(_text(doc), w_end) or (
            _WRITTEN_IN.match(_text(doc), w_end) if _WRITING.search(gap) else None)
        # "Haslam, in The Soviet Union and the Struggle ..., 1933-39, argues": the title's
        # own years are part of the title, not a span the clause states
        own = _TITLE_YEARS.match(_text(doc), w_end)
        if own and not year and any(
                _TITLE_YEARS.search(work) for o in owners
                for work in getattr(ctx.knowledge.get(o), "works", ()) if is_titled(work, title)):
            w_end = own.end()
        for p in named:
            start, end = p.start_char, year.end(1) if year else w_end
            detail = _with_year({"work": title, "owners": owners,
                                 "candidates": list(p.candidates), "reference": reference}, year)
            out.append(Claim(
                kind="attribution", start=start, end=end, text=_text(doc)[start:end],
                subject=p.kb_id, refs=(p.kb_id, *owners), stated=f"wrote {title}",
                detail=detail,
            ))
    return out


def _title_owners(ctx: _Context, w_start: int, w_end: int) -> list[str]:
    """The writers whose listed work the title found at ``w_start:w_end`` is."""
    return sorted({o for s_, e_, o in ctx.works if (s_, e_) == (w_start, w_end)})


def _with_year(detail: dict[str, Any], year: re.Match[str] | None) -> dict[str, Any]:
    """The claim's detail, with the year written after the title and where it stands."""
    if year:
        detail["year"], detail["year_at"] = int(year.group(1)), year.span(1)
    return detail


def _reference_claims(ctx: _Context, sent: Span, w_start: int, w_end: int) -> list[Claim]:
    """"Service, Lenin: A Biography, 2000": a reference list names a writer by surname alone
    at the start of the line, which the linker leaves alone there. Read only as the title's
    own writer; another surname says nothing."""
    text = _text(ctx.doc)
    cited = _CITED.search(text[sent.start_char:w_start])
    if cited is None:
        return []
    surname = cited.group(1).lower()
    owners = _title_owners(ctx, w_start, w_end)
    mine = [o for o in owners if any(
        n.split()[-1].lower() == surname for n in (
            ctx.knowledge.get(o).name, *ctx.knowledge.get(o).aliases) if n.split())]
    if len(mine) != 1:
        return []
    title = text[w_start:w_end]
    year = _PUBLISHED.match(text, w_end)
    start, end = sent.start_char + cited.start(1), year.end(1) if year else w_end
    detail = _with_year({"work": title, "owners": owners, "candidates": [], "reference": True},
                        year)
    return [Claim(kind="attribution", start=start, end=end, text=text[start:end],
                  subject=mine[0], refs=(mine[0], *owners), stated=f"wrote {title}",
                  detail=detail)]


def _stated_role(doc: Doc, m: Mention) -> tuple[str, int, int, str | None] | None:
    """A role noun said of the mention, with a nationality adjective if one is given:
    before ("historian Otto Bauer", "the American historian, E. H. Carr") or in apposition
    after ("Bauer, a historian")."""
    i = m.start - 1
    while i >= 0 and (doc[i].pos_ in ("ADJ", "PROPN") and doc[i].lower_ not in ROLE_WORDS):
        i -= 1
        if m.start - i > 4:
            break
    if i >= 1 and doc[i].text == "," and doc[i - 1].lower_ in ROLE_WORDS:
        i -= 1
    if i >= 0 and doc[i].lower_ in ROLE_WORDS and doc[i].lower_ != "general":
        nat = doc[i - 1].lower_ if i >= 1 and doc[i - 1].lower_ in NATIONALITIES else None
        start = doc[i - 1].idx if nat else doc[i].idx
        return doc[i].text, start, doc[i].idx + len(doc[i]), nat
    j = m.end
    if j < len(doc) - 2 and doc[j].text == ",":
        k = j + 1
        while (k < len(doc) and k - j < 6 and doc[k].lower_ not in ROLE_WORDS
               and doc[k].text not in ",.;"):
            k += 1
        if k < len(doc) and doc[k].lower_ in ROLE_WORDS and doc[k].head.i in range(m.start, m.end):
            nat = doc[k - 1].lower_ if doc[k - 1].lower_ in NATIONALITIES else None
            return doc[k].text, doc[k].idx, doc[k].idx + len(doc[k]), nat
    # "Kennan, who was a British diplomat", "Kennan was a British diplomat"
    j = m.end + (1 if m.end < len(doc) and doc[m.end].text == "," else 0)
    j += 1 if j < len(doc) and doc[j].lower_ == "who" else 0
    if j < len(doc) - 1 and doc[j].lemma_ == "be" and not any(
            c.dep_ == "neg" for c in doc[j].children):
        for k in range(j + 1, min(j + 6, len(doc))):
            if doc[k].text in ",.;":
                break
            if doc[k].lower_ in ROLE_WORDS and doc[k].dep_ == "attr" and doc[k].head.i == j:
                nat = doc[k - 1].lower_ if doc[k - 1].lower_ in NATIONALITIES else None
                return doc[k].text, doc[k].idx, doc[k].idx + len(doc[k]), nat
    return None


def _alternatives(m: Mention) -> dict[str, list[str]]:
    """Readings of an ambiguous event name, for the verdict to try each."""
    return {"alternatives": list(m.candidates)} if m.section == "events" and len(
        m.candidates) > 1 else {}


def _reading(m: Mention) -> str | None:
    """Which reading of a verb phrase a trigger mention is: mentions with the same verb
    and the same doer are alternative readings of one statement ("the Red Army invaded
    Poland": the 1920 war or September 1939), not two statements."""
    if not m.by_trigger or m.verb is None:
        return None
    return f"{m.verb.i}:{m.agent}"


def _same_reading(m: Mention, events: list[Mention]) -> dict[str, list[str]]:
    """The events the same verb and doer may mean ("Britain recognised the USSR": the 1921
    trade agreement or the 1924 recognition), as alternatives when there are several."""
    reading = _reading(m)
    same = list(dict.fromkeys(e.kb_id for e in events
                              if reading is not None and _reading(e) == reading))
    return {"alternatives": same} if len(same) > 1 else {}


def _merge_readings(claims: list[Claim]) -> list[Claim]:
    """Alternative readings of one statement become one claim listing them all; the
    verdict accepts the statement if any reading fits."""
    groups: dict[tuple[Any, ...], list[Claim]] = {}
    out: list[Claim] = []
    for c in claims:
        reading = c.detail.get("reading") if isinstance(c.detail, dict) else None
        if reading is None:
            out.append(c)
            continue
        groups.setdefault((c.kind, c.start, c.end, c.stated, reading), []).append(c)
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            out.append(first)
            continue
        alternatives = [c.subject for c in group]
        out.append(Claim(first.kind, first.start, first.end, first.text, first.subject,
                         tuple(dict.fromkeys(r for c in group for r in c.refs)), first.stated,
                         first.when, first.inherited,
                         {**first.detail, "alternatives": alternatives}))
    return out


def _dedupe(claims: list[Claim]) -> list[Claim]:
    """One claim per (kind, subject, span); sorted in text order."""
    claims = _merge_readings(claims)
    seen: set[tuple[str, str | None, int, int]] = set()
    out = []
    for c in sorted(claims, key=lambda c: (c.start, c.end, c.kind)):
        key = (c.kind, c.subject, c.start, c.end)
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out
