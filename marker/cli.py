"""The command line: parse options, call the library, print. Nothing else lives here.

Exit codes: 0 ok; 1 could not mark (bad input, broken topic or rubric); 2 usage error;
3 some submissions of a batch failed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
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


_written: list[Path | None] = []
"""Reports ``mark`` / ``check`` have written and flushed: what ``entry`` may end early after."""


def entry() -> None:
    """The ``marker`` command (``python -m marker`` too).

    Once ``mark`` or ``check`` has written its report and succeeded, nothing is left to
    do but free memory: the interpreter would tear down the spaCy pipeline, the topic and
    their caches one object at a time, which takes a fifth of a second (as long as the
    essay's analysis) while the user waits. The process then ends at once, its output
    flushed. Every other command, and any failure, ends the ordinary way.
    """
    try:
        main(prog_name="marker")
    except SystemExit as exc:
        if exc.code in (0, None) and _written:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except (OSError, ValueError):  # a closed or broken pipe: end the ordinary way
                raise exc from None
            os._exit(0)
        raise


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
@click.option("--calibration", type=str, default=None,
              help="A calibration file made by 'marker calibrate'.")
@click.option("--force", is_flag=True, help="Mark even if the text does not look like English.")
def mark(essay: str, output: str | None, fmt: str, topic: str | None, rubric: str | None,
         calibration: str | None, force: bool) -> None:
    """Mark one ESSAY (.txt .md .docx .pdf .odt .rtf .html, or - for stdin)."""
    from .calibration import load_calibration
    from .pipeline import mark_file
    from .render import render

    target = _output_path(essay, output, fmt)
    cal = load_calibration(calibration) if calibration else None
    report = mark_file(essay, topic=topic, force=force, rubric=rubric, calibration=cal)
    content = render(report, fmt)
    _write(target, content)
    if target is not None:
        click.echo(f"wrote {target}", err=True)
    _written.append(target)


@main.command()
@click.argument("source", metavar="INPUT", type=str)
@click.option("-o", "--output", "outdir", type=str, required=True,
              help="Folder for the reports, summary.html, CSVs and manifest.json.")
@click.option("--topic", type=str, default=None,
              help="Topic pack: a shipped topic id or a folder path.")
@click.option("--rubric", type=str, default=None, help="Rubric: a shipped name or a YAML path.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="spaCy processes.  [default: the number of cores]")
@click.option("-q", "--quiet", is_flag=True, help="No progress line.")
@click.option("--force", is_flag=True,
              help="Re-mark every student, even unchanged ones, and mark text that does not "
                   "look like English.")
@click.option("--moodle-worksheet", type=str, default=None,
              help="Moodle grading worksheet (CSV) to fill with grades and comments.")
@click.option("--keep-comments", is_flag=True,
              help="Leave a comment the teacher already wrote in the worksheet as it is "
                   "(default: marker's comment goes after it).")
@click.option("--canvas-assignment", type=str, default=None,
              help='Canvas gradebook column for the marks, e.g. "Essay 1 (123456)"; needs '
                   '--canvas-points or --canvas-gradebook.  [default: "Essay", imported by '
                   "Canvas as a new assignment worth the rubric's total]")
@click.option("--canvas-points", type=float, default=None, metavar="N",
              help="The Canvas assignment's points: marks are scaled to them.")
@click.option("--canvas-gradebook", type=str, default=None, metavar="FILE",
              help="A gradebook CSV exported from Canvas: the column's points, and the "
                   "students' names and SIS ids.")
@click.option("--essay-timeout", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds one essay may take to mark after parsing (0: no limit); a slower "
                   "one is listed as failed and the batch goes on.")
@click.option("--scheduler", type=str, default=None,
              help="Mark on the Dask cluster at this scheduler address, e.g. "
                   "tcp://host:8786 (needs essay-marker[dask]).")
@click.option("--dask-local", type=click.IntRange(min=1), default=None, metavar="N",
              help="Mark on a local Dask cluster of N worker processes.")
def batch(source: str, outdir: str, topic: str | None, rubric: str | None, jobs: int | None,
          quiet: bool, force: bool, moodle_worksheet: str | None, keep_comments: bool,
          canvas_assignment: str | None, canvas_points: float | None,
          canvas_gradebook: str | None, essay_timeout: float, scheduler: str | None,
          dask_local: int | None) -> None:
    """Mark a class: a folder of essays, or a Moodle or Canvas submissions zip or folder.

    Unchanged students are not marked again; teacher marks in OUTDIR/overrides.csv are
    applied on every run. Exit status 3 when some submissions could not be marked.
    """
    import time

    from .batch import BatchOptions, Progress, progress_line, run_batch

    if scheduler and dask_local:
        raise click.UsageError("give --scheduler or --dask-local, not both")
    if scheduler or dask_local:
        from .scale import require_dask

        require_dask()
    shown = [0.0]

    def progress(p: Progress) -> None:
        now = time.monotonic()
        if p.done < p.total and now - shown[0] < 0.2:
            return
        shown[0] = now
        click.echo("\r" + progress_line(p).ljust(60), err=True, nl=p.done == p.total)

    options = BatchOptions(topic=topic, rubric=rubric, jobs=jobs, force=force,
                           worksheet=moodle_worksheet, keep_comments=keep_comments,
                           canvas_assignment=canvas_assignment, canvas_points=canvas_points,
                           canvas_gradebook=canvas_gradebook,
                           essay_seconds=essay_timeout, scheduler=scheduler,
                           dask_local=dask_local)
    result = run_batch(source, outdir, options, None if quiet else progress)
    for entry in result.failed:
        click.echo(f"marker: not marked: {entry['key']}: {entry['error']}", err=True)
    for problem in result.problems:
        click.echo(f"marker: not applied: {problem}", err=True)
    click.echo(f"{result.students} students: {result.marked} marked, {result.reused} unchanged, "
               f"{len(result.failed)} not marked; see {Path(outdir) / 'summary.html'}", err=True)
    sys.exit(result.exit_code)


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
    _written.append(target)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 for every network of this machine.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Essays marked at once, each in its own process.  [default: the number "
                   "of cores]")
@click.option("--max-queue", type=click.IntRange(min=0), default=32, show_default=True,
              help="Essays that may wait for a worker; more get '503 busy, retry'.")
@click.option("--no-mark", is_flag=True,
              help="Reports show feedback and band words, not marks.")
@click.option("--topic", type=str, default=None,
              help="Topic pack: a shipped topic id or a folder path.")
@click.option("--rubric", type=str, default=None, help="Rubric: a shipped name or a YAML path.")
@click.option("--access-code", envvar="MARKER_ACCESS_CODE", default=None,
              help="Students must type this code on the page (or set MARKER_ACCESS_CODE).")
@click.option("--essay-timeout", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds one essay may take to check (0: no limit).")
def serve(host: str, port: int, workers: int | None, max_queue: int, no_mark: bool,
          topic: str | None, rubric: str | None, access_code: str | None,
          essay_timeout: float) -> None:
    """Serve a page where students paste or upload a draft and get their report.

    Nothing is stored: no essay or report is written to disk or logged. Stop with Ctrl-C.
    """
    from .serve import ServeOptions, exposure_warning
    from .serve import serve as run

    options = ServeOptions(host=host, port=port, workers=workers, show_mark=not no_mark,
                           topic=topic, rubric=rubric, access_code=access_code or None,
                           max_queue=max_queue, essay_seconds=essay_timeout)
    if warning := exposure_warning(options):
        click.echo(f"marker: warning: {warning}", err=True)

    def ready(url: str) -> None:
        click.echo(f"marker: serving on {url} (Ctrl-C to stop)", err=True)

    run(options, ready=ready, log=lambda line: click.echo(f"marker: {line}", err=True))
    click.echo("marker: stopped", err=True)


@main.group()
def topic() -> None:
    """Topic packs: reference knowledge, key content and model answer."""


@topic.command("check")
@click.argument("path", type=str, required=False)
def topic_check(path: str | None) -> None:
    """Validate a topic pack (default: every shipped topic)."""
    from .topic import check_topic, list_topics, topics_root

    paths = [path] if path else [str(topics_root() / t) for t in list_topics()]
    _print_problems(paths, check_topic)


@main.group()
def rubric() -> None:
    """Rubrics: criteria, band descriptors and the evidence behind each mark."""


@rubric.command("check")
@click.argument("path", type=str, required=False)
def rubric_check(path: str | None) -> None:
    """Validate a rubric (default: every shipped rubric)."""
    from .rubric import check_rubric, list_rubrics, rubrics_root

    paths = [path] if path else [str(rubrics_root() / f"{r}.yaml") for r in list_rubrics()]
    _print_problems(paths, check_rubric)


def _print_problems(paths: list[str], check: Callable[[str], list[object]]) -> None:
    """Print every problem a validator finds, one per line; exit 1 if there are any."""
    problems = [p for each in paths for p in check(each)]
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo(f"ok: {', '.join(paths)}")


@main.command()
@click.argument("marks_csv", type=str)
@click.option("--essays", "essays_dir", type=str, required=True,
              help="Folder holding the essays named in the marks CSV.")
@click.option("--rubric", type=str, default=None, help="Rubric: a shipped name or a YAML path.")
@click.option("--topic", type=str, default=None, help="Topic pack id or folder.")
@click.option("-o", "--output", type=str, default=None,
              help="Where to save the calibration JSON (default: beside the rubric, or beside "
                   "the marks CSV for a shipped rubric).")
def calibrate(marks_csv: str, essays_dir: str, rubric: str | None, topic: str | None,
              output: str | None) -> None:
    """Learn a teacher's standard from their marks (MARKS_CSV: file, then one column per
    criterion) and save it for 'marker mark --calibration'."""
    from .calibrate import calibrate as fit
    from .calibrate import default_path, save_calibration
    from .rubric import load_rubric

    result = fit(marks_csv, essays_dir, rubric, topic=topic)
    path = save_calibration(result, output or default_path(load_rubric(rubric), marks_csv))
    for line in result.summary():
        click.echo(line)
    click.echo(f"wrote {path}", err=True)


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


@main.command("email")
@click.argument("outdir", type=str)
@click.option("--roster", required=True, type=str,
              help="CSV with an id and/or name column and an email column.")
@click.option("--from", "sender", envvar="MARKER_FROM", required=True,
              help="Sender, e.g. 'Ms Rivera <rivera@school.org>' (or set MARKER_FROM).")
@click.option("--subject", default=None,
              help="Subject template with {assignment} {student} {mark} {max}. "
                   "Default: 'Feedback: {assignment} — {student}'.")
@click.option("--assignment", default=None, help="{assignment}; default: the topic's title.")
@click.option("--attach-html", is_flag=True, help="Also attach the report as feedback.html.")
@click.option("--send", "really", is_flag=True,
              help="Send. Without it, a dry run writes OUTDIR/outbox/*.eml and sends nothing.")
@click.option("--host", default=None, help="SMTP server (needed with --send).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Default: 587 (starttls), 465 (ssl), 25 (none).")
@click.option("--tls", type=click.Choice(("starttls", "ssl", "none")), default="starttls",
              show_default=True, help="none is allowed only for localhost.")
@click.option("--cafile", default=None, help="Trust this CA certificate (PEM) for the server.")
@click.option("--user", default=None, help="SMTP login name.")
@click.option("--password-env", default="MARKER_SMTP_PASSWORD", show_default=True,
              help="Environment variable with the SMTP password; asked for if unset.")
@click.option("--rate", type=click.FloatRange(min=0), default=20, show_default=True,
              help="Messages per minute (0: no limit).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30,
              show_default=True, help="Seconds to wait to connect and for each reply.")
@click.option("--resend-pending", is_flag=True,
              help="Send again messages whose earlier send was interrupted.")
@click.option("--resend-changed", is_flag=True,
              help="Send again to students whose report changed after it was emailed.")
def email_command(outdir: str, roster: str, sender: str, subject: str | None,
                  assignment: str | None, attach_html: bool, really: bool, host: str | None,
                  port: int | None, tls: str, cafile: str | None, user: str | None,
                  password_env: str, rate: float, timeout: float, resend_pending: bool,
                  resend_changed: bool) -> None:
    """Email each student of a batch OUTDIR their own report (a dry run unless --send).

    Exit status 3 if a student was skipped or a message was not sent.
    """
    import dataclasses
    import getpass
    import os

    from . import mail

    server = None
    if really:
        if not host:
            raise click.UsageError("--send needs --host")
        server = mail.SmtpServer(host, port=port, tls=tls, user=user, cafile=cafile,
                                 timeout=timeout)
    with mail.locked(outdir):
        plan = mail.plan(outdir, roster, sender=sender, subject=subject, assignment=assignment,
                         attach_html=attach_html, resend_pending=resend_pending,
                         resend_changed=resend_changed)
        for problem in plan.problems:
            click.echo(f"skipped: {problem}", err=True)
        done = f"{len(plan.already_sent)} already sent, {len(plan.problems)} skipped"
        if server is None:
            outbox = mail.write_outbox(plan)
            click.echo(mail.describe(plan))
            click.echo(f"dry run: {len(plan.deliveries)} message(s) written to {outbox}, "
                       f"{done}; nothing sent (add --send to send)", err=True)
            sys.exit(3 if plan.problems else 0)
        password = None
        if user and plan.deliveries:
            password = os.environ.get(password_env) or None
            if password is None and not sys.stdin.isatty():
                raise MarkerError(f"{password_env}: not set; put the SMTP password in this "
                                  "environment variable, or run in a terminal to be asked")
            if password is None:
                password = getpass.getpass(f"SMTP password for {user} at {host}: ")
        outcomes = mail.send(
            plan, dataclasses.replace(server, password=password), rate=rate,
            on_result=lambda o: click.echo(f"{o.state:<8} {o.delivery.student.name} "
                                           f"<{o.delivery.to.addr_spec}>  {o.reply}"))
    sent = sum(o.state == "sent" for o in outcomes)
    click.echo(f"sent {sent}, not sent {len(outcomes) - sent}, {done}", err=True)
    if plan.problems or sent < len(outcomes):
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    main()
