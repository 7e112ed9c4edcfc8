"""Domain errors of document reading, each with a message a tester or officer can act on."""

from __future__ import annotations


class DocumentError(Exception):
    """Base class: the document cannot be accepted as read."""


class DocumentUnreadable(DocumentError):
    """No MRZ or code could be found or decoded (empty, corrupt, blurred, no MRZ on the page)."""


class ChecksumMismatch(DocumentError):
    """A check digit does not match and could not be repaired unambiguously."""


class SignatureInvalid(DocumentError):
    """A signed payload (permit, digital seal) does not verify: forged or altered."""


class UnknownIssuer(DocumentError):
    """The payload names a signing key or certificate the gate does not trust."""


class PermitRevoked(DocumentError):
    """The permit id is on the revocation list."""


class PermitNotValidNow(DocumentError):
    """The permit is expired or not yet valid."""


class WrongPort(DocumentError):
    """The permit is valid, but not for this port or zone."""
