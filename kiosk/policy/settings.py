"""Policy settings: the ``[policy]`` section of the configuration, plain values.

Face and finger thresholds are not repeated here: they are the calibrated values of ``[face]`` and
``[finger]``, and each verification result carries the threshold it was judged at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OUTCOMES = ("ACCEPT", "REFER", "REJECT", "INFO")


@dataclass(frozen=True)
class PolicySettings:
    # Document kinds (mrz.document.DocumentKind values) the gate serves; others are refused.
    accepted_kinds: tuple[str, ...] = ("passport", "id_card", "border_pass", "permit")
    # Issuing states served (ICAO codes); empty = every state. Permits have no issuing state.
    accepted_states: tuple[str, ...] = ()
    # Travellers younger than this are referred to an officer (children travel accompanied).
    min_age_years: int = 12
    # A document that expired this many days ago or less is still accepted (0 = none).
    expiry_grace_days: int = 0
    # Fingers to present per document kind; kinds not listed need none.
    fingers_required: dict[str, int] = field(default_factory=lambda: {"border_pass": 2})
    # Document kinds whose holder must be in the enrolment store (their face reference is the
    # enrolled template, not a printed portrait).
    enrolment_required: tuple[str, ...] = ("border_pass", "permit")
    # A live-face check must have run and passed; when the liveness model is missing the gate refers.
    liveness_required: bool = True
    # The outcome of each reason code, overriding the built-in table (kiosk/policy/reasons.py),
    # e.g. {WATCHLIST_HIT = "REFER", PERMIT_UNKNOWN_ISSUER = "REJECT"}.
    outcomes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        bad = {code: out for code, out in self.outcomes.items() if out not in OUTCOMES}
        if bad:
            raise ValueError(f"outcomes must be one of {OUTCOMES}: {bad}")
        from kiosk.policy.reasons import CODES

        unknown = sorted(set(self.outcomes) - set(CODES))
        if unknown:
            raise ValueError(f"outcomes: unknown reason code(s) {', '.join(unknown)}")
        if any(n < 0 for n in self.fingers_required.values()):
            raise ValueError("fingers_required values must be >= 0")
