"""face_recognition exits with status 0 when its models are missing: never let that look green."""

from __future__ import annotations

import subprocess
import sys

MARKER = "FACE_RECOGNITION_IMPORTED"


def test_face_recognition_really_imports_in_this_environment() -> None:
    # The marker, not the exit status, proves the import finished: a broken install quits with 0.
    result = subprocess.run(
        [sys.executable, "-c", f"import face_recognition; print({MARKER!r})"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert MARKER in result.stdout, result.stdout + result.stderr


def test_a_missing_models_package_becomes_a_named_error() -> None:
    code = (
        "import sys\n"
        "sys.modules['face_recognition_models'] = None  # as if it were not installed\n"
        "from kiosk.baselines import BaselineUnavailable, import_face_recognition\n"
        "try:\n"
        "    import_face_recognition()\n"
        "except BaselineUnavailable as exc:\n"
        "    print('GUARDED:', exc)\n"
        "    sys.exit(3)\n"
        "print('NOT GUARDED')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "GUARDED: face_recognition exited during import" in result.stdout
