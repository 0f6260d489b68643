"""Report types as data: one declaration per type (data/报告类型.yaml), and a site's own variants.

A type says which parts a report needs, which keys its official form requires, which body
template prints it and which layout it uses (report/<类型>.html, else the type it is based on,
else report/default.html), the sections a new report starts with, its scoring split, the
weights of an evaluation's 一级指标 and any extra columns. A site declares a variant in site.yaml
under 报告类型 with 基于 and only what differs; the code never names a type.

What a type may require comes from registries: `PARTS`, the keys of report.yaml a type can make required
(必填), is read from the parts' registry (jixiao.parts.registry: each part says which of its keys a type may
require), and `FORM_KEYS`, the keys of a 自评表 its official form can require (表单必填). A name outside them is an
error where the type is declared, since the check it asks for would otherwise never run.

Each resolved type carries a digest of its declaration along its base chain: a page's cache key holds
the digest of its type (inputs.py), so editing one type rebuilds exactly the reports of that type and
of the types based on it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from .cache import digest_bytes
from .errors import ErrorGroup, RuleError, SourceError, did_you_mean
from .located import Located
from .model import Report
from .parts.form.model import Form
from .parts.registry import PARTS as REGISTERED
from .parts.registry import requirable
from .validate import validate_model
from .yamlsource import parse_yaml

BUILTIN = Path(__file__).parent / "data" / "报告类型.yaml"
DEFAULT_BODY = "report/body-document.html"
# 必填: a part of report.yaml → the attribute of the Report that holds it (empty or None: the report lacks it).
PARTS = requirable(REGISTERED)
# 表单必填: a key of the 自评表 → its attribute path in the Form (the keys a real document may lack).
FORM_KEYS = {
    "项目编码": ("code",),
    "主管部门": ("department",),
    "实施单位": ("implementer",),
    "实际完成情况": ("goal", "achieved"),
    "项目实施内容及过程概述": ("process",),
    "评价结论": ("conclusion",),
    "存在问题": ("problems",),
    "改进措施": ("measures",),
    "项目负责人": ("project_lead",),
    "财务负责人": ("finance_lead",),
}


def check_known(names: list[str] | None, known: dict, what: str) -> list[str] | None:
    """Each name is in the registry `known`; the first that is not is an error at its place in the list."""
    for index, name in enumerate(names or ()):
        if name not in known:
            raise RuleError(f"「{name}」不是{what}", did_you_mean(name, list(known)), (index,))
    return names


class TypeSpec(Located):
    """One type as declared; fields left out are inherited from the type it is based on."""

    base: str | None = Field(None, alias="基于", description="基于哪个类型（变体必填）；没写的各项从它继承。")
    description: str | None = Field(None, alias="说明", description="这个类型是什么。")
    requires: list[str] | None = Field(
        None,
        alias="必填",
        description="报告必须有的部分：自评表、评分表。",
        json_schema_extra={"items": {"enum": list(PARTS)}},
    )
    form_requires: list[str] | None = Field(
        None,
        alias="表单必填",
        description="表单要求填写的键；自评表缺少时给出 missing-field 提示。",
        json_schema_extra={"items": {"enum": list(FORM_KEYS)}},
    )
    body: str | None = Field(None, alias="正文", description="正文模板，例如 report/body-form.html。")
    sections: list[str] | None = Field(None, alias="章节", description="新建报告时的章节（各生成一个 Markdown 文件）。")
    scoring: dict[Literal["预算执行分值", "指标分值"], Decimal] | None = Field(
        None, alias="评分规则", description="自评表的 预算执行分值 与 指标分值。"
    )
    weights: dict[str, Decimal] | None = Field(None, alias="权重", description="评分表各一级指标的默认权重。")
    extra_columns: list[str] | None = Field(
        None, alias="附加列", description="指标表的附加列（文字），行中直接写这些列名。"
    )
    slug: str | None = Field(
        None, alias="网址", pattern=r"^[a-z0-9][a-z0-9-]*$", description="jixiao new report 默认的文件夹名。"
    )

    @field_validator("requires")
    @classmethod
    def _known_parts(cls, names: list[str] | None) -> list[str] | None:
        return check_known(names, PARTS, "报告中可以要求的部分")

    @field_validator("form_requires")
    @classmethod
    def _known_form_keys(cls, names: list[str] | None) -> list[str] | None:
        return check_known(names, FORM_KEYS, "自评表中可以要求填写的键")


@dataclass(frozen=True)
class ReportType:
    """A type with everything resolved along its base chain."""

    name: str
    chain: tuple[str, ...]  # itself, then the types it is based on
    description: str
    requires: tuple[str, ...]
    form_requires: tuple[str, ...]
    body: str
    sections: tuple[str, ...]
    scoring: dict[str, Decimal] = field(default_factory=dict)
    weights: dict[str, Decimal] = field(default_factory=dict)
    extra_columns: tuple[str, ...] = ()
    slug: str = "baogao"
    digest: str = ""  # of its declaration along the chain (the page keys of its reports hold it)

    @property
    def root(self) -> str:
        """The built-in type this one derives from (its scaffold is used for a new report)."""
        return self.chain[-1]

    def layouts(self) -> list[str]:
        """Layouts to try, most specific first."""
        return [*(f"report/{name}.html" for name in self.chain), "report/default.html"]

    def lacks(self, report: Report) -> list[str]:
        """The parts this type requires that the report does not have."""
        return [part for part in self.requires if not getattr(report, PARTS[part])]

    def missing_form_keys(self, form: Form) -> list[str]:
        """The keys this type's official form requires that the form leaves empty."""
        return [key for key in self.form_requires if not functools.reduce(getattr, FORM_KEYS[key], form)]


