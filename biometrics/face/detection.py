"""Finding faces in an image of any size, and measuring each one: the shared first step of every entry point.

Large images (document scans, photos) are searched at a working size and the landmarks mapped
back, so the chip is cut from the full-resolution image. Each found face becomes a
``MeasuredFace``: MTCNN's detection in full-image pixels, the aligned chip and its quality
measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from biometrics.face.align import align
from biometrics.face.mtcnn import Detection, MtcnnDetector
from biometrics.face.quality import chip_measures, pose
from biometrics.face.results import FaceBox


@dataclass(frozen=True)
class MeasuredFace:
    detection: Detection
    chip: np.ndarray  # (150, 150, 3) float32 RGB, dlib's chip geometry
    measures: dict[str, float]

    @property
    def landmarks(self) -> np.ndarray:
        return self.detection.landmarks

    @property
    def eye_distance(self) -> float:
        return self.measures["eye_distance_px"]

    def box(self) -> FaceBox:
        x1, y1, x2, y2 = (float(v) for v in self.detection.box)
        return FaceBox(
            x=x1, y=y1, width=x2 - x1, height=y2 - y1, score=self.detection.score,
            landmarks=tuple((float(x), float(y)) for x, y in self.detection.landmarks),
        )


_TURNS = (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE)
_CLEAR_FACE = 0.99  # O-Net probability above which an upright face needs no other orientation


def _turned_back(points: np.ndarray, turn: int, height: int, width: int) -> np.ndarray:
    """Points of an image turned by ``turn`` (cv2.rotate code) in the original's pixels (H x W)."""
    x, y = points[..., 0], points[..., 1]
    if turn == cv2.ROTATE_90_CLOCKWISE:
        back = (y, height - 1 - x)
    elif turn == cv2.ROTATE_180:
        back = (width - 1 - x, height - 1 - y)
    else:
        back = (width - 1 - y, x)
    return np.stack(back, axis=-1)


def find_faces_any_orientation(
    detector: MtcnnDetector, rgb: np.ndarray, min_face_px: float, max_working_side: int
) -> list[MeasuredFace]:
    """Like ``find_faces``, for a document that may lie sideways or upside down on the scanner.

    Unless the upright image already shows a clear upright face, the three quarter turns are
    searched too and the orientation whose main face MTCNN is surest of wins (a sideways face
    is sometimes found upright too, weakly and with poor landmarks). Pose measures are relative
    to the winning orientation; boxes and landmarks are in the original's pixels."""
    upright = find_faces(detector, rgb, min_face_px, max_working_side)
    if upright and upright[0].detection.score >= _CLEAR_FACE and abs(upright[0].measures["roll_deg"]) < 20:
        return upright
    best, best_turn = upright, None
    height, width = rgb.shape[:2]
    for turn in _TURNS:
        turned = find_faces(detector, np.ascontiguousarray(cv2.rotate(rgb, turn)), min_face_px, max_working_side)
        if turned and (not best or _surer(turned[0], best[0])):
            best, best_turn = turned, turn
    if best_turn is None:
        return best
    result = []
    for face in best:
        corners = _turned_back(face.detection.box.reshape(2, 2), best_turn, height, width)
        box = np.concatenate([corners.min(axis=0), corners.max(axis=0)])
        landmarks = _turned_back(face.detection.landmarks, best_turn, height, width)
        result.append(MeasuredFace(Detection(box, face.detection.score, landmarks), face.chip, face.measures))
    return result


def _surer(a: MeasuredFace, b: MeasuredFace) -> bool:
    return (a.detection.score, a.eye_distance) > (b.detection.score, b.eye_distance)


def find_faces(
    detector: MtcnnDetector, rgb: np.ndarray, min_face_px: float, max_working_side: int
) -> list[MeasuredFace]:
    """Every face at least ``min_face_px`` wide (in full-image pixels), largest first."""
    height, width = rgb.shape[:2]
    scale = min(1.0, max_working_side / max(height, width))
    working = rgb
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        working = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    smallest = min(min_face_px * scale, float(min(working.shape[:2])))
    detections = detector.detect(working, max(smallest, 12.0))
    faces = []
    for detection in detections:
        found = detection
        if scale < 1.0:
            found = Detection(box=found.box / scale, score=found.score, landmarks=found.landmarks / scale)
        chip = align(rgb, found.landmarks)
        faces.append(MeasuredFace(found, chip, pose(found.landmarks) | chip_measures(chip)))
    return sorted(faces, key=lambda f: -f.eye_distance)


def others_present(faces: list[MeasuredFace], ratio: float) -> bool:
    """Whether a second face is at least ``ratio`` the size of the largest (a second person)."""
    return len(faces) > 1 and faces[1].eye_distance >= ratio * faces[0].eye_distance
