"""Enrolled travellers: person, documents, face template and up to ten finger templates.

Templates are sealed with AES-GCM (``crypto.py``) bound to ``template|<person id>|<kind>``,
kind ``face`` or ``finger:<ISO position>``. Face templates are stored as little-endian float32
vectors, finger templates as ISO/IEC 19794-2:2005 records (``biometrics.finger.iso19794``).
The gate looks a traveller up by the document number it has just read.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from biometrics.face.results import FaceTemplate
from biometrics.finger import iso19794
from biometrics.finger.errors import TemplateInvalid
from biometrics.finger.results import FingerPosition, FingerTemplate
from kiosk.stores.crypto import StoreCipher
from kiosk.stores.database import Database, utc_now
from kiosk.stores.errors import DecryptionFailed, EnrolmentInvalid, StoreConstraintFailed, StoreKeyMissing
from kiosk.stores.names import document_key, fold_text, name_key

FINGER_POSITIONS = tuple(p for p in FingerPosition if p != FingerPosition.UNKNOWN)


@dataclass(frozen=True)
class DocumentRecord:
    kind: str  # "P" passport, "BP" border pass, "ID", "PERMIT" ... as the MRZ or permit names it
    number: str
    issuing_state: str  # ICAO 3-letter code
    expiry: str | None = None  # ISO YYYY-MM-DD


@dataclass(frozen=True)
class EnrolledPerson:
    id: str
    surname: str
    given_names: str
    birth_date: str
    nationality: str
    documents: tuple[DocumentRecord, ...]
    face: FaceTemplate | None = None
    fingers: Mapping[FingerPosition, FingerTemplate] = field(default_factory=dict)


def _iso_date(text: str, what: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError as exc:
        raise EnrolmentInvalid(f"{what} {text!r} is not a date YYYY-MM-DD") from exc


def _associated(person_id: str, kind: str) -> str:
    return f"template|{person_id}|{kind}"


def _finger_kind(position: FingerPosition) -> str:
    return f"finger:{int(position)}"


class Enrolment:
    def __init__(self, db: Database, cipher: StoreCipher | None) -> None:
        self.db = db
        self._cipher = cipher

    def _need_cipher(self) -> StoreCipher:
        if self._cipher is None:
            raise StoreKeyMissing("the store key is needed to write or read enrolment templates")
        return self._cipher

    # -- writing --------------------------------------------------------------------------

    def enrol(
        self,
        surname: str,
        given_names: str,
        birth_date: str,
        nationality: str,
        documents: Sequence[DocumentRecord],
        *,
        face: FaceTemplate | None = None,
        fingers: Mapping[FingerPosition, FingerTemplate] | None = None,
    ) -> str:
        """Create a person with documents and templates in one transaction; returns the person id."""
        if not name_key(surname, given_names):
            raise EnrolmentInvalid("a person needs a name")
        if not documents:
            raise EnrolmentInvalid("a person needs at least one document")
        born = _iso_date(birth_date, "birth date")
        person_id = uuid.uuid4().hex
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO persons (id, surname, given_names, birth_date, nationality, name_key, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (person_id, surname.strip(), given_names.strip(), born, fold_text(nationality),
                 name_key(surname, given_names), utc_now()),
            )
            for doc in documents:
                self.add_document(person_id, doc)
            if face is not None:
                self.set_face(person_id, face)
            for position, template in (fingers or {}).items():
                self.set_finger(person_id, position, template)
        return person_id

    def add_document(self, person_id: str, doc: DocumentRecord) -> None:
        key = document_key(doc.number)
        if not key:
            raise EnrolmentInvalid(f"document number {doc.number!r} has no letters or digits")
        expiry = _iso_date(doc.expiry, "document expiry") if doc.expiry else None
        state = fold_text(doc.issuing_state).replace(" ", "")
        try:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT INTO documents (person_id, kind, number, number_key, issuing_state, expiry)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (person_id, doc.kind.strip().upper(), doc.number.strip(), key, state, expiry),
                )
        except StoreConstraintFailed as exc:
            raise EnrolmentInvalid(
                f"document {state} {doc.number} is already enrolled, or the person does not exist"
            ) from exc

    def _put_template(self, person_id: str, kind: str, fmt: str, plaintext: bytes) -> None:
        blob = self._need_cipher().seal(plaintext, _associated(person_id, kind))
        try:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT INTO templates (person_id, kind, format, blob, created_at) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT(person_id, kind) DO UPDATE SET format = excluded.format, blob = excluded.blob,"
                    " created_at = excluded.created_at",
                    (person_id, kind, fmt, blob, utc_now()),
                )
        except StoreConstraintFailed as exc:
            raise EnrolmentInvalid(f"person {person_id} does not exist") from exc

    def set_face(self, person_id: str, face: FaceTemplate) -> None:
        vector = np.asarray(face.vector, dtype="<f4").reshape(-1)
        if vector.size == 0 or not np.all(np.isfinite(vector)):
            raise EnrolmentInvalid("face template is empty or not finite")
        self._put_template(person_id, "face", f"float32:{face.model}:{vector.size}", vector.tobytes())

    def set_finger(self, person_id: str, position: FingerPosition, template: FingerTemplate) -> None:
        position = FingerPosition(position)
        if position not in FINGER_POSITIONS:
            raise EnrolmentInvalid("an enrolled finger needs its position (1-10), not UNKNOWN")
        if template.position not in (position, FingerPosition.UNKNOWN):
            raise EnrolmentInvalid(f"template is of {template.position.name}, not {position.name}")
        positioned = FingerTemplate(position, template.minutiae, template.width, template.height,
                                    template.quality, template.dpi)
        try:
            record = iso19794.encode([positioned], iso19794.ISO)
        except TemplateInvalid as exc:
            raise EnrolmentInvalid(f"finger {position.name}: {exc}") from exc
        self._put_template(person_id, _finger_kind(position), iso19794.ISO, record)

    def remove(self, person_id: str) -> bool:
        with self.db.write() as conn:
            return conn.execute("DELETE FROM persons WHERE id = ?", (person_id,)).rowcount > 0

    # -- reading --------------------------------------------------------------------------

    def by_document(self, number: str, issuing_state: str | None = None) -> EnrolledPerson | None:
        """The person holding this document (any issuing state unless given), templates decrypted."""
        key = document_key(number)
        if issuing_state:
            rows = self.db.query(
                "SELECT person_id FROM documents WHERE number_key = ? AND issuing_state = ?",
                (key, fold_text(issuing_state).replace(" ", "")),
            )
        else:
            rows = self.db.query("SELECT DISTINCT person_id FROM documents WHERE number_key = ?", (key,))
        if not rows:
            return None
        if len(rows) > 1:
            raise EnrolmentInvalid(f"document number {number} is enrolled for several issuing states; give the state")
        return self.get(rows[0]["person_id"])

    def get(self, person_id: str) -> EnrolledPerson | None:
        persons = self.db.query("SELECT * FROM persons WHERE id = ?", (person_id,))
        if not persons:
            return None
        p = persons[0]
        docs = tuple(
            DocumentRecord(r["kind"], r["number"], r["issuing_state"], r["expiry"])
            for r in self.db.query("SELECT * FROM documents WHERE person_id = ? ORDER BY id", (person_id,))
        )
        face: FaceTemplate | None = None
        fingers: dict[FingerPosition, FingerTemplate] = {}
        rows = self.db.query("SELECT kind, format, blob FROM templates WHERE person_id = ? ORDER BY kind", (person_id,))
        for row in rows:
            plaintext = self._need_cipher().open(bytes(row["blob"]), _associated(person_id, row["kind"]))
            if row["kind"] == "face":
                model = str(row["format"]).split(":")[1]
                face = FaceTemplate(np.frombuffer(plaintext, dtype="<f4").astype(np.float32), "enrolment", None, model)
            else:
                try:
                    _, templates = iso19794.decode(plaintext, iso19794.ISO)
                except TemplateInvalid as exc:
                    raise DecryptionFailed(f"template {person_id} {row['kind']}: {exc}") from exc
                for template in templates:
                    fingers[template.position] = template
        return EnrolledPerson(p["id"], p["surname"], p["given_names"], p["birth_date"], p["nationality"], docs,
                              face, fingers)

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM persons")[0][0])
