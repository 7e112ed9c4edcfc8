"""Machine-readable documents: MRZ, 2D barcodes, signed permits, visible digital seals, CCCD.

Pure: image or bytes in, results out.
"""
