"""The one shape every model wrapper has (after opencv_zoo's model classes).

A wrapper is built by ``SessionFactory.model(WrapperClass)`` from its manifest entry and an
onnxruntime session; it never opens files or reads configuration itself. ``preprocess`` turns
the caller's input into the session's feeds, ``infer`` runs the session, ``postprocess`` turns
the raw outputs into the caller's result. Thresholds do not live here: they come from
calibration, through configuration, to whoever decides.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Generic, TypeVar

import numpy as np
import onnxruntime as ort

from models.manifest import ModelEntry

In = TypeVar("In")
Out = TypeVar("Out")


class OnnxModel(ABC, Generic[In, Out]):
    MODEL_NAME: ClassVar[str]

    def __init__(self, entry: ModelEntry, session: ort.InferenceSession) -> None:
        self.entry = entry
        self.session = session
        self.input_names = [i.name for i in session.get_inputs()]
        self.output_names = [o.name for o in session.get_outputs()]

    @abstractmethod
    def preprocess(self, x: In) -> dict[str, np.ndarray]:
        """The session feeds for one input."""

    def infer(self, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        outputs: list[np.ndarray] = self.session.run(self.output_names, feeds)
        return outputs

    @abstractmethod
    def postprocess(self, outputs: list[np.ndarray]) -> Out:
        """The caller's result from the raw outputs."""

    def __call__(self, x: In) -> Out:
        return self.postprocess(self.infer(self.preprocess(x)))
