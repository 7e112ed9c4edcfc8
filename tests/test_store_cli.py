"""The store commands: keygen, enrol, watchlist add|import|match, audit verify, store purge|info|recover."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from biometrics.finger.results import FingerPosition
from kiosk.cli import main
from kiosk.stores.crypto import load_key
from kiosk.stores.gate import GateStore
from tests.conftest import PROJECT_ROOT


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


Kiosk = Callable[..., Run]


@pytest.fixture
def kiosk(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Kiosk:
    """``kiosk ARGS...`` in this process (the same entry point as the installed command)."""

    def run(*args: str, key_file: Path | None = None) -> Run:
        monkeypatch.delenv("KIOSK_STORE_KEY", raising=False)
        monkeypatch.delenv("KIOSK_CONFIG", raising=False)
        if key_file is not None:
            monkeypatch.setenv("KIOSK_STORE_KEY", key_file.read_text().strip())
        capsys.readouterr()
        status = main(list(args))
        out, err = capsys.readouterr()
        return Run(status, out, err)

    return run


def test_the_installed_entry_point_runs_a_store_command(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_STORE_KEY"}
    result = subprocess.run([sys.executable, "-m", "kiosk", "audit", "verify", "--db", str(tmp_path / "none.db")],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=120, check=False)
    assert result.returncode == 2 and "no database there" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "none.db").exists()


@pytest.fixture
def key_file(tmp_path: Path, kiosk: Kiosk) -> Path:
    path = tmp_path / "store.key"
    result = kiosk("store", "keygen", "--out", str(path))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path


def test_keygen_refuses_to_replace_a_key(key_file: Path, kiosk: Kiosk) -> None:
    before = key_file.read_text()
    result = kiosk("store", "keygen", "--out", str(key_file))
    assert result.returncode == 2 and "already exists" in result.stderr
    assert key_file.read_text() == before


def _enrol_args(db: Path, number: str) -> tuple[str, ...]:
    return ("enrol", "--db", str(db), "--document-number", number, "--surname", "Nguyễn", "--given-names",
            "Văn Đức", "--birth-date", "1980-01-02", "--nationality", "VNM", "--expiry", "2031-01-01")


def test_enrol_with_the_real_face_pipeline(tmp_path: Path, key_file: Path, data_root: Path, kiosk: Kiosk) -> None:
    db = tmp_path / "gate.db"
    face = data_root / "faces" / "london" / "001" / "neutral.jpg"
    result = kiosk(*_enrol_args(db, "C1234567"), "--face", str(face), key_file=key_file)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["face"] is True and summary["fingers"] == []
    with GateStore.open(db, load_key(key_file, None)) as store:
        person = store.enrolment.by_document("C1234567")
        assert person is not None and person.face is not None and person.face.vector.shape == (128,)
        assert (person.surname, person.given_names) == ("Nguyễn", "Văn Đức")
        assert store.audit.entries()[-1].action == "enrol.person"


@pytest.mark.slow
def test_enrol_with_the_real_finger_pipeline(tmp_path: Path, key_file: Path, data_root: Path, kiosk: Kiosk) -> None:
    db = tmp_path / "gate.db"
    scan = data_root / "fingerprints" / "neurotech_uareu" / "012_2_1.png"
    result = kiosk(*_enrol_args(db, "C1234567"), "--finger", f"right_index={scan}", key_file=key_file)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["fingers"] == ["right_index"]
    with GateStore.open(db, load_key(key_file, None)) as store:
        person = store.enrolment.by_document("C1234567")
        assert person is not None and person.face is None
        assert list(person.fingers) == [FingerPosition.RIGHT_INDEX]
        assert len(person.fingers[FingerPosition.RIGHT_INDEX].minutiae) >= 12


def test_enrol_refuses_bad_input_with_a_reason(tmp_path: Path, key_file: Path, kiosk: Kiosk) -> None:
    common = ("enrol", "--db", str(tmp_path / "gate.db"), "--document-number", "C1", "--surname", "A",
              "--given-names", "B", "--birth-date", "1980-01-02", "--nationality", "VNM")
    bad_finger = kiosk(*common, "--finger", "2=a.png", "eleventh=x.png", key_file=key_file)
    assert bad_finger.returncode == 2 and "unknown finger position 'eleventh'" in bad_finger.stderr
    not_image = tmp_path / "face.jpg"
    not_image.write_bytes(b"not an image")
    bad_face = kiosk(*common, "--face", str(not_image), key_file=key_file)
    assert bad_face.returncode == 3 and "ImageUnreadable" in bad_face.stderr
    no_key = kiosk(*common)
    assert no_key.returncode == 2 and "no store key" in no_key.stderr and "Traceback" not in no_key.stderr


def test_watchlist_add_import_and_match(tmp_path: Path, key_file: Path, kiosk: Kiosk) -> None:
    db = str(tmp_path / "gate.db")
    added = kiosk("watchlist", "add", "--db", db, "--list", "wanted", "--reason", "warrant 55", "--surname",
                   "Nguyễn", "--given-names", "Văn Đức", "--birth-date", "1980-01-02", key_file=key_file)
    assert added.returncode == 0, added.stderr
    csv_file = tmp_path / "list.csv"
    csv_file.write_text("list,document_number,reason\nbanned_exit,C1234567,court order\nvip,C2,x\n", encoding="utf-8")
    imported = kiosk("watchlist", "import", "--db", db, str(csv_file), key_file=key_file)
    assert imported.returncode == 1
    assert json.loads(imported.stdout) == {"added": 1, "rejected": 1}
    assert "line 3: list 'vip' is not one of" in imported.stderr
    match = kiosk("watchlist", "match", "--db", db, "--document-number", "C1234567", "--surname", "NGUYEN<<VAN<DUC",
                   "--birth-date", "1980-01-02", key_file=key_file)
    hits = [json.loads(line) for line in match.stdout.splitlines()]
    assert sorted((h["list"], h["matched_by"]) for h in hits) == [
        ("banned_exit", "document_number"), ("wanted", "name_birth_date")]


def test_audit_verify_exits_0_when_intact_and_names_the_first_bad_entry(
    tmp_path: Path, key_file: Path, kiosk: Kiosk
) -> None:
    db = tmp_path / "gate.db"
    with GateStore.open(db, load_key(key_file, None)) as store:
        for i in range(5):
            store.audit.append("officer:an", "door.open", "lane-1", {"i": i})
    ok = kiosk("audit", "verify", "--db", str(db), key_file=key_file)
    assert ok.returncode == 0 and ok.stdout.strip() == "chain intact: 5 entries (hmac-sha256)"
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'officer:binh' WHERE seq = 3")
    conn.commit()
    conn.close()
    bad = kiosk("audit", "verify", "--db", str(db), key_file=key_file)
    assert bad.returncode == 1 and bad.stderr.startswith("chain broken at entry 3:")
    no_key = kiosk("audit", "verify", "--db", str(db))
    assert no_key.returncode == 2 and "KIOSK_STORE_KEY" in no_key.stderr


def test_store_purge_info_and_recover(tmp_path: Path, key_file: Path, kiosk: Kiosk) -> None:
    db = tmp_path / "gate.db"
    with GateStore.open(db, load_key(key_file, None)) as store:
        tx = store.transactions.start("lane-1")
        store.samples.add(tx, "face_frame", b"frame", "jpeg", created_at="2020-01-01T00:00:00.000000+00:00")
    info = kiosk("store", "info", "--db", str(db), key_file=key_file)
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["open_transactions"] == [tx]
    purge = kiosk("store", "purge", "--db", str(db), key_file=key_file)
    assert purge.returncode == 0 and json.loads(purge.stdout)["deleted"] == 1
    recover = kiosk("store", "recover", "--db", str(db), key_file=key_file)
    assert json.loads(recover.stdout) == {"aborted": [tx]}
    verify = kiosk("audit", "verify", "--db", str(db), "--json", key_file=key_file)
    assert json.loads(verify.stdout)["entries"] == 2


def test_bench_store_prints_its_summary_as_the_last_json_line(tmp_path: Path, kiosk: Kiosk) -> None:
    result = kiosk("bench", "store", "--n", "5", "--watchlist", "20", "--dir", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["n"] == 5 and summary["audit_entries"] == 20 and summary["audit_intact"] is True
    assert summary["traveller_writes_ms_p50"] > 0
