"""Importing decks: PDFs, PowerPoint and OpenDocument files, folders and zips of images."""

from .place import Imported, ImportFailed, Progress, find_soffice, import_decks, plan, source_kind

__all__ = ["ImportFailed", "Imported", "Progress", "find_soffice", "import_decks", "plan", "source_kind"]
