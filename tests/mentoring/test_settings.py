import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "mentoring" / "settings.py").read_text()
    example = (ROOT / ".env.example").read_text()

    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))

    assert sorted(read - listed) == []
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MAP_TILE_URL", "SITE_URL"} <= read


def test_env_example_lists_every_variable_gunicorn_conf_reads():
    gunicorn_source = (ROOT / "gunicorn.conf.py").read_text()
    example = (ROOT / ".env.example").read_text()

    read = set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', gunicorn_source))
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))

    assert sorted(read - listed) == []
    assert {"WEB_CONCURRENCY", "GUNICORN_BIND", "LOG_FORMAT"} <= read
