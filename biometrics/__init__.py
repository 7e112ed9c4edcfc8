"""Face and fingerprint biometrics: pure functions and model wrappers over numpy arrays.

No devices, no UI, no database: images and templates in, results with evidence out.
"""
