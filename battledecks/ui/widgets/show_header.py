"""The header of the host's screens: Textual's, with a title that never fails to be set.

Textual's ``Header`` sets its title from a watcher that finds its ``HeaderTitle``
child; on a busy machine that watcher can run while the screen is still being
put together or taken down, and the lookup fails (``NoMatches``). The host
would then see a header with no event name. This header sets the title
whenever its title child is there, and again once the screen has been drawn.
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widgets import Header

from ...textual_private import header_title


class ShowHeader(Header):
    """A ``Header`` whose title is set once its parts are there, however late."""

    def retitle(self) -> None:
        """Show the screen's (or the app's) title and subtitle now, if the title part is mounted."""
        try:
            header_title(self).update(self.format_title())
        except (NoMatches, NoScreen):
            return

    def on_mount(self, event: Mount) -> None:
        # In place of Header's mount handler, which would still run its
        # intolerant setter: preventing the default keeps the base classes'
        # handlers from running (Widget's only turns on the scroll bars of
        # an ``overflow: scroll`` widget, which a header is not).
        event.prevent_default()
        self.watch(self.app, "title", self.retitle)
        self.watch(self.app, "sub_title", self.retitle)
        self.watch(self.screen, "title", self.retitle)
        self.watch(self.screen, "sub_title", self.retitle)
        self.call_after_refresh(self.retitle)
