"""The fingerprint pipeline on real prints (neurotech U.are.U, 500 dpi) and on things that are not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from biometrics.finger import iso19794
from biometrics.finger.errors import ImageUnreadable, NoFingerprint, PoorFingerQuality
from biometrics.finger.pipeline import FingerPipeline
from biometrics.finger.results import FingerPosition, FingerTemplate
from kiosk.config import Config
from models.sessions import SessionFactory

RIGHT_INDEX, LEFT_INDEX = FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX
Loader = Callable[[str], np.ndarray]


@pytest.fixture(scope="module")
def pipeline(factory: SessionFactory, config: Config) -> FingerPipeline:
    return FingerPipeline(factory, config.finger)


@pytest.fixture(scope="module")
def scan(data_root: Path) -> Loader:
    def load(name: str) -> np.ndarray:
        image = cv2.imread(str(data_root / "fingerprints" / "neurotech_uareu" / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
        assert image is not None, name
        return np.asarray(image)

    return load


@pytest.fixture(scope="module")
def templates(pipeline: FingerPipeline, scan: Loader) -> dict[str, FingerTemplate]:
    names = ("012_2_1", "012_2_2", "012_3_1", "012_3_2", "013_2_1", "013_3_1")
    return {name: pipeline.extract(scan(name), 500, RIGHT_INDEX) for name in names}


@pytest.fixture(scope="module")
def face(data_root: Path) -> np.ndarray:
    image = cv2.imread(str(data_root / "faces" / "london" / "001" / "neutral.jpg"), cv2.IMREAD_GRAYSCALE)
    return np.asarray(cv2.resize(image, (300, 400)))


def test_a_template_has_minutiae_inside_the_image_at_500_dpi(templates: dict[str, FingerTemplate]) -> None:
    t = templates["012_2_1"]
    assert t.dpi == 500 and (t.width, t.height) == (326, 357)
    assert len(t.minutiae) >= 20
    assert all(0 <= m.x < t.width and 0 <= m.y < t.height for m in t.minutiae)
    assert t.quality is not None and t.quality.acceptable


def test_two_scans_of_one_finger_match(pipeline: FingerPipeline, templates: dict[str, FingerTemplate]) -> None:
    assert pipeline.match(templates["012_2_1"], templates["012_2_2"]) >= pipeline.settings.threshold


def test_the_same_finger_of_two_people_does_not_match(
    pipeline: FingerPipeline, templates: dict[str, FingerTemplate]
) -> None:
    assert pipeline.match(templates["012_2_1"], templates["013_2_1"]) < pipeline.settings.threshold


def test_an_iso_template_matches_like_the_original(
    pipeline: FingerPipeline, templates: dict[str, FingerTemplate]
) -> None:
    original = templates["012_2_1"]
    _, (stored,) = iso19794.decode(iso19794.encode([original]))
    direct = pipeline.match(original, templates["012_2_2"])
    assert pipeline.match(stored, templates["012_2_2"]) == pytest.approx(direct, abs=0.05)


def test_a_print_at_another_resolution_is_normalised_to_500_dpi(
    pipeline: FingerPipeline, scan: Loader, templates: dict[str, FingerTemplate]
) -> None:
    at_800 = cv2.resize(scan("012_2_2"), None, fx=1.6, fy=1.6, interpolation=cv2.INTER_CUBIC)
    template = pipeline.extract(at_800, 800)
    assert abs(template.width - 326) <= 1
    assert pipeline.match(templates["012_2_1"], template) >= pipeline.settings.threshold


def test_two_finger_verification_of_the_right_person(
    pipeline: FingerPipeline, scan: Loader, templates: dict[str, FingerTemplate]
) -> None:
    enrolled = {RIGHT_INDEX: templates["012_2_1"], LEFT_INDEX: templates["012_3_1"]}
    result = pipeline.verify({RIGHT_INDEX: scan("012_2_2"), LEFT_INDEX: scan("012_3_2")}, enrolled, 500)
    assert result.same and result.reason is None
    assert len(result.per_finger) == 2 and result.threshold == pipeline.settings.threshold_for(2)


def test_two_finger_verification_of_someone_else(
    pipeline: FingerPipeline, scan: Loader, templates: dict[str, FingerTemplate]
) -> None:
    enrolled = {RIGHT_INDEX: templates["013_2_1"], LEFT_INDEX: templates["013_3_1"]}
    result = pipeline.verify({RIGHT_INDEX: scan("012_2_2"), LEFT_INDEX: scan("012_3_2")}, enrolled, 500)
    assert not result.same and result.reason == "wrong_finger"


def test_a_blank_probe_is_a_non_match_asking_for_a_finger(
    pipeline: FingerPipeline, scan: Loader, templates: dict[str, FingerTemplate]
) -> None:
    blank = np.full((357, 326), 235, dtype=np.uint8)
    result = pipeline.verify({RIGHT_INDEX: blank}, {RIGHT_INDEX: templates["012_2_1"]}, 500)
    assert not result.same and result.reason == "place_finger" and result.per_finger[0].score == 0.0


def test_enrolment_keeps_a_usable_impression_and_drops_a_blank_one(
    pipeline: FingerPipeline, scan: Loader
) -> None:
    blank = np.full((357, 326), 235, dtype=np.uint8)
    enrolled = pipeline.enrol({RIGHT_INDEX: [blank, scan("012_2_1"), scan("012_2_2")], LEFT_INDEX: [blank]}, 500)
    assert set(enrolled) == {RIGHT_INDEX}
    assert enrolled[RIGHT_INDEX].quality is not None and "nfiq2" in enrolled[RIGHT_INDEX].quality.measures


def test_enrolment_with_no_usable_finger_is_refused(pipeline: FingerPipeline) -> None:
    with pytest.raises(PoorFingerQuality, match="no finger could be enrolled"):
        pipeline.enrol({RIGHT_INDEX: [np.full((357, 326), 235, dtype=np.uint8)]}, 500)


def test_assess_scores_a_good_print_and_prompts_on_a_blank_one(pipeline: FingerPipeline, scan: Loader) -> None:
    good = pipeline.assess(scan("012_2_1"), 500)
    assert good.acceptable and good.prompt is None and 0 < good.score <= 100
    blank = pipeline.assess(np.full((357, 326), 235, dtype=np.uint8), 500)
    assert not blank.acceptable and blank.prompt == "place_finger"


@pytest.mark.parametrize(
    "make",
    [
        lambda face: np.full((400, 300), 230, dtype=np.uint8),
        lambda face: np.zeros((400, 300), dtype=np.uint8),
        lambda face: np.random.default_rng(0).integers(0, 256, (400, 300)).astype(np.uint8),
        lambda face: face,
    ],
    ids=["blank", "black", "noise", "face_photo"],
)
def test_images_without_a_fingerprint_are_no_fingerprint(
    pipeline: FingerPipeline, face: np.ndarray, make: Callable[[np.ndarray], np.ndarray]
) -> None:
    with pytest.raises(NoFingerprint):
        pipeline.extract(make(face), 500)


def test_a_print_rotated_90_degrees_is_extracted_but_does_not_match(
    pipeline: FingerPipeline, scan: Loader, templates: dict[str, FingerTemplate]
) -> None:
    rotated = pipeline.extract(cv2.rotate(scan("012_2_2"), cv2.ROTATE_90_CLOCKWISE), 500)
    assert pipeline.match(templates["012_2_1"], rotated) < pipeline.settings.threshold


@pytest.mark.parametrize(
    ("image", "dpi"),
    [
        (np.zeros((357, 326), dtype=np.uint8), 50),
        (np.zeros((20, 20), dtype=np.uint8), 500),
        (np.zeros((357, 326, 2), dtype=np.uint8), 500),
        (np.full((357, 326), np.nan), 500),
    ],
    ids=["impossible_dpi", "too_small", "two_channels", "nan"],
)
def test_impossible_images_are_unreadable(pipeline: FingerPipeline, image: np.ndarray, dpi: int) -> None:
    with pytest.raises(ImageUnreadable):
        pipeline.extract(image, dpi)
