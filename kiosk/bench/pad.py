"""``kiosk bench pad --dir DIR``: presentation-attack detection at the configured threshold (ISO/IEC 30107-3).

DIR has ``real/`` (bona fide) and ``attack/``, each searched recursively. An image is one
presentation judged by the PAD network alone; a ``.mp4``/``.mov`` file is a clip whose first
``--clip-s`` seconds are judged as the gate judges a clip (the network over several frames, and
blink or head motion that a flat medium cannot give). A presentation in which no face is found
is classified as an attack: a bona fide one counts as a BPCER error, and the counts are reported.

The attack species (presentation-attack instrument) comes from the file name where it follows
Replay-Attack's naming (``print``, ``mobile_photo``, ``highdef_video`` ...), or from the first
folder under ``attack/`` with ``--species folder``; otherwise all attacks are one species.
APCER is reported per species and as the worst species, as the standard asks.

``--subjects A,B`` keeps only the presentations under those first-level folders of ``real/``
and ``attack/`` (NUAA's subject folders: the held-out subjects of the PAD network's training,
see ``training/pad/DATA_CARD.md``). ``--bona-fide-only`` accepts a folder without ``attack/``
(frames of real faces from another camera) and reports BPCER alone, APCER as null.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from biometrics.pad_metrics import NOT_ACQUIRED, pad_rates, pad_rates_at, threshold_at_bpcer
from kiosk.bench.common import IMAGE_SUFFIXES, percentile, rounded, timed
from kiosk.config import Config

HELP = "presentation-attack detection: APCER per attack species and worst, BPCER, ACER (ISO/IEC 30107-3)"
CLIP_SUFFIXES = {".mp4", ".mov"}
CLIP_FPS = 12.0  # frames per second judged in a clip
WARM_UP = 2
_REPLAY_NAME = re.compile(r"attack_(print|mobile|highdef)_client\d+_session\d+_[a-z]+_(photo|video)")


@dataclass(frozen=True)
class Presentation:
    path: Path
    live: bool
    species: str  # "" for bona fide
    clip: bool


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, required=True, help="folder with real/ and attack/")
    parser.add_argument("--clip-s", type=float, default=2.0, help="seconds of each clip to judge (default 2)")
    parser.add_argument(
        "--species", choices=("name", "folder"), default="name",
        help="attack species from Replay-Attack file names (default) or the first folder under attack/",
    )
    parser.add_argument(
        "--subjects", default=None,
        help="comma-separated first-level folders under real/ and attack/ to keep (e.g. held-out subjects)",
    )
    parser.add_argument(
        "--bona-fide-only", action="store_true",
        help="DIR may lack attack/: report BPCER only (APCER null)",
    )
    parser.add_argument(
        "--min-face-px", type=float, default=None,
        help="smallest face searched for (default: [face.detector] min_face_px; gate frames use live_min_face_px)",
    )


def species_of(path: Path, attack_root: Path, rule: str) -> str:
    """The attack species of a file under ``attack_root`` (see the module docstring)."""
    if rule == "folder":
        parts = path.relative_to(attack_root).parts
        return parts[0] if len(parts) > 1 else "attack"
    match = _REPLAY_NAME.search(path.name)
    if match is None:
        return "attack"
    medium, kind = match.groups()
    return "print" if medium == "print" else f"{medium}_{kind}"


def presentations(
    root: Path, rule: str = "name", subjects: Collection[str] | None = None, bona_fide_only: bool = False
) -> list[Presentation]:
    """Every image and clip under root/real and root/attack, sorted; with ``subjects``, only under those
    first-level folders; with ``bona_fide_only``, root/attack may be missing or empty."""
    found = []
    for label in ("real", "attack"):
        folder = root / label
        if not folder.is_dir():
            if label == "attack" and bona_fide_only:
                continue
            raise FileNotFoundError(f"{folder} not found: the folder needs real/ and attack/")
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            suffix = path.suffix.lower()
            if suffix not in IMAGE_SUFFIXES | CLIP_SUFFIXES:
                continue
            if subjects is not None and path.relative_to(folder).parts[0] not in subjects:
                continue
            species = "" if label == "real" else species_of(path, folder, rule)
            found.append(Presentation(path, label == "real", species, suffix in CLIP_SUFFIXES))
    where = f" of subjects {sorted(subjects)}" if subjects is not None else ""
    if not any(p.live for p in found):
        raise FileNotFoundError(f"no images or clips{where} in {root}/real")
    if all(p.live for p in found) and not bona_fide_only:
        raise FileNotFoundError(f"need images or clips{where} in both {root}/real and {root}/attack")
    return found


def read_clip(path: Path, seconds: float, fps: float = CLIP_FPS) -> tuple[list[np.ndarray], list[float]]:
    """Frames (BGR) and timestamps (s) of the first ``seconds`` of a clip, at about ``fps``."""
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            return [], []
        native = capture.get(cv2.CAP_PROP_FPS) or 25.0
        native = native if 1.0 <= native <= 240.0 else 25.0
        step = max(1, round(native / fps))
        frames: list[np.ndarray] = []
        times: list[float] = []
        index = 0
        while index / native <= seconds:
            ok, frame = capture.read()
            if not ok:
                break
            if index % step == 0:
                frames.append(frame)
                times.append(index / native)
            index += 1
        return frames, times
    finally:
        capture.release()


def run(args: argparse.Namespace, config: Config, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    import cv2

    from biometrics.face.errors import FaceError
    from biometrics.face.results import LivenessResult
    from kiosk.runtime import face_pipeline

    pipeline = face_pipeline(config)
    settings = config.face.liveness
    min_face = config.face.detector.min_face_px if args.min_face_px is None else args.min_face_px
    subjects = None if args.subjects is None else {s.strip() for s in args.subjects.split(",") if s.strip()}
    items = presentations(args.dir, args.species, subjects, args.bona_fide_only)

    def judge(item: Presentation) -> LivenessResult:
        if item.clip:
            frames, times = read_clip(item.path, args.clip_s)
        else:
            image = cv2.imread(str(item.path), cv2.IMREAD_COLOR)
            frames, times = ([] if image is None else [image]), [0.0]
        if not frames:
            return LivenessResult(False, NOT_ACQUIRED, settings.model_threshold, {}, "unreadable file")
        try:
            return pipeline.liveness(frames, times[: len(frames)], min_face)
        except FaceError as exc:
            return LivenessResult(False, NOT_ACQUIRED, settings.model_threshold, {}, f"{type(exc).__name__}: {exc}")

    for item in items[:WARM_UP]:
        judge(item)
    accepted: dict[str, list[bool]] = {}
    model_scores: dict[str, list[float]] = {}
    times_ms: list[float] = []
    no_face = {"real": 0, "attack": 0}
    for item in items:
        result, ms = timed(lambda item=item: judge(item))  # type: ignore[misc]
        times_ms.append(ms)
        key = "bona_fide" if item.live else item.species
        acquired = "model" in result.signals
        if not acquired:
            no_face["real" if item.live else "attack"] += 1
        accepted.setdefault(key, []).append(result.live)
        model_scores.setdefault(key, []).append(result.signals.get("model", NOT_ACQUIRED))
        emit({
            "file": str(item.path), "live": item.live, "species": item.species or None, "clip": item.clip,
            "accepted": result.live, "score": rounded(result.signals.get("model"), 4),
            "signals": {k: round(v, 4) for k, v in result.signals.items()}, "reason": result.reason,
            "ms": round(ms, 1),
        })

    bona_fide = accepted.pop("bona_fide")
    live_scores = model_scores.pop("bona_fide")
    if not accepted:  # --bona-fide-only and no attacks: BPCER alone
        bpcer = float(np.mean(~np.asarray(bona_fide, dtype=bool)))
        return {
            "n_real": len(bona_fide), "n_attack": 0, "apcer": None, "bpcer": round(bpcer, 4), "acer": None,
            "threshold": settings.model_threshold, "ms_p50": rounded(percentile(times_ms, 50), 1),
            "n_clips": sum(item.clip for item in items), "no_face": no_face,
            "subjects": None if subjects is None else sorted(subjects),
            "threshold_data": settings.model_threshold_data, "threshold_date": settings.model_threshold_date,
            "require_motion": settings.require_motion,
        }
    rates = pad_rates(bona_fide, accepted)
    # What the network alone could do on this set if its threshold were chosen here (an oracle
    # figure: on a set that is not the calibration set it says how separable it is, not how the
    # gate performs).
    oracle = threshold_at_bpcer(live_scores, 0.05)
    at_oracle = pad_rates_at(live_scores, model_scores, oracle)
    return {
        "n_real": len(bona_fide),
        "n_attack": sum(len(a) for a in accepted.values()),
        "apcer": rounded(rates.apcer, 4),
        "bpcer": rounded(rates.bpcer, 4),
        "acer": rounded(rates.acer, 4),
        "threshold": settings.model_threshold,
        "ms_p50": rounded(percentile(times_ms, 50), 1),
        "apcer_per_species": {k: round(v, 4) for k, v in rates.apcer_per_species.items()},
        "n_per_species": {k: len(v) for k, v in accepted.items()},
        "n_clips": sum(item.clip for item in items),
        "no_face": no_face,
        "subjects": None if subjects is None else sorted(subjects),
        "threshold_data": settings.model_threshold_data,
        "threshold_date": settings.model_threshold_date,
        "require_motion": settings.require_motion,
        "model_only_at_bpcer_5pct_chosen_here": {
            "threshold": round(oracle, 5), "apcer": round(at_oracle.apcer, 4), "bpcer": round(at_oracle.bpcer, 4),
            "apcer_per_species": {k: round(v, 4) for k, v in at_oracle.apcer_per_species.items()},
        },
    }
