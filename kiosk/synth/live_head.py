"""A live traveller's head in front of the gate camera, rendered from one frontal photo.

A photo moved in two dimensions is what a presentation attack looks like (``pad_clips.hand_motion``):
every point of it moves by one homography. A real head is not flat, so when it turns, points at
different depths move differently: the nose tip, about 2 cm in front of the eyes and mouth
corners, moves more than the cheeks, and the head moves against the wall behind it. This module
gives a frontal photo that third dimension and films it:

- **Camera.** 640x480, focal length ``FOCAL_PX`` (about 39 degrees across: a gate's face camera
  frames head and shoulders), the eyes ``DISTANCE_M`` from it (nearer if the photo would not cover
  the frame's height); the photo is scaled so that the eye distance in pixels is what
  a 63 mm interpupillary distance gives at that distance (``f * IPD / Z``), and is taken to be the
  camera's view of the head at rest.
- **Depth.** A generic adult head placed from the photo's five MTCNN landmarks (the project's own
  detector): a super-ellipsoid 15 cm wide, 24 cm high and 9.5 cm from its centre plane to the
  face (flat from brow to chin, rounding off at the crown, jaw and cheeks), plus a nose ridge from
  between the eyes to the nose-tip landmark, its tip about 2 cm in front of the eyes. Outside the
  head the relief is zero: the silhouette of a round body lies near its centre plane.
- **Motion.** The head turns about a pivot in the upper neck by a few degrees of yaw, pitch and
  roll (slow sines, random amplitude and phase), and the whole person sways a centimetre or two
  sideways, up and down and towards the camera; the head's turn fades out down the neck, so the
  shoulders only sway. Each pixel is back-projected at its depth, moved in 3-D and projected
  again, with perspective.
- **Scene.** The London photos are taken against a plain grey wall, which stays still: the wall is
  fitted by a smooth surface, the person is what differs from it, and the motion is carried by a
  soft mask of the person that fades out over a few centimetres of wall. A plain wall stretched by
  a few pixels near the outline shows nothing, so there are no holes and no seams; outside the
  photo the scene continues its border, smoothed.
- **Blinks.** In about three clips of ten (``BLINK_CHANCE``: people blink 10-20 times a minute)
  a blink falls in the clip: the lids go down in 80 ms, stay shut 40 ms and rise in 200 ms, so at
  6 frames a second a frame or two catch them partly or fully shut. The upper lid is drawn by
  unfolding the photo's own lid skin and lashes down over a generic eye opening centred on each eye
  landmark (``eyelids``), before the head is moved.
- **Rendering.** ``cv2.remap`` needs, for each output pixel, where it comes from: the forward
  displacement is inverted by fixed-point iteration (it is smooth and its gradient stays near 0.3,
  so ten rounds leave about a hundredth of a pixel). Sensor blur, exposure and noise are added as for the other
  synthetic clips.

What is not modelled: occlusion (a few degrees of turn hide nothing visible at this size), shading
changes as the head turns, the eye's own shape when drawing the lids (a generic opening; an eye
landmark's roll is ignored, the London photos are upright), and any expression change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

IPD_M = 0.063  # mean adult interpupillary distance
FOCAL_PX = 900.0  # focal length of the 640x480 gate camera, in pixels (about 39 degrees across)
DISTANCE_M = (0.6, 0.8)  # camera to the traveller's eyes
BLINK_CHANCE = 0.3  # people blink 10-20 times a minute, less when looking at something: one in ~1.3 s clips
BLINK_S = (0.08, 0.04, 0.2)  # eyelid down, shut, up (seconds)
EYE_OPENING = (0.25, 0.095, 0.26)  # half width, half height, brow-to-eye, in eye distances


@dataclass(frozen=True)
class HeadShape:
    """A generic adult head in metres; x right, y down from the point between the eyes."""

    half_width: float = 0.075  # head breadth about 15 cm
    half_height: float = 0.12  # crown to chin about 24 cm
    centre_below_eyes: float = 0.02
    depth: float = 0.095  # centre plane (the silhouette) to the front of the face
    nose: float = 0.0125  # nose tip above the head's surface: about 2 cm in front of the eyes in all
    rounding: float = 0.006  # the outline is rounded over this much, so the relief has no cliff
    pivot_below_eyes: float = 0.06  # the head turns about the upper neck ...
    pivot_behind: float = 0.01  # ... a little behind the silhouette plane
    chin: float = 0.11  # below this the turn of the head fades out down the neck ...
    shoulders: float = 0.19  # ... and is gone at the shoulders


@dataclass(frozen=True)
class Motion:
    """Pose of the person at one instant: head angles (degrees), body offset (metres), eyelids (0 open, 1 shut)."""

    yaw: float
    pitch: float
    roll: float
    offset: tuple[float, float, float]
    eyelids: float = 0.0


@dataclass(frozen=True)
class LiveHeadClip:
    """The rendered frames and the poses they were rendered at: the clip's ground truth."""

    frames: list[np.ndarray]
    motions: list[Motion]
    fps: float

    def truth(self) -> dict[str, object]:
        """What a tester needs to judge a liveness result: the turn's range in degrees, the sway in
        centimetres, and when the lids were more than half shut (seconds into the clip; empty: no blink)."""
        angles = np.array([(m.yaw, m.pitch, m.roll) for m in self.motions])
        sway = np.array([m.offset for m in self.motions]) * 100.0
        shut = [round(k / self.fps, 3) for k, m in enumerate(self.motions) if m.eyelids > 0.5]
        return {
            "yaw_deg": np.ptp(angles[:, 0]).round(2).item(), "pitch_deg": np.ptp(angles[:, 1]).round(2).item(),
            "roll_deg": np.ptp(angles[:, 2]).round(2).item(), "sway_cm": np.ptp(sway, axis=0).round(2).tolist(),
            "lids_shut_s": shut,
        }


