"""The answer request a respondent makes, and `wrk` driving a list of requests on loopback."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import msgspec

from service.domain.questionnaire import Indicator


class HttpRequest(msgspec.Struct, frozen=True):
    """One request as a load generator sends it."""

    method: str
    path: str
    body: bytes
    content_type: str
    ok: frozenset[int]  # the statuses that mean the answer was saved


def answer_request(token: str, indicator: Indicator, choice: int) -> HttpRequest:
    """The request a respondent makes to answer one indicator: save it and get what comes next.

    The card's use case over the JSON API (``PUT /api/v1/respond/{token}/indicators/{id}``):
    every dimension of the indicator at ``choice`` in one request, as one card submits it
    (at 0 the follow-ups are ignored). Every answer benchmark goes through this one function.
    """
    body = {"levels": {d.value: choice for d in indicator.dimensions}, "comment": ""}
    return HttpRequest(
        "PUT",
        f"/api/v1/respond/{token}/indicators/{indicator.id}",
        msgspec.json.encode(body),
        "application/json",
        frozenset({200}),
    )


def card_page_request(token: str, indicator: str) -> HttpRequest:
    """The respondent's next card as the browser fetches it after saving (render only)."""
    return HttpRequest("GET", f"/r/{token}/i/{indicator}", b"", "", frozenset({200}))


def commit_request(choice: int) -> HttpRequest:
    """The bare reference endpoint: commit one row, render a small template (``bench/app.py``)."""
    return HttpRequest(
        "POST",
        "/bench/commit",
        msgspec.json.encode({"choice": choice}),
        "application/json",
        frozenset({200}),
    )


def json_request() -> HttpRequest:
    """The trivial JSON reference endpoint."""
    return HttpRequest("GET", "/bench/json", b"", "", frozenset({200}))


class WrkResult(msgspec.Struct, kw_only=True):
    """What one wrk run measured."""

    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx responses plus socket errors


def ensure_wrk() -> str:
    """The wrk binary (``just bench`` installs it when missing)."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            "wrk is not installed: run `just bench` (it installs wrk) or apt install wrk"
        )
    return path


def _lua_string(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return '"' + "".join(f"\\{b:03d}" for b in raw) + '"'


def lua_script(requests: list[HttpRequest]) -> str:
    """A wrk script that cycles through ``requests``, each thread from a different place."""
    entries = []
    for r in requests:
        headers = (
            f'{{["Content-Type"] = {_lua_string(r.content_type)}}}' if r.content_type else "{}"
        )
        body = _lua_string(r.body) if r.body else "nil"
        entries.append(f"  {{{_lua_string(r.method)}, {_lua_string(r.path)}, {headers}, {body}}},")
    return (
        "local specs = {\n"
        + "\n".join(entries)
        + "\n}\n"
        + """
local formatted = {}
local i = 0
local counter = 1
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 7
end
function init(args)
  for n, s in ipairs(specs) do
    formatted[n] = wrk.format(s[1], s[2], s[3], s[4])
  end
  i = (offset or 0) % #formatted
end
function request()
  i = i % #formatted + 1
  return formatted[i]
end
"""
    )


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(
    url: str, requests: list[HttpRequest], *, connections: int, seconds: int, threads: int = 2
) -> WrkResult:
    """Run wrk against ``url`` for ``seconds`` with ``connections`` keep-alive clients."""
    binary = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "requests.lua"
        script.write_text(lua_script(requests))
        out = subprocess.run(
            [
                binary,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "--latency",
                "-s",
                str(script),
                url,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    if not (total and rate and p50 and p99):
        raise RuntimeError(f"could not read wrk output:\n{out}")
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0}[total.group(3)]
    errors = 0
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(bad.group(1))
    if sock := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(x) for x in sock.groups())
    return WrkResult(
        requests=int(total.group(1)),
        seconds=float(total.group(2)) * scale,
        per_second=float(rate.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        errors=errors,
    )
