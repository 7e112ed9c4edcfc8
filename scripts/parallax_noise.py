"""How much nose parallax the gate measures on a flat picture moved by hand: the motion check's noise floor.

The liveness clip check (``[face.liveness] min_parallax``) passes a clip whose nose moves off the
plane of the eyes and mouth by at least that many eye distances. A flat medium has no such motion:
whatever it measures on one is landmark noise. This makes clips the way ``kiosk synth sessions``
makes its ``pad_attack`` case (``kiosk.replay.synth.photo_clip``: a picture turned, zoomed and
shifted in 2-D, with blur and noise) from Replay-Attack *train* attack frames, keeps the frames the
engine keeps (``[engine] face_max_frames``, evenly spread), runs the gate's own liveness check and
prints the distribution of its parallax and the share at or above the configured threshold.

Usage (from the repository root): ``PYTHONPATH=. KIOSK_DATA=../shared/data .venv/bin/python
scripts/parallax_noise.py [--clips 200] [--seed 2026]``; the last line is JSON.
"""

from __future__ import annotations

import argparse
import json

import cv2
import numpy as np

from biometrics.face.pipeline import FacePipeline
from kiosk.config import load_config
from kiosk.replay.synth import CLIP_FPS, photo_clip
from kiosk.runtime import session_factory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=200, help="number of flat clips (default 200)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed")
    args = parser.parse_args()
    config = load_config()
    pipeline = FacePipeline(session_factory(config), config.face)
    files = sorted((config.data.root / "pad/replay_attack/train/attack").rglob("*.jpg"))
    if not files:
        parser.error(f"no Replay-Attack train attack frames under {config.data.root}")
    rng = np.random.default_rng(args.seed)
    keep_n = config.engine.face_max_frames
    values: list[float] = []
    for _ in range(args.clips):
        image = cv2.imread(str(files[int(rng.integers(len(files)))]))
        if image is None:
            continue
        frames = photo_clip(np.asarray(image), rng, fill=1.0)
        n = len(frames)
        keep = sorted({round(i * (n - 1) / max(1, keep_n - 1)) for i in range(keep_n)})
        result = pipeline.liveness([frames[i] for i in keep], [round(i / CLIP_FPS, 3) for i in keep],
                                   min_face_px=config.face.live_min_face_px)
        if "parallax" in result.signals:
            values.append(float(result.signals["parallax"]))
    array = np.asarray(values)
    threshold = config.face.liveness.min_parallax
    p50, p90, p99 = (float(np.percentile(array, q)) for q in (50, 90, 99)) if len(array) else (0.0, 0.0, 0.0)
    print(json.dumps({"n_clips": len(array), "parallax_p50": round(p50, 4), "parallax_p90": round(p90, 4),
                      "parallax_p99": round(p99, 4), "min_parallax": threshold,
                      "share_passing_motion": round(float(np.mean(array >= threshold)) if len(array) else 0.0, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
