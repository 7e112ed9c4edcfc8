"""The one place that opens onnxruntime sessions.

A ``SessionFactory`` owns the runtime options (threads, graph optimisation, execution
providers) from configuration, checks each model file against the manifest before opening it,
and hands out one cached session and one cached wrapper per model. Model wrappers are never
built any other way, so two configurations can run side by side in one process.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import onnxruntime as ort

from models.errors import ModelLoadFailed
from models.manifest import Manifest, ModelEntry, verify_file

if TYPE_CHECKING:
    from models.wrapper import OnnxModel

log = logging.getLogger(__name__)

_OPTIMISATION = {
    "disable": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}
_EXECUTION = {
    "sequential": ort.ExecutionMode.ORT_SEQUENTIAL,
    "parallel": ort.ExecutionMode.ORT_PARALLEL,
}

W = TypeVar("W", bound="OnnxModel[Any, Any]")


@dataclass(frozen=True)
class RuntimeOptions:
    intra_op_threads: int = 2
    inter_op_threads: int = 1
    execution_mode: str = "sequential"
    graph_optimization: str = "all"
    providers: tuple[str, ...] = ("CPUExecutionProvider",)
    # Idle worker threads spin-wait for the next operator by default; on a few shared cores the
    # spinning threads take the CPU from the ones doing the work (a face frame took 440 ms
    # instead of 90 ms on the 2-core test machine under load), so they sleep unless asked.
    allow_spinning: bool = False

    def __post_init__(self) -> None:
        if self.graph_optimization not in _OPTIMISATION:
            raise ValueError(f"graph_optimization must be one of {sorted(_OPTIMISATION)}")
        if self.execution_mode not in _EXECUTION:
            raise ValueError(f"execution_mode must be one of {sorted(_EXECUTION)}")
        if self.intra_op_threads < 0 or self.inter_op_threads < 0:
            raise ValueError("thread counts must be >= 0")


class SessionFactory:
    """Opens verified model files with one set of runtime options; caches sessions and wrappers."""

    def __init__(
        self,
        manifest: Manifest,
        models_dir: Path,
        options: RuntimeOptions | None = None,
        verify_on_load: bool = True,
    ) -> None:
        self.manifest = manifest
        self.models_dir = models_dir
        self.options = options or RuntimeOptions()
        self.verify_on_load = verify_on_load
        self._sessions: dict[str, ort.InferenceSession] = {}
        self._wrappers: dict[type[Any], Any] = {}
        self._lock = threading.RLock()

    def entry(self, name: str) -> ModelEntry:
        return self.manifest.get(name)

    def path(self, name: str) -> Path:
        """The model's file, checked against the manifest (ModelMissing / ModelCorrupt otherwise)."""
        entry = self.manifest.get(name)
        path = self.models_dir / entry.file
        if self.verify_on_load:
            verify_file(entry, path)
        return path

    def session_options(self) -> ort.SessionOptions:
        so = ort.SessionOptions()
        so.intra_op_num_threads = self.options.intra_op_threads
        so.inter_op_num_threads = self.options.inter_op_threads
        so.execution_mode = _EXECUTION[self.options.execution_mode]
        so.graph_optimization_level = _OPTIMISATION[self.options.graph_optimization]
        so.log_severity_level = 3  # errors only: warnings about unused initialisers are noise
        spin = "1" if self.options.allow_spinning else "0"
        so.add_session_config_entry("session.intra_op.allow_spinning", spin)
        so.add_session_config_entry("session.inter_op.allow_spinning", spin)
        return so

    def providers(self) -> list[str]:
        available = set(ort.get_available_providers())
        chosen = [p for p in self.options.providers if p in available]
        for missing in (p for p in self.options.providers if p not in available):
            log.warning("execution provider %s is not available here; skipped", missing)
        return chosen or ["CPUExecutionProvider"]

    def session(self, name: str) -> ort.InferenceSession:
        with self._lock:
            cached = self._sessions.get(name)
            if cached is not None:
                return cached
            path = self.path(name)
            try:
                session = ort.InferenceSession(
                    str(path), sess_options=self.session_options(), providers=self.providers()
                )
            except Exception as exc:  # onnxruntime raises its own untyped errors
                raise ModelLoadFailed(f"model {name!r}: onnxruntime could not open {path}: {exc}") from exc
            self._sessions[name] = session
            return session

    def model(self, wrapper: type[W]) -> W:
        """The one instance of a model wrapper class, built from its manifest entry and session."""
        with self._lock:
            cached = self._wrappers.get(wrapper)
            if cached is None:
                name = wrapper.MODEL_NAME
                cached = wrapper(self.entry(name), self.session(name))
                self._wrappers[wrapper] = cached
            return cached
