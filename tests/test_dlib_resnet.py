"""Parsing dlib's face-recognition network file and converting it to ONNX."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import face_recognition_models
import numpy as np
import pytest

from models.dlib_format import DlibFormatError
from models.dlib_resnet import expected_architecture, read_network


@pytest.fixture(scope="module")
def dat_bytes() -> bytes:
    return Path(face_recognition_models.face_recognition_model_location()).read_bytes()


def test_the_file_matches_dlibs_published_architecture(dat_bytes: bytes) -> None:
    net = read_network(dat_bytes)
    kinds = Counter(op.kind for op in net.ops)
    assert kinds["con"] == 29
    assert kinds["add_prev"] == 14
    assert net.loss == "loss_metric_2"
    assert net.distance_threshold == pytest.approx(0.6, abs=1e-6)
    assert net.ops[0].means == pytest.approx((122.782, 117.001, 104.298), abs=1e-3)
    assert net.ops[0].size == 150
    params = sum(a.size for op in net.ops for a in op.arrays.values())
    assert 5_500_000 < params < 5_700_000
    fc = net.ops[-1]
    assert fc.kind == "fc" and fc.arrays["weight"].shape == (256, 128)


def test_strided_convolutions_have_no_padding(dat_bytes: bytes) -> None:
    net = read_network(dat_bytes)
    for op in net.ops:
        if op.kind == "con":
            expected = (0, 0) if op.stride != (1, 1) else (op.kernel[0] // 2, op.kernel[1] // 2)
            assert op.padding == expected


def test_architecture_lists_every_layer_once_bottom_up() -> None:
    arch = expected_architecture()
    assert arch[0] == ("input", 0, 0)
    assert arch[-1] == ("fc", 128, 0)
    assert sum(1 for kind, _, _ in arch if kind == "tag") == 14 + 4  # one per block, a second per down block


def test_a_truncated_file_is_rejected(dat_bytes: bytes) -> None:
    with pytest.raises(DlibFormatError):
        read_network(dat_bytes[: len(dat_bytes) // 2])


def test_trailing_bytes_are_rejected(dat_bytes: bytes) -> None:
    with pytest.raises(DlibFormatError, match="bytes left"):
        read_network(dat_bytes + b"\x00")


def test_another_dlib_file_is_rejected_with_a_reason() -> None:
    other = Path(face_recognition_models.pose_predictor_five_point_model_location()).read_bytes()
    with pytest.raises(DlibFormatError):
        read_network(other)


def test_conversion_is_deterministic(dat_bytes: bytes) -> None:
    from models.dlib_resnet_onnx import convert

    first = convert(dat_bytes)
    assert first == convert(dat_bytes)
    assert 20_000_000 < len(first) < 24_000_000


def test_add_prev_zero_pads_the_smaller_input() -> None:
    """dlib's add of a 3x3 and a 4x4 map is 4x4, the smaller one padded with zeros at the end."""
    import onnxruntime as ort
    from onnx import TensorProto, helper

    from models.dlib_resnet_onnx import _GraphBuilder, _pad_to

    g = _GraphBuilder()
    padded = _pad_to(g, "a", (1, 3, 3), (2, 4, 4))
    g.nodes.append(helper.make_node("Add", [padded, "b"], ["out"]))
    graph = helper.make_graph(
        g.nodes, "t",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 1, 3, 3]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 2, 4, 4])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 2, 4, 4])],
        initializer=g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    a = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    b = np.ones((1, 2, 4, 4), dtype=np.float32)
    out = session.run(None, {"a": a, "b": b})[0]
    assert out[0, 0, :3, :3].tolist() == (a[0, 0] + 1).tolist()
    assert out[0, 0, 3, :].tolist() == [1, 1, 1, 1]
    assert out[0, 1].tolist() == np.ones((4, 4)).tolist()
