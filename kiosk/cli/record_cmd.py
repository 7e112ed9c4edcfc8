"""``kiosk record --out DIR [--camera SRC] [--document IMAGE|DIR] [--barcode IMAGE|DIR] [--fingers DIR]
[--relay HOST:PORT] [--expect ACCEPT|REFER|REJECT] [--sessions N]``: live sessions saved as bundles.

Recording is always this explicit command: bundles hold biometric samples. Each traveller that goes
through the engine becomes one bundle folder (0700) under ``--out``; one JSON line per bundle says
where it is, its status (complete or incomplete, with the reason) and the decision the gate reached.
Without ``--relay`` the relay simulator is started in-process, at real speed, with a simulated
traveller walking through its doors. Exit status 0 when every recording is complete, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.config import Config

DECISIONS = ("ACCEPT", "REFER", "REJECT")


def register(sub: Any) -> None:
    parser = sub.add_parser("record", help="record live gate sessions as bundles (biometric data: explicit only)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the bundles (made 0700)")
    parser.add_argument("--camera", metavar="SRC", help="face camera: OpenCV index, stream URL, video file or "
                                                        "image folder")
    parser.add_argument("--document", type=Path, metavar="IMAGE|DIR", help="document scanner pages")
    parser.add_argument("--barcode", type=Path, metavar="IMAGE|DIR", help="barcode reader images (permit codes)")
    parser.add_argument("--fingers", type=Path, metavar="DIR", help="finger scanner images (position from "
                                                                    "names like 2.png or x_pos2.png, else unknown)")
    parser.add_argument("--finger-dpi", type=int, default=500, help="finger image resolution (default 500)")
    parser.add_argument("--fps", type=float, default=15.0, help="frame rate of a video file or image folder")
    parser.add_argument("--relay", metavar="HOST:PORT", help="relay controller (default: an in-process simulator)")
    parser.add_argument("--expect", choices=DECISIONS, help="the decision a correct gate makes (else a tester "
                                                            "fills it in)")
    parser.add_argument("--case", default="recorded", help="case class written to the manifests")
    parser.add_argument("--setup", type=Path, metavar="BUNDLE", help="enrolment, watch list and permit trust "
                                                                     "taken from this bundle (copied into each "
                                                                     "recording)")
    parser.add_argument("--sessions", type=int, default=1, metavar="N", help="travellers to record (default 1)")
    parser.add_argument("--today", type=date.fromisoformat, help="date of the sessions (default: today)")
    parser.add_argument("--wait-s", type=float, default=60.0, help="give up after this long with no traveller")
    parser.set_defaults(handler=run)


def _fail(message: str) -> int:
    print(f"kiosk record: {message}", file=sys.stderr)
    return 2


def _is_path(spec: str) -> bool:
    return not spec.isdigit() and not spec.lower().startswith(("rtsp://", "rtsps://", "http://", "https://"))


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(f"terminated by signal {signum}")


def run(args: argparse.Namespace, config: Config) -> int:
    import signal

    from gate_io.frames import open_frame_source
    from gate_io.relay.errors import RelayError
    from gate_io.scanners import DocumentScanner, FingerScanner
    from kiosk.record.session import DeviceNotReady, RecordingLane
    from kiosk.replay.bundle import BundleError

    if args.sessions < 1:
        return _fail("--sessions must be >= 1")
    if args.document is None and args.barcode is None:
        return _fail("give a document scanner (--document) or a barcode reader (--barcode): a session starts "
                     "with a document")
    for flag, path in (("--document", args.document), ("--barcode", args.barcode), ("--fingers", args.fingers),
                       ("--camera", Path(args.camera) if args.camera and _is_path(args.camera) else None),
                       ("--setup", args.setup)):
        if path is not None and not path.exists():
            return _fail(f"{flag} {path}: not found")
    if args.out.is_dir() and args.out.stat().st_mode & 0o077:
        print(f"kiosk record: warning: {args.out} is open to other users; each bundle in it is made 0700",
              file=sys.stderr)
    try:
        camera = open_frame_source(args.camera, name="camera") if args.camera is not None else None
        lane = RecordingLane(
            config, args.out,
            camera=camera,
            document=DocumentScanner(args.document, kind="page") if args.document else None,
            barcode=DocumentScanner(args.barcode, kind="barcode") if args.barcode else None,
            fingers=FingerScanner(args.fingers, dpi=args.finger_dpi) if args.fingers else None,
            fps=args.fps, expected=args.expect, case=args.case, setup=args.setup,
            today=args.today or date.today(),
        )
    except (BundleError, ValueError, OSError) as exc:
        return _fail(str(exc))
    complete = 0
    previous = signal.signal(signal.SIGTERM, _terminated)  # a stopped recorder still marks its bundle
    try:
        with lane.running(args.relay):
            idle_since = time.monotonic()
            while len(lane.recorder.bundles) < args.sessions:
                before = len(lane.recorder.bundles)
                lane.run_one()
                if len(lane.recorder.bundles) > before:
                    idle_since = time.monotonic()
                    status, reason = lane.recorder.last_status()
                    complete += status == "complete"
                    print(json.dumps({"bundle": str(lane.recorder.bundles[-1]), "status": status, "reason": reason,
                                      "decision": lane.last_decision, "expected": args.expect}), flush=True)
                elif lane.exhausted:
                    print("kiosk record: no more documents to present", file=sys.stderr)
                    break
                elif time.monotonic() - idle_since > args.wait_s:
                    print(f"kiosk record: no traveller for {args.wait_s:.0f} s", file=sys.stderr)
                    break
    except (KeyboardInterrupt, SystemExit) as exc:
        print(f"kiosk record: interrupted ({type(exc).__name__}); a session in progress is marked incomplete",
              file=sys.stderr)
        return 130
    except DeviceNotReady as exc:
        return _fail(str(exc))
    except (RelayError, ValueError) as exc:
        return _fail(f"relay {args.relay or '(simulator)'}: {type(exc).__name__}: {exc}")
    except Exception as exc:  # the disk, most likely: the session in progress is marked if it can be
        return _fail(f"recording stopped: {type(exc).__name__}: {exc}")
    finally:
        signal.signal(signal.SIGTERM, previous)
    for error in lane.recorder.errors:
        print(f"kiosk record: a write failed: {error}", file=sys.stderr)
    recorded = len(lane.recorder.bundles)
    print(json.dumps({"recorded": recorded, "complete": complete, "out": str(args.out)}))
    return 0 if recorded and complete == recorded and not lane.recorder.errors else 1
