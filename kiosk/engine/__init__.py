"""The per-traveller transaction: states, time budgets, stage adapters, officer commands and events."""
