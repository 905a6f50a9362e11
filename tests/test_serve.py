"""`marker serve` with the real server on a free loopback port (one server for the module,
two workers, a short queue): the page, both endpoints giving exactly what `marker mark`
gives, the errors a student can cause, 16 students posting at once, nothing stored, and
headless Chromium submitting the form."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, CliRun, check_report
from filemakers import make_docx
from serving import WATCHED, Server, snapshot, start_server, wait_until

from marker.read import MAX_BYTES
from marker.serve import MAX_BODY, Guard

ESSAY = (ROOT / "tests" / "data" / "essays" / "03-excellent-pact.txt").read_bytes()
SHORT = ("The Nazi-Soviet Pact was signed in August 1939 by Molotov and Ribbentrop. Stalin "
         "wanted time to rebuild the Red Army after the purges, and Britain and France had not "
         "offered him a real alliance after Munich.")
SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    running = start_server(tmp_path_factory.mktemp("serve"), "--workers", "2",
                           "--max-queue", "4")
    yield running
    running.stop()


def assert_safe_headers(headers: dict[str, str]) -> None:
    for name, value in SECURITY.items():
        assert headers[name] == value
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "frame-ancestors 'none'" in csp


def test_page_has_the_form_the_questions_and_the_privacy_line(server: Server) -> None:
    page = server.get("/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert_safe_headers(page.headers)
    html = page.text
    assert re.search(r'<form method="post" action="check" enctype="multipart/form-data">', html)
    assert '<textarea id="text" name="text"' in html
    assert 'name="file" type="file"' in html
    assert "Assess the reasons for the Nazi-Soviet Pact of 1939." in html
    assert "checked on this server and not stored" in html
    assert '<button type="submit">Check</button>' in html
    assert 'name="viewport"' in html
    assert "<script" not in html.lower() and "http" not in html  # nothing from outside
    assert "access_code" not in html


def test_health_and_unknown_paths(server: Server) -> None:
    health = server.get("/healthz")
    assert (health.status, health.text) == (200, "ok\n")
    assert_safe_headers(health.headers)
    assert server.get("/nowhere").status == 404
    back = server.get("/check")
    assert back.status == 303 and back.headers["location"] == "."
    assert server.request("DELETE", "/").status == 405
    assert_safe_headers(server.get("/nowhere").headers)


def test_check_gives_the_html_report_marker_mark_gives(server: Server, cli: CliRun,
                                                       tmp_path: Path) -> None:
    (tmp_path / "pact.txt").write_bytes(ESSAY)
    expected = cli("mark", "pact.txt", "-o", "-")
    assert expected.exit_code == 0, expected.output
    answer = server.post("/check", files={"file": ("pact.txt", ESSAY)})
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/html")
    assert_safe_headers(answer.headers)
    assert answer.text == expected.stdout


def test_api_gives_the_json_marker_mark_gives(server: Server, cli: CliRun,
                                              tmp_path: Path) -> None:
    make_docx(tmp_path / "pact.docx", ESSAY.decode().split("\n\n"))
    expected = cli("mark", "pact.docx", "--format", "json", "-o", "-")
    assert expected.exit_code == 0, expected.output
    answer = server.post("/api/check", files={"file": ("pact.docx",
                                                       (tmp_path / "pact.docx").read_bytes())})
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    assert answer.text == expected.stdout
    check_report(json.loads(answer.body))


def test_pasted_text_is_marked_as_the_same_text_in_a_file(server: Server) -> None:
    pasted = SHORT.replace(". ", ".\r\n", 1)  # browsers send a textarea's lines with CRLF
    for answer in (server.post("/api/check", fields={"text": pasted, "file": ""}),
                   server.post_urlencoded("/api/check", {"text": pasted})):
        assert answer.status == 200
        report = json.loads(answer.body)
        assert report["input"]["path"] == "pasted text" and report["input"]["format"] == "txt"
        assert "Molotov" in report["text"] and "\r" not in report["text"]
    page = server.post("/check", fields={"text": pasted}, files={"file": ("", b"")})
    assert page.status == 200 and "Feedback on your essay" in page.text


@pytest.mark.parametrize("name, data", [
    ("essay.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
    ("essay.docx", b"PK\x03\x04 this is not really a zip"),
    ("essay.pdf", b"%PDF-1.4\n%broken"),
    ("empty.txt", b""),
    ("notes.txt", "Dies ist kein englischer Text, sondern ein deutscher Aufsatz über die "
                  "Außenpolitik der Sowjetunion zwischen den Weltkriegen.".encode()),
])
def test_a_bad_file_gets_the_reason_marker_mark_prints(server: Server, cli: CliRun,
                                                        tmp_path: Path, name: str,
                                                        data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    result = cli("mark", name, "-o", "-")
    assert result.exit_code == 1
    reason = result.stderr.strip().removeprefix("marker: ")
    api = server.post("/api/check", files={"file": (name, data)})
    assert (api.status, json.loads(api.body)) == (400, {"error": reason})
    page = server.post("/check", files={"file": (name, data)})
    assert page.status == 400 and "Not checked:" in page.text
    assert reason.replace("'", "&#39;") in page.text
    assert_safe_headers(page.headers)


def test_no_essay_is_400(server: Server) -> None:
    answer = server.post("/api/check", fields={"text": "  \r\n "})
    assert answer.status == 400 and "paste your essay" in json.loads(answer.body)["error"]
    wrong = server.request("POST", "/api/check", b"{}", {"Content-Type": "application/json"})
    assert wrong.status == 400


def test_an_upload_over_20_mb_is_413(server: Server) -> None:
    just_over = server.post("/api/check", files={"file": ("big.txt", b"a " * (MAX_BYTES // 2)
                                                         + b"b")})
    assert just_over.status == 413
    assert json.loads(just_over.body) == {"error": "big.txt: the file is 20.1 MB; the limit "
                                                   "is 20 MB"}
    huge = server.request("POST", "/check", b"x" * (MAX_BODY + 1),
                          {"Content-Type": "application/x-www-form-urlencoded"})
    assert huge.status == 413 and "the limit is 20 MB" in huge.text
    assert_safe_headers(huge.headers)


def test_more_than_200000_words_is_400(server: Server) -> None:
    answer = server.post("/api/check", fields={"text": "word " * 200_001})
    assert answer.status == 400
    assert json.loads(answer.body) == {"error": "pasted text: 200,001 words; the limit is "
                                                "200,000"}


def test_a_bug_is_a_one_line_500_whose_log_line_holds_no_content() -> None:
    async def broken(scope: dict, receive: object, send: object) -> None:
        raise ValueError("the essay said Zanzibarquux")

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    sent: list[dict] = []
    lines: list[str] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/check", "headers": []}
    asyncio.run(Guard(broken, lines.append)(scope, receive, send))
    assert sent[0]["status"] == 500
    assert_safe_headers({k.decode(): v.decode() for k, v in sent[0]["headers"]})
    assert b"Zanzibarquux" not in b"".join(m.get("body", b"") for m in sent)
    assert len(lines) == 1 and re.fullmatch(r"POST /check 500 \d+ ms \(ValueError\)", lines[0])


HOSTILE = ("The Nazi-Soviet Pact was signed in August 1939 by Molotov and Ribbentrop. "
           "<script>alert('x')</script> Stalin wanted time {{ 7*7 }} {% raw %} to rebuild "
           "the army. <img src=x onerror=alert(1)> Britain and France had not offered a "
           "real alliance.")


def test_student_text_is_always_escaped(server: Server) -> None:
    report = server.post("/check", fields={"text": HOSTILE},
                         files={"file": ("", b"")}).text
    refused = server.post("/check", fields={"text": HOSTILE},
                          files={"file": ("<b onmouseover=alert(1)>.txt", b"")})
    assert refused.status == 400
    for html in (report, refused.text):
        lowered = html.lower()
        assert "<script" not in lowered and "<img" not in lowered
        assert "&lt;script&gt;" in lowered and "onerror=alert(1)&gt;" in lowered
        # never evaluated as a template ("49"); the report's hashes may hold any digits
        assert "{{ 7*7 }}" in html and not re.search(r"\b49\b", html)
    assert "&lt;b onmouseover=alert(1)&gt;.txt: the file is empty" in refused.text


def test_sixteen_students_at_once_get_a_report_or_busy(server: Server) -> None:
    def post(i: int) -> tuple[int, str | None, bytes]:
        answer = server.post("/api/check", fields={"text": f"{SHORT} Essay {i}."})
        return answer.status, answer.headers.get("retry-after"), answer.body

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(post, range(16)))
    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {200, 503} and 200 in statuses
    for status, retry, body in answers:
        if status == 503:
            assert retry is not None and int(retry) >= 1
            assert "busy" in json.loads(body)["error"]
        else:
            assert json.loads(body)["schema"] == "marker.report/1"
    assert server.get("/healthz").status == 200
    assert server.post("/api/check", fields={"text": SHORT}).status == 200


def test_a_killed_worker_is_replaced(server: Server) -> None:
    before = server.workers()
    os.kill(before[0], signal.SIGKILL)  # as the kernel does when memory runs out
    assert wait_until(lambda: not set(server.workers()) & set(before))
    answer = server.post("/api/check", fields={"text": SHORT})
    assert answer.status == 200 and json.loads(answer.body)["schema"] == "marker.report/1"
    assert server.workers() and not set(server.workers()) & set(before)


def test_nothing_is_stored_or_logged(server: Server, tmp_path: Path) -> None:
    """The server's working, temporary, home and cache folders do not change while essays
    (pasted, uploaded, one over the 1 MB a form library would spool to disk) are checked;
    its log has one line per request and none of the essay."""
    before = snapshot(server.root)
    lines = len(server.log)
    secret = "Zanzibarquux"
    big = _docx_with_photo(tmp_path / "big.docx", [*ESSAY.decode().split("\n\n"),
                                                   f"{secret} wrote this."])
    assert big.stat().st_size > 2**20
    answers = [
        server.post("/check", fields={"text": f"{SHORT} {secret}."}),
        server.post("/api/check", files={"file": ("mine.docx", big.read_bytes())}),
        server.post("/api/check", files={"file": ("x.txt", b"\x00\x01" * 1000 + secret.encode())}),
    ]
    assert [a.status for a in answers] == [200, 200, 400]
    assert secret in answers[0].text
    assert snapshot(server.root) == before
    for name in WATCHED:
        assert not any(secret.encode() in p.read_bytes()
                       for p in (server.root / name).rglob("*") if p.is_file())
    # The previous test's last line may come in late: these posts' lines are the last three.
    assert wait_until(lambda: [line.split()[3] for line in server.log[lines:][-3:]]
                      == ["200", "200", "400"])
    logged = server.log[lines:]
    for line in logged:
        assert re.fullmatch(r"marker: POST /(api/)?check \d{3} \d+ ms", line), line
    assert not any(secret in line or "mine.docx" in line for line in server.log)


def _docx_with_photo(path: Path, paragraphs: list[str]) -> Path:
    """A Word document over 1 MB (a photo of noise) around a short essay."""
    import io
    import random

    import docx
    from PIL import Image

    rng = random.Random(7)
    photo = io.BytesIO()
    Image.frombytes("RGB", (640, 640), rng.randbytes(640 * 640 * 3)).save(photo, "PNG")
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.add_picture(photo)
    document.save(str(path))
    return path


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                    "(Debian: apt-get install chromium)")
def test_chromium_fills_in_the_form_submits_it_and_shows_the_report(
        server: Server, tmp_path: Path) -> None:
    """Chromium, driven over its DevTools protocol on loopback as a student's hands: it
    types the sample essay into the textarea and presses Enter on the Check button. The
    page itself runs no script. Screenshots go to tmp_path (and to docs/ when
    MARKER_SCREENSHOTS names that folder)."""
    essay = (ROOT / "examples" / "sample_essay.txt").read_text(encoding="utf-8")
    with Browser(tmp_path / "profile") as browser:
        browser.call("Emulation.setDeviceMetricsOverride",
                     width=390, height=844, deviceScaleFactor=1, mobile=True)
        browser.open(server.url)
        shots = {"serve-form.png": browser.screenshot()}
        browser.type_into("#text", essay)
        browser.call("Emulation.setDeviceMetricsOverride",
                     width=720, height=1000, deviceScaleFactor=1, mobile=False)
        browser.press_enter_on("button[type=submit]")
        html = browser.html()
        assert "Feedback on your essay" in html and "pasted text" in html
        assert "Total mark" in html
        assert browser.url() == server.url + "check"
        shots["serve-report.png"] = browser.screenshot(max_height=1600)
    keep = os.environ.get("MARKER_SCREENSHOTS")
    for name, png in shots.items():
        assert png.startswith(b"\x89PNG")
        for folder in (tmp_path, *([Path(keep)] if keep else [])):
            (folder / name).write_bytes(png)


class Browser:
    """Headless Chromium with its DevTools endpoint on a free loopback port."""

    def __init__(self, profile: Path) -> None:
        self.profile, self.next_id, self.events = profile, 0, []

    def __enter__(self) -> Browser:
        import urllib.request

        import websocket

        assert CHROMIUM is not None
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--hide-scrollbars", "--remote-debugging-address=127.0.0.1",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        active = self.profile / "DevToolsActivePort"
        assert wait_until(lambda: active.exists() and active.read_text().count("\n") >= 1, 60)
        port = active.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as f:
            page = next(t for t in json.load(f) if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60,
                                                  suppress_origin=True)
        self.call("Page.enable")
        return self

    def __exit__(self, *exc: object) -> None:
        self.socket.close()
        self.process.kill()
        self.process.wait()

    def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message["result"]
            self.events.append(message.get("method"))

    def wait_for(self, event: str) -> None:
        while event not in self.events:
            message = json.loads(self.socket.recv())
            self.events.append(message.get("method"))
        self.events.clear()

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def node(self, selector: str) -> int:
        root = self.call("DOM.getDocument")["root"]["nodeId"]
        found = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        assert found, selector
        return found

    def type_into(self, selector: str, text: str) -> None:
        self.call("DOM.focus", nodeId=self.node(selector))
        self.call("Input.insertText", text=text)

    def press_enter_on(self, selector: str) -> None:
        self.call("DOM.focus", nodeId=self.node(selector))
        self.events.clear()
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                      windowsVirtualKeyCode=13, text="\r" if kind == "keyDown" else "")
        self.wait_for("Page.loadEventFired")

    def html(self) -> str:
        root = self.call("DOM.getDocument")["root"]["nodeId"]
        return self.call("DOM.getOuterHTML", nodeId=root)["outerHTML"]

    def url(self) -> str:
        return self.call("Page.getNavigationHistory")["entries"][-1]["url"]

    def screenshot(self, max_height: int | None = None) -> bytes:
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        height = size["height"] if max_height is None else min(size["height"], max_height)
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": size["width"], "height": height,
                               "scale": 1})
        return base64.b64decode(shot["data"])
