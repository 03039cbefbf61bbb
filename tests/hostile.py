"""A corpus of hostile input, made by code: every case is a small world of files.

Each world is a folder with ``decks/`` (good decks, plus whatever the case
adds), ``events/ev.yaml`` (a valid event unless the case breaks it), maybe
``events/ev.record.yaml``, and maybe ``src/`` (something to import). A case
breaks one thing and says what every command should make of it: the exit
code and a pattern the one-line message must match. tests/unit/test_hostile.py
runs every command on every case.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from tests.builders import build_deck, build_event

SLIDES = 3
"""Slides per deck in every world: small and quick."""
SIZE = (320, 180)

GOOD_DECKS = ("alpha", "bravo", "charlie", "delta")
PRESENTERS = ["Ada", "Brian"]

COMMANDS = ("check", "draw", "results", "history", "sheet", "import")


@dataclass(frozen=True)
class Outcome:
    """What one command must do with a case."""

    code: int
    """The exit code."""
    says: str = ""
    """A regular expression the output must match (searched, case-insensitive)."""
    defect: str = ""
    """Set when the command does not do this yet: why, and whose part of the code it is."""


@dataclass
class World:
    root: Path
    decks: Path
    event: Path
    sheet_deck: Path
    """The deck ``sheet`` is given (the case's bad deck, if it has one)."""
    source: Path
    """What ``import`` is given."""

    @property
    def record(self) -> Path:
        return self.event.with_name("ev.record.yaml")

    def moved(self, root: Path) -> World:
        """The same world copied to ``root``."""

        def move(path: Path) -> Path:
            return root / path.relative_to(self.root)

        return World(root, move(self.decks), move(self.event), move(self.sheet_deck), move(self.source))


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[World], None]
    """Breaks the world (it starts valid)."""
    expect: dict[str, Outcome] = field(default_factory=dict)
    """Per command; a command not named here must succeed (exit 0)."""


EVENT: dict[str, object] = {
    "title": "Hostile night",
    "presenters": PRESENTERS,
    "slides": SLIDES,
    "seconds": 3,
    "countdown": 0,
    "order": "listed",
    "scoring": {"judges": ["Judy"], "criteria": ["Style"], "audience": True},
}
"""The valid event of every world (``events/ev.yaml``), as :func:`build_event` keys."""


def make_world(root: Path) -> World:
    decks = root / "decks"
    for name in GOOD_DECKS:
        build_deck(decks / name, slides=SLIDES, size=SIZE)
    (root / "events").mkdir()
    (root / "src").mkdir()
    source = build_deck(root / "src" / "fresh", slides=SLIDES, size=SIZE)
    world = World(
        root=root, decks=decks, event=root / "events" / "ev.yaml", sheet_deck=decks / GOOD_DECKS[0], source=source
    )
    build_event(world.event.parent, world.event.stem, **EVENT)
    return world


# --- images -------------------------------------------------------------------

FORMATS = {"png": "PNG", "jpg": "JPEG", "gif": "GIF", "webp": "WEBP", "bmp": "BMP"}


