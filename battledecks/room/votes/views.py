"""The phones' pages: the /vote handlers and the page they answer with (the routes are in :mod:`.routes`).

``GET /vote`` is a plain HTML form (it works without JavaScript); with
JavaScript the page sends votes with ``fetch`` and follows the rounds by long
polling ``GET /vote/state?since=VERSION``. ``POST /vote`` takes one score
(form-encoded) and answers with the page again, or with JSON when asked
(``Accept: application/json``). Nothing here changes the show: a vote goes
to the vote store; only the host's commands open and close rounds.

A vote counts only from the vote page itself: ``POST /vote`` needs an
``Origin`` (or, without one, a ``Referer``) naming the host it was sent to,
so a page elsewhere (another port of the same laptop included) cannot make
a phone vote. The phone's cookie is ``HttpOnly`` and ``SameSite=Strict``.
"""

from __future__ import annotations

import html
import json
import string
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import quote

from aiohttp import web
from yarl import URL

from .desk import VoteDesk
from .qr import qr_svg
from .store import Accepted, Refused, VoteError, VoteStore, _num

COOKIE = "bdvote"
COOKIE_AGE = 24 * 3600
MAX_BODY = 4096
LONG_POLL = 25.0
"""Seconds a ``/vote/state`` request waits for a change before answering anyway."""

STATUS = {
    "closed": 409,
    "replay": 409,
    "room-code": 403,
    "forged": 403,
    "range": 422,
    "malformed": 422,
    "rate": 429,
    "crowded": 403,
    "cross-site": 403,
}

DESK_KEY: web.AppKey[VoteDesk] = web.AppKey("vote_desk")
STORE_KEY: web.AppKey[VoteStore] = web.AppKey("vote_store")
"""The store the votes go to, in this process (the desk's own)."""
TAKING_KEY: web.AppKey[Callable[[], bool]] = web.AppKey("votes_taken_elsewhere")
"""On the room server beside the vote processes: whether one of them takes connections now."""


def _template() -> string.Template:
    text = resources.files("battledecks.room").joinpath("static/vote.html").read_text(encoding="utf-8")
    return string.Template(text)


_TEMPLATE: string.Template | None = None


def render_page(
    desk: VoteDesk, *, code: str = "", message: str = "", ok: bool | None = None, chosen: float | None = None
) -> str:
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


def _with_token(response: web.StreamResponse, request: web.Request, current: bool = False) -> web.StreamResponse:
    """Give the phone a token for the round open now, keeping its identity (``current``: its token is known to be)."""
    if current:
        return response
    old = _token_of(request)
    store = request.app[STORE_KEY]
    round_id = store.open_round.id if store.open_round else 0
    if old and store.token_round(old) == round_id:
        return response
    if round_id and store.full(request.remote or "") and store.phone_of(old) is None:
        return response  # a new phone from an address whose phones have reached the limit: no token (its page says so)
    response.headers.add(
        "Set-Cookie", f"{COOKIE}={store.token(old)}; HttpOnly; Max-Age={COOKIE_AGE}; Path=/vote; SameSite=Strict"
    )
    return response


def same_origin(request: web.Request) -> bool:
    """Whether a request comes from a page of this server: its ``Origin`` (or, when a browser sends none, its
    ``Referer``) names the scheme, host and port the request was sent to (its ``Host``)."""
    host = request.headers.get("Host")
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not host or not source:
        return False
    scheme = request.scheme
    if source == f"{scheme}://{host}":
        return True  # what a browser sends from the page, as it is: no need to read the addresses apart
    try:
        sent_from = URL(source)
        sent_to = URL(f"{scheme}://{host}")
    except ValueError:
        return False
    if sent_from.scheme != scheme or not sent_from.host or sent_to.host is None:
        return False
    return (sent_from.host.lower(), sent_from.port) == (sent_to.host.lower(), sent_to.port)


FULL = (
    "As many phones as may vote from one network address already have: a vote from this phone would not count. "
    "Phones sharing one connection? Tell the host."
)
"""The page for a new phone from an address whose phones have reached the limit in the open vote."""

_NO_STORE = {"Cache-Control": "no-store"}
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
}


def _page(desk: VoteDesk, request: web.Request, status: int = 200, **kw: Any) -> web.StreamResponse:
    response = web.Response(
        body=render_page(desk, **kw).encode(),
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers=_PAGE_HEADERS,
    )
    return _with_token(response, request)


