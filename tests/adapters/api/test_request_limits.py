"""Request limits before anything else, hostile uploads, path-free errors (decision 0037).

ASVS 4.0.3 V12.1.1 (large files cannot cause a denial of service), V13.1 / V11.1.4 (the same
limits for every client; anti-automation), V7.4.1 (no server paths or stack traces in errors),
V12.1.2 / V5.5.2 (zip bombs, XML entities); OWASP API4:2023.

Three layers are tested:

* the ASGI middleware itself, called directly (no app reached, no body byte read);
* the app in-process (both stores): limits before authentication, hostile uploads refused
  with nothing written, errors without the data directory's path;
* ``lingtan serve`` in a subprocess, measured by its own RSS (``/proc/<pid>/status``): four
  parallel unauthenticated 256 MB bodies and an authenticated 19 MB upload leave its memory
  within 100 MB of idle.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import select
import socket
import threading
import urllib.request
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lingtan.adapters.api.limits import Limits, RequestLimitsMiddleware, TokenBuckets
from livekit import live_server as serve_live
from serverkit import Server, new_org, owner_client, wait_job

API = "/api/v1"
MIB = 1024 * 1024
CSV = (
    b"site,date,period_end,quantity,unit,source,supplier\nTJ01,2024-04-01,2024-04-30,5,kWh,grid,G\n"
)

# --------------------------------------------------------------------------------------------
# The middleware alone
# --------------------------------------------------------------------------------------------


def _limits(**kw: Any) -> Limits:
    base: dict[str, Any] = {"body_bytes": 1000, "upload_bytes": 5000, "rate_per_s": 0, "burst": 1}
    return Limits(**{**base, **kw})


def _call(
    mw: RequestLimitsMiddleware,
    path: str,
    chunks: list[bytes],
    *,
    headers: dict[str, str] | None = None,
    client: str = "203.0.113.7",
) -> tuple[int, dict[str, str], bytes, int]:
    """Run one request through ``mw``: (status, headers, body, body chunks the app pulled)."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled < len(chunks):
            pulled += 1
            return {
                "type": "http.request",
                "body": chunks[pulled - 1],
                "more_body": pulled < len(chunks),
            }
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "client": (client, 5000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    asyncio.run(mw(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    hdrs = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], hdrs, body, pulled


async def _reading_app(scope: Any, receive: Any, send: Any) -> None:
    """An app that reads the whole body and answers its length."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


def test_declared_size_is_refused_before_the_body_is_read() -> None:
    mw = RequestLimitsMiddleware(_reading_app, _limits())
    status, headers, body, pulled = _call(
        mw, "/api/v1/auth/login", [b"x" * 600, b"x" * 600], headers={"content-length": "1200"}
    )
    assert (status, pulled) == (413, 0)  # the app never ran: no byte of the body was read
    assert json.loads(body)["error"]["code"] == "too_large"
    assert headers["connection"] == "close"
    # the same body on an upload route is within its (larger) limit
    assert (
        _call(mw, "/api/v1/orgs/acme/imports", [b"x" * 1200], headers={"content-length": "1200"})[0]
        == 200
    )


def test_streamed_body_is_stopped_at_the_limit() -> None:
    mw = RequestLimitsMiddleware(_reading_app, _limits())
    chunks = [b"x" * 400] * 10  # chunked: no Content-Length
    status, _, body, pulled = _call(mw, "/api/v1/orgs/acme/sites", chunks)
    assert status == 413
    assert pulled == 3  # 1,200 bytes counted: the rest is never read
    assert b"too_large" in body


def test_pages_get_an_html_error() -> None:
    mw = RequestLimitsMiddleware(_reading_app, _limits())
    status, headers, body, _ = _call(
        mw,
        "/o/acme/targets/edit",
        [b""],
        headers={"content-length": "99999", "accept-language": "en"},
    )
    assert status == 413
    assert headers["content-type"].startswith("text/html")
    assert b"Request too large" in body
    zh = _call(mw, "/o/acme/targets/edit", [b""], headers={"content-length": "99999"})[2]
    assert "请求过大".encode() in zh


def test_malformed_content_length_is_refused() -> None:
    mw = RequestLimitsMiddleware(_reading_app, _limits())
    assert _call(mw, "/api/v1/x", [b""], headers={"content-length": "12, 12"})[0] == 400


def test_rate_limit_per_client_address() -> None:
    clock = [0.0]
    mw = RequestLimitsMiddleware(_reading_app, _limits(rate_per_s=2.0, burst=3))
    assert mw.buckets is not None
    mw.buckets.clock = lambda: clock[0]
    statuses = [_call(mw, "/api/v1/x", [b""])[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    status, headers, body, _ = _call(mw, "/api/v1/x", [b""])
    assert (status, headers["retry-after"]) == (429, "1")
    assert json.loads(body)["error"]["code"] == "too_many_requests"
    assert _call(mw, "/api/v1/x", [b""], client="198.51.100.1")[0] == 200  # another address
    clock[0] += 0.5  # one token back
    assert _call(mw, "/api/v1/x", [b""])[0] == 200
    assert _call(mw, "/api/v1/x", [b""])[0] == 429


def test_exempt_addresses_and_bounded_memory() -> None:
    import ipaddress

    limits = _limits(rate_per_s=1.0, burst=1, exempt=(ipaddress.ip_network("127.0.0.0/8"),))
    mw = RequestLimitsMiddleware(_reading_app, limits)
    assert all(_call(mw, "/x", [b""], client="127.0.0.1")[0] == 200 for _ in range(5))
    buckets = TokenBuckets(1.0, 5, max_keys=100)
    for i in range(1000):
        buckets.take(f"10.0.{i // 256}.{i % 256}")
    assert len(buckets._buckets) == 100


# --------------------------------------------------------------------------------------------
# The app, in-process
# --------------------------------------------------------------------------------------------


def _no_upload_left(data_dir: Path) -> None:
    left = [p for p in data_dir.glob("orgs/*/uploads/**/*") if p.is_file()]
    assert not left, left


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # no store involved
def test_limits_apply_before_authentication(server_factory: Callable[..., Server]) -> None:
    # 6 requests at once, then (in practice) none: the 7th is refused
    srv = server_factory(workers=0, max_upload_mb=1, rate_per_s=0.01, rate_burst=6, rate_exempt=())
    c = srv.client
    big = b"x" * (2 * MIB)
    r = c.post(f"{API}/orgs/acme/imports", files={"file": ("fuel.csv", big, "text/csv")})
    assert r.status_code == 413  # not 401: refused before authentication
    assert r.json()["error"]["code"] == "too_large"
    r = c.post(
        f"{API}/auth/login",
        content=b"{" + b" " * (2 * MIB) + b"}",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    r = c.post(
        f"{API}/auth/login",
        content=iter([b" " * 512 * 1024] * 4),  # chunked
        headers={"content-type": "application/json"},  # else 415 (test_content_types.py)
    )
    assert r.status_code == 413
    r = c.post("/o/acme/imports", files={"file": ("fuel.csv", big, "text/csv")})
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html")
    statuses = [c.get(f"{API}/auth/me").status_code for _ in range(4)]
    assert statuses == [401, 401, 429, 429]  # the rate limit too comes before authentication
    assert int(c.get(f"{API}/auth/me").headers["retry-after"]) > 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # no store involved
def test_multipart_form_limits(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(workers=0)
    c = owner_client(srv, "o@acme.example")
    files = [("file", (f"electricity_{i}.csv", CSV, "text/csv")) for i in range(6)]
    r = c.post(f"{API}/orgs/acme/imports", files=files)
    assert r.status_code == 400
    assert "Too many files" in r.json()["error"]["message"]
    fields = {f"f{i}": "x" for i in range(300)}
    r = c.post(
        f"{API}/orgs/acme/imports",
        data=fields,
        files={"file": ("electricity.csv", CSV, "text/csv")},
    )
    assert r.status_code == 400
    assert "Too many fields" in r.json()["error"]["message"]
    _no_upload_left(srv.data_dir)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Generated hostile uploads: (file name → bytes)."""
    from lingtan.adapters.io.intake import write_template

    d = tmp_path_factory.mktemp("hostile")
    tpl = write_template("electricity", d / "electricity.xlsx")
    row = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in ("TJ01", "x", "5", "kWh"))
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{f"<row>{row}</row>" * 40_000}</sheetData>'
        "</worksheet>"
    ).encode()
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet/>'
    )

    def rewrite(part: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(tpl) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for item in zin.infolist():
                data = part if item.filename == "xl/worksheets/sheet1.xml" else zin.read(item)
                z.writestr(item.filename, data)
        return out.getvalue()

    header = b"site,date,period_end,quantity,unit,source,supplier"
    return {
        "electricity_bomb.xlsx": rewrite(sheet),
        "electricity_laughs.xlsx": rewrite(laughs),
        "electricity_wide.csv": header + b"," + b",".join(b"x%d" % i for i in range(300)) + b"\n",
        "electricity_cell.csv": header
        + b"\nTJ01,2024-04-01,2024-04-30,5,kWh,grid,"
        + b"y" * 40_000,
    }


def test_hostile_uploads_are_refused_with_nothing_written(
    server_factory: Callable[..., Server], hostile: dict[str, bytes]
) -> None:
    srv = server_factory(workers=1)
    c = owner_client(srv, "o@acme.example")
    data_dir = str(srv.data_dir.resolve())
    for name, data in hostile.items():
        r = c.post(f"{API}/orgs/acme/imports", files={"file": (name, data, "text/csv")})
        assert r.status_code == 422, (name, r.text)
        err = r.json()["error"]
        assert err["field"] == "file"
        assert name in err["message"]
        assert data_dir not in r.text
        # sent to be appended (no duplicate check at upload): the job refuses it, path-free
        r = c.post(
            f"{API}/orgs/acme/imports",
            data={"on_duplicate": "append"},
            files={"file": (name, data, "text/csv")},
        )
        if r.status_code == 202:
            job = wait_job(c, "acme", r.json()["id"])
            assert job["status"] == "failed"
            assert job["error"].startswith(f"{name}: ")
            assert data_dir not in job["error"]
        else:
            assert r.status_code == 422, r.text  # the XLSX archive check at upload
    assert c.get(f"{API}/orgs/acme/imports").json() == []
    _no_upload_left(srv.data_dir)


def test_import_errors_name_the_file_not_the_server_path(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    srv = server_factory(workers=1)
    c = owner_client(srv, "o@acme.example")
    bad = b"sitee,when\nTJ01,2024\n"
    r = c.post(
        f"{API}/orgs/acme/imports",
        data={"on_duplicate": "append"},
        files={"file": ("../../etc/electricity.csv", bad, "text/csv")},
    )
    assert r.status_code == 202, r.text
    job = wait_job(c, "acme", r.json()["id"])
    assert job["status"] == "failed"
    assert job["error"].startswith("electricity.csv: unknown column")
    for path in (str(srv.data_dir), str(srv.data_dir.resolve()), str(tmp_path)):
        assert path not in json.dumps(job)
    assert not (tmp_path / "etc").exists()  # the name was never used as a path
    r = c.post(f"{API}/orgs/acme/imports", files={"file": ("../../etc/passwd", bad, "text/csv")})
    assert r.status_code == 422
    assert "passwd: upload a .csv or .xlsx file" in r.json()["error"]["message"]
    _no_upload_left(srv.data_dir)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # no store involved
def test_a_500_names_a_reference_not_the_error(
    server_factory: Callable[..., Server], caplog: pytest.LogCaptureFixture
) -> None:
    from serverkit import TestClient

    srv = server_factory(workers=0)
    secret = f"{srv.data_dir}/orgs/acme/secret.parquet"

    @srv.app.get(f"{API}/_boom")
    def _boom() -> None:
        raise RuntimeError(f"cannot open {secret}")

    c = TestClient(srv.app, raise_server_exceptions=False)
    r = c.get(f"{API}/_boom")
    assert r.status_code == 500
    err = r.json()["error"]
    assert err["code"] == "internal"
    ref = err["message"].split("reference ")[1].split(" ")[0]
    assert len(ref) == 12
    assert secret not in r.text
    assert "Traceback" not in r.text
    assert any(ref in rec.getMessage() for rec in caplog.records)  # the log has the details


# --------------------------------------------------------------------------------------------
# The measured memory test: `lingtan serve` in a subprocess, its own RSS
# --------------------------------------------------------------------------------------------

BODY = 256 * MIB
UPLOAD_MB = 20


def _rss(pid: int) -> int:
    """Resident set size of process ``pid`` [bytes]."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")  # pragma: no cover


class PeakRss:
    """Samples a process's RSS in a background thread; ``peak`` the largest seen [bytes]."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = _rss(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss(self.pid))

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[int, int, str, Path]]:
    """``lingtan serve`` (SQLite, no job threads, 20 MB uploads): (port, pid, bearer token,
    data directory)."""
    from lingtan.adapters.store.db import make_engine, migrate

    root = tmp_path_factory.mktemp("live-limits")
    url = f"sqlite:///{root / 'lingtan.db'}"
    engine = make_engine(url)
    migrate(engine)
    new_org(engine, root, "acme", "owner@acme.example")
    engine.dispose()
    env = {
        "LINGTAN_MAX_UPLOAD_MB": str(UPLOAD_MB),
        "LINGTAN_WORKERS": "0",
        "LINGTAN_RATE_EXEMPT": "",
        "LINGTAN_RATE_BURST": "1000",
    }
    with serve_live(url, root, env=env) as server:
        yield server.port, server.pid, _token(server.base), root


def _token(base: str) -> str:
    """A bearer token of the owner, made through the API (login, then a token)."""
    from serverkit import PASSWORD

    login = urllib.request.Request(
        f"{base}{API}/auth/login",
        data=json.dumps({"email": "owner@acme.example", "password": PASSWORD}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(login, timeout=60) as r:
        cookie = r.headers["set-cookie"].split(";")[0]
        csrf = r.headers.get("x-csrf-token", "")
    made = urllib.request.Request(
        f"{base}{API}/orgs/acme/tokens",
        data=json.dumps({"name": "limits"}).encode(),
        headers={"content-type": "application/json", "cookie": cookie, "x-csrf-token": csrf},
    )
    with urllib.request.urlopen(made, timeout=60) as r:
        return str(json.loads(r.read())["token"])


def _send(
    port: int,
    path: str,
    head: dict[str, str],
    body: Iterator[bytes],
) -> int | None:
    """Send a request whose body is streamed from ``body``; stop sending as soon as the
    server answers. The status (None when the connection closed without one)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in head.items()]
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        for chunk in body:
            if select.select([s], [], [], 0)[0]:
                break  # the server has answered (413): send no more
            try:
                s.sendall(chunk)
            except OSError:  # closed after answering: read what it said
                break
        answer = b""
        try:
            while b"\r\n" not in answer:
                got = s.recv(4096)
                if not got:
                    break
                answer += got
        except OSError:
            pass
        return int(answer.split()[1]) if answer.startswith(b"HTTP/1.1 ") else None
    finally:
        s.close()


def _zeros(total: int, chunk: int = 256 * 1024) -> Iterator[bytes]:
    block = b"0" * chunk
    for _ in range(total // chunk):
        yield block


#: a multipart boundary, and the start of a file part: what follows is the file's content
B = "lingtanlimits"
FILE_PART = (
    f'--{B}\r\nContent-Disposition: form-data; name="file"; filename="electricity_x.csv"\r\n'
    "Content-Type: text/csv\r\n\r\n"
).encode()


def _chunked(total: int) -> Iterator[bytes]:
    """A chunked body: a multipart file part of ``total`` bytes (never terminated)."""
    for block in itertools.chain([FILE_PART], _zeros(total)):
        yield b"%x\r\n%s\r\n" % (len(block), block)


def test_parallel_256mb_bodies_leave_memory_bounded(
    live_server: tuple[int, int, str, Path],
) -> None:
    port, pid, _, _ = live_server
    idle = _rss(pid)
    sends = [
        (
            f"{API}/orgs/acme/imports",
            {"Content-Length": str(BODY), "Content-Type": "multipart/form-data; boundary=x"},
        ),
        (f"{API}/auth/login", {"Content-Length": str(BODY), "Content-Type": "application/json"}),
        (
            f"{API}/orgs/acme/sites",
            {"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        ),
        (
            "/o/acme/imports",
            {"Transfer-Encoding": "chunked", "Content-Type": f"multipart/form-data; boundary={B}"},
        ),
    ]
    statuses: list[int | None] = [None] * len(sends)

    def run(i: int) -> None:
        path, head = sends[i]
        body = _chunked(BODY) if "Transfer-Encoding" in head else _zeros(BODY)
        statuses[i] = _send(port, path, head, body)

    with PeakRss(pid) as rss:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print(f"4 x 256 MB bodies: server RSS idle {idle / MIB:.0f} MiB, peak {rss.peak / MIB:.0f} MiB")
    assert statuses == [413] * len(sends)
    assert rss.peak - idle < 100 * MIB, f"RSS {idle / MIB:.0f} → {rss.peak / MIB:.0f} MiB"


def test_authenticated_upload_is_streamed(live_server: tuple[int, int, str, Path]) -> None:
    """A 19 MB upload (limit 20 MB): the server's memory grows far less than the file."""
    port, pid, token, _ = live_server
    size = 19 * MIB
    boundary = uuid.uuid4().hex
    head_part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="on_duplicate"\r\n\r\nappend\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="electricity_big.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    row = b"TJ01,2024-04-01,2024-04-30,5,kWh,grid,G\n"
    rows = (size - len(CSV)) // len(row)

    def body() -> Iterator[bytes]:
        yield head_part + CSV
        for _ in range(rows // 4096):
            yield row * 4096
        yield row * (rows % 4096) + tail

    length = len(head_part) + len(CSV) + rows * len(row) + len(tail)
    small = head_part + CSV + tail  # first: the modules an upload imports are loaded
    auth = {"Authorization": f"Bearer {token}"}
    warm = {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    assert (
        _send(
            port,
            f"{API}/orgs/acme/imports",
            {**warm, "Content-Length": str(len(small))},
            iter([small]),
        )
        == 202
    )
    idle = _rss(pid)
    with PeakRss(pid) as rss:
        status = _send(
            port,
            f"{API}/orgs/acme/imports",
            {
                "Content-Length": str(length),
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            body(),
        )
    print(f"19 MB upload: server RSS idle {idle / MIB:.0f} MiB, peak {rss.peak / MIB:.0f} MiB")
    assert status == 202
    assert rss.peak - idle < size / 2, f"RSS {idle / MIB:.0f} → {rss.peak / MIB:.0f} MiB"
    over = _send(
        port,
        f"{API}/orgs/acme/imports",
        {
            "Content-Length": str(21 * MIB),
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        _zeros(21 * MIB),
    )
    assert over == 413


def test_nothing_half_written_on_refusal(live_server: tuple[int, int, str, Path]) -> None:
    """A streamed upload past the limit leaves no file in the data directory."""
    port, _, token, root = live_server
    before = {p for p in root.glob("orgs/*/uploads/**/*") if p.is_file()}
    boundary = "b0undary"
    head_part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="electricity_x.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()

    def body() -> Iterator[bytes]:
        yield head_part + CSV
        yield from _zeros(30 * MIB)

    status = _send(
        port,
        f"{API}/orgs/acme/imports",
        {
            "Transfer-Encoding": "chunked",
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        (b"%x\r\n%s\r\n" % (len(c), c) for c in body()),
    )
    assert status == 413
    assert {p for p in root.glob("orgs/*/uploads/**/*") if p.is_file()} == before
