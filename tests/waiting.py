"""Waiting for a condition with a deadline (harness/waiting.py, shared with the benchmarks)."""

from harness.waiting import TIMEOUT, until, wait_until

__all__ = ["TIMEOUT", "until", "wait_until"]
