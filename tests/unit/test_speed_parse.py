"""Reading a report with less repeated work (issue 22, seventh wave, bench/HISTORY.md): every object of a report
keeps the map it was read from and its positions as before, checked by what is kept, never by timing it. Figures
from tests/fixtures/minimal (its 自评表's 项目资金: 分值 10 on line 12) and tests/fixtures/model (the 四川 form's
rows with the extra column 佐证材料)."""

from __future__ import annotations

import dataclasses
import pickle
import sys
from collections import Counter
from dataclasses import MISSING
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO
from pydantic import BaseModel, Field, ValidationError

from jixiao.errors import Location
from jixiao.library import read_site
from jixiao.load import FrontMatter
from jixiao.located import Located
from jixiao.parts.form.model import Funds
from jixiao.parts.indicators.model import Indicator, Reference
from jixiao.site import open_site
from jixiao.yamlsource import SourceMap

DEMO = "2024/demo"


def located_objects(value: Any) -> list[Located]:
    """Every input model under a validated report, depth first."""
    found: list[Located] = []
    if isinstance(value, Located):
        found.append(value)
        value = [getattr(value, name) for name in type(value).model_fields]
    elif isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for item in value:
            found += located_objects(item)
    return found


def every_subclass(model: type[BaseModel]) -> list[type[BaseModel]]:
    found, pending = [], [model]
    while pending:
        found.append(pending.pop())
        pending += found[-1].__subclasses__()
    return found


def test_every_model_read_from_report_yaml_keeps_its_map_without_pydantics_private_attributes(project):
    # pydantic ran two Python hooks for each object of a report (its private attributes' defaults, twice for a
    # subclass) before `_keep_source` set the map: the map is now the object's only private value
    for model in every_subclass(Located):
        assert not model.__private_attributes__ and model.__pydantic_post_init__ is None, model
    report = read_site(open_site(project)).source(DEMO).report
    objects = located_objects(report)  # the report, its form, 项目资金 and its 年度资金总额, its goal, three rows
    assert len(objects) == 8 and all(isinstance(obj.source_map, SourceMap) for obj in objects)
    funds = report.forms[0].funds
    assert funds.__pydantic_private__ == {"_source": funds.source_map} and funds.source_map["分值"] == 10
    assert (funds.locate("分值").line, funds.locate("分值").column, funds.locate().path.name) == (12, 7, "report.yaml")
    # kept through a copy and through pickling (a report parked by a worker is pickled)
    for kept in (funds.model_copy(), pickle.loads(pickle.dumps(report)).forms[0].funds):
        assert kept.source_map == funds.source_map and kept.locate("分值") == funds.locate("分值")
    # a model not read from YAML has no map, as before: validated from a plain dict, or made without validation
    plain = Funds.model_validate({**funds.source_map})
    assert plain.__pydantic_private__ == {"_source": None} and plain.locate("分值") == Location(None)
    assert Funds.model_construct().source_map is None and not Funds.model_construct().wrote("分值")


def test_a_row_with_extra_columns_keeps_the_map_it_was_written_in():
    # the 四川 form's row is validated from a copy without 佐证材料; the row keeps the map as written
    report = read_site(open_site(FIXTURES / "model")).source("2024/sichuan").report
    rows = [row for level in report.forms[0].indicators.values() for rows in level.values() for row in rows or ()]
    row = next(row for row in rows if row.name == "办件量")
    assert row.extras == {"佐证材料": "办件台账"} and row.wrote("佐证材料") and "佐证材料" in row.source_map
    assert (row.locate().line, row.locate("佐证材料").path.name) == (19, "report.yaml")


