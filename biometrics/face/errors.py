"""Domain errors of the face pipeline."""

from __future__ import annotations


class FaceError(Exception):
    """Base class: no usable face."""


class NoFaceFound(FaceError):
    """No face in the image or any frame."""


class MultipleFaces(FaceError):
    """More than one face where exactly one is required (one person at a time)."""


class PoorFaceQuality(FaceError):
    """A face was found but is too small, turned away, blurred, too dark or occluded."""


class ImageUnreadable(FaceError):
    """The bytes are not an image, or an image of an impossible size."""
