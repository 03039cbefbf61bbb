"""Screens that know their app is the battledecks app, so ``self.app.show`` is type-checked."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from ..app import BattledecksApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A full screen of the battledecks app."""

    HELP_ON_QUESTION_MARK = True
    """Whether "?" opens the help on this screen (the app's binding)."""

    if TYPE_CHECKING:
        # The running app is always a BattledecksApp: tell the type checker so.
        app: BattledecksApp


class AppModal(ModalScreen[ResultT]):
    """A dialog over a screen of the battledecks app."""

    if TYPE_CHECKING:
        app: BattledecksApp
