"""The model's rule components run as lookups give the Docs the model itself gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
from spacy.pipeline import AttributeRuler

from marker import nlp
from marker.lookup import IndexedAttributeRuler, IndexedLemmatizer, use_lookups

ESSAYS = sorted((Path(__file__).parent / "data" / "essays").glob("*.txt"))[:6]
# Words the model's own rules single out: contractions and colloquial pairs, "there" as an
# expletive, whitespace of several kinds, curly apostrophes, and an empty text.
ODD = [
    "",
    "   ",
    "I ain't going, and we're gonna stay; y'all know it. Let's go, c'mon!",
    "There were two pacts and there's a third. Nothin' was signed.",
    "Tabs\tand  double  spaces,\n\nand a new paragraph. It’s Stalin’s.",
    "She doesn't, he'd, they'll, I'm, you've, can't.",
]


@pytest.fixture(scope="module")
def pipelines() -> tuple[spacy.Language, spacy.Language]:
    stock = spacy.load(nlp.model_name())
    fast = spacy.load(nlp.model_name())
    use_lookups(fast)
    return stock, fast


def _texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in ESSAYS] + ODD


def test_components_swapped_in_place(pipelines):
    stock, fast = pipelines
    assert fast.pipe_names == stock.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), IndexedAttributeRuler)
    assert isinstance(fast.get_pipe("lemmatizer"), IndexedLemmatizer)
    use_lookups(fast)  # a second call changes nothing
    assert isinstance(fast.get_pipe("attribute_ruler"), IndexedAttributeRuler)


def test_same_annotations_as_the_model(pipelines):
    stock, fast = pipelines
    texts = _texts()
    for _ in range(2):  # the second pass answers from what the first remembered
        for a, b in zip(stock.pipe(texts), fast.pipe(texts), strict=True):
            columns = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
            assert a.to_array(columns).tolist() == b.to_array(columns).tolist()
            assert [str(t.morph) for t in a] == [str(t.morph) for t in b]
            assert [t.lemma_ for t in a] == [t.lemma_ for t in b]
            assert [(e.start, e.end, e.label_) for e in a.ents] == [
                (e.start, e.end, e.label_) for e in b.ents]


def test_same_matches_as_the_ruler(pipelines):
    stock, _ = pipelines
    ruler = stock.get_pipe("attribute_ruler")
    indexed = IndexedAttributeRuler()
    indexed.take(ruler)
    with stock.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        for doc in stock.pipe(_texts()):
            assert indexed.match(doc) == ruler.match(doc)


def test_any_pattern_shape_matches_as_spacys_matcher(pipelines):
    """Membership, exclusion, a regular expression, a flag, a longer pattern with a negative
    index, and an operator (left to a Matcher) all match where spaCy's ruler matches."""
    stock, _ = pipelines
    ruler = AttributeRuler(stock.vocab)
    ruler.add([[{"LOWER": {"IN": ["pact", "treaty"]}}]], {"LEMMA": "agreement"})
    ruler.add([[{"TAG": "NNP", "LOWER": {"NOT_IN": ["stalin"]}}]], {"POS": "PROPN"})
    ruler.add([[{"LOWER": {"REGEX": "^19[0-9]{2}$"}}]], {"LEMMA": "year"})
    ruler.add([[{"IS_SPACE": True}]], {"TAG": "_SP"})
    ruler.add([[{"LOWER": "the"}, {"TAG": "NNP"}, {"LOWER": "pact"}]], {"LEMMA": "x"},
              index=-1)
    ruler.add([[{"TAG": "JJ", "OP": "+"}, {"TAG": "NN"}]], {"LEMMA": "y"})
    ruler.add([[{"LOWER": "pact"}]], {"LEMMA": "pact"})  # a later rule takes precedence
    indexed = IndexedAttributeRuler()
    indexed.take(ruler)
    assert len(indexed._rest) == 1  # only the operator's pattern is left to a Matcher
    text = ("In 1939 the Soviet pact  surprised the old, cautious, weary Western powers; "
            "Stalin signed the Nazi-Soviet Pact and a treaty in 1940.")
    with stock.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        doc = stock(text)
    assert indexed.match(doc) == ruler.match(doc)
    assert indexed.match(doc)  # the patterns do match here
    ours, theirs = doc.copy(), doc.copy()
    indexed(ours)
    ruler(theirs)
    assert ours.to_array([TAG, POS, LEMMA]).tolist() == theirs.to_array(
        [TAG, POS, LEMMA]).tolist()


def test_a_pipeline_without_them_is_left_alone():
    blank = spacy.blank("en")
    use_lookups(blank)
    assert blank.pipe_names == []


def test_marker_pipelines_use_them(topic):
    assert isinstance(nlp.topic_pipeline(topic).get_pipe("attribute_ruler"),
                      IndexedAttributeRuler)


def test_lemma_tables_still_readable(pipelines):
    stock, fast = pipelines
    assert fast.get_pipe("lemmatizer").lookups.tables == stock.get_pipe("lemmatizer").lookups.tables
