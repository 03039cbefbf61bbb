"""The /vote page for phones, and the desk that runs voting rounds for the host.

``GET /vote`` is a plain HTML form (it works without JavaScript); with
JavaScript the page sends votes with ``fetch`` and follows the rounds by long
polling ``GET /vote/state?since=VERSION``. ``POST /vote`` takes one score
(form-encoded) and answers with the page again, or with JSON when asked
(``Accept: application/json``). Nothing here changes the show: a vote goes
to the vote store; only the host's commands open and close rounds.
"""

from __future__ import annotations

import asyncio
import html
import json
import socket
import string
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlsplit

from aiohttp import web

from .votes import REASONS, Accepted, Refused, Result, Round, Scale, VoteError, VoteStore, _num
from .votes_link import qr_svg, vote_url

if TYPE_CHECKING:
    from battledecks.core.show import Show

COOKIE = "bdvote"
COOKIE_AGE = 24 * 3600
MAX_BODY = 4096
LONG_POLL = 25.0
"""Seconds a ``/vote/state`` request waits for a change before answering anyway."""

STATUS = {"closed": 409, "replay": 409, "room-code": 403, "forged": 403, "range": 422, "malformed": 422, "rate": 429}

DESK_KEY: web.AppKey[VoteDesk] = web.AppKey("vote_desk")


class VoteDesk:
    """What the phones see of voting, and the host's commands for it.

    ``opener`` and ``closer`` are the show's commands (they write the
    record); the desk keeps the store in step with them and wakes the
    phones waiting for a change. The host's commands (:meth:`open`,
    :meth:`close`) run on the app's thread; the pages, :meth:`wait` and the
    votes run on the room server's thread: a round's change is made whole
    before :attr:`version` goes up, and the phones waiting on the server's
    loop are woken through it (``call_soon_threadsafe``). The store decides
    which votes count: one acknowledged before a round closes is in its
    result, one arriving after is refused.
    """

    def __init__(
        self,
        store: VoteStore,
        event_name: str,
        *,
        opener: Callable[[str, int], int] | None = None,
        closer: Callable[[Result], object] | None = None,
    ) -> None:
        self.store = store
        self.event_name = event_name
        self.opener = opener
        """Record a round opening for (presenter, turn); returns the round's id."""
        self.closer = closer
        """Record a round's result."""
        self.version = 0
        """Goes up with every round opened or closed."""
        self._changed: asyncio.Event | None = None
        """Set when the version goes up; made and set on the loop the phones wait on."""
        self._waiting_loop: asyncio.AbstractEventLoop | None = None
        self.pages: dict[object, str] = {}
        """The page as most phones load it and the state as JSON, made once per version."""
        self.last: Result | None = None
        """The last round closed in this session."""
        self._next_id = max((r.id for r in store.results()), default=0) + 1
        self.phone_url: str | None = None
        """What the QR code says: this server's /vote with the room code, as phones reach it."""
        self.announce: Callable[[str], None] | None = None
        """Tells the audience screens the vote changed (the room server's ``publish``)."""
        self.step: tuple[int, int] | None = None
        """In the vote on every presenter at the end: the open vote's place (1 of 5)."""

    # --- the host's commands ----------------------------------------------------

    def open(self, presenter: str, turn: int = 1, round_id: int | None = None, step: tuple[int, int] | None = None) -> Result:
        """Open a vote on ``presenter`` (or reopen ``round_id``); ``step``: its place in the vote on every presenter."""
        if self.store.open_round is not None:
            raise VoteError(f"voting on {self.store.open_round.presenter} is still open: close it first")
        if round_id is None:
            round_id = self.opener(presenter, turn) if self.opener else self._next_id
        result = self._open_in_store(round_id, presenter, turn, step)
        self._next_id = max(self._next_id, round_id + 1)
        self.step = step
        self._bump()
        if self.announce is not None:
            self.announce("vote")  # the record's vote-open went out before the store opened
        return result

    def _open_in_store(self, round_id: int, presenter: str, turn: int, step: tuple[int, int] | None) -> Result:
        return self.store.open(round_id, presenter, turn)

    def close(self) -> Result:
        """Close the open vote; the record gets its result."""
        result = self.store.close_round()
        self.last = result
        self.step = None
        self._bump()
        if self.closer:
            self.closer(result)
        return result

    def _bump(self) -> None:
        self.version += 1
        self.pages.clear()
        loop = self._waiting_loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake()
        else:
            try:
                loop.call_soon_threadsafe(self._wake)
            except RuntimeError:
                pass  # that loop has ended: nobody waits on it

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait(self, since: int, timeout: float) -> None:
        """Until the version is past ``since``, or ``timeout`` seconds."""
        self._waiting_loop = asyncio.get_running_loop()  # before the version is read: a bump from now on wakes this loop
        if self.version != since:
            return
        if self._changed is None:
            self._changed = asyncio.Event()
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            pass

    # --- what a phone sees ---------------------------------------------------------

    def public(self) -> dict[str, Any]:
        """What the audience screens show of the vote: the QR code's address, the room code, the count."""
        current = self.store.open_round
        tally = self.store.tally()
        return {
            "open": current is not None,
            "presenter": current.presenter if current else None,
            "round": current.turn if current else None,
            "url": self.phone_url,
            "code": self.store.code,
            "count": tally.count if tally else 0,
            "step": self._step_text(),
        }

    def _step_text(self) -> str:
        """"2 of 5" during the vote on every presenter at the end, else ""."""
        return f"{self.step[0]} of {self.step[1]}" if self.step and self.store.open_round else ""

    def state_json(self) -> str:
        """:meth:`state` as JSON, made once per version."""
        cached = self.pages.get(("state", self.version))
        if cached is None:
            state = self.state()
            cached = self.pages[("state", state["version"])] = json.dumps(state)
        return cached

    def state(self) -> dict[str, Any]:
        current = self.store.open_round
        if current is not None:
            title = f"Vote for {current.presenter}" + (f" ({step})" if (step := self._step_text()) else "")
            closed_text = ""
        elif self.last is not None:
            title = f"Voting on {self.last.presenter} is closed"
            closed_text = "The host will open the next vote: keep this page open."
        else:
            title = "Voting is not open yet"
            closed_text = "The host opens voting after a talk: keep this page open."
        return {
            "version": self.version,
            "event": self.event_name,
            "open": current is not None,
            "presenter": current.presenter if current else None,
            "round": current.id if current else 0,
            "title": title,
            "closed_text": closed_text,
        }


