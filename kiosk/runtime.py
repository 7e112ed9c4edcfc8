"""Builds the shared runtime objects (model session factory) from the configuration."""

from __future__ import annotations

from kiosk.config import Config
from models.manifest import load_manifest
from models.sessions import RuntimeOptions, SessionFactory


def session_factory(config: Config) -> SessionFactory:
    runtime = config.runtime
    options = RuntimeOptions(
        intra_op_threads=runtime.intra_op_threads,
        inter_op_threads=runtime.inter_op_threads,
        execution_mode=runtime.execution_mode,
        graph_optimization=runtime.graph_optimization,
        providers=runtime.providers,
    )
    return SessionFactory(
        load_manifest(config.models.manifest),
        config.models.dir,
        options,
        verify_on_load=config.models.verify_on_load,
    )
