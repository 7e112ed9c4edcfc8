"""The command-line contract: JSON last lines other tools rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=PROJECT_ROOT,
        timeout=600, check=False,
    )


def test_models_verify_reports_every_model_ok() -> None:
    result = _kiosk("models", "verify", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["failed"] == [] and summary["ok"] == summary["n"] >= 7


@pytest.mark.slow
def test_bench_embed_prints_its_summary_as_the_last_json_line(data_root: Path, tmp_path: Path) -> None:
    for person in ("001", "002", "003"):
        (tmp_path / person).mkdir()
        for name in ("neutral.jpg", "smiling.jpg"):
            (tmp_path / person / name).symlink_to(data_root / "faces" / "london" / person / name)
    (tmp_path / "broken.jpg").write_bytes(b"not an image")
    result = _kiosk("bench", "embed", "--dir", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    summary = lines[-1]
    assert set(summary) >= {"n", "max_abs_diff", "onnx_ms_p50", "dlib_ms_p50", "speedup"}
    assert summary["n"] == 6 and summary["n_skipped"] == 1
    assert summary["max_abs_diff"] < 1e-4
    assert {"file": str(tmp_path / "broken.jpg"), "skipped": "unreadable"} in lines


def test_a_bench_on_a_missing_folder_says_so() -> None:
    result = _kiosk("bench", "embed", "--dir", "/nonexistent", "--json")
    assert result.returncode == 1
    assert "not found" in result.stderr


def test_a_bad_configuration_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[runtime]\nthreads = 3\n")
    result = _kiosk("--config", str(bad), "models", "list")
    assert result.returncode == 2
    assert "unknown key" in result.stderr


@pytest.mark.slow
def test_finger_verify_prints_the_contract_fields(data_root: Path) -> None:
    folder = data_root / "fingerprints" / "neurotech_uareu"
    result = _kiosk("finger", "verify", str(folder / "012_2_1.png"), str(folder / "012_2_2.png"), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(summary) == {"score", "same", "threshold", "quality_a", "quality_b", "minutiae_a", "minutiae_b", "ms"}
    assert summary["same"] is True and summary["minutiae_a"] >= 20


def test_finger_verify_of_a_non_image_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "finger.png"
    bad.write_bytes(b"\x89PNG but not really")
    result = _kiosk("finger", "verify", str(bad), str(bad), "--json")
    assert result.returncode == 3
    assert json.loads(result.stdout.strip().splitlines()[-1])["error"] == "ImageUnreadable"
