"""Benchmarks: scripts run by hand (see README.md); shared helpers live beside them."""
