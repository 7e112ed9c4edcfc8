"""The gate's configuration: one typed, frozen object loaded from TOML.

``kiosk/defaults.toml`` holds every key with its documented default; a deployment file
overrides some of them. This module is the only place that reads configuration files or the
``KIOSK_CONFIG`` / ``KIOSK_DATA`` environment variables: everything else receives the object.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from biometrics.face.settings import FaceSettings
from biometrics.finger.settings import FingerSettings
from kiosk.engine.settings import EngineSettings
from kiosk.policy.settings import PolicySettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """The configuration file is unreadable, has an unknown key or a value of the wrong type."""


@dataclass(frozen=True)
class DataConfig:
    root: Path = Path("../shared/data")


@dataclass(frozen=True)
class ModelsConfig:
    manifest: Path = Path("models/manifest.toml")
    dir: Path = Path("models/onnx")
    cache: Path = Path("build/sources")
    verify_on_load: bool = True


@dataclass(frozen=True)
class RuntimeConfig:
    intra_op_threads: int = 2
    inter_op_threads: int = 1
    execution_mode: str = "sequential"
    graph_optimization: str = "all"
    providers: tuple[str, ...] = ("CPUExecutionProvider",)
    allow_spinning: bool = False


@dataclass(frozen=True)
class DocumentsConfig:
    port: str = "PORT-UNSET"
    permit_keys: Path = Path("config/permits/keys")
    permit_revocation_list: Path = Path("config/permits/revoked.txt")


def _default_voices() -> dict[str, str]:
    return {"vi": "vi", "en": "en-gb", "zh": "cmn"}


@dataclass(frozen=True)
class UiConfig:
    language: str = "en"
    console_language: str = "vi"
    speech: bool = False
    voices: dict[str, str] = field(default_factory=_default_voices)
    accounts: Path = Path("var/console.db")
    max_failures: int = 5
    idle_lock_s: float = 300.0

    def __post_init__(self) -> None:
        from kiosk.ui.i18n import CONSOLE_LANGUAGES, TRAVELLER_LANGUAGES

        if self.language not in TRAVELLER_LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(TRAVELLER_LANGUAGES)}, not {self.language!r}")
        if self.console_language not in CONSOLE_LANGUAGES:
            raise ValueError(f"console_language must be one of {', '.join(CONSOLE_LANGUAGES)}")
        if self.max_failures < 1 or self.idle_lock_s <= 0:
            raise ValueError("max_failures must be >= 1 and idle_lock_s > 0")


@dataclass(frozen=True)
class StoresConfig:
    database: Path = Path("var/gate.db")
    key_file: Path = Path("var/store.key")
    retention_days: float = 30.0
    audit_hmac: bool = True

    def __post_init__(self) -> None:
        if self.retention_days < 0:
            raise ValueError(f"retention_days must be >= 0, got {self.retention_days}")


@dataclass(frozen=True)
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    models: ModelsConfig = field(default_factory=ModelsConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    documents: DocumentsConfig = field(default_factory=DocumentsConfig)
    face: FaceSettings = field(default_factory=FaceSettings)
    finger: FingerSettings = field(default_factory=FingerSettings)
    stores: StoresConfig = field(default_factory=StoresConfig)
    engine: EngineSettings = field(default_factory=EngineSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    ui: UiConfig = field(default_factory=UiConfig)
    source: tuple[str, ...] = ()  # files this configuration was read from, for reports


T = TypeVar("T")


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: expected a table, got {type(value).__name__}")
        return _build(hint, value, where)
    if hint is Path:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a path string, got {value!r}")
        path = Path(value)
        return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        item_hint = args[0]
        return tuple(_coerce(item, item_hint, f"{where}[{i}]") for i, item in enumerate(value))
    if origin is dict:
        key_hint, value_hint = typing.get_args(hint)
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: expected a table, got {value!r}")
        return {_coerce(k, key_hint, where): _coerce(v, value_hint, f"{where}.{k}") for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            return None
        return _coerce(value, members[0], where)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint in (int, str, bool):
        if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
            raise ConfigError(f"{where}: expected {hint.__name__}, got {value!r}")
        return value
    return value


def _build(cls: type[T], values: Mapping[str, Any], where: str) -> T:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - names)
    if unknown:
        raise ConfigError(f"{where or 'config'}: unknown key(s) {', '.join(unknown)}")
    kwargs = {k: _coerce(v, hints[k], f"{where}.{k}" if where else k) for k, v in values.items()}
    try:
        return cls(**kwargs)
    except ConfigError:
        raise
    except ValueError as exc:  # a section's own validation (e.g. FingerSettings.__post_init__)
        raise ConfigError(f"{where or 'config'}: {exc}") from exc


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then the deployment file (``path`` or ``$KIOSK_CONFIG``), then ``$KIOSK_DATA``."""
    env = os.environ if environ is None else environ
    defaults_text = resources.files("kiosk").joinpath("defaults.toml").read_text(encoding="utf-8")
    values = tomllib.loads(defaults_text)
    sources = ["kiosk/defaults.toml"]
    deployment = path or (Path(env["KIOSK_CONFIG"]) if env.get("KIOSK_CONFIG") else None)
    if deployment is not None:
        values = _merge(values, _read_toml(deployment))
        sources.append(str(deployment))
    if env.get("KIOSK_DATA"):
        values = _merge(values, {"data": {"root": str(Path(env["KIOSK_DATA"]).resolve())}})
        sources.append("$KIOSK_DATA")
    config = _build(Config, values, "")
    return dataclasses.replace(config, source=tuple(sources))
