"""Train the project's presentation-attack-detection network and export it to ONNX.

Data: ``pad/replay_attack/train`` of the shared data (60 bona fide, 300 attack frames, 15
clients) for training; ``pad/replay_attack/devel`` (other clients) only to pick the decision
threshold and to report; ``pad/nuaa`` as an unseen cross-dataset check. See DATA_CARD.md.

Every image goes through the gate's own MTCNN; the network sees the crop the gate will give it
(``biometrics.face.pad.pad_crop``: 128x128 RGB, the face with its surroundings). Training
augments by jittering the landmarks (scale, rotation, shift), mirroring, and brightness,
contrast and blur changes; batches are balanced between bona fide and attack. Hyper-parameters
are fixed in advance (no selection on devel); the last epoch's weights are exported.

Usage (torch CPU is a development extra: ``pip install torch==2.13.0``)::

    .venv/bin/python training/pad/train.py --out models/onnx/face_pad.onnx

prints a JSON report (devel threshold at BPCER 5%, APCER/BPCER on devel and NUAA) as its last line.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn

from biometrics.face.pad import PAD_SIZE, pad_crop
from kiosk.bench.common import image_files
from kiosk.config import load_config
from kiosk.runtime import face_pipeline

log = logging.getLogger("train_pad")

SEED = 7
EPOCHS = 6  # 150 steps: what 2 shared CPU threads train in about 15 minutes
BATCH = 32
STEPS_PER_EPOCH = 25
LEARNING_RATE = 2e-3
WEIGHT_DECAY = 5e-4
TARGET_BPCER = 0.05


@dataclass(frozen=True)
class Face:
    rgb: np.ndarray
    landmarks: np.ndarray
    live: bool
    path: str


def load_faces(root: Path, pipeline: object, cache: dict[str, list[list[float]] | None]) -> tuple[list[Face], int]:
    """Faces under root/real and root/attack (the largest face of each image); and how many had none.

    ``cache`` maps an image path to the landmarks MTCNN found (None: no face), so that a second
    run does not detect again."""
    from biometrics.face.detection import find_faces

    faces: list[Face] = []
    missing = 0
    for label in ("real", "attack"):
        for path in image_files(root / label):
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
            rgb = np.ascontiguousarray(bgr[:, :, ::-1])
            if str(path) not in cache:
                found = find_faces(pipeline.detector, rgb, 24.0, 1280)  # type: ignore[attr-defined]
                cache[str(path)] = found[0].landmarks.tolist() if found else None
            landmarks = cache[str(path)]
            if landmarks is None:
                missing += 1
                continue
            faces.append(Face(rgb, np.array(landmarks), label == "real", str(path)))
    return faces, missing


def jitter(landmarks: np.ndarray, rng: random.Random) -> np.ndarray:
    """Landmarks moved by a random similarity: the crop the gate might cut from a slightly other detection."""
    centre = landmarks.mean(axis=0)
    ied = float(np.linalg.norm(landmarks[1] - landmarks[0]))
    angle = math.radians(rng.uniform(-10, 10))
    scale = rng.uniform(0.9, 1.1)
    shift = np.array([rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08)]) * ied
    rot = scale * np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    moved: np.ndarray = (landmarks - centre) @ rot.T + centre + shift
    return moved


def photometric(crop: np.ndarray, rng: random.Random) -> np.ndarray:
    out = crop.astype(np.float32)
    out = out * rng.uniform(0.75, 1.25) + rng.uniform(-20, 20)
    if rng.random() < 0.3:
        gamma = rng.uniform(0.8, 1.25)
        out = 255.0 * (np.clip(out, 0, 255) / 255.0) ** gamma
    if rng.random() < 0.2:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, 1.2))
    if rng.random() < 0.5:
        out = out[:, ::-1]
    return np.clip(out, 0, 255)


def batch(faces: list[Face], rng: random.Random) -> tuple[torch.Tensor, torch.Tensor]:
    """A balanced batch: half bona fide, half attack, each augmented."""
    live = [f for f in faces if f.live]
    attack = [f for f in faces if not f.live]
    chosen = [rng.choice(live) for _ in range(BATCH // 2)] + [rng.choice(attack) for _ in range(BATCH - BATCH // 2)]
    crops = np.stack([photometric(pad_crop(f.rgb, jitter(f.landmarks, rng)), rng) for f in chosen])
    labels = np.array([f.live for f in chosen], dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(crops)), torch.from_numpy(labels)


def conv(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)
    )


class PadNet(nn.Module):
    """NHWC RGB 0-255 in (as the gate hands crops over), P(live) out."""

    def __init__(self) -> None:
        super().__init__()
        # 128 -> 64 (a full-resolution 3x3 filter first: print dots and screen pixels are fine detail)
        self.features = nn.Sequential(
            conv(3, 16, stride=2), conv(16, 32), nn.MaxPool2d(2), conv(32, 64), nn.MaxPool2d(2),
            conv(64, 96), nn.MaxPool2d(2), conv(96, 128),
        )
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(128, 1))

    def forward(self, crops: torch.Tensor) -> torch.Tensor:
        x = crops.permute(0, 3, 1, 2) / 127.5 - 1.0
        return torch.sigmoid(self.head(self.features(x)))


def scores(model: PadNet, faces: list[Face]) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        crops = np.stack([pad_crop(f.rgb, f.landmarks) for f in faces])
        result: np.ndarray = model(torch.from_numpy(crops)).numpy().reshape(-1)
    return result


def rates(live_scores: np.ndarray, attack_scores: np.ndarray, threshold: float) -> dict[str, float]:
    """ISO/IEC 30107-3: APCER = attacks accepted as bona fide; BPCER = bona fide rejected."""
    apcer = float(np.mean(attack_scores >= threshold))
    bpcer = float(np.mean(live_scores < threshold))
    return {"apcer": round(apcer, 4), "bpcer": round(bpcer, 4), "acer": round((apcer + bpcer) / 2, 4)}


def counts(live_scores: np.ndarray, attack_scores: np.ndarray) -> dict[str, int]:
    return {"n_real": int(live_scores.size), "n_attack": int(attack_scores.size)}


def threshold_at_bpcer(live_scores: np.ndarray, target: float) -> float:
    """The highest threshold that rejects at most ``target`` of the bona fide presentations."""
    ordered = np.sort(live_scores)
    allowed = math.floor(target * ordered.size)
    return float(ordered[allowed])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the ONNX file")
    parser.add_argument(
        "--landmark-cache", type=Path, default=Path("build/pad_landmarks.json"),
        help="MTCNN landmarks per image, reused between runs (delete after changing the detector)",
    )
    parser.add_argument(
        "--weights", type=Path, default=Path("build/face_pad.pt"),
        help="where to save the torch weights (default build/face_pad.pt, not committed)",
    )
    parser.add_argument("--export-only", action="store_true", help="export saved --weights to --out, no training")
    args = parser.parse_args()
    if args.export_only:
        model = PadNet()
        model.load_state_dict(torch.load(args.weights))
        export(model, args.out)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)

    config = load_config()
    pipeline = face_pipeline(config)
    pad_root = config.data.root / "pad"
    cache_file = args.landmark_cache
    cache = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    train, train_missing = load_faces(pad_root / "replay_attack" / "train", pipeline, cache)
    devel, devel_missing = load_faces(pad_root / "replay_attack" / "devel", pipeline, cache)
    nuaa, nuaa_missing = load_faces(pad_root / "nuaa", pipeline, cache)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(cache))
    log.info("faces: train %d (%d without), devel %d (%d without), nuaa %d (%d without)",
             len(train), train_missing, len(devel), devel_missing, len(nuaa), nuaa_missing)

    rng = random.Random(SEED)
    model = PadNet()
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=EPOCHS * STEPS_PER_EPOCH)
    loss_fn = nn.BCELoss()
    for epoch in range(EPOCHS):
        model.train()
        total = 0.0
        for _ in range(STEPS_PER_EPOCH):
            crops, labels = batch(train, rng)
            optimiser.zero_grad()
            loss = loss_fn(model(crops).reshape(-1), labels)
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach())
        log.info("epoch %d loss %.4f", epoch + 1, total / STEPS_PER_EPOCH)

    def split_scores(faces: list[Face]) -> tuple[np.ndarray, np.ndarray]:
        s = scores(model, faces)
        live = np.array([f.live for f in faces])
        return s[live], s[~live]

    # the weights first: an export that fails (a missing onnx package) must not lose the training
    weights = args.weights
    weights.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), weights)
    log.info("weights saved to %s", weights)
    devel_live, devel_attack = split_scores(devel)
    threshold = threshold_at_bpcer(devel_live, TARGET_BPCER)
    nuaa_live, nuaa_attack = split_scores(nuaa)
    train_live, train_attack = split_scores(train)
    report = {
        "threshold": round(threshold, 6),
        "threshold_rule": f"highest threshold with BPCER <= {TARGET_BPCER} on replay_attack/devel",
        "train": rates(train_live, train_attack, threshold),
        "devel": rates(devel_live, devel_attack, threshold) | counts(devel_live, devel_attack),
        "nuaa": rates(nuaa_live, nuaa_attack, threshold) | counts(nuaa_live, nuaa_attack),
        "no_face": {"train": train_missing, "devel": devel_missing, "nuaa": nuaa_missing},
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    print(json.dumps(report), flush=True)
    export(model, args.out)
    return 0


def export(model: PadNet, path: Path) -> None:
    model.eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(1, PAD_SIZE, PAD_SIZE, 3)
    torch.onnx.export(
        model, (example,), str(path), input_names=["crop"], output_names=["live"],
        dynamic_axes={"crop": {0: "N"}, "live": {0: "N"}}, opset_version=17, dynamo=False,
    )


if __name__ == "__main__":
    sys.exit(main())
