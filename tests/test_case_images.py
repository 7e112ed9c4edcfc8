"""The officer's pictures of a referral come from the landmarks verification already found.

The document portrait's landmarks travel on the reference template cut from the page, the live face's
on the verification result (its best frame): cropping the pictures then needs no second detection,
and the crops are the same pixels as the ones a fresh detection gives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.config import Config
from kiosk.engine import events as ev
from kiosk.engine.stages.face import FaceStage
from kiosk.replay.runner import Replayer, relay
from models.sessions import SessionFactory
from tests.conftest import replay_lane, wide_budgets, without_liveness, write_session


@pytest.fixture(scope="module")
def impostor(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_session(data_root, tmp_path_factory.mktemp("sessions"), "impostor", seed=11)


@pytest.fixture(scope="module")
def lax_config(config: Config) -> Config:
    engine = wide_budgets(config.engine, officer_s=0.2)
    return dataclasses.replace(without_liveness(config), engine=engine)


class DetectorSpy:
    """Counts the real detector's calls (it still runs) while ``counting`` is on."""

    def __init__(self, stage: FaceStage, monkeypatch: pytest.MonkeyPatch) -> None:
        pipeline, _ = stage.pipeline()
        real: Callable[..., Any] = pipeline.detector.detect
        self.calls = 0
        self.counting = False

        def detect(*args: Any, **kwargs: Any) -> Any:
            self.calls += self.counting
            return real(*args, **kwargs)

        monkeypatch.setattr(pipeline.detector, "detect", detect)


def _frames(bundle: Path) -> list[np.ndarray]:
    frames = [cv2.imread(str(p)) for p in sorted((bundle / "face").glob("*.jpg"))]
    assert frames and all(f is not None for f in frames)
    return frames


def test_carried_landmarks_crop_without_detecting(impostor: Path, config: Config, factory: SessionFactory,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    stage = FaceStage(factory, without_liveness(config).face)
    pipeline, _ = stage.pipeline()
    page = cv2.imread(str(impostor / "document.jpg"))
    frames = _frames(impostor)
    reference = pipeline.reference_from_image(page, "document_page")
    result = pipeline.verify_frames(frames, [i / 6 for i in range(len(frames))], reference)
    assert len(reference.landmarks) == 5 and result.best_frame >= 0 and len(result.best_landmarks) == 5
    frame = frames[result.best_frame]
    detected = stage.display_crops(page, frame)

    spy = DetectorSpy(stage, monkeypatch)
    spy.counting = True
    carried = stage.display_crops(page, frame, reference.landmarks, result.best_landmarks)
    assert spy.calls == 0
    for got, want in zip(carried, detected, strict=True):
        assert got is not None and want is not None
        np.testing.assert_array_equal(got, want)
    # Without landmarks the detector runs, as before.
    stage.display_crops(page, frame)
    assert spy.calls > 0


def test_landmarks_of_the_wrong_count_are_refused_not_cropped(config: Config, factory: SessionFactory) -> None:
    stage = FaceStage(factory, without_liveness(config).face)
    frame = np.zeros((120, 160, 3), np.uint8)
    portrait, live = stage.display_crops(None, frame, (), ((1.0, 2.0),))
    assert portrait is None and live is None  # a clear log line, no crash, no picture


@pytest.fixture(scope="module")
def replayer(lax_config: Config) -> Iterator[Replayer]:
    with relay(None, False, lax_config.engine.door_open_s, lax_config.engine.door_close_s) as (client, sim, scale):
        yield Replayer(lax_config, client, time_scale=scale, simulator=sim)


@pytest.fixture(scope="module")
def enrolled_impostor(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_session(data_root, tmp_path_factory.mktemp("sessions"), "border_pass_impostor", seed=12, index=1)


@pytest.mark.parametrize("case", ["impostor", "enrolled_impostor"])
def test_a_referral_carries_both_pictures_detecting_only_what_was_not_seen(
    replayer: Replayer, case: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A passport holder compared with the page's portrait: both pictures from known landmarks. An enrolled
    border-pass holder, compared with the enrolled template: the page was never searched (no portrait job
    for them), so its picture costs one detection; the live face's landmarks are known."""
    spy = DetectorSpy(replayer.face, monkeypatch)
    real_crops = replayer.face.display_crops
    given: list[tuple[Any, ...]] = []

    def counted(*args: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
        given.append(args)
        spy.counting = True
        try:
            return real_crops(*args)
        finally:
            spy.counting = False

    monkeypatch.setattr(replayer.face, "display_crops", counted)
    decisions: list[ev.DecisionMade] = []
    with replay_lane(replayer, request.getfixturevalue(case)) as lane:
        lane.bus.subscribe(decisions.append, ev.DecisionMade)
        tx = lane.run()
    if tx is None or tx.decision.outcome != "REFER" or "CAPABILITY_MISSING" in tx.decision.codes:
        pytest.skip(f"the impostor bundle was not referred here: {tx and tx.decision.reasons}")
    assert ("FINGER_MISMATCH" if case == "enrolled_impostor" else "FACE_MISMATCH") in tx.decision.codes
    assert decisions[0].reference == ("enrolment" if case == "enrolled_impostor" else "document_page")
    images = decisions[0].images
    assert images is not None and images.portrait is not None and images.live_face is not None
    enrolled = case == "enrolled_impostor"
    assert (spy.calls > 0) == enrolled and "case_images" in tx.stage_ms
    assert ("portrait" in tx.stage_ms) == (not enrolled), tx.stage_ms  # the page's portrait: only as a reference
    # The same pixels as a fresh detection on the page and on the frame the score came from.
    page, frame, page_marks, live_marks = given[0]
    assert len(page_marks) == (0 if enrolled else 5) and len(live_marks) == 5
    portrait, live = real_crops(page, frame)
    assert portrait is not None and live is not None
    np.testing.assert_array_equal(images.portrait, portrait)
    np.testing.assert_array_equal(images.live_face, live)
