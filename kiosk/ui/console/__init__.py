"""The officer console: accounts and sign-in, the gate interface, the audit sink, the window."""
