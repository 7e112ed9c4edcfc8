"""Session bundles: a folder with ``manifest.json`` and media files (docs/BUNDLE.md).

``load_bundle`` validates everything before a replay starts: the manifest's format version and
fields, every referenced file present and decodable. Any problem raises ``BundleError`` naming the
bundle and the file, so a corrupt bundle is never half-replayed.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np

FORMAT = "egate-session/1"
EVENTS = ("document", "enter", "face", "fingers", "exit", "device")  # "device": recorded, not replayed
RECORDING_STATES = ("recording", "complete", "incomplete")
DECISIONS = ("ACCEPT", "REFER", "REJECT")
MAX_FRAMES = 120


class BundleError(ValueError):
    """The bundle cannot be replayed: the message names the bundle and the file at fault."""


@dataclass(frozen=True)
class TimelineEvent:
    event: str  # one of EVENTS
    after_s: float  # the traveller's delay after the gate prompted for this step
    kind: str = ""  # document: "page" or "barcode"
    image: np.ndarray | None = None  # document image
    frames: tuple[np.ndarray, ...] = ()  # face clip
    timestamps_s: tuple[float, ...] = ()
    fingers: tuple[tuple[int, np.ndarray], ...] = ()  # (ISO finger position, grey image)
    dpi: int = 500
    files: tuple[str, ...] = ()
    detail: str = ""  # device: "<device>: <detail>" (kind holds the event kind)


@dataclass(frozen=True)
class EnrolmentData:
    surname: str
    given_names: str
    birth_date: str
    nationality: str
    documents: tuple[dict[str, str], ...]
    face: np.ndarray | None = None
    fingers: tuple[tuple[int, tuple[np.ndarray, ...]], ...] = ()
    dpi: int = 500


@dataclass(frozen=True)
class Bundle:
    path: Path
    case: str
    expected: str
    today: date
    timeline: tuple[TimelineEvent, ...]
    port: str = ""
    trust_keys: Path | None = None
    revocation_list: Path | None = None
    enrolment: EnrolmentData | None = None
    watchlist: tuple[dict[str, str], ...] = ()
    notes: dict[str, Any] = field(default_factory=dict)
    recording: dict[str, Any] = field(default_factory=dict)  # recorded bundles: status, observed outcome ...

    @property
    def name(self) -> str:
        return self.path.name


def _fail(root: Path, message: str) -> BundleError:
    return BundleError(f"bundle {root}: {message}")


def _file(root: Path, name: Any, what: str) -> Path:
    if not isinstance(name, str) or not name:
        raise _fail(root, f"{what}: expected a file name, got {name!r}")
    path = (root / name).resolve()
    if root.resolve() not in path.parents:
        raise _fail(root, f"{what}: {name} points outside the bundle")
    if not path.is_file():
        raise _fail(root, f"{what}: file {name} is missing")
    return path


def _image(root: Path, name: Any, what: str, grey: bool = False) -> np.ndarray:
    path = _file(root, name, what)
    data = np.frombuffer(path.read_bytes(), np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE if grey else cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise _fail(root, f"{what}: file {name} is not a readable image (corrupt or truncated)")
    return np.asarray(image)


def _number(root: Path, value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _fail(root, f"{what}: expected a number >= 0, got {value!r}")
    return float(value)


def _video(root: Path, name: Any, what: str) -> tuple[tuple[np.ndarray, ...], tuple[float, ...]]:
    path = _file(root, name, what)
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    frames: list[np.ndarray] = []
    while len(frames) < MAX_FRAMES:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(np.asarray(frame))
    capture.release()
    if not frames:
        raise _fail(root, f"{what}: file {name} is not a readable video")
    return tuple(frames), tuple(i / fps for i in range(len(frames)))


def _event(root: Path, i: int, raw: Any) -> TimelineEvent:
    where = f"timeline[{i}]"
    if not isinstance(raw, dict):
        raise _fail(root, f"{where}: expected an object")
    kind = raw.get("event")
    if kind not in EVENTS:
        raise _fail(root, f"{where}: unknown event {kind!r} (one of {', '.join(EVENTS)})")
    after = _number(root, raw.get("after_s", 0.0), f"{where}.after_s")
    if kind == "document":
        doc_kind = raw.get("kind", "page")
        if doc_kind not in ("page", "barcode"):
            raise _fail(root, f"{where}.kind: expected page or barcode, got {doc_kind!r}")
        return TimelineEvent(kind, after, doc_kind, image=_image(root, raw.get("file"), f"{where}.file"),
                             files=(raw["file"],))
    if kind == "face":
        if "video" in raw:
            frames, stamps = _video(root, raw["video"], f"{where}.video")
            return TimelineEvent(kind, after, frames=frames, timestamps_s=stamps, files=(raw["video"],))
        names = raw.get("frames")
        stamps_raw = raw.get("timestamps_s")
        if not isinstance(names, list) or not names or len(names) > MAX_FRAMES:
            raise _fail(root, f"{where}.frames: expected 1..{MAX_FRAMES} file names")
        if not isinstance(stamps_raw, list) or len(stamps_raw) != len(names):
            raise _fail(root, f"{where}.timestamps_s: expected one time per frame")
        stamps = tuple(_number(root, t, f"{where}.timestamps_s") for t in stamps_raw)
        if any(b < a for a, b in itertools.pairwise(stamps)):
            raise _fail(root, f"{where}.timestamps_s: times must not decrease")
        frames = tuple(_image(root, n, f"{where}.frames") for n in names)
        return TimelineEvent(kind, after, frames=frames, timestamps_s=stamps, files=tuple(names))
    if kind == "fingers":
        items = raw.get("fingers")
        if not isinstance(items, list) or not items:
            raise _fail(root, f"{where}.fingers: expected a list of {{position, file}}")
        fingers = []
        for j, item in enumerate(items):
            position = item.get("position", 0) if isinstance(item, dict) else None
            if not isinstance(position, int) or not 0 <= position <= 10:
                raise _fail(root, f"{where}.fingers[{j}].position: expected 0..10, got {position!r}")
            fingers.append((position, _image(root, item.get("file"), f"{where}.fingers[{j}].file", grey=True)))
        dpi = raw.get("dpi", 500)
        if not isinstance(dpi, int) or not 250 <= dpi <= 1000:
            raise _fail(root, f"{where}.dpi: expected 250..1000, got {dpi!r}")
        return TimelineEvent(kind, after, fingers=tuple(fingers), dpi=dpi,
                             files=tuple(str(item["file"]) for item in items))
    if kind == "device":
        device, what = raw.get("device"), raw.get("kind")
        if not isinstance(device, str) or not isinstance(what, str):
            raise _fail(root, f"{where}: a device event needs device and kind strings")
        return TimelineEvent(kind, after, what, detail=f"{device}: {raw.get('detail', '')}")
    return TimelineEvent(kind, after)


def _recording(root: Path, raw: Any, partial: bool) -> dict[str, Any]:
    """A recorded bundle's ``recording`` block; only a complete recording replays (unless ``partial``)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or raw.get("status") not in RECORDING_STATES:
        raise _fail(root, f"manifest.json: recording.status must be one of {RECORDING_STATES}")
    if not partial and raw["status"] == "recording":
        raise _fail(root, "manifest.json: the recording was interrupted before it was finalised (status "
                          "'recording'): the session is not whole")
    if not partial and raw["status"] == "incomplete":
        raise _fail(root, f"manifest.json: the recording is incomplete: {raw.get('reason') or 'no reason given'}")
    return dict(raw)


