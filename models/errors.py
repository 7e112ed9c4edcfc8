"""Domain errors about models, with messages a tester can act on."""

from __future__ import annotations


class ModelError(RuntimeError):
    """Base class: a model cannot be used."""


class ModelMissing(ModelError):
    """The model file is not where the manifest says (run `kiosk models build`)."""


class ModelCorrupt(ModelError):
    """The model file's sha256 differs from the manifest's: it is not the model that was measured."""


class ModelLoadFailed(ModelError):
    """onnxruntime refused the model file."""


class ModelUnknown(ModelError):
    """No model of that name in the manifest."""


class ModelBuildFailed(ModelError):
    """A model could not be derived from its source package."""
