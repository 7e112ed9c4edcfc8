"""Parse dlib's face-recognition ResNet (``dlib_face_recognition_resnet_model_v1.dat``).

dlib nests its layers: every wrapper writes its version, then the sub-network it wraps, then its
own details. A file therefore holds all the versions from the top layer down to the input, then
the input layer, then each layer's details from the bottom up. Tag and skip layers write only
a version (1) and their sub-network, so *which* tag a skip or ``add_prev`` refers to is not in
the file: it comes from the network definition in dlib's ``dnn_face_recognition_ex.cpp``, which
``expected_architecture`` spells out and ``read_network`` checks the file against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.dlib_format import DlibFormatError, DlibReader

_ADD_LAYER_VERSION = 2
_INPUT_ADD_LAYER_VERSION = 3
_WRAPPER_VERSION = 1  # add_tag_layer and add_skip_layer


@dataclass(frozen=True)
class Op:
    """One step of the network, bottom-up, with the weights read from the file."""

    kind: str  # input | con | affine | relu | max_pool | avg_pool | add_prev | tag | skip | fc
    tag: int = 0  # tag id for tag / skip / add_prev
    filters: int = 0
    kernel: tuple[int, int] = (0, 0)
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int] = (0, 0)
    arrays: dict[str, np.ndarray] = field(default_factory=dict, compare=False)
    means: tuple[float, float, float] = (0.0, 0.0, 0.0)
    size: int = 0


@dataclass(frozen=True)
class Network:
    ops: list[Op]
    loss: str
    margin: float
    distance_threshold: float


def expected_architecture() -> list[tuple[str, int, int]]:
    """The ``anet_type`` of dlib's face recognition example, bottom-up.

    Entries are (kind, filters or tag id, stride). ``ares`` is a residual block, ``ares_down``
    one that halves the resolution with a strided conv beside a 2x2 average pool.
    """

    def block(n: int, stride: int) -> list[tuple[str, int, int]]:
        return [("con", n, stride), ("affine", 0, 0), ("relu", 0, 0), ("con", n, 1), ("affine", 0, 0)]

    def ares(n: int) -> list[tuple[str, int, int]]:
        return [("tag", 1, 0), *block(n, 1), ("add_prev", 1, 0), ("relu", 0, 0)]

    def ares_down(n: int) -> list[tuple[str, int, int]]:
        return [
            ("tag", 1, 0),
            *block(n, 2),
            ("tag", 2, 0),
            ("skip", 1, 0),
            ("avg_pool", 0, 2),
            ("add_prev", 2, 0),
            ("relu", 0, 0),
        ]

    arch: list[tuple[str, int, int]] = [
        ("input", 0, 0),
        ("con", 32, 2),
        ("affine", 0, 0),
        ("relu", 0, 0),
        ("max_pool", 0, 2),
    ]
    for n, blocks, down in ((32, 3, False), (64, 4, True), (128, 3, True), (256, 3, True), (256, 1, True)):
        if down:
            arch += ares_down(n)
        for _ in range(blocks - 1 if down else blocks):
            arch += ares(n)
    arch += [("avg_pool", 0, 1), ("fc", 128, 0)]
    return arch


def _read_details(reader: DlibReader) -> Op:
    name = reader.read_string()
    if name == "con_4":
        params = reader.read_tensor().reshape(-1)
        filters = reader.read_int()
        kernel = (reader.read_int(), reader.read_int())
        stride = (reader.read_int(), reader.read_int())
        padding = (reader.read_int(), reader.read_int())
        w_shape = reader.read_alias_tensor()
        b_shape = reader.read_alias_tensor()
        for _ in range(4):  # learning-rate and weight-decay multipliers
            reader.read_float()
        n_w = int(np.prod(w_shape))
        weights: np.ndarray = params[:n_w].reshape(w_shape)
        bias = params[n_w : n_w + int(np.prod(b_shape))].reshape(-1)
        if weights.shape[0] != filters or bias.shape[0] != filters:
            raise DlibFormatError(f"con_4 shapes disagree: {w_shape}, {b_shape}, {filters} filters")
        return Op("con", filters=filters, kernel=kernel, stride=stride, padding=padding,
                  arrays={"weight": weights, "bias": bias})
    if name == "affine_":
        params = reader.read_tensor().reshape(-1)
        g_shape = reader.read_alias_tensor()
        reader.read_alias_tensor()
        mode = reader.read_int()
        if mode != 0:
            raise DlibFormatError(f"affine_ mode {mode} (only per-channel mode 0 is supported)")
        k = int(np.prod(g_shape))
        return Op("affine", arrays={"gamma": params[:k], "beta": params[k : 2 * k]})
    if name == "relu_":
        return Op("relu")
    if name in ("max_pool_2", "avg_pool_2"):
        kernel = (reader.read_int(), reader.read_int())
        stride = (reader.read_int(), reader.read_int())
        padding = (reader.read_int(), reader.read_int())
        return Op(name[:-2], kernel=kernel, stride=stride, padding=padding)
    if name == "add_prev_":
        return Op("add_prev")
    if name == "fc_2":
        outputs = reader.read_int()
        inputs = reader.read_int()
        params = reader.read_tensor().reshape(-1)
        w_shape = reader.read_alias_tensor()
        reader.read_alias_tensor()
        bias_mode = reader.read_int()
        for _ in range(4):
            reader.read_float()
        if bias_mode != 1:
            raise DlibFormatError(f"fc_2 bias mode {bias_mode} (only fc_no_bias is supported)")
        return Op("fc", filters=outputs, arrays={"weight": params[: inputs * outputs].reshape(w_shape[0], w_shape[1])})
    raise DlibFormatError(f"unsupported dlib layer {name!r}")


def _read_input(reader: DlibReader) -> Op:
    name = reader.read_string()
    if name != "input_rgb_image_sized":
        raise DlibFormatError(f"unsupported dlib input layer {name!r}")
    means = (reader.read_float(), reader.read_float(), reader.read_float())
    rows, cols = reader.read_int(), reader.read_int()
    if rows != cols:
        raise DlibFormatError(f"non-square input {rows}x{cols}")
    return Op("input", means=means, size=rows)


def _skip_layer_state(reader: DlibReader) -> None:
    """Training state every add_layer keeps: three flags and three (empty) tensors."""
    for _ in range(3):
        reader.read_bool()
    for _ in range(3):
        reader.read_tensor()


def read_network(data: bytes) -> Network:
    """Read the whole file and check it against ``expected_architecture``."""
    reader = DlibReader(data)
    reader.expect_int(1, "add_loss_layer version")
    loss = reader.read_string()
    if loss != "loss_metric_2":
        raise DlibFormatError(f"unsupported loss layer {loss!r}")
    margin = reader.read_float()
    distance_threshold = reader.read_float()

    wrappers: list[int] = []  # versions, top-down
    while True:
        version = reader.read_int()
        if version == _INPUT_ADD_LAYER_VERSION:
            break
        if version not in (_ADD_LAYER_VERSION, _WRAPPER_VERSION):
            raise DlibFormatError(f"unknown layer version {version} at byte {reader.pos}")
        wrappers.append(version)

    bottom_up: list[Op | None] = [_read_input(reader), _read_details(reader)]
    _skip_layer_state(reader)
    reader.read_int()  # sample expansion factor
    for version in reversed(wrappers):
        if version == _WRAPPER_VERSION:
            bottom_up.append(None)  # a tag or skip: identity comes from the architecture
        else:
            bottom_up.append(_read_details(reader))
            _skip_layer_state(reader)
    if reader.remaining:
        raise DlibFormatError(f"{reader.remaining} bytes left after the network")

    ops = _match_architecture(bottom_up)
    return Network(ops=ops, loss=loss, margin=margin, distance_threshold=distance_threshold)


def _match_architecture(parsed: list[Op | None]) -> list[Op]:
    expected = expected_architecture()
    if len(parsed) != len(expected):
        raise DlibFormatError(f"{len(parsed)} layers in file, {len(expected)} in the architecture")
    ops: list[Op] = []
    for index, (op, (kind, number, stride)) in enumerate(zip(parsed, expected, strict=True)):
        if kind in ("tag", "skip"):
            if op is not None:
                raise DlibFormatError(f"layer {index}: expected {kind}{number}, found {op.kind}")
            ops.append(Op(kind, tag=number))
            continue
        if op is None or op.kind != kind:
            found = "a tag/skip" if op is None else op.kind
            raise DlibFormatError(f"layer {index}: expected {kind}, found {found}")
        if kind in ("con", "fc") and op.filters != number:
            raise DlibFormatError(f"layer {index}: expected {number} outputs, found {op.filters}")
        if kind in ("con", "max_pool", "avg_pool") and op.stride != (stride, stride):
            raise DlibFormatError(f"layer {index}: expected stride {stride}, found {op.stride}")
        ops.append(Op("add_prev", tag=number) if kind == "add_prev" else op)
    return ops
