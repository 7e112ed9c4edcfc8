"""Enrolment: person, documents, face and finger templates from the real pipelines, sealed at rest."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from biometrics.face.results import FaceTemplate
from biometrics.finger.pipeline import FingerPipeline
from biometrics.finger.results import FingerPosition, FingerTemplate, Minutia
from kiosk.config import Config
from kiosk.stores.crypto import generate_key
from kiosk.stores.enrolment import DocumentRecord
from kiosk.stores.errors import EnrolmentInvalid
from kiosk.stores.gate import GateStore
from models.sessions import SessionFactory

KEY = generate_key()


@pytest.fixture(scope="module")
def finger_pipeline(factory: SessionFactory, config: Config) -> FingerPipeline:
    return FingerPipeline(factory, config.finger)


@pytest.fixture(scope="module")
def prints(data_root: Path, finger_pipeline: FingerPipeline) -> dict[str, FingerTemplate]:
    def extract(name: str, position: FingerPosition) -> FingerTemplate:
        image = cv2.imread(str(data_root / "fingerprints" / "neurotech_uareu" / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
        assert image is not None, name
        return finger_pipeline.extract(np.asarray(image), 500, position)

    return {
        "enrolled_right_index": extract("012_2_1", FingerPosition.RIGHT_INDEX),
        "probe_right_index": extract("012_2_2", FingerPosition.RIGHT_INDEX),
        "enrolled_left_index": extract("012_3_1", FingerPosition.LEFT_INDEX),
    }


def _synthetic_finger(position: FingerPosition) -> FingerTemplate:
    minutiae = tuple(Minutia(10.0 + 7 * i, 20.0 + 3 * i, 0.1 * i, "ending") for i in range(20))
    return FingerTemplate(position, minutiae, 300, 400)


def test_a_traveller_is_found_by_document_number_with_templates_that_still_match(
    tmp_path: Path, prints: dict[str, FingerTemplate], finger_pipeline: FingerPipeline
) -> None:
    face = FaceTemplate(np.linspace(-1, 1, 128, dtype=np.float32), "enrolment")
    fingers = {FingerPosition.RIGHT_INDEX: prints["enrolled_right_index"],
               FingerPosition.LEFT_INDEX: prints["enrolled_left_index"]}
    with GateStore.open(tmp_path / "gate.db", KEY) as store:
        person_id = store.enrolment.enrol(
            "Nguyễn", "Văn Đức", "1980-01-02", "VNM",
            [DocumentRecord("P", "C1234567", "VNM", "2030-05-01"), DocumentRecord("BP", "BP-0042", "VNM")],
            face=face, fingers=fingers,
        )
    with GateStore.open(tmp_path / "gate.db", KEY) as store:
        person = store.enrolment.by_document("c1234567<")
        assert store.enrolment.by_document("BP0042", "VNM") is not None
        assert store.enrolment.by_document("C7654321") is None
    assert person is not None and person.id == person_id
    assert (person.surname, person.birth_date, person.nationality) == ("Nguyễn", "1980-01-02", "VNM")
    assert [d.number for d in person.documents] == ["C1234567", "BP-0042"]
    assert person.face is not None
    np.testing.assert_array_equal(person.face.vector, face.vector)
    assert set(person.fingers) == {FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX}
    stored = person.fingers[FingerPosition.RIGHT_INDEX]
    assert len(stored.minutiae) == len(prints["enrolled_right_index"].minutiae)
    probe = prints["probe_right_index"]
    original = finger_pipeline.match(probe, prints["enrolled_right_index"])
    assert original >= finger_pipeline.settings.threshold  # genuine pair, as in test_finger_pipeline
    assert abs(finger_pipeline.match(probe, stored) - original) < 0.05  # ISO quantisation only


def test_ten_fingers_at_most_each_with_its_position(tmp_path: Path) -> None:
    fingers = {p: _synthetic_finger(p) for p in FingerPosition if p != FingerPosition.UNKNOWN}
    with GateStore.open(tmp_path / "gate.db", KEY) as store:
        store.enrolment.enrol("Tran", "Mai", "1990-01-01", "VNM", [DocumentRecord("P", "C1", "VNM")], fingers=fingers)
        person = store.enrolment.by_document("C1")
        assert person is not None and len(person.fingers) == 10
        assert person.fingers[FingerPosition.LEFT_LITTLE].position == FingerPosition.LEFT_LITTLE
        with pytest.raises(EnrolmentInvalid, match="not UNKNOWN"):
            store.enrolment.set_finger(person.id, FingerPosition.UNKNOWN, _synthetic_finger(FingerPosition.UNKNOWN))
        with pytest.raises(EnrolmentInvalid, match="template is of RIGHT_THUMB"):
            store.enrolment.set_finger(
                person.id, FingerPosition.LEFT_THUMB, _synthetic_finger(FingerPosition.RIGHT_THUMB)
            )


@pytest.mark.parametrize(
    ("birth_date", "documents", "message"),
    [
        ("02/01/1980", [DocumentRecord("P", "C1", "VNM")], "not a date"),
        ("1980-01-02", [], "at least one document"),
        ("1980-01-02", [DocumentRecord("P", "<<", "VNM")], "no letters or digits"),
        ("1980-01-02", [DocumentRecord("P", "C1", "VNM", "soon")], "not a date"),
    ],
)
def test_an_incomplete_enrolment_is_refused_and_leaves_nothing(
    tmp_path: Path, birth_date: str, documents: list[DocumentRecord], message: str
) -> None:
    with GateStore.open(tmp_path / "gate.db", KEY) as store:
        with pytest.raises(EnrolmentInvalid, match=message):
            store.enrolment.enrol("Tran", "Mai", birth_date, "VNM", documents)
        assert store.enrolment.count() == 0


def test_a_document_enrolled_twice_is_refused(tmp_path: Path) -> None:
    with GateStore.open(tmp_path / "gate.db", KEY) as store:
        store.enrolment.enrol("Tran", "Mai", "1990-01-01", "VNM", [DocumentRecord("P", "C1", "VNM")])
        with pytest.raises(EnrolmentInvalid, match="already enrolled"):
            store.enrolment.enrol("Le", "Hoa", "1991-01-01", "VNM", [DocumentRecord("P", "c-1", "VNM")])
        assert store.enrolment.count() == 1
