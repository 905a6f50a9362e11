"""The compiled-topic cache: the same topic and the same reports with or without it, and a
cache that is missing, damaged, mismatched or unwritable only costs time."""

from __future__ import annotations

import errno
import shutil
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from marker import cache, evidence, nlp
from marker import topic as topic_module
from marker.evidence import communication
from marker.pipeline import mark_file
from marker.render import render
from marker.stopwords import ENGLISH_STOP_WORDS
from marker.topic import DEFAULT_TOPIC, check_topic, load_topic

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "topics" / "mini-topic"
SAMPLE = ROOT / "examples" / "sample_essay.txt"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's, and no topic or model kept in memory."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    _forget()
    yield folder
    _forget()


def _forget() -> None:
    """Drop what this process keeps, so the next load reads the cache (or compiles)."""
    topic_module._load_cached.cache_clear()
    evidence._MODELS.clear()
    communication._SPELLINGS.clear()


def _entries(folder: Path, kind: str) -> list[Path]:
    return sorted(folder.glob(f"{kind}-*.npz"))


def test_a_compiled_topic_is_the_same_topic(cache_dir: Path) -> None:
    cold = load_topic(DEFAULT_TOPIC)
    assert len(_entries(cache_dir, "topic")) == 1
    _forget()
    warm = load_topic(DEFAULT_TOPIC)
    assert warm == cold and warm is not cold
    assert all(warm.knowledge.get(e.id).data == e.data
               for section in ("events", "people", "figures")
               for e in cold.knowledge.by_section(section))


def test_reports_are_identical_cold_warm_and_without_a_cache(
        topic, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def reports() -> tuple[str, str]:
        report = mark_file(str(SAMPLE))
        return render(report, "json"), render(report, "html")

    cold = reports()
    assert all(_entries(cache_dir, kind) for kind in ("topic", "model", "spelling"))
    _forget()
    warm = reports()
    _forget()
    monkeypatch.setenv(cache.CACHE_ENV, "")  # turned off: compiled in memory each time
    uncached = reports()
    assert cold == warm == uncached


def test_the_model_read_from_the_cache_reads_an_essay_as_the_fitted_one(cache_dir: Path) -> None:
    topic = load_topic(MINI)
    fitted = evidence.TopicModel(topic, evidence.TopicModel.fit(topic))
    _forget()
    evidence.topic_model(topic)  # compiles and saves
    _forget()
    cached = evidence.topic_model(topic)
    texts = ["The Treaty of Rapallo was signed in 1922.", "Bananas are yellow.", ""]
    for a, b in zip(fitted.read(texts), cached.read(texts), strict=True):
        assert np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object)) \
            if isinstance(a, list) else np.array_equal(a, b)


def test_the_spelling_read_from_the_cache_is_the_built_one(topic, cache_dir: Path) -> None:
    built = communication.Spelling.build(topic)
    communication.spelling(topic)  # builds and saves
    [entry] = _entries(cache_dir, "spelling")
    _forget()
    cached = communication.spelling(topic)
    assert (cached.known, cached.always, cached.names) == (built.known, built.always,
                                                           built.names)
    assert "litvinov" in cached.names and "goverment" not in cached.known
    for word in ("goverment", "treatys", "zzzzzzz", "litvinof"):
        assert cached.near_miss(word) == built.near_miss(word)
    # An entry that verifies (its own key and digest) but does not hold what Spelling
    # wrote is built again, not half-loaded.
    info = nlp.model_info(topic)
    key = cache.entry_key("spelling", topic.sha256, info["model_package"], info["model_version"])
    assert entry.name == f"spelling-{key[:32]}.npz"
    cache.write("spelling", key, {name: np.frombuffer(b"a b", dtype=np.uint8)
                                  for name in ("known", "always", "names", "buckets")})
    _forget()
    again = communication.spelling(topic)
    assert again.known == built.known and again.near_miss("goverment")


fork_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                               reason="models are fitted ahead in a forked child on Linux only")


@fork_only
def test_a_model_fitted_ahead_by_a_child_is_the_one_fitted_here(cache_dir: Path) -> None:
    topic = load_topic(MINI)
    fitted = evidence.TopicModel.fit(topic)
    key = cache.entry_key("model", topic.sha256)
    evidence.fit_ahead(topic)
    assert key in cache._AHEAD  # a child is fitting it
    model = evidence.topic_model(topic)  # waits for the child, reads its entry
    assert key not in cache._AHEAD and _entries(cache_dir, "model")
    assert list(model.stems) == list(fitted["stems"])
    assert np.array_equal(model.components, fitted["components"])
    evidence.fit_ahead(topic)  # in memory now: nothing started
    assert key not in cache._AHEAD


