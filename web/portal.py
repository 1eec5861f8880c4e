"""The customer portal's pages: file a complaint at ``/portal``, follow it at ``/portal/complaints/<code>``
(the address the notification e-mails and SMS give), refer a friend at ``/portal/refer``, ask for the loyalty
club link at ``/portal/club`` and read the club statement it opens at ``/portal/club/<token>``, read and answer a
quote at ``/portal/quotes/<token>`` (the link the quote's SMS and e-mail give). Public: no account,
no session cookie, no CSRF token; the page's script calls the public ``/api/v1/portal`` routes without
credentials. The language is ``?lang=fa|en``, else the browser's Accept-Language, else the configured default."""

from __future__ import annotations

from flask import Response, render_template, request

from web import assets, i18n
from web.pages import bp, build_missing, default_locale

# longer is no tracking code nor signed link (<id>.<expiry>.<32 hex>: 58 at most): "not found", from the API
MAX_CODE = 64


def _portal_page(page: str, code: str = "") -> Response:
    locale = i18n.page_locale(default_locale())
    t = i18n.translator(locale)
    urls = assets.manifest()
    if urls is None or "portal.js" not in urls:
        return build_missing(t, locale)
    html = render_template("portal.html", t=t, lang=locale, dir=i18n.direction(locale), assets=urls, page=page,
                           code=code[:MAX_CODE])
    # the language follows Accept-Language; the page holds no personal data (the script fetches it)
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-cache", "Vary": "Accept-Language"})


@bp.get("/portal")
@bp.get("/portal/")
def portal_home() -> Response:
    return _portal_page("file")


@bp.get("/portal/complaints/<code>")
def portal_complaint(code: str) -> Response:
    return _portal_page("status", code)


@bp.get("/portal/refer")
def portal_refer() -> Response:
    """Refer a friend with one's referral code (``?code=`` fills it in); the script posts to
    /api/v1/portal/referrals."""
    return _portal_page("refer", request.args.get("code", ""))


@bp.get("/portal/contracts/<token>")
def portal_contract(token: str) -> Response:
    """The customer's contract from its signed link (the script reads it from /api/v1/contract-links)."""
    return _portal_page("contract", token)


@bp.get("/portal/opt-out/<token>")
def portal_opt_out(token: str) -> Response:
    """The page a campaign e-mail's opt-out link opens: the script asks /api/v1/portal/opt-out what it stops."""
    return _portal_page("optout", token)


@bp.get("/portal/club")
def portal_club() -> Response:
    """Ask for one's loyalty club link by SMS (the script posts the mobile number to /api/v1/portal/club/link)."""
    return _portal_page("club")


@bp.get("/portal/club/<token>")
def portal_club_statement(token: str) -> Response:
    """The member's club statement from the link the SMS gave (the script reads /api/v1/portal/club/<token>)."""
    return _portal_page("club_statement", token)


@bp.get("/portal/quotes/<token>")
def portal_quote(token: str) -> Response:
    """The customer's quote from the link its SMS and e-mail gave (the script reads /api/v1/quote-links/<token>
    and posts the customer's answer there)."""
    return _portal_page("quote", token)
