"""``kiosk synth sessions``: synthetic gate sessions (bundles, docs/BUNDLE.md) from the real data root.

Cases, cycled in this order so any ``--n`` is balanced (expected decision in brackets):
genuine [ACCEPT], impostor (another face) [REFER], pad_attack (a PAD set's attack frames, Replay-Attack
or NUAA, as the live feed against that person's own real frame on the passport) [REFER], expired [REJECT], tampered (a
digit of the document number changed, check digit kept) [REJECT], watchlist [REFER], permit_valid
[ACCEPT], permit_forged [REJECT], permit_expired [REJECT], permit_revoked [REJECT], border_pass
(two fingers, right and left index, each a different finger of the sets: enrolled from impressions
1-2, presented from 3-8) [ACCEPT], border_pass_impostor (two other fingers presented) [REFER],
permit_impostor (a valid permit, another face than the enrolled one) [REFER],
permit_video (a real talking or blinking video: enrolled from its first frame, the live clip from
later frames, so the clip has the head motion and blinks of a live person) [ACCEPT],
tampered_repaired (a digit of the document number forged, check digit kept, such that reading another
character as its look-alike makes every check digit pass: a misread and a forgery look the same to
the check digits, so an officer must compare with the page) [REFER].

Passport pages are ``kiosk.synth.documents.render_page`` with a London neutral portrait (the holder's
sex and age from ``london_info.csv``). The live clip of the London cases (genuine, impostor,
watchlist, expired, tampered, border passes, and the permit cases except permit_video) is a live
head, not a photo: the person's smiling photo (never the neutral one, which is the document's
portrait) given a generic head's depth placed from its five MTCNN landmarks (the gate's own
detector), turning a few degrees, swaying before a still wall and in about three clips of ten
blinking, filmed with perspective, camera noise and blur (``kiosk.synth.live_head``), so the nose
moves off the plane of the eyes and mouth as a real head's does. The pad_attack clip is a flat
picture moved in 2-D (``photo_clip``), as a hand-held print or screen moves. Permits are signed
with a test issuer key generated for the set; its public key is in each permit bundle's trust store.

Files a gate model was trained on (``trained_on`` in ``models/manifest.toml``: the PAD network's
Replay-Attack train split, NUAA training subjects, blink videos) are left out, so the benchmark does
not measure the network on frames it learned.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import logging
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from kiosk.config import Config, load_config
from kiosk.replay.bundle import FORMAT
from kiosk.synth.documents import DocumentType, PageSpec, london_portraits, random_spec, render_page
from kiosk.synth.live_head import LiveHeadClip, live_head_clip
from mrz.compose import compose_mrz
from mrz.parse import parse_mrz
from mrz.permits import Permit, issue_permit

if TYPE_CHECKING:
    from biometrics.face.mtcnn import MtcnnDetector

log = logging.getLogger(__name__)

HELP = "synthetic gate sessions (bundles with manifest.json and media) for kiosk replay"
CASES: dict[str, str] = {
    "genuine": "ACCEPT", "impostor": "REFER", "pad_attack": "REFER", "expired": "REJECT", "tampered": "REJECT",
    "watchlist": "REFER", "permit_valid": "ACCEPT", "permit_forged": "REJECT", "permit_expired": "REJECT",
    "permit_revoked": "REJECT", "border_pass": "ACCEPT", "border_pass_impostor": "REFER", "permit_impostor": "REFER",
    "permit_video": "ACCEPT", "tampered_repaired": "REFER",
}
KEY_ID = "TEST-ISSUER-1"
PORT = "PORT-TEST"
FRAME_SIZE = (640, 480)
CLIP_FRAMES = 8
CLIP_FPS = 6.0
# ISO right and left index: the data sets do not say which finger a print is, so a border-pass holder is
# given two different fingers of the sets at these positions (fingers modelled as independent, as the
# fused thresholds of kiosk/defaults.toml [finger] are calibrated).
FINGER_POSITIONS = (2, 7)


@dataclass(frozen=True)
class Sources:
    root: Path
    faces: list[Path]  # London identity folders (neutral.jpg, smiling.jpg)
    pad_clients: dict[str, tuple[list[Path], list[Path]]]  # client -> (real frames, attack frames)
    fingers: list[list[Path]]  # per finger: its impressions in order (1..8)
    videos: list[Path]  # real videos of one person's face (video/**/*.mp4, at least 400 px)
    holders: dict[str, tuple[int, str]] = field(default_factory=dict)  # London face id -> (age, "M"/"F")


def find_sources(root: Path, exclude: Sequence[str] = ()) -> Sources:
    """The data sets under ``root`` that sessions are made from, leaving out files matching a pattern
    of ``exclude`` (root-relative globs: what the gate's own models were trained on)."""

    def usable(path: Path) -> bool:
        relative = path.relative_to(root).as_posix()
        return not any(fnmatch.fnmatchcase(relative, pattern) for pattern in exclude)

    faces = [root / p.parent for p in london_portraits(root)]
    faces = [f for f in faces if (f / "smiling.jpg").is_file() and usable(f / "smiling.jpg")]
    pad: dict[str, tuple[list[Path], list[Path]]] = {}
    for dataset in sorted(p for p in root.glob("pad/*") if p.is_dir()):
        reals = _by_subject(p for p in dataset.glob("**/real/**/*.jpg") if usable(p))
        attacks = _by_subject(p for p in dataset.glob("**/attack/**/*.jpg") if usable(p))
        for subject in sorted(reals.keys() & attacks.keys()):
            pad[f"{dataset.name}/{subject}"] = (reals[subject], attacks[subject])
    fingers: list[list[Path]] = []
    for folder in sorted(root.glob("fingerprints/fvc2004/DB[12]_B")):  # optical sensors, 500 dpi
        ids = sorted({p.name.split("_")[0] for p in folder.glob("*_*.png")})
        for fid in ids:
            fingers.append([folder / f"{fid}_{i}.png" for i in range(1, 9) if (folder / f"{fid}_{i}.png").is_file()])
    for folder in sorted(root.glob("fingerprints/neurotech*")):
        groups: dict[str, list[Path]] = {}
        for p in sorted(folder.glob("*_*_*.png")):
            person, finger, _ = p.stem.split("_")
            groups.setdefault(f"{person}_{finger}", []).append(p)
        fingers += [sorted(g, key=lambda p: int(p.stem.split("_")[2])) for g in groups.values()]
    videos = []
    for path in sorted(p for p in root.glob("video/**/*.mp4") if usable(p)):
        capture = cv2.VideoCapture(str(path))
        size = min(capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        long_enough = capture.get(cv2.CAP_PROP_FRAME_COUNT) >= 60
        capture.release()
        if size >= 400 and long_enough:
            videos.append(path)
    return Sources(root, faces, pad, [f for f in fingers if len(f) >= 3], videos, _london_holders(root))


def trained_on(config: Config) -> tuple[str, ...]:
    """What the configured models were trained on (root-relative patterns), for ``find_sources``."""
    from models.manifest import load_manifest

    return load_manifest(config.models.manifest).trained_on()


def _by_subject(paths: Iterable[Path]) -> dict[str, list[Path]]:
    """PAD frames by the person shown: Replay-Attack names carry ``clientNNN``, NUAA's folders the subject."""
    out: dict[str, list[Path]] = {}
    for path in sorted(paths):
        client = re.search(r"client\d+", path.name)
        out.setdefault(client.group(0) if client else path.parent.name, []).append(path)
    return out


def _london_holders(root: Path) -> dict[str, tuple[int, str]]:
    """Age and sex of each London face (london_info.csv), so a document shows what its portrait shows."""
    info = root / "faces/london/london_info.csv"
    holders: dict[str, tuple[int, str]] = {}
    if not info.is_file():
        return holders
    with info.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            sex = {"female": "F", "male": "M"}.get((row.get("face_gender") or "").strip().lower())
            age = (row.get("face_age") or "").strip()
            if sex and age.isdigit():
                holders[(row.get("face_id") or "").strip()] = (int(age), sex)
    return holders


def _imread(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot read image {path}")
    return np.asarray(image)


def photo_clip(face: np.ndarray, rng: np.random.Generator, *, fill: float = 0.55) -> list[np.ndarray]:
    """A short camera clip of a flat picture moved in 2-D (turned, zoomed, shifted) before a blurred background,
    with sensor noise and blur: a presentation attack's motion, every point moved by one similarity."""
    w, h = FRAME_SIZE
    scale = fill * h / face.shape[0]
    base = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    flat = np.full((h, w, 3), rng.integers(60, 200, size=3), np.float32) + rng.normal(0, 12, (h, w, 3))
    background = cv2.GaussianBlur(flat.clip(0, 255).astype(np.uint8), (0, 0), 8)
    phase = rng.uniform(0, 2 * np.pi)
    frames = []
    for k in range(CLIP_FRAMES):
        t = k / CLIP_FPS
        angle = 3.0 * np.sin(2 * np.pi * 0.7 * t + phase)
        zoom = 1.0 + 0.04 * np.sin(2 * np.pi * 0.5 * t)
        cx = w / 2 + 12 * np.sin(2 * np.pi * 0.6 * t + phase) + rng.normal(0, 1.5)
        cy = h / 2 + 8 * np.cos(2 * np.pi * 0.4 * t) + rng.normal(0, 1.5)
        m = cv2.getRotationMatrix2D((base.shape[1] / 2, base.shape[0] / 2), angle, zoom)
        m[0, 2] += cx - base.shape[1] / 2
        m[1, 2] += cy - base.shape[0] / 2
        frame = cv2.warpAffine(base, m, (w, h), dst=background.copy(), borderMode=cv2.BORDER_TRANSPARENT)
        frame = cv2.GaussianBlur(frame, (0, 0), float(rng.uniform(0.3, 1.0)))
        frame = (frame.astype(np.float32) * rng.uniform(0.9, 1.1) + rng.normal(0, 4.0, frame.shape))
        frames.append(frame.clip(0, 255).astype(np.uint8))
    return frames


def live_clip(photo: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator) -> LiveHeadClip:
    """A short camera clip of the photo's person as a live head: turning a few degrees with depth
    (``kiosk.synth.live_head``), swaying, with sensor noise and blur. ``landmarks``: MTCNN's five on the photo."""
    return live_head_clip(photo, landmarks, rng, count=CLIP_FRAMES, fps=CLIP_FPS, size=FRAME_SIZE)


Clip = tuple[list[np.ndarray], list[float]]  # frames and their times in seconds


def _timed(frames: list[np.ndarray]) -> Clip:
    return frames, [round(k / CLIP_FPS, 3) for k in range(len(frames))]


def video_session(path: Path, rng: np.random.Generator) -> tuple[np.ndarray, Clip]:
    """An enrolment photo (the video's first frame) and a live clip from later in the same video.

    The clip takes a frame every 0.2 s (about; whole frames) over about 1.4 s, starting at a random
    point after the first second, at most 640 pixels on its long side, with the video's own times.
    """
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    step = max(1, round(fps / 5))
    start = int(rng.integers(int(fps), max(int(fps) + 1, count - step * CLIP_FRAMES)))
    wanted = {0, *range(start, start + step * CLIP_FRAMES, step)}
    frames: dict[int, np.ndarray] = {}
    index = 0
    while index <= max(wanted):
        ok, frame = capture.read()
        if not ok:
            break
        if index in wanted:
            scale = min(1.0, 640.0 / max(frame.shape[:2]))
            frames[index] = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        index += 1
    capture.release()
    if 0 not in frames or len(frames) < 3:
        raise ValueError(f"cannot read enough frames from {path}")
    live = sorted(i for i in frames if i > 0)
    return frames[0], ([frames[i] for i in live], [round((i - live[0]) / fps, 3) for i in live])


def _write_clip(folder: Path, clip: Clip) -> dict[str, Any]:
    frames, stamps = clip
    names = []
    for k, frame in enumerate(frames):
        name = f"face/{k:03d}.jpg"
        cv2.imwrite(str(folder / name), frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
        names.append(name)
    return {"frames": names, "timestamps_s": stamps}


def _tamper(lines: tuple[str, ...], rng: np.random.Generator) -> tuple[str, ...]:
    """Change one digit of the document number (TD3/TD2 line 2, positions 0-8), keeping its check digit."""
    line = list(lines[1])
    digits = [i for i in range(9) if line[i].isdigit()]
    i = int(rng.choice(digits))
    line[i] = str(rng.choice([c for c in "234679" if c != line[i]]))  # not 0/O, 1/I, 8/B, 5/S themselves
    return (lines[0], "".join(line), *lines[2:])


class SessionWriter:
    def __init__(self, sources: Sources, out: Path, today: date, rng: np.random.Generator,
                 config: Config | None = None) -> None:
        self.sources = sources
        self.config = config or load_config()  # the face detector that places the live clips' head model
        self._detector: MtcnnDetector | None = None
        self._points: dict[Path, np.ndarray] = {}
        self.out = out
        self.today = today
        self.rng = rng
        self.issuer = ec.generate_private_key(ec.SECP256R1())
        self.forger = ec.generate_private_key(ec.SECP256R1())
        self.public_pem = self.issuer.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def _as_holder(self, spec: PageSpec, identity: Path) -> PageSpec:
        """The document's sex and birth date as the London portrait's person (when the set says)."""
        holder = self.sources.holders.get(identity.name)
        if holder is None:
            return spec
        age, sex = holder
        birth = self.today - timedelta(days=int(age * 365.25 + self.rng.integers(0, 365)))
        return replace(spec, sex=sex, birth_date=birth)

    def _live_clip(self, identity: Path, manifest: dict[str, Any]) -> list[np.ndarray]:
        """The live camera clip of a London identity: its smiling photo (never the passport's neutral one).
        The poses it was rendered at go in the notes (``live_head``), so a liveness result can be judged."""
        path = identity / "smiling.jpg"
        photo = _imread(path)
        clip = live_clip(photo, self._landmarks(path, photo), self.rng)
        manifest["notes"]["live_head"] = clip.truth()
        return clip.frames

    def _landmarks(self, path: Path, photo: np.ndarray) -> np.ndarray:
        """The five MTCNN landmarks of the photo's main face, found by the gate's own detector (cached)."""
        if path not in self._points:
            from biometrics.face.detection import find_faces
            from biometrics.face.mtcnn import MtcnnDetector
            from kiosk.runtime import session_factory

            settings = self.config.face
            if self._detector is None:
                self._detector = MtcnnDetector.from_factory(session_factory(self.config), settings.detector)
            rgb = cv2.cvtColor(photo, cv2.COLOR_BGR2RGB)
            faces = find_faces(self._detector, rgb, settings.detector.min_face_px, settings.max_working_side_px)
            if not faces:
                raise ValueError(f"no face found in {path}: cannot place the head model for its live clip")
            self._points[path] = np.asarray(faces[0].landmarks, np.float64)
        return self._points[path]

    def _pick(self, items: list[Any]) -> Any:
        return items[int(self.rng.integers(0, len(items)))]

    def _timeline(self) -> dict[str, float]:
        r = self.rng
        return {"document": round(float(r.uniform(0.8, 2.0)), 2), "enter": round(float(r.uniform(0.4, 1.0)), 2),
                "face": round(float(r.uniform(0.2, 0.6)), 2), "fingers": round(float(r.uniform(0.8, 1.5)), 2),
                "exit": round(float(r.uniform(0.3, 0.8)), 2)}

    def write(self, index: int, case: str) -> Path:
        folder = self.out / f"session_{index:05d}_{case}"
        if folder.exists():
            shutil.rmtree(folder)
        (folder / "face").mkdir(parents=True)
        manifest: dict[str, Any] = {"format": FORMAT, "case": case, "expected": CASES[case],
                                    "today": self.today.isoformat(), "port": PORT, "notes": {}}
        times = self._timeline()
        if case.startswith("permit"):
            document, live_face = self._permit(folder, case, manifest)
        else:
            document, live_face = self._page(folder, case, manifest)
        clip = _write_clip(folder, live_face)
        timeline: list[dict[str, Any]] = [
            {"event": "document", "after_s": times["document"], **document},
            {"event": "enter", "after_s": times["enter"]},
            {"event": "face", "after_s": times["face"], **clip},
        ]
        if case.startswith("border_pass"):
            timeline.append({"event": "fingers", "after_s": times["fingers"], "dpi": 500,
                             "fingers": [{"position": pos, "file": f"finger/probe_{pos}.png"}
                                         for pos in FINGER_POSITIONS]})
        timeline.append({"event": "exit", "after_s": times["exit"]})
        manifest["timeline"] = timeline
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
        return folder

    # -- documents -------------------------------------------------------------------------

    def _page(self, folder: Path, case: str, manifest: dict[str, Any]) -> tuple[dict[str, Any], Clip]:
        kind = DocumentType.BORDER_PASS if case.startswith("border_pass") else DocumentType.PASSPORT
        spec = random_spec(self.rng, self.sources.root, 0, kind)
        identity = self._pick(self.sources.faces)
        spec = replace(self._as_holder(spec, identity), portrait=identity / "neutral.jpg",
                       expiry_date=self.today + timedelta(days=int(self.rng.integers(200, 3000))))
        live = identity
        if case == "impostor":
            live = self._pick([f for f in self.sources.faces if f != identity])
            manifest["notes"]["live_identity"] = live.name
        if case == "pad_attack":
            client = self._pick(sorted(self.sources.pad_clients))
            reals, attacks = self.sources.pad_clients[client]
            spec = replace(spec, portrait=self._pick(reals))
            attack_path = self._pick(attacks)
            frames = photo_clip(_imread(attack_path), self.rng, fill=1.0)
            manifest["notes"].update({"pad_client": client,
                                      "pad_frame": attack_path.relative_to(self.sources.root).as_posix()})
        if case == "expired":
            spec = replace(spec, expiry_date=self.today - timedelta(days=int(self.rng.integers(1, 900))))
        lines = compose_mrz(spec.mrz_fields())
        if case == "tampered":
            lines = self._tampered(lines)
        if case == "tampered_repaired":
            lines = self._tampered_repaired(lines)
        photo, lines, _ = render_page(spec, self.rng, self.sources.root, lines)
        cv2.imwrite(str(folder / "document.jpg"), photo, [cv2.IMWRITE_JPEG_QUALITY, 92])
        manifest["notes"].update({"identity": identity.name, "mrz": list(lines)})
        if case == "watchlist":
            manifest["watchlist"] = [{"list": "wanted", "reason": "synthetic watch-list entry",
                                      "document_number": spec.document_number}]
        if case.startswith("border_pass"):
            self._enrol_fingers(folder, case, manifest, spec, identity)
        if case != "pad_attack":
            frames = self._live_clip(live, manifest)
        return {"kind": "page", "file": "document.jpg"}, _timed(frames)

    def _tampered(self, lines: tuple[str, ...]) -> tuple[str, ...]:
        """A tampered MRZ whose check digits fail even after the parser's look-alike repair.

        Some single-digit changes (about a quarter) can be "repaired" into a check that passes by reading
        another digit as its look-alike letter (0/O, 2/Z); the gate refers those (DOC_REPAIRED: an officer
        compares with the page, tested in tests/test_mrz_parse.py and tests/test_policy.py), so they are
        not this REJECT case and are redrawn.
        """
        for _ in range(50):
            tampered = _tamper(lines, self.rng)
            if not parse_mrz(tampered, self.today).all_checks_passed:
                return tampered
        raise RuntimeError("no tampering of this MRZ makes its check digits fail")

    def _tampered_repaired(self, lines: tuple[str, ...]) -> tuple[str, ...]:
        """A document-number digit forged (check digit kept) so that the checks pass only by a look-alike repair."""
        line = lines[1]
        forgeries = [(i, d) for i in range(9) if line[i].isdigit() for d in "0123456789" if d != line[i]]
        for k in self.rng.permutation(len(forgeries)):
            i, digit = forgeries[int(k)]
            forged = (lines[0], line[:i] + digit + line[i + 1:], *lines[2:])
            document = parse_mrz(forged, self.today)
            if document.all_checks_passed and document.check_digit_repairs:
                return forged
        raise RuntimeError("no forgery of this document number passes by a look-alike repair")

    def _enrol_fingers(self, folder: Path, case: str, manifest: dict[str, Any], spec: PageSpec,
                       identity: Path) -> None:
        (folder / "enrol").mkdir()
        (folder / "finger").mkdir()
        chosen = self.rng.choice(len(self.sources.fingers), size=len(FINGER_POSITIONS), replace=False)
        enrolled: list[dict[str, Any]] = []
        presented: list[str] = []
        for pos, index in zip(FINGER_POSITIONS, chosen, strict=True):
            finger = self.sources.fingers[int(index)]
            enrol_files = []
            for k, path in enumerate(finger[:2]):
                shutil.copyfile(path, folder / f"enrol/finger_{pos}_{k + 1}{path.suffix}")
                enrol_files.append(f"enrol/finger_{pos}_{k + 1}{path.suffix}")
            probe = self._pick(finger[2:])
            if case == "border_pass_impostor":
                others = [f for i, f in enumerate(self.sources.fingers) if i not in {int(c) for c in chosen}]
                probe = self._pick(self._pick(others)[2:])
            shutil.copyfile(probe, folder / f"finger/probe_{pos}.png")
            enrolled.append({"position": pos, "images": enrol_files})
            manifest["notes"].setdefault("finger_enrolled", []).extend(
                str(p.relative_to(self.sources.root)) for p in finger[:2])
            presented.append(str(probe.relative_to(self.sources.root)))
        shutil.copyfile(identity / "neutral.jpg", folder / "enrol/face.jpg")
        manifest["notes"]["finger_presented"] = presented
        manifest["enrolment"] = {
            "person": {"surname": spec.surname, "given_names": spec.given_names,
                       "birth_date": spec.birth_date.isoformat(), "nationality": spec.nationality},
            "documents": [{"kind": "AB", "number": spec.document_number, "issuing_state": spec.issuing_state}],
            "face": "enrol/face.jpg", "dpi": 500,
            "fingers": enrolled,
        }

    def _permit(self, folder: Path, case: str, manifest: dict[str, Any]) -> tuple[dict[str, Any], Clip]:
        import zxingcpp

        identity = self._pick(self.sources.faces)
        spec = self._as_holder(random_spec(self.rng, self.sources.root, 0, DocumentType.PASSPORT), identity)
        permit_id = f"PMT{int(self.rng.integers(10**6, 10**7))}"
        valid_from = self.today - timedelta(days=int(self.rng.integers(1, 60)))
        valid_to = self.today + timedelta(days=int(self.rng.integers(10, 365)))
        if case == "permit_expired":
            valid_from = self.today - timedelta(days=400)
            valid_to = self.today - timedelta(days=int(self.rng.integers(1, 300)))
        permit = Permit(permit_id, f"{spec.surname}, {spec.given_names}", spec.document_number, spec.nationality,
                        spec.birth_date, valid_from, valid_to, PORT, "crew shore leave", "MV SYNTH")
        payload = issue_permit(permit, KEY_ID, self.forger if case == "permit_forged" else self.issuer)
        image = np.asarray(zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode).to_image(scale=6))
        canvas = np.full((image.shape[0] + 120, image.shape[1] + 160), 235, np.uint8)
        canvas[60:60 + image.shape[0], 80:80 + image.shape[1]] = image
        noisy = (canvas.astype(np.float32) + self.rng.normal(0, 5, canvas.shape)).clip(0, 255).astype(np.uint8)
        cv2.imwrite(str(folder / "permit.png"), noisy)
        (folder / "trust/keys").mkdir(parents=True)
        (folder / f"trust/keys/{KEY_ID}.pem").write_bytes(self.public_pem)
        revoked = [permit_id] if case == "permit_revoked" else []
        (folder / "trust/revoked.txt").write_text("# revoked permit ids\n" + "".join(f"{r}\n" for r in revoked),
                                                  encoding="utf-8")
        manifest["trust"] = {"keys": "trust/keys", "revoked": "trust/revoked.txt"}
        (folder / "enrol").mkdir()
        shutil.copyfile(identity / "neutral.jpg", folder / "enrol/face.jpg")
        manifest["enrolment"] = {
            "person": {"surname": spec.surname, "given_names": spec.given_names,
                       "birth_date": spec.birth_date.isoformat(), "nationality": spec.nationality},
            "documents": [{"kind": "PERMIT", "number": spec.document_number, "issuing_state": ""}],
            "face": "enrol/face.jpg",
        }
        manifest["notes"].update({"identity": identity.name, "permit_id": permit_id})
        if case == "permit_video":
            video = self._pick(self.sources.videos)
            enrol_frame, clip = video_session(video, self.rng)
            cv2.imwrite(str(folder / "enrol/face.jpg"), enrol_frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
            manifest["notes"]["identity"] = str(video.relative_to(self.sources.root))
            return {"kind": "barcode", "file": "permit.png"}, clip
        live = identity
        if case == "permit_impostor":
            live = self._pick([f for f in self.sources.faces if f != identity])
            manifest["notes"]["live_identity"] = live.name
        return {"kind": "barcode", "file": "permit.png"}, _timed(self._live_clip(live, manifest))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="output folder (one sub-folder per bundle)")
    parser.add_argument("--n", type=int, required=True, help="number of bundles (cases cycled in order)")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--data", type=Path, help="data root (default: configuration / KIOSK_DATA)")
    parser.add_argument("--today", type=date.fromisoformat, help="the sessions' date (default: today)")
    parser.add_argument("--cases", help="comma-separated subset of: " + ", ".join(CASES))


def run(args: argparse.Namespace, config: Config) -> int:
    root = (args.data or config.data.root).resolve()
    sources = find_sources(root, trained_on(config))
    cases = [c.strip() for c in args.cases.split(",")] if args.cases else list(CASES)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        log.error("unknown case(s) %s", ", ".join(unknown))
        return 2
    if args.n < 1 or len(sources.faces) < 2:
        log.error("need --n >= 1 and at least two faces/london identities under %s", root)
        return 2
    if not sources.pad_clients:
        cases = [c for c in cases if c != "pad_attack"]
        log.warning("no PAD real/attack frames under %s: pad_attack left out", root)
    if not sources.videos:
        cases = [c for c in cases if c != "permit_video"]
        log.warning("no face videos under %s: permit_video left out", root)
    if len(sources.fingers) <= len(FINGER_POSITIONS):
        cases = [c for c in cases if not c.startswith("border_pass")]
        log.warning("no fingerprint folders under %s: border passes left out", root)
    args.out.mkdir(parents=True, exist_ok=True)
    writer = SessionWriter(sources, args.out, args.today or date.today(), np.random.default_rng(args.seed), config)
    for i in range(args.n):
        writer.write(i, cases[i % len(cases)])
    print(f"wrote {args.n} session bundles to {args.out}")
    return 0
