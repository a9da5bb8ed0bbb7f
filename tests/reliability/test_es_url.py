"""Elasticsearch URLs: passwords never shown, malformed URLs are usage errors, a silent server does not hang."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.store import api, elasticsearch
from pipeline.store.load import ingest_paths
from pipeline.store.query import QueryError, SearchQuery

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "corpora" / "samples"
KELISIM = str(Path(sys.executable).parent / "kelisim")
PASSWORD = "Hunter2-secret"


class SilentServer:
    """A local TCP server that accepts every connection and never answers (a hung proxy or a stopped node)."""

    def __init__(self, answer: bytes | None = None):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.answer = answer
        self.connections: list[socket.socket] = []
        self.requests: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)
            if self.answer is not None:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(65536))
                    conn.sendall(self.answer)
                except OSError:
                    pass
                conn.close()

    def url(self, userinfo: str = "") -> str:
        return f"http://{userinfo}127.0.0.1:{self.port}"

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "kelisim.db"
    ingest_paths([SAMPLES / "kazmetall-2024.pdf"], path)
    return path


def _kelisim(*args, env=None, timeout=120):
    return subprocess.run(
        [KELISIM, *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout
    )


def _cli(*args):
    from click.testing import CliRunner

    from pipeline.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def test_search_against_a_server_that_never_answers_gives_up_quickly(db):
    """Bug: a server that accepts connections and never answers hung `search` for 240 s."""
    server = SilentServer()
    try:
        env = {**os.environ, "KELISIM_ES_TIMEOUT": "1"}
        started = time.monotonic()
        result = _kelisim(
            "search", "wages", "--db", db, "--backend", "elasticsearch", "--es-url",
            server.url(f"kelisim:{PASSWORD}@"), env=env, timeout=60,
        )  # fmt: skip
        took = time.monotonic() - started
    finally:
        server.close()
    assert result.returncode == 3  # an unreachable backend is a storage failure
    assert took < 15, f"search took {took:.1f} s with a 1 s timeout"
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"kelisim: elasticsearch at http://kelisim:***@127.0.0.1:{server.port}: ")
    assert "timed out" in line.lower() or "timeout" in line.lower()
    assert PASSWORD not in result.stdout + result.stderr


def test_the_search_timeout_is_short_by_default():
    es = elasticsearch.client("http://127.0.0.1:9")
    node = es.transport.node_pool.all()[0]
    assert node.config.request_timeout == elasticsearch.SEARCH_TIMEOUT_S <= 10
    assert es.transport.retry_on_timeout is False


@pytest.mark.parametrize(
    "url",
    [
        "http://kelisim:Hunter2-secret@[::1",
        "http://kelisim:Hunter2-secret@localhost:99999",
        "http://kelisim:Hunter2-secret@localhost:port",
        "localhost:9200",
        "ftp://kelisim:Hunter2-secret@localhost",
        "http://",
    ],
)
@pytest.mark.parametrize("command", ["search", "index"])
def test_a_malformed_url_is_a_usage_error_without_the_password(db, url, command):
    """Bug: `--es-url http://[::1` gave a ValueError traceback."""
    args = ["search", "wages"] if command == "search" else ["index"]
    result = _cli(*args, "--db", db, "--backend", "elasticsearch", "--es-url", url)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "--es-url" in result.output
    assert PASSWORD not in result.output


def test_errors_and_logs_never_show_the_password(db, caplog):
    """Bug: `--es-url http://user:pass@host` printed the password in every error line."""
    refusal = (
        b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nX-elastic-product: Elasticsearch\r\n"
        b"Content-Length: 61\r\nConnection: close\r\n\r\n"
        b'{"error":{"type":"security_exception","reason":"no"},"status":401}'
    )
    server = SilentServer(answer=refusal)
    url = server.url(f"kelisim:{PASSWORD}@")
    try:
        with caplog.at_level(logging.DEBUG):
            with pytest.raises(api.BackendError) as error:
                api.search(db, SearchQuery(text="wages"), backend="elasticsearch", es_url=url)
        cli = _cli("search", "wages", "--db", db, "--backend", "elasticsearch", "--es-url", url)
    finally:
        server.close()
    assert server.requests, "the client never reached the server"
    assert b"authorization: basic" in server.requests[0].lower()  # the password was used, only not shown
    assert str(error.value).startswith(f"elasticsearch at http://kelisim:***@127.0.0.1:{server.port}: ")
    assert PASSWORD not in str(error.value)
    assert caplog.records and PASSWORD not in caplog.text
    assert cli.exit_code == 3 and isinstance(cli.exception, SystemExit)
    assert f"elasticsearch at http://kelisim:***@127.0.0.1:{server.port}: " in cli.output
    assert PASSWORD not in cli.output


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://u:p%40ss@host:9200/x", "http://u:***@host:9200/x"),
        ("https://elastic@host", "https://elastic@host"),
        ("http://host:9200", "http://host:9200"),
        ("http://u:pw@[::1", "http://u:***@[::1"),
    ],
)
def test_redact(url, shown):
    assert elasticsearch.redact(url) == shown


def test_a_bad_timeout_setting_is_a_usage_error(monkeypatch):
    monkeypatch.setenv("KELISIM_ES_TIMEOUT", "soon")
    with pytest.raises(QueryError, match="KELISIM_ES_TIMEOUT"):
        elasticsearch.client("http://localhost:9200")
