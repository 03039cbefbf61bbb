"""Score entry: each judge's score for each criterion, and the audience's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Grid, VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.markup import escape
from textual.widgets import Header, Input, Label, Static

from ...core.event import Scoring
from ...core.problems import BattledecksError
from ...core.scoring import format_score
from ..widgets.key_footer import KeyFooter
from ..widgets.show_header import ShowHeader
from .base import AppScreen
from .dialogs import ConfirmScreen

if TYPE_CHECKING:
    from ...room.votes import VoteDesk

AUDIENCE = "\x00audience"
"""Key of the audience row (no judge can have this name)."""


class ScoreValidator(Validator):
    """Accepts an empty field or a score on the event's scale."""

    def __init__(self, scoring: Scoring) -> None:
        super().__init__()
        self.scoring = scoring

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            score = float(value)
        except ValueError:
            return self.failure("not a number")
        s = self.scoring
        if not s.valid_score(score):
            steps = "" if s.step == 1 else f" in steps of {s.step:g}"
            return self.failure(f"scores run from {s.low:g} to {s.high:g}{steps}")
        return self.success()


class ScoreInput(Input):
    """One score field, tied to a judge (or the audience) and a criterion."""

    def __init__(
        self,
        judge: str,
        criterion: str | None,
        value: float | None,
        scoring: Scoring,
        save: Callable[[ScoreInput], object],
        **kwargs,  # noqa: ANN003
    ) -> None:
        fractional = scoring.step != int(scoring.step) or scoring.low != int(scoring.low)
        digits = len(str(int(scoring.high)))
        super().__init__(
            value=format_score(value),
            placeholder=f"{scoring.low:g}–{scoring.high:g}",
            # Only characters a score can have, and no longer than the highest one.
            restrict=rf"\d{{0,{digits}}}(\.\d{{0,2}})?" if fractional else rf"\d{{0,{digits}}}",
            validators=[ScoreValidator(scoring)],
            validate_on=["changed", "submitted", "blur"],
            **kwargs,
        )
        self.judge = judge
        self.criterion = criterion
        self.saved = value
        self.save = save
        """Saves the field as it stands: called as the field is left."""

    _EDITING = BindingsMap(Input.BINDINGS)
    """The field's own keys: Backspace, Delete, the arrows, Home, End..."""

    async def on_key(self, event: events.Key) -> None:
        # Textual runs a widget's own key bindings once the key has bubbled up to the app, on whichever
        # widget has focus by then: a Backspace typed before a fast Tab would delete in the next field. The
        # field runs them itself, in the order the keys came. (Typed characters go on to Input as before.)
        for binding in self._EDITING.key_to_bindings.get(event.key, ()):
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return

    def on_blur(self, event: events.Blur) -> None:
        # Saved here, in the order of this field's own keys: its Blurred message reaches the screen later,
        # when more may have been typed in it (Tab, then Shift+Tab back and a correction).
        self.save(self)


def _who(field: Input) -> str:
    """The field in the host's words: "J1 · Style" or "audience"."""
    if not isinstance(field, ScoreInput) or field.judge == AUDIENCE:
        return "audience"
    return f"{field.judge} · {field.criterion}"


