"""Compiled templates kept between runs (sendcli.documents.template_cache): the same report either way,
only from the user's own private folder, never a file someone else could have written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sendcli.documents import rendering, template_cache

CONTEXT_TEMPLATE = "_base.html.j2"


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rendering.environment.cache_clear()
    yield tmp_path / "cache" / "sendcli" / "templates"
    rendering.environment.cache_clear()


def _env_and_bucket(name: str):
    env = rendering.environment("html", None)
    source, filename, _ = env.loader.get_source(env, name)
    cache = env.bytecode_cache
    return env, cache, cache.get_bucket(env, name, filename, source), source


def test_a_template_is_compiled_once_and_kept_privately(private_cache):
    env = rendering.environment("html", None)
    assert env.bytecode_cache is not None
    first = env.get_template("plan.html.j2")
    entries = sorted(private_cache.iterdir())
    assert entries, "nothing was kept"
    assert stat.S_IMODE(private_cache.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(entry.stat().st_mode) == 0o600 for entry in entries)
    rendering.environment.cache_clear()
    again = rendering.environment("html", None).get_template("plan.html.j2")
    assert first is not again and sorted(private_cache.iterdir()) == entries


def _plant(cache, bucket, env, text: str, mode: int) -> Path:
    """An entry for the real template's name and source whose code says ``text``."""
    bucket.code = env.compile(text, bucket.key)
    path = Path(cache._get_cache_filename(bucket))
    with open(path, "wb") as handle:
        bucket.write_bytecode(handle)
    os.chmod(path, mode)
    bucket.reset()
    return path


def test_an_entry_others_could_write_is_never_run(private_cache):
    """Compiled code runs as Python, outside the sandbox: an entry that is not the user's private file
    (here readable and writable by others) is ignored, and the template compiled from its source."""
    env, cache, bucket, _ = _env_and_bucket(CONTEXT_TEMPLATE)
    _plant(cache, bucket, env, "PLANTED", 0o666)
    cache.load_bytecode(bucket)
    assert bucket.code is None
    # The same file, private: it is what a run of sendcli itself would have written, and is used.
    _plant(cache, bucket, env, "PLANTED", 0o600)
    cache.load_bytecode(bucket)
    assert bucket.code is not None


def test_a_damaged_entry_is_compiled_afresh(private_cache):
    env, cache, bucket, _ = _env_and_bucket(CONTEXT_TEMPLATE)
    path = Path(cache._get_cache_filename(bucket))
    path.write_bytes(b"not a compiled template at all")
    os.chmod(path, 0o600)
    cache.load_bytecode(bucket)
    assert bucket.code is None
    assert env.get_template(CONTEXT_TEMPLATE) is not None


def test_a_changed_setting_is_a_different_entry(private_cache):
    html = rendering.environment("html", None)
    markdown = rendering.environment("md", None)
    assert template_cache.settings_key(html) != template_cache.settings_key(markdown)


@pytest.mark.parametrize("where", ["a file", "relative", "not mine"])
def test_no_usable_folder_means_no_cache_and_no_error(tmp_path, monkeypatch, where):
    if where == "a file":
        (tmp_path / "file").write_text("x")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    elif where == "relative":
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        monkeypatch.setattr(os, "getuid", lambda: os.geteuid() + 4242)
    assert template_cache.cache_folder() is None
    rendering.environment.cache_clear()
    try:
        env = rendering.environment("html", None)
        assert env.bytecode_cache is None and env.get_template("plan.html.j2") is not None
    finally:
        rendering.environment.cache_clear()


def test_report_writes_the_same_with_and_without_the_cache(example_casebook, tmp_path, monkeypatch):
    """The first run compiles and keeps; the second reads what was kept; both write the same report."""
    from typer.testing import CliRunner

    from sendcli.cli.app import app

    monkeypatch.setenv("SENDCLI_TODAY", "2026-11-28")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    outputs = []
    for _ in range(2):
        rendering.environment.cache_clear()
        result = CliRunner().invoke(app, ["report", "ae-16"])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    rendering.environment.cache_clear()
    assert outputs[0] == outputs[1] and "<html" in outputs[0]
    assert any((tmp_path / "cache" / "sendcli" / "templates").iterdir())
