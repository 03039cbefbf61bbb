"""Small modal dialogs: confirm, ask for a name."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from ..widgets.key_footer import KeyFooter
from .base import AppModal


class ConfirmScreen(AppModal[bool]):
    """Ask a yes/no question; dismisses with True for yes.

    Enter gives the highlighted (focused) answer: ``default`` is the answer
    that is highlighted when the question opens: yes for the next step of the
    show (start a talk), no where yes loses something (abort, remove, quit).
    y and n answer directly; Escape always says no.
    """

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 60; max-width: 90%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen Label { width: 100%; margin-bottom: 1; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(
        self, question: str, yes: str = "Yes", no: str = "No", *, default: bool = False, purpose: str = ""
    ) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.default = default
        """The answer Enter gives when the question opens."""
        self.purpose = purpose
        """What is asked (``"quit"``...), for whoever needs to know which question is open."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)  # names and titles in it show as they are
            with Horizontal():
                yield Button(f"{self.no} (n)", id="no", variant="default" if self.default else "primary")
                yield Button(f"{self.yes} (y)", id="yes", variant="success" if self.default else "error")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class AskScreen(AppModal[str | None]):
    """Ask for one line of text; dismisses with it, or None when cancelled."""

    DEFAULT_CSS = """
    AskScreen { align: center middle; }
    AskScreen > Vertical {
        width: 60; max-width: 90%; height: auto;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    AskScreen Label { width: 100%; }
    AskScreen #error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("enter", "submit", "Confirm", show=True)]

    def __init__(self, question: str, placeholder: str = "", allow_empty: bool = False) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.allow_empty = allow_empty

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)  # names and titles in it show as they are
            yield Input(placeholder=self.placeholder, max_length=80)
            yield Label("", id="error")
            yield Label("Enter to confirm, Escape to cancel", classes="muted")
        yield KeyFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text and not self.allow_empty:
            self.query_one("#error", Label).update("Please type something, or press Escape.")
            return
        self.dismiss(text)

    async def action_submit(self) -> None:
        await self.query_one(Input).action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)
