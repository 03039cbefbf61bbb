"""The show survives its own bugs: an exception in a screen or widget is logged and said, not fatal.

Textual ends the app on any exception a handler lets out, and the widget
whose handler raised stops taking messages (its keys, its timers) even if the
app is told to carry on. During a live event that would freeze the stage in
front of the audience. So, once the show has started:

* every message a battledecks app's screens and widgets handle is dispatched
  through a guard: an exception is reported and the widget goes on taking its
  next message;
* an exception from a timer callback or an idle callback (which Textual
  hands to the app) is reported the same way instead of ending the app.

Reported means: the traceback is appended to ``NAME.errors.log`` beside the
event's record, and the host sees a notice (the same error at most once every
:data:`NOTICE_EVERY` seconds, so a widget that fails on every frame cannot
bury the screen). The talk clock and the record live in the core
:class:`~battledecks.core.show.Show`, which a failing widget does not touch.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.message_pump import MessagePump

from ..textual_private import install_dispatch_guard

NOTICE_EVERY = 10.0
"""Seconds between two notices of the same error."""

REPORTED: list[BaseException] = []
"""Every error reported in this process, newest last (the tests look here: a bug must not pass unseen)."""


def _guard(pump: MessagePump, error: Exception) -> bool:
    """An error a handler let out: reported when ``pump``'s app keeps bugs, else left to Textual."""
    keeper = _keeper_of(pump)
    if keeper is None:
        return False
    keeper.report(error, where=pump)
    return True


def _keeper_of(pump: MessagePump) -> BugKeeper | None:
    try:
        app = pump.app
    except Exception:  # noqa: BLE001 - no app (yet): Textual's own handling applies
        return None
    keeper = getattr(app, "bug_keeper", None)
    return keeper if isinstance(keeper, BugKeeper) and keeper.armed else None


def install() -> None:
    """Route every message dispatch through the guard (once per process; apps opt in with a BugKeeper)."""
    install_dispatch_guard(_guard)


def errors_log_for(event_path: Path) -> Path:
    """``events/demo.yaml`` keeps its errors in ``events/demo.errors.log``, beside its record."""
    return event_path.with_name(event_path.stem + ".errors.log")


class BugKeeper:
    """Logs and announces the app's own errors once the show has started (see the module's text)."""

    def __init__(
        self, log_path: Path, notify: Callable[[str], None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.log_path = log_path
        """Where tracebacks are appended."""
        self.notify = notify
        """Tells the host (a notice on screen)."""
        self.clock = clock
        self.armed = False
        """Off until the show has started: an app that cannot even start fails as usual."""
        self.count = 0
        """Errors reported so far."""
        self._last_notice: dict[tuple[str, str], float] = {}

    def report(self, error: BaseException, where: object = None) -> None:
        """Log ``error`` beside the record and tell the host; never raises."""
        self.count += 1
        REPORTED.append(error)
        frames = traceback.extract_tb(error.__traceback__)
        place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        try:
            self._log(error, where)
            logged = f" Details are in {self.log_path.name}."
        except Exception:  # noqa: BLE001 - a full disk must not turn a bug into a crash
            logged = ""
        key = (type(error).__name__, place)
        now = self.clock()
        last = self._last_notice.get(key)
        if last is not None and now - last < NOTICE_EVERY:
            return
        self._last_notice[key] = now
        try:
            self.notify(
                f"battledecks hit a bug ({type(error).__name__}: {str(error)[:120]}). The show goes on: "
                f"the talk's time and the record are safe.{logged}"
            )
        except Exception:  # noqa: BLE001
            pass

    def _log(self, error: BaseException, where: object) -> None:
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        with self.log_path.open("a", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"--- {stamp} in {where!r}\n{text}\n")


def arm(app: Any, keeper: BugKeeper) -> None:
    """Give ``app`` its keeper and start guarding."""
    install()
    app.bug_keeper = keeper
    keeper.armed = True