def builtin_specs() -> dict[str, TypeSpec]:
    """The built-in types as the file is now: read again once it changed, so an edit to an installed jixiao's
    types is seen by the next build in the same process too (a running preview's next full build)."""
    info = BUILTIN.stat()
    return read_specs(BUILTIN, (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))


@functools.lru_cache(maxsize=1)
def read_specs(path: Path, stamp: tuple[int, ...]) -> dict[str, TypeSpec]:
    """The types declared in `path` (`stamp`, the file's identity, keys the cache)."""
    data = parse_yaml(path.read_text(encoding="utf-8"), path)
    return {name: validate_model(TypeSpec, spec, path) for name, spec in data.items()}


def resolve_types(variants: dict[str, TypeSpec]) -> dict[str, ReportType]:
    """Built-in types and the site's variants, each resolved along its base chain."""
    specs = {**builtin_specs(), **variants}
    errors = []
    for name, spec in variants.items():
        if name in builtin_specs():
            errors.append(
                SourceError(
                    spec.locate(),
                    f"报告类型「{name}」是内置类型，不能重新声明",
                    rule="schema",
                    hint="给变体起一个新名字，并写 基于: " + name,
                )
            )
        elif spec.base is None or spec.base not in specs:
            errors.append(
                SourceError(
                    spec.locate("基于") if spec.base else spec.locate(),
                    f"报告类型「{name}」需要 基于 一个已有的类型",
                    rule="schema",
                    hint=f"可用: {'、'.join(specs)}",
                )
            )
    ErrorGroup.raise_any(errors)
    return {name: resolve(name, specs) for name in specs}


def resolve(name: str, specs: dict[str, TypeSpec]) -> ReportType:
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        if current in chain:
            raise SourceError(
                specs[name].locate("基于"),
                f"报告类型「{name}」的 基于 形成循环",
                rule="schema",
                hint="让每个变体最终基于一个内置类型。",
            )
        chain.append(current)
        current = specs[current].base

    def pick(attribute: str, default):
        return next((getattr(specs[n], attribute) for n in chain if getattr(specs[n], attribute) is not None), default)

    return ReportType(
        name,
        tuple(chain),
        pick("description", ""),
        tuple(pick("requires", ())),
        tuple(pick("form_requires", ())),
        pick("body", DEFAULT_BODY),
        tuple(pick("sections", ())),
        dict(pick("scoring", {})),
        dict(pick("weights", {})),
        tuple(pick("extra_columns", ())),
        pick("slug", "baogao"),
        digest_chain(chain, specs),
    )


def digest_chain(chain: list[str], specs: dict[str, TypeSpec]) -> str:
    """Each type of the chain by name, whether it is built in (its scoring split is layered differently, see
    SiteConfig.rules_for) and its declaration without line numbers (moving a type in its file changes nothing)."""
    builtin = builtin_specs()
    return digest_bytes(*(f"{name} {name in builtin} {specs[name].model_dump_json(by_alias=True)}" for name in chain))
