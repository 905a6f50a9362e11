"""Rendering a report dict as HTML (Jinja2, autoescaped, StrictUndefined), text or JSON.

Renderers only read ``Report.to_dict()``: the formats can never disagree.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from .report import Report, dumps


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("marker", "templates"),
        # HTML templates are always escaped: essay text can contain <script>.
        autoescape=lambda name: name is None or ".html" in name,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(report: Report, fmt: str) -> str:
    """The report in ``fmt``: html, json or text."""
    data = report.to_dict()
    if fmt == "json":
        return dumps(data)
    if fmt == "text":
        return render_text(data)
    return render_html(data)


def render_html(data: dict[str, Any]) -> str:
    return _env().get_template("report.html.j2").render(r=data, paras=annotate(data))


def render_text(data: dict[str, Any]) -> str:
    return _env().get_template("report.txt.j2").render(r=data)


def annotate(data: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Split each paragraph into plain and marked segments (entities, claims).

    Claims take precedence over entities where they overlap; the template escapes every
    segment, so essay text can never become markup.
    """
    text = data["text"]
    marks: list[tuple[int, int, dict[str, Any]]] = []
    claimed = [(c["start"], c["end"]) for c in data["claims"]]
    for c in data["claims"]:
        marks.append((c["start"], c["end"], {"kind": "claim", "claim": c}))
    for e in data["entities"]:
        if any(s < e["end"] and e["start"] < t for s, t in claimed):
            continue
        marks.append((e["start"], e["end"], {"kind": "entity", "entity": e}))
    marks.sort(key=lambda m: (m[0], -m[1]))
    paras = []
    for p in data["paragraphs"]:
        segs: list[dict[str, Any]] = []
        pos = p["start"]
        for s, t, info in marks:
            if s < pos or s >= p["end"] or t > p["end"]:
                continue
            if s > pos:
                segs.append({"kind": "text", "text": text[pos:s]})
            segs.append({**info, "text": text[s:t]})
            pos = t
        if pos < p["end"]:
            segs.append({"kind": "text", "text": text[pos:p["end"]]})
        paras.append(segs)
    return paras
