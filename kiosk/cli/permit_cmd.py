"""``kiosk permit keygen|issue|verify``: make issuer keys, issue signed permit barcodes, verify them.

``issue`` signs a permit with an issuer's private key (a PEM file the issuing office keeps) and
writes it as a QR or DataMatrix PNG; ``verify IMAGE...`` decodes each image's codes and checks
every permit against the trust store and port of the configuration ([documents]), printing
valid or the reason it is not (bad signature, unknown key, expired, not yet valid, revoked,
wrong port, unreadable).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.config import Config


def register(sub: Any) -> None:
    parser = sub.add_parser("permit", help="issue and verify signed 2D-barcode port permits")
    psub = parser.add_subparsers(dest="permit_command", required=True, metavar="ACTION")

    keygen = psub.add_parser("keygen", help="make an ECDSA P-256 issuer key pair")
    keygen.add_argument("--private", type=Path, required=True, help="private key PEM to write (mode 0600)")
    keygen.add_argument("--public", type=Path, required=True, help="public key PEM to write (<key id>.pem)")
    keygen.set_defaults(handler=_keygen)

    issue = psub.add_parser("issue", help="sign a permit and write it as a barcode PNG")
    issue.add_argument("--key", type=Path, required=True, help="issuer's private key PEM")
    issue.add_argument("--key-id", required=True, help="the issuer key's id in the gates' trust stores")
    issue.add_argument("--permit-id", required=True)
    issue.add_argument("--surname", required=True)
    issue.add_argument("--given-names", default="")
    issue.add_argument("--document-number", required=True)
    issue.add_argument("--nationality", required=True, help="ICAO 3-letter code")
    issue.add_argument("--birth-date", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    issue.add_argument("--valid-from", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    issue.add_argument("--valid-to", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    issue.add_argument("--port", required=True, help="port or zone id the permit is valid for")
    issue.add_argument("--purpose", required=True)
    issue.add_argument("--vessel", default="")
    issue.add_argument("--format", choices=("qr", "datamatrix"), default="qr")
    issue.add_argument("--out", type=Path, required=True, help="PNG to write")
    issue.set_defaults(handler=_issue)

    verify = psub.add_parser("verify", help="verify the permit barcodes in images")
    verify.add_argument("images", type=Path, nargs="+", metavar="IMAGE")
    verify.add_argument("--today", type=date.fromisoformat, help="verify as of this date (YYYY-MM-DD)")
    verify.add_argument("--json", action="store_true", help="one JSON object per image")
    verify.set_defaults(handler=_verify)


def _keygen(args: argparse.Namespace, config: Config) -> int:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    args.private.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(args.private, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private)
    args.public.parent.mkdir(parents=True, exist_ok=True)
    args.public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
    print(f"wrote {args.private} (keep it secret) and {args.public} (give it to the gates)")
    return 0


def _issue(args: argparse.Namespace, config: Config) -> int:
    import cv2
    import numpy as np
    import zxingcpp
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from mrz.permits import Permit, issue_permit

    try:
        key = serialization.load_pem_private_key(args.key.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        print(f"kiosk permit issue: cannot load the private key {args.key}: {exc}", file=sys.stderr)
        return 2
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        print("kiosk permit issue: the key is not an ECDSA key", file=sys.stderr)
        return 2
    holder = f"{args.surname}, {args.given_names}" if args.given_names else args.surname
    permit = Permit(args.permit_id, holder, args.document_number, args.nationality, args.birth_date,
                    args.valid_from, args.valid_to, args.port, args.purpose, args.vessel)
    try:
        payload = issue_permit(permit, args.key_id, key)
    except ValueError as exc:
        print(f"kiosk permit issue: {exc}", file=sys.stderr)
        return 2
    fmt = zxingcpp.BarcodeFormat.QRCode if args.format == "qr" else zxingcpp.BarcodeFormat.DataMatrix
    image = np.asarray(zxingcpp.create_barcode(payload, fmt).to_image(scale=6))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(args.out), image):
        print(f"kiosk permit issue: cannot write {args.out}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({args.format}, {len(payload)} characters)")
    return 0


def _verify_image(path: Path, config: Config, today: date | None) -> dict[str, Any]:
    from kiosk.images import read_image
    from mrz.barcodes import decode_barcodes
    from mrz.errors import DocumentError, DocumentUnreadable
    from mrz.permits import MAGIC, PermitTrust, verify_permit

    docs = config.documents
    trust = PermitTrust.from_files(docs.permit_keys, docs.permit_revocation_list)
    try:
        codes = [c for c in decode_barcodes(read_image(path)) if c.text.startswith(MAGIC)]
        if not codes:
            raise DocumentUnreadable("no permit barcode found in the image")
        doc = verify_permit(codes[0].text, trust, docs.port, today)
    except DocumentError as exc:
        return {"file": str(path), "valid": False, "reason": type(exc).__name__, "detail": str(exc)}
    return {"file": str(path), "valid": True, "permit_id": doc.extra["permit_id"], "holder": doc.extra["holder_name"],
            "document_number": doc.document_number, "port": doc.extra["port"], "valid_to": doc.extra["valid_to"]}


def _verify(args: argparse.Namespace, config: Config) -> int:
    status = 0
    for path in args.images:
        try:
            record = _verify_image(path, config, args.today)
        except (OSError, ValueError) as exc:  # the trust store itself is missing or broken
            print(f"kiosk permit verify: {exc}", file=sys.stderr)
            return 2
        status = status or (0 if record["valid"] else 1)
        if args.json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        elif record["valid"]:
            print(f"{path}: valid permit {record['permit_id']} for {record['holder']} at {record['port']}")
        else:
            print(f"{path}: NOT valid: {record['reason']}: {record['detail']}")
    return status
