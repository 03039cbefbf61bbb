"""Builders for PDF test files (harness/pdfs.py, shared with the benchmarks)."""

from harness.pdfs import make_heavy_pdf, make_pdf, page_image, raw_pdf

__all__ = ["make_heavy_pdf", "make_pdf", "page_image", "raw_pdf"]
