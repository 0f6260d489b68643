"""The input model of a report's 落款."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ...located import Located


class Signature(Located):
    """落款: the issuing unit and date printed at the end of a report."""

    unit: str = Field(alias="单位", description="落款单位。")
    date: dt.date | None = Field(None, alias="日期", description="落款日期（YYYY-MM-DD）。")
