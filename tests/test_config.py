"""Configuration: documented defaults, deployment overrides, typos refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import PROJECT_ROOT, ConfigError, load_config


def test_defaults_load_with_paths_resolved_against_the_project() -> None:
    config = load_config(environ={})
    assert config.models.manifest == PROJECT_ROOT / "models" / "manifest.toml"
    assert config.runtime.providers == ("CPUExecutionProvider",)
    assert config.source == ("kiosk/defaults.toml",)


def test_a_deployment_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    deployment = tmp_path / "gate.toml"
    deployment.write_text("[runtime]\nintra_op_threads = 1\n")
    config = load_config(deployment, environ={})
    assert config.runtime.intra_op_threads == 1
    assert config.runtime.graph_optimization == "all"
    assert str(deployment) in config.source


def test_kiosk_config_and_kiosk_data_come_from_the_environment(tmp_path: Path) -> None:
    deployment = tmp_path / "gate.toml"
    deployment.write_text("[models]\nverify_on_load = false\n")
    config = load_config(environ={"KIOSK_CONFIG": str(deployment), "KIOSK_DATA": str(tmp_path)})
    assert config.models.verify_on_load is False
    assert config.data.root == tmp_path.resolve()


def test_an_unknown_key_is_an_error_not_ignored(tmp_path: Path) -> None:
    deployment = tmp_path / "gate.toml"
    deployment.write_text("[runtime]\nintra_op_thread = 1\n")
    with pytest.raises(ConfigError, match="intra_op_thread"):
        load_config(deployment, environ={})


def test_a_value_of_the_wrong_type_is_an_error(tmp_path: Path) -> None:
    deployment = tmp_path / "gate.toml"
    deployment.write_text('[runtime]\nintra_op_threads = "two"\n')
    with pytest.raises(ConfigError, match="intra_op_threads"):
        load_config(deployment, environ={})


def test_a_missing_deployment_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml", environ={})
