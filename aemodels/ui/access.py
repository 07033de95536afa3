"""Who is using the app, and the store they see.

Outside public mode there is one store and full rights, as a local tool should have. In public
mode (``AEMODELS_PUBLIC=1``, or ``public = true`` under ``[aemodels]`` in ``.streamlit/secrets.toml``)
each browser session is a visitor with a private store beside the read-only shared runs
(``visitors.VisitorStore``). The owner gets the shared runs' rights back by signing in: with
``st.login`` when ``[auth]`` is configured and their e-mail is in ``[aemodels] owners``, or else
with the password ``[aemodels] owner_password``. With neither configured, nobody is the owner.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time

import streamlit as st

from aemodels.home import home_dir
from aemodels.store import visitors
from aemodels.store.protocol import Store
from aemodels.store.runs import RunStore
from aemodels.ui import session

SECRETS_SECTION = "aemodels"
SWEEP_SECONDS = 30.0  # how often, at most, ended sessions' private stores are looked for
_last_sweep = [0.0]
_sweep_lock = threading.Lock()


def _settings() -> dict:
    """The ``[aemodels]`` section of the secrets; empty when there are no secrets."""
    try:
        return dict(st.secrets.get(SECRETS_SECTION, {}))
    except Exception:  # no secrets.toml at all: Streamlit raises its own FileNotFound-like errors
        return {}


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def is_public() -> bool:
    """True when the app runs in public mode (environment or secrets)."""
    return visitors.public_from_env() or str(_settings().get("public", "")).lower() in ("1", "true", "yes")


def limits() -> visitors.Limits:
    """Public mode's limits: the defaults, each replaceable under ``[aemodels]`` in the secrets."""
    settings, defaults = _settings(), visitors.Limits()
    chosen = {}
    for field in visitors.Limits.__dataclass_fields__:
        default = getattr(defaults, field)
        try:
            chosen[field] = type(default)(settings.get(field, default))
        except (TypeError, ValueError):  # a limit written as text in the secrets: the default stands
            chosen[field] = default
    return visitors.Limits(**chosen)


def owner_password() -> str | None:
    value = _settings().get("owner_password")
    return str(value) if value else None


def login_owner() -> bool:
    """True when the signed-in ``st.login`` user is one of ``[aemodels] owners`` (e-mails)."""
    if not _auth_configured() or not getattr(st.user, "is_logged_in", False):
        return False
    owners = [str(email).lower() for email in _settings().get("owners", [])]
    return str(st.user.get("email", "")).lower() in owners


def is_owner() -> bool:
    """Outside public mode everyone is; in it, only the signed-in owner."""
    return not is_public() or login_owner() or bool(session.OWNER_SIGNED_IN.get())


def limited() -> bool:
    """True when public mode's limits apply to this session (a visitor, not the owner)."""
    return is_public() and not is_owner()


def admit_upload(size_bytes: int) -> None:
    """Count an upload against the visitor's allowance; ``LimitReached`` (and nothing counted)
    when it would pass ``upload_mb_per_visitor``. Free outside public mode and for the owner."""
    if not limited():
        return
    allowance = limits().upload_mb_per_visitor * 1024 * 1024
    used = session.UPLOADED_BYTES.get(0)
    if used + size_bytes > allowance:
        raise visitors.LimitReached(f"A visitor of this public app may upload {limits().upload_mb_per_visitor} MB in "
                                    f"all, and this file would bring you to {(used + size_bytes) / 2**20:.1f} MB: "
                                    "run the app on your own machine for bigger data.")
    session.UPLOADED_BYTES.set(used + size_bytes)


