"""Stage: documents — data tables, shares, 同比, formulas, charts, numbering, glossary, attachments.

Expected figures come from the seeds (泸州 004_…, 怀化 000_…) or from hand computations beside them.
"""

import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO, assess_in_site
from jixiao.cli import main

assess = assess_in_site


def column(table, name):
    return [str(row[name]) if row[name] is not None else None for row in table["行"] if not row["上级"]]


def test_luzhou_final_accounts():
    view, findings = assess(REPO, "2023/luzhou-juesuan")
    tables = view["数据表"]
    # seed: 基本支出 1964.12 占 75.32 %, 项目支出 643.73 占 24.68 %
    assert column(tables["支出结构"], "占比") == ["75.32%", "24.68%"]
    # seed: 5.57 / 1.89 / 92.54 — 92.55 before the rounding difference is put into the largest item
    assert column(tables["功能分类"], "占比") == ["5.57%", "1.89%", "92.54%"]
    # seed: 一般公共预算支出决算数为2607.85，完成预算88.70%  (2607.85 ÷ 2940.02)
    assert str(tables["功能分类"]["合计"]["完成预算"]) == "88.70%"
    # seed: 三公 0 / 98.44 / 1.56 %, 完成预算 73.19 % in all, 75.65 % and 24 %; no budget for 出国 → no rate
    assert column(tables["三公经费"], "占比") == ["0.00%", "98.44%", "1.56%"]
    assert column(tables["三公经费"], "完成预算") == [None, "75.65%", "24.00%"]
    total = tables["三公经费"]["合计"]
    assert (str(total["决算数"]), str(total["完成预算"]), str(total["增减额"]), str(total["增长率"])) == \
        ("15.37", "73.19%", "0.91", "6.29%")
    # seed: 收入、支出总计各增加8.60万元、8.82万元，增长0.33%、0.34%
    assert column(tables["收支总计"], "增减额") == ["8.60", "8.82"]
    assert column(tables["收支总计"], "增长率") == ["0.33%", "0.34%"]
    # the seed's 类 total 145.23 against its three 项 (38.62 + 71.08 + 35.54 = 145.24)
    parts = [f for f in findings if f.rule == "parts-sum"]
    assert len(parts) == 1 and "145.24" in parts[0].message
    # numbering in declaration order
    # numbering in declaration order matches the seed: 图1 收、支决算总计变动情况 … 图7 “三公”经费 结构
    assert (view["表号"]["收支总计"], view["图号"]["收支总计"], view["图号"]["三公经费"]) == ("表1", "图1", "图7")


def test_luzhou_whole_department_score():
    view, findings = assess(REPO, "2023/luzhou-zhengti")
    # seed: 总体绩效 58.22 of 65 + 项目绩效 33.18 of 35 = 91.40, 优
    assert (str(view["总分"]), view["评价等次"], str(view["满分"])) == ("91.40", "优", "100")
    assert str(view["数据表"]["预算执行"]["行"][0]["执行率"]) == "88.70%"  # 2607.85 ÷ 2940.02
    assert not [f for f in findings if f.rule == "stated-differs"]  # the printed 91.40 agrees


def test_luzhou_project_report_tables():
    view, _ = assess(REPO, "2023/luzhou-xiangmu-baogao")
    details = view["数据表"]["项目内容明细"]
    assert len(details["行"]) == 13 and str(details["合计"]["金额"]) == "219.74"  # seed: 合计 219.74万元
    assert [str(r["执行率"]) for r in view["数据表"]["项目资金"]["行"]] == ["79.44%", "94.84%", "89.18%"]


def test_huaihua_special_funds():
    view, findings = assess(REPO, "2020/huaihua-zhuanxiangzijin")
    funds = view["数据表"]["项目资金"]
    # seed: 预算安排616.91万元 … 本年安排项目支出506万元，以前年度项目支出107.32万元, 实际支出613.32万元
    assert (str(funds["合计"]["年初预算"]), str(funds["合计"]["本年支出"])) == ("616.91", "506.00")
    assert str(view["数据表"]["实际支出"]["合计"]["金额"]) == "613.32"
    # seed: 有12个项目完成年初设定目标。有2个项目未完成，分别是 容灾备份系统项目 … 征信接口和贷款信息上报项目
    assert (funds.计数("按时完成", "是"), funds.名单("按时完成", "否")) == (12, ["容灾备份系统项目", "征信接口和贷款信息上报项目"])
    # 269.72 ÷ 272.84 = 98.86 %
    assert str(view["数据表"]["完成质量"]["行"][0]["质量达标率"]) == "98.86%"
    # 34.01 ÷ 31.82 = 106.88 %, 23.39 ÷ 23 = 101.70 %, 1.97 ÷ 1.9 = 103.68 % (seed prints 106.89 and 103.69)
    assert [str(r["完成率"]) for r in view["数据表"]["经济效益"]["行"]] == ["106.88%", "101.70%", "103.68%"]
    stated = sorted(f.message for f in findings if f.rule == "stated-differs")
    assert len(stated) == 3 and any("原表为 106.89" in m for m in stated) and any("原表为 103.69" in m for m in stated)
    # 36532.30 − 16849.47 = 19682.83 (seed prints 19682.84); the distribution adds up to 19682.84
    income = view["数据表"]["业务收支"]["行"]
    assert str(income["增值收益"]["金额"]) == "19682.83"
    assert any("原表为 19682.84" in m for m in stated)
    assert str(view["数据表"]["增值收益分配"]["合计"]["金额"]) == "19682.84"


