"""The footer every screen uses: every key of the screen, compact enough for 80 columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, str | None, bool, str], ...]


def _shown(screen: Screen) -> Shown:
    """What a footer shows of ``screen``'s keys: each key, its action and text, and whether it works now."""
    return tuple(
        (binding.key, binding.action, binding.description, binding.key_display, enabled, tooltip)
        for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
        if binding.show
    )


class KeyFooter(Footer):
    """A compact footer without the command palette key.

    It is rebuilt only when what it shows changes: Textual rebuilds a footer
    (every key a widget) whenever a screen's bindings are looked at again,
    which the lineup does on each move of the selection.
    """

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._composed: Shown | None = None

    def compose(self) -> ComposeResult:
        composed = False
        for widget in super().compose():
            composed = True
            yield widget
        # Footer yields its keys once it has been told of the screen's bindings: what it showed is kept, if anything.
        self._composed = _shown(self.screen) if composed else None

    def bindings_changed(self, screen: Screen) -> None:
        if self._composed is not None and screen is self.screen and _shown(screen) == self._composed:
            return
        super().bindings_changed(screen)
