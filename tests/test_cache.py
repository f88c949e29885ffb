"""The summary cache (.sendcli/summaries.sqlite): results always those of a cold run.

Every test compares a run that uses the cache with ``--no-cache`` on the same
files, after the change under test (edit, touch, delete, add, a corrupt cache,
another schema, other settings, another day), and counts how many files the
cached run read: exactly the changed ones. No timings (quality.md).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from sendcli.store import schemas, summaries
from tests.conftest import REPO

BROKEN = Path(__file__).resolve().parent / "data" / "broken"
PAST = 1_700_000_000 * 10**9  # November 2023: long before any run, so never "racy"


def _generate(folder: Path, n: int, seed: int = 3) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(folder), "--n", str(n), "--seed", str(seed)]) == 0


@pytest.fixture
def reads(monkeypatch):
    """The files each run read afresh (display paths), in order."""
    seen: list[str] = []
    original = summaries._read

    def counting(item):
        seen.append(item[1])
        return original(item)

    monkeypatch.setattr(summaries, "_read", counting)
    return seen


@pytest.fixture
def book(tmp_path, monkeypatch):
    """A generated casebook of 30 records plus two with problems; the current folder is its root."""
    root = tmp_path / "cb"
    _generate(root, 30)
    shutil.copy(BROKEN / "duplicate-key.yaml", root / "records" / "zz-duplicate.yaml")
    shutil.copy(REPO / "examples" / "records" / "ae-16.yaml", root / "records" / "ae-16.yaml")
    monkeypatch.chdir(root)
    monkeypatch.setattr(summaries, "RACY_NS", 0)  # files written by the test are summarised at once
    return root


@pytest.fixture
def both(run, reads):
    """The same command with the cache and without it: (cached, uncached); ``reads`` then holds
    only what the cached run read."""
    def twice(*args: str, env: dict | None = None):
        reads.clear()
        cached = run(*args, env=env)
        seen = list(reads)
        uncached = run(*args, "--no-cache", env=env)
        reads[:] = seen
        return cached, uncached

    return twice


@pytest.fixture
def same(both):
    """Assert the cached and the uncached run say the same."""
    def compare(*args: str, env: dict | None = None) -> None:
        cached, uncached = both(*args, env=env)
        assert (cached.exit_code, cached.stdout, cached.stderr) == \
            (uncached.exit_code, uncached.stdout, uncached.stderr)

    return compare


COMMANDS = [("check",), ("check", "--format", "json"), ("due", "--all", "--format", "json"),
            ("due", "--format", "csv", "--within", "60")]
#: The casebook-wide views, which read records' extracts from the cache.
VIEWS = [("register", "--format", "json"), ("provision-map", "--format", "json", "--from", "2020-09-01"),
         ("provision-map", "--redact"), ("stats", "--format", "json"),
         ("impact", "--format", "json", "--from", "2020-09-01"), ("impact", "--by", "need")]


@pytest.fixture
def same_everywhere(same):
    def compare(env: dict | None = None) -> None:
        for command in COMMANDS + VIEWS:
            same(*command, env=env)

    return compare


def test_a_warm_run_reads_nothing_and_says_what_a_cold_run_says(book, run, reads, same_everywhere):
    cold = run("check")
    assert len(reads) == 32 and cold.exit_code == 1
    reads.clear()
    warm = run("check")
    assert reads == []
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    due = run("due", "--all", "--format", "json")  # check kept the deadlines too
    assert reads == []
    assert due.stdout == run("due", "--all", "--format", "json", "--no-cache").stdout
    same_everywhere()


def test_edit_touch_delete_and_add_between_runs(book, run, reads, both, same_everywhere):
    run("check")
    records = book / "records"

    # An edit that keeps the size and puts the old mtime back is still seen (ctime, inode).
    edited = records / "b000004.yaml"
    before = edited.stat()
    text = edited.read_text()
    edited.write_text(text.replace("status: ", "status:_", 1) if "status: " in text else text)
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert edited.stat().st_size == before.st_size
    # A touch changes nothing in the file, but it is read again all the same.
    os.utime(records / "b000007.yaml")
    # One deleted, one added (a copy of a broken file under a new name).
    (records / "b000011.yaml").unlink()
    shutil.copy(BROKEN / "tab-indent.yaml", records / "new-one.yaml")

    reads.clear()
    cached, uncached = both("check")
    assert sorted(set(reads)) == ["records/b000004.yaml", "records/b000007.yaml", "records/new-one.yaml"]
    assert (cached.exit_code, cached.stdout, cached.stderr) == (uncached.exit_code, uncached.stdout, uncached.stderr)
    assert "records/b000004.yaml:" in cached.stdout and "b000011" not in cached.stdout + cached.stderr
    same_everywhere()
    rows = sqlite3.connect(book / ".sendcli" / "summaries.sqlite").execute("SELECT path FROM summaries").fetchall()
    assert ("records/b000011.yaml",) not in rows and ("records/new-one.yaml",) in rows


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "bad-row", "other-tables", "damaged-pages",
                                    "a-folder"])
def test_a_corrupt_cache_is_rebuilt_silently(book, run, reads, damage, same_everywhere):
    first = run("check")
    path = book / ".sendcli" / "summaries.sqlite"
    if damage == "garbage":
        path.write_bytes(b"\x00not a database\xff" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "bad-row":
        with sqlite3.connect(path) as db:
            db.execute("UPDATE summaries SET problems = '{not json', deadlines = '[[1]]'")
    elif damage == "damaged-pages":  # the header and the tables' definitions intact, the rows not
        data = bytearray(path.read_bytes())
        assert len(data) > 3 * 4096
        data[2 * 4096:] = b"\xff" * (len(data) - 2 * 4096)
        path.write_bytes(bytes(data))
    elif damage == "other-tables":
        path.unlink()
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE summaries (path TEXT, something TEXT)")
    else:
        path.unlink()
        path.mkdir()
    again = run("check")
    assert (again.exit_code, again.stdout, again.stderr) == (first.exit_code, first.stdout, first.stderr)
    same_everywhere()
    if damage != "a-folder":
        reads.clear()
        run("check")
        assert reads == []  # rebuilt: the next run is warm again


def test_another_schema_empties_the_cache(book, run, reads, monkeypatch, tmp_path, both):
    run("check")
    changed = tmp_path / "schemas"
    shutil.copytree(schemas.resource_dir("schemas"), changed)
    schema = (changed / "record.schema.json").read_text()
    # Every record's ID must now be at most 3 characters: every record fails.
    patched = schema.replace('"pattern": "^[a-z0-9][a-z0-9-]{0,62}(?!\\\\n)$"', '"pattern": "^[a-z0-9]{1,3}$"')
    assert patched != schema
    (changed / "record.schema.json").write_text(patched)
    original = schemas.resource_dir
    monkeypatch.setattr(schemas, "resource_dir", lambda name: changed if name == "schemas" else original(name))
    _clear_schema_caches()
    try:
        reads.clear()
        cached, uncached = both("check")
        assert len(set(reads)) == 32
        assert cached.stdout == uncached.stdout and "b000000" in cached.stdout
        assert cached.stderr == uncached.stderr
        assert cached.stderr.startswith("checked 32 records: 0 valid;")
    finally:
        monkeypatch.undo()
        _clear_schema_caches()


def _clear_schema_caches() -> None:
    for cached in (schemas.load_schema, schemas.validator, schemas.fast_validator, schemas.date_field_names):
        cached.cache_clear()


def test_other_deadline_settings_or_local_offer_empty_the_cache(book, run, reads, same):
    run("due", "--all")
    settings = book / "sendcli.yaml"
    settings.write_text(settings.read_text() + "plan_within_days: 10\nparent_meeting_interval_days: 60\n")
    reads.clear()
    same("due", "--all", "--format", "json")
    assert len(set(reads)) == 32
    (book / "local-offer.yaml").write_text(
        "services:\n  - id: speech-drop-in\n    name: Speech and language drop-in (fictional)\n")
    reads.clear()
    same("check")
    assert len(set(reads)) == 32


def test_a_summary_holds_across_days_only_while_no_date_lies_ahead(book, run, reads, both, same, same_everywhere):
    # Many recorded events lie after this day: warnings. (All three days are in the school
    # year 2026-27: a new school year empties the cache, for the year-group rule.)
    early = {"SENDCLI_TODAY": "2026-09-02"}
    later = {"SENDCLI_TODAY": "2027-01-15"}
    cached, uncached = both("check", env=early)
    assert "is in the future (today is 2026-09-02)" in cached.stdout
    assert cached.stdout == uncached.stdout
    reads.clear()
    same("check")  # 2026-11-28: whatever had a date ahead is read again
    assert 0 < len(set(reads)) < 32
    reads.clear()
    same("check", env=later)  # every summary made at 2026-11-28 had settled
    assert reads == []
    same_everywhere(env=later)


def test_a_new_school_year_reads_every_record_again(book, run, reads, same):
    run("check", env={"SENDCLI_TODAY": "2027-08-31"})
    reads.clear()
    same("check", env={"SENDCLI_TODAY": "2027-08-31"})
    assert reads == []
    same("check", env={"SENDCLI_TODAY": "2027-09-01"})
    assert len(set(reads)) == 32


def test_a_file_changed_just_before_a_run_is_read_again_next_time(book, run, reads, monkeypatch, same):
    monkeypatch.setattr(summaries, "RACY_NS", 10**18)  # everything counts as just changed
    run("check")
    reads.clear()
    same("check")
    assert len(set(reads)) == 32


def test_workers_give_the_same_results(book, run, monkeypatch, same_everywhere):
    monkeypatch.setattr(summaries, "PARALLEL_MIN", 1)
    same_everywhere()


def test_the_cache_is_private_whatever_the_umask(book, run):
    old = os.umask(0)
    try:
        run("check")
    finally:
        os.umask(old)
    folder = book / ".sendcli"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (folder / ".gitignore").read_text().endswith("*\n")  # git ignores it, casebook .gitignore or not
    for path in folder.iterdir():
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_casebook_where_no_cache_can_be_kept_still_checks(book, run, reads, same_everywhere):
    (book / ".sendcli").write_text("not a folder")
    same_everywhere()
    reads.clear()
    run("check")
    assert len(set(reads)) == 32  # nothing kept, nothing broken


def test_checking_named_files_never_touches_the_cache(book, run):
    result = run("check", "records/b000001.yaml")
    assert result.exit_code == 0
    assert not (book / ".sendcli" / "summaries.sqlite").exists()


# -- the views' extracts -------------------------------------------------------------------------

READABLE = 31  # of the 32 records, all but the one with a duplicate key


def test_a_view_reads_once_what_check_left_out_then_nothing(book, run, reads, same_everywhere):
    run("check")
    reads.clear()
    first = run("provision-map", "--format", "json")
    # check keeps no extracts (a cold check pays nothing for them): the first view reads the
    # readable records once; the one with errors is known unreadable from check's row.
    assert len(reads) == READABLE and "records/zz-duplicate.yaml" not in reads
    assert first.exit_code == 1 and "zz-duplicate.yaml" in first.stderr
    for view in VIEWS:
        reads.clear()
        run(*view)
        assert reads == [], view
    reads.clear()
    run("check")
    run("due", "--all")
    assert reads == []  # and check and due still find their rows
    same_everywhere()


def test_a_changed_record_refreshes_its_extract(book, run, reads, same):
    run("register", "--format", "json")
    edited = book / "records" / "b000005.yaml"
    text = edited.read_text()
    name = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("  name:"))
    edited.write_text(text.replace(name, "Renamed Child (fictional)", 1))
    reads.clear()
    same("register", "--format", "json")
    assert reads == ["records/b000005.yaml"]
    assert "Renamed Child (fictional)" in run("register", "--format", "json").stdout


def test_settings_change_the_views_without_reading_records_and_deadline_settings_empty_the_cache(
        book, run, reads, same):
    run("stats", "--format", "html")
    settings = book / "sendcli.yaml"
    settings.write_text(settings.read_text().replace("name: ", "name: Renamed ", 1))
    reads.clear()
    same("stats", "--format", "html")
    # An extract is the record's alone: the setting's name is applied when the view runs.
    assert reads == [] and "Renamed " in run("stats", "--format", "html").stdout
    settings.write_text(settings.read_text() + "plan_within_days: 10\n")
    reads.clear()
    same("provision-map", "--format", "json")
    assert len(set(reads)) == 32


#: Each kind of extract: the view that reads it, the column it is kept in, and a key it holds.
EXTRACT_KINDS = {
    "view": (("register", "--format", "json"), "extract", "status"),
    "provision": (("provision-map", "--format", "json", "--from", "2020-09-01"), "provision", "provision_entries"),
}


@pytest.mark.parametrize("kind", sorted(EXTRACT_KINDS))
@pytest.mark.parametrize("damage", ["not-json", "checksum", "missing", "not-a-mapping", "other-record", "other-kind"])
def test_a_damaged_extract_is_read_again(book, run, reads, damage, kind, same_everywhere):
    view, column, key = EXTRACT_KINDS[kind]
    first = run(*view)
    path = book / ".sendcli" / "summaries.sqlite"
    with sqlite3.connect(path) as db:
        if damage == "not-json":
            db.execute(f"UPDATE summaries SET {column} = substr({column}, 1, 33) || '{{not json'")
        elif damage == "checksum":  # JSON still, but not what was stored: a flipped character
            db.execute(f"UPDATE summaries SET {column} = replace({column}, '\"{key}\"', '\"{key}z\"')")
        elif damage == "missing":
            db.execute(f"UPDATE summaries SET {column} = NULL")
        elif damage == "not-a-mapping":
            db.execute(f"UPDATE summaries SET {column} = ? WHERE path = 'records/b000001.yaml'",
                       (summaries._sealed("[1, 2]", summaries._seal_key("records/b000001.yaml", kind)),))
        elif damage == "other-record":  # another record's extract, its checksum right: the row's own file is read
            other = db.execute(f"SELECT {column} FROM summaries WHERE path = 'records/b000001.yaml'").fetchone()[0]
            db.execute(f"UPDATE summaries SET {column} = ? WHERE path = 'records/b000002.yaml'", (other,))
        else:  # the record's other extract, in this one's place: sealed as the other kind, so a miss
            other_column = next(c for _, c, _ in EXTRACT_KINDS.values() if c != column)
            db.execute(f"UPDATE summaries SET {column} = {other_column} WHERE path = 'records/b000001.yaml'")
    reads.clear()
    again = run(*view)
    if damage in ("other-record", "not-a-mapping", "other-kind"):
        assert reads == ["records/b00000%d.yaml" % (2 if damage == "other-record" else 1)]
    else:
        assert len(reads) == READABLE
    assert (again.exit_code, again.stdout, again.stderr) == (first.exit_code, first.stdout, first.stderr)
    reads.clear()
    run(*view)
    assert reads == []  # stored again: the next run is warm
    same_everywhere()


def test_extracts_fetched_a_batch_at_a_time_say_the_same(book, run, reads, monkeypatch, same_everywhere):
    monkeypatch.setattr(summaries, "EXTRACT_BATCH", 3)  # 31 readable records: eleven batches
    first = run("provision-map", "--format", "json", "--from", "2020-09-01")
    reads.clear()
    again = run("provision-map", "--format", "json", "--from", "2020-09-01")
    assert reads == [] and again.stdout == first.stdout
    same_everywhere()


def test_the_cache_decodes_json_as_json_does(book, run):
    """msgspec decodes the stored JSON (quicker); every value is what json.loads gives, and what
    msgspec refuses json reads."""
    run("impact", "--format", "json")
    run("provision-map", "--format", "json")
    with sqlite3.connect(book / ".sendcli" / "summaries.sqlite") as db:
        stored = [text for row in db.execute("SELECT problems, extract, provision FROM summaries") for text in row
                  if text]
    texts = [text.partition(" ")[2] if text[:1] not in "[{" else text for text in stored]
    texts += ['{"a": 1180591620717411303424}', '{"a": -18446744073709551617}', '{"a": NaN}', '{"a": "\\ud800"}',
              '{"a": 1e400}', '{"a": -0.0}', '{"a": 5e-324}', '{"a": [1.5, "é", null, true]}', '"x"', "[]"]
    assert len(texts) > 40
    for text in texts:
        value, expected = summaries._loads(text), json.loads(text)
        assert repr(value) == repr(expected) and type(value) is type(expected), text[:80]
    with pytest.raises(ValueError):
        summaries._loads('{"a": ')
