"""site.yaml → a typed, validated SiteConfig (unknown keys are errors with file:line)."""

from __future__ import annotations

import dataclasses
import functools
import re
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from .compute import Rules
from .errors import Location, RuleError, SourceError
from .located import Located
from .paths import ProjectFiles
from .reporttypes import ReportType, TypeSpec, builtin_specs, resolve_types
from .validate import validate_model
from .yamlsource import parse_yaml

CONFIG_NAME = "site.yaml"
THEME_NAME_RE = r"^\w[\w-]*$"  # a folder name, never a path (主题: /etc is refused)
SLUG_RE = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # 单位网址: a unit's folder under units/
SLUG_HINT = "只用小写字母、数字和 -（不在首尾，不连写），例如 shili 或 shili-zhongxin。"


class GradeBound(Located):
    lower: Decimal = Field(alias="下限", ge=0, le=100, description="达到该分数即为此等次（0–100）。")
    name: str = Field(alias="等次", min_length=1, description="等次的名称，例如 优。")


class ScoringConfig(Located):
    """评分规则: every default from DESIGN.md can be changed per site."""

    budget_points: Decimal = Field(Decimal(10), alias="预算执行分值", description="预算执行的分值，默认 10。")
    indicator_points: Decimal = Field(Decimal(90), alias="指标分值", description="绩效指标分值合计，默认 90。")
    places: int = Field(2, alias="小数位", ge=0, le=6, description="得分、比率四舍五入保留的小数位，默认 2。")
    grades: list[GradeBound] | None = Field(
        None, alias="等次", description="评价等次的下限，例如 [{下限: 90, 等次: 优}, …]；必须有下限 0 的等次。"
    )
    words: dict[str, Decimal] | None = Field(
        None,
        alias="定性等级",
        description="定性指标完成值的词及其得分比例，例如 {较好: 0.9}；补充内置的 优/良/中/差/完成 等。",
    )

    @field_validator("grades")
    @classmethod
    def _bands(cls, grades: list[GradeBound] | None) -> list[GradeBound] | None:
        """Every total must fall in exactly one band: distinct lower bounds, the lowest at 0."""
        if grades is None:
            return None
        lowers = [g.lower for g in grades]
        if len(set(lowers)) != len(lowers):
            raise ValueError("等次的 下限 有重复；每个等次的下限应各不相同")
        if min(lowers, default=None) != 0:
            raise ValueError("等次中必须有一个 下限: 0 的等次（否则低分没有等次）")
        return grades

    def to_rules(self) -> Rules:
        defaults = Rules()
        grades = (
            tuple(sorted(((g.lower, g.name) for g in self.grades), reverse=True)) if self.grades else defaults.grades
        )
        words = {**defaults.words, **self.words} if self.words else defaults.words
        return Rules(self.budget_points, self.indicator_points, self.places, grades, words)


class PdfConfig(Located):
    """PDF settings: body size (三号 = 16pt by default) and an optional PDF variant for archiving."""

    body_size: str = Field(
        "16pt", alias="正文字号", pattern=r"^\d+(\.\d+)?(pt|px|mm)$", description="PDF 正文字号，默认 16pt（三号）。"
    )
    variant: str | None = Field(None, alias="pdf_variant", description="PDF 变体，例如 pdf/a-3u（归档用）。")

    @field_validator("variant")
    @classmethod
    def _known_variant(cls, value: str | None) -> str | None:
        from weasyprint.pdf import VARIANTS  # imported here: WeasyPrint is slow to import

        known = list(VARIANTS)
        if value is not None and value not in known:
            raise ValueError(f"pdf_variant「{value}」无效，可用: {', '.join(known)}")
        return value