@dataclass(frozen=True)
class RecordedVotes:
    """Where the record says the phones' votes stand: what a vote store follows when the event is opened again."""

    open_round: Round | None
    closed: list[int]
    """Every round the record has closed."""
    last: Result | None
    """The result of the last round closed (the phones are told it is closed)."""


def recorded_votes(show: Show) -> RecordedVotes:
    current = show.current_vote
    rounds = show.vote_rounds()
    counted = [v for v in rounds if not v.open and v.votes is not None]
    last = counted[-1] if counted else None
    return RecordedVotes(
        Round(current.id, current.presenter, current.round) if current else None,
        [v.id for v in rounds if not v.open],
        Result(last.id, last.presenter, last.round, last.votes or 0, last.mean) if last else None,
    )


def scale_of(show: Show) -> Scale:
    scoring = show.event.scoring
    return Scale(scoring.low, scoring.high, scoring.step)


D = TypeVar("D", bound="VoteDesk")


def show_desk(show: Show, store: Any, last: Result | None, kind: type[D]) -> D:
    """A desk of ``kind`` on ``store`` whose commands go through the show: opening a vote writes
    ``vote-open``, closing writes the result (``vote-close`` and the audience score)."""
    desk = kind(
        store, show.event.name,
        opener=lambda presenter, turn: show.open_vote(presenter, turn).id,
        closer=lambda result: show.close_vote(result.count, result.mean),
    )
    desk.last = last
    return desk


def desk_for_show(show: Show) -> VoteDesk | None:
    """The vote desk of a show whose event votes by phone (None otherwise), in step with its record.

    When the event is opened again, an open vote is open again here with
    every vote it had.
    """
    if show.event.scoring.audience_vote != "phones":
        return None
    store = VoteStore.for_event(show.event.path, scale_of(show))
    try:
        recorded = recorded_votes(show)
        store.sync(recorded.open_round, closed=recorded.closed)
    except BaseException:
        store.close()
        raise
    return show_desk(show, store, recorded.last, VoteDesk)


