"""The view of a report's 落款."""

from __future__ import annotations

from ...view import View, alias


class SignatureView(View):
    unit: str = alias("单位")
    date: str | None = alias("日期")
