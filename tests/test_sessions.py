"""The one session factory: options from configuration, one cached session per model."""

from __future__ import annotations

import dataclasses

import pytest

from biometrics.face.embedder import FaceEmbedder
from kiosk.config import Config
from kiosk.runtime import session_factory
from models.sessions import RuntimeOptions, SessionFactory


def test_runtime_options_come_from_configuration(config: Config) -> None:
    changed = dataclasses.replace(
        config, runtime=dataclasses.replace(config.runtime, intra_op_threads=1, graph_optimization="basic")
    )
    factory = session_factory(changed)
    options = factory.session_options()
    assert options.intra_op_num_threads == 1
    assert options.graph_optimization_level.name == "ORT_ENABLE_BASIC"


def test_sessions_and_wrappers_are_built_once(factory: SessionFactory) -> None:
    assert factory.session("mtcnn_pnet") is factory.session("mtcnn_pnet")
    assert factory.model(FaceEmbedder) is factory.model(FaceEmbedder)
    assert factory.model(FaceEmbedder).session is factory.session("face_embedder")


def test_unavailable_providers_are_skipped(config: Config) -> None:
    factory = SessionFactory(
        session_factory(config).manifest,
        config.models.dir,
        RuntimeOptions(providers=("CUDAExecutionProvider", "CPUExecutionProvider")),
    )
    assert factory.providers() == ["CPUExecutionProvider"]
    assert factory.session("mtcnn_pnet").get_providers() == ["CPUExecutionProvider"]


@pytest.mark.parametrize(
    "kwargs", [{"graph_optimization": "max"}, {"execution_mode": "fast"}, {"intra_op_threads": -1}]
)
def test_invalid_runtime_options_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RuntimeOptions(**kwargs)  # type: ignore[arg-type]


def test_idle_threads_sleep_unless_spinning_is_configured(config: Config) -> None:
    assert config.runtime.allow_spinning is False
    options = session_factory(config).session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    spinning = dataclasses.replace(config, runtime=dataclasses.replace(config.runtime, allow_spinning=True))
    options = session_factory(spinning).session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "1"