@dataclass(frozen=True)
class Scene:
    """The still scene and what the renderer needs to move the person in it."""

    image: np.ndarray  # (H, W, 3) float32 BGR, the camera's view at rest
    depth: np.ndarray  # (H, W) metres from the camera
    points: np.ndarray  # (3, H, W) float32 each pixel back-projected at its depth (camera coordinates, metres)
    head: np.ndarray  # (H, W) share of the head's turn each pixel follows (1 head, 0 torso)
    person: np.ndarray  # (H, W) share of the person's motion (1 person, 0 wall)
    pivot: np.ndarray  # (3,) the head's pivot in camera coordinates (metres)
    focal: float
    landmarks: np.ndarray  # (5, 2) the photo's five landmarks in the frame at rest


def _smoothstep(x: np.ndarray) -> np.ndarray:
    t = np.clip(x, 0.0, 1.0)
    result: np.ndarray = t * t * (3.0 - 2.0 * t)
    return result


def _wall(photo: np.ndarray) -> np.ndarray:
    """A smooth (quadratic) fit of the plain wall behind the person, from the photo's top and upper sides."""
    full_h, full_w = photo.shape[:2]
    small = cv2.resize(photo, (64, 64), interpolation=cv2.INTER_AREA)  # the fit is smooth: fitted small
    h, w = small.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    sample = np.zeros((h, w), bool)
    sample[: h // 12] = True
    sample[: h // 2, : w // 16] = True
    sample[: h // 2, -w // 16 :] = True
    basis = np.stack([np.ones(h * w), xs.ravel() / w - 0.5, ys.ravel() / h - 0.5], axis=1)
    basis = np.concatenate([basis, basis[:, 1:2] ** 2, basis[:, 1:2] * basis[:, 2:3], basis[:, 2:3] ** 2], axis=1)
    values = small.reshape(-1, 3).astype(np.float64)
    chosen = sample.ravel()
    keep = chosen.copy()
    for _ in range(3):  # hair reaching the edge is an outlier, not wall
        coef, *_ = np.linalg.lstsq(basis[keep], values[keep], rcond=None)
        residual = np.linalg.norm(values - basis @ coef, axis=1)
        keep = chosen & (residual < max(6.0, 3.0 * float(np.median(residual[keep]))))
    fitted = (basis @ coef).reshape(h, w, 3).astype(np.float32)
    wall: np.ndarray = cv2.resize(fitted, (full_w, full_h), interpolation=cv2.INTER_LINEAR)
    return wall


def _place(image: np.ndarray, matrix: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The photo scaled and shifted into the frame; beyond its border the scene continues it, smoothed."""
    scale = float(matrix[0, 0])
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    resized = cv2.resize(image, None, fx=scale, fy=scale, interpolation=method)
    shift = np.array([[1.0, 0.0, matrix[0, 2]], [0.0, 1.0, matrix[1, 2]]])
    inside = cv2.warpAffine(np.ones(resized.shape[:2], np.float32), shift, size, flags=cv2.INTER_LINEAR)
    sharp = cv2.warpAffine(resized, shift, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    small = cv2.resize(sharp, (size[0] // 4, size[1] // 4), interpolation=cv2.INTER_AREA)
    smooth = cv2.resize(cv2.GaussianBlur(small, (0, 0), 3.0), size, interpolation=cv2.INTER_LINEAR)
    blend = cv2.GaussianBlur(cv2.erode(inside, np.ones((9, 9), np.uint8)), (0, 0), 6.0)[..., None]
    placed: np.ndarray = (blend * sharp + (1.0 - blend) * smooth).astype(np.float32)
    return placed


def _person(image: np.ndarray, wall: np.ndarray, landmarks: np.ndarray, px_per_m: float) -> np.ndarray:
    """Soft mask of the person: what differs from the wall and touches the face, faded into the wall."""
    diff = np.linalg.norm(cv2.GaussianBlur(image - wall, (0, 0), 1.5), axis=2)
    mask = (diff > 14.0).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    count, labels = cv2.connectedComponents(mask)
    h, w = mask.shape
    touched = {int(labels[min(h - 1, max(0, round(y))), min(w - 1, max(0, round(x)))]) for x, y in landmarks}
    touched.discard(0)
    person = np.isin(labels, list(touched)).astype(np.uint8) if count > 1 and touched else np.ones_like(mask)
    outside = cv2.copyMakeBorder(person, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    cv2.floodFill(outside, np.zeros((h + 4, w + 4), np.uint8), (0, 0), 2)  # the wall, reached from the edges
    person = (outside[1:-1, 1:-1] != 2).astype(np.uint8)  # the rest (holes included) is person
    # grown by 1.5 ramp widths and faded over a ramp of 2 sigma: the outline itself moves with the person
    # (mask 0.93 there) and the displacement's gradient in the wall stays near 0.3, so remap inverts it
    sigma = max(3, round(0.024 * px_per_m))
    grow = round(1.5 * sigma)
    grown = cv2.dilate(person, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1)))
    soft: np.ndarray = cv2.GaussianBlur(grown.astype(np.float32), (0, 0), float(sigma))
    return soft.astype(np.float64)


def _relief(landmarks: np.ndarray, size: tuple[int, int], px_per_m: float, shape: HeadShape) -> np.ndarray:
    """Height of the head's surface above its centre plane (metres) at each pixel; zero off the head."""
    w, h = size
    left, right, nose = landmarks[0], landmarks[1], landmarks[2]
    mid = (left + right) / 2.0
    angle = np.arctan2(right[1] - left[1], right[0] - left[0])
    c, s = np.cos(angle), np.sin(angle)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    du, dv = xs - mid[0], ys - mid[1]
    x = (c * du + s * dv) / px_per_m  # head coordinates: along and across the eye line
    y = (-s * du + c * dv) / px_per_m
    r2 = (x / shape.half_width) ** 2 + ((y - shape.centre_below_eyes) / shape.half_height) ** 4
    skull = shape.depth * np.sqrt(np.clip(1.0 - r2, 0.0, None))
    rounded = cv2.GaussianBlur(skull, (0, 0), shape.rounding * px_per_m)
    tip_u, tip_v = nose - mid
    tip = np.array([c * tip_u + s * tip_v, -s * tip_u + c * tip_v]) / px_per_m
    length2 = float(tip @ tip)
    along = (x * tip[0] + y * tip[1]) / length2  # 0 between the eyes, 1 at the tip
    across = np.abs(x * tip[1] - y * tip[0]) / np.sqrt(length2)
    profile = np.where(
        along <= 1.0,
        (0.35 + 0.65 * _smoothstep(along)) * _smoothstep((along + 0.3) / 0.3),  # bridge, rising to the tip
        1.0 - _smoothstep((along - 1.0) / 0.45),  # under the tip, down to the upper lip
    )
    width = 0.006 + 0.006 * np.clip(along, 0.0, 1.0)  # a narrow bridge, the wings of the nose at the tip
    ridge = shape.nose * profile * np.exp(-0.5 * (across / width) ** 2)
    result: np.ndarray = rounded + ridge
    return result


def build_scene(
    photo: np.ndarray,
    landmarks: np.ndarray,
    rng: np.random.Generator,
    *,
    size: tuple[int, int] = (640, 480),
    relief: bool = True,
    shape: HeadShape = HeadShape(),
) -> Scene:
    """The camera's view of the photo's person at rest, with depth. ``relief=False`` gives a flat
    head (every point on one plane): the same motion then is a photo's, for comparison."""
    w, h = size
    points = np.asarray(landmarks, np.float64)
    eye_px = float(np.hypot(*(points[1] - points[0])))
    if eye_px < 5.0:
        raise ValueError(f"eye distance of {eye_px:.1f} px: not a usable frontal face")
    # the camera frames head and shoulders: the photo covers the frame's height, so no closer than that
    cover = h / photo.shape[0]
    distance = min(float(rng.uniform(*DISTANCE_M)), FOCAL_PX * IPD_M / (cover * eye_px))
    px_per_m = FOCAL_PX / distance  # at the eyes
    scale = px_per_m * IPD_M / eye_px
    mid = (points[0] + points[1]) / 2.0
    x = w / 2 + rng.uniform(-0.05, 0.05) * w - scale * mid[0]
    y = float(np.clip(h * rng.uniform(0.40, 0.48) - scale * mid[1], h - scale * photo.shape[0], 0.0))
    matrix = np.array([[scale, 0.0, x], [0.0, scale, y]])
    source = photo.astype(np.float32)
    image = _place(source, matrix, size)
    wall = _place(_wall(source), matrix, size)
    placed = points * scale + matrix[:, 2]
    person = _person(image, wall, placed, px_per_m)
    height = _relief(placed, size, px_per_m, shape) if relief else np.zeros((h, w))
    eyes_height = float(np.mean([height[round(y), round(x)] for x, y in placed[:2]
                                 if 0 <= round(x) < w and 0 <= round(y) < h] or [0.0]))
    centre_plane = distance + eyes_height  # depth of the head's silhouette plane
    depth = centre_plane - height
    ys = np.mgrid[0:h, 0:w][0].astype(np.float64)
    below_eyes = (ys - (placed[0, 1] + placed[1, 1]) / 2.0) / px_per_m
    head = 1.0 - _smoothstep((below_eyes - shape.chin) / (shape.shoulders - shape.chin))
    centre = np.array([w / 2.0, h / 2.0])
    pivot_px = (placed[0] + placed[1]) / 2.0 + np.array([0.0, shape.pivot_below_eyes * px_per_m])
    pivot_z = centre_plane + shape.pivot_behind
    pivot = np.array([*((pivot_px - centre) * pivot_z / FOCAL_PX), pivot_z])
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    points = np.stack([(xs - centre[0]) * depth / FOCAL_PX, (ys - centre[1]) * depth / FOCAL_PX, depth])
    return Scene(image, depth, points.astype(np.float32), head.astype(np.float32), person.astype(np.float32),
                 pivot, FOCAL_PX, placed)


def head_motion(count: int, fps: float, rng: np.random.Generator) -> list[Motion]:
    """A standing traveller looking at the camera: a few degrees of turn and nod, a slight tilt,
    and a centimetre or two of sway, as slow sines of random amplitude and phase, plus tremor."""
    t = np.arange(count, dtype=np.float64) / fps
    amplitude = [rng.uniform(2.0, 5.0), rng.uniform(1.0, 3.0), rng.uniform(0.5, 2.0),  # yaw, pitch, roll
                 rng.uniform(0.006, 0.015), rng.uniform(0.003, 0.008), rng.uniform(0.005, 0.015)]  # x, y, z
    frequency = rng.uniform(0.3, 0.7, size=6)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=6)
    wave = np.asarray(amplitude) * np.sin(2.0 * np.pi * frequency * t[:, None] + phase)
    wave[:, 3:] += rng.normal(0.0, 0.001, size=(count, 3))
    blinks = rng.uniform() < BLINK_CHANCE
    start = rng.uniform(-BLINK_S[0], count / fps)  # the blink may be under way as the clip starts
    lids = _blink(t - start) if blinks else np.zeros(count)
    return [Motion(float(a), float(b), float(c), (float(x), float(y), float(z)), float(e))
            for (a, b, c, x, y, z), e in zip(wave, lids, strict=True)]


def _blink(t: np.ndarray) -> np.ndarray:
    """Eyelid closure over time since a blink began: down in 80 ms, shut 40 ms, up again in 200 ms."""
    down, shut, up = BLINK_S
    closing = _smoothstep(t / down)
    opening = 1.0 - _smoothstep((t - down - shut) / up)
    result: np.ndarray = np.where(t < down + shut, closing, opening) * (t >= 0)
    return result


def eyelids(image: np.ndarray, eyes: np.ndarray, closure: float) -> np.ndarray:
    """The scene with both upper eyelids lowered by ``closure`` (0 open, 1 shut).

    A generic eye opening (half as wide as the eye distance, 0.19 of it high) is centred on each eye
    landmark; the upper lid's skin, from under the brow to the lid margin, unfolds down over the eye
    (a vertical stretch of the photo's own skin and lashes, so the lash line ends at the lower lid),
    fading out at the eye corners. The lower lid and everything outside stay put."""
    if closure <= 0.0:
        return image
    h, w = image.shape[:2]
    ied = float(np.hypot(*(eyes[1] - eyes[0])))
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    source = ys.copy()
    for ex, ey in eyes[:2]:
        half_w, half_h, top = EYE_OPENING[0] * ied, EYE_OPENING[1] * ied, ey - EYE_OPENING[2] * ied
        across = (xs - ex) / half_w
        arc = np.sqrt(np.clip(1.0 - across**2, 0.0, None))
        upper, lower = ey - half_h * arc, ey + half_h * arc
        margin = upper + closure * (lower - upper)
        unfolded = top + (ys - top) * (upper - top) / np.maximum(margin - top, 1e-3)
        fade = _smoothstep(1.5 - np.abs(across))
        lid = (ys >= top) & (ys <= margin)
        source += (fade * lid * (unfolded - ys)).astype(np.float32)
    result: np.ndarray = cv2.remap(image, xs, source, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return result


def _rotation(motion: Motion) -> np.ndarray:
    yaw, pitch, roll = np.radians([motion.yaw, motion.pitch, motion.roll])
    ry = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    rx = np.array([[1, 0, 0], [0, np.cos(pitch), -np.sin(pitch)], [0, np.sin(pitch), np.cos(pitch)]])
    rz = np.array([[np.cos(roll), -np.sin(roll), 0], [np.sin(roll), np.cos(roll), 0], [0, 0, 1]])
    result: np.ndarray = rz @ ry @ rx
    return result


def displacement(scene: Scene, motion: Motion) -> np.ndarray:
    """(H, W, 2) float32 pixel displacement of each point of the scene at rest for this pose.

    A head point P turns about the pivot: P + (R - I)(P - pivot), by the share ``head`` of the turn
    (the neck between head and shoulders); the whole person is offset; the wall does not move."""
    points = scene.points
    turn = (_rotation(motion) - np.eye(3)).astype(np.float32)
    arm = points - scene.pivot.astype(np.float32)[:, None, None]
    offset = np.asarray(motion.offset, np.float32)
    moved = [points[i] + scene.head * (turn[i, 0] * arm[0] + turn[i, 1] * arm[1] + turn[i, 2] * arm[2]) + offset[i]
             for i in range(3)]
    rest = scene.focal * points[:2] / points[2]
    shift = [scene.person * (scene.focal * moved[i] / moved[2] - rest[i]) for i in range(2)]
    result: np.ndarray = np.stack(shift, axis=-1).astype(np.float32)
    return result


def render(scene: Scene, motion: Motion, iterations: int = 10) -> np.ndarray:
    """The camera frame (float32 BGR) of the scene in this pose: the forward displacement inverted for remap."""
    h, w = scene.depth.shape
    forward = displacement(scene, motion)
    grid = np.stack(np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32)), axis=-1)
    source = grid - forward
    for _ in range(iterations):  # q = p + D(p): p = q - D(p), a contraction while |grad D| < 1
        source = grid - cv2.remap(forward, source[..., 0], source[..., 1], cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)
    image = eyelids(scene.image, scene.landmarks, motion.eyelids)
    frame: np.ndarray = cv2.remap(image, source[..., 0], source[..., 1], cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)
    return frame


def camera(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sensor blur, exposure and noise of a cheap camera; uint8 out."""
    blurred = cv2.GaussianBlur(frame.astype(np.float32), (0, 0), float(rng.uniform(0.3, 1.0)))
    exposed = blurred * rng.uniform(0.9, 1.1) + rng.normal(0, 4.0, blurred.shape)
    result: np.ndarray = exposed.clip(0, 255).astype(np.uint8)
    return result


def live_head_clip(
    photo: np.ndarray,
    landmarks: np.ndarray,
    rng: np.random.Generator,
    *,
    count: int,
    fps: float,
    size: tuple[int, int] = (640, 480),
    relief: bool = True,
) -> LiveHeadClip:
    """``count`` frames at ``fps`` of the photo's person standing before the gate camera, head turning
    a little, sometimes blinking (``relief=False``: the same motion of a flat cut-out that does not
    blink, which is what a photo does), with the poses they show."""
    scene = build_scene(photo, landmarks, rng, size=size, relief=relief)
    motions = head_motion(count, fps, rng)
    if not relief:  # a cut-out does not blink either
        motions = [replace(m, eyelids=0.0) for m in motions]
    return LiveHeadClip([camera(render(scene, motion), rng) for motion in motions], motions, fps)