@fork_only
def test_a_child_that_fails_costs_only_time(cache_dir: Path) -> None:
    def broken() -> dict[str, np.ndarray]:
        raise RuntimeError("no model today")

    cache.make_ahead("model", "k" * 64, broken)
    assert "k" * 64 in cache._AHEAD
    cache.wait("k" * 64)
    assert cache.read("model", "k" * 64) is None and not _entries(cache_dir, "model")
    cache.make_ahead("model", "k" * 64, lambda: {"x": np.arange(3)})
    cache.wait("k" * 64)
    assert list(cache.read("model", "k" * 64)["x"]) == [0, 1, 2]


def test_nothing_is_forked_while_threads_run_or_the_cache_is_off(
        cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        cache.make_ahead("model", "t" * 64, lambda: {"x": np.arange(3)})
    finally:
        stop.set()
        other.join()
    monkeypatch.setenv(cache.CACHE_ENV, "")
    cache.make_ahead("model", "u" * 64, lambda: {"x": np.arange(3)})
    assert not cache._AHEAD


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "empty", "not a zip",
                                    "another key", "pickled object"])
def test_a_damaged_entry_is_made_again_not_loaded(cache_dir: Path, damage: str) -> None:
    good = load_topic(MINI)
    [entry] = _entries(cache_dir, "topic")
    data = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "flipped byte":
        middle = len(data) // 2
        entry.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:])
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "not a zip":
        entry.write_text("{\"topic\": {}}")
    elif damage == "another key":  # a well-formed entry saved under another key
        with entry.open("wb") as fh:
            np.savez(fh, parsed=np.frombuffer(b"{}", dtype=np.uint8), _key=np.array("x" * 64),
                     _digest=np.array(cache._digest({"parsed": np.frombuffer(
                         b"{}", dtype=np.uint8)})))
    else:
        with entry.open("wb") as fh:
            np.savez(fh, parsed=np.array([object()], dtype=object))
    _forget()
    assert load_topic(MINI) == good
    assert entry.read_bytes() == data  # made again, whole


def test_an_edited_pack_is_compiled_again(cache_dir: Path, tmp_path: Path) -> None:
    pack = tmp_path / "mini-topic"
    shutil.copytree(MINI, pack)
    first = load_topic(pack)
    text = (pack / "topic.yaml").read_text(encoding="utf-8")
    (pack / "topic.yaml").write_text(text.replace(first.title, "An edited title", 1),
                                     encoding="utf-8")
    _forget()
    assert load_topic(pack).title == "An edited title"
    assert len(_entries(cache_dir, "topic")) == 2


def test_a_pack_with_problems_is_refused_and_never_saved(cache_dir: Path,
                                                         tmp_path: Path) -> None:
    pack = tmp_path / "mini-topic"
    shutil.copytree(MINI, pack)
    load_topic(pack)
    with (pack / "knowledge.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\nnot_a_section: []\n")
    _forget()
    with pytest.raises(topic_module.MarkerError):
        load_topic(pack)
    assert check_topic(pack)  # `marker topic check` still reads and checks the YAML
    assert len(_entries(cache_dir, "topic")) == 1


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    _forget()
    try:
        assert load_topic(MINI).id
    finally:
        _forget()


def test_a_full_disk_only_costs_time(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("marker.files.atomic_write_bytes", full)
    assert load_topic(MINI).id
    assert not _entries(cache_dir, "topic")


def test_a_copy_under_another_folder_name_is_checked_again(cache_dir: Path,
                                                             tmp_path: Path) -> None:
    load_topic(MINI)
    shutil.copytree(MINI, tmp_path / "renamed")
    with pytest.raises(topic_module.MarkerError, match="does not match the folder name"):
        load_topic(tmp_path / "renamed")


def test_the_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as SKLEARN

    assert ENGLISH_STOP_WORDS == SKLEARN


def test_two_processes_compiling_at_once_leave_whole_entries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two markers started together (batch -j2, serve workers) both compile and write the
    same entries; each write is a rename of a whole file, so both finish and the entries
    they leave verify."""
    import subprocess
    import sys

    from conftest import marker_env

    folder = tmp_path / "cache"
    script = ("from marker.topic import load_topic\n"
              "from marker.evidence import topic_model\n"
              f"topic_model(load_topic({str(MINI)!r}))\n")
    env = {**marker_env(), cache.CACHE_ENV: str(folder)}
    runs = [subprocess.Popen([sys.executable, "-c", script], env=env) for _ in range(2)]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporaries
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    entries = [*_entries(folder, "topic"), *_entries(folder, "model")]
    assert len(entries) == 2
    for entry in entries:
        kind = entry.name.split("-")[0]
        with np.load(entry, allow_pickle=False) as stored:
            key = str(stored["_key"])
        assert cache.read(kind, key) is not None
