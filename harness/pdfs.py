"""PDFs made by code: real multi-page PDFs from pillow, image-heavy ones, and hand-written ones."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw


def page_image(number: int, size: tuple[int, int] = (640, 360)) -> Image.Image:
    """A slide picture whose colours depend on ``number``, with the number written on it."""
    image = Image.new("RGB", size, ((number * 53) % 256, (number * 97) % 256, (number * 31 + 80) % 256))
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 8, size[1] // 4, size[0] // 2, size[1] // 2), fill=(255, 255, 255))
    draw.text((size[0] // 8 + 4, size[1] // 4 + 4), f"slide {number}", fill=(0, 0, 0))
    return image


def make_pdf(path: Path, pages: int = 12, size: tuple[int, int] = (640, 360), *, title: str | None = None) -> Path:
    """A real PDF of ``pages`` pages, one picture each, saved by pillow (72 dpi: 1 pixel is 1 point)."""
    images = [page_image(n, size) for n in range(1, pages + 1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, object] = {"resolution": 72.0}
    if title is not None:
        options["title"] = title
    images[0].save(path, format="PDF", save_all=True, append_images=images[1:], **options)
    return path


def raw_pdf(path: Path, *, pages: int = 1, size: tuple[int, int] = (400, 300), encrypted: bool = False) -> Path:
    """A minimal hand-written PDF with blank pages; ``encrypted`` adds a password it does not open with."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {size[0]} {size[1]}] >>".encode()] * pages
    extra = b""
    if encrypted:
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>")
        extra = f"/Encrypt {len(objects)} 0 R /ID [<{'33' * 16}> <{'33' * 16}>] ".encode()
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + extra + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out)
    return path


def make_heavy_pdf(path: Path, pages: int = 12, size: tuple[int, int] = (2400, 1350), *, seed: int = 2010) -> Path:
    """An image-heavy PDF: each page one large photo-like picture that barely compresses (coloured noise
    over a gradient), the kind of deck that takes seconds to draw. Pages are ``size`` pixels at 72 dpi."""
    import random

    rng = random.Random(seed)
    width, height = size
    images = []
    for number in range(1, pages + 1):
        noise = Image.frombytes("RGB", size, rng.randbytes(width * height * 3))
        base = page_image(number, size)
        images.append(Image.blend(base, noise, 0.5))
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, format="PDF", save_all=True, append_images=images[1:], resolution=72.0, quality=95)
    return path
