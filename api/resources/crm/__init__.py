"""The CRM's routes: one module per record kind (routes and schemas), each with a ``blp``."""

from __future__ import annotations

from importlib import import_module

from flask_smorest import Api

# one module name per line
MODULES: tuple[str, ...] = (
    "leads",
    "opportunities",
    "opportunity_board",
    "complaints",
    "contracts",
    "contract_signing",
    "referrals",
    "portal",
    "reports",
    "notifications",
    "customers",
    "customer_imports",
    "purchases",
    "loyalty",
    "purchase_lists",
    "portal_referrals",
    "lists",
    "saved_filters",
    "export",
    "teams",
    "records",
    "activities",
    "targets",
    "campaigns",
    "quotes",
    "loyalty_club",
    "portal_club",
    "quote_links",
    "price_lists",
)


def register(api: Api) -> None:
    for name in MODULES:
        api.register_blueprint(import_module(f"api.resources.crm.{name}").blp)