def phone_base(server_url: str) -> str:
    """The server's address as a phone on the room's network reaches it.

    A server on every interface (0.0.0.0 or ::) is given this machine's
    address on its default route (found without sending anything).
    """
    parts = urlsplit(server_url)
    host = parts.hostname or ""
    if host in ("0.0.0.0", "::"):
        family = socket.AF_INET6 if host == "::" else socket.AF_INET
        probe = ("2001:db8::1", 9) if host == "::" else ("192.0.2.1", 9)
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect(probe)
                host = s.getsockname()[0]
        except OSError:
            host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{parts.port}"


def attach_votes(server: Any, show: Show, app: Any) -> VoteDesk | None:
    """Serve phone votes from the room server's own process when the event votes by phone; the desk, or None.

    Adds the /vote routes and has the audience screens follow the vote (see
    :func:`follow_votes`). ``battledecks run --serve`` takes the votes in a
    process of their own instead (:func:`battledecks.room.votes_worker.attach_vote_worker`).
    Call in the app's running loop, before the server starts.
    """
    desk = desk_for_show(show)
    if desk is None:
        return None
    desk.phone_url = vote_url(phone_base(server.url), desk.store.code)
    server.routes.append(lambda web_app: add_vote_routes(web_app, desk))
    follow_votes(server, desk, app)
    return desk


def follow_votes(server: Any, desk: VoteDesk, app: Any) -> None:
    """Put the vote (open or not, address, room code, count) in the state the audience screens follow.

    Sends the live count to them at most twice a second, and hands the desk
    to the app (F2 on the scores screen). Call in the app's running loop.
    """
    server.view.vote_state = desk.public
    desk.announce = server.publish
    app.votes = desk
    loop = asyncio.get_running_loop()
    pending = False

    def flush() -> None:
        nonlocal pending
        pending = False
        server.publish("votes")

    def counted(_: Result) -> None:  # on the thread that learnt of the commit
        nonlocal pending
        if not pending:
            pending = True
            loop.call_soon_threadsafe(loop.call_later, 0.5, flush)

    desk.store.listeners.append(counted)


# --- the page ---------------------------------------------------------------------


def _template() -> string.Template:
    text = resources.files("battledecks.room").joinpath("static/vote.html").read_text(encoding="utf-8")
    return string.Template(text)


_TEMPLATE: string.Template | None = None


def render_page(desk: VoteDesk, *, code: str = "", message: str = "", ok: bool | None = None, chosen: float | None = None) -> str:
    """The /vote page as the phone should see it now."""
    plain = not message and chosen is None
    key = (desk.version, code.strip().upper() == desk.store.code or not code)
    if plain and key in desk.pages:
        return desk.pages[key]
    page = _render(desk, code=code, message=message, ok=ok, chosen=chosen)
    if plain:
        desk.pages[key] = page
    return page


def _render(desk: VoteDesk, *, code: str, message: str, ok: bool | None, chosen: float | None) -> str:
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = _template()
    store = desk.store
    state = desk.state()
    e = html.escape
    choices = store.scale.choices()
    if len(choices) <= 21:
        items = "".join(
            f'<label><input type="radio" name="score" value="{_num(v)}" required{" checked" if chosen == v else ""}>'
            f"<span>{_num(v)}</span></label>"
            for v in choices
        )
        scale_html = f'<div class="scale">{items}</div>'
    else:
        step = _num(store.scale.step)
        scale_html = (
            f'<div class="wide"><input type="number" name="score" inputmode="decimal" required min="{_num(store.scale.low)}" '
            f'max="{_num(store.scale.high)}" step="{step}" value="{_num(chosen) if chosen is not None else ""}"></div>'
        )
    scale_html += f'<div class="ends"><span>{_num(store.scale.low)}: lowest</span><span>{_num(store.scale.high)}: highest</span></div>'
    code_ok = code.strip().upper() == store.code
    if code_ok:
        code_field = f'<input type="hidden" name="code" value="{e(store.code)}">'
    else:
        code_field = (
            '<div class="code"><label for="code">Room code (on the screen)</label>'
            f'<input id="code" name="code" required maxlength="8" autocomplete="off" autocapitalize="characters" value="{e(code[:8])}"></div>'
        )
    return _TEMPLATE.substitute(
        event=e(desk.event_name),
        version=state["version"],
        open="1" if state["open"] else "0",
        title=e(state["title"]),
        closed_text=e(state["closed_text"] or state["title"]),
        closed_hidden=" hidden" if state["open"] else "",
        form_hidden="" if state["open"] else " hidden",
        round=state["round"],
        scale_text=e(store.scale.describe()),
        choices=scale_html,
        code_field=code_field,
        code_url=e(quote(store.code if code_ok else code[:8])),
        message=e(message),
        message_class={True: "ok", False: "no", None: ""}[ok],
    )


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _token_of(request: web.Request) -> str | None:
    """The phone's token from its Cookie header, read directly (a full cookie parse costs more than the vote)."""
    header = request.headers.get("Cookie")
    if not header:
        return None
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value.strip('"') or None
    return None


