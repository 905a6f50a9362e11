"""The command line: parse options, call the library, print. Nothing else lives here.

Exit codes: 0 ok; 1 could not mark (bad input, broken topic or rubric); 2 usage error;
3 some submissions of a batch failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import MarkerError

FORMATS = ("html", "json", "text")
SUFFIX = {"html": ".report.html", "json": ".report.json", "text": ".report.txt"}


class MarkerGroup(click.Group):
    """Turns MarkerError into a one-line message and its exit code — never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except MarkerError as exc:
            click.echo(f"marker: {exc.message}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("marker: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=MarkerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="marker")
def main() -> None:
    """marker: offline, explainable feedback and marks for history essays."""


@main.command()
@click.argument("essay", type=str)
@click.option("-o", "--output", "output", type=str, default=None,
              help="Where to write the report; '-' for stdout. Default: next to the essay.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="html",
              show_default=True, help="Report format.")
@click.option("--topic", type=str, default=None,
              help="Topic pack: a shipped topic id or a folder path.")
@click.option("--rubric", type=str, default=None, help="Rubric: a shipped name or a YAML path.")
@click.option("--force", is_flag=True, help="Mark even if the text does not look like English.")
def mark(essay: str, output: str | None, fmt: str, topic: str | None, rubric: str | None,
         force: bool) -> None:
    """Mark one ESSAY (.txt .md .docx .pdf .odt .rtf .html, or - for stdin)."""
    from .pipeline import mark_file
    from .render import render

    target = _output_path(essay, output, fmt)
    report = mark_file(essay, topic=topic, force=force, rubric=rubric)
    content = render(report, fmt)
    _write(target, content)
    if target is not None:
        click.echo(f"wrote {target}", err=True)


@main.command()
@click.argument("draft", type=str)
@click.option("-o", "--output", "output", type=str, default=None,
              help="Where to write the HTML report. Default: next to the draft.")
@click.option("--no-mark", is_flag=True, help="Show band words instead of marks.")
@click.option("--open", "open_report", is_flag=True, help="Open the report in a browser.")
@click.option("--topic", type=str, default=None,
              help="Topic pack: a shipped topic id or a folder path.")
@click.option("--rubric", type=str, default=None, help="Rubric: a shipped name or a YAML path.")
@click.option("--force", is_flag=True, help="Check even if the text does not look like English.")
def check(draft: str, output: str | None, no_mark: bool, open_report: bool, topic: str | None,
          rubric: str | None, force: bool) -> None:
    """Check a student's DRAFT: a short summary here, the full report as HTML."""
    from .pipeline import mark_file
    from .render import render_html, render_summary

    if output == "-":
        raise MarkerError("-o -: the summary goes to the terminal; give a file for the report",
                          exit_code=2)
    target = _output_path(draft, output, "html")
    data = mark_file(draft, topic=topic, force=force, rubric=rubric).to_dict()
    _write(target, render_html(data, show_mark=not no_mark))
    click.echo(render_summary(data, show_mark=not no_mark), nl=False)
    if target is not None:
        click.echo(f"full report: {target}", err=True)
        if open_report:
            click.launch(str(target))


@main.group()
def topic() -> None:
    """Topic packs: reference knowledge, key content and model answer."""


@topic.command("check")
@click.argument("path", type=str, required=False)
def topic_check(path: str | None) -> None:
    """Validate a topic pack (default: every shipped topic)."""
    from .topic import check_topic, list_topics, topics_root

    paths = [path] if path else [str(topics_root() / t) for t in list_topics()]
    problems = [p for each in paths for p in check_topic(each)]
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo(f"ok: {', '.join(paths)}")


def _output_path(essay: str, output: str | None, fmt: str) -> Path | None:
    """Where the report goes; None means stdout. Never the input file itself."""
    if output == "-" or (output is None and essay == "-"):
        return None
    essay_path = Path(essay)
    target = Path(output) if output else essay_path.with_name(essay_path.stem + SUFFIX[fmt])
    if essay != "-" and essay_path.exists() and target.exists() \
            and target.resolve() == essay_path.resolve():
        raise MarkerError(f"{target}: refusing to overwrite the essay with its report")
    if target.is_dir():
        raise MarkerError(f"{target}: is a directory; give a file name for the report")
    return target


def _write(target: Path | None, content: str) -> None:
    """Write atomically (temp file + rename) so a failure never leaves half a report."""
    if target is None:
        # Reports are UTF-8 whatever the locale (LC_ALL=C, Windows consoles), as files are.
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        if out is None:
            sys.stdout.write(content)
        else:
            out.write(content.encode("utf-8"))
        (out or sys.stdout).flush()
        return
    from .files import atomic_write_text

    try:
        atomic_write_text(target, content)
    except OSError as exc:
        raise MarkerError(f"{target}: cannot write the report ({exc.strerror or exc})") from exc


if __name__ == "__main__":  # pragma: no cover
    main()
