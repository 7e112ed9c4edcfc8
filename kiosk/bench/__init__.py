"""Benchmarks behind ``kiosk bench NAME``; each runs ours and a baseline in one run."""
