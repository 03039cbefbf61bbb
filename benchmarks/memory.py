"""Peak memory of the largest deck battledecks accepts, through check, import, sheet and the stage.

The deck: 12 slides, each just under the 50-megapixel limit, in the formats
that cost the most to decode (RGBA PNG: 4 bytes a pixel, no scaled decoding)
and the cheapest (JPEG: decoded at a fraction of its size). Each step runs in
a fresh Python process that prints its own peak resident memory; the same
process doing nothing but importing battledecks is the baseline.

    python benchmarks/memory.py            # the full-size deck (takes a minute to make)
    python benchmarks/memory.py --side 3000  # a smaller deck, for a quick look

The target: every step under 300 MB at its peak.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 300

STEPS = {
    "baseline (imports only)": """
        import battledecks.core.checks, battledecks.core.importing, battledecks.render.prerender
        import battledecks.generate
    """,
    "check": """
        from battledecks.core.checks import check_paths
        report = check_paths([deck], slides=12)
        assert report.errors == 0, [str(p) for p in report.problems]
    """,
    "import": """
        from battledecks.core.importing import import_decks
        import_decks([deck], work / "decks", deck_id="imported")
    """,
    "sheet": """
        from battledecks.generate import render_contact_sheet
        render_contact_sheet(sorted(deck.glob("slide*")), work / "sheet.png", title="big")
    """,
    "stage: half cells 160x45, every slide kept": """
        from battledecks.render.prerender import SlideCache
        from battledecks.render.detect import GraphicsMode
        cache = SlideCache(sorted(deck.glob("slide*")), GraphicsMode.HALFCELL, (160, 45), keep_all=True)
        cache.prepare_all()
    """,
    "stage: kitty 160x45 (1600x900 px), every slide kept": """
        from battledecks.render.prerender import SlideCache
        from battledecks.render.detect import GraphicsMode
        cache = SlideCache(sorted(deck.glob("slide*")), GraphicsMode.KITTY, (160, 45), keep_all=True)
        cache.prepare_all()
    """,
}


def make_deck(folder: Path, side: int, kind: str) -> None:
    """12 slides of side x side pixels (the first saved, the rest copies under other names)."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True)
    image = Image.new("RGBA" if kind == "png" else "RGB", (side, side), (30, 90, 160, 255))
    draw = ImageDraw.Draw(image)
    for i in range(0, side, max(1, side // 40)):
        draw.line((0, i, side, side - i), fill=(250, 200, 40, 128), width=max(1, side // 400))
    first = folder / f"slide01.{kind}"
    if kind == "png":
        image.save(first, compress_level=1)
    else:
        image.save(first, quality=90)
    del image, draw
    for n in range(2, 13):
        shutil.copyfile(first, folder / f"slide{n:02d}.{kind}")


def peak_mb(code: str, deck: Path, work: Path) -> float:
    # VmHWM: this process's own peak (ru_maxrss would keep the parent's peak across fork and exec).
    script = (
        "from pathlib import Path\n"
        f"deck, work = Path({str(deck)!r}), Path({str(work)!r})\n"
        + textwrap.dedent(code)
        + "\nhwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]"
        + "\nprint(int(hwm.split()[1]))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=work)
    if done.returncode != 0:
        raise SystemExit(f"step failed:\n{done.stderr}")
    return int(done.stdout.split()[-1]) / 1024  # VmHWM is in KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=7000, help="slide width and height in pixels (default 7000: 49 MP)")
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kind", default="png", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make is not None:
        make_deck(args.make, args.side, args.kind)
        return 0
    megapixels = args.side * args.side / 1e6
    print(f"12 slides of {args.side}x{args.side} ({megapixels:.0f} MP each); peak resident memory per step, in MB")
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="battledecks-memory-") as scratch:
        for kind in ("png", "jpg"):
            deck = Path(scratch) / f"deck-{kind}"
            # Made in a process of its own, so this one stays small.
            subprocess.run(
                [sys.executable, __file__, "--make", str(deck), "--side", str(args.side), "--kind", kind],
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            size = sum(p.stat().st_size for p in deck.iterdir()) / 1e6
            print(f"\n{kind.upper()} deck ({'RGBA' if kind == 'png' else 'RGB'}, {size:,.0f} MB on disk)")
            baseline = None
            for name, code in STEPS.items():
                work = Path(scratch) / f"work-{kind}-{len(name)}"
                work.mkdir()
                mb = peak_mb(code, deck, work)
                baseline = mb if baseline is None else baseline
                note = "" if mb == baseline else f"  (+{mb - baseline:,.0f} over the baseline)"
                print(f"  {name:<55} {mb:7,.0f}{note}")
                if name.startswith("baseline"):
                    continue
                worst = max(worst, mb)
                shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(deck)
    verdict = "under" if worst < TARGET_MB else "OVER"
    print(f"\nworst step: {worst:,.0f} MB, {verdict} the {TARGET_MB} MB target")
    return 0 if worst < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
