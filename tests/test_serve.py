"""`cvsite serve` for real: the command in a subprocess, plain HTTP to 127.0.0.1,
edits saved the way editors save them (write a temporary file, rename it over).

One server is started for the module (it takes a few seconds to import and
build); the tests run in order against it and leave the profile valid.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from tornado.websocket import websocket_connect

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "site"
PDF = "Jonas-Odegard-CV.pdf"
BANNER = "cvsite: the last edit failed"
LIVERELOAD = "http://livereload.com/protocols/official-7"


@dataclass
class Served:
    directory: Path
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    tmpdir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_for(served: Served, path: str, ok: Callable[[bytes], bool], timeout: float) -> tuple[float, bytes]:
    """Poll until the page at `path` satisfies `ok`; (seconds it took, body)."""
    started = time.perf_counter()
    body = b""
    while time.perf_counter() - started < timeout:
        assert served.process.poll() is None, f"serve exited:\n{served.log.read_text()}"
        try:
            status, body = get(served.url + path)
        except (ConnectionError, urllib.error.URLError, TimeoutError):
            status = 0
        if status == 200 and ok(body):
            return time.perf_counter() - started, body
        time.sleep(0.02)
    raise AssertionError(f"/{path} did not change within {timeout} s; last body: {body[:300]!r}\n"
                         f"log:\n{served.log.read_text()}")


def save(path: Path, text: str) -> None:
    """An editor's atomic save: a temporary file renamed over the original."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("serve")
    directory = Path(shutil.copytree(FIXTURE, root / "cv"))
    for slug in ("globex", "initech"):  # two PDFs are enough to watch them re-render
        (directory / "jobs" / f"{slug}.yaml").unlink()
    tmpdir = root / "tmp"
    tmpdir.mkdir()
    log = root / "serve.log"
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "cvsite", "serve", str(directory), "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(tmpdir)},
            start_new_session=True)
    served = Served(directory, process, port, log, tmpdir)
    try:
        wait_for(served, "", lambda body: b"Jonas" in body, timeout=90)
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # any PDF worker left behind


def test_serves_the_built_site_with_the_reload_script(served: Served) -> None:
    status, body = get(served.url)
    page = body.decode("utf-8")
    assert status == 200
    assert "<title>Jonas Ødegård – Data engineer – streaming pipelines and warehouses</title>" in page
    assert "livereload.js" in page
    status, body = get(served.url + "acme/")
    assert status == 200 and "Acme Streams" in body.decode("utf-8")
    status, _ = get(served.url + "assets/modern/style.css")
    assert status == 200


def test_binds_to_localhost_only(served: Served) -> None:
    assert f"on http://127.0.0.1:{served.port}/" in served.log.read_text("utf-8")
    listening = _listeners(served.port)
    if listening is None:
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    assert listening == ["127.0.0.1"]


def _listeners(port: int) -> list[str] | None:
    """Local addresses listening on `port`, from the kernel's socket tables (no traffic sent)."""
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            return None if table.endswith("tcp") else addresses
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                ipv4 = len(address) == 8
                addresses.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]) if ipv4 else address)
    return addresses


def test_pdfs_render_in_the_background(served: Served) -> None:
    seconds, body = wait_for(served, PDF, lambda body: body.startswith(b"%PDF"), timeout=120)
    print(f"\nPDFs served {seconds:.1f} s after the page")
    assert "Jonas Ødegård" in PdfReader(io.BytesIO(body)).pages[0].extract_text()
    wait_for(served, "", lambda body: f'href="{PDF}"'.encode() in body, timeout=10)


@pytest.mark.parametrize("path", ["/../profile.yaml", "/%2e%2e/profile.yaml", "/..%2fprofile.yaml",
                                  "/%2e%2e%2f%2e%2e%2fcv/profile.yaml", "/../../cv/profile.yaml",
                                  "//etc/passwd", "/../serve.log"])