def _enrolment(root: Path, raw: Any) -> EnrolmentData:
    if not isinstance(raw, dict):
        raise _fail(root, "enrolment: expected an object")
    person = raw.get("person")
    if not isinstance(person, dict) or not all(isinstance(person.get(k), str) for k in
                                               ("surname", "given_names", "birth_date", "nationality")):
        raise _fail(root, "enrolment.person: needs surname, given_names, birth_date, nationality")
    documents = raw.get("documents")
    if not isinstance(documents, list) or not documents or not all(isinstance(d, dict) for d in documents):
        raise _fail(root, "enrolment.documents: expected a non-empty list of {kind, number, issuing_state}")
    face = _image(root, raw["face"], "enrolment.face") if raw.get("face") else None
    fingers = []
    for j, item in enumerate(raw.get("fingers", [])):
        position = item.get("position", 0) if isinstance(item, dict) else None
        if not isinstance(position, int) or not 0 <= position <= 10:
            raise _fail(root, f"enrolment.fingers[{j}].position: expected 0..10")
        images = tuple(_image(root, n, f"enrolment.fingers[{j}].images", grey=True) for n in item.get("images", []))
        if not images:
            raise _fail(root, f"enrolment.fingers[{j}].images: expected at least one file")
        fingers.append((position, images))
    return EnrolmentData(person["surname"], person["given_names"], person["birth_date"], person["nationality"],
                         tuple({k: str(v) for k, v in d.items()} for d in documents), face, tuple(fingers),
                         int(raw.get("dpi", 500)))


