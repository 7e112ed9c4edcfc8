"""``kiosk enrol``: enrol a traveller (person, document, face and finger templates, encrypted).

The face template comes from the real face pipeline (the largest face of the photo, as for a
document portrait); each ``--finger POSITION=IMAGE[,IMAGE...]`` goes through the finger
pipeline's enrolment (impressions below the quality gate dropped, the most central kept).
POSITION is an ISO/IEC 19794-2 code 1-10 or a name such as ``right_index``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.store_cmd import add_db_argument, open_for_cli, store_error
from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("enrol", help="enrol a traveller: document, face and fingerprints",
                            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_argument(parser)
    parser.add_argument("--document-number", required=True)
    parser.add_argument("--document-kind", default="P", help="P (passport), BP (border pass), ID ... (default P)")
    parser.add_argument("--issuing-state", help="ICAO 3-letter code (default: the nationality)")
    parser.add_argument("--expiry", help="document expiry YYYY-MM-DD")
    parser.add_argument("--surname", required=True)
    parser.add_argument("--given-names", required=True)
    parser.add_argument("--birth-date", required=True, help="YYYY-MM-DD")
    parser.add_argument("--nationality", required=True, help="ICAO 3-letter code")
    parser.add_argument("--face", type=Path, metavar="IMAGE", help="frontal photo of the traveller")
    parser.add_argument("--finger", action="extend", nargs="+", default=[], metavar="POSITION=IMAGE[,IMAGE...]",
                        help="finger impressions, up to ten fingers (several after one --finger, or repeated)")
    parser.add_argument("--dpi", type=int, default=500, help="finger sensor resolution (default 500)")
    parser.set_defaults(handler=_enrol)


def parse_finger(spec: str) -> tuple[int, list[Path]]:
    """``right_index=a.png,b.png`` -> (2, [a.png, b.png]); ValueError with the reason otherwise."""
    from biometrics.finger.results import FingerPosition

    position_text, sep, images = spec.partition("=")
    if not sep or not images.strip():
        raise ValueError(f"--finger {spec!r}: expected POSITION=IMAGE[,IMAGE...]")
    name = position_text.strip().upper().replace("-", "_")
    if name.isdigit() and 1 <= int(name) <= 10:
        position = FingerPosition(int(name))
    elif name in FingerPosition.__members__ and name != "UNKNOWN":
        position = FingerPosition[name]
    else:
        valid = ", ".join(p.name.lower() for p in FingerPosition if p != FingerPosition.UNKNOWN)
        raise ValueError(f"--finger {spec!r}: unknown finger position {position_text!r} (1-10 or {valid})")
    return int(position), [Path(p.strip()) for p in images.split(",") if p.strip()]


def _enrol(args: argparse.Namespace, config: Config) -> int:
    import numpy as np

    from biometrics.face.errors import FaceError
    from biometrics.face.image_io import decode_image
    from biometrics.face.results import FaceTemplate
    from biometrics.finger import image as fimage
    from biometrics.finger.errors import FingerError
    from biometrics.finger.pipeline import FingerPipeline
    from biometrics.finger.results import FingerPosition, FingerTemplate
    from kiosk.runtime import face_pipeline, session_factory
    from kiosk.stores.enrolment import DocumentRecord
    from kiosk.stores.errors import StoreError
    from models.errors import ModelError

    try:
        fingers_spec = [parse_finger(spec) for spec in args.finger]
    except ValueError as exc:
        print(f"kiosk enrol: {exc}", file=sys.stderr)
        return 2
    if len({p for p, _ in fingers_spec}) != len(fingers_spec):
        print("kiosk enrol: a finger position is given twice", file=sys.stderr)
        return 2
    factory = session_factory(config)
    face: FaceTemplate | None = None
    fingers: dict[FingerPosition, FingerTemplate] = {}
    try:
        if args.face is not None:
            try:
                data = args.face.read_bytes()
            except OSError as exc:
                raise FaceError(f"cannot read {args.face}: {exc.strerror or exc}") from exc
            face = face_pipeline(config, factory).reference_from_image(decode_image(data), source="enrolment")
        if fingers_spec:
            impressions: dict[FingerPosition, list[np.ndarray]] = {
                FingerPosition(p): [fimage.read(path) for path in paths] for p, paths in fingers_spec
            }
            fingers = FingerPipeline(factory, config.finger).enrol(impressions, args.dpi)
    except (FaceError, FingerError, ModelError) as exc:
        print(f"kiosk enrol: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    document = DocumentRecord(args.document_kind, args.document_number, args.issuing_state or args.nationality,
                              args.expiry)
    try:
        with open_for_cli(args, config) as store, store.atomic():
            person_id = store.enrolment.enrol(
                args.surname, args.given_names, args.birth_date, args.nationality, [document],
                face=face, fingers=fingers,
            )
            store.audit.append("cli", "enrol.person", f"person:{person_id}", {
                "document": document.number, "issuing_state": document.issuing_state,
                "face": face is not None, "fingers": sorted(int(p) for p in fingers),
            })
    except StoreError as exc:
        return store_error("enrol", exc)
    missing = sorted(FingerPosition(p).name.lower() for p, _ in fingers_spec if FingerPosition(p) not in fingers)
    print(json.dumps({
        "person": person_id, "document": document.number, "face": face is not None,
        "fingers": sorted(FingerPosition(p).name.lower() for p in fingers), "fingers_not_enrolled": missing,
    }))
    return 0
