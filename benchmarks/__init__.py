"""Benchmarks (not run by `make test`): `make bench` runs every benchmarks/bench_*.py module."""
