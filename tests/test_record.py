"""``kiosk record``: live devices fed from files through the real engine and relay simulator, saved as a
bundle that ``kiosk replay`` takes to the same decision; interrupted recordings are marked incomplete."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from gate_io.events import DeviceEvent
from gate_io.frames import open_frame_source
from gate_io.scanners import DocumentScanner, finger_position
from kiosk.cli import main
from kiosk.config import Config, load_config
from kiosk.engine import events as ev
from kiosk.record.retention import purge_recordings
from kiosk.record.session import RecordingLane
from kiosk.replay.bundle import BundleError, load_bundle
from kiosk.replay.synth import SessionWriter, find_sources
from kiosk.stores.gate import GateStore

TODAY = "2026-12-02"
# Liveness off (the PAD network refuses about half the London photos the clips are made from), permit
# holders give one finger, quick doors, wide budgets (decisions are checked here, not speed).
LAB_CONFIG = """
[face.liveness]
enabled = false
[policy]
liveness_required = false
[policy.fingers_required]
permit = 1
[engine]
door_open_s = 0.4
door_close_s = 0.5
document_s = 60.0
entry_s = 20.0
face_s = 60.0
fingers_s = 60.0
exit_s = 20.0
total_s = 600.0
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "lab.toml"
    path.write_text(LAB_CONFIG, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def lab_config(lab: Path) -> Config:
    return load_config(lab)


@pytest.fixture(scope="module")
def sessions(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A permit holder enrolled with a face and a finger (FVC2004 DB2 finger 103, impression 1) and a
    passport traveller: the setup and the media the lab's devices are fed from."""
    writer = SessionWriter(find_sources(data_root), tmp_path_factory.mktemp("sessions"), date(2026, 12, 2),
                           np.random.default_rng(11))
    permit = writer.write(0, "permit_valid")
    fvc = data_root / "fingerprints/fvc2004/DB2_B"
    manifest = json.loads((permit / "manifest.json").read_text(encoding="utf-8"))
    shutil.copyfile(fvc / "103_1.png", permit / "enrol/finger_1.png")  # one impression: each costs seconds
    manifest["enrolment"]["fingers"] = [{"position": 2, "images": ["enrol/finger_1.png"]}]
    (permit / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    scanner = tmp_path_factory.mktemp("finger_scanner")
    shutil.copyfile(fvc / "103_3.png", scanner / "right_index_pos2.png")  # position 2, another impression
    return {"permit": permit, "genuine": writer.write(1, "genuine"), "fingers": scanner}


@pytest.fixture(scope="module")
def recorded(sessions: dict[str, Path], lab: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One permit-holder session recorded from a camera image folder, a barcode image and a finger scanner."""
    out = tmp_path_factory.mktemp("recorded") / "recordings"
    permit = sessions["permit"]
    status = main(["--config", str(lab), "record", "--out", str(out), "--camera", str(permit / "face"),
                   "--barcode", str(permit / "permit.png"), "--fingers", str(sessions["fingers"]),
                   "--setup", str(permit), "--expect", "ACCEPT", "--today", TODAY, "--fps", "6"])
    assert status == 0
    (bundle,) = out.iterdir()
    return bundle


def _manifest(bundle: Path) -> dict[str, object]:
    raw = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


def _replay(bundle: Path, lab: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["--config", str(lab), "replay", str(bundle), "--json"]) == 0
    line = json.loads(capsys.readouterr().out.splitlines()[0])
    assert isinstance(line, dict)
    return line


def test_recorded_session_replays_to_the_same_decision(recorded: Path, lab: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    observed = _manifest(recorded)["recording"]["observed"]  # type: ignore[index]
    assert observed["decision"] == "ACCEPT", observed["reasons"]
    replayed = _replay(recorded, lab, capsys)
    assert replayed["decision"] == observed["decision"] == replayed["expected"]
    scores = replayed["scores"]
    assert isinstance(scores, dict)
    # the very pixels the gate saw (lossless PNG): the same face and finger scores
    assert scores["face"] == pytest.approx(observed["scores"]["face"], abs=1e-3)
    assert scores["finger"] == pytest.approx(observed["scores"]["finger"], abs=1e-3)


def test_recorded_manifest_holds_timeline_media_and_outcome(recorded: Path, sessions: dict[str, Path]) -> None:
    bundle = load_bundle(recorded)  # validates every file
    steps = [e.event for e in bundle.timeline if e.event != "device"]
    assert steps == ["document", "enter", "face", "fingers", "exit"]
    face = next(e for e in bundle.timeline if e.event == "face")
    assert len(face.frames) >= 2 and face.timestamps_s[0] == 0.0
    fingers = next(e for e in bundle.timeline if e.event == "fingers")
    assert [p for p, _ in fingers.fingers] == [2]
    devices = {e.detail.split(":")[0] for e in bundle.timeline if e.event == "device" and e.kind == "connected"}
    assert {"barcode_reader", "camera", "finger_scanner"} <= devices
    assert bundle.enrolment is not None and bundle.trust_keys is not None  # the setup travels with the bundle
    raw = _manifest(recorded)
    recording = raw["recording"]
    assert isinstance(recording, dict)
    assert recording["status"] == "complete" and recording["reason"] == ""
    assert {"document", "face", "fingers"} <= set(recording["observed"]["stage_ms"])
    assert {"document", "entry", "face", "fingers", "exit"} <= set(recording["observed"]["state_s"])
    assert recording["observed"]["document"]["raw"]  # the barcode payload as the gate decoded it
    timeline = raw["timeline"]
    assert isinstance(timeline, list)
    assert all(e["at_s"] >= 0 for e in timeline if e["event"] != "device")
    # biometric data: owner-only folders and files
    assert stat.S_IMODE(recorded.stat().st_mode) == 0o700
    assert stat.S_IMODE(recorded.parent.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in recorded.rglob("*") if p.is_file()} == {0o600}
    assert not list(recorded.rglob("*.tmp"))


def test_passport_page_and_video_camera(sessions: dict[str, Path], lab: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    genuine = sessions["genuine"]
    frames = [cv2.imread(str(p)) for p in sorted((genuine / "face").glob("*.jpg"))]
    video = tmp_path / "camera.avi"
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"MJPG"), 6.0, (width, height))
    for frame in frames:
        writer.write(frame)
    writer.release()
    out = tmp_path / "rec"
    assert main(["--config", str(lab), "record", "--out", str(out), "--camera", str(video), "--document",
                 str(genuine / "document.jpg"), "--expect", "ACCEPT", "--today", TODAY, "--fps", "6"]) == 0
    (bundle,) = out.iterdir()
    observed = _manifest(bundle)["recording"]["observed"]  # type: ignore[index]
    assert observed["decision"] == "ACCEPT", observed["reasons"]
    assert _replay(bundle, lab, capsys)["decision"] == "ACCEPT"


def _lane(config: Config, sessions: dict[str, Path], out: Path) -> RecordingLane:
    """A passport traveller's lane (no enrolment to build: the interruption is what is tested)."""
    genuine = sessions["genuine"]
    return RecordingLane(config, out, camera=open_frame_source(genuine / "face", name="camera"),
                         document=DocumentScanner(genuine / "document.jpg"), fps=6.0, expected="ACCEPT",
                         today=date(2026, 12, 2))


def test_relay_lost_mid_session_leaves_an_incomplete_bundle_and_closed_doors(
        lab_config: Config, sessions: dict[str, Path], tmp_path: Path) -> None:
    lane = _lane(lab_config, sessions, tmp_path / "rec")
    with lane.running(None):
        sim, bus, client = lane.simulator, lane.bus, lane._client
        assert sim is not None and bus is not None and client is not None
        events: list[DeviceEvent] = []
        client.subscribe(events.append)

        def on_state(event: ev.StateChanged) -> None:
            if event.state == "face" and sim.running:
                sim.stop()  # the relay controller is gone while the traveller is in the lane

        bus.subscribe(on_state, ev.StateChanged)
        lane.run_one()
        sim.start()
        status = client.wait_for(lambda s: s.healthy and s.entry_closed and s.exit_closed, 15.0,
                                 require_healthy=False)
        assert status.healthy and not any(sim.coils()[:2])  # doors commanded closed, and closed
    (bundle,) = (tmp_path / "rec").iterdir()
    recording = _manifest(bundle)["recording"]
    assert isinstance(recording, dict)
    assert recording["status"] == "incomplete"
    assert "relay" in recording["reason"] and "DEVICE_FAULT" in str(recording["observed"]["reasons"])
    with pytest.raises(BundleError, match=r"recording is incomplete: .*relay"):
        load_bundle(bundle)
    partial = load_bundle(bundle, partial=True)  # what was recorded up to the fault is all there
    assert [e.event for e in partial.timeline if e.event != "device"] == ["document", "enter", "face"]
    assert any(e.event == "device" and e.detail.startswith("relay") for e in partial.timeline)


def test_interrupt_mid_session_marks_the_bundle_incomplete(lab_config: Config, sessions: dict[str, Path],
                                                           tmp_path: Path) -> None:
    lane = _lane(lab_config, sessions, tmp_path / "rec")
    with lane.running(None):
        bus, client = lane.bus, lane._client
        assert bus is not None and client is not None

        def on_door(event: ev.DoorCommanded) -> None:
            # Ctrl-C with the entry door open: raised where the engine runs (the main thread), as
            # Python raises a real one, rather than through interrupt_main, whose delivery point
            # depends on when the interpreter next checks for signals.
            if event.door == "entry" and event.open and threading.current_thread() is threading.main_thread():
                raise KeyboardInterrupt

        bus.subscribe(on_door, ev.DoorCommanded)
        with pytest.raises(KeyboardInterrupt):
            lane.run_one()
        # nobody else closes it: the engine was interrupted and the controller is alive and healthy
        status = client.wait_for(lambda s: s.entry_closed and s.exit_closed, 5.0)
        assert status.entry_closed and status.exit_closed
    (bundle,) = (tmp_path / "rec").iterdir()
    recording = _manifest(bundle)["recording"]
    assert isinstance(recording, dict)
    assert recording["status"] == "incomplete" and "KeyboardInterrupt" in recording["reason"]
    with pytest.raises(BundleError, match="incomplete: recording interrupted: KeyboardInterrupt"):
        load_bundle(bundle)
    assert [e.event for e in load_bundle(bundle, partial=True).timeline if e.event != "device"] == ["document"]


def test_unlabelled_recording_asks_for_a_label(recorded: Path, tmp_path: Path) -> None:
    copy = tmp_path / recorded.name
    shutil.copytree(recorded, copy)
    raw = _manifest(copy)
    raw["expected"] = None
    (copy / "manifest.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(BundleError, match=r"expected is not set.*observed ACCEPT"):
        load_bundle(copy)
    assert load_bundle(copy, partial=True).expected == ""


def test_corrupt_recorded_frame_is_named(recorded: Path, tmp_path: Path) -> None:
    copy = tmp_path / recorded.name
    shutil.copytree(recorded, copy)
    (copy / "face/001.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    with pytest.raises(BundleError, match=r"timeline\[\d+\]\.frames: file face/001.png is not a readable image"):
        load_bundle(copy)


def test_retention_purges_old_recordings_only(recorded: Path, sessions: dict[str, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "recordings"
    shutil.copytree(recorded, folder / recorded.name)
    shutil.copytree(sessions["genuine"], folder / "synthetic")
    kept = purge_recordings(folder, 30.0)
    assert kept.deleted == () and kept.kept == 1 and "synthetic" in kept.skipped[0]
    later = datetime.now(UTC) + timedelta(days=31)
    assert purge_recordings(folder, 30.0, now=later).deleted == (recorded.name,)
    assert sorted(p.name for p in folder.iterdir()) == ["synthetic"]
    # through the store's retention command, audited
    shutil.copytree(recorded, folder / recorded.name)
    key = os.urandom(32)
    monkeypatch.setenv("KIOSK_STORE_KEY", base64.b64encode(key).decode())
    db = tmp_path / "gate.db"
    GateStore.open(db, key, audit_hmac=True).close()
    capsys.readouterr()
    assert main(["store", "purge", "--db", str(db), "--days", "0", "--recordings", str(folder)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["recordings"][0]["deleted"] == [recorded.name]
    with GateStore.open(db, key, audit_hmac=True) as store:
        assert store.audit.verify().intact


def test_scanners_take_files_in_order_and_say_when_done(tmp_path: Path) -> None:
    for name in ("b.png", "a.png"):
        cv2.imwrite(str(tmp_path / name), np.full((8, 8, 3), 200, np.uint8))
    (tmp_path / "c.png").write_bytes(b"not an image")
    scanner = DocumentScanner(tmp_path)
    events: list[DeviceEvent] = []
    scanner.subscribe(events.append)
    first, second = scanner.scan(), scanner.scan()
    assert first is not None and first.source.endswith("a.png") and second is not None
    assert scanner.scan() is None and scanner.scan() is None
    assert [e.kind for e in events] == ["connected", "error", "end"]
    assert "c.png" in events[1].detail and scanner.exhausted
    assert [finger_position(n) for n in ("2.png", "right_index_pos2.png", "pos10.png", "probe.png", "103_3.tif")] == [
        2, 2, 10, 0, 0]


def _steps(out: Path) -> list[str]:
    try:
        (bundle,) = out.iterdir()
        raw = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return []
    return [e["event"] for e in raw["timeline"]]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_killed_recorder_leaves_a_whole_manifest_never_a_complete_one(sessions: dict[str, Path], lab: Path,
                                                                      tmp_path: Path, how: int) -> None:
    genuine = sessions["genuine"]
    out = tmp_path / "rec"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(lab), "record", "--out", str(out), "--camera",
         str(genuine / "face"), "--document", str(genuine / "document.jpg"), "--today", TODAY, "--fps", "6"],
        cwd=Path(__file__).resolve().parent.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60.0
        while "enter" not in _steps(out) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "enter" in _steps(out), "the traveller never entered the lane"
        process.send_signal(how)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    (bundle,) = out.iterdir()
    recording = _manifest(bundle)["recording"]  # whole JSON whatever the moment of the kill
    assert isinstance(recording, dict)
    if how == signal.SIGTERM:
        assert process.returncode == 130, stderr
        assert recording["status"] == "incomplete" and "terminated by signal 15" in recording["reason"]
    else:
        assert recording["status"] == "recording"
        with pytest.raises(BundleError, match="interrupted before it was finalised"):
            load_bundle(bundle)
    steps = [e.event for e in load_bundle(bundle, partial=True).timeline if e.event != "device"]
    assert steps[:2] == ["document", "enter"]  # nothing recorded before the kill is lost


def test_several_travellers_from_a_folder_of_permits(data_root: Path, lab: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Two permits refused at the reader (expired, forged): two bundles, each replaying to its decision."""
    writer = SessionWriter(find_sources(data_root), tmp_path / "sessions", date(2026, 12, 2),
                           np.random.default_rng(5))
    expired, forged = writer.write(0, "permit_expired"), writer.write(1, "permit_forged")
    reader = tmp_path / "reader"
    reader.mkdir()
    shutil.copyfile(expired / "permit.png", reader / "1.png")
    shutil.copyfile(forged / "permit.png", reader / "2.png")
    out = tmp_path / "rec"
    capsys.readouterr()
    assert main(["--config", str(lab), "record", "--out", str(out), "--barcode", str(reader), "--setup", str(expired),
                 "--expect", "REJECT", "--sessions", "3", "--today", TODAY]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line.get("decision") for line in lines[:-1]] == ["REJECT", "REJECT"]
    assert lines[-1] == {"recorded": 2, "complete": 2, "out": str(out)}  # the reader ran out of permits
    bundles = sorted(out.iterdir())
    codes = [[r["code"] for r in _manifest(b)["recording"]["observed"]["reasons"]] for b in bundles]  # type: ignore[index]
    assert codes == [["PERMIT_NOT_VALID_NOW"], ["PERMIT_FORGED"]]
    for bundle, observed in zip(bundles, codes, strict=True):
        assert [e.event for e in load_bundle(bundle).timeline if e.event != "device"] == ["document"]
        replayed = _replay(bundle, lab, capsys)
        assert replayed["decision"] == "REJECT"
        assert [str(r).split(":")[0] for r in replayed["reasons"]] == observed  # type: ignore[attr-defined]
