"""`polku report steering ...`: writes the report; unusable input is one clear error and a non-zero exit."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["html", "xlsx", "pdf"])
def test_command_writes_the_report_in_each_format(organisation, tmp_path, fmt):
    target = tmp_path / f"report.{fmt}"
    output = run("steering", "--organisation", str(organisation.pk), "--from", "2026-01-01", "--to", "2026-01-31",
                 "--format", fmt, "--out", str(target), "--language", "en")
    assert "no data in the period" in output
    if fmt == "html":
        assert "There is no data for this period." in target.read_text(encoding="utf-8")
    elif fmt == "xlsx":
        assert "clients_flow" in load_workbook(target).sheetnames
    else:
        assert len(PdfReader(target).pages) > 1


@pytest.mark.django_db
def test_command_finds_the_organisation_by_its_name(organisation, tmp_path):
    target = tmp_path / "r.html"
    run("steering", "--organisation", organisation.name, "--from", "2026-01-01", "--to", "2026-01-31",
        "--out", str(target))
    assert target.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), [
    (["--organisation", "No such organisation", "--from", "2026-01-01", "--to", "2026-01-31"],
     "--organisation: no organisation matches"),
    (["--from", "2026-02-30", "--to", "2026-03-31"], "--from: not a date"),
    (["--from", "2026-03-01", "--to", "1.3.2026"], "--to: not a date"),
    (["--from", "2026-03-31", "--to", "2026-03-01"], "--to: "),
    (["--team", "No such team", "--from", "2026-03-01", "--to", "2026-03-31"], "--team: no team matches"),
])
def test_command_refuses_bad_input_naming_the_option(organisation, tmp_path, args, message):
    if "--organisation" not in args:
        args = ["--organisation", str(organisation.pk), *args]
    with pytest.raises(CommandError, match=message) as error:
        run("steering", *args, "--out", str(tmp_path / "r.html"))
    assert error.value.returncode == 2
    assert not (tmp_path / "r.html").exists()


def test_the_real_command_line_exits_non_zero_with_one_line_on_an_unknown_kind():
    result = subprocess.run([sys.executable, "-m", "polku", "report", "nonsense"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "invalid choice" in result.stderr
