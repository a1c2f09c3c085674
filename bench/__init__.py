"""Benchmarks: each module `bench_*.py` has run(), printing a table with its peer measured in the same run."""
