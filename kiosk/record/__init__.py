"""Recording live gate sessions as bundles (docs/BUNDLE.md): live devices, the recorder, retention."""
