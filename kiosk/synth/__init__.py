"""Synthetic test data made from the real data root: document pages, later whole gate sessions."""
