"""Builders for other programs' files, made here (never copied from elsewhere): presentations, and awkward
real-world pictures (odd BMPs, damaged EXIF, MPO headers)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

from PIL import Image


def bmp_with_empty_alpha(path: Path, image: Image.Image) -> Path:
    """A 32-bit BMP (BITMAPV4HEADER, BI_BITFIELDS with an alpha mask) whose alpha is 0 everywhere.

    Many programs write opaque pictures this way; Pillow reads them as RGBA.
    """
    rgb = image.convert("RGB")
    width, height = rgb.size
    rows = []
    for y in range(height - 1, -1, -1):  # bottom-up
        row = bytearray()
        for x in range(width):
            r, g, b = rgb.getpixel((x, y))
            row += bytes((b, g, r, 0))
        rows.append(bytes(row))
    pixels = b"".join(rows)
    header = struct.pack(
        "<IiiHHIIiiII4I I36s3I",
        108,
        width,
        height,
        1,
        32,
        3,
        len(pixels),
        2835,
        2835,
        0,
        0,
        0x00FF0000,
        0x0000FF00,
        0x000000FF,
        0xFF000000,
        0x73524742,
        b"\0" * 36,
        0,
        0,
        0,
    )
    offset = 14 + len(header)
    path.write_bytes(b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) + header + pixels)
    return path


def _jpeg_with_segment(image: Image.Image, marker: int, payload: bytes) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    data = out.getvalue()
    segment = struct.pack(">HH", marker, len(payload) + 2) + payload
    return data[:2] + segment + data[2:]  # right after SOI


def jpeg_with_bad_exif(path: Path, image: Image.Image) -> Path:
    """A JPEG whose EXIF block is not TIFF data at all (Pillow: "not a TIFF file")."""
    path.write_bytes(_jpeg_with_segment(image, 0xFFE1, b"Exif\0\0" + b"this is no TIFF header"))
    return path


def jpeg_with_truncated_exif_dpi(path: Path, image: Image.Image) -> Path:
    """A JPEG whose EXIF says where its resolution is, but the block ends before it."""
    entries = [
        (0x011A, 5, 1, 0x200),  # XResolution, RATIONAL, far past the end
        (0x011B, 5, 1, 0x208),  # YResolution
        (0x0128, 3, 1, 2),  # ResolutionUnit: inch
    ]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + struct.pack("<I", 0)
    tiff = b"II*\0" + struct.pack("<I", 8) + ifd
    path.write_bytes(_jpeg_with_segment(image, 0xFFE1, b"Exif\0\0" + tiff))
    return path


def jpeg_with_bad_mpo_header(path: Path, image: Image.Image) -> Path:
    """A JPEG with an MPF (multi-picture) block that claims two pictures but lists none properly."""
    entries = [
        (0xB000, 7, 4, int.from_bytes(b"0100", "little")),  # MPFVersion
        (0xB001, 4, 1, 2),  # NumberOfImages: 2
        (0xB002, 7, 32, 0x40),  # MPEntry: 2 x 16 bytes at 0x40, past the end
    ]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + struct.pack("<I", 0)
    mpf = b"II*\0" + struct.pack("<I", 8) + ifd
    path.write_bytes(_jpeg_with_segment(image, 0xFFE2, b"MPF\0" + mpf))
    return path


def make_pptx(path: Path, titles: list[str]) -> Path:
    """A widescreen PowerPoint file (python-pptx) of one title-and-content slide per title."""
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(13.333), Inches(7.5)
    for title in titles:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = "Synergy, leverage and other nonsense"
    presentation.save(path)
    return path
