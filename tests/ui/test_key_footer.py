"""The footer shows the screen's keys, and is rebuilt only when they change (the lineup looks at its keys on every move)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from battledecks.ui.widgets.key_footer import KeyFooter
from tests.waiting import wait_until as until


class Keys(Screen[None]):
    BINDINGS = [Binding("a", "alpha", "Alpha"), Binding("b", "beta", "Beta")]

    def __init__(self) -> None:
        super().__init__()
        self.beta = True

    def compose(self) -> ComposeResult:
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.beta if action == "beta" else True

    def action_alpha(self) -> None:
        pass

    def action_beta(self) -> None:
        pass


class KeysApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Keys())


async def test_the_footer_is_rebuilt_only_when_the_keys_change() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await until(
            pilot,
            lambda: isinstance(app.screen, Keys) and len(app.screen.query_one(KeyFooter).children) == 2,
            "both keys",
        )
        screen = app.screen
        assert isinstance(screen, Keys)
        footer = screen.query_one(KeyFooter)
        shown = list(footer.children)
        for _ in range(3):
            screen.refresh_bindings()
            await pilot.pause()
        assert list(footer.children) == shown, "the footer was rebuilt though its keys had not changed"
        screen.beta = False
        screen.refresh_bindings()
        await until(pilot, lambda: len(footer.children) == 1, "the footer without the key that no longer works")
