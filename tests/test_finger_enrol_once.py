"""Enrolment runs the minutiae network once per impression: the template and the NFIQ 2 assessment it
keeps are what ``extract`` and ``assess`` give one by one, and the network is called once, not twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from biometrics.finger.leader import LeaderNet
from biometrics.finger.pipeline import FingerPipeline
from biometrics.finger.results import FingerPosition
from kiosk.config import Config
from models.sessions import SessionFactory

NAMES = ("012_2_1", "012_2_2")


@pytest.fixture(scope="module")
def impressions(data_root: Path) -> list[np.ndarray]:
    images = [cv2.imread(str(data_root / "fingerprints" / "neurotech_uareu" / f"{n}.png"), cv2.IMREAD_GRAYSCALE)
              for n in NAMES]
    assert all(i is not None for i in images)
    return [np.asarray(i) for i in images]


def test_one_network_run_gives_extract_and_assess(factory: SessionFactory, config: Config,
                                                  impressions: list[np.ndarray],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline = FingerPipeline(factory, config.finger)
    apart = [(pipeline.extract(i, 500, FingerPosition.RIGHT_INDEX), pipeline.assess(i, 500)) for i in impressions]
    net = factory.model(LeaderNet)
    real = net.detect
    calls: list[int] = []

    def counted(image: np.ndarray) -> Any:
        calls.append(1)
        return real(image)

    monkeypatch.setattr(net, "detect", counted)
    for image, (template, quality) in zip(impressions, apart, strict=True):
        prepared, seg, minutiae = pipeline._measure(image, 500)  # the one network run
        got = pipeline._template(prepared, minutiae, FingerPosition.RIGHT_INDEX,
                                 pipeline._quality(prepared, seg, minutiae, config.finger.nfiq2_on_extract))
        assessed = pipeline._quality(prepared, seg, minutiae, with_nfiq2=True)
        assert got.minutiae == template.minutiae and got.quality == template.quality
        assert assessed == quality
    assert len(calls) == len(impressions)
    enrolled = pipeline.enrol({FingerPosition.RIGHT_INDEX: impressions[:2]}, 500)
    assert len(calls) == len(impressions) + 2
    best = enrolled[FingerPosition.RIGHT_INDEX]
    assert best.quality in (apart[0][1], apart[1][1])  # the kept quality is the NFIQ 2 assessment
