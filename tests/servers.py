"""Start and stop real servers for the deployment tests: redis-server and gunicorn on free loopback ports.

Every server is started by this module and stopped by its own pid (SIGTERM, then SIGKILL after a
grace period), never by name, so parallel test runs and other services on the machine are left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER_PID_HEADER = "X-Worker-Pid"


def free_port() -> int:
    """Return a TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server process started by this module: its process, port and log file."""

    process: subprocess.Popen
    port: int
    log_path: Path
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        """Return everything the server wrote to stdout and stderr so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def json_log(self) -> list[dict]:
        """Return the log lines that are JSON objects, parsed."""
        lines = []
        for line in self.log().splitlines():
            with contextlib.suppress(ValueError):
                parsed = json.loads(line)
                if isinstance(parsed, dict):
                    lines.append(parsed)
        return lines


def stop(server: Server, grace_s: float = 10.0) -> None:
    """Stop ``server`` by its pid: SIGTERM, then SIGKILL if it is still running after ``grace_s``."""
    if server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=grace_s)


def _wait_until(check, timeout_s: float, what: str, server: Server) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{what} exited with {server.process.returncode}:\n{server.log()[-4000:]}")
        if check():
            return
        time.sleep(0.1)
    stop(server)
    raise TimeoutError(f"{what} did not become ready in {timeout_s:.0f} s:\n{server.log()[-4000:]}")


def redis_ping(port: int) -> bool:
    """Return True when a Redis server on 127.0.0.1:``port`` answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(work_dir: Path, *, port: int | None = None, timeout_s: float = 15.0) -> Server:
    """
    Start a throw-away ``redis-server`` on a free loopback port (or ``port``), without persistence.

    Raises
    ------
    FileNotFoundError
        When redis-server is not installed (``make system-deps`` installs it).
    """
    executable = shutil.which("redis-server")
    if executable is None:
        raise FileNotFoundError("redis-server is not installed; run `make system-deps`")
    port = port or free_port()
    log_path = work_dir / f"redis-{port}.log"
    command = [
        executable,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(work_dir),
        "--daemonize", "no",
    ]  # fmt: skip
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, cwd=work_dir)
    server = Server(process, port, log_path)
    _wait_until(lambda: redis_ping(port), timeout_s, "redis-server", server)
    return server


def http_get(url: str, timeout_s: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """Return (status, headers, body) of a GET, also for 4xx/5xx answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _healthy(url: str) -> bool:
    try:
        return http_get(f"{url}/healthz", timeout_s=5)[0] == 200
    except OSError:
        return False


def start_gunicorn(
    work_dir: Path,
    env: Mapping[str, str],
    *,
    command: list[str] | None = None,
    python: str | Path = sys.executable,
    app_dir: Path = ROOT,
    workers: int = 2,
    threads: int = 2,
    timeout_s: float = 90.0,
) -> Server:
    """
    Start gunicorn serving ``wsgi:server`` with the project's gunicorn.conf.py on a free loopback port.

    Returns once ``/healthz`` answers 200.

    Parameters
    ----------
    work_dir : Path
        Where the log file goes.
    env : mapping
        Extra environment (CACHE_DIR, CACHE_REDIS_URL, LOG_LEVEL, ...); HOST, PORT and the worker counts
        are set here.
    command : list of str, optional
        The start command (default ``python -m gunicorn --config gunicorn.conf.py wsgi:server``).
    python : path, default the running interpreter
        The interpreter whose environment serves the app (its ``bin`` goes first on PATH).
    app_dir : Path, default the repository
        Working directory: where app.py and gunicorn.conf.py are.
    """
    port = free_port()
    log_path = work_dir / f"gunicorn-{port}.log"
    bin_dir = str(Path(python).parent)
    full_env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
        # The multi-worker tests tell workers apart by this header (off by default: docs/security.md).
        "WORKER_PID_HEADER": "true",
        **env,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    full_env.pop("PYTHONPATH", None)
    if command is None:
        command = [str(python), "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:server"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, stdout=log_file, stderr=subprocess.STDOUT, cwd=app_dir, env=full_env
        )
    server = Server(process, port, log_path, dict(env))
    _wait_until(lambda: _healthy(server.url), timeout_s, "gunicorn", server)
    return server


def worker_pids(server: Server) -> set[int]:
    """Return the pids of the gunicorn workers (the master's child processes that are gunicorn workers)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    if not children.exists():
        return set()
    return {int(pid) for pid in children.read_text().split()}


def wait_for_workers(
    server: Server, count: int, exclude: set[int] = frozenset(), timeout_s: float = 60.0
) -> set[int]:
    """Wait until the master has ``count`` workers none of which is in ``exclude``, and return their pids."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pids = worker_pids(server)
        if len(pids) == count and not pids & exclude:
            return pids
        time.sleep(0.1)
    raise TimeoutError(f"gunicorn did not get {count} fresh workers: {worker_pids(server)}")


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    """Yield ``server`` and stop it by pid afterwards, whatever happens."""
    try:
        yield server
    finally:
        stop(server)


