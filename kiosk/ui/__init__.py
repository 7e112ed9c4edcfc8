"""The faces of the gate: the traveller kiosk and the officer console (the only Qt users).

``viewmodel`` and ``i18n`` hold no Qt, so the engine adapter and tests can use them headless.
"""
