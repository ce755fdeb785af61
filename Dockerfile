# syntax=docker/dockerfile:1
# Influencer Campaign Dashboard: gunicorn serving wsgi:server (docs/deployment.md).
#   docker build -t influencer-dashboard .
#   docker run -p 8050:8050 influencer-dashboard            # file cache inside the container
#   docker compose up                                       # app + Redis
# Nothing secret is baked in: the Redis URL (and its password) comes from the environment at run time.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build stage: a virtualenv holding the runtime dependencies only --------------------------------
FROM ${PYTHON_IMAGE} AS build

ENV VIRTUAL_ENV=/opt/venv \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv "$VIRTUAL_ENV"

WORKDIR /src
# Dependencies first, from the runtime lock alone (requirements/runtime.txt: pyproject.toml's
# [project].dependencies resolved to exact versions with their hashes by `make lock`, no test extra):
# this layer is rebuilt only when the lock changes, and the same commit always installs the same files.
# Every one ships wheels for linux/amd64 and arm64, so no compiler is needed.
COPY requirements/runtime.txt ./requirements.txt
RUN "$VIRTUAL_ENV/bin/pip" install --no-cache-dir --require-hashes -r requirements.txt
# Test suites, C headers and pip itself are not needed to run the app: about 80 MB less. (setuptools
# stays: dash declares it as a dependency.)
RUN site="$("$VIRTUAL_ENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    && rm -rf "$site/pandas/tests" "$site/pyarrow/tests" "$site/pyarrow/include" \
    && find "$site/numpy" -depth -type d -name tests -exec rm -rf {} + \
    && "$VIRTUAL_ENV/bin/python" -m pip uninstall --yes --quiet pip

# ---- runtime stage -----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# Charts in the PDF/XLSX reports are drawn natively by ReportLab and XlsxWriter, so the image holds no
# browser. If figures ever had to be rendered to PNG with kaleido, this is where its layer would go,
# before the code is copied (about +400 MB):
#   RUN apt-get update && apt-get install -y --no-install-recommends chromium \
#       && rm -rf /var/lib/apt/lists/* && /opt/venv/bin/pip install --no-cache-dir kaleido

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=8050 \
    CACHE_DIR=/var/cache/influencer-dashboard \
    LIBRARY_DIR=/var/lib/influencer-dashboard/library

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p "$CACHE_DIR" "$LIBRARY_DIR" \
    && chown app:app "$CACHE_DIR" "$LIBRARY_DIR"

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# The code runs from /app (not installed into site-packages), so Dash serves assets/ from next to app.py:
# Bootstrap CSS, app CSS and favicon all come from the image, no CDN. Owned by root, read-only to the app.
COPY pyproject.toml app.py wsgi.py gunicorn.conf.py ./
COPY metrics ./metrics
COPY layouts ./layouts
COPY callbacks ./callbacks
COPY server ./server
COPY figures ./figures
COPY reports ./reports
COPY data ./data
COPY store ./store
COPY assets ./assets
# Bytecode compiled now: the app user cannot write __pycache__ next to root-owned code at run time.
RUN python -m compileall -q /app

USER app:app
EXPOSE 8050
# The file cache (when CACHE_REDIS_URL is not set) is in $CACHE_DIR: mount a volume there to keep
# datasets across container restarts (docker-compose.yml does); no VOLUME for it, so a plain `docker run`
# leaves no anonymous volume behind for a cache. Saved datasets are the team's data, not a cache: their
# folder is a volume, so they outlive the container even when no volume was named (docs/deployment.md).
VOLUME ["/var/lib/influencer-dashboard/library"]

# python's urllib (slim has no curl): exit non-zero unless /healthz answers 200 (503 = cache unreachable).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8050'), timeout=4)" || exit 1

CMD ["gunicorn", "--config", "gunicorn.conf.py", "wsgi:server"]
