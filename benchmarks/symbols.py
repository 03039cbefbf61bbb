"""Half cells against chafa's symbol pictures, in a real xterm, on the same slide.

Run: python benchmarks/symbols.py [--cols 240 --rows 67]

Needs Linux with Xvfb, xterm, xdotool and ImageMagick (as tests/terminals; harness/terminals.py drives them).
The slide of the real-terminal tests (a title, nine lines of small print,
thin lines) is drawn at the given size by battledecks' half cells and by
libchafa's symbol modes (quadrants, sextants, all symbols; truecolour);
each is printed in xterm on a virtual X display, screenshotted, and compared
with the slide: correlation of the whole picture and of its fine detail
(edges), where legibility lives. Screenshots go to
``tests/terminals/artefacts/symbols-*.png``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from battledecks.render.fit import fit_image  # noqa: E402
from battledecks.render.halfcell import TRUECOLOR, build_strips  # noqa: E402
from harness.terminals import ARTEFACTS, Terminal, compare, lit, make_slide, slide_box, virtual_display, wait_for  # noqa: E402


class _Console:
    from rich.color import ColorSystem

    _color_system = ColorSystem.TRUECOLOR


def halfcell_text(img: Image.Image, cols: int, rows: int) -> str:
    strips = build_strips(fit_image(img, cols, rows), TRUECOLOR)
    return "\r\n".join(strip.render(_Console()) for strip in strips)  # type: ignore[arg-type]


def chafa_text(img: Image.Image, cols: int, rows: int, tags: str) -> str:
    from chafa import Canvas, CanvasConfig, CanvasMode, PixelMode, PixelType, SymbolMap, SymbolTags, TermDb

    fitted = fit_image(img, cols, rows).resize((cols * 8, rows * 16), Image.Resampling.LANCZOS)
    config = CanvasConfig()
    config.pixel_mode = PixelMode.CHAFA_PIXEL_MODE_SYMBOLS
    config.canvas_mode = CanvasMode.CHAFA_CANVAS_MODE_TRUECOLOR
    config.width, config.height = cols, rows
    config.cell_width, config.cell_height = 8, 16
    symbols = SymbolMap()
    symbols.add_by_tags(getattr(SymbolTags, f"CHAFA_SYMBOL_TAG_{tags}"))
    config.set_symbol_map(symbols)
    canvas = Canvas(config)
    data = bytearray(fitted.tobytes())
    pixels = (ctypes.c_uint8 * len(data)).from_buffer(data)
    canvas.draw_all_pixels(PixelType.CHAFA_PIXEL_RGB8, pixels, fitted.width, fitted.height, fitted.width * 3)
    return canvas.print(TermDb().get_fallback_info()).decode("utf-8").replace("\n", "\r\n")


def shoot(display: str, text: str, cols: int, rows: int, name: str, slide: Path) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".ans", delete=False, encoding="utf-8") as out:
        out.write("\x1b[?25l\x1b[H" + text + "\x1b[0m")
        path = out.name
    argv = ["xterm", "-geometry", f"{cols}x{rows + 1}", "-e", "sh", "-c", f"cat {path}; sleep 60"]
    term = Terminal(display, argv, cwd=Path.cwd())
    try:
        wait_for(lambda: lit(term.screenshot()) > 0.2, 30, f"the {name} picture")
        shot = term.settled()
        shot.save(ARTEFACTS / f"symbols-{name}.png")
        box = slide_box(shot, 1, shot.height / (rows + 1))
        assert box is not None
        return compare(shot, box, slide)
    finally:
        term.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cols", type=int, default=240)
    parser.add_argument("--rows", type=int, default=67)
    args = parser.parse_args()
    ARTEFACTS.mkdir(exist_ok=True)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, virtual_display() as display:
        slide = Path(tmp) / "slide.png"
        img = make_slide(3)
        img.save(slide)
        texts = {"halfcell": halfcell_text(img, args.cols, args.rows)}
        for tags in ("QUAD", "SEXTANT", "ALL"):
            texts[f"chafa-{tags.lower()}"] = chafa_text(img, args.cols, args.rows, tags)
        for name, text in texts.items():
            try:
                figures = shoot(display, text, args.cols, args.rows, name, slide)
            except AssertionError as error:
                print(f"{name:14s} not shown: {error}")
                continue
            figures["bytes"] = len(text.encode("utf-8"))
            results[name] = figures
            print(
                f"{name:14s} picture {figures['picture']:.3f}  detail {figures['detail']:.3f}"
                f"  ({figures['bytes'] / 1000:.0f} kB)"
            )
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
