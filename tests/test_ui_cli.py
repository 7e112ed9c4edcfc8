"""``kiosk ui screenshots`` and ``kiosk ui officer``."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from kiosk.cli import main


def test_screenshots_of_every_screen_and_view(tmp_path: Path, data_root: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_DATA", str(data_root))
    assert main(["ui", "screenshots", "--out", str(tmp_path), "--languages", "lo", "--console-languages", "en"]) == 0
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(names) == 8 + 5
    assert "traveller_lo_out_of_service.png" in names and "console_en_referrals.png" in names
    assert all(p.stat().st_size > 10_000 for p in tmp_path.glob("*.png"))


def test_an_unknown_language_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ui", "screenshots", "--out", str(tmp_path), "--languages", "fr"]) == 2
    assert "unknown language(s) fr" in capsys.readouterr().err


def test_officer_accounts_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "gate.toml"
    config.write_text(f'[ui]\naccounts = "{tmp_path / "console.db"}"\n', encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    assert main(["--config", str(config), "ui", "officer", "add", "s.le", "--name", "Lê Thu Hà",
                 "--role", "supervisor"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["--config", str(config), "ui", "officer", "add", "o.x", "--name", "X"]) == 2
    assert main(["--config", str(config), "ui", "officer", "unlock", "nobody"]) == 2
    assert main(["--config", str(config), "ui", "officer", "list"]) == 0
    out = capsys.readouterr().out
    assert "s.le\tsupervisor\tLê Thu Hà\t0 recent failures" in out
