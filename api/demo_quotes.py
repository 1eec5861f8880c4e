"""The demo's catalogue of products and services, and the quotes on Pars Afzar's golden-support upsell: the
first, sent at the proposal stage and declined; the second, with a larger discount, sent at negotiation and
waiting for the customer's answer; and a quote with a 15% discount waiting for a manager's approval. Two
price lists: the platinum members' prices, and an autumn offer on installation for every customer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from crm import price_lists, quotes
from crm.models import Opportunity
from processes.records import opportunity_record

CATALOGUE = (
    {"code": "WMS-L", "name_fa": "مجوز نرم‌افزار انبارداری", "name_en": "Warehouse software licence",
     "unit": "licence", "price": 120_000_000},
    {"code": "SUP-G", "name_fa": "پشتیبانی طلایی (ماهانه)", "name_en": "Gold support (monthly)", "unit": "month",
     "price": 36_000_000},
    {"code": "TRN-H", "name_fa": "آموزش کاربران", "name_en": "User training", "unit": "hour", "price": 3_500_000,
     "taxable": False},
    {"code": "POS-1", "name_fa": "کارت‌خوان رومیزی", "name_en": "Countertop card reader", "unit": "piece",
     "price": 18_500_000},
    {"code": "INS-S", "name_fa": "نصب و راه‌اندازی", "name_en": "Installation", "unit": "service",
     "price": 25_000_000},
)


def stories(demo: Any) -> None:
    with demo.at(60, "09:00"):
        ids = {item["code"]: demo.records("parvin", lambda ctx, i=item: quotes.create_product(ctx, i).id)
               for item in CATALOGUE}
    with demo.at(45, "10:30"):  # the best customers' prices, then an autumn offer for every customer
        demo.records("parvin", lambda ctx: price_lists.create_price_list(ctx, {
            "name": "مشتریان پلاتینی", "tier": "platinum", "items": [
                {"product_id": ids["POS-1"], "price": 16_500_000}, {"product_id": ids["SUP-G"], "price": 32_000_000}]}))
        demo.records("parvin", lambda ctx: price_lists.create_price_list(ctx, {
            "name": "پیشنهاد پاییزه", "valid_from": (date.today() - timedelta(days=45)).isoformat(),
            "valid_until": (date.today() + timedelta(days=15)).isoformat(),
            "items": [{"product_id": ids["INS-S"], "price": 20_000_000}]}))
    upsell = demo.run(lambda s: s.scalar(select(Opportunity.id).where(Opportunity.title == "طرح پشتیبانی طلایی")))
    rate = demo.ravand.settings.vat_percent

    def write(discount: int, days: int) -> Any:
        def create(ctx: Any) -> int:
            opportunity = ctx.session.get(Opportunity, upsell)
            return quotes.create_quote(ctx, opportunity, {"discount_percent": discount, "lines": [
                {"product_id": ids["SUP-G"], "quantity": 12},
                {"product_id": ids["TRN-H"], "quantity": "6"}],
                "notes": "پرداخت: نیمی در آغاز، نیمی پس از سه ماه."}, vat_percent=rate, today=date.today()).id
        with demo.at(days, "11:30"):
            quote = demo.records("sara", create)
            demo.records("sara", lambda ctx: quotes.send_quote(ctx, quotes.get_quote(ctx.session, quote),
                                                                today=date.today()))
        return quote

    first = write(5, 22)
    with demo.at(12, "16:00"):
        demo.records("sara", lambda ctx: quotes.decide(ctx, quotes.get_quote(ctx.session, first), "rejected",
                                                        today=date.today()))
    write(12, 9)
    _waiting_for_approval(demo, ids)


def _waiting_for_approval(demo: Any, ids: dict[str, int]) -> None:
    """Reza's quote for Alborz's new branches gives 15%: sent two days ago, it waits for a manager's approval
    (the quote_approval process), an open task of the managers."""
    deal = demo.run(lambda s: s.scalar(select(Opportunity.id).where(
        Opportunity.title == "کارت‌خوان برای شعبه‌های جدید")))
    rate = demo.ravand.settings.vat_percent

    def create(ctx: Any) -> int:
        return quotes.create_quote(ctx, ctx.session.get(Opportunity, deal), {"discount_percent": 15, "lines": [
            {"product_id": ids["POS-1"], "quantity": 8}, {"product_id": ids["INS-S"], "quantity": 1}]},
            vat_percent=rate, today=date.today()).id

    with demo.at(2, "12:10"):
        quote = demo.records("reza", create)
        demo.run(lambda s: demo.ravand.engine.start(s, "quote_approval", f"quote-{quote}", {"quote_id": quote}, "reza",
                                                    record=opportunity_record(s, s.get(Opportunity, deal))))
