"""Fingerprint quality, minutiae, matching, templates and multi-finger fusion."""
