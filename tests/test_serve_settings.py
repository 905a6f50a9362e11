"""`marker serve` as a teacher sets it up for a class: another topic and rubric, --no-mark,
--access-code, a short per-essay time limit, the warning for a page open to the network,
and Ctrl-C (one server for the module, stopped by the last test)."""

from __future__ import annotations

import json
import signal
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, CliRun
from serving import Server, start_server, wait_until

from marker.serve import ServeOptions, exposure_warning

ESSAY = (ROOT / "tests" / "data" / "essays" / "06-sound-change.txt").read_bytes()
TOPIC = ROOT / "tests" / "data" / "topics" / "mini-topic"
SHORT = ("The Nazi-Soviet Pact was signed in August 1939 by Molotov and Ribbentrop, and Stalin "
         "wanted time to rebuild the Red Army after the purges.")
CODE = "blue-otter-42"
LIMIT = 3.0  # seconds: a short essay takes well under a second, a very long one far more


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    running = start_server(tmp_path_factory.mktemp("serve"), "--workers", "1", "--no-mark",
                           "--topic", str(TOPIC), "--rubric", "holistic-25",
                           "--access-code", CODE, "--essay-timeout", str(LIMIT),
                           "--max-queue", "2")
    yield running
    running.stop()


def test_the_page_asks_for_the_access_code_about_the_topic_served(server: Server) -> None:
    html = server.get("/").text
    assert "Why did the Cuban Missile Crisis end without war?" in html
    assert 'name="access_code" type="password"' in html
    assert "not marks" in html


@pytest.mark.parametrize("path", ["/check", "/api/check"])
def test_without_the_right_code_the_answer_is_403(server: Server, path: str) -> None:
    for fields in ({"text": SHORT}, {"text": SHORT, "access_code": "blue-otter-43"}):
        answer = server.post(path, fields=fields)
        assert answer.status == 403 and "access code is not right" in answer.text
    assert server.get("/healthz").status == 200


def test_no_mark_gives_the_report_marker_check_no_mark_writes(server: Server, cli: CliRun,
                                                              tmp_path: Path) -> None:
    essay = (TOPIC / "essay.md").read_bytes()
    (tmp_path / "essay.md").write_bytes(essay)
    result = cli("check", "essay.md", "--no-mark", "--topic", str(TOPIC), "--rubric",
                 "holistic-25", "-o", "out.html")
    assert result.exit_code == 0, result.output
    answer = server.post("/check", fields={"access_code": CODE},
                         files={"file": ("essay.md", essay)})
    assert answer.status == 200
    assert answer.text == (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "Where your essay is now" in answer.text and "Total mark" not in answer.text
    assert "Rubric: holistic-25" in answer.text


def test_no_mark_json_has_bands_and_no_marks(server: Server) -> None:
    answer = server.post("/api/check", fields={"text": SHORT}, headers={"X-Access-Code": CODE})
    assert answer.status == 200
    report = json.loads(answer.body)
    assert report["schema"] == "marker.report/1" and report["total"]["mark"] is None
    assert all(c["mark"] is None and c["band_marks"] is None and c["score"] is None
               for c in report["criteria"])
    assert any(c["band"] for c in report["criteria"])


def test_an_essay_over_the_time_limit_is_refused_and_the_worker_goes_on(server: Server) -> None:
    long = "\n\n".join([ESSAY.decode()] * 60)
    answer = server.post("/api/check", fields={"text": long, "access_code": CODE})
    assert answer.status == 422
    assert json.loads(answer.body) == {
        "error": f"pasted text: took longer than {LIMIT:g} s to check; try a shorter text"}
    again = server.post("/api/check", fields={"text": SHORT, "access_code": CODE})
    assert again.status == 200


def test_a_page_open_to_the_network_without_a_code_is_warned_about(cli: CliRun) -> None:
    assert exposure_warning(ServeOptions(host="0.0.0.0")) is not None
    assert exposure_warning(ServeOptions(host="0.0.0.0", access_code="x")) is None
    assert exposure_warning(ServeOptions(host="localhost")) is None
    assert exposure_warning(ServeOptions(host="::1")) is None
    # 192.0.2.1 is a documentation address no machine has: warned, then refused in one line.
    result = cli("serve", "--host", "192.0.2.1", "--port", "0")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "marker: warning: serving on 192.0.2.1: anyone who can reach this machine can use "
        "the page; give --access-code CODE to ask students for a code",
        "marker: 192.0.2.1:0: cannot listen there (Cannot assign requested address)"]


def test_a_port_in_use_is_one_line(cli: CliRun) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr == f"marker: 127.0.0.1:{port}: cannot listen there (Address already " \
                            "in use)\n"


def test_ctrl_c_finishes_the_essay_in_hand_then_stops_server_and_workers(
        server: Server) -> None:
    workers = server.workers()
    assert workers
    with ThreadPoolExecutor(1) as pool:
        in_hand = pool.submit(server.post, "/api/check",
                              {"text": ESSAY.decode(), "access_code": CODE})
        idle = _cpu_ticks(workers[0])
        assert wait_until(lambda: _cpu_ticks(workers[0]) > idle + 5, 30)  # marking it now
        assert server.stop(signal.SIGINT, timeout=60) == 0
        assert in_hand.result().status == 200
    assert wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers))
    assert wait_until(lambda: server.log[-1:] == ["marker: stopped"])
    assert any(line.startswith("marker: POST /api/check 200 ") for line in server.log[-3:])
    assert not any("Traceback" in line or "Error" in line for line in server.log)


def _cpu_ticks(pid: int) -> int:
    """CPU time a process has used so far, in clock ticks (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])