def visitor_id() -> str:
    """This browser tab's Streamlit session id: which sessions keep a visitor's private store
    alive."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return context.session_id if context is not None else "no-session"


VISITOR_COOKIE = "aemodels_visitor"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def visitor_token() -> str:
    """Who this visitor is: the token this app keeps in the browser's cookie (so a reload, a
    shared link or a second tab in the same browser keeps their runs), else a new one."""
    token = session.VISITOR_TOKEN.get()
    if token is None:
        cookie = _cookie()
        token = cookie if cookie and TOKEN.match(cookie) else secrets.token_urlsafe(32)
        session.VISITOR_TOKEN.set(token)
    return token


def browser_id() -> str:
    """Who owns a training job: this browser (the token its cookie keeps, ``remember_visitor``),
    in local and public mode alike, so a reload or a second tab of it sees the same jobs."""
    return visitor_token()


def _cookie() -> str | None:
    try:
        cookie = st.context.cookies.get(VISITOR_COOKIE)
    except Exception:  # no browser (bare mode)
        return None
    return cookie if isinstance(cookie, str) else None  # AppTest's context is a mock


def remember_visitor() -> None:
    """Have the browser keep the visitor's token (a first-party cookie for this app's pages,
    for ``idle_hours``), when it does not hold it yet; in local mode too, where it keeps a
    browser's training jobs across reloads and tabs."""
    token = visitor_token()
    if _cookie() != token:  # the token is URL-safe base64: nothing in it can leave the string
        seconds = int(limits().idle_hours * 3600)
        st.html(f"<script>document.cookie = '{VISITOR_COOKIE}={token}; path=/; max-age={seconds}; "
                "SameSite=Strict';</script>", unsafe_allow_javascript=True)


def store_owner() -> tuple:
    """Whose store this session sees: the home folder, and in public mode the visitor and whether
    they are the owner. ``state.store()`` builds the store again when this changes."""
    if not is_public():
        return (str(home_dir()),)
    return str(home_dir()), visitor_token(), is_owner()


def build_store() -> Store:
    """The store this session sees: ``RunStore`` outside public mode, else a ``VisitorStore``."""
    if not is_public():
        return RunStore()
    private = visitors.private_store(visitor_token(), visitor_id())
    return visitors.VisitorStore(RunStore(), private, limits(), is_owner())


def mark_seen() -> None:
    """Public mode: mark the visitor's private store as in use (``visitors.sweep`` removes idle
    ones), at most once every ``visitors.SEEN_EVERY_SECONDS``."""
    if is_public() and time.time() - session.VISITOR_SEEN.get(0.0) > visitors.SEEN_EVERY_SECONDS:
        visitors.mark_seen(visitor_token(), visitor_id())
        session.VISITOR_SEEN.set(time.time())


def sweep_ended_sessions() -> None:
    """Remove the private stores of sessions Streamlit no longer holds (at most every
    ``SWEEP_SECONDS``); a closed tab's session ends ``server.disconnectedSessionTTL`` seconds
    (120 by default) after its connection is gone."""
    if not is_public():
        return
    with _sweep_lock:
        if time.monotonic() - _last_sweep[0] < SWEEP_SECONDS:
            return
        _last_sweep[0] = time.monotonic()
    visitors.sweep(_session_alive, limits())


def _session_alive(session_id: str) -> bool:
    """Whether Streamlit still holds the session (connected, or kept for a reconnection)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return True
    # Private, but the one place that also counts sessions kept for a reconnection (after the tab
    # lost its connection, for server.disconnectedSessionTTL); AppTest's runtime has none.
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    if manager is None or not hasattr(manager, "get_session_info"):
        return True
    return manager.get_session_info(session_id) is not None


def owner_panel() -> None:
    """The owner's sign-in (drawn where the caller is: the sidebar), in public mode only."""
    if not is_public():
        return
    if is_owner():
        st.caption("Signed in as the owner: you can add and delete shared runs.")
        if session.OWNER_SIGNED_IN.get():
            st.button("Sign out", key="owner_sign_out", on_click=session.OWNER_SIGNED_IN.set, args=(False,))
        return
    if _auth_configured():
        if st.button("Owner sign-in", key="owner_login"):
            st.login()
        return
    password = owner_password()
    if password is None:
        return  # no owner configured: the owner's actions are not offered at all
    with st.expander("Owner"):
        st.text_input("Owner password", type="password", key=session.OWNER_PASSWORD.name)
        st.button("Sign in", key="owner_sign_in", on_click=_sign_in, args=(password,))
        if session.PASSWORD_REFUSED.pop(False):
            st.error("That is not the owner's password.")


def _sign_in(password: str) -> None:
    """The Sign in button's callback: the owner is signed in before the run that follows."""
    typed = str(session.OWNER_PASSWORD.get(""))
    if hmac.compare_digest(typed.encode(), password.encode()):
        session.OWNER_SIGNED_IN.set(True)
    else:
        session.PASSWORD_REFUSED.set(True)
