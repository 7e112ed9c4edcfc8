"""Train the MRZ line recogniser (``models/onnx/mrz_recognizer.onnx``) on synthetic OCR-B lines.

Development only: needs the ``train`` extra (torch, CPU). Run from the project root:

    .venv/bin/python scripts/train_mrz_recognizer.py --lines 60000 --pages 1500 --epochs 12

Data (see ``models/onnx/mrz_recognizer.md``): ``--lines`` crops rendered directly by
``kiosk.synth.mrz_lines`` plus the line crops that the real locator (``mrz.locate``) cuts from
``--pages`` synthetic pages of ``kiosk.synth.documents`` at difficulties 0-3. Every random
stream is spawned from ``TRAINING_ENTROPY`` below, never from the small integer seeds that
``kiosk synth documents --seed`` uses for benchmark pages, so training and benchmark pages are
disjoint. Writes the ONNX model and ``build/mrz_recognizer_training.json`` (validation figures).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import time
from pathlib import Path

import numpy as np

from mrz.recognizer import prepare_line

TRAINING_ENTROPY = 0x4D525A_2026_11_23  # disjoint from benchmark seeds (small integers)
log = logging.getLogger("train_mrz_recognizer")


def _rng(stream: int, index: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(TRAINING_ENTROPY, spawn_key=(stream, index)))


def _render_chunk(args: tuple[int, int, int]) -> tuple[np.ndarray, list[str]]:
    from kiosk.synth.mrz_lines import random_text, render_line
    stream, index, count = args
    rng = _rng(stream, index)
    images, texts = [], []
    for _ in range(count):
        text = random_text(rng)
        images.append(prepare_line(render_line(text, rng)))
        texts.append(text)
    return np.stack(images), texts


def _page_chunk(args: tuple[int, int, int, str]) -> tuple[np.ndarray, list[str]]:
    """Line crops cut by the real locator from synthetic photos, labelled with the page's MRZ."""
    import cv2

    from kiosk.synth.camera import photograph
    from kiosk.synth.documents import draw_page, random_spec
    from mrz.locate import find_bands, rectify, split_lines, to_gray

    stream, index, count, data_root = args
    rng = _rng(stream, index)
    images, texts = [], []
    for i in range(count):
        spec = random_spec(rng, Path(data_root), i % 4)
        page, lines, _ = draw_page(spec, rng, Path(data_root))
        photo, matrix = photograph(page, rng, spec.difficulty)
        # the page's reading direction in the photo decides which way up the band is
        bottom = page.shape[0] - 50.0
        ends = cv2.perspectiveTransform(np.array([[[0.0, bottom], [page.shape[1], bottom]]]), matrix)[0]
        reading = ends[1] - ends[0]
        gray = to_gray(photo)
        for band in find_bands(gray)[:3]:
            flipped = float(np.dot(band.corners[1] - band.corners[0], reading)) < 0
            crops = split_lines(rectify(gray, band, flipped))
            if len(crops) == len(lines):
                images.extend(prepare_line(c) for c in crops)
                texts.extend(lines)
                break
    if not images:
        return np.zeros((0, 32, 384), np.uint8), []
    return np.stack(images), texts


