"""The ONNX models: manifest, build from registry packages, and the one session factory."""
