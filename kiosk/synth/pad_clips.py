"""``kiosk synth pad-clips --out DIR``: clip-level presentation attacks made from real clips, for ``kiosk bench pad``.

There is no public clip set of attacks here, so the attacks a *still* medium makes are
simulated from the real clips in ``video/``: for each clip, ``attack/print/`` holds one of its
frames held up as a flat sheet in a trembling hand (a smooth random homography per frame, the
page tilting a few degrees, some sensor noise), and ``attack/replay/`` the whole clip shown on a
flat screen moved the same way. ``real/`` links to the clips themselves. What this measures is
only what the signals over time can tell (a still print shows no blink and no depth; a replayed
video shows the recorded person's blinks and head turns, so only the PAD network or screen cues
can catch it); the attacks carry none of a real print's or screen's texture.
Run the benchmark with ``--species folder``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

from kiosk.config import Config

HELP = "clip attacks (a frame as a hand-held print, the clip replayed on a hand-held screen) from video/"
CLIP_S = 2.5
log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="output folder: real/, attack/print, attack/replay")
    parser.add_argument("--data", type=Path, help="data root with video/ (default: configuration / KIOSK_DATA)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the hand motion")


def hand_motion(count: int, width: int, height: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Homographies of a flat medium held in a hand: slow sway plus tremor, a few degrees of tilt."""
    import cv2

    t = np.arange(count, dtype=np.float64)
    phase = rng.uniform(0, 2 * np.pi, size=6)
    speed = rng.uniform(0.05, 0.15, size=6)
    amplitude = np.array([0.03 * width, 0.03 * height, 0.04, 0.04, 0.05, 0.05])  # dx, dy, rot, scale, tilts
    motion = amplitude * np.sin(speed * t[:, None] + phase) + rng.normal(0, 0.1, size=(count, 6)) * amplitude * 0.1
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    centre = corners.mean(axis=0)
    result = []
    for dx, dy, rot, scale, tilt_x, tilt_y in motion:
        rotation = np.array([[np.cos(rot), -np.sin(rot)], [np.sin(rot), np.cos(rot)]]) * (1 + scale)
        moved = (corners - centre) @ rotation.T + centre + [dx, dy]
        # a tilt of the sheet brings one edge nearer: that edge grows, the opposite one shrinks
        moved[[1, 2], 1] += tilt_x * height * np.array([-0.5, 0.5])
        moved[[0, 3], 1] -= tilt_x * height * np.array([-0.5, 0.5])
        moved[[2, 3], 0] += tilt_y * width * np.array([0.5, -0.5])
        moved[[0, 1], 0] -= tilt_y * width * np.array([0.5, -0.5])
        result.append(cv2.getPerspectiveTransform(corners, moved.astype(np.float32)))
    return result


def _read(path: Path, seconds: float) -> tuple[list[np.ndarray], float]:
    import cv2

    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    frames: list[np.ndarray] = []
    while len(frames) < seconds * fps:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames, fps


def _write(path: Path, frames: list[np.ndarray], fps: float) -> None:
    import cv2

    path.parent.mkdir(parents=True, exist_ok=True)
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    for frame in frames:
        writer.write(frame)
    writer.release()


def _present(frames: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    import cv2

    height, width = frames[0].shape[:2]
    out = []
    for frame, homography in zip(frames, hand_motion(len(frames), width, height, rng), strict=True):
        warped = cv2.warpPerspective(frame, homography, (width, height), borderMode=cv2.BORDER_REFLECT)
        noisy = warped.astype(np.float32) + rng.normal(0, 2.0, size=warped.shape)
        out.append(np.clip(noisy, 0, 255).astype(np.uint8))
    return out


def run(args: argparse.Namespace, config: Config) -> int:
    data_root = (args.data or config.data.root).resolve()
    clips = sorted((data_root / "video").rglob("*.mp4"))
    if not clips:
        log.error("no clips under %s/video (use --data or KIOSK_DATA)", data_root)
        return 2
    rng = np.random.default_rng(args.seed)
    for clip in clips:
        name = "_".join(clip.relative_to(data_root / "video").with_suffix("").parts)
        frames, fps = _read(clip, CLIP_S)
        if not frames:
            log.error("cannot read %s", clip)
            return 2
        link = args.out / "real" / f"{name}.mp4"
        link.parent.mkdir(parents=True, exist_ok=True)
        link.unlink(missing_ok=True)
        link.symlink_to(clip)
        still = frames[len(frames) // 3]
        _write(args.out / "attack" / "print" / f"{name}.mp4", _present([still] * len(frames), rng), fps)
        _write(args.out / "attack" / "replay" / f"{name}.mp4", _present(frames, rng), fps)
    print(f"{len(clips)} real clips, {2 * len(clips)} attack clips in {args.out}")
    return 0
