"""The standings screen at 80x24: the result columns are all on screen, titles give way."""

from __future__ import annotations

from pathlib import Path

from battledecks.core.show import Show
from tests.builders import build_deck, build_event, present

JUDGES = ["Jessamyn West", "Stephen Abram", "Sarah Houghton"]


async def test_standings_keep_the_total_at_80x24_even_when_they_scroll(tmp_path: Path, seeds, wall, make_app) -> None:  # noqa: ANN001
    for i, title in enumerate(
        [
            "The Scalable Centrifuge: Lessons from the Field Station",
            "Quarterly Synergy Review of Underwater Basket Weaving Initiatives",
            "Disrupting the Disruptors: A Post-Mortem",
            "Gamification of the Reference Interview: A Longitudinal Study",
            "Why Llamas Are the Future of Interlibrary Loan Logistics",
            "Mindfulness and the Future of the Library Cat",
            "Growth Hacking and the Future of the Password Manager",
        ]
    ):
        build_deck(tmp_path / "decks" / f"deck-{i}", title=title)
    path = build_event(
        tmp_path / "events",
        name="night",
        order="listed",
        presenters=[
            "Janie Hermann",
            "Angie Manfredi",
            "Toby Greenwalt",
            "Michael Sauers",
            "Zoë O'Brien-Ñúñez",
            "Ann Lee",
        ],
        topics=["Why our library needs a zeppelin fleet", "The future of the past", "Cats", "Dogs", "Owls", "Bats"],
        scoring={"judges": JUDGES, "criteria": ["Style", "Humour", {"name": "Fit to the slides", "weight": 2}]},
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    talks = (
        ("Janie Hermann", (7, 8, 7)),
        ("Angie Manfredi", (8, 8, 10)),
        ("Toby Greenwalt", (5, 6, 7)),
        ("Michael Sauers", (6, 6, 6)),
        ("Zoë O'Brien-Ñúñez", (5, 5, 5)),
        ("Ann Lee", (4, 4, 4)),
    )
    for name, values in talks:
        show.draw_for(name, 1)
        present(show, name)
        for judge in JUDGES:
            for criterion, value in zip(("Style", "Humour", "Fit to the slides"), values):
                show.score(name, judge, criterion, value + (judge == JUDGES[2] and criterion == "Style"))
        show.score(name, None, None, 9)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        lines = ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]
        header = next(line for line in lines if "Rank" in line)
        assert header.split()[-3:] == ["Judges", "Audience", "Total"]
        angie = next(line for line in lines if "Angie Manfredi" in line and line.split()[0] == "1")
        assert angie.split()[-3:] == ["36.33", "9", "36.33"]
        janie = next(line for line in lines if "Janie Hermann" in line and line.split()[0] == "2")
        assert janie.split()[-3:] == ["29.33", "9", "29.33"]
        assert all(len(line.rstrip()) <= 80 for line in lines)
