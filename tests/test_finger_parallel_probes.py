"""Two presented fingers are extracted at once (one thread each) and give the very result of one after
the other: same minutiae, same scores, same fused decision and reasons, in the order presented."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from biometrics.finger import pipeline as finger_pipeline
from biometrics.finger.leader import LeaderNet
from biometrics.finger.pipeline import FingerPipeline
from biometrics.finger.results import FingerPosition
from kiosk.config import Config
from models.sessions import SessionFactory

RIGHT, LEFT = FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX


def _scan(data_root: Path, name: str) -> np.ndarray:
    image = cv2.imread(str(data_root / "fingerprints" / "neurotech_uareu" / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    assert image is not None, name
    return np.asarray(image)


def test_parallel_probes_give_the_sequential_result(data_root: Path, factory: SessionFactory, config: Config,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline = FingerPipeline(factory, config.finger)
    enrolled = {RIGHT: pipeline.extract(_scan(data_root, "012_2_1"), 500, RIGHT),
                LEFT: pipeline.extract(_scan(data_root, "013_3_1"), 500, LEFT)}
    # The left probe is another person's finger: one match, one mismatch, so order mistakes show.
    probes = {RIGHT: _scan(data_root, "012_2_2"), LEFT: _scan(data_root, "027_7_2")}
    net = factory.model(LeaderNet)
    real = net.detect
    threads: list[str] = []

    def spied(image: np.ndarray) -> Any:
        threads.append(threading.current_thread().name)
        return real(image)

    monkeypatch.setattr(net, "detect", spied)
    monkeypatch.setattr(finger_pipeline.os, "cpu_count", lambda: 2)
    together = pipeline.verify(probes, enrolled, 500)
    assert len(threads) == 2 and all(name.startswith("finger") for name in threads)
    monkeypatch.setattr(finger_pipeline.os, "cpu_count", lambda: 1)
    threads.clear()
    apart = pipeline.verify(probes, enrolled, 500)
    assert threads == [threading.current_thread().name] * 2
    assert [m.position for m in together.per_finger] == [RIGHT, LEFT]
    assert together.per_finger == apart.per_finger
    assert (together.same, together.score, together.reason) == (apart.same, apart.score, apart.reason)
    assert together.per_finger[0].score > together.per_finger[1].score


def test_an_unusable_finger_among_two_is_reported_in_its_place(data_root: Path, factory: SessionFactory,
                                                               config: Config) -> None:
    pipeline = FingerPipeline(factory, config.finger)
    enrolled = {RIGHT: pipeline.extract(_scan(data_root, "012_2_1"), 500, RIGHT)}
    blank = np.full((357, 326), 200, np.uint8)
    result = pipeline.verify({LEFT: blank, RIGHT: _scan(data_root, "012_2_2")}, enrolled, 500)
    assert [m.position for m in result.per_finger] == [LEFT, RIGHT]
    first = result.per_finger[0]
    assert first.score == 0.0 and first.quality is not None and first.quality.prompt == "place_finger"
    assert result.per_finger[1].score > 0.0