class SiteConfig(Located):
    title: str = Field(alias="站点名称", description="网站标题，显示在每页顶部和首页。")
    base_url: str = Field("/", alias="base_url", description="站点部署的路径前缀，例如 /gjj/xxgk/；默认 /。")
    site_url: str | None = Field(
        None,
        alias="站点网址",
        pattern=r"^https?://[^/\s]+/?$",
        description="网站的协议和域名，例如 https://www.example.gov.cn；用于 sitemap.xml 和订阅源中的完整网址。",
    )
    theme: str = Field(
        "gongwen",
        alias="主题",
        pattern=THEME_NAME_RE,
        description="使用的主题名，默认 gongwen；项目 themes/<名称>/ 中的主题优先。",
    )
    default_unit: str = Field("万元", alias="默认单位", description="金额的默认单位，默认 万元；表头和标准段落都用它。")
    public_findings: bool = Field(
        False,
        alias="公开核对提示",
        description="true 时网页末尾印出核对提示、data.json 带 审核 一项（核对说明 仍不发布）；默认 false，"
        "核对提示只在 check 和 serve 的预览中。",
    )
    scoring: ScoringConfig = Field(
        default_factory=ScoringConfig, alias="评分规则", description="评分规则；每项都有默认值（见 README）。"
    )
    pdf: PdfConfig = Field(default_factory=PdfConfig, alias="PDF", description="PDF 设置。")
    office: tuple[Literal["docx", "xlsx"], ...] = Field(
        (),
        alias="办公文档",
        description="每份报告在 PDF 旁另外生成的办公文档: docx（Word）、xlsx（Excel），例如 [docx, xlsx]；默认不生成。",
    )
    unit_slugs: dict[str, str] = Field(
        default_factory=dict,
        alias="单位网址",
        description="单位页网址中的名称：单位名称 → 小写字母、数字和 -，例如 {示例中心: shili}；没写的单位用拼音。",
    )
    variants: dict[str, TypeSpec] = Field(
        default_factory=dict,
        alias="报告类型",
        description="本站自己的报告类型变体：名称 → {基于, 附加列, 评分规则, 权重, 章节, 表单必填 …}。",
    )

    @functools.cached_property
    def types(self) -> dict[str, ReportType]:
        """The built-in report types and this site's variants."""
        return resolve_types(self.variants)

    def rules_for(self, kind: str) -> Rules:
        """The scoring rules of a report type. The split of points comes from, most specific last: the
        built-in types it derives from, the site's 评分规则, then the site's own variants."""
        chain = list(reversed(self.types[kind].chain)) if kind in self.types else []
        layers = [builtin_specs()[n].scoring for n in chain if n in builtin_specs() and n not in self.variants]
        layers.append(
            {
                key: value
                for key, value in (
                    ("预算执行分值", self.scoring.budget_points),
                    ("指标分值", self.scoring.indicator_points),
                )
                if self.scoring.wrote(key)
            }
        )
        layers += [self.variants[n].scoring for n in chain if n in self.variants]
        split = {key: value for layer in layers if layer for key, value in layer.items()}
        rules = self.scoring.to_rules()
        return dataclasses.replace(
            rules,
            budget_points=split.get("预算执行分值", rules.budget_points),
            indicator_points=split.get("指标分值", rules.indicator_points),
        )

    @field_validator("unit_slugs")
    @classmethod
    def _slugs(cls, slugs: dict[str, str]) -> dict[str, str]:
        """A slug is one folder of a URL, the same on every server (no case or escaping to differ), and one unit's."""
        owner: dict[str, str] = {}
        for unit, slug in slugs.items():
            if not re.fullmatch(SLUG_RE, slug):
                raise RuleError(f"单位网址「{slug}」不能用作网址", SLUG_HINT, (unit,))
            if slug in owner:
                raise RuleError(
                    f"单位网址「{slug}」已给了「{owner[slug]}」", f"给「{unit}」另取一个，例如 {slug}-2。", (unit,)
                )
            owner[slug] = unit
        return slugs

    @field_validator("base_url")
    @classmethod
    def _slashes(cls, value: str) -> str:
        value = value.strip() or "/"
        if not value.startswith("/"):
            raise ValueError("base_url 应以 / 开头，例如 /gjj/xxgk/")
        if not re.fullmatch(r"[A-Za-z0-9/_.~-]*", value) or "//" in value or "/../" in f"{value}/":
            raise ValueError("base_url 只能含字母、数字和 / _ . ~ -，例如 /gjj/xxgk/")
        return value if value.endswith("/") else value + "/"


def load_config(files: ProjectFiles, content_dir: Path) -> SiteConfig:
    """Read content/site.yaml; its absence is an error that says how to start a project."""
    path = content_dir / CONFIG_NAME
    if not path.exists() and not path.is_symlink():
        raise SourceError(
            Location(path),
            "找不到站点配置 site.yaml",
            hint=f"在 {content_dir} 下创建 site.yaml（至少写一行: 站点名称: …）。",
        )
    config = validate_model(SiteConfig, parse_yaml(files.read_text(path), path), path)
    config.types  # noqa: B018 (resolved now: a variant that cannot be is an error at its line in site.yaml)
    return config
