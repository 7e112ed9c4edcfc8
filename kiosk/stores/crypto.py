"""AES-256-GCM for biometric templates and samples at rest; the key and what is derived from it.

The store key is 32 random bytes, written base64 in a key file (``kiosk store keygen``, mode
0600, kept outside the repository) or given base64 in ``$KIOSK_STORE_KEY``. Three keys are
derived from it with HKDF-SHA256, one per purpose: the AES-GCM key, the audit chain's HMAC key,
and a key check value stored in the database so a wrong key is refused at once with a clear
message instead of failing record by record.

Each record is sealed with a fresh random 96-bit nonce and associated data naming the record
(e.g. ``template|<person id>|finger:2``): a ciphertext copied to another person's row, or to
another finger, fails authentication instead of decrypting as someone else's template.
Blob layout: version byte (1) | nonce (12) | ciphertext + 16-byte tag.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.stores.errors import DecryptionFailed, StoreKeyInvalid, StoreKeyMissing

KEY_BYTES = 32
NONCE_BYTES = 12
BLOB_VERSION = 1
KEY_ENV = "KIOSK_STORE_KEY"


def generate_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def decode_key(text: str, where: str) -> bytes:
    """The 32-byte key from its base64 text; StoreKeyInvalid says where the bad text came from."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise StoreKeyInvalid(f"{where}: not base64 ({exc})") from exc
    if len(key) != KEY_BYTES:
        raise StoreKeyInvalid(f"{where}: key is {len(key)} bytes, expected {KEY_BYTES} (AES-256)")
    return key


def write_key_file(path: Path, key: bytes | None = None, overwrite: bool = False) -> bytes:
    """Create a key file readable by its owner only; an existing file is kept unless ``overwrite``."""
    key = generate_key() if key is None else key
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError as exc:
        raise StoreKeyInvalid(
            f"{path} already exists; refusing to replace a key (data sealed with it would be lost)"
        ) from exc
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(encode_key(key) + "\n")
    os.chmod(path, 0o600)
    return key


def load_key(key_file: Path | None, env_value: str | None) -> bytes:
    """The store key: ``$KIOSK_STORE_KEY`` (base64) if set, else the key file.

    The caller passes the environment value; this module reads no environment itself.
    """
    if env_value:
        return decode_key(env_value, f"${KEY_ENV}")
    if key_file is not None and key_file.is_file():
        try:
            text = key_file.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreKeyInvalid(f"{key_file}: cannot read the key file ({exc})") from exc
        return decode_key(text, str(key_file))
    where = f"the key file {key_file} does not exist" if key_file is not None else "no key file is configured"
    raise StoreKeyMissing(
        f"no store key: {where} and ${KEY_ENV} is not set. Create one with "
        f"`kiosk store keygen --out FILE` and set [stores] key_file, or export {KEY_ENV} (base64 of 32 bytes)"
    )


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"egate-store/" + purpose).derive(key)


class StoreCipher:
    """Seals and opens records with keys derived from the store key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise StoreKeyInvalid(f"store key is {len(key)} bytes, expected {KEY_BYTES}")
        self._aead = AESGCM(_derive(key, b"aes-gcm"))
        self._mac_key = _derive(key, b"audit-hmac")
        self.key_check = _derive(key, b"key-check").hex()[:32]

    def seal(self, plaintext: bytes, associated: str) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return bytes([BLOB_VERSION]) + nonce + self._aead.encrypt(nonce, plaintext, associated.encode("utf-8"))

    def open(self, blob: bytes, associated: str) -> bytes:
        """The plaintext; DecryptionFailed names the record when the blob is not its own."""
        if len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != BLOB_VERSION:
            raise DecryptionFailed(f"{associated}: sealed blob is truncated or of an unknown version")
        nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, associated.encode("utf-8"))
        except InvalidTag as exc:
            raise DecryptionFailed(
                f"{associated}: authentication failed (wrong key, edited data, or a blob moved from another record)"
            ) from exc

    def mac(self, data: bytes) -> str:
        return hmac.new(self._mac_key, data, hashlib.sha256).hexdigest()
