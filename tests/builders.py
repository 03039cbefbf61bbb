"""Builders for test data: the one deck builder and the one event builder (harness/building.py, shared with
the benchmarks), and talks played through the show."""

from harness.building import build_deck, build_decks, build_event, build_slide, present

__all__ = ["build_deck", "build_decks", "build_event", "build_slide", "present"]