async def vote_page(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK_KEY]
    store = request.app[STORE_KEY]
    code = request.query.get("c", "")[:16]
    if store.open_round is not None and store.full(request.remote or "") and store.phone_of(_token_of(request)) is None:
        return _page(desk, request, code=code, message=FULL, ok=False)
    return _page(desk, request, code=code)


async def vote_not_found(request: web.Request) -> web.StreamResponse:
    """Any other path under /vote: not found here (never sent on to the other process, which would send it back)."""
    raise web.HTTPNotFound(text="Not found: the vote page is /vote\n", headers=_NO_STORE)


async def vote_qr(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK_KEY]
    if not desk.phone_url:
        raise web.HTTPNotFound()
    return web.Response(
        text=qr_svg(desk.phone_url), content_type="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


async def vote_state(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK_KEY]
    try:
        since = int(request.query.get("since", "-1"))
    except ValueError:
        since = -1
    await desk.wait(since, LONG_POLL)
    response = web.Response(body=desk.state_json().encode(), content_type="application/json", headers=_NO_STORE)
    return _with_token(response, request)


async def vote_post(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK_KEY]
    store = request.app[STORE_KEY]
    as_json = _wants_json(request)
    client = request.remote or ""
    if not same_origin(request):
        refused = store.refuse("cross-site")
        return _answer(desk, request, as_json, STATUS["cross-site"], False, refused.message, refused.reason, {})
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
            return _answer(
                desk, request, as_json, 503, False, "The vote could not be saved: send it again.", "unsaved", form
            )
    if isinstance(outcome, Accepted):
        verb = "changed to" if outcome.changed else "counted:"
        message = f"Your vote {verb} {_num(outcome.value)} for {outcome.round.presenter}."
        return _answer(desk, request, as_json, 200, True, message, None, form, chosen=outcome.value)
    return _answer(
        desk, request, as_json, STATUS.get(outcome.reason, 400), False, outcome.message, outcome.reason, form
    )


def _answer(
    desk: VoteDesk,
    request: web.Request,
    as_json: bool,
    status: int,
    ok: bool,
    message: str,
    reason: str | None,
    form: dict[str, str],
    chosen: float | None = None,
) -> web.StreamResponse:
    if as_json:
        body = f'{{"ok": {json.dumps(ok)}, "message": {json.dumps(message)}, "reason": {json.dumps(reason)}, "state": {desk.state_json()}}}'
        response = web.Response(body=body.encode(), status=status, content_type="application/json", headers=_NO_STORE)
        return _with_token(response, request, current=ok)
    return _page(desk, request, status, code=form.get("code", "")[:16], message=message, ok=ok, chosen=chosen)


async def elsewhere(request: web.Request) -> web.StreamResponse:
    """A request for the other process's paths on a connection this one serves: ask again, on a new connection."""
    response = web.Response(status=307, headers={"Location": str(request.rel_url), "Cache-Control": "no-store"})
    response.force_close()
    return response


def elsewhere_or_here(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """``handler`` on the room server beside the vote processes: a vote request on a connection the room server
    serves is asked again on a new one (a vote process's) while one runs; while none runs, the standby
    store takes it here (without one: "send it again")."""

    async def answer(request: web.Request) -> web.StreamResponse:
        if request.app[TAKING_KEY]():
            return await elsewhere(request)
        if STORE_KEY not in request.app:
            return later(request)
        return await handler(request)

    return answer


def later(request: web.Request) -> web.StreamResponse:
    """Phones are asked to send their vote again in a moment."""
    message = "Voting is starting again: send your vote again in a moment."
    if "application/json" in request.headers.get("Accept", ""):
        body = json.dumps({"ok": False, "message": message, "reason": "unsaved"})
        return web.Response(
            status=503,
            text=body,
            content_type="application/json",
            headers={"Retry-After": "1", "Cache-Control": "no-store"},
        )
    return web.Response(status=503, text=message, headers={"Retry-After": "1", "Cache-Control": "no-store"})


async def votes_off(request: web.Request) -> web.StreamResponse:
    """Any /vote path while the event's phone voting is off (its vote database could not be opened)."""
    message = "Voting by phone is off at this event for now: the host will say how the room scores."
    return web.Response(status=503, text=message, headers={"Cache-Control": "no-store"})
