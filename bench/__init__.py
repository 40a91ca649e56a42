"""Benchmarks and load tools, not part of the application (docs/performance.md)."""
