"""落款 as a part of a report: its key in report.yaml and data.json, and how it is printed."""

from __future__ import annotations

from pydantic import Field

from ...view import alias
from .. import Part
from .model import Signature
from .view import SignatureView

PART = Part(
    "落款",
    __package__,
    fields={"signature": (Signature | None, Field(None, alias="落款", description="文末落款：单位和日期。"))},
    views={"signature": (SignatureView | None, alias("落款"))},
    compute="compute:assess_signature",
)
