"""Benchmarks of dealroom: ``python -m bench`` (see :mod:`bench.run`).

Figures, not tests: they go into docs/BENCHMARKS.md with the target beside each. The test
suite only runs ``--quick`` to prove the harness works.
"""