def build_dataset(stream: int, lines: int, pages: int, data_root: str, workers: int) -> tuple[np.ndarray, list[str]]:
    jobs_lines = [(stream, i, min(500, lines - i * 500)) for i in range((lines + 499) // 500)]
    jobs_pages = [(stream + 100, i, min(25, pages - i * 25), data_root) for i in range((pages + 24) // 25)]
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        parts = pool.map(_render_chunk, jobs_lines) + (pool.map(_page_chunk, jobs_pages) if pages else [])
    images = np.concatenate([p[0] for p in parts if len(p[1])])
    texts = [t for p in parts for t in p[1]]
    return images, texts


def _network():  # type: ignore[no-untyped-def]
    import torch
    from torch import nn

    from mrz.recognizer import ALPHABET

    def block(cin: int, cout: int, kernel: tuple[int, int], stride: tuple[int, int]) -> list[nn.Module]:
        padding = (kernel[0] // 2 if kernel[0] == 3 else 0, kernel[1] // 2)
        return [nn.Conv2d(cin, cout, kernel, stride, padding, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

    class LineNet(nn.Module):
        """32 x 384 grey line -> 192 columns x (blank + 37 MRZ characters); about 36 M multiply-adds."""

        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(
                *block(1, 16, (3, 3), (2, 2)),  # 16 x 192
                *block(16, 32, (3, 3), (2, 1)),  # 8 x 192
                *block(32, 48, (3, 3), (2, 1)),  # 4 x 192
                *block(48, 64, (4, 1), (1, 1)),  # 1 x 192
            )
            self.sequence = nn.Sequential(
                nn.Conv1d(64, 96, 5, padding=2, bias=False), nn.BatchNorm1d(96), nn.ReLU(inplace=True),
                nn.Conv1d(96, 96, 5, padding=2, bias=False), nn.BatchNorm1d(96), nn.ReLU(inplace=True),
                nn.Conv1d(96, len(ALPHABET) + 1, 1),
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:  # logits N x C x T
            return self.sequence(self.features(x).squeeze(2))

    return LineNet()


class _Probabilities:  # wraps the trained net for export: N x T x C softmax
    @staticmethod
    def wrap(net):  # type: ignore[no-untyped-def]
        import torch

        class Export(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.net = net

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return torch.softmax(self.net(x), dim=1).permute(0, 2, 1)

        return Export()


def _encode(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    from mrz.recognizer import ALPHABET

    index = {c: i + 1 for i, c in enumerate(ALPHABET)}
    flat = np.array([index[c] for t in texts for c in t], dtype=np.int64)
    return flat, np.array([len(t) for t in texts], dtype=np.int64)


def _evaluate(net, images: np.ndarray, texts: list[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    import torch

    from mrz.recognizer import decode, to_input

    net.eval()
    exact, errors, chars = 0, 0, 0
    with torch.no_grad():
        for start in range(0, len(images), 256):
            probs = torch.softmax(net(torch.from_numpy(to_input(images[start : start + 256]))), 1).permute(0, 2, 1)
            for p, truth in zip(probs.numpy(), texts[start : start + 256], strict=True):
                read = decode(p).text
                exact += read == truth
                errors += _edit_distance(read, truth)
                chars += len(truth)
    net.train()
    return {"line_exact": exact / len(texts), "char_error_rate": errors / chars}


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def train(args: argparse.Namespace) -> dict[str, object]:
    import torch

    from mrz.recognizer import to_input

    torch.manual_seed(int(TRAINING_ENTROPY % 2**31))
    torch.set_num_threads(args.threads)
    start = time.time()
    images, texts = build_dataset(1, args.lines, args.pages, args.data, args.workers)
    val_images, val_texts = build_dataset(2, args.val_lines, args.val_pages, args.data, args.workers)
    log.info("data: %d training lines, %d validation lines (%.0f s)", len(texts), len(val_texts), time.time() - start)
    net = _network()
    optimiser = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * (len(texts) // args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=steps, pct_start=0.15)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    rng = np.random.default_rng(np.random.SeedSequence(TRAINING_ENTROPY, spawn_key=(3,)))
    history = []
    for epoch in range(args.epochs):
        order = rng.permutation(len(texts))
        total = 0.0
        for b in range(len(texts) // args.batch):
            idx = order[b * args.batch : (b + 1) * args.batch]
            batch = images[idx]
            shift = int(rng.integers(-6, 7))  # small horizontal shifts: crops are never cut the same way
            batch = np.roll(batch, shift, axis=2)
            x = torch.from_numpy(to_input(batch))
            targets, lengths = _encode([texts[i] for i in idx])
            log_probs = torch.log_softmax(net(x), dim=1).permute(2, 0, 1)  # T x N x C
            loss = ctc(log_probs, torch.from_numpy(targets), torch.full((len(idx),), log_probs.shape[0]),
                       torch.from_numpy(lengths))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach())
        figures = _evaluate(net, val_images, val_texts)
        history.append({"epoch": epoch + 1, "loss": total / max(1, len(texts) // args.batch), **figures})
        log.info("epoch %d: %s (%.0f s)", epoch + 1, history[-1], time.time() - start)
        export(net, args.out)
    return {"training_lines": len(texts), "validation_lines": len(val_texts), "history": history,
            "seconds": round(time.time() - start)}


def export(net, out: Path) -> None:  # type: ignore[no-untyped-def]
    import torch

    from mrz.recognizer import INPUT_HEIGHT, INPUT_WIDTH

    net.eval()
    model = _Probabilities.wrap(net)
    dummy = torch.zeros(1, 1, INPUT_HEIGHT, INPUT_WIDTH)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(model, (dummy,), str(out), input_names=["line"], output_names=["probs"],
                      dynamic_axes={"line": {0: "N"}, "probs": {0: "N"}}, opset_version=17, dynamo=False)
    net.train()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=60000)
    parser.add_argument("--pages", type=int, default=1500)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--val-lines", type=int, default=2000)
    parser.add_argument("--val-pages", type=int, default=100)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", default=os.environ.get("KIOSK_DATA", "../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("models/onnx/mrz_recognizer.onnx"))
    parser.add_argument("--report", type=Path, default=Path("build/mrz_recognizer_training.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    report = train(args)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
