"""Templates at rest: AES-256-GCM, per-record nonce, bound to their record; keys outside the repo."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import numpy as np
import pytest

from biometrics.face.results import FaceTemplate
from kiosk.stores.crypto import StoreCipher, generate_key, load_key, write_key_file
from kiosk.stores.enrolment import DocumentRecord
from kiosk.stores.errors import DecryptionFailed, StoreKeyInvalid, StoreKeyMissing
from kiosk.stores.gate import GateStore


def _face(seed: int) -> FaceTemplate:
    vector = np.random.default_rng(seed).normal(size=128).astype(np.float32)
    return FaceTemplate(vector / np.linalg.norm(vector), "enrolment")


def _enrol(store: GateStore, number: str, seed: int) -> str:
    return store.enrolment.enrol("Tran", "Thi Mai", "1990-05-06", "VNM", [DocumentRecord("P", number, "VNM")],
                                 face=_face(seed))


def test_the_stored_ciphertext_does_not_contain_the_template_bytes(tmp_path: Path) -> None:
    path = tmp_path / "gate.db"
    with GateStore.open(path, generate_key()) as store:
        person = _enrol(store, "C0000001", seed=1)
        blob = bytes(store.db.query("SELECT blob FROM templates WHERE person_id = ?", (person,))[0][0])
        wal = path.with_name("gate.db-wal").read_bytes()
    plain = _face(1).vector.astype("<f4").tobytes()
    assert plain[:16] not in blob and plain[-16:] not in blob
    assert len(blob) == 1 + 12 + len(plain) + 16  # version, nonce, ciphertext, tag
    assert blob in wal  # the check below looks where the record really is
    assert plain[:16] not in wal and plain[:16] not in path.read_bytes()


def test_every_record_gets_its_own_nonce() -> None:
    cipher = StoreCipher(generate_key())
    a, b = cipher.seal(b"same template", "template|p|face"), cipher.seal(b"same template", "template|p|face")
    assert a[1:13] != b[1:13] and a != b
    assert cipher.open(a, "template|p|face") == cipher.open(b, "template|p|face") == b"same template"


def test_templates_read_back_equal_with_the_right_key(tmp_path: Path) -> None:
    key = generate_key()
    with GateStore.open(tmp_path / "gate.db", key) as store:
        _enrol(store, "C0000001", seed=1)
    with GateStore.open(tmp_path / "gate.db", key) as store:
        person = store.enrolment.by_document("C0000001")
    assert person is not None and person.face is not None
    np.testing.assert_array_equal(person.face.vector, _face(1).vector)


def test_a_wrong_key_is_refused_when_the_store_opens(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        _enrol(store, "C0000001", seed=1)
    with pytest.raises(StoreKeyInvalid, match="not the key the database was created with"):
        GateStore.open(tmp_path / "gate.db", generate_key())


def test_a_wrong_key_fails_decryption_even_past_the_key_check(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        _enrol(store, "C0000001", seed=1)
        store.db.conn.execute("DELETE FROM meta WHERE key = 'key_check'")
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store, pytest.raises(
        DecryptionFailed, match="authentication failed"
    ):
        store.enrolment.by_document("C0000001")


def test_swapping_template_rows_between_persons_fails_to_decrypt(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        alice = _enrol(store, "C0000001", seed=1)
        bob = _enrol(store, "C0000002", seed=2)
        conn = store.db.conn
        blob_a = conn.execute("SELECT blob FROM templates WHERE person_id = ?", (alice,)).fetchone()[0]
        blob_b = conn.execute("SELECT blob FROM templates WHERE person_id = ?", (bob,)).fetchone()[0]
        conn.execute("UPDATE templates SET blob = ? WHERE person_id = ?", (blob_b, alice))
        conn.execute("UPDATE templates SET blob = ? WHERE person_id = ?", (blob_a, bob))
        with pytest.raises(DecryptionFailed, match=f"template\\|{alice}\\|face"):
            store.enrolment.by_document("C0000001")


def test_a_template_moved_to_another_kind_of_the_same_person_fails(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", generate_key()) as store:
        person = _enrol(store, "C0000001", seed=1)
        store.db.conn.execute("UPDATE templates SET kind = 'finger:2' WHERE person_id = ?", (person,))
        with pytest.raises(DecryptionFailed):
            store.enrolment.by_document("C0000001")


def test_a_flipped_bit_fails_to_decrypt() -> None:
    cipher = StoreCipher(generate_key())
    blob = bytearray(cipher.seal(b"template bytes", "template|p|face"))
    blob[20] ^= 1
    with pytest.raises(DecryptionFailed):
        cipher.open(bytes(blob), "template|p|face")


def test_no_key_configured_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreKeyMissing, match="kiosk store keygen"):
        load_key(tmp_path / "missing.key", None)


def test_reading_templates_without_a_key_is_a_clear_error(tmp_path: Path) -> None:
    key = generate_key()
    with GateStore.open(tmp_path / "gate.db", key) as store:
        _enrol(store, "C0000001", seed=1)
    with GateStore.open(tmp_path / "gate.db", None) as store, pytest.raises(StoreKeyMissing):
        store.enrolment.by_document("C0000001")


def test_the_key_file_is_owner_only_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "store.key"
    key = write_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path, None) == key
    with pytest.raises(StoreKeyInvalid, match="already exists"):
        write_key_file(path)
    assert load_key(path, None) == key


def test_the_environment_key_takes_precedence_and_is_checked(tmp_path: Path) -> None:
    key = generate_key()
    write_key_file(tmp_path / "file.key")
    assert load_key(tmp_path / "file.key", base64.b64encode(key).decode()) == key
    with pytest.raises(StoreKeyInvalid, match="expected 32"):
        load_key(None, base64.b64encode(b"short").decode())
    with pytest.raises(StoreKeyInvalid, match="not base64"):
        load_key(None, "not base64 at all!")
