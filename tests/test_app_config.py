"""Settings from the environment (docs/configuration.md) and the app factory."""

from __future__ import annotations

import pytest

from app import build_parser, create_app
from server.config import ConfigError, cache_config, max_upload_bytes, settings


def test_defaults_without_environment():
    """With no variables set: a file cache, 200 MB uploads, no row limit, the demo autoloaded."""
    parsed = settings(environ={})
    assert parsed["CACHE_TYPE"] == "FileSystemCache"
    assert parsed["MAX_UPLOAD_MB"] == 200.0 and parsed["MAX_ROWS"] is None
    assert parsed["AUTOLOAD_DEMO"] is True and parsed["LOG_LEVEL"] == "INFO"
    assert max_upload_bytes(parsed) == 200 * 1024 * 1024


def test_environment_is_parsed_and_typed():
    """Variables arrive as text and are parsed: numbers, booleans, upper-cased log level."""
    parsed = settings(
        environ={"MAX_UPLOAD_MB": "50", "MAX_ROWS": "1000", "AUTOLOAD_DEMO": "no", "LOG_LEVEL": "debug"}
    )
    assert (parsed["MAX_UPLOAD_MB"], parsed["MAX_ROWS"]) == (50.0, 1000)
    assert parsed["AUTOLOAD_DEMO"] is False and parsed["LOG_LEVEL"] == "DEBUG"


def test_redis_url_selects_redis_unless_a_type_is_given():
    """CACHE_REDIS_URL alone switches to Redis; an explicit CACHE_TYPE wins."""
    redis = settings(environ={"CACHE_REDIS_URL": "redis://localhost:6379/0"})
    assert redis["CACHE_TYPE"] == "RedisCache"
    assert cache_config(redis)["CACHE_REDIS_URL"] == "redis://localhost:6379/0"
    explicit = settings(environ={"CACHE_REDIS_URL": "redis://x", "CACHE_TYPE": "FileSystemCache"})
    assert explicit["CACHE_TYPE"] == "FileSystemCache"


def test_explicit_config_overrides_environment():
    """create_app's mapping beats the environment."""
    assert settings({"MAX_UPLOAD_MB": 5}, environ={"MAX_UPLOAD_MB": "50"})["MAX_UPLOAD_MB"] == 5.0


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"MAX_UPLOAD_MB": "lots"}, "MAX_UPLOAD_MB"),
        ({"MAX_ROWS": "0"}, "MAX_ROWS"),
        ({"AUTOLOAD_DEMO": "maybe"}, "AUTOLOAD_DEMO"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"CACHE_TYPE": "Memcached"}, "CACHE_TYPE"),
        ({"CACHE_TYPE": "RedisCache"}, "CACHE_REDIS_URL"),
    ],
)
def test_bad_values_name_the_variable(environ, named):
    """A value that cannot be used stops start-up with a message naming the variable."""
    with pytest.raises(ConfigError, match=named):
        settings(environ=environ)


def test_app_serves_assets_locally(tmp_path):
    """The page links only local assets (Bootstrap from assets/), never a CDN."""
    app = create_app({"CACHE_DIR": str(tmp_path), "AUTOLOAD_DEMO": False})
    page = app.server.test_client().get("/").get_data(as_text=True)
    assert "/assets/bootstrap.min.css" in page and "/assets/dashboard.css" in page
    assert "cdn" not in page.lower() and "googleapis" not in page
    assert app.server.config["AUTOLOAD_DEMO"] is False


def test_dev_server_arguments():
    """``python app.py`` takes --host, --port and --debug."""
    arguments = build_parser().parse_args(["--host", "0.0.0.0", "--port", "9000", "--debug"])
    assert (arguments.host, arguments.port, arguments.debug) == ("0.0.0.0", 9000, True)
