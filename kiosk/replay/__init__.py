"""Recorded or synthetic gate sessions: the bundle format, replay devices, the runner and its report."""