def _with_token(response: web.StreamResponse, desk: VoteDesk, request: web.Request, current: bool = False) -> web.StreamResponse:
    """Give the phone a token for the round open now, keeping its identity (``current``: its token is known to be)."""
    if current:
        return response
    old = _token_of(request)
    store = desk.store
    round_id = store.open_round.id if store.open_round else 0
    if old and store.token_round(old) == round_id:
        return response
    response.headers.add("Set-Cookie", f"{COOKIE}={store.token(old)}; HttpOnly; Max-Age={COOKIE_AGE}; Path=/vote; SameSite=Lax")
    return response


_NO_STORE = {"Cache-Control": "no-store"}
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'",
}


def _page(desk: VoteDesk, request: web.Request, status: int = 200, **kw: Any) -> web.StreamResponse:
    response = web.Response(body=render_page(desk, **kw).encode(), status=status, content_type="text/html", charset="utf-8",
                            headers=_PAGE_HEADERS)
    return _with_token(response, desk, request)


async def vote_page(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK_KEY]
    return _page(desk, request, code=request.query.get("c", "")[:16])


async def vote_qr(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK_KEY]
    if not desk.phone_url:
        raise web.HTTPNotFound()
    return web.Response(text=qr_svg(desk.phone_url), content_type="image/svg+xml", headers={"Cache-Control": "no-store"})


async def vote_state(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK_KEY]
    try:
        since = int(request.query.get("since", "-1"))
    except ValueError:
        since = -1
    await desk.wait(since, LONG_POLL)
    response = web.Response(body=desk.state_json().encode(), content_type="application/json", headers=_NO_STORE)
    return _with_token(response, desk, request)


async def vote_post(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK_KEY]
    store = desk.store
    as_json = _wants_json(request)
    client = request.remote or ""
    if request.content_length is None or request.content_length > MAX_BODY:
        outcome: Accepted | Refused = store.refuse("malformed", "That vote is too long or has no length.")
        form: dict[str, str] = {}
    else:
        try:
            data = await request.post()
            form = {k: v for k, v in data.items() if isinstance(v, str)}
        except (ValueError, UnicodeDecodeError):
            form = {}
        token = _token_of(request)
        try:
            outcome = await store.submit_async(token, form.get("score"), form.get("code"), client)
        except VoteError:
            return _answer(desk, request, as_json, 503, False, "The vote could not be saved: send it again.", "unsaved", form)
    if isinstance(outcome, Accepted):
        verb = "changed to" if outcome.changed else "counted:"
        message = f"Your vote {verb} {_num(outcome.value)} for {outcome.round.presenter}."
        return _answer(desk, request, as_json, 200, True, message, None, form, chosen=outcome.value)
    return _answer(desk, request, as_json, STATUS.get(outcome.reason, 400), False, outcome.message, outcome.reason, form)


def _answer(
    desk: VoteDesk, request: web.Request, as_json: bool, status: int, ok: bool, message: str, reason: str | None,
    form: dict[str, str], chosen: float | None = None,
) -> web.StreamResponse:
    if as_json:
        body = f'{{"ok": {json.dumps(ok)}, "message": {json.dumps(message)}, "reason": {json.dumps(reason)}, "state": {desk.state_json()}}}'
        response = web.Response(body=body.encode(), status=status, content_type="application/json", headers=_NO_STORE)
        return _with_token(response, desk, request, current=ok)
    return _page(desk, request, status, code=form.get("code", "")[:16], message=message, ok=ok, chosen=chosen)


def add_vote_routes(app: web.Application, desk: VoteDesk) -> None:
    """Serve /vote, POST /vote and /vote/state from ``app``."""
    app[DESK_KEY] = desk
    app.router.add_get("/vote", vote_page)
    app.router.add_post("/vote", vote_post)
    app.router.add_get("/vote/state", vote_state)
    app.router.add_get("/vote/qr.svg", vote_qr)


__all__ = ["REASONS", "VoteDesk", "add_vote_routes", "attach_votes", "desk_for_show", "follow_votes", "phone_base", "render_page"]