class ScoresScreen(AppScreen[None]):
    """Enter or correct the scores of one presenter's talk."""

    HELP_ON_QUESTION_MARK = False
    """"?" is typed into the score fields: help is on F1 here."""

    DEFAULT_CSS = """
    ScoresScreen #heading { height: auto; padding: 0 1; }
    ScoresScreen #grid { grid-gutter: 0 1; height: auto; padding: 0 1; }
    ScoresScreen #grid Label { height: 3; content-align: left middle; width: 100%; }
    ScoresScreen #grid .head { text-style: bold; }
    ScoresScreen #message { height: auto; padding: 0 1; }
    ScoresScreen #message.-error { color: $error; }
    ScoresScreen ScoreInput { width: 100%; }
    """
    BINDINGS = [
        # Both read every field: they act as the key is read, wait for the fields to take the keys typed
        # before them (_settled), while the keys typed after them wait their turn.
        Binding("escape", "close", "Back to lineup", priority=True),
        Binding("ctrl+s", "save_all", "Save", priority=True),
        Binding("f1", "show_help", "Help"),
        Binding("f2", "vote", "Phone vote"),
        # Keys that leave a field act the moment they are read, before the keys typed after them are handed
        # on: Textual gives each key to the widget focused when the key is read, so a Tab acted on later (by
        # the field, then the screen) let "8 Tab 7" typed in one burst land as "87" in the first field. Each
        # field saves itself as it is left, after every key it was given (ScoreInput._on_blur).
        Binding("tab,down", "next_field", "Next field", show=False, priority=True),
        Binding("shift+tab,up", "previous_field", "Previous field", show=False, priority=True),
        # Enter moves on only from a score that saves: it waits for the field to take the keys typed before
        # it, while those typed after it wait their turn, as Escape and Ctrl+S do.
        Binding("enter", "save_field", "Save and next", show=False, priority=True),
    ]

    def __init__(self, presenter: str, round: int = 1) -> None:
        super().__init__()
        self.presenter = presenter
        self.round = round
        self._unsaved: dict[ScoreInput, str] = {}
        """Fields left holding a value that could not be saved, and why: the message line keeps saying so."""

    def compose(self) -> ComposeResult:
        show = self.app.show
        scoring = show.event.scoring
        turn = show.presenter(self.presenter, self.round)
        criteria = [c.name for c in scoring.criteria]
        yield ShowHeader(show_clock=True, icon="")
        deck = turn.title or turn.deck or ""
        round_text = f" · sudden death round {self.round - 1}" if self.round > 1 else ""
        yield Static(
            f"[b]Scores for {escape(self.presenter)}[/b] · {escape(deck)}{round_text}\n"
            f"[dim]Scale {scoring.low:g} to {scoring.high:g}"
            + (f" in steps of {scoring.step:g}" if scoring.step != 1 else "")
            + " · Enter or Tab saves a field · a changed score is recorded as a correction[/dim]",
            id="heading",
        )
        with VerticalScroll():
            columns = len(criteria) + 1
            grid = Grid(id="grid")
            grid.styles.grid_size_columns = columns
            grid.styles.grid_columns = "24 " + " ".join(["1fr"] * len(criteria))
            with grid:
                if scoring.judges:
                    yield Label("Judge", classes="head")
                    for name in criteria:
                        weight = next(c.weight for c in scoring.criteria if c.name == name)
                        yield Label(name + (f" ×{weight:g}" if weight != 1 else ""), classes="head", markup=False)
                    for judge in scoring.judges:
                        yield Label(judge, markup=False)
                        for name in criteria:
                            yield ScoreInput(judge, name, turn.scores.get((judge, name)), scoring, self._save)
                if scoring.audience:
                    yield Label("Audience", classes="head")
                    # A phone vote's result is a mean: the audience field takes hundredths then.
                    audience_scale = replace(scoring, step=0.01) if scoring.audience_vote else scoring
                    yield ScoreInput(AUDIENCE, None, turn.audience, audience_scale, self._save, id="audience")
                    for _ in criteria[1:]:
                        yield Label("")
        yield Static("", id="message", markup=False)
        desk = self._desk()
        if desk is not None:
            from ..widgets.vote_panel import VotePanel  # the vote modules load only when the room votes

            yield VotePanel(desk, self.presenter, self.round, id="vote")
        yield KeyFooter()

    def on_mount(self) -> None:
        first = next((i for i in self.query(ScoreInput) if not i.value), None)
        (first or self.query(ScoreInput).first()).focus()

    def action_next_field(self) -> None:
        self.focus_next(ScoreInput)

    def action_previous_field(self) -> None:
        self.focus_previous(ScoreInput)

    async def action_save_field(self) -> None:
        field = self.focused
        if not isinstance(field, ScoreInput):
            return
        await self._settled([field])
        if field is self.focused and self._save(field):
            self.focus_next(ScoreInput)

    def _message(self, text: str, error: bool = False) -> None:
        if not error and self._unsaved:
            # A field left unsaved is said until it is put right, whatever else is typed meanwhile.
            text, error = next(iter(self._unsaved.values())), True
            if len(self._unsaved) > 1:
                text += f" · {len(self._unsaved) - 1} more not saved"
        message = next(iter(self.query("#message").results(Static)), None)
        if message is None:  # the screen is closing
            return
        message.update(text)
        message.set_class(error, "-error")

    def _not_saved(self, field: ScoreInput, reason: str) -> None:
        self._unsaved[field] = f"{_who(field)}: {field.value} not saved ({reason})"
        self._message(self._unsaved[field], error=True)

    def _save(self, field: ScoreInput) -> bool:
        """Save one field if it is valid and changed; False if it is invalid."""
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            self._not_saved(field, result.failure_descriptions[0])
            return False
        value = float(field.value) if field.value.strip() else None
        if value is not None and value == int(value):
            value = int(value)
        if value == field.saved:
            self._unsaved.pop(field, None)
            return True
        judge = None if field.judge == AUDIENCE else field.judge
        try:
            self.app.show.score(self.presenter, judge, field.criterion, value, self.round)
        except BattledecksError as error:
            self._not_saved(field, str(error))
            return False
        self._unsaved.pop(field, None)
        if field.saved is None:
            self._message(f"Saved {_who(field)}: {format_score(value)}")
        else:
            self._message(f"Corrected {_who(field)}: {format_score(field.saved)} → {format_score(value) or 'none'}")
        field.saved = value
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        field = event.input
        if not (isinstance(field, ScoreInput) and field.has_focus):
            # Typed before the field was left (and saved itself, which said how that went): old news.
            return
        self._unsaved.pop(field, None)  # being put right: said again on leaving if it still cannot be saved
        if event.validation_result is not None and not event.validation_result.is_valid:
            self._message(f"{_who(field)}: {event.validation_result.failure_descriptions[0]}", error=True)
        else:
            self._message("")

    async def _settled(self, fields: list[ScoreInput] | None = None) -> None:
        """Wait until the fields (all by default) have taken the keys already handed to them, and saved
        themselves if they were left."""
        loop = asyncio.get_running_loop()
        waits = []
        for field in self.query(ScoreInput) if fields is None else fields:
            done: asyncio.Future[None] = loop.create_future()
            if field.call_later(done.set_result, None):
                waits.append(done)
        if waits:
            # A field closed meanwhile never answers: the screen goes on rather than hang.
            await asyncio.wait(waits, timeout=5)

    async def action_save_all(self) -> bool:
        await self._settled()
        ok = all([self._save(field) for field in self.query(ScoreInput)])
        if ok:
            self._message("All scores saved.")
        return ok

    # --- the room's vote from their phones (run --serve, scoring.audience.vote: phones) ---

    def _desk(self) -> VoteDesk | None:
        return self.app.votes

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._desk() is not None if action == "vote" else True

    def action_vote(self) -> None:
        from ..widgets.vote_panel import VotePanel

        try:
            said = self.query_one(VotePanel).toggle()
        except BattledecksError as error:
            self._message(str(error), error=True)
            return
        audience = next(iter(self.query("#audience").results(ScoreInput)), None)
        if audience is not None:
            value = self.app.show.presenter(self.presenter, self.round).audience
            with audience.prevent(Input.Changed):
                audience.value, audience.saved = format_score(value), value
        self._message(said)

    def action_show_help(self) -> None:
        # "?" would be typed into the focused score field, so help is on F1 here.
        self.app.action_help()

    def incomplete(self) -> dict[str, list[str]]:
        """Judges who scored some criteria of this talk but not all: judge -> criteria still blank."""
        scoring = self.app.show.event.scoring
        scores = self.app.show.presenter(self.presenter, self.round).scores
        criteria = [c.name for c in scoring.criteria]
        missing: dict[str, list[str]] = {}
        for judge in scoring.judges:
            blank = [c for c in criteria if (judge, c) not in scores]
            if blank and len(blank) < len(criteria):
                missing[judge] = blank
        return missing

    async def action_close(self) -> None:
        if not await self.action_save_all():
            return
        missing = self.incomplete()
        if not missing:
            self.dismiss(None)
            return
        lines = [f"{judge} has no {' or '.join(blank)} score" for judge, blank in missing.items()]
        question = (
            "; ".join(lines) + ". A judge's scores count only once all their criteria are in: "
            f"until then the total leaves {'them' if len(missing) == 1 else 'those judges'} out. Leave anyway?"
        )

        def answer(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)
                return
            judge, blank = next(iter(missing.items()))
            field = next(f for f in self.query(ScoreInput) if f.judge == judge and f.criterion == blank[0])
            field.focus()

        self.app.push_screen(ConfirmScreen(question, yes="Leave anyway", no="Finish scoring"), answer)
