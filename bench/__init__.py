"""Benchmarks: `just bench` runs them and prints a table; targets are checked here, not in tests."""