def validator_calls(project: Any) -> tuple[Counter[tuple[str, str]], list[Located]]:
    """Every report of a project parsed: the calls into the models' Python validators (wrap), by model and
    by the type of what it was given, and every object the reports' report.yaml holds (a section's front matter
    is left out)."""
    calls: Counter[tuple[str, str]] = Counter()
    validators = {
        getattr(validator.func, "__func__", validator.func).__code__
        for model in every_subclass(Located)
        for validator in model.__pydantic_decorators__.model_validators.values()
        if validator.info.mode == "wrap"
    }

    def watch(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code in validators and frame.f_locals["cls"] is not FrontMatter:
            calls[frame.f_locals["cls"].__name__, type(frame.f_locals["data"]).__name__] += 1

    library = read_site(open_site(project))
    sys.setprofile(watch)
    try:
        library.load(sorted(library.bundles))
    finally:
        sys.setprofile(None)
    assert not library.failed
    return calls, [obj for source in library.sources.values() for obj in located_objects(source.report)]


def test_each_object_of_a_report_is_validated_with_one_call_into_python_and_a_number_with_none():
    # The repository's reports (their 实际完成值 written as numbers: 六安, 泸州) and the 四川 form (an extra column).
    # A row's number tried the 引用 model (smart union) through its Python validator, raising as it failed; a row
    # ran two Python validators, Located's and its extra columns'
    for project in (REPO, FIXTURES / "model"):
        calls, objects = validator_calls(project)
        assert calls == Counter((type(obj).__name__, "SourceMap") for obj in objects), project


class SmartRow(Located):
    target: str | Decimal | Reference | None = Field(None, alias="指标值")


def test_a_rows_figure_is_read_left_to_right_as_the_smart_union_read_it():
    # 指标值 and 实际完成值 take their branches in order (text, number, 引用): what each kind of value YAML gives
    # becomes, and each error, as under pydantic's smart union, which tried every branch
    values = [
        True,
        None,
        80,
        -3,
        Decimal("0.5"),
        "≥100 件",
        "",
        [1],
        {"引用": "数据.归集额"},
        {"引用": 5},
        {"x": 1},
        {},
    ]
    for value in values:
        for field, alias in (("target", "指标值"), ("actual", "实际完成值")):
            got = []
            for model, data in ((SmartRow, {"指标值": value}), (Indicator, {"三级指标": "办件量", alias: value})):
                try:
                    got.append(getattr(model.model_validate(data), "target" if model is SmartRow else field))
                except ValidationError as error:
                    got.append([(e["type"], e["loc"][-1], e["msg"]) for e in error.errors(include_url=False)])
            assert got[0] == got[1] and type(got[0]) is type(got[1]), (value, field, got)


def test_a_key_written_many_times_is_one_string():
    # a report writes a few dozen keys hundreds of times: one string each, in memory and in a parked report's pickle
    raw = read_site(open_site(FIXTURES / "model")).source("2024/sichuan").raw
    rows = [row for level in raw["自评表"][0]["绩效指标"].values() for rows in level.values() for row in rows]
    names = [next(key for key in row if key == "三级指标") for row in rows]
    assert len(names) > 1 and all(name is names[0] for name in names)
    assert all(key is next(k for k in row.positions if k == key) for row in rows for key in row)


def test_a_location_is_the_frozen_dataclass_its_fields_make():
    # Location's own __init__ sets its instance dictionary at once (errors.py): a field added to the dataclass must
    # be set there too, with its default, and the object stays equal, hashing, pickling and frozen as the dataclass
    # made it field by field
    fields = dataclasses.fields(Location)
    where = Location(Path("report.yaml"), 3, 4)
    assert list(vars(where)) == [field.name for field in fields]
    assert vars(Location(None)) == {field.name: None if field.default is MISSING else field.default for field in fields}
    made = object.__new__(Location)
    for field, value in zip(fields, (Path("report.yaml"), 3, 4), strict=True):
        object.__setattr__(made, field.name, value)
    assert made == where and hash(made) == hash(where) and pickle.dumps(made) == pickle.dumps(where)
    assert pickle.loads(pickle.dumps(where)) == where and where != Location(Path("report.yaml"), 3, 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        where.line = 5  # type: ignore[misc]
