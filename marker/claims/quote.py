"""Quotations: "Stalin declared that 'peace is indivisible'", "In 1928 Stalin said the USSR
was 'fifty or a hundred years behind'".

Words the knowledge lists as a well-known quotation are found in a sentence (in quotation
marks or not: "we will not pull the chestnuts out of the fire for others"), then the
grammar says who the sentence gives them to: the subject of a verb of saying that governs
them ("X warned that ...", "It was X who declared ...", "As X said, ..."), or the owner of
a noun of saying ("X's famous remark that ..."). That speaker is checked against the
quotation's speakers, and a date on the saying against the quotation's date.

When in doubt, nothing is said: a pronoun speaker, a historian (who may be quoting), a
listed speaker named anywhere in the sentence, or a denial ("it was not Stalin who said")
give no claim; a date is checked only for words said on one known day. A short wording
others repeat ("breathing space") is read only inside quotation marks and only confirms:
"Stalin denounced 'neither war nor peace'" gives the words to no one.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from ..dates import format_date
from .base import Claim, Mention
from .details import AGREES, CONTRADICTS, Detail
from .verdict import CONTRADICTED, SUPPORTED, UNVERIFIABLE, Verdict

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from ..dates import DateSpan
    from ..topic import Knowledge, Quotation
    from .base import SentenceContext

KINDS = ("quote",)
SPEECH_VERBS = {
    "say", "declare", "warn", "call", "describe", "write", "tell", "promise", "announce",
    "proclaim", "claim", "remark", "joke", "boast", "quip", "insist", "admit", "confess",
    "state", "speak", "comment", "dub", "label", "brand", "denounce", "famously", "exclaim",
    "assert", "put", "vow", "predict", "threaten", "thunder", "urge", "demand", "defend", "remind",
    "justify", "characterise", "characterize", "term", "refer", "coin", "utter", "cry",
    "shout", "reply", "answer", "explain", "argue", "observe", "note", "complain", "mock",
}
SPEECH_NOUNS = {
    "statement", "remark", "phrase", "words", "word", "description", "slogan", "warning",
    "formula", "comment", "declaration", "promise", "boast", "confession", "quip", "joke",
    "claim", "speech", "saying", "line", "quote", "quotation", "motto", "dictum", "verdict",
    "jibe", "taunt", "letter", "broadcast", "address", "report", "toast", "assertion",
}
# Verbs that make a saying an event ("the statement was made in 1928").
UTTERING = {"make", "deliver", "give", "utter", "come", "issue", "write"}
# Words too common to pin a quotation down; kept out of the matching pattern.
STOP = {
    "a", "an", "the", "of", "to", "and", "or", "is", "are", "was", "were", "be", "we", "it",
    "in", "on", "at", "for", "with", "that", "this", "our", "us", "i", "you", "he", "they",
    "them", "its", "his", "their", "by", "as", "will", "would", "not", "no", "then", "so",
    "but", "from", "all", "one", "have", "has", "had", "do", "does", "did", "there", "what",
}
# A stretch of a sentence in quotation marks: double or curly quotes, or single ones that are
# not an apostrophe ("Trotsky's 'neither war nor peace'").
_QUOTED = re.compile(r'"[^"]+"|“[^”]+”|‘[^’]+’|(?<!\w)\'[^\']+\'(?!\w)')
_Pattern = tuple["Quotation", str, tuple[str, ...], bool]
_CACHE: dict[int, tuple[Knowledge, list[_Pattern]]] = {}


def _patterns(knowledge: Knowledge) -> list[_Pattern]:
    """One pattern per wording of each quotation: its telling words in order, a couple of
    other words allowed between them and a plural ending on each (students misquote); with
    the telling words, which a sentence must all hold for the pattern to be tried (most
    sentences quote nothing). The patterns' sources: each is compiled only when an essay
    holds its words (compiling them all cost a fifth of a second at every start); and whether
    the wording counts only in quotation marks."""
    known = _CACHE.get(id(knowledge))
    if known is not None and known[0] is knowledge:
        return known[1]
    out = []
    for q in knowledge.quotations:
        forms = {**dict.fromkeys((q.name, *q.aliases), False), **dict.fromkeys(q.quoted, True)}
        for form, quoted in forms.items():
            words = re.findall(r"[a-z0-9]+", form.lower())
            telling = words if quoted else [w for w in words if w not in STOP]
            if len(telling) < 2:
                if len(words) < 2:
                    continue
                telling = words
            gap = r"[\W_]+(?:[\w'’]+[\W_]+){0,2}?"
            body = gap.join(re.escape(w) + r"(?:e?s)?" for w in telling)
            out.append((q, rf"(?<![\w]){body}(?![\w])",
                        tuple(sorted(set(telling), key=len, reverse=True)), quoted))
    _CACHE.clear()
    _CACHE[id(knowledge)] = (knowledge, out)
    return out


def _in_essay(
        ctx: SentenceContext) -> list[tuple[Quotation, re.Pattern[str], tuple[str, ...], bool]]:
    """The patterns whose words the essay holds somewhere (found once per essay, then
    tried sentence by sentence)."""
    found = ctx.memo.get("quotations")
    if found is None:
        found = ctx.memo["quotations"] = [
            (q, _compiled(source), telling, quoted)
            for q, source, telling, quoted in _patterns(ctx.knowledge)
            if all(w in ctx.lower for w in telling)]
    return found


@functools.lru_cache(maxsize=4096)
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


def extract(ctx: SentenceContext, sent: Span, mentions: list[Mention]) -> list[Claim]:
    """A claim for each known quotation the sentence gives to a named person."""
    if not ctx.knowledge.quotations:
        return []
    base = sent.start_char
    text = ctx.text[base:sent.end_char]
    low = text.lower()
    out: list[Claim] = []
    seen: set[str] = set()
    marked: list[tuple[int, int]] | None = None
    for q, pattern, needed, quoted in _in_essay(ctx):
        if q.id in seen or not all(w in low for w in needed):
            continue
        if quoted:
            if marked is None:
                marked = [m.span() for m in _QUOTED.finditer(text)]
            m = next((m for m in pattern.finditer(text)
                      if any(a <= m.start() and m.end() <= b for a, b in marked)), None)
        else:
            m = pattern.search(text)
        if m is None:
            continue
        seen.add(q.id)
        claim = _claim(ctx, sent, mentions, q, base + m.start(), base + m.end(), quoted)
        if claim is not None:
            out.append(claim)
    return out


def _claim(ctx: SentenceContext, sent: Span, mentions: list[Mention], q: Quotation,
           start: int, end: int, quoted: bool) -> Claim | None:
    doc = ctx.doc
    first = next((t for t in sent if t.idx >= start), None)
    if first is None:
        return None
    sayer, branch = _saying(first, start, end)
    if sayer is None:
        return None
    who = _owner(sayer) if sayer.pos_ == "NOUN" else _speaker_of(sayer)
    if who is not None and who.lower_ in ("his", "her") and sayer.head.lemma_.lower() in UTTERING:
        # "Stalin gave his warning that ...": who gave it
        who = _speaker_of(sayer.head) or who
    if who is None or _denied(sayer):
        return None
    speaker = next((m for m in mentions if m.start <= who.i < m.end
                    and m.section in ("people", "writers")), None)
    said_by = speaker
    if speaker is None and who.lower_ in ("he", "she", "his"):
        # "In 1931 he warned that ...": the one person the sentence before names
        speaker = ctx.person_antecedent(who)
        said_by = Mention(speaker.kb_id, speaker.section, who.i, who.i + 1, who.idx,
                          who.idx + len(who), who.text) if speaker is not None else None
        if speaker is not None and speaker.kb_id not in q.speakers:
            return None  # who 'he' is was worked out: never a reason to call it wrong
    if speaker is None or said_by is None:
        return None
    listed = set(q.speakers)
    if speaker.kb_id not in listed:
        if quoted:
            return None  # a slogan others repeated or attacked: it only confirms
        if speaker.section == "writers" or _category(ctx.knowledge, speaker.kb_id) in (
                "historian", "journalist", "writer"):
            return None  # a historian may be quoting the words
        if any(m.kb_id in listed and not _doer_elsewhere(doc, m, sayer) for m in mentions):
            return None  # the right speaker is in the sentence: the grammar may be misread
    when = _date_of_saying(ctx, doc, sayer, branch, start, end)
    lo = min(said_by.start_char, start, *([when.start_char] if when else []))
    hi = max(end, said_by.end_char, *([when.end_char] if when else []))
    return Claim(
        kind="quote", start=lo, end=hi, text=ctx.text[lo:hi], subject=q.id,
        refs=(q.id, speaker.kb_id), stated=ctx.text[start:end], when=when,
        detail={"speaker": speaker.kb_id, "speaker_at": (said_by.start_char, said_by.end_char),
                "words_at": (start, end),
                # framed in the saying's clause: "Litvinov, who reminded the League that
                # '...', went in 1939" says nothing about the words in 1939
                "clause_at": (sayer.idx, sayer.idx + len(sayer))},
    )


def _doer_elsewhere(doc: Doc, m: Mention, sayer: Token) -> bool:
    """"Lenin said that "...", and so Stalin needed peace"; "Litvinov was its champion,
    although it was Stalin who declared ...": a person who is the subject of a verb of their
    own, not one of saying, is not a reading of who said the words."""
    word = doc[m.end - 1]
    return word.dep_ in ("nsubj", "nsubjpass") and word.head.i != sayer.i \
        and word.head.pos_ in ("VERB", "AUX") and word.head.lemma_.lower() not in SPEECH_VERBS


def _saying(tok: Token, start: int, end: int) -> tuple[Token | None, Token | None]:
    """The verb or noun of saying that governs the quoted words, and the child of it whose
    subtree holds them (None when the words are its own object)."""
    cur, branch = tok, None
    for _ in range(12):
        lemma = cur.lemma_.lower()
        if cur.pos_ in ("VERB", "AUX") and lemma in SPEECH_VERBS:
            return cur, branch
        if cur.pos_ == "NOUN" and lemma in SPEECH_NOUNS and not start <= cur.idx < end:
            return cur, branch
        if branch is not None and branch.dep_ in ("prep", "ccomp") and cur.pos_ in ("VERB", "AUX"):
            # "gave his warning in 1931 that ...", "Chamberlain's confession to '...'": the
            # words hung on the verb of a noun of saying, which the parser misplaced
            noun = next((c for c in cur.children if c.dep_ in ("dobj", "attr") and c.i < branch.i
                         and c.lemma_.lower() in SPEECH_NOUNS), None)
            if noun is not None:
                return noun, branch
        if cur.head.i == cur.i:
            break
        branch, cur = cur, cur.head
    # "As Litvinov warned, peace ...": a saying in an "as" clause of the sentence's verb.
    root = cur
    for child in root.children:
        if child.dep_ == "advcl" and child.lemma_.lower() in SPEECH_VERBS and any(
                c.lower_ == "as" and c.dep_ == "mark" for c in child.children):
            return child, root
    return None, None


def _speaker_of(verb: Token) -> Token | None:
    """The subject of a verb of saying, through conjunctions, passives ("was called ... by
    X") and relative clauses ("It was X who declared ...")."""
    cur, raised = verb, False
    for _ in range(3):
        for child in cur.children:
            if child.dep_ == "nsubj" or (raised and child.dep_ == "nsubjpass"):
                # nsubjpass: "Trotsky is said to have remarked ...", whose subject is the
                # sayer; "Litvinov was told that ..." (no raised saying) is the listener.
                if child.tag_ in ("WP", "WDT") or child.lower_ == "that":
                    return _antecedent(cur)
                return child
            if child.dep_ == "agent":
                return next((g for g in child.children if g.dep_ == "pobj"), None)
        raised = cur.dep_ == "xcomp"
        if (cur.dep_ in ("conj", "xcomp") or (cur.dep_ == "advcl" and cur.tag_ == "VBG")) \
                and cur.head.i != cur.i:
            cur = cur.head  # "..., saying that ...": the main verb's subject says it
            continue
        if cur.dep_ == "acl" and cur.head.lemma_.lower() in SPEECH_NOUNS:
            # "Molotov made a speech saying ...": who made the speech said it.
            noun = cur.head
            owner = _owner(noun)
            if owner is not None and owner.pos_ != "PRON":  # "made his speech": the maker
                return owner
            if noun.dep_ in ("dobj", "obj") and noun.head.lemma_.lower() in UTTERING:
                cur = noun.head
                continue
        break
    return None


def _antecedent(verb: Token) -> Token | None:
    """Who 'who' is: the noun a relative clause hangs on, or the named person of a cleft
    sentence ("It was Chamberlain who declared ...", which the parser may read as a
    complement of 'was')."""
    if verb.dep_ == "relcl":
        return verb.head
    if verb.dep_ == "ccomp" and verb.head.lemma_ == "be":
        return next((c for c in verb.head.children if c.dep_ == "attr"), None)
    return None


def _owner(noun: Token) -> Token | None:
    """Whose saying a noun is: "Stalin's statement", "the words of Litvinov"."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "by"):
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is not None and pobj.pos_ == "PROPN":
                return pobj
    return None


def _denied(tok: Token) -> bool:
    """'It was not Stalin who said', 'Stalin never said': no claim either way."""
    words = [*tok.children]
    if any(c.dep_ == "nsubj" and c.tag_ in ("WP", "WDT") for c in tok.children):
        words.extend(tok.head.children)  # the cleft's own 'was not'
        if tok.dep_ == "relcl":
            words.extend(tok.head.head.children)  # "It was not Stalin who said"
    return any(w.dep_ == "neg" or w.lower_ in ("never", "not", "n't") for w in words)


def _category(knowledge: Knowledge, kb_id: str) -> str | None:
    return getattr(knowledge.get(kb_id), "category", None)


def _date_of_saying(ctx: SentenceContext, doc: object, sayer: Token, branch: Token | None,
                    start: int, end: int) -> DateSpan | None:
    """A date on the saying itself ("In 1931 he warned that ..."), not one inside the words
    or the clause they are in."""
    anchors = {sayer.i}
    noun = sayer.head if sayer.dep_ == "acl" and sayer.head.lemma_.lower() in SPEECH_NOUNS \
        else sayer
    if noun is not sayer:
        anchors.add(noun.i)  # "made a speech in March 1939 saying ...": the speech's date
    if sayer.dep_ == "advcl" and sayer.tag_ == "VBG":
        anchors.add(sayer.head.i)  # "made his speech in March 1939, saying ..."
    if noun.pos_ == "NOUN" and noun.head.lemma_.lower() in UTTERING:
        anchors.add(noun.head.i)  # "the statement was made in 1928"
    inside = {t.i for t in branch.subtree} if branch is not None else set()
    inside -= {t.i for t in sayer.subtree}  # "As Stalin put it in 1930, ...": the As-clause
    sent = sayer.sent
    for d in ctx.dates_between(sent.start_char, sent.end_char):
        if start <= d.start_char < end:
            continue
        tok = next((t for t in sent if t.idx >= d.start_char), None)
        for _ in range(6):
            if tok is None or tok.i in inside:
                break
            if tok.i in anchors:
                return d
            if tok.head.i == tok.i or (tok.pos_ in ("VERB", "AUX")
                                       and not start <= tok.idx < end):
                break  # another verb's date: "planned from 1928, Lenin said ..."
            tok = tok.head
    return None


def check(claim: Claim, knowledge: Knowledge) -> Verdict:
    """The speaker against the quotation's speakers; a date against its day."""
    q = knowledge.get(claim.subject or "")
    if q is None:
        return Verdict(UNVERIFIABLE)
    names = [getattr(knowledge.get(s), "name", s) for s in q.speakers]
    said_by = " and ".join(names)
    about = [x for x in (q.occasion, _date_words(q)) if x]
    occasion = f" ({', '.join(about)})" if about else ""
    fact = f"“{q.name}” — {said_by}{occasion}"
    w_start, w_end = claim.detail["words_at"]
    s_start, s_end = claim.detail["speaker_at"]
    text = claim.text
    offset = claim.start
    words = Detail("words", text[w_start - offset:w_end - offset], w_start, w_end, AGREES,
                   q.name)
    speaker = claim.detail["speaker"]
    stated_name = text[s_start - offset:s_end - offset]
    sources = tuple(q.sources)
    if speaker not in q.speakers:
        wrong = Detail("speaker", stated_name, s_start, s_end, CONTRADICTS, said_by)
        correction = (f"These words are {_possessive(said_by)}{occasion}, not "
                      f"{_possessive(stated_name)}.")
        return Verdict(CONTRADICTED, correction, sources, fact,
                       details=tuple(sorted((wrong, words), key=lambda d: d.start)),
                       wrong="speaker")
    details = [Detail("speaker", stated_name, s_start, s_end, AGREES, said_by), words]
    d = claim.when
    if d is not None and q.date is not None and q.date.precision == "day":
        right = d.start <= q.date.start <= d.end
        if not right and not d.approximate and not d.open_start and not d.open_end:
            details.append(Detail("time", d.text, d.start_char, d.end_char, CONTRADICTS,
                                  _when(q)))
            details.sort(key=lambda x: x.start)
            return Verdict(CONTRADICTED, f"{said_by} said this {_when(q)}, not {d.text}.",
                           sources, fact, details=tuple(details), wrong="time")
        if right:
            details.append(Detail("time", d.text, d.start_char, d.end_char, AGREES, _when(q)))
    details.sort(key=lambda x: x.start)
    return Verdict(SUPPORTED, sources=sources, expected=fact, details=tuple(details))


def _date_words(q: Quotation) -> str:
    """'10 March 1939' / '1936'."""
    return format_date(q.date) if q.date else ""


def _when(q: Quotation) -> str:
    """'on 10 March 1939' / 'in 1936'."""
    if q.date is None:
        return ""
    return f"{'on' if q.date.precision == 'day' else 'in'} {_date_words(q)}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"
