"""A report's 落款 as printed: the unit, and the date in ISO form."""

from __future__ import annotations

from typing import Any

from .view import SignatureView


def assess_signature(run: Any, report: Any, inputs: Any, done: dict[str, Any]) -> dict[str, Any]:
    signature = report.signature
    if signature is None:
        return {"signature": None}
    date = signature.date.isoformat() if signature.date else None
    return {"signature": SignatureView.make(unit=signature.unit, date=date)}