# ---- the Docker image's build stage, run without Docker ------------------------------------------


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction: its keyword (upper case), argument text and build stage (0-based)."""

    keyword: str
    args: str
    stage: int


def parse_dockerfile(text: str) -> list[Instruction]:
    """Split a Dockerfile into instructions, joining continuation lines and dropping comments."""
    instructions: list[Instruction] = []
    stage = -1
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, args.strip(), stage))
    return instructions


def run_build_stage(dockerfile: Path, venv: Path, build_dir: Path, *, quiet: bool = False) -> None:
    """
    Run the RUN lines of the Dockerfile's first (build) stage on this machine, with its ENV.

    The image's virtualenv path is replaced by ``venv``; ``python`` is the running interpreter (the base
    image's there). ``build_dir`` plays the stage's WORKDIR and must hold what it copied (pyproject.toml).
    With ``quiet``, pip's output is shown only when a step fails.
    """
    instructions = parse_dockerfile(dockerfile.read_text(encoding="utf-8"))
    env = dict(os.environ)
    for instruction in instructions:
        if instruction.stage == 0 and instruction.keyword == "ENV":
            for word in shlex.split(instruction.args):
                name, _, value = word.partition("=")
                env[name] = value
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    for instruction in instructions:
        if instruction.stage == 0 and instruction.keyword == "RUN":
            result = subprocess.run(
                ["/bin/sh", "-c", instruction.args],  # as Docker runs a shell-form RUN
                cwd=build_dir,
                env=env,
                capture_output=quiet,
                text=True,
            )
            if result.returncode != 0:
                raise RuntimeError(f"RUN {instruction.args[:80]}... failed:\n{(result.stderr or '')[-4000:]}")


# ---- the HTTP API, as a client sees it --------------------------------------------------------------

INPUT_FILES = ("influencers", "posts", "tracking", "payouts")


def upload_dataset(url: str, files: Mapping[str, bytes], timeout_s: float = 120.0):
    """POST the four CSV files to ``/api/datasets``; return the ``requests`` response."""
    import requests

    multipart = {name: (f"{name}.csv", data, "text/csv") for name, data in files.items()}
    return requests.post(f"{url}/api/datasets", files=multipart, timeout=timeout_s)


def get(url: str, params=None, timeout_s: float = 60.0):
    """GET on a new connection (so consecutive requests can land on different workers)."""
    import requests

    with requests.Session() as session:
        return session.get(url, params=params, timeout=timeout_s, headers={"Connection": "close"})


def answers_by_worker(url: str, params=None, *, want: int = 2, max_requests: int = 120, parallel: int = 6):
    """
    Send GETs to ``url`` (``parallel`` at a time, each on a new connection) until ``want`` distinct
    workers have answered or ``max_requests`` were sent; return {worker pid: [responses]}.
    """
    from concurrent.futures import ThreadPoolExecutor

    by_pid: dict[int, list] = {}
    sent = 0
    with ThreadPoolExecutor(parallel) as pool:
        while sent < max_requests and len(by_pid) < want:
            batch = list(pool.map(lambda _: get(url, params), range(parallel)))
            sent += len(batch)
            for response in batch:
                by_pid.setdefault(int(response.headers[WORKER_PID_HEADER]), []).append(response)
    return by_pid


# ---- two tiny datasets whose KPIs are worked out by hand -------------------------------------------
# Both: i1 (nano, Instagram) paid 200 per post for one post on 2025-01-05; i2 (micro, YouTube) paid 1000
# by order. The user ids and captions carry a marker that must never show up in a log.
PRIVATE_MARKER = "priv7f3a"
_INFLUENCERS = (
    "influencer_id,name,category,gender,follower_count,platform\n"
    "i1,Asha,Beauty,Female,5000,Instagram\n"
    "i2,Ben,Tech,Male,50000,YouTube\n"
)
_POSTS = (
    "influencer_id,platform,date,url,caption,reach,likes,comments\n"
    f"i1,Instagram,2025-01-05,https://example.com/p1,launch {PRIVATE_MARKER},1000,50,10\n"
    f"i2,YouTube,2025-01-06,https://example.com/p2,review {PRIVATE_MARKER},2000,100,20\n"
)
_PAYOUTS = "influencer_id,basis,total_payout\ni1,post,200\ni2,order,1000\n"

# A: revenue 500 (i1, 2025-01-05) + 3000 (i2, 2 orders, 2025-01-07); u3's click has no order.
# Unfiltered: revenue 3500, orders 3, spend 200 + 1000 = 1200, ROAS 3500 / 1200.
# From 2025-01-07: revenue 3000, spend 1000 (i1's only post is earlier), ROAS 3.0.
DATASET_A = {
    "influencers": _INFLUENCERS.encode(),
    "posts": _POSTS.encode(),
    "tracking": (
        "source,campaign,influencer_id,user_id,product,date,orders,revenue\n"
        f"influencer,Spring,i1,u1-{PRIVATE_MARKER},Lipstick,2025-01-05,1,500\n"
        f"influencer,Spring,i2,u2-{PRIVATE_MARKER},Phone,2025-01-07,2,3000\n"
        f"influencer,Spring,i1,u3-{PRIVATE_MARKER},Lipstick,2025-01-08,0,0\n"
    ).encode(),
    "payouts": _PAYOUTS.encode(),
}
# B: the same people and payouts, other orders: revenue 800 + 200, orders 2, spend 1200.
DATASET_B = {
    **DATASET_A,
    "tracking": (
        "source,campaign,influencer_id,user_id,product,date,orders,revenue\n"
        f"influencer,Autumn,i1,u1-{PRIVATE_MARKER},Lipstick,2025-01-05,1,800\n"
        f"influencer,Autumn,i2,u2-{PRIVATE_MARKER},Phone,2025-01-07,1,200\n"
        f"influencer,Autumn,i1,u3-{PRIVATE_MARKER},Lipstick,2025-01-08,0,0\n"
    ).encode(),
}


# ---- multi-worker scenarios, run against the file cache and against Redis --------------------------


def upload_both(server: Server) -> dict:
    """Upload DATASET_A and DATASET_B; return their keys and the worker pid that took each upload."""
    out: dict = {}
    for name, files in (("A", DATASET_A), ("B", DATASET_B)):
        response = upload_dataset(server.url, files)
        assert response.status_code == 201, response.text
        out[name] = response.json()["key"]
        out[f"{name}_pid"] = int(response.headers[WORKER_PID_HEADER])
    return out


def kpis_of(server: Server, key: str, **params) -> dict:
    """Return the KPI dict of a view, asserting a 200."""
    response = get(f"{server.url}/api/datasets/{key}/kpis", params)
    assert response.status_code == 200, response.text
    return response.json()["kpis"]


def assert_read_by_other_workers(server: Server, keys: dict) -> None:
    """Reads of dataset A land on >= 2 workers, one not the uploader, all with A's revenue (3500)."""
    by_pid = answers_by_worker(f"{server.url}/api/datasets/{keys['A']}/kpis")
    assert len(by_pid) >= 2, f"only worker(s) {sorted(by_pid)} answered"
    assert set(by_pid) - {keys["A_pid"]}, "a worker other than the uploading one answered"
    for responses in by_pid.values():
        assert {r.status_code for r in responses} == {200}
        assert {r.json()["kpis"]["revenue"] for r in responses} == {3500}


