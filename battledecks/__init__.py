"""battledecks: run Battledecks (PowerPoint karaoke) events from the terminal."""

__version__ = "0.1.0"
