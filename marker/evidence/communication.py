"""Communication: paragraphing, sentence control, spelling and slips, and length.

Slips are what a teacher marks in the margin besides spelling: names and sentences without
their capital, contractions without their apostrophe, words of speech ("loads"). Spelling
and slips per 100 words hold the score in the band a teacher would give: occasional slips
are not "accurate" writing, frequent ones get in the way of meaning.

Spelling is checked against the English word list (WordNet lemmas) that ships in the
spaCy model's lemmatizer tables, plus the topic's own material; names are never checked
(capitalised words and anything the knowledge names), so a misspelling is only reported
for lower-case words that neither the word list nor the topic knows. The length is
measured against the topic's expected words; it informs only this family, never a
content mark.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import Essay, Evidence, Span, agree, clip, plural, short, topic_material

if TYPE_CHECKING:
    from ..topic import Topic

NAME = "communication"
_LONG = 45  # words: a sentence this long is hard to control
_SHORT = 4  # words: shorter is a fragment unless it is a rhetorical question
_PARAGRAPH_MAX = 300  # words in one paragraph before it stops being a paragraph
_THIN_SENTENCES = 3  # fewer sentences than this: a point stated but not developed
_PARTS = {"paragraphing": 0.4, "sentences": 0.3, "spelling": 0.3}
_SPELLING_ZERO = 2.0  # misspellings per 100 words that take the spelling score to 0


def measure(essay: Essay) -> Evidence:
    body = essay.body
    words = max(essay.words, 1)
    low, high = essay.topic.expected_words

    para_words = [p.words for p in body]
    overlong = [p for p in body if p.words > _PARAGRAPH_MAX]
    expected_paragraphs = max(3, min(8, words // 150))
    # A paragraph of one or two sentences makes a point without explaining or supporting it:
    # an essay written in them is a list of statements, not paragraphed argument.
    thin = [p for p in body if len(p.sentences) < _THIN_SENTENCES] if len(body) > 1 else []
    paragraphing = clip(min(len(body), expected_paragraphs) / expected_paragraphs
                        - 0.5 * len(overlong) / max(len(body), 1)
                        - len(thin) / max(len(body), 1))

    long_s, short_s, fragments = [], [], []
    sentences = [s for _, s in essay.sentences()]
    for sent in sentences:
        n = sum(1 for t in sent if not t.is_punct and not t.is_space)
        if n > _LONG:
            long_s.append(sent)
        elif n < _SHORT:
            # Initials and abbreviations ("E. H.") split by the parser are not sentences.
            real = sum(1 for t in sent if t.is_alpha and len(t.text) > 2)
            if real >= 2 and _ends_sentence(sent) and not sent.text.strip().endswith("?"):
                short_s.append(sent)
        elif n >= _SHORT and _verbless(sent) and _ends_sentence(sent):
            fragments.append(sent)
    faulty = len(long_s) + len(short_s) + len(fragments)
    sentence_score = clip(1 - 2.5 * faulty / max(len(sentences), 1))

    misspelt = _misspellings(essay)
    slips = _slips(essay)
    per_100 = (len(misspelt) + len(slips)) / words * 100
    spelling = clip(1 - per_100 / _SPELLING_ZERO)

    length = 1.0 if low <= words <= high else (words / low if words < low else high / words)
    craft = sum(_PARTS[k] * v for k, v in
                (("paragraphing", paragraphing), ("sentences", sentence_score),
                 ("spelling", spelling)))
    score = clip(craft * clip(length))
    # The bands a teacher reads: "spelling is accurate" (5), "occasional errors" (3-4),
    # "frequent errors" (1-2). Slips this frequent hold the score in the band they describe.
    for rate, ceiling in _SLIP_BANDS:
        if per_100 >= rate:
            score = min(score, ceiling)
            break
    frequent = per_100 >= _SLIP_BANDS[0][0]
    details: dict[str, Any] = {
        "signals": [{"signal": "frequent_slips", "evidence": (
            f"{per_100:.1f} slips of spelling, capitals or apostrophes per 100 words")}]
        if frequent else [],
        "paragraphs": len(body), "paragraph_words": para_words, "thin_paragraphs": len(thin),
        "sentences": len(sentences), "long_sentences": len(long_s),
        "very_short_sentences": len(short_s), "fragments": len(fragments),
        "misspellings": [t for _, _, t in misspelt],
        "slips": [{"text": t, "kind": k} for _, _, t, k in slips],
        "slips_per_100_words": round(per_100, 2),
        "spelling_checked": "lower-case words against the WordNet word list in the spaCy "
                            "model's lemmatizer tables and the topic's material; a word is "
                            "reported only when it is one slip from a listed word; names "
                            "are not checked",
        "words": essay.words, "expected_words": {"min": low, "max": high},
        "parts": {"paragraphing": round(paragraphing, 3), "sentences": round(sentence_score, 3),
                  "spelling": round(spelling, 3), "length": round(length, 3)},
    }
    spans = [Span(s.start_char, s.end_char, f"long sentence ({len(s)} tokens)") for s in long_s]
    spans += [Span(s.start_char, s.end_char, "fragment: no verb") for s in fragments]
    spans += [Span(s, e, f"spelling: '{t}' is not in the word list") for s, e, t in misspelt]
    spans += [Span(s, e, f"{k}: '{t}'") for s, e, t, k in slips]
    spans.sort(key=lambda s: (s.start, s.end))

    reasons = [f"{plural(len(body), 'paragraph')} for {essay.words} words"
               + (f"; paragraph {overlong[0].number} runs to {overlong[0].words} words"
                  if overlong else "")
               + (f"; {len(thin)} {agree(len(thin), 'has', 'have')} only one or two "
                  f"sentences (e.g. paragraph {thin[0].number}, '{short(thin[0].text, 40)}')."
                  if len(thin) * 2 >= len(body) else ".")]
    if faulty:
        reasons.append(f"{faulty} of {plural(len(sentences), 'sentence')} "
                       f"{agree(faulty, 'is', 'are')} hard to follow: "
                       f"{len(long_s)} over {_LONG} words, {len(fragments)} without a verb, "
                       f"{len(short_s)} very short.")
    else:
        reasons.append(f"All {plural(len(sentences), 'sentence')} are controlled: none over "
                       f"{_LONG} words and none without a verb.")
    unique = list(dict.fromkeys(t for _, _, t in misspelt))
    if misspelt:
        reasons.append(f"{plural(len(misspelt), 'possible misspelling')}: "
                       + ", ".join(f"'{t}'" for t in unique[:4]) + ".")
    if slips:
        kinds = list(dict.fromkeys(k for *_, k in slips))
        examples = list(dict.fromkeys(t for _, _, t, _ in slips))[:4]
        reasons.insert(0 if per_100 >= _SLIP_BANDS[-1][0] else len(reasons),
                       f"{plural(len(slips), 'slip')} of writing ({', '.join(kinds)}; "
                       f"{per_100:.1f} slips per 100 words with spelling), e.g. "
                       + ", ".join(f"'{t}'" for t in examples) + ".")
    if words < low:
        reasons.append(f"At {essay.words} words it is shorter than the {low}-{high} words "
                       "the task expects.")
    elif words > high:
        reasons.append(f"At {essay.words} words it is longer than the {low}-{high} expected.")

    steps = []
    if overlong or (len(body) < 3 and essay.words >= _PARAGRAPH_MAX):
        target = overlong[0] if overlong else (body[0] if body else None)
        if target is not None:
            steps.append(f"Split paragraph {target.number} ('{short(target.text, 40)}', "
                         f"{target.words} words) into paragraphs that each make one point.")
    elif thin and len(thin) * 2 >= len(body):
        steps.append("Join one- and two-sentence paragraphs into paragraphs that each make a "
                     "point, explain it and support it with evidence.")
    if long_s:
        steps.append(f"Break up the sentence '{short(long_s[0].text, 60)}' "
                     f"({len(long_s[0])} tokens) into two or three.")
    elif fragments:
        steps.append(f"Make '{short(fragments[0].text, 50)}' a full sentence with a verb.")
    if misspelt:
        steps.append("Check the spelling of " + ", ".join(f"'{t}'" for t in unique[:3]) + ".")
    if slips:
        steps.append(_SLIP_STEPS[slips[0][3]])
    if words < low:
        steps.append(f"Develop your points to reach at least {low} words: explain the evidence "
                     "you mention rather than listing it.")
    summary = (f"{len(body)} paragraphs, {faulty} faulty sentences, "
               f"{len(misspelt)} possible misspellings, {essay.words} words")
    return Evidence(NAME, round(score, 3), summary, details, tuple(spans), tuple(reasons),
                    tuple(steps[:3]))


# (slips and misspellings per 100 words, the most the score can then be): frequent slips
# are the 1-2 band, occasional ones the 3-4 band. Frequent slips also raise the
# `frequent_slips` signal, which a rubric cap can hold a criterion to (analytic-25: 2/5).
_SLIP_BANDS = ((1.0, 0.45), (0.5, 0.85))
# Contractions written without their apostrophe ("wouldnt"); not "wont", "cant", "its",
# "lets", "were", which are words of their own.
_BARE_CONTRACTIONS = frozenset(
    "dont doesnt didnt wouldnt couldnt shouldnt isnt wasnt werent hasnt havent hadnt arent "
    "thats theyre youre theres wouldve couldve shouldve".split())
# A contraction's apostrophe in the wrong place ("did'nt" for "didn't").
_MISPLACED = re.compile(r"[a-z]+'nt", re.I)
# Words of speech, not of an essay.
_INFORMAL = frozenset("loads alot stuff gonna wanna kinda sorta".split())
_SLIP_STEPS = {
    "no capital": "Give names, places and the first word of each sentence their capital "
                  "letters ('Stalin', 'Germany').",
    "no apostrophe": "Write contractions with their apostrophe ('didn't'), or better, in "
                     "full ('did not').",
    "misplaced apostrophe": "The apostrophe stands where letters are left out: 'didn't', "
                            "not 'did'nt' (or better, in full: 'did not').",
    "informal": "Use the words of an essay, not of speech ('a great deal of', not 'loads').",
}


def _slips(essay: Essay) -> list[tuple[int, int, str, str]]:
    """Slips a teacher marks in the margin: a name or a sentence without its capital, a
    contraction without its apostrophe, a word of speech. (start, end, text, kind)."""
    out = []
    words = spelling(essay.topic)
    always, names = words.always, words.names
    for ent in essay.ents:
        if not ent.text.islower():
            continue
        if (ent.kb_id_ and ent.label_ in ("PERSON", "GPE")) or (
                ent.label_ == "NORP" and all(t.lower_ in always for t in ent)):
            out.append((ent.start_char, ent.end_char, ent.text, "no capital"))
    flagged = {start for start, *_ in out}
    doc = essay.doc
    candidates = _slip_candidates(doc, names)
    for _, sent in essay.sentences():
        first = next((t for t in sent if t.is_alpha), None)
        if first is not None and first.text[0].islower() and first.i > 0 \
                and doc[first.i - 1].text in (".", "!", "?"):
            out.append((first.idx, first.idx + len(first.text), first.text, "no capital"))
        lo, hi = (bisect.bisect_left(candidates, i) for i in (sent.start, sent.end))
        for i in candidates[lo:hi]:
            tok, prev = doc[i], doc[i - 1] if i > 0 else None
            low = tok.lower_
            if tok.text.islower() and low in names and tok != first and tok.idx not in flagged:
                # "the bolsheviks", "british", "the league": a name the topic always writes
                # with its capital
                out.append((tok.idx, tok.idx + len(tok.text), tok.text, "no capital"))
            elif _MISPLACED.fullmatch(tok.text):
                out.append((tok.idx, tok.idx + len(tok.text), tok.text, "misplaced apostrophe"))
            elif prev is not None and prev.idx + len(prev) == tok.idx and prev.is_alpha \
                    and tok.is_alpha and prev.lower_ + low in _BARE_CONTRACTIONS:
                # the tokenizer splits "didnt" into "did" + "nt"
                out.append((prev.idx, tok.idx + len(tok), prev.text + tok.text, "no apostrophe"))
            elif tok.text == "i" and tok.pos_ == "PRON":
                out.append((tok.idx, tok.idx + 1, tok.text, "no capital"))
            elif low in _BARE_CONTRACTIONS:
                out.append((tok.idx, tok.idx + len(tok.text), tok.text, "no apostrophe"))
            elif low in _INFORMAL:
                out.append((tok.idx, tok.idx + len(tok.text), tok.text, "informal"))
    return sorted(set(out))


# A word that can be a slip, or the second half of a contraction the tokenizer split.
_SLIP_WORDS = _BARE_CONTRACTIONS | _INFORMAL | {"i"} | {
    word[k:] for word in _BARE_CONTRACTIONS for k in range(1, len(word))}


def _slip_candidates(doc: Any, names: frozenset[str]) -> list[int]:
    """The tokens :func:`_slips` must look at, in order."""
    from spacy.attrs import LOWER

    return _tokens_whose(doc, LOWER, lambda w: w in _SLIP_WORDS or w in names
                         or _MISPLACED.fullmatch(w) is not None)


def _tokens_whose(doc: Any, attr: int, keep: Callable[[str], bool]) -> list[int]:
    """Indexes of the tokens whose ``attr`` string (ORTH, LOWER) ``keep`` accepts, in order:
    each distinct word of the essay is judged once (a Token object for every word cost
    more than the checks themselves)."""
    import numpy as np

    column = doc.to_array(attr)
    strings = doc.vocab.strings
    wanted = [v for v in np.unique(column).tolist() if keep(strings[v])]
    return np.flatnonzero(np.isin(column, np.array(wanted, dtype=column.dtype))).tolist()


def _ends_sentence(sent: Any) -> bool:
    """spaCy also splits at colons and inside titles; only a full stop ends a fragment."""
    text = sent.text.strip()
    return text[-1:] in ".!?" and not text[:1].islower()


def _verbless(sent: Any) -> bool:
    """No verb and no subject-predicate root: a fragment (tagging slips are given the benefit)."""
    if any(t.pos_ in ("VERB", "AUX") for t in sent):
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in sent.root.children)


def _misspellings(essay: Essay) -> list[tuple[int, int, str]]:
    """Lower-case words the word list and the topic do not know but that are one slip away
    from a word the list does know; names and unfamiliar terms ("kulaks") are never flagged."""
    from spacy.attrs import ORTH

    words = spelling(essay.topic)
    known = words.known
    doc = essay.doc
    # most words are known: the other checks cost more
    candidates = _tokens_whose(doc, ORTH, lambda text: len(text) >= 3 and text.islower()
                               and text.replace("’", "'") not in known)
    out = []
    for _, sent in essay.sentences():
        lo, hi = (bisect.bisect_left(candidates, i) for i in (sent.start, sent.end))
        for tok in (doc[i] for i in candidates[lo:hi]):
            text = tok.text
            word = text.replace("’", "'")  # lower case already
            if not tok.is_alpha or tok.is_stop or tok.ent_type_ or tok.pos_ in ("PROPN", "NUM"):
                continue
            if tok.lemma_.lower() in known or _inflected(word, known):
                continue
            if words.near_miss(word):
                out.append((tok.idx, tok.idx + len(tok.text), tok.text))
    return out


_NEAR_KEPT = 1 << 16  # words whose near-miss answer is remembered
_NEAR = 0.8  # difflib ratio: "goverment"/"government" 0.95, "kulaks"/"kulak"-less list none

_ENDINGS = (("ies", "y"), ("ied", "y"), ("ier", "y"), ("iest", "y"), ("ily", "y"), ("es", ""),
            ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""),
            ("er", ""), ("est", ""), ("ness", ""), ("ment", ""), ("al", ""), ("ally", ""),
            ("ism", ""), ("ist", ""), ("ists", ""), ("ise", ""), ("ize", ""), ("ised", ""),
            ("ized", ""), ("ity", ""), ("ic", ""), ("ian", ""), ("ians", ""), ("ive", ""),
            ("ation", "e"), ("ation", ""), ("ations", ""), ("ful", ""), ("less", ""))


def _inflected(word: str, known: frozenset[str]) -> bool:
    """A regular inflection or derivation of a known word (doubled consonants allowed)."""
    for ending, repl in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            base = word[: -len(ending)] + repl
            if base in known or (len(base) > 3 and base[-1] == base[-2] and base[:-1] in known):
                return True
    if "-" in word:
        return all(part in known or _inflected(part, known) for part in word.split("-") if part)
    return False


class Spelling:
    """What the spelling and capital checks know for one topic and model.

    ``known``: the English word list (WordNet lemmas and irregular forms from the spaCy
    model's lemmatizer tables) plus every word of the topic's material and knowledge names.
    ``always``: words the topic's material writes only with a capital (twice or more, not
    just at a sentence's start), in lower case ("british", "soviet", "council"); ``names``:
    those of them that are names only, not English words or their inflections ("litvinov",
    "comintern"). Written in lower case in an essay a name is a slip of capitals; a word
    like "british" is one only where the parser reads it as a nationality.

    Building this takes a tenth of a second, longer than most of the marking, and depends
    only on the topic and the model: it is kept in the compiled cache as text.
    """

    def __init__(self, known: frozenset[str], always: frozenset[str], names: frozenset[str],
                 buckets: dict[str, str]) -> None:
        self.known, self.always, self.names = known, always, names
        self._buckets = buckets  # "a\t7" -> the list's 7-letter words in a, space-separated
        self._near: dict[str, bool] = {}

    def near_miss(self, word: str) -> bool:
        """A known word of about the same length is this close: a slip, not an unknown term
        (remembered: difflib is slow, and a class repeats its words)."""
        found = self._near.get(word)
        if found is None:
            import difflib

            candidates = [c for n in (len(word) - 1, len(word), len(word) + 1)
                          for c in self._buckets.get(f"{word[0]}\t{n}", "").split()]
            if len(self._near) >= _NEAR_KEPT:  # a long-running server: memory stays bounded
                self._near.clear()
            found = self._near[word] = bool(
                difflib.get_close_matches(word, candidates, n=1, cutoff=_NEAR))
        return found

    @classmethod
    def build(cls, topic: Topic) -> Spelling:
        english = _word_list()
        texts = topic_material(topic) + [name for name, *_ in topic.knowledge.all_names()]
        extra: set[str] = set()
        capital: dict[str, int] = {}
        lower: set[str] = set()
        for text in texts:
            for match in _WORDS.finditer(text):
                word = match[2]
                extra.add(word.lower())
                if word.islower():
                    lower.add(word)
                elif word[0].isupper() and word[1:].islower() and match[1] is None \
                        and match.start(2) > 0:
                    capital[word.lower()] = capital.get(word.lower(), 0) + 1
        always = frozenset(w for w, n in capital.items()
                           if n >= 2 and w not in lower and len(w) > 2 and "'" not in w)
        names = frozenset(w for w in always if w not in english and not _inflected(w, english))
        groups: dict[str, list[str]] = {}
        for word in sorted(english):
            if word.isalpha():
                groups.setdefault(f"{word[0]}\t{len(word)}", []).append(word)
        return cls(english | frozenset(extra), always, names,
                   {key: " ".join(words) for key, words in groups.items()})

    _LISTS = ("known", "always", "names")

    def to_arrays(self) -> dict[str, Any]:
        import numpy as np

        def text(value: str) -> Any:
            return np.frombuffer(value.encode("utf-8"), dtype=np.uint8)

        arrays = {name: text("\n".join(sorted(getattr(self, name)))) for name in self._LISTS}
        arrays["buckets"] = text("\n".join(f"{k}\t{v}" for k, v in sorted(self._buckets.items())))
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, Any]) -> Spelling:
        """Raises KeyError or ValueError (not UTF-8, a bucket line without its fields) when
        the arrays are not what :meth:`to_arrays` wrote."""
        lists = [frozenset(arrays[name].tobytes().decode("utf-8").split("\n"))
                 for name in cls._LISTS]
        buckets = {}
        for line in arrays["buckets"].tobytes().decode("utf-8").split("\n"):
            letter, length, words = line.split("\t")
            buckets[f"{letter}\t{length}"] = words
        return cls(*lists, buckets)


_WORDS = re.compile(r"(^|[.;:!?]\s+|\n)?([A-Za-z][A-Za-z'-]*)")
_SPELLINGS: dict[str, Spelling] = {}


def spelling(topic: Topic) -> Spelling:
    """The topic's spelling knowledge, once per process: from the compiled cache (keyed by
    the topic, the model and its version), or built and saved there."""
    found = _SPELLINGS.get(topic.sha256)
    if found is None:
        from .. import cache, nlp

        info = nlp.model_info(topic)
        key = cache.entry_key("spelling", topic.sha256, info["model_package"],
                              info["model_version"])
        arrays = cache.read("spelling", key)
        if arrays is not None:
            with contextlib.suppress(KeyError, ValueError, UnicodeDecodeError):
                found = Spelling.from_arrays(arrays)
        if found is None:
            found = Spelling.build(topic)
            cache.write("spelling", key, found.to_arrays())
        _SPELLINGS[topic.sha256] = found
    return found


@functools.lru_cache(maxsize=4)
def _word_list() -> frozenset[str]:
    """WordNet lemmas and irregular forms from the spaCy model's lemmatizer tables."""
    from .. import nlp

    lemmatizer = nlp.loaded_pipeline().get_pipe("lemmatizer")
    words: set[str] = set()
    for table_name in ("lemma_index", "lemma_exc"):
        if not lemmatizer.lookups.has_table(table_name):
            continue
        table = lemmatizer.lookups.get_table(table_name)
        for pos in table:
            entries = table[pos]
            if isinstance(entries, dict):
                for form, lemmas in entries.items():
                    words.add(form.lower())
                    words.update(x.lower() for x in lemmas)
            else:
                words.update(x.lower() for x in entries)
    return frozenset(words)
