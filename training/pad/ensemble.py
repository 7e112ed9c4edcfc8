"""Average several PAD networks into one ONNX file: a seed ensemble with the gate's input and output.

Networks trained with one recipe and different seeds make different errors on frames far from their
training data; the mean of their P(live) has less variance than any one of them. The members are
ONNX files (the committed network's torch weights are not kept, so its exported graph is used as
it is); each member's graph is copied under its own name prefix, all read the one input ``crop``,
and ``live`` is the ``Mean`` of their outputs, so ``biometrics.face.pad.PadModel`` reads the
ensemble as it reads one network (same names, same shapes, opset 17).

Usage::

    .venv/bin/python training/pad/ensemble.py --out face_pad.onnx models/onnx/face_pad.onnx seed8.onnx seed9.onnx
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import onnx
from onnx import checker, helper

INPUT = "crop"
OUTPUT = "live"
OPSET = 17


def member_graph(model: onnx.ModelProto, prefix: str) -> onnx.GraphProto:
    """The member's graph with every name prefixed, except its input, which stays ``crop``."""
    graph = onnx.compose.add_prefix(model, prefix).graph
    for node in graph.node:
        node.input[:] = [INPUT if name == prefix + INPUT else name for name in node.input]
    return graph


def ensemble(paths: Sequence[Path]) -> onnx.ModelProto:
    """One model whose ``live`` is the mean of the members' ``live``."""
    first = onnx.load(str(paths[0]))
    nodes, initializers, outputs = [], [], []
    for k, path in enumerate(paths):
        model = onnx.load(str(path))
        names = ([i.name for i in model.graph.input], [o.name for o in model.graph.output])
        if names != ([INPUT], [OUTPUT]):
            raise ValueError(f"{path}: inputs/outputs {names}, expected [{INPUT!r}], [{OUTPUT!r}]")
        graph = member_graph(model, f"m{k}_")
        nodes.extend(graph.node)
        initializers.extend(graph.initializer)
        outputs.append(graph.output[0].name)
    nodes.append(helper.make_node("Mean", outputs, [OUTPUT], name="ensemble_mean"))
    graph = helper.make_graph(
        nodes, "face_pad_ensemble", [first.graph.input[0]], [first.graph.output[0]], initializers
    )
    merged = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="training/pad/ensemble.py"
    )
    merged.ir_version = first.ir_version
    merged.doc_string = f"mean P(live) of {len(paths)} PAD networks"
    checker.check_model(merged, full_check=True)
    return merged


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the ensemble's ONNX file")
    parser.add_argument("members", type=Path, nargs="+", help="the member networks' ONNX files")
    args = parser.parse_args(argv)
    onnx.save(ensemble(args.members), str(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