def load_bundle(path: Path, *, partial: bool = False) -> Bundle:
    """The validated bundle in ``path`` (a folder holding manifest.json); BundleError otherwise.

    ``partial`` also accepts a recording not (yet) labelled with ``expected`` or not complete (to
    inspect it); a replay never passes it."""
    root = path
    if not root.is_dir():
        raise BundleError(f"bundle {root}: not a folder")
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise _fail(root, "file manifest.json is missing")
    try:
        raw = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(root, f"file manifest.json is not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise _fail(root, "manifest.json: expected an object")
    if raw.get("format") != FORMAT:
        raise _fail(root, f"manifest.json: format {raw.get('format')!r} is not {FORMAT!r}")
    recording = _recording(root, raw.get("recording"), partial)
    if recording and raw.get("expected") is None and not partial:
        observed = (recording.get("observed") or {}).get("decision", "nothing")
        raise _fail(root, f"manifest.json: expected is not set: a tester labels a recorded bundle with ACCEPT, "
                          f"REFER or REJECT (the gate observed {observed}; or record with --expect)")
    if raw.get("expected") not in DECISIONS and not (partial and recording and raw.get("expected") is None):
        raise _fail(root, f"manifest.json: expected must be one of {DECISIONS}, got {raw.get('expected')!r}")
    try:
        today = date.fromisoformat(str(raw.get("today")))
    except ValueError as exc:
        raise _fail(root, f"manifest.json: today {raw.get('today')!r} is not YYYY-MM-DD") from exc
    timeline_raw = raw.get("timeline")
    if not isinstance(timeline_raw, list) or not timeline_raw:
        raise _fail(root, "manifest.json: timeline must be a non-empty list")
    timeline = tuple(_event(root, i, e) for i, e in enumerate(timeline_raw))
    trust = raw.get("trust") or {}
    keys = root / trust["keys"] if trust.get("keys") else None
    if keys is not None and not keys.is_dir():
        raise _fail(root, f"trust.keys: folder {trust['keys']} is missing")
    revoked = _file(root, trust["revoked"], "trust.revoked") if trust.get("revoked") else None
    enrolment = _enrolment(root, raw["enrolment"]) if raw.get("enrolment") else None
    watchlist = raw.get("watchlist", [])
    if not isinstance(watchlist, list) or not all(isinstance(w, dict) for w in watchlist):
        raise _fail(root, "manifest.json: watchlist must be a list of objects")
    return Bundle(root, str(raw.get("case", "unknown")), raw["expected"] or "", today, timeline,
                  str(raw.get("port", "")), keys, revoked, enrolment,
                  tuple({k: str(v) for k, v in w.items()} for w in watchlist), dict(raw.get("notes", {})), recording)
