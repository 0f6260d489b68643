"""What ::表格[…] places of a 自评表: the form it names with {项目=…} (or the report's only one), recorded by its
项目名称 for the whole form so that the form is not printed again after the text; 自评汇总 covers every form."""

from __future__ import annotations

from typing import Any

from ...errors import Location


def place_table(resolver: Any, name: str, attrs: dict[str, str], where: Location) -> tuple[str, dict[str, Any]]:
    if name == "自评汇总":
        return name, {"form": None}
    form = resolver.pick_form(attrs, where)
    return (form.project if name == "自评表" else name), {"form": form}
