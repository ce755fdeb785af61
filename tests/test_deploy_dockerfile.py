"""The Docker image (docs/deployment.md), checked by what it does, without a Docker engine.

The slow test builds the image's virtualenv by running the build stage's own RUN lines, lays out /app as
the runtime stage's COPY lines do, starts the Dockerfile's CMD from there (read from the file, whatever
module it names) and asks the server for /healthz, an upload and the page. The fast tests keep the
properties that only the Dockerfile can show: a non-root user, a health check, no secret or browser
baked in, a build context that holds every copied path, and no code copied before the dependency layer.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.utils import canonicalize_name

try:
    from tests import servers
except ImportError:  # tests/ itself on sys.path (pytest's default import mode)
    import servers

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


INSTRUCTIONS = servers.parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))
STAGES = max(i.stage for i in INSTRUCTIONS) + 1
FINAL = STAGES - 1


def of(keyword: str, stage: int | None = None) -> list[servers.Instruction]:
    return [i for i in INSTRUCTIONS if i.keyword == keyword and (stage is None or i.stage == stage)]


def exec_form(args: str) -> list[str]:
    """Return the command of an exec-form (JSON array) CMD/ENTRYPOINT."""
    command = json.loads(args)
    assert isinstance(command, list), "CMD must use the exec form (a JSON array): signals reach gunicorn"
    return command


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def is_ignored(path: str, patterns: list[str]) -> bool:
    """Return True when ``.dockerignore`` keeps ``path`` (relative, posix) out of the build context."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    for pattern in patterns:
        bare = pattern.removeprefix("**/")
        for prefix in prefixes:
            if fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix.split("/")[-1], bare):
                return True
    return False


def copied_sources(stage: int) -> list[str]:
    sources = []
    for instruction in of("COPY", stage):
        if "--from=" in instruction.args:
            continue
        words = shlex.split(instruction.args)
        sources.extend(w for w in words[:-1] if not w.startswith("--"))
    return sources


def install_runs() -> list[servers.Instruction]:
    return [i for i in of("RUN") if re.search(r'pip"?\s+install\b', i.args)]


# ---- (1) cache-friendly layer order, runtime dependencies only -------------------------------------


def test_dependencies_install_from_the_runtime_lock_before_any_code_is_copied():
    """Only the runtime lock is in the build context when dependencies install: code edits keep that layer."""
    build = install_runs()[0].stage
    position = {id(i): n for n, i in enumerate(INSTRUCTIONS)}
    install_at = position[id(install_runs()[0])]
    copied_before = [
        source
        for i in of("COPY", build)
        if position[id(i)] < install_at
        for source in shlex.split(i.args)[:-1]
        if not source.startswith("--")
    ]
    assert copied_before and all(source.startswith("requirements/") for source in copied_before), (
        copied_before
    )


def test_copied_paths_exist_and_are_not_dockerignored():
    """A COPY of a missing or ignored path would fail the build; every one is in the build context."""
    patterns = dockerignore_patterns()
    for stage in range(STAGES):
        for source in copied_sources(stage):
            assert (ROOT / source).exists(), source
            assert not is_ignored(source, patterns), source


# ---- (1) user, port, command, health check ---------------------------------------------------------


def test_runs_as_a_non_root_user():
    """The last USER before CMD is a named, non-root user."""
    users = of("USER", FINAL)
    assert users, "the runtime stage must switch away from root"
    user = users[-1].args.split(":")[0]
    assert user not in {"root", "0", ""}
    position = {id(i): n for n, i in enumerate(INSTRUCTIONS)}
    assert position[id(users[-1])] < position[id(of("CMD", FINAL)[-1])]
    created = " ".join(i.args for i in of("RUN", FINAL))
    assert re.search(rf"useradd\b.*\b{re.escape(user)}\b", created)


def test_start_command_is_exec_form_on_the_exposed_port():
    """CMD is a JSON array (signals reach the server, not a shell); EXPOSE is the port PORT sets."""
    exec_form(of("CMD", FINAL)[-1].args)
    env = " ".join(e.args for e in of("ENV", FINAL))
    port = re.search(r"\bPORT=(\d+)\b", env)
    assert port and [e.args for e in of("EXPOSE", FINAL)] == [port.group(1)]
    assert not of("ENTRYPOINT"), "no entrypoint: `docker run IMAGE python -m metrics ...` must work"


def test_a_healthcheck_asks_healthz():
    """The image declares a HEALTHCHECK on /healthz (the slow test runs it against the started CMD)."""
    (check,) = of("HEALTHCHECK", FINAL)
    assert "/healthz" in check.args and "CMD" in check.args


def test_no_secrets_are_baked_in():
    """No ENV or ARG sets a password, token, secret or credentialed URL; .env files never enter the context."""
    for instruction in of("ENV") + of("ARG"):
        assert not re.search(r"(PASSWORD|SECRET|TOKEN|API_KEY|CACHE_REDIS_URL)", instruction.args, re.I)
        assert not re.search(r"://[^/\s]*:[^/\s]*@", instruction.args)
    patterns = dockerignore_patterns()
    for secret_file in (".env", ".env.production", "server.pem", "tls.key"):
        assert is_ignored(secret_file, patterns)


def test_dockerignore_keeps_local_state_out_of_the_context():
    """The virtualenv, git history, test artifacts, benchmark workloads and caches are not sent to Docker."""
    patterns = dockerignore_patterns()
    for path in (".venv", ".git", "tests/artifacts", "benchmarks/workloads", "metrics/__pycache__",
                 ".pytest_cache", ".ruff_cache", "cache"):  # fmt: skip
        assert is_ignored(path, patterns), path
    for path in ("app.py", "metrics/view.py", "assets/bootstrap.min.css", "data/demo/tracking.csv"):
        assert not is_ignored(path, patterns), path


