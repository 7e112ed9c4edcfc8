"""Domain errors of the stores, in words an operator can act on."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: the gate's database cannot do what was asked."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of the gate than this code."""


class StoreKeyMissing(StoreError):
    """No encryption key is configured (neither the key file nor $KIOSK_STORE_KEY)."""


class StoreKeyInvalid(StoreError):
    """The key is malformed, or is not the key this database was created with."""


class DecryptionFailed(StoreError):
    """A stored template or sample does not decrypt: wrong key, edited, or moved to another record."""


class EnrolmentInvalid(StoreError):
    """An enrolment record is incomplete or inconsistent (bad date, too many fingers ...)."""


class WatchlistInvalid(StoreError):
    """A watch-list entry lacks what matching needs, or has a malformed field."""


class TransactionStateError(StoreError):
    """A transaction is finalised twice, or a transaction id does not exist."""


class StoreConstraintFailed(StoreError):
    """The database refused a write that breaks a rule (unique document, missing person ...)."""


class StoreDatabaseError(StoreError):
    """SQLite failed (locked past the busy timeout, disk full, I/O error, bad SQL in a migration)."""
