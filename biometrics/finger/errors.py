"""Domain errors of the fingerprint pipeline."""

from __future__ import annotations


class FingerError(Exception):
    """Base class: no usable fingerprint."""


class NoFingerprint(FingerError):
    """The image holds no ridge pattern (blank scanner, a face photo, noise)."""


class PoorFingerQuality(FingerError):
    """A finger was found but is too smudged, dry, partial or small to match reliably."""


class TemplateInvalid(FingerError):
    """A minutiae template (ISO/IEC 19794-2, ANSI 378) is truncated or malformed."""


class ImageUnreadable(FingerError):
    """The bytes are not an image, or an image of an impossible size."""
