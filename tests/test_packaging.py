"""The wheel carries the schemas and templates; an installed sendcli works from any folder."""

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import EXAMPLES, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check",
                    "-w", str(out), str(REPO)], check=True, capture_output=True)
    [built] = out.glob("sendcli-*.whl")
    return built


def test_wheel_carries_schemas_and_console_script(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "sendcli/schemas/record.schema.json" in names
    assert "sendcli/schemas/config.schema.json" in names
    assert "sendcli/schemas/local-offer.schema.json" in names
    assert {"sendcli/templates/_base.html.j2", "sendcli/templates/plan.html.j2", "sendcli/templates/profile.md.j2",
            "sendcli/templates/stats.html.j2", "sendcli/templates/plan.docx",
            "sendcli/templates/review.docx"} <= set(names)  # the Word templates too
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "sendcli = sendcli.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_wheel_installs_into_a_fresh_venv_and_works_from_any_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                "--disable-pip-version-check", str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "SENDCLI_ROOT")}
    env["SENDCLI_TODAY"] = "2026-11-28"
    sendcli = str(venv / "bin" / "sendcli")
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import sendcli.store.schemas as s; print(s.schema_path())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(venv))  # the wheel's copy, not the source tree's
    result = subprocess.run([sendcli, "check", str(EXAMPLES)], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "checked 9 records: 9 valid" in result.stderr
    report = subprocess.run([sendcli, "--root", str(EXAMPLES), "report", "ae-16", "--template", "profile"],
                            cwd=elsewhere, env=env, capture_output=True, text=True)
    assert report.returncode == 0 and report.stdout.startswith("<!DOCTYPE html>"), report.stderr
    made = subprocess.run([sendcli, "init", "cb"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert made.returncode == 0 and (elsewhere / "cb" / "schemas" / "record.schema.json").exists()
