"""Aligned face chips from MTCNN's five landmarks, in the geometry of dlib's ``get_face_chip``.

The embedder was trained on chips that dlib cuts with a similarity transform mapping its own
5-point shape (eye corners and the base of the nose) onto a fixed template, 150x150 pixels with
padding 0.25. MTCNN gives other points (eye centres, nose tip, mouth corners), so we use a
template of *those* points in dlib's chip frame: ``MTCNN_CHIP_TEMPLATE``, the mean position of
MTCNN's landmarks after dlib's own transform, measured by ``scripts/derive_chip_template.py`` on
face images that no verification benchmark uses (see the constant's comment).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

CHIP_SIZE = 150
CHIP_PADDING = 0.25

# dlib's 5-point template on the unit square (dlib/image_transforms/interpolation.h,
# get_face_chip_details): outer and inner corner of the subject's left eye, of the right eye,
# and the base of the nose. Used to reproduce dlib's chips when deriving and checking ours.
DLIB_TEMPLATE_UNIT = np.array(
    [
        [0.8595674595992, 0.2134981538014],
        [0.6460604764104, 0.2289674387677],
        [0.1205750620789, 0.2137274526848],
        [0.3340850613712, 0.2290642403242],
        [0.4901123135679, 0.6277975316475],
    ]
)

# MTCNN's landmarks (the eye seen on the image's left, the other eye, the nose tip, the mouth
# corner on the image's left, the other corner) in dlib's 150 px chip frame with padding 0.25:
# their mean position after dlib's own chip transform, over 996 faces that both pipelines found
# in pad/replay_attack (train 355, devel 350), pad/nuaa (182) and video (109 frames), none of
# which is a verification benchmark. Per-point standard deviation 1.2-3.5 px (the nose and mouth
# vary with expression and pose). Reproduce: .venv/bin/python scripts/derive_chip_template.py
MTCNN_CHIP_TEMPLATE = np.array(
    [
        [47.0159, 45.2787],
        [101.2691, 45.3946],
        [74.1553, 75.3195],
        [51.7435, 105.1124],
        [96.3666, 105.4661],
    ]
)
# How much each point counts when fitting the transform: the inverse of its variance in the
# same derivation (the eyes are where dlib's points are; the nose and mouth move with expression).
MTCNN_POINT_WEIGHTS = np.array([1.0, 1.1669, 0.2547, 0.2691, 0.2388])
_DLIB_PYRAMID_SHIFT = np.array([-0.5, 0.5])


def dlib_template(size: int = CHIP_SIZE, padding: float = CHIP_PADDING) -> np.ndarray:
    """dlib's 5-point template in chip pixels, as get_face_chip_details computes it."""
    result: np.ndarray = (padding + DLIB_TEMPLATE_UNIT) / (2 * padding + 1) * size
    return result


def dlib_chip_transform(points: np.ndarray, size: int = CHIP_SIZE, padding: float = CHIP_PADDING) -> np.ndarray:
    """The image-to-chip transform dlib's get_face_chip uses for its own 5 landmarks.

    dlib fits a similarity from its template to the points, then keeps only its angle, its
    scale and where it puts the chip's centre: chip pixel (0, 0) lands on the corner of a
    rectangle ``size * scale - 1`` wide around that centre, pixel ``size - 1`` on the other.
    """
    chip_to_image = similarity(dlib_template(size, padding), points)
    a, b = chip_to_image[0, 0], chip_to_image[1, 0]
    scale, angle = math.hypot(a, b), math.atan2(b, a)
    centre = apply(chip_to_image, np.array([[size / 2.0, size / 2.0]]))[0]
    stretch = (size * scale - 1.0) / (size - 1.0)
    linear = stretch * np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    shift = centre - linear @ np.array([(size - 1) / 2.0, (size - 1) / 2.0])
    result: np.ndarray = cv2.invertAffineTransform(np.hstack([linear, shift[:, None]]))
    return result


def similarity(source: np.ndarray, target: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The 2x3 similarity transform (rotation, uniform scale, shift) taking ``source`` points
    closest to ``target`` points in the (weighted) least-squares sense; unweighted, this is
    dlib's find_similarity_transform."""
    src = np.asarray(source, dtype=np.float64)
    dst = np.asarray(target, dtype=np.float64)
    n = src.shape[0]
    root = np.repeat(np.sqrt(np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)), 2)
    design = np.zeros((2 * n, 4))
    design[0::2] = np.column_stack([src[:, 0], -src[:, 1], np.ones(n), np.zeros(n)])
    design[1::2] = np.column_stack([src[:, 1], src[:, 0], np.zeros(n), np.ones(n)])
    (a, b, tx, ty), *_ = np.linalg.lstsq(design * root[:, None], dst.reshape(-1) * root, rcond=None)
    return np.array([[a, -b, tx], [b, a, ty]])


def apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Points (N, 2) moved by a 2x3 transform."""
    pts = np.asarray(points, dtype=np.float64)
    moved: np.ndarray = pts @ matrix[:, :2].T + matrix[:, 2]
    return moved


def extract_chip(rgb: np.ndarray, image_to_chip: np.ndarray, size: int = CHIP_SIZE) -> np.ndarray:
    """The (size, size, 3) float32 chip under a 2x3 image-to-chip transform, sampled as dlib does.

    Like dlib's extract_image_chip: while the chip's footprint in the image, halved, is still
    larger than the chip, the image is halved first (5-tap Gaussian pyramid), so small chips are not aliased;
    then bilinear sampling, black outside the image, values truncated to whole numbers. dlib's
    pyramid maps a point p to p/2 - (1.25, 0.75) while its filter centres output pixel j on input
    2j + 2; the half-pixel shift that leaves, (-0.5, +0.5) per level, is reproduced here.
    """
    matrix = np.asarray(image_to_chip, dtype=np.float64).copy()
    source = rgb
    footprint = size / math.hypot(matrix[0, 0], matrix[1, 0])  # chip width in source pixels
    while footprint / 2.0 > size and min(source.shape[:2]) > 8:
        # Only the part of the image the chip covers is halved, to keep big pages cheap.
        source, matrix = _crop_to_chip(source, matrix, size)
        source = cv2.pyrDown(source)
        matrix[:, 2] -= matrix[:, :2] @ _DLIB_PYRAMID_SHIFT
        matrix[:, :2] *= 2.0
        footprint /= 2.0
    source, matrix = _crop_to_chip(source, matrix, size)
    chip = cv2.warpAffine(
        source.astype(np.float32), matrix, (size, size), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=(0.0, 0.0, 0.0),
    )
    result: np.ndarray = np.floor(chip)
    return result


def _crop_to_chip(image: np.ndarray, matrix: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The image cut to the chip's footprint (plus a margin) and the transform for the cut-out."""
    inverse = cv2.invertAffineTransform(matrix)
    corners = apply(inverse, np.array([[0, 0], [size, 0], [0, size], [size, size]], dtype=np.float64))
    margin = 4.0 / max(math.hypot(matrix[0, 0], matrix[1, 0]), 1e-9)
    height, width = image.shape[:2]
    x0 = int(max(0, math.floor(corners[:, 0].min() - margin)))
    y0 = int(max(0, math.floor(corners[:, 1].min() - margin)))
    x1 = int(min(width, math.ceil(corners[:, 0].max() + margin) + 1))
    y1 = int(min(height, math.ceil(corners[:, 1].max() + margin) + 1))
    if x1 <= x0 or y1 <= y0:
        return image[:1, :1] * 0, matrix
    shifted = matrix.copy()
    shifted[:, 2] += matrix[:, :2] @ np.array([x0, y0], dtype=np.float64)
    return image[y0:y1, x0:x1], shifted


def mtcnn_template(size: int, padding: float) -> np.ndarray:
    """MTCNN_CHIP_TEMPLATE moved to a chip of another size and padding (same face geometry)."""
    unit = MTCNN_CHIP_TEMPLATE / CHIP_SIZE * (1 + 2 * CHIP_PADDING) - CHIP_PADDING
    result: np.ndarray = (unit + padding) / (1 + 2 * padding) * size
    return result


def mtcnn_chip_transform(landmarks: np.ndarray) -> np.ndarray:
    """The image-to-chip transform for MTCNN's (5, 2) landmarks."""
    return similarity(landmarks, MTCNN_CHIP_TEMPLATE, MTCNN_POINT_WEIGHTS)


def align(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The embedder's 150x150 chip for one face found by MTCNN."""
    return extract_chip(rgb, mtcnn_chip_transform(landmarks))


def display_crop(image: np.ndarray, landmarks: np.ndarray, width: int = 240, height: int = 300,
                 padding: float = 0.6) -> np.ndarray:
    """An upright, passport-style crop of one face for a person to look at (not for the embedder).

    The same landmark geometry as the chip, with more room around the face (``padding``) and a
    3:4-like frame, so the document portrait and the live face are shown at one scale and angle.
    Pixels outside the image are mid-grey; the dtype and channel order of ``image`` are kept."""
    template = mtcnn_template(height, padding)
    template[:, 0] -= (height - width) / 2.0
    template[:, 1] += height * 0.04  # a little more forehead and hair than chin, as on a portrait
    matrix = similarity(np.asarray(landmarks, dtype=np.float64), template, MTCNN_POINT_WEIGHTS)
    scale = math.hypot(matrix[0, 0], matrix[1, 0])
    source = image
    if scale < 0.5:  # a large face shrunk a lot: smooth first so the crop is not aliased
        source = cv2.GaussianBlur(image, (0, 0), sigmaX=0.4 / scale)
    fill = (128,) * (image.shape[2] if image.ndim == 3 else 1)
    crop: np.ndarray = cv2.warpAffine(source, matrix, (width, height), flags=cv2.INTER_LINEAR,
                                      borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    return crop
