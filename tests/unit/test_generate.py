"""The procedural deck generator: files, reproducibility, naming, and text that fits."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from PIL import Image

from battledecks import fonts
from battledecks.generate import (
    THEMES,
    _words,
    deck_seeds,
    deck_title,
    generate_deck,
    generate_decks,
    slugify,
)
from battledecks.generate._deck import _alike, _look, _plan, _start
from battledecks.generate._style import contrast
from battledecks.generate._text import fit, printable
from battledecks.generate._words import Words

SMALL = (320, 180)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_gives_byte_identical_deck(tmp_path):
    first = generate_deck(tmp_path / "a", seed=2010, theme="library", size=SMALL)
    second = generate_deck(tmp_path / "b", seed=2010, theme="library", size=SMALL)
    assert first == second
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == sorted(b)
    assert a == b


def test_different_seeds_give_different_decks(tmp_path):
    generate_deck(tmp_path / "a", seed=1, theme="tech", slides=4, size=SMALL)
    generate_deck(tmp_path / "b", seed=2, theme="tech", slides=4, size=SMALL)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    differing = [name for name in a if name.endswith(".png") and a[name] != b[name]]
    assert len(differing) == 4


def test_same_seed_other_theme_differs(tmp_path):
    generate_deck(tmp_path / "a", seed=5, theme="library", slides=3, size=SMALL)
    generate_deck(tmp_path / "b", seed=5, theme="science", slides=3, size=SMALL)
    assert _files(tmp_path / "a")["slide01.png"] != _files(tmp_path / "b")["slide01.png"]


def test_default_deck_has_twelve_numbered_slides_of_the_requested_size(tmp_path):
    generate_deck(tmp_path / "d", seed=3, theme="science", size=SMALL)
    names = sorted(p.name for p in (tmp_path / "d").iterdir())
    assert names == ["deck.yaml"] + [f"slide{i:02d}.png" for i in range(1, 13)]
    for i in range(1, 13):
        with Image.open(tmp_path / "d" / f"slide{i:02d}.png") as im:
            assert im.format == "PNG"
            assert im.size == SMALL
            assert not {"date", "time", "tIME", "Creation Time"} & set(im.info)


def test_slide_count_and_size_follow_the_arguments(tmp_path):
    generate_deck(tmp_path / "d", seed=4, theme="tech", slides=5, size=(400, 300))
    slides = sorted((tmp_path / "d").glob("slide*.png"))
    assert [p.name for p in slides] == [f"slide{i:02d}.png" for i in range(1, 6)]
    for p in slides:
        with Image.open(p) as im:
            assert im.size == (400, 300)


def test_deck_yaml_describes_the_deck(tmp_path):
    title = generate_deck(tmp_path / "d", seed=77, theme="tech", slides=2, size=SMALL)
    meta = yaml.safe_load((tmp_path / "d" / "deck.yaml").read_text(encoding="utf-8"))
    assert meta == {
        "title": title,
        "authors": ["battledecks generator"],
        "tags": ["tech", "generated"],
        "notes": "generated with seed 77",
    }
    assert title == deck_title(77, "tech")


def test_slides_are_not_blank(tmp_path):
    generate_deck(tmp_path / "d", seed=11, theme="library", size=SMALL)
    for p in sorted((tmp_path / "d").glob("slide*.png")):
        with Image.open(p) as im:
            colours = im.convert("RGB").getcolors(maxcolors=100_000)
        assert colours is not None and len(colours) > 8, p.name


def test_existing_empty_folder_is_used(tmp_path):
    (tmp_path / "d").mkdir()
    generate_deck(tmp_path / "d", seed=1, slides=2, size=SMALL)
    assert (tmp_path / "d" / "deck.yaml").exists()


def test_non_empty_folder_is_refused(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match=r"keep|not an empty folder"):
        generate_deck(tmp_path / "d", seed=1, slides=2, size=SMALL)
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["keep.txt"]


@pytest.mark.parametrize(
    "kwargs",
    [{"theme": "cooking"}, {"slides": 1}, {"size": (20, 20)}, {"size": (320.0, 180)}],
)
def test_bad_arguments_are_refused_before_writing(tmp_path, kwargs):
    with pytest.raises(ValueError):
        generate_deck(tmp_path / "d", seed=1, **{"size": SMALL, **kwargs})
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("size", [(128, 72), (180, 320), (640, 120)])
def test_odd_sizes_still_paint_every_kind(tmp_path, size):
    # 16 slides use every middle kind at least once.
    generate_deck(tmp_path / "d", seed=9, theme="library", slides=16, size=size)
    assert len(list((tmp_path / "d").glob("slide*.png"))) == 16


def test_plan_starts_with_title_ends_with_ending_and_never_repeats_a_neighbour():
    for slides in (2, 3, 12, 40):
        plan = _plan(random.Random(slides), slides)
        assert len(plan) == slides
        assert plan[0] == "title" and plan[-1] == "ending"
        assert all(a != b for a, b in zip(plan, plan[1:]))
    middle = _plan(random.Random(0), 12)[1:-1]
    assert len(set(middle)) == len(middle)


def test_generate_decks_rotates_themes_and_names_folders_after_titles(tmp_path):
    made = generate_decks(tmp_path, count=4, seed=7, slides=2, size=SMALL)
    assert len(made) == 4 and len({p.name for p in made}) == 4
    for i, folder in enumerate(made):
        meta = yaml.safe_load((folder / "deck.yaml").read_text(encoding="utf-8"))
        assert meta["tags"] == [THEMES[i % 3], "generated"]
        assert folder.parent == tmp_path
        assert folder.name == slugify(meta["title"])
        assert meta["notes"] == f"generated with seed {deck_seeds(7, 4)[i]}"


def test_generate_decks_with_one_theme(tmp_path):
    made = generate_decks(tmp_path, count=2, seed=7, theme="science", slides=2, size=SMALL)
    for folder in made:
        meta = yaml.safe_load((folder / "deck.yaml").read_text(encoding="utf-8"))
        assert meta["tags"][0] == "science"


def test_seed_in_notes_regenerates_the_same_deck(tmp_path):
    (folder,) = generate_decks(tmp_path / "set", count=1, seed=2010, slides=3, size=SMALL)
    meta = yaml.safe_load((folder / "deck.yaml").read_text(encoding="utf-8"))
    seed = int(meta["notes"].rsplit(" ", 1)[1])
    generate_deck(tmp_path / "again", seed=seed, theme=meta["tags"][0], slides=3, size=SMALL)
    assert _files(folder) == _files(tmp_path / "again")


def test_generate_decks_is_reproducible(tmp_path):
    a = generate_decks(tmp_path / "a", count=2, seed=3, slides=2, size=SMALL)
    b = generate_decks(tmp_path / "b", count=2, seed=3, slides=2, size=SMALL)
    assert [p.name for p in a] == [p.name for p in b]
    for x, y in zip(a, b):
        assert _files(x) == _files(y)


def test_generate_decks_never_reuses_an_existing_folder(tmp_path):
    taken = slugify(deck_title(deck_seeds(5, 1)[0], THEMES[0]))
    (tmp_path / taken).mkdir()
    (tmp_path / taken / "deck.yaml").write_text("title: someone else's deck\n")
    made = generate_decks(tmp_path, count=1, seed=5, slides=2, size=SMALL)
    assert made[0].name == f"{taken}-2"
    assert (tmp_path / taken / "deck.yaml").read_text() == "title: someone else's deck\n"
    assert sorted(p.name for p in (tmp_path / taken).iterdir()) == ["deck.yaml"]


def test_a_second_set_with_the_same_seed_gets_fresh_names(tmp_path):
    first = generate_decks(tmp_path, count=2, seed=8, slides=2, size=SMALL)
    second = generate_decks(tmp_path, count=2, seed=8, slides=2, size=SMALL)
    assert [p.name for p in second] == [f"{p.name}-2" for p in first]
    assert len(list(tmp_path.iterdir())) == 4


def test_clashing_names_are_case_insensitive(tmp_path):
    taken = slugify(deck_title(deck_seeds(5, 1)[0], THEMES[0]))
    (tmp_path / taken.upper()).mkdir()
    made = generate_decks(tmp_path, count=1, seed=5, slides=2, size=SMALL)
    assert made[0].name == f"{taken}-2"


def test_zero_decks_makes_nothing(tmp_path):
    assert generate_decks(tmp_path / "decks", count=0, seed=1) == []
    assert list((tmp_path / "decks").iterdir()) == []


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Synergizing the Card Catalog: A Blockchain Roadmap", "synergizing-the-card-catalog-a-blockchain-roadmap"),
        ("Caf\u00e9 \u00dcber Alles!!", "cafe-uber-alles"),
        ("  -- Web 3.0 --  ", "web-3-0"),
        ("!!!", "deck"),
        ("5 Things Toddlers Won't Tell You About Call Numbers", "5-things-toddlers-wont-tell-you-about-call-numbers"),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_long_slugs_are_cut_at_a_word():
    slug = slugify("Everything I Know About Interlibrary Loans I Learned from Competitive Cheese Rolling and Bees")
    assert len(slug) <= 80
    assert "everything-i-know-about-interlibrary-loans-i-learned-from-competitive-cheese".startswith(slug)
    assert not slug.endswith("-")


def test_fifty_decks_get_fifty_looks():
    seeds = deck_seeds(2010, 50)
    assert len(set(seeds)) == 50
    looks = [_look(seed, THEMES[i % 3]) for i, seed in enumerate(seeds)]
    # Neighbouring decks never share a background kind and a hue.
    for i in range(50):
        for j in range(max(0, i - 30), i):
            assert not _alike(looks[i], looks[j]), (i, j, looks[i], looks[j])
    palettes = [_start(seed, THEMES[i % 3])[3].palette for i, seed in enumerate(seeds)]
    assert len({(p.bg, p.accents[0]) for p in palettes}) == 50
    assert len({p.mode for p in palettes}) == 5
    for p in palettes:
        # Text stays readable on the background whatever the palette.
        assert contrast(p.text, p.bg) >= 7
        assert all(contrast(a, p.bg) >= 2.9 for a in p.accents)


def test_deck_seeds_start_from_the_plain_derivation_and_do_not_depend_on_count():
    assert deck_seeds(2010, 1)[0] == random.Random("2010:0").randrange(2**32)
    assert deck_seeds(2010, 12)[:5] == deck_seeds(2010, 5)
    assert deck_seeds(2010, 5) != deck_seeds(2011, 5)
    assert deck_seeds(2010, 5, "tech") != deck_seeds(2010, 5)


def _vocabulary() -> set[str]:
    strings: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            strings.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (tuple, list)):
            for v in value:
                walk(v)

    for name in dir(_words):
        if name.isupper():
            walk(getattr(_words, name))
    return strings


def test_every_vocabulary_character_has_a_glyph_in_the_bundled_font():
    chars = {ch for s in _vocabulary() for ch in s if not ch.isspace()}
    assert len(chars) > 40
    assert fonts.missing("".join(sorted(chars))) == ""


def test_titles_read_as_titles():
    for theme in THEMES:
        words = Words(theme, random.Random(theme))
        for _ in range(60):
            title = words.title()
            assert "{" not in title and "  " not in title
            assert " A the " not in title and " a the " not in title
            assert title[0].isupper() or title[0].isdigit()


def test_fit_keeps_text_inside_its_box():
    text = "Synergizing the Card Catalog: A Blockchain Roadmap for the Reference Desk"
    laid = fit(text, 300, 120, max_size=80, min_size=8)
    assert laid.width <= 300 and laid.height <= 120
    assert " ".join(laid.lines) == text
    assert laid.size < 80


def test_fit_uses_the_largest_size_when_there_is_room():
    laid = fit("Hi", 2000, 2000, max_size=64, min_size=8)
    assert laid.size == 64 and laid.lines == ("Hi",)


def test_fit_truncates_with_an_ellipsis_when_even_the_smallest_size_overflows():
    laid = fit("word " * 200, 200, 60, max_size=30, min_size=12)
    assert laid.height <= 60
    assert laid.lines[-1].endswith("\u2026")


def test_fit_cuts_a_word_too_long_for_the_box():
    laid = fit("Supercalifragilisticexpialidocious", 80, 400, max_size=40, min_size=20)
    assert len(laid.lines) > 1
    assert "".join(laid.lines) == "Supercalifragilisticexpialidocious"


def test_printable_keeps_accents_and_replaces_only_what_the_font_cannot_draw():
    assert printable("Caf\u00e9 \u2014 na\u00efve \u2192 \u2603") == "Caf\u00e9 \u2014 na\u00efve \u2192 \u2603"
    assert printable("Tokyo \u6771") == "Tokyo ?"
    assert printable("\u201cquoted\u201d \u00b1 1\u2026") == "\u201cquoted\u201d \u00b1 1\u2026"
