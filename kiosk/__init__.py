"""The gate application: transaction engine, policy, stores, UI, officer console, CLI."""
