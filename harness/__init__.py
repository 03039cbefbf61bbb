"""What the tests and the benchmarks both drive battledecks with.

The deck and event builders, waiting for a condition, PDF makers, the kill
harness, the soak driver, the phone load generator and the real-terminal
harness. The test suite (``tests/``) and the benchmarks (``benchmarks/``) import
from here; nothing here imports from either, so each can change on its own.
"""