def image_bytes(fmt: str, size: tuple[int, int] = SIZE, mode: str = "RGB", **options: object) -> bytes:
    image = Image.new(mode, size, "white" if mode in ("RGB", "RGBA", "CMYK", "L") else 0)
    if mode in ("RGB", "RGBA"):
        for x in range(0, size[0], 7):
            image.putpixel((x, min(x, size[1] - 1)), (200, 30, 30) if mode == "RGB" else (200, 30, 30, 255))
    out = io.BytesIO()
    image.save(out, format=FORMATS[fmt], **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` (a decompression bomb's calling card)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", pixels) + png_chunk(b"IEND", b"")


def png_bomb() -> bytes:
    """A real 12000×12000 grey PNG of about 100 kB: decoded it would take 144 MB per channel."""
    width = height = 12000
    raw = zlib.compress((b"\0" + b"\0" * width) * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", raw) + png_chunk(b"IEND", b"")


def bad_deck(world: World, name: str, slides: dict[str, bytes], *, good: int = 0) -> Path:
    """A deck of ``good`` fine slides plus ``slides`` (file name -> bytes); sheet and import get it."""
    folder = build_deck(world.decks / name, slides=good, size=SIZE) if good else world.decks / name
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, data in slides.items():
        (folder / file_name).write_bytes(data)
    world.sheet_deck = folder
    world.source = folder
    return folder


def deck_of(name: str, make: Callable[[str], dict[str, bytes]]) -> Callable[[World], None]:
    return lambda world: bad_deck(world, name, make(name), good=SLIDES - len(make(name)))


# Outcomes shared by the image cases: check names the file; draw and results go on without the deck.
def bad_slide(says: str, *, sheet: Outcome | None = None, imports: Outcome | None = None) -> dict[str, Outcome]:
    return {
        "check": Outcome(1, says),
        "sheet": sheet or Outcome(1, says),
        "import": imports or Outcome(1, says),
    }


def _truncated(fmt: str) -> bytes:
    data = image_bytes(fmt, size=SIZE, **({"quality": 90} if fmt == "jpg" else {}))
    return data[: len(data) // 2]


def _corrupt(fmt: str) -> bytes:
    """The file's first bytes (its signature kept) overwritten: the header no longer says what it holds."""
    data = bytearray(image_bytes(fmt))
    data[4:68] = bytes(range(64))
    return bytes(data)


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", SIZE, colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def _palette_transparent_png() -> bytes:
    image = Image.new("P", SIZE, 0)
    image.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    for x in range(20, 300):
        image.putpixel((x, 90), 1)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=0)
    return out.getvalue()


def _sixteen_bit_png() -> bytes:
    image = Image.new("I;16", SIZE, 40000)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- records ------------------------------------------------------------------


def record_text(lines: list[str]) -> str:
    return 'format: 1\nevent: "Hostile night"\nevent_file: "ev.yaml"\nlog:\n' + "".join(
        f"  - {line}\n" for line in lines
    )


ORDER = json.dumps({"at": "2010-04-13T19:00:00+00:00", "kind": "order", "presenters": PRESENTERS, "how": "listed"})


def entry(**fields: object) -> str:
    return json.dumps({"at": "2010-04-13T19:00:01+00:00", **fields})


def record_case(name: str, text: str | bytes, says: str = r"ev\.record\.yaml") -> Case:
    def build(world: World) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        world.record.write_bytes(data)

    # The record is the event's: every command on the event refuses it; history leaves the event out.
    refused = Outcome(1, says)
    return Case(
        name,
        build,
        {
            "check": Outcome(0),
            "draw": refused,
            "results": refused,
            "history": Outcome(0, r"left out .*ev\.record\.yaml"),
        },
    )


def _event_case(name: str, build: Callable[[World], None], says: str, history: Outcome | None = None) -> Case:
    refused = Outcome(1, says)
    return Case(
        name,
        build,
        {
            "check": refused,
            "draw": refused,
            "results": refused,
            "history": history or Outcome(0),
        },
    )


def _raw_event(text: str | bytes) -> Callable[[World], None]:
    def build(world: World) -> None:
        world.event.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        # A record makes history read the event too.
        world.record.write_text(record_text([ORDER]), encoding="utf-8")

    return build


BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
    + "name: x\ndecks: ../decks\npresenters: [Ada]\n"
)


def _huge_event(world: World) -> None:
    with world.event.open("w", encoding="utf-8") as handle:
        handle.write("name: Huge\ndecks: ../decks\npresenters:\n")
        line = "  - " + "x" * 95 + "\n"
        for _ in range(50 * 1024 * 1024 // len(line)):
            handle.write(line)
    world.record.write_text(record_text([ORDER]), encoding="utf-8")


def _undecodable_event_name(world: World) -> None:
    """The event file itself has a name that is not UTF-8."""
    target = Path(os.fsdecode(bytes(world.event.parent) + b"/caf\xe9.yaml"))
    world.event.rename(target)
    world.event = target


def _undecodable_deck_name(world: World) -> None:
    """A deck folder named in Latin-1, as unzipping a Windows archive leaves it."""
    folder = Path(os.fsdecode(bytes(world.decks) + b"/caf\xe9-deck"))
    folder.mkdir()
    for number in range(1, SLIDES + 1):
        (folder / f"slide{number}.png").write_bytes(image_bytes("png", size=(SIZE[0], SIZE[1] - number)))
    world.sheet_deck = folder
    world.source = folder


def _undecodable_slide_name(world: World) -> None:
    folder = world.decks / "bytes"
    build_deck(folder, slides=SLIDES - 1, size=SIZE)
    Path(os.fsdecode(bytes(folder) + b"/slide9-\xff.png")).write_bytes(image_bytes("png"))
    world.sheet_deck = folder


def _symlink_deck_out(world: World) -> None:
    outside = world.root / "outside"
    build_deck(outside, slides=SLIDES, size=SIZE)
    (world.decks / "linked").symlink_to(outside, target_is_directory=True)


def _symlink_slide_out(world: World) -> None:
    folder = build_deck(world.decks / "leaky", slides=SLIDES - 1, size=SIZE)
    (folder / "slide9.png").symlink_to("/etc/passwd")
    world.sheet_deck = folder
    world.source = folder


def _symlink_loop(world: World) -> None:
    (world.decks / "loop").symlink_to(world.decks / "loop")


def _escape_names(world: World) -> None:
    build_event(
        world.event.parent,
        world.event.stem,
        **(EVENT | {"title": "Evil \x1b]0;pwned\x07\x1b[2J", "presenters": ["Ann \x1b[31mred", "Bob"]}),
    )
    world.record.write_text(record_text([ORDER]), encoding="utf-8")


def _escape_deck(world: World) -> None:
    folder = build_deck(world.decks / "evil\x1b]0;owned\x07", slides=SLIDES, size=SIZE)
    (folder / "deck.yaml").write_text('title: "Owned \\e[2J"\nauthors: ["Eve \\e[8m"]\n', encoding="utf-8")
    world.sheet_deck = folder


def _zip_source(members: dict[str, bytes], *, compress: bool = True) -> Callable[[World], None]:
    def build(world: World) -> None:
        path = world.root / "src" / "upload.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        world.source = path

    return build


def _zip_bomb(world: World) -> None:
    """A zip whose one member says it unpacks to 3 GB (its header is all a reader may trust before unpacking)."""
    path = world.root / "src" / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("slide1.png", b"\0" * (1 << 20))
    data = bytearray(path.read_bytes())
    claimed = struct.pack("<I", 3_000_000_000)
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    data[local + 22 : local + 26] = claimed
    data[central + 24 : central + 28] = claimed
    path.write_bytes(bytes(data))
    world.source = path


def _junk_pptx(world: World) -> None:
    path = world.root / "src" / "talk.pptx"
    path.write_bytes(b"PK\x03\x04 this is not really a presentation" * 10)
    world.source = path


def _truncated_pdf(world: World) -> None:
    from tests.pdf_builders import make_pdf  # noqa: PLC0415 - only this case needs pypdfium2

    path = make_pdf(world.root / "src" / "talk.pdf", pages=SLIDES)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    world.source = path


ERROR_IMAGE = r"(not|cannot|could not|truncated|broken|damaged|corrupt|unreadable|decode|image)"


def _cases() -> list[Case]:
    cases: list[Case] = []
    # --- the event file
    cases.append(
        _event_case(
            "yaml-bomb",
            _raw_event(BILLION_LAUGHS),
            r"aliases .* not allowed",
            history=Outcome(0, r"left out .*aliases"),
        )
    )
    cases.append(
        _event_case(
            "python-tag",
            _raw_event("name: !!python/object/apply:os.system ['echo pwned']\ndecks: ../decks\npresenters: [Ada]\n"),
            r"tag .* not allowed",
            history=Outcome(0, r"left out .*tag"),
        )
    )
    cases.append(
        _event_case(
            "deep-nesting",
            _raw_event("name: x\ndecks: ../decks\npresenters: " + "[" * 5000 + "]" * 5000 + "\n"),
            r"ev\.yaml",
            history=Outcome(0, r"left out"),
        )
    )
    cases.append(_event_case("event-50mb", _huge_event, r"limit is", history=Outcome(0, r"left out .*limit")))
    cases.append(
        _event_case(
            "event-not-utf8",
            _raw_event(b"name: caf\xe9\ndecks: ../decks\npresenters: [Ada]\n"),
            r"not UTF-8",
            history=Outcome(0, r"left out .*not UTF-8"),
        )
    )
    cases.append(
        _event_case(
            "escape-names", _escape_names, r"control characters", history=Outcome(0, r"left out .*control characters")
        )
    )
    cases.append(
        _event_case("event-binary", _raw_event(bytes(range(256)) * 4), r"ev\.yaml", history=Outcome(0, r"left out"))
    )
    cases.append(Case("event-name-not-utf8", _undecodable_event_name, {}))
    # --- the record
    cases.append(record_case("record-not-a-record", "just some text\n", r"not a battledecks record"))
    cases.append(record_case("record-log-number", "format: 1\nlog: 5\n", r"not a battledecks record"))
    cases.append(record_case("record-truncated", record_text([ORDER, entry(kind="draw", presenter="Ada")])[:-30]))
    cases.append(record_case("record-unknown-kind", record_text([ORDER, entry(kind="explode")])))
    cases.append(
        record_case(
            "record-unknown-presenter",
            record_text([ORDER, entry(kind="draw", presenter="Mallory", deck="alpha", title="Alpha", seed=1)]),
        )
    )
    cases.append(record_case("record-order-not-a-list", record_text([entry(kind="order", presenters=5)])))
    cases.append(record_case("record-remove-stranger", record_text([ORDER, entry(kind="remove", presenter="Zed")])))
    cases.append(
        record_case(
            "record-score-text",
            record_text(
                [
                    ORDER,
                    entry(kind="draw", presenter="Ada", deck="alpha", title="Alpha", seed=1),
                    entry(kind="talk-start", presenter="Ada", deck="alpha"),
                    entry(kind="talk-end", presenter="Ada"),
                    entry(kind="score", presenter="Ada", judge="Judy", criterion="Style", value="ten"),
                ]
            ),
        )
    )
    cases.append(
        record_case(
            "record-score-mapping",
            record_text(
                [
                    ORDER,
                    entry(kind="draw", presenter="Ada", deck="alpha", title="Alpha", seed=1),
                    entry(kind="talk-start", presenter="Ada", deck="alpha"),
                    entry(kind="talk-end", presenter="Ada"),
                    entry(kind="score", presenter="Ada", judge=None, criterion=None, value={"a": 1}),
                ]
            ),
        )
    )
    cases.append(
        record_case(
            "record-score-off-scale",
            record_text(
                [
                    ORDER,
                    entry(kind="draw", presenter="Ada", deck="alpha", title="Alpha", seed=1),
                    entry(kind="talk-start", presenter="Ada", deck="alpha"),
                    entry(kind="talk-end", presenter="Ada"),
                    entry(kind="score", presenter="Ada", judge="Judy", criterion="Style", value=1e308 * 10),
                ]
            ),
        )
    )
    cases.append(record_case("record-binary", bytes(range(256)) * 8))
    cases.append(
        record_case("record-escape", record_text([ORDER.replace("Ada", "Ada\\u001b[2J", 1)]), r"control characters")
    )
    cases.append(record_case("record-entry-list", record_text([ORDER, "[1, 2, 3]"]), r"not a mapping with a kind"))
    # --- decks and slides
    for ext in FORMATS:
        cases.append(
            Case(
                f"truncated-{ext}",
                deck_of(f"cut-{ext}", lambda _n, e=ext: {f"slide9.{e}": _truncated(e)}),
                bad_slide(ERROR_IMAGE),
            )
        )
        cases.append(
            Case(
                f"corrupt-{ext}",
                deck_of(f"bad-{ext}", lambda _n, e=ext: {f"slide9.{e}": _corrupt(e)}),
                bad_slide(ERROR_IMAGE),
            )
        )
        cases.append(
            Case(
                f"garbage-{ext}",
                deck_of(f"junk-{ext}", lambda _n, e=ext: {f"slide9.{e}": b"not an image at all" * 40}),
                bad_slide(ERROR_IMAGE),
            )
        )
        cases.append(
            Case(
                f"empty-{ext}",
                deck_of(f"empty-{ext}", lambda _n, e=ext: {f"slide9.{e}": b""}),
                bad_slide(r"empty|not a|cannot"),
            )
        )
    cases.append(
        Case(
            "png-claims-huge",
            deck_of("huge", lambda _n: {"slide9.png": png_claiming(100_000, 100_000)}),
            bad_slide(r"too large|decompression bomb"),
        )
    )
    cases.append(
        Case(
            "png-bomb",
            deck_of("bomb", lambda _n: {"slide9.png": png_bomb()}),
            bad_slide(r"too large|decompression bomb", sheet=Outcome(1, r"too large")),
        )
    )
    cases.append(
        Case(
            "absurd-aspect",
            deck_of("thin", lambda _n: {"slide9.png": image_bytes("png", size=(4000, 2))}),
            {"check": Outcome(0, r"slide9\.png")},
        )
    )
    cases.append(Case("cmyk-jpeg", deck_of("cmyk", lambda _n: {"slide9.jpg": image_bytes("jpg", mode="CMYK")}), {}))
    cases.append(Case("sixteen-bit-png", deck_of("deep", lambda _n: {"slide9.png": _sixteen_bit_png()}), {}))
    cases.append(
        Case("palette-transparent-png", deck_of("pal", lambda _n: {"slide9.png": _palette_transparent_png()}), {})
    )
    cases.append(Case("animated-gif", deck_of("anim", lambda _n: {"slide9.gif": _animated_gif()}), {}))
    cases.append(
        Case("rgba-webp", deck_of("alpha-webp", lambda _n: {"slide9.webp": image_bytes("webp", mode="RGBA")}), {})
    )
    cases.append(Case("symlink-deck-out", _symlink_deck_out, {}))
    cases.append(Case("symlink-slide-out", _symlink_slide_out, bad_slide(r"slide9\.png")))
    cases.append(Case("symlink-loop", _symlink_loop, {"check": Outcome(1, r"loop")}))
    cases.append(Case("deck-name-not-utf8", _undecodable_deck_name, {"check": Outcome(1, r"\\xe9.*not valid UTF-8")}))
    # A slide's file name is never recorded or shown: one that is not UTF-8 is fine.
    cases.append(Case("slide-name-not-utf8", _undecodable_slide_name, {}))
    # The deck fails check and is never drawn; its contact sheet can still be made to vet it.
    cases.append(Case("escape-deck", _escape_deck, {"check": Outcome(1, r"control characters")}))
    # --- import sources
    cases.append(Case("zip-bomb", _zip_bomb, {"import": Outcome(1, r"bomb\.zip")}))
    # The unsafe entry is left out, and said; the rest is imported (inside --into).
    cases.append(
        Case(
            "zip-traversal",
            _zip_source(
                {
                    "../../evil.png": image_bytes("png"),
                    "slide2.png": image_bytes("png"),
                    "slide3.png": image_bytes("png"),
                }
            ),
            {"import": Outcome(0, r"unsafe path")},
        )
    )
    cases.append(
        Case("zip-garbage", _zip_source({"slide1.png": b"junk" * 100}), {"import": Outcome(1, r"upload\.zip")})
    )
    cases.append(Case("pptx-junk", _junk_pptx, {"import": Outcome(1, r"talk\.pptx")}))
    cases.append(Case("pdf-truncated", _truncated_pdf, {"import": Outcome(1, r"talk\.pdf")}))
    return cases


CASES = _cases()
