"""Real fedomop processes for Python tests: synthetic DuckDB sites and a hub, started with the Node
CLI on ephemeral loopback ports (``--dev-insecure``: these tests are not about sign-in)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "bin" / "fedomop.js"
NODE = shutil.which("node")
BUILT = NODE is not None and (REPO / "lib" / "cli").is_dir()


def start_service(args: list[str], log: Path) -> tuple[subprocess.Popen, str]:
    """Starts ``fedomop <args>`` and returns the process and the URL it says it listens on."""
    process = subprocess.Popen(
        [NODE, str(CLI), *args], stdout=subprocess.PIPE, stderr=log.open("w"), text=True, cwd=REPO
    )
    assert process.stdout is not None
    for line in process.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            return process, match.group(1)
    raise AssertionError(f"fedomop {args[0]} did not start: {log.read_text()}")


def refused_url() -> str:
    """A loopback URL nothing listens on: a dead site."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextmanager
def federation(tmp: Path, sites: dict[str, tuple[int, int, str]], audit: bool = False, dead: tuple[str, ...] = ()):
    """Sites ``{id: (seed, persons, profile)}`` and a hub over them (plus ``dead`` sites nothing answers
    for): ``{"hub": url, "sites": {id: url}, "dir": tmp}``; ``audit`` writes ``<site>.audit.jsonl`` in tmp."""
    processes: list[subprocess.Popen] = []
    urls: dict[str, str] = {}
    try:
        for site, (seed, persons, profile) in sites.items():
            db = tmp / f"{site}.duckdb"
            synth = ["synth", "--seed", str(seed), "--persons", str(persons), "--profile", profile, "--out", str(db)]
            subprocess.run([NODE, str(CLI), *synth], check=True, capture_output=True, cwd=REPO)
            args = ["site", "--db", str(db), "--id", site, "--port", "0", "--dev-insecure"]
            if audit:
                args += ["--audit-log", str(tmp / f"{site}.audit.jsonl")]
            process, urls[site] = start_service(args, tmp / f"{site}.log")
            processes.append(process)
        entries = [f"{site}={url}" for site, url in urls.items()] + [f"{site}={refused_url()}" for site in dead]
        registry = [a for entry in entries for a in ("--site", entry)]
        hub, hub_url = start_service(["hub", "--port", "0", "--dev-insecure", *registry], tmp / "hub.log")
        processes.append(hub)
        yield {"hub": hub_url, "sites": urls, "dir": tmp}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
