"""``training/pad/ensemble.py``: several PAD networks averaged into one file the gate reads as one network."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import helper

from biometrics.face.pad import PAD_SIZE
from tests.conftest import PROJECT_ROOT

COMMITTED = PROJECT_ROOT / "models/onnx/face_pad.onnx"


def _ensemble_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pad_ensemble", PROJECT_ROOT / "training/pad/ensemble.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(path: Path, crops: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    out: np.ndarray = session.run(None, {"crop": crops})[0]
    return out


def _halved(path: Path, tmp_path: Path) -> Path:
    """The committed network with its output halved: a second member that differs from the first."""
    model = onnx.load(str(path))
    graph = model.graph
    last = graph.output[0].name
    for node in graph.node:
        node.output[:] = ["full_live" if name == last else name for name in node.output]
    graph.initializer.append(helper.make_tensor("half", onnx.TensorProto.FLOAT, [], [0.5]))
    graph.node.append(helper.make_node("Mul", ["full_live", "half"], [last]))
    out = tmp_path / "halved.onnx"
    onnx.save(model, str(out))
    return out


def test_the_ensemble_is_the_mean_of_its_members_with_the_gates_names_and_shapes(tmp_path: Path) -> None:
    ensemble = _ensemble_module()
    halved = _halved(COMMITTED, tmp_path)
    out = tmp_path / "ensemble.onnx"
    assert ensemble.main(["--out", str(out), str(COMMITTED), str(halved), str(COMMITTED)]) == 0
    crops = np.random.default_rng(1).uniform(0, 255, size=(4, PAD_SIZE, PAD_SIZE, 3)).astype(np.float32)
    single = _run(COMMITTED, crops)
    mean = _run(out, crops)
    assert mean.shape == single.shape == (4, 1)
    np.testing.assert_allclose(mean, single * (1.0 + 0.5 + 1.0) / 3.0, rtol=1e-5)
    model = onnx.load(str(out))
    assert [i.name for i in model.graph.input] == ["crop"]
    assert [o.name for o in model.graph.output] == ["live"]
    assert model.opset_import[0].version == 17


def test_a_member_with_other_input_or_output_names_is_refused(tmp_path: Path) -> None:
    ensemble = _ensemble_module()
    model = onnx.load(str(COMMITTED))
    model.graph.output[0].name = "score"
    for node in model.graph.node:
        node.output[:] = ["score" if name == "live" else name for name in node.output]
    other = tmp_path / "other.onnx"
    onnx.save(model, str(other))
    with pytest.raises(ValueError, match="expected"):
        ensemble.ensemble([COMMITTED, other])
