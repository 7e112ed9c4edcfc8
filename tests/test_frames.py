"""Frame sources: real OpenCV on real files; failures are events and ``None``, never exceptions."""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np

from gate_io.events import DeviceEvent, EventKind
from gate_io.frames import CaptureSource, ImageFolderSource, open_frame_source


def test_a_video_file_gives_its_frames_then_one_end_event(data_root: Path) -> None:
    events: list[DeviceEvent] = []
    source = open_frame_source(data_root / "video" / "blink_dinoman.mp4")
    assert isinstance(source, CaptureSource) and not source.live
    source.subscribe(events.append)
    assert source.open()
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    assert source.read() is None  # reading past the end stays quiet: one end event only
    source.close()
    assert len(frames) > 10
    assert all(f.dtype == np.uint8 and f.ndim == 3 and f.shape[2] == 3 for f in frames)
    assert len({f.shape for f in frames}) == 1
    assert [e.kind for e in events] == [EventKind.CONNECTED, EventKind.END, EventKind.DISCONNECTED]


def test_an_image_folder_skips_an_unreadable_image_with_an_error_event(data_root: Path, tmp_path: Path) -> None:
    real = sorted((data_root / "pad" / "nuaa" / "real" / "0006").glob("*.jpg"))[:3]
    for i, path in enumerate(real):
        (tmp_path / f"{i}_{path.name}").symlink_to(path)
    (tmp_path / "1_5_broken.jpg").write_bytes(b"not a jpeg")
    (tmp_path / "notes.txt").write_text("ignored: not an image")
    events: list[DeviceEvent] = []
    source = open_frame_source(str(tmp_path))
    assert isinstance(source, ImageFolderSource)
    source.subscribe(events.append)
    assert source.open()
    results = [source.read() for _ in range(5)]
    assert [r is None for r in results] == [False, False, True, False, True]
    assert results[0] is not None and results[0].shape == (480, 640, 3)
    kinds = [e.kind for e in events]
    assert kinds == [EventKind.CONNECTED, EventKind.ERROR, EventKind.END]
    assert "1_5_broken.jpg" in events[1].detail


def test_an_image_folder_can_loop(data_root: Path) -> None:
    folder = data_root / "pad" / "nuaa" / "real" / "0006"
    source = ImageFolderSource(folder, loop=True)
    assert source.open()
    n = len([p for p in folder.iterdir() if p.suffix == ".jpg"])
    assert all(source.read() is not None for _ in range(n + 2))


def test_a_missing_video_file_is_an_error_event_not_an_exception(tmp_path: Path) -> None:
    events: list[DeviceEvent] = []
    source = open_frame_source(tmp_path / "gone.mp4")
    source.subscribe(events.append)
    assert not source.open()
    assert source.read() is None and source.read() is None
    assert [e.kind for e in events] == [EventKind.ERROR, EventKind.ERROR]
    assert "not found" in events[0].detail and "not open" in events[1].detail


def test_a_missing_folder_and_a_broken_video_are_error_events(tmp_path: Path, data_root: Path) -> None:
    events: list[DeviceEvent] = []
    folder = ImageFolderSource(tmp_path / "nowhere")
    folder.subscribe(events.append)
    assert not folder.open() and folder.read() is None
    broken = tmp_path / "truncated.mp4"
    broken.write_bytes((data_root / "video" / "blink_dinoman.mp4").read_bytes()[:2000])
    video = CaptureSource(str(broken))
    video.subscribe(events.append)
    assert not video.open()  # no index (moov atom) in the first 2000 bytes: OpenCV refuses it
    assert [video.read() for _ in range(3)] == [None, None, None]
    assert [e.kind for e in events] == [EventKind.ERROR] * 3
    assert "not found" in events[0].detail and "cannot open" in events[1].detail and "not open" in events[2].detail


def test_specs_name_their_source() -> None:
    camera = open_frame_source("1")
    assert isinstance(open_frame_source(0), CaptureSource) and isinstance(camera, CaptureSource) and camera.live
    stream = open_frame_source("rtsp://camera.local/stream")
    assert isinstance(stream, CaptureSource) and stream.live
    assert not CaptureSource("clip.mp4").live


def test_a_camera_that_is_not_there_is_an_error_event() -> None:
    events: list[DeviceEvent] = []
    camera = open_frame_source(97)
    camera.subscribe(events.append)
    assert not camera.open()
    assert [e.kind for e in events] == [EventKind.ERROR] and "cannot open 97" in events[0].detail


def test_an_unreachable_stream_is_an_error_and_is_retried_later() -> None:
    events: list[DeviceEvent] = []
    source = CaptureSource("http://127.0.0.1:9/none.mjpg", reopen_s=0.0)
    source.subscribe(events.append)
    assert not source.open()
    assert source.read() is None  # retried (reopen_s=0): another error, no exception
    assert [e.kind for e in events] == [EventKind.ERROR, EventKind.ERROR]


class _MjpegCamera:
    """A real HTTP MJPEG camera (multipart/x-mixed-replace) on 127.0.0.1 that can be unplugged."""

    def __init__(self, jpeg: bytes, port: int = 0) -> None:
        self.jpeg = jpeg
        self.stop = threading.Event()
        camera = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                part = b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(camera.jpeg)
                with contextlib.suppress(OSError):
                    while not camera.stop.is_set():
                        self.wfile.write(part + camera.jpeg + b"\r\n")
                        time.sleep(0.02)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def unplug(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_stream_that_goes_away_is_disconnected_then_recovered(data_root: Path) -> None:
    image = cv2.imread(str(data_root / "pad" / "nuaa" / "real" / "0006" / "0006_00_06_03_102.jpg"))
    jpeg = cv2.imencode(".jpg", image)[1].tobytes()
    camera = _MjpegCamera(jpeg)
    events: list[DeviceEvent] = []
    source = CaptureSource(f"http://127.0.0.1:{camera.port}/cam.mjpg", max_failures=3, reopen_s=0.1)
    source.subscribe(events.append)
    try:
        assert source.open() and source.live
        frame = source.read()
        assert frame is not None and frame.shape == image.shape
        camera.unplug()
        deadline = time.monotonic() + 10
        while EventKind.DISCONNECTED not in [e.kind for e in events] and time.monotonic() < deadline:
            source.read()  # drains what was buffered, then drops frames: None, never an exception
        assert EventKind.DISCONNECTED in [e.kind for e in events]
        camera = _MjpegCamera(jpeg, port=camera.port)  # plugged back in
        frame = None
        while frame is None and time.monotonic() < deadline:
            frame = source.read()
            time.sleep(0.02)
        assert frame is not None and frame.shape == image.shape
        kinds = [e.kind for e in events]
        assert kinds[0] == EventKind.CONNECTED and kinds[-1] == EventKind.RECOVERED
        assert kinds.index(EventKind.ERROR) < kinds.index(EventKind.DISCONNECTED) < kinds.index(EventKind.RECOVERED)
    finally:
        source.close()
        camera.unplug()