def test_no_browser_in_the_image():
    """No instruction installs chromium or kaleido (reports draw their charts natively)."""
    assert not re.search(r"chromium|kaleido", " ".join(i.args for i in INSTRUCTIONS), re.I)


# ---- docker-compose.yml ----------------------------------------------------------------------------


def test_compose_wires_redis_with_healthchecks_and_a_cache_volume():
    """The app talks to the redis:7-alpine service, both have health checks, the file cache has a volume."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    app, redis = compose["services"]["app"], compose["services"]["redis"]
    assert redis["image"] == "redis:7-alpine"
    assert app["environment"]["CACHE_REDIS_URL"] == "redis://redis:6379/0"
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "/healthz" in " ".join(app["healthcheck"]["test"])
    assert "ping" in " ".join(redis["healthcheck"]["test"])
    cache_dir = next(
        i.args.split("CACHE_DIR=")[1].split()[0] for i in of("ENV", FINAL) if "CACHE_DIR=" in i.args
    )
    volume, _, target = app["volumes"][0].partition(":")
    assert target == cache_dir and volume in compose["volumes"]
    assert "8050" in app["ports"][0]
    command = redis["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"


# ---- (b) the image's install step and start command, outside Docker ------------------------------


def image_app_dir(target: Path) -> Path:
    """Lay out the runtime stage's WORKDIR as its COPY lines do (build-context paths, .dockerignore applied)."""
    patterns = dockerignore_patterns()
    target.mkdir(parents=True)
    for instruction in of("COPY", FINAL):
        if "--from=" in instruction.args:
            continue
        *sources, destination = shlex.split(instruction.args)
        for source in sources:
            origin = ROOT / source
            into = target / destination if destination not in {".", "./"} else target
            # As Docker does, a directory's contents go into the destination.
            files = [path for path in origin.rglob("*") if path.is_file()] if origin.is_dir() else [origin]
            for path in files:
                relative = path.relative_to(ROOT).as_posix()
                if is_ignored(relative, patterns):
                    continue
                placed = into / path.relative_to(origin) if origin.is_dir() else into / path.name
                placed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, placed)
    return target


def installed(python: Path, cwd: Path) -> dict[str, str]:
    """Return {canonical name: version} of every distribution in ``python``'s environment."""
    # Run away from the checkout: its egg-info would be found on sys.path[0].
    listing = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m, json; "
         "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"],
        capture_output=True, text=True, check=True, cwd=cwd,
    )  # fmt: skip
    return {canonicalize_name(name): version for name, version in json.loads(listing.stdout).items()}


@pytest.mark.slow
def test_install_step_and_start_command_serve_healthz_in_a_fresh_venv(tmp_path):
    """
    The virtualenv built by the Dockerfile's own RUN lines holds exactly the runtime lock; the image's files,
    started by its CMD, answer /healthz, the HEALTHCHECK, an upload and the page.
    """
    venv = tmp_path / "venv"
    build_dir = tmp_path / "src"
    build_dir.mkdir()
    # What the build stage copies before its RUN lines: the runtime lock, under the name it is given.
    for instruction in of("COPY", 0):
        source, destination = shlex.split(instruction.args)[-2:]
        (build_dir / destination).write_bytes((ROOT / source).read_bytes())
    servers.run_build_stage(DOCKERFILE, venv, build_dir)
    python = venv / "bin" / "python"

    # Exactly the runtime lock's pins are installed (pip itself is removed), so no test tool ships.
    lock = (ROOT / "requirements" / "runtime.txt").read_text(encoding="utf-8")
    pinned = {canonicalize_name(n): v for n, v in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", lock, re.M)}
    assert installed(python, build_dir) == {
        name: version for name, version in pinned.items() if name != "pip"
    }
    for absent in ("pytest", "selenium", "pip", "kaleido", "pandas.tests", "pyarrow.tests"):
        found = subprocess.run([str(python), "-c", f"import {absent}"], capture_output=True)
        assert found.returncode != 0, f"{absent} must not be in the runtime virtualenv"

    # The runtime stage's files alone (its COPY lines) serve the app, started by its CMD.
    app_dir = image_app_dir(tmp_path / "app")
    start = exec_form(of("CMD", FINAL)[-1].args)
    start[0] = str(venv / "bin" / start[0])
    cache_dir = tmp_path / "cache"
    env = {"CACHE_DIR": str(cache_dir), "LIBRARY_DIR": str(tmp_path / "library")}
    server = servers.start_gunicorn(tmp_path, env, command=start, python=python, app_dir=app_dir)
    with servers.running(server):
        status, _, body = servers.http_get(f"{server.url}/healthz")
        assert status == 200
        health = json.loads(body)
        assert health["status"] == "ok" and health["cache"]["reachable"] is True
        assert health["version"] == PYPROJECT["project"]["version"]
        # The image's own HEALTHCHECK command, run as Docker would run it, passes against this server.
        (check,) = of("HEALTHCHECK", FINAL)
        check_command = check.args.split("CMD", 1)[1].strip().replace("python ", f"{python} ", 1)
        result = subprocess.run(
            ["sh", "-c", check_command], env={"PORT": str(server.port)}, capture_output=True, timeout=30
        )
        assert result.returncode == 0, result.stderr
        # The slimmed virtualenv (no test suites, no pip) still parses, stores and computes.
        upload = servers.upload_dataset(server.url, servers.DATASET_A)
        assert upload.status_code == 201, upload.text
        assert servers.kpis_of(server, upload.json()["key"])["revenue"] == 3500
        # Static files come from the server itself: the page links no CDN.
        status, _, page = servers.http_get(server.url + "/")
        assert status == 200
        assert not re.search(rb"""(src|href)=["']https?://""", page)