def assert_isolated(server: Server, keys: dict) -> None:
    """Each key always gives its own dataset's numbers (A: 3500 / 3 orders, B: 1000 / 2), on any worker."""
    for key, expected in ((keys["A"], (3500, 3)), (keys["B"], (1000, 2))):
        by_pid = answers_by_worker(f"{server.url}/api/datasets/{key}/kpis", max_requests=24)
        values = {
            (r.json()["kpis"]["revenue"], r.json()["kpis"]["orders"]) for rs in by_pid.values() for r in rs
        }
        assert values == {expected}
    campaigns_b = get(f"{server.url}/api/datasets/{keys['B']}/export/campaigns.csv").text
    assert "Autumn" in campaigns_b and "Spring" not in campaigns_b


def assert_killed_worker_loses_nothing(server: Server, keys: dict) -> None:
    """SIGKILL the worker that took upload A; its replacement serves A and B unchanged."""
    before = wait_for_workers(server, 2)
    victim = keys["A_pid"] if keys["A_pid"] in before else min(before)
    os.kill(victim, signal.SIGKILL)
    after = wait_for_workers(server, 2, exclude={victim})
    replacement = after - before
    assert replacement, "gunicorn started a new worker"
    for _ in range(10):
        by_pid = answers_by_worker(f"{server.url}/api/datasets/{keys['A']}/kpis", want=2)
        assert victim not in by_pid
        for responses in by_pid.values():
            assert {r.json()["kpis"]["revenue"] for r in responses} == {3500}
        if set(by_pid) & replacement:
            break
    else:
        raise AssertionError("the replacement worker never answered")
    kpis_b = kpis_of(server, keys["B"])
    assert (kpis_b["revenue"], kpis_b["orders"], kpis_b["spend"]) == (1000, 2, 1200)
