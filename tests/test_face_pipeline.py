"""Templates, comparison and document portraits through FacePipeline, on real faces."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from biometrics.face.errors import ImageUnreadable, MultipleFaces, NoFaceFound, PoorFaceQuality
from biometrics.face.pipeline import FacePipeline
from kiosk.config import Config
from models.sessions import SessionFactory


@pytest.fixture(scope="module")
def pipeline(factory: SessionFactory, config: Config) -> FacePipeline:
    return FacePipeline(factory, config.face)


def _image(data_root: Path, relative: str) -> np.ndarray:
    image = cv2.imread(str(data_root / relative), cv2.IMREAD_COLOR)
    assert image is not None, relative
    return image


def _document_page(portrait: np.ndarray) -> np.ndarray:
    """A passport-like data page: pale background, printed fields, the portrait on the left, a
    faded ghost portrait on the right, and two MRZ-like lines."""
    page = np.full((620, 880, 3), (214, 226, 232), np.uint8)
    page[90:410, 40:280] = cv2.resize(portrait[60:540, 120:480], (240, 320), interpolation=cv2.INTER_AREA)
    ghost = cv2.resize(portrait[60:540, 120:480], (90, 120), interpolation=cv2.INTER_AREA)
    page[260:380, 740:830] = cv2.addWeighted(ghost, 0.45, page[260:380, 740:830], 0.55, 0)
    for row, text in enumerate(("PASSPORT  P  UTO", "ERIKSSON", "ANNA MARIA", "12 AUG 1974", "F  ZENITH")):
        cv2.putText(page, text, (320, 120 + 50 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (40, 40, 60), 2)
    mrz = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
    for row, text in enumerate(mrz):
        cv2.putText(page, text, (30, 500 + 50 * row), cv2.FONT_HERSHEY_PLAIN, 1.6, (20, 20, 20), 2)
    return page


def test_the_same_person_neutral_and_smiling_scores_above_the_threshold(
    pipeline: FacePipeline, data_root: Path
) -> None:
    a = pipeline.template(_image(data_root, "faces/london/001/neutral.jpg"))
    b = pipeline.template(_image(data_root, "faces/london/001/smiling.jpg"))
    assert a.vector.shape == (128,) and a.source == "live"
    assert pipeline.compare(a, b) >= pipeline.settings.verification.threshold


def test_different_people_score_below_the_threshold(pipeline: FacePipeline, data_root: Path) -> None:
    a = pipeline.template(_image(data_root, "faces/london/001/neutral.jpg"))
    b = pipeline.template(_image(data_root, "faces/london/002/neutral.jpg"))
    assert pipeline.compare(a, b) < pipeline.settings.verification.threshold


def test_the_portrait_on_a_document_page_matches_the_live_face(pipeline: FacePipeline, data_root: Path) -> None:
    page = _document_page(_image(data_root, "faces/london/003/neutral.jpg"))
    reference = pipeline.reference_from_image(page)
    assert reference.source == "document_page"
    box, chip = pipeline.portrait(page)
    assert 40 <= box.x <= 280 and chip.shape == (150, 150, 3)
    same = pipeline.template(_image(data_root, "faces/london/003/smiling.jpg"))
    other = pipeline.template(_image(data_root, "faces/london/004/smiling.jpg"))
    threshold = pipeline.settings.verification.threshold
    assert pipeline.compare(reference, same) >= threshold > pipeline.compare(reference, other)


def test_a_page_laid_sideways_still_gives_its_portrait(pipeline: FacePipeline, data_root: Path) -> None:
    page = _document_page(_image(data_root, "faces/london/003/neutral.jpg"))
    upright = pipeline.reference_from_image(page)
    sideways = pipeline.reference_from_image(cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE))
    assert pipeline.compare(upright, sideways) > 0.9


def test_a_specimen_passport_page_gives_its_portrait(pipeline: FacePipeline, data_root: Path) -> None:
    page = _image(data_root, "travel_docs/passporteye/specimens/passport-td3.png")
    box, _ = pipeline.portrait(page)
    assert box.x < page.shape[1] / 3  # the portrait sits on the left of a TD3 data page
    assert pipeline.reference_from_image(page).vector.shape == (128,)


def test_a_grey_photo_gives_a_template(pipeline: FacePipeline, data_root: Path) -> None:
    grey = cv2.imread(str(data_root / "faces/orl/s1/1.pgm"), cv2.IMREAD_GRAYSCALE)
    assert pipeline.template(grey, source="enrolment").vector.shape == (128,)


def test_two_people_in_one_frame_give_multiple_faces(pipeline: FacePipeline, data_root: Path) -> None:
    a, b = (_image(data_root, f"faces/london/{person}/neutral.jpg") for person in ("001", "002"))
    both = np.hstack([a, b])
    with pytest.raises(MultipleFaces):
        pipeline.template(both)


def test_a_frame_without_a_face_gives_no_face_found(pipeline: FacePipeline) -> None:
    with pytest.raises(NoFaceFound):
        pipeline.template(np.full((480, 640, 3), 128, np.uint8))
    with pytest.raises(NoFaceFound):
        pipeline.reference_from_image(np.full((600, 800, 3), 230, np.uint8))


def test_a_face_too_small_to_compare_is_poor_quality(pipeline: FacePipeline, data_root: Path) -> None:
    page = np.full((700, 900, 3), 225, np.uint8)
    page[300:380, 100:180] = cv2.resize(_image(data_root, "faces/london/003/neutral.jpg"), (80, 80))
    with pytest.raises(PoorFaceQuality, match="too small"):
        pipeline.reference_from_image(page)


@pytest.mark.parametrize(
    "image",
    [np.zeros((1, 1, 3), np.uint8), np.zeros((20000, 20000, 3), np.uint8), np.zeros((0, 0, 3), np.uint8)],
    ids=["1x1", "20000x20000", "empty"],
)
def test_impossible_images_are_unreadable(pipeline: FacePipeline, image: np.ndarray) -> None:
    with pytest.raises(ImageUnreadable):
        pipeline.template(image)
    with pytest.raises(ImageUnreadable):
        pipeline.assess(image)