def test_serves_nothing_outside_the_built_site(served: Served, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
    try:
        connection.request("GET", path)  # sent as is, not normalised by a client library
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status in (400, 403, 404), (path, response.status)
    assert b"headline:" not in body and b"root:" not in body and b"Serving" not in body


def test_an_atomic_save_is_reflected_quickly(served: Served) -> None:
    profile = served.directory / "profile.yaml"
    original = profile.read_text("utf-8")
    latencies = []
    for n in range(3):
        save(profile, original.replace("I keep data fresh", f"Edit {n} – I keep data fresh"))
        seconds, _ = wait_for(served, "", lambda body, n=n: f"Edit {n} – I keep".encode() in body, timeout=15)
        latencies.append(seconds)
        time.sleep(0.3)
    print(f"\nsave -> served page: {', '.join(f'{s:.2f}' for s in latencies)} s "
          f"(median {statistics.median(latencies):.2f} s; target 0.5 s)")
    assert statistics.median(latencies) < 5
    save(served.directory / "jobs" / "acme.yaml",
         (served.directory / "jobs" / "acme.yaml").read_text("utf-8").replace("Staff", "Principal"))
    wait_for(served, "acme/", lambda body: b"Principal Data Engineer" in body, timeout=15)


def test_a_save_tells_the_browser_to_reload(served: Served) -> None:
    """Speak livereload's protocol as livereload.js does, and wait for `reload` after a save."""
    profile = served.directory / "profile.yaml"
    original = profile.read_text("utf-8")

    async def browser() -> float:
        socket_ = await websocket_connect(f"ws://127.0.0.1:{served.port}/livereload")
        try:
            await socket_.write_message(json.dumps({"command": "hello", "protocols": [LIVERELOAD]}))
            assert json.loads(await socket_.read_message())["command"] == "hello"
            await socket_.write_message(json.dumps({"command": "info", "url": served.url}))
            await asyncio.sleep(0.3)  # let the server register this page before the save
            save(profile, original.replace("I keep data fresh", "Reloaded – I keep data fresh"))
            started = time.perf_counter()
            while json.loads(await asyncio.wait_for(socket_.read_message(), 15))["command"] != "reload":
                pass
            return time.perf_counter() - started
        finally:
            socket_.close()

    seconds = asyncio.run(browser())
    print(f"\nsave -> reload message: {seconds:.2f} s")
    _, body = get(served.url)
    assert "Reloaded – I keep".encode() in body, "the page is rebuilt before the browser is told to reload"
    save(profile, original)


def test_a_broken_edit_shows_the_error_and_the_next_good_save_recovers(served: Served) -> None:
    profile = served.directory / "profile.yaml"
    good = profile.read_text("utf-8")
    save(profile, good.replace("name: Jonas Ødegård", "name: [Jonas"))
    _, body = wait_for(served, "", lambda body: BANNER.encode() in body, timeout=15)
    assert str(profile).encode() in body, "the error names the file"
    wait_for(served, "acme/", lambda body: BANNER.encode() in body, timeout=5)
    assert served.process.poll() is None, "a bad edit does not stop the preview"
    save(profile, good.replace("I keep data fresh", "Recovered – I keep data fresh"))
    _, body = wait_for(served, "", lambda body: "Recovered – I keep".encode() in body, timeout=15)
    assert BANNER.encode() not in body
    wait_for(served, "acme/", lambda body: BANNER.encode() not in body, timeout=5)


def test_the_pdf_follows_the_last_good_save(served: Served) -> None:
    def fresh(body: bytes) -> bool:
        return body.startswith(b"%PDF") and "Recovered" in PdfReader(io.BytesIO(body)).pages[0].extract_text()

    seconds, _ = wait_for(served, PDF, fresh, timeout=120)
    print(f"\nPDF re-rendered {seconds:.1f} s after the page")


def test_sigterm_stops_it_and_removes_the_preview_folder(served: Served) -> None:
    assert list(served.tmpdir.glob("cvsite-serve-*")), "the preview is built in a temporary folder"
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=20) == 0
    assert not list(served.tmpdir.glob("cvsite-serve-*"))


def test_every_theme_folder_is_watched(tmp_path: Path) -> None:
    """A theme author editing a theme (built in, or installed with pip -e) sees the change."""
    from cvsite.serve import watched_paths
    from cvsite.themes import available_themes, load_theme

    watched = watched_paths(tmp_path)
    assert tmp_path / "theme" in watched
    for name in available_themes():
        assert all(root in watched for root in load_theme(name).roots()), name
