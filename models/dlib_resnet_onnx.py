"""Convert dlib's face-recognition ResNet to an ONNX graph that computes the same descriptor.

The ONNX model takes what a camera pipeline has at hand: aligned 150x150 RGB chips as float32
in 0..255, shape (N, 150, 150, 3). It subtracts dlib's channel means, divides by 256 (dlib's
``input_rgb_image_sized``), and returns the 128-d descriptor that dlib's
``compute_face_descriptor`` returns for the same chip.

dlib-specific semantics kept here:
* ``affine_`` layers are batch-norm already folded into a scale and shift; we fold them once
  more into the convolution before them (they always follow one in this network).
* ``add_prev`` adds two tensors of possibly different shape: the result has the larger size
  in every dimension and each input is zero-padded at the end (dlib's ``tt::add``).
* ``avg_pool`` with a 0x0 kernel averages over the whole plane.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from models.dlib_resnet import Network, Op, read_network

INPUT_NAME = "chip"
OUTPUT_NAME = "descriptor"
OPSET = 17
IR_VERSION = 8


class _GraphBuilder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}_{self._count}"

    def const(self, prefix: str, array: np.ndarray) -> str:
        name = self.name(prefix)
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op_type: str, inputs: list[str], prefix: str, **attrs: Any) -> str:
        out = self.name(prefix)
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out


def _conv_out(size: int, kernel: int, stride: int, pad: int) -> int:
    return (size + 2 * pad - kernel) // stride + 1


def build_model(net: Network) -> onnx.ModelProto:
    """Build the ONNX model for a parsed network (see ``models.dlib_resnet.read_network``)."""
    g = _GraphBuilder()
    ops = net.ops
    first = ops[0]
    if first.kind != "input":
        raise ValueError("network must start with its input layer")
    means = np.array(first.means, dtype=np.float32).reshape(1, 1, 1, 3)
    x = g.node("Sub", [INPUT_NAME, g.const("mean", means)], "centered")
    x = g.node("Mul", [x, g.const("scale", np.array(1.0 / 256.0, dtype=np.float32))], "scaled")
    x = g.node("Transpose", [x], "nchw", perm=[0, 3, 1, 2])
    shape = (3, first.size, first.size)  # (channels, rows, cols) of the current tensor

    tags: dict[int, tuple[str, tuple[int, int, int]]] = {}
    i = 1
    while i < len(ops):
        op = ops[i]
        if op.kind == "con":
            weight = op.arrays["weight"]
            bias = op.arrays["bias"]
            following = ops[i + 1] if i + 1 < len(ops) else None
            if following is not None and following.kind == "affine":
                gamma, beta = following.arrays["gamma"], following.arrays["beta"]
                weight = weight * gamma.reshape(-1, 1, 1, 1)
                bias = bias * gamma + beta
                i += 1
            x = g.node(
                "Conv",
                [x, g.const("w", weight.astype(np.float32)), g.const("b", bias.astype(np.float32))],
                "conv",
                kernel_shape=list(op.kernel),
                strides=list(op.stride),
                pads=[op.padding[0], op.padding[1], op.padding[0], op.padding[1]],
            )
            shape = (
                op.filters,
                _conv_out(shape[1], op.kernel[0], op.stride[0], op.padding[0]),
                _conv_out(shape[2], op.kernel[1], op.stride[1], op.padding[1]),
            )
        elif op.kind == "affine":
            gamma = op.arrays["gamma"].reshape(1, -1, 1, 1).astype(np.float32)
            beta = op.arrays["beta"].reshape(1, -1, 1, 1).astype(np.float32)
            x = g.node("Mul", [x, g.const("gamma", gamma)], "affine_scale")
            x = g.node("Add", [x, g.const("beta", beta)], "affine_shift")
        elif op.kind == "relu":
            x = g.node("Relu", [x], "relu")
        elif op.kind in ("max_pool", "avg_pool"):
            if op.kind == "avg_pool" and op.kernel == (0, 0):
                x = g.node("GlobalAveragePool", [x], "gap")
                shape = (shape[0], 1, 1)
            else:
                x = g.node(
                    "MaxPool" if op.kind == "max_pool" else "AveragePool",
                    [x],
                    op.kind,
                    kernel_shape=list(op.kernel),
                    strides=list(op.stride),
                    pads=[op.padding[0], op.padding[1], op.padding[0], op.padding[1]],
                )
                shape = (
                    shape[0],
                    _conv_out(shape[1], op.kernel[0], op.stride[0], op.padding[0]),
                    _conv_out(shape[2], op.kernel[1], op.stride[1], op.padding[1]),
                )
        elif op.kind == "tag":
            tags[op.tag] = (x, shape)
        elif op.kind == "skip":
            x, shape = tags[op.tag]
        elif op.kind == "add_prev":
            other, other_shape = tags[op.tag]
            target = tuple(max(a, b) for a, b in zip(shape, other_shape, strict=True))
            x = _pad_to(g, x, shape, target)
            other = _pad_to(g, other, other_shape, target)
            x = g.node("Add", [x, other], "add_prev")
            shape = (target[0], target[1], target[2])
        elif op.kind == "fc":
            x = g.node("Flatten", [x], "flat", axis=1)
            x = g.node("MatMul", [x, g.const("fc_w", op.arrays["weight"].astype(np.float32))], "fc")
        else:
            raise ValueError(f"no ONNX mapping for {op.kind}")
        i += 1

    g.nodes.append(helper.make_node("Identity", [x], [OUTPUT_NAME], name="descriptor"))
    graph = helper.make_graph(
        g.nodes,
        "dlib_face_recognition_resnet_model_v1",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", first.size, first.size, 3])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", 128])],
        initializer=g.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="egate-models",
        producer_version="1",
    )
    model.ir_version = IR_VERSION
    model.doc_string = (
        "dlib face recognition ResNet v1 converted by models/dlib_resnet_onnx.py. "
        f"Input: RGB chips (N,{first.size},{first.size},3) float32 0..255. "
        f"Output: 128-d descriptor; dlib's same-person distance threshold {net.distance_threshold:.2f}."
    )
    onnx.checker.check_model(model)
    return model


def _pad_to(g: _GraphBuilder, x: str, shape: tuple[int, int, int], target: tuple[int, ...]) -> str:
    if tuple(shape) == tuple(target):
        return x
    pads = [0, 0, 0, 0, 0, target[0] - shape[0], target[1] - shape[1], target[2] - shape[2]]
    return g.node("Pad", [x, g.const("pads", np.array(pads, dtype=np.int64))], "zero_pad")


def convert(data: bytes) -> bytes:
    """dlib ``.dat`` bytes in, serialised ONNX model out (deterministic for the same input)."""
    serialised: bytes = build_model(read_network(data)).SerializeToString()
    return serialised


__all__ = ["INPUT_NAME", "OUTPUT_NAME", "Op", "build_model", "convert"]
