"""The pages: sign-in and sign-out, the app shell at ``/app/...`` and the static files."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from api.context import ravand
from api.guard import TooManyAttempts, check_password
from web import assets, csrf, i18n
from web import session as web_session

bp = Blueprint("web", __name__, template_folder="templates")


def default_locale() -> str:
    return ravand().settings.locale


def build_missing(t: dict[str, str], locale: str) -> Response:
    """The page saying the web app is not built, and how to build it (503: try again later)."""
    html = render_template("build_missing.html", t=t, lang=locale, dir=i18n.direction(locale), hint=assets.BUILD_HINT)
    return Response(html, status=503, mimetype="text/html", headers={"Retry-After": "60"})


def _safe_next(target: str | None) -> str:
    """Only paths inside the app: never an open redirect."""
    if not target:
        return "/app/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/app") or "\\" in target:
        return "/app/"
    return target


def _login_page(status: int = 200, error_key: str | None = None, username: str = "") -> tuple[str, int]:
    locale = i18n.page_locale(default_locale())
    html = render_template("login.html", t=i18n.translator(locale), lang=locale, dir=i18n.direction(locale),
                           csrf_token=csrf.token(), next=_safe_next(request.values.get("next")),
                           error_key=error_key, username=username, css=(assets.manifest() or {}).get("app.css"),
                           expired=request.values.get("expired") == "1")
    return html, status


@bp.get("/login")
def login_form() -> object:
    if web_session.current_user() is not None:
        return redirect(_safe_next(request.args.get("next")))
    return _login_page()


@bp.post("/login", endpoint="login")
def login() -> object:
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not csrf.valid():
        return _login_page(403, "login.expired", username)
    if not username or not password or len(username) > 150 or len(password) > 1024:
        return _login_page(400, "login.missing", username)
    try:
        user = check_password(username, password)
    except TooManyAttempts:
        return _login_page(429, "login.throttled", username)
    if user is None:
        return _login_page(401, "login.wrong", username)
    if user.role == "integration":  # a system calling back: it works with API tokens, not in the web app
        return _login_page(403, "login.integration", username)
    web_session.sign_in(user)
    return redirect(_safe_next(request.form.get("next")), code=303)


@bp.post("/logout", endpoint="logout")
def logout() -> object:
    if csrf.SESSION_ID in session and not csrf.valid():
        return _login_page(403, "login.expired")
    web_session.sign_out()
    return redirect(url_for("web.login_form"), code=303)


@bp.get("/")
def root() -> object:
    return redirect("/app/")


@bp.get("/app")
@bp.get("/app/")
@bp.get("/app/<path:_path>")
def shell(_path: str = "") -> object:
    user = web_session.current_user()
    if user is None:
        return redirect(url_for("web.login_form", next=request.full_path.rstrip("?")))
    locale = user.locale if user.locale in i18n.LOCALES else "en"
    urls = assets.manifest()
    if urls is None:
        return build_missing(i18n.translator(locale), locale)
    html = render_template("app.html", lang=locale, dir=i18n.direction(locale), assets=urls,
                           csrf_token=csrf.token(), t=i18n.translator(locale),
                           display_name=user.display_name or user.username)
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-store"})


@bp.get("/static/<path:filename>")
def static(filename: str) -> Response:
    return assets.send(filename)
