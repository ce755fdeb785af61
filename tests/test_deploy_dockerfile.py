"""The Docker image definition (docs/deployment.md): checked by parsing, and by running its steps without Docker.

No Docker engine is needed: the Dockerfile is parsed into instructions and every promise of the
deployment docs is checked on them; the slow test then runs the image's dependency-install step and
its start command in a fresh virtualenv and asks the running server for /healthz.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

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


def arg_defaults() -> dict[str, str]:
    """Return the default of every global ARG (those before the first FROM)."""
    defaults = {}
    for instruction in INSTRUCTIONS:
        if instruction.keyword == "ARG" and instruction.stage == -1 and "=" in instruction.args:
            name, _, value = instruction.args.partition("=")
            defaults[name] = value
    return defaults


def base_image(stage: servers.Instruction) -> str:
    image = stage.args.split()[0]
    for name, value in arg_defaults().items():
        image = image.replace(f"${{{name}}}", value).replace(f"${name}", value)
    return image


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


# ---- (1) base image and stages ----------------------------------------------------------------------


def test_every_stage_is_python_311_slim_bookworm():
    """Both the build and the runtime stage start from python:3.11-slim-bookworm."""
    froms = of("FROM")
    assert len(froms) >= 2, "a multi-stage build keeps pip and build files out of the runtime image"
    assert {base_image(f) for f in froms} == {"python:3.11-slim-bookworm"}


def test_runtime_stage_takes_only_the_virtualenv_from_the_build_stage():
    """The final stage copies the finished virtualenv from the build stage and installs nothing itself."""
    from_build = [i for i in of("COPY", FINAL) if "--from=" in i.args]
    assert len(from_build) == 1
    assert shlex.split(from_build[0].args)[1:] == ["/opt/venv", "/opt/venv"]
    assert not [i for i in install_runs() if i.stage == FINAL]


# ---- (1) cache-friendly layer order, runtime dependencies only -------------------------------------


def test_dependencies_install_from_the_runtime_lock_before_any_code_is_copied():
    """Only the runtime lock is in the build context when dependencies install: code edits keep that layer."""
    build = install_runs()[0].stage
    position = {id(i): n for n, i in enumerate(INSTRUCTIONS)}
    install_at = position[id(install_runs()[0])]
    copies_before = [i for i in of("COPY", build) if position[id(i)] < install_at]
    assert [shlex.split(i.args) for i in copies_before] == [
        ["requirements/runtime.txt", "./requirements.txt"]
    ]
    code = {"app.py", "metrics", "callbacks", "layouts"}
    assert not code & set(copied_sources(build))


def test_install_step_reads_the_runtime_lock_with_hashes_only():
    """The image installs the runtime lock (exact versions, hashes required): no test extra, nothing unpinned."""
    run = install_runs()[0].args
    assert "--require-hashes" in shlex.split(run) and "-r requirements.txt" in run
    assert len(install_runs()) == 1, "a second pip install would resolve versions outside the lock"
    # The runtime lock must not drag test tools in (e.g. dash[testing] pulls selenium).
    lock = (ROOT / "requirements" / "runtime.txt").read_text(encoding="utf-8")
    pinned = re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.M)
    assert {"dash", "pandas", "pyarrow", "gunicorn"} <= {name.lower() for name in pinned}
    assert not [n for n in pinned if re.match(r"(pytest|hypothesis|selenium|ruff)$", n, re.I)]
    assert "--no-cache-dir" in run or "PIP_NO_CACHE_DIR=1" in DOCKERFILE.read_text(encoding="utf-8")


def test_image_gets_every_package_of_the_distribution():
    """Every module and package pyproject.toml lists is copied into the runtime image, plus the assets."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    needed = {f"{m}.py" for m in setuptools["py-modules"]} | set(setuptools["packages"])
    copied = {source.rstrip("/") for source in copied_sources(FINAL)}
    assert needed <= copied
    assert {"assets", "gunicorn.conf.py"} <= copied


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


def test_serves_app_server_with_gunicorn_and_its_config_on_port_8050():
    """CMD runs gunicorn on wsgi:server with gunicorn.conf.py; EXPOSE and PORT say 8050."""
    command = exec_form(of("CMD", FINAL)[-1].args)
    assert command[0] == "gunicorn"
    assert command[-1] == "wsgi:server"
    assert command[command.index("--config") + 1] == "gunicorn.conf.py"
    assert [e.args for e in of("EXPOSE", FINAL)] == ["8050"]
    env = " ".join(e.args for e in of("ENV", FINAL))
    assert re.search(r"\bPORT=8050\b", env)
    assert not of("ENTRYPOINT"), "no entrypoint: `docker run IMAGE python -m metrics ...` must work"


def test_healthcheck_uses_python_urllib_on_healthz():
    """The HEALTHCHECK asks /healthz with python's urllib (slim has no curl) and fails on an error status."""
    (check,) = of("HEALTHCHECK", FINAL)
    assert "/healthz" in check.args
    assert "urllib.request" in check.args
    assert not re.search(r"\b(curl|wget)\b", check.args)
    assert "CMD" in check.args
    for option in ("--interval=", "--timeout=", "--start-period="):
        assert option in check.args


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


def test_no_browser_in_the_image_and_a_note_where_it_would_go():
    """The image installs no chromium/kaleido, and a comment says where that layer would go."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert not re.search(r"chromium|kaleido", " ".join(i.args for i in INSTRUCTIONS), re.I)
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    assert re.search(r"kaleido", comments) and re.search(r"chromium", comments)


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


@pytest.mark.slow
def test_install_step_and_start_command_serve_healthz_in_a_fresh_venv(tmp_path):
    """A fresh venv built by the Dockerfile's own RUN lines, started by its CMD, answers /healthz with 200."""
    venv = tmp_path / "venv"
    build_dir = tmp_path / "src"
    build_dir.mkdir()
    # What the build stage copies before its RUN lines: the runtime lock, as requirements.txt.
    (build_dir / "requirements.txt").write_bytes((ROOT / "requirements" / "runtime.txt").read_bytes())
    servers.run_build_stage(DOCKERFILE, venv, build_dir)
    python = venv / "bin" / "python"
    for absent in ("pytest", "selenium", "pip", "pandas.tests", "pyarrow.tests"):
        found = subprocess.run([str(python), "-c", f"import {absent}"], capture_output=True)
        assert found.returncode != 0, f"{absent} must not be in the runtime virtualenv"

    start = exec_form(of("CMD", FINAL)[-1].args)
    start[0] = str(venv / "bin" / start[0])
    cache_dir = tmp_path / "cache"
    server = servers.start_gunicorn(tmp_path, {"CACHE_DIR": str(cache_dir)}, command=start, python=python)
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