def test_year_on_year_comes_from_last_years_report():
    project = FIXTURES / "two-years"
    view, _ = assess(project, "2023/juesuan")
    rows = view["数据表"]["收支总计"]["行"]
    # 上年 left empty in 2023: taken from the 2022 report's 本年 (2000.00, 1800.00)
    assert [str(r["上年"]) for r in rows] == ["2000.00", "1800.00"]
    assert all(r["取自上年报告"] for r in rows)
    # 2100 − 2000 = 100, 100 ÷ 2000 = 5.00 %; 1750 − 1800 = −50, −50 ÷ 1800 = −2.7778 % → −2.78 %
    assert [str(r["增减额"]) for r in rows] == ["100.00", "-50.00"]
    assert [str(r["增长率"]) for r in rows] == ["5.00%", "-2.78%"]
    # 1000 / 500 / 250 of 1750: 57.14 + 28.57 + 14.29 = 100.00
    assert column(view["数据表"]["支出结构"], "占比") == ["57.14%", "28.57%", "14.29%"]


def test_document_page_paragraphs_charts_and_glossary(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "two-years", project)
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    # the standard sentence is produced from the data
    assert ("2023年度收入总计2100.00万元、支出总计1750.00万元。与2022年相比，收入总计增加100.00万元，增长5.00%；"
            "支出总计减少50.00万元，下降2.78%。") in page
    assert "支出结构见表2和图2" in page
    # charts are inline SVG with real Chinese text, a title and the figures as a description
    assert page.count("<svg") == 2 and ">收入总计</text>" in page
    assert '<svg role="img" aria-label="图1 收、支决算总计变动情况"' in page and "<desc>收入总计: 上年 2000.00" in page
    assert "图1 收、支决算总计变动情况</figcaption>" in page
    # the unplaced table is printed after the text with its chart; glossary terms from the theme's data
    assert "表2 支出决算结构" in page and "图2 支出决算结构</figcaption>" in page
    assert "<dt>1. 基本支出</dt>" in page and "指为保障机构正常运转" in page


def test_site_overrides_a_glossary_term(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "two-years", project)
    (project / "layouts/data").mkdir(parents=True)
    (project / "layouts/data/名词解释.yaml").write_text("基本支出: 本中心的定义。\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["build", str(project), "--no-pdf"]).exit_code == 0
    page = (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    assert "本中心的定义。" in page and "指为保障机构正常运转" not in page and "指在基本支出之外" in page


@pytest.mark.parametrize("old, new, message", [
    ("名词解释: [基本支出, 项目支出]", "名词解释: [不存在的术语]", "名词解释中没有「不存在的术语」"),
    ("{名称: 基本支出, 金额: 1000.00}", "{名称: 基本支出, 金额: 一千}", "应为数字，这里是「一千」"),
    ("{名称: 基本支出, 金额: 1000.00}", "{名称: 基本支出, 金钱: 1000.00}", "未知的键「金钱」"),
    ("- {名称: 增长率, 类型: 增长率, 列: [本年, 上年]}", "- {名称: 增长率, 类型: 增长率, 列: [本年]}", "需要 2 个列名"),
])
def test_bad_document_input(tmp_path, old, new, message):
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "two-years", project)
    path = project / "content/2023/juesuan/report.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 1 and message in result.stderr
    assert "content/2023/juesuan/report.yaml:" in result.stderr


def test_composite_report_includes_its_attachments(tmp_path):
    out = tmp_path / "site"
    assert CliRunner().invoke(main, ["build", str(REPO), "--out", str(out), "--no-pdf"]).exit_code == 0
    page = (out / "2023/luzhou-juesuan/index.html").read_text(encoding="utf-8")
    order = [page.index(t) for t in ("第一部分 部门概况", "第三部分 名词解释", "附件1 部门预算绩效评价报告",
                                     "附件1 附表 部门预算项目支出绩效自评表", "附件2 项目支出绩效自评报告")]
    assert order == sorted(order)
    assert "91.40（优）" in page and "99.48" in page and "219.74" in page  # from the three attached reports
    assert 'id="a1-s1"' in page and 'id="a3-s3"' in page  # attachment anchors do not collide
    data = json.loads((out / "2023/luzhou-juesuan/data.json").read_text(encoding="utf-8"))
    assert data["报告"]["数据表"]["功能分类"]["合计"]["完成预算"] == "88.70%"
