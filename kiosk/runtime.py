"""Builds the shared runtime objects (model session factory) from the configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.config import Config
from models.manifest import load_manifest
from models.sessions import RuntimeOptions, SessionFactory

if TYPE_CHECKING:
    from biometrics.face.pipeline import FacePipeline


def session_factory(config: Config) -> SessionFactory:
    runtime = config.runtime
    options = RuntimeOptions(
        intra_op_threads=runtime.intra_op_threads,
        inter_op_threads=runtime.inter_op_threads,
        execution_mode=runtime.execution_mode,
        graph_optimization=runtime.graph_optimization,
        providers=runtime.providers,
        allow_spinning=runtime.allow_spinning,
    )
    return SessionFactory(
        load_manifest(config.models.manifest),
        config.models.dir,
        options,
        verify_on_load=config.models.verify_on_load,
    )


def face_pipeline(config: Config, factory: SessionFactory | None = None) -> FacePipeline:
    """The face pipeline with the configuration's [face] settings (models opened lazily)."""
    from biometrics.face.pipeline import FacePipeline

    return FacePipeline(factory or session_factory(config), config.face)
