"""Imports run one way (a picture of them shows floors, not circles), and marking one
plain-text essay imports no library it does not use."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from conftest import marker_env

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "marker"

# No module reaches back to one that imports it: any circle fails this test.
KNOWN_CIRCLES: list[list[str]] = []


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the marker modules it imports anywhere: at the top, inside functions and
    under TYPE_CHECKING alike (a type-only import is still a dependency)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


def test_no_module_imports_one_that_imports_it() -> None:
    graph = import_graph()
    assert "marker.calibration" in graph["marker.pipeline"]  # the graph sees type imports
    assert circles(graph) == KNOWN_CIRCLES


# PyYAML is not here: the rubric is read from its YAML on every run (a few milliseconds).
HEAVY = ("sklearn", "scipy", "dask", "distributed", "docx", "pypdf", "odfdo", "starlette",
         "uvicorn")


_REPORTED = (*HEAVY, "css_inline", "jinja2")
_PRINT = ("print(json.dumps(sorted({m.partition('.')[0] for m in sys.modules} & set("
          f"{_REPORTED!r}))))\n")


def _imported_while_marking(tmp_path: Path, fmt: str) -> set[str]:
    """The libraries of ``_REPORTED`` a ``marker mark`` process had imported at its end."""
    script = (
        "import json, sys\n"
        "from marker.cli import main\n"
        "try:\n"
        f"    main(['mark', sys.argv[1], '-o', sys.argv[2], '-f', '{fmt}'])\n"
        "except SystemExit:\n"
        "    pass\n" + _PRINT
    )
    out = tmp_path / f"report.{fmt}"
    done = subprocess.run([sys.executable, "-c", script, str(ROOT / "examples/sample_essay.txt"),
                           str(out)], env=marker_env(), capture_output=True, text=True,
                          timeout=300, check=True)
    assert out.stat().st_size > 0
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _imported_by_spacy() -> set[str]:
    """The same for a bare process that loads the model and parses a sentence."""
    script = ("import json, sys, spacy\n"
              "from marker.nlp import model_name\n"
              "spacy.load(model_name())('The war began in 1939.')\n" + _PRINT)
    done = subprocess.run([sys.executable, "-c", script], env=marker_env(), capture_output=True,
                          text=True, timeout=300, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_text_essay_imports_only_what_its_report_needs(tmp_path: Path) -> None:
    _imported_while_marking(tmp_path, "json")  # compiles the topic into the cache
    spacy_own = _imported_by_spacy()  # spaCy's command-line helpers import Jinja2
    assert _imported_while_marking(tmp_path, "html") - spacy_own == {"css_inline"} - spacy_own
    assert _imported_while_marking(tmp_path, "json") - spacy_own == set()
