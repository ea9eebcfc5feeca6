"""Benchmarks of malinews against baselines: `python -m bench` (see README "Benchmarks")."""
