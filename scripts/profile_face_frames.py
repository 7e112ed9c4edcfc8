"""Where a camera frame's face time goes: process CPU time per stage of the live path.

Runs what the gate runs on each frame (MTCNN down to ``[face] live_min_face_px``, alignment,
quality, then the embedder) on every image under a folder, and prints the median CPU
milliseconds per frame of each network (P-Net over the pyramid, R-Net, O-Net, embedder), the
Python around them, and the wall time. CPU time, because on a shared machine wall time swings
with the load. ``kiosk bench face --frames`` is the benchmark; this says what to work on.

Usage (from the repository root, so this checkout's code is imported): ``PYTHONPATH=.
KIOSK_DATA=../shared/data .venv/bin/python scripts/profile_face_frames.py
[--dir ../shared/data/pad/nuaa/real] [--min-face-px 60] [--threads N]``
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from biometrics.face.errors import FaceError
from kiosk.bench.common import image_files
from kiosk.config import load_config
from kiosk.runtime import face_pipeline


class _Timed:
    """Stands in for a model wrapper and adds its CPU time to ``spent[name]``."""

    def __init__(self, model: Any, name: str, spent: dict[str, float]) -> None:
        self.model, self.name, self.spent = model, name, spent

    def __call__(self, x: Any) -> Any:
        start = time.process_time()
        try:
            return self.model(x)
        finally:
            self.spent[self.name] += (time.process_time() - start) * 1000.0

    def embed(self, chip: np.ndarray) -> np.ndarray:
        """``FaceEmbedder.embed`` through the timer (the wrapped one would call itself untimed)."""
        single: np.ndarray = self(chip)[0]
        return single

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.model, attribute)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data = Path(os.environ.get("KIOSK_DATA", "../shared/data"))
    parser.add_argument("--dir", type=Path, default=data / "pad" / "nuaa" / "real")
    parser.add_argument("--min-face-px", type=float, default=None, help="default: [face] live_min_face_px")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime intra-op threads (default: config)")
    args = parser.parse_args()

    config = load_config()
    if args.threads is not None:
        config = dataclasses.replace(config, runtime=dataclasses.replace(config.runtime, intra_op_threads=args.threads))
    pipeline = face_pipeline(config)
    min_face_px = args.min_face_px or pipeline.settings.live_min_face_px
    names = ("pnet", "rnet", "onet", "embedder")
    spent = dict.fromkeys(names, 0.0)
    detector = pipeline.detector
    detector.pnet = _Timed(detector.pnet, "pnet", spent)  # type: ignore[assignment]
    detector.rnet = _Timed(detector.rnet, "rnet", spent)  # type: ignore[assignment]
    detector.onet = _Timed(detector.onet, "onet", spent)  # type: ignore[assignment]
    pipeline.embedder = _Timed(pipeline.embedder, "embedder", spent)  # type: ignore[assignment]

    frames = [f for f in (cv2.imread(str(p), cv2.IMREAD_COLOR) for p in image_files(args.dir)) if f is not None]
    if not frames:
        print(f"no readable images under {args.dir}", file=sys.stderr)
        return 1
    rows: list[dict[str, float]] = []
    for index, frame in enumerate(frames[:3] + frames):
        for name in names:
            spent[name] = 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        with contextlib.suppress(FaceError):  # a frame without a usable face still costs its detection
            pipeline.template(frame, source="live", min_face_px=min_face_px)
        row = {name: spent[name] for name in names}
        row["cpu_total"] = (time.process_time() - cpu) * 1000.0
        row["python"] = row["cpu_total"] - sum(spent.values())
        row["wall"] = (time.perf_counter() - wall) * 1000.0
        if index >= 3:  # the first three are warm-up
            rows.append(row)
    median = {key: round(float(np.median([r[key] for r in rows])), 1) for key in rows[0]}
    print(json.dumps({
        "dir": str(args.dir), "n_frames": len(rows), "min_face_px": min_face_px,
        "intra_op_threads": config.runtime.intra_op_threads, "ms_p50": median,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
