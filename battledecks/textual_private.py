"""Every use battledecks makes of a private Textual or Rich name, each behind a small named function or class.

Textual is pinned (``textual==8.2.8`` in pyproject.toml) because of what is
here. Nothing else in battledecks may use a private Textual or Rich name:
``tests/unit/test_code_rules.py`` fails if one appears anywhere else, and
``tests/ui/test_textual_private.py`` checks what each function below really
does (a slide painted, an error survived, a strip's text), so an upgrade that
changes one of these names fails there first.

The eight private names (seven of Textual's, one of Rich's), where they are
used, and why no public API does it (checked against Textual 8.2.8 and Rich 15):

1. ``App._driver`` (:func:`write_raw`), for ``ui/widgets/slide_view.py``:
   sixel and kitty pictures are raw bytes written between two of Textual's
   frames. Textual's output is strips of styled text; no public call writes
   bytes to the terminal.
2. ``Screen._dirty_widgets`` and ``Screen._on_timer_update`` (:func:`paint_now`),
   for ``ui/screens/stage.py`` and ``ui/audience/app.py``: a new slide is
   written to the terminal at once. ``Widget.refresh`` only marks it for the
   next frame of Textual's 60 Hz beat, up to 17 ms late for a slide due to
   the millisecond; there is no public "paint now".
3. ``Strip._render_cache`` (:func:`prime_strip`), for ``render/halfcell.py``:
   a half-cell slide's strips are built with their terminal text, which
   showing them then only joins. ``Strip.render`` fills this same cache, but
   only by working the text out again from the styles.
4. Rich's ``Style._ansi`` (:func:`prime_style`), for ``render/halfcell.py``:
   a colour pair's SGR codes are known when its style is made; Rich keeps
   them here and has no public way to hand them over.
5. ``MessagePump._dispatch_message`` (:func:`install_dispatch_guard`), for
   ``ui/survive.py``: once the show has started, an exception a screen's or
   widget's handler lets out is reported and that widget goes on taking
   messages. Textual ends the app and stops the widget's message loop; it
   has no public hook for a handler's exception. Replaced process-wide, once;
   apps without a guard that takes the error keep Textual's handling.
6. ``App._handle_exception`` (:class:`ErrorHookApp`), for ``ui/app.py``: the
   same for an exception from a timer's callback or a ``call_next`` or idle
   callback. Textual hands those to this method, which ends the app; it is
   the only hook for them.
7. ``textual.widgets._header.HeaderTitle`` (:func:`header_title`), for
   ``ui/widgets/show_header.py``: the header sets its title itself, tolerating
   a title part that is not mounted yet (or any more). Textual's ``Header``
   has no public handle on its title part.

Private names no longer used, because a public API does the same:

* ``textual._context.active_app``: ``MessagePump.app`` already looks there first.
* ``App._exit``: ``App.return_code`` is set by the same ``App.exit``.
* ``Widget._on_mount`` (and overriding ``Header._on_mount``): a public ``on_mount``
  handler that calls ``event.prevent_default()`` keeps ``Header``'s own from running.
* ``Footer._bindings_ready``: the footer knows it has shown keys by what
  ``Footer.compose`` yielded.
"""

from __future__ import annotations

from asyncio import CancelledError
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from rich.style import Style
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.widgets import Header, Static

ReturnType = TypeVar("ReturnType")

DispatchGuard = Callable[[MessagePump, Exception], bool]
"""Given the pump whose handler raised and the error: True when it has dealt with the error."""


# --- 1. App._driver -------------------------------------------------------------------


def write_raw(app: App[object], data: str) -> int:
    """Write ``data`` to the terminal now, between two of Textual's frames.

    Returns:
        Characters written: 0 when there is no driver (the app is not
        running) or nothing to write. A headless app's driver writes nowhere.
    """
    driver = getattr(app, "_driver", None)
    if driver is None or not data:
        return 0
    driver.write(data)
    driver.flush()
    return len(data)


# --- 2. Screen._dirty_widgets, Screen._on_timer_update ---------------------------------


def paint_now(screen: Screen[Any], widget: Widget) -> None:
    """Write ``widget`` to the terminal now rather than at the screen's next 60 Hz frame.

    Does nothing if Textual no longer has the two names (the widget is then
    painted at the next frame, as any other).
    """
    # Textual's own frame callback, handed the widget as the one to redraw.
    dirty = getattr(screen, "_dirty_widgets", None)
    paint = getattr(screen, "_on_timer_update", None)
    if isinstance(dirty, set) and callable(paint):
        dirty.add(widget)
        paint()


# --- 3. Strip._render_cache; 4. Style._ansi -----------------------------------------------


def prime_strip(strip: Strip, text: str) -> None:
    """Give ``strip`` the terminal text ``Strip.render`` would work out for it (styles and reset codes included)."""
    strip._render_cache = text


def prime_style(style: Style, sgr: str) -> None:
    """Give ``style`` its SGR parameters (``"38;2;255;0;0;48;5;16"``), as Rich would work them out for it."""
    style._ansi = sgr


# --- 5. MessagePump._dispatch_message --------------------------------------------------

_original_dispatch = MessagePump._dispatch_message
_guards: list[DispatchGuard] = []


async def _guarded_dispatch(self: MessagePump, message: Message) -> None:
    try:
        await _original_dispatch(self, message)
    except CancelledError:
        raise
    except Exception as error:
        if not any(guard(self, error) for guard in list(_guards)):
            raise


def install_dispatch_guard(guard: DispatchGuard) -> None:
    """Hand every exception a message handler lets out to ``guard`` first, in every app of the process.

    When ``guard`` returns True the error is dealt with: the pump (screen,
    widget or app) goes on to its next message. Otherwise Textual's own
    handling applies (the app ends). Installing the same guard again does
    nothing.
    """
    if guard not in _guards:
        _guards.append(guard)
    if MessagePump._dispatch_message is not _guarded_dispatch:
        MessagePump._dispatch_message = _guarded_dispatch  # type: ignore[method-assign]


# --- 6. App._handle_exception ------------------------------------------------------------


class ErrorHookApp(App[ReturnType]):
    """An app that may keep running after an exception from a timer's callback, a ``call_next`` or an idle callback."""

    def keep_running_after(self, error: Exception) -> bool:
        """True when ``error`` has been dealt with and the app goes on; False (here) ends it, as Textual does."""
        return False

    def _handle_exception(self, error: Exception) -> None:
        if self.keep_running_after(error):
            return
        super()._handle_exception(error)


# --- 7. textual.widgets._header.HeaderTitle ----------------------------------------------


def header_title(header: Header) -> Static:
    """The part of ``header`` that shows the title and subtitle.

    Raises:
        NoMatches: The title part is not mounted (yet, or any more).
        NoScreen: The header is not on a screen.
    """
    # Imported here: the header's module is not needed where only the strips above are.
    from textual.widgets._header import HeaderTitle

    return header.query_one(HeaderTitle)
