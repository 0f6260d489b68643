"""Stage: documents — data tables, shares, 同比, formulas, charts, numbering, glossary, attachments.

Expected figures come from the seeds (泸州 004_…, 怀化 000_…) or from hand computations beside them.
"""

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO, assess_in_site, without_explanations

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
    assert column(tables["三公经费"], "占比") == ["0%", "98.44%", "1.56%"]
    assert column(tables["三公经费"], "完成预算") == [None, "75.65%", "24%"]
    total = tables["三公经费"]["合计"]
    assert (str(total["决算数"]), str(total["完成预算"]), str(total["增减额"]), str(total["增长率"])) == (
        "15.37",
        "73.19%",
        "0.91",
        "6.29%",
    )
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
    view, findings = assess(REPO, "2023/luzhou-xiangmu-baogao")
    tables = view["数据表"]
    details = tables["项目内容明细"]
    assert len(details["行"]) == 13 and str(details["合计"]["金额"]) == "219.74"  # seed: 合计 219.74万元
    # seed: 预算执行率为79.44% / 94.84% / 89.18% (137.27 ÷ 172.80, 474.39 ÷ 500.22, 219.20 ÷ 245.80);
    # 机房: 128.16 ÷ 128.16 = 100.00 %, printed 100% as the seed prints its rates
    funds = tables["项目资金"]["行"]
    assert [str(r["执行率"]) for r in funds] == ["79.44%", "94.84%", "89.18%", "100%"]
    # seed: 申请使用财政拨款资金137.27万元 / 474.39万元，资金按照计划时间到位，资金到位率100%
    assert [str(r["到位率"]) for r in funds][:2] == ["100%", "100%"]
    # seed 资金来源 合计: 316.34 | 219.2 | 219.2 | 219.2 (computed sums print as the seed does), taken from the
    # 项目资金 row, not typed again
    total = tables["信息系统资金来源"]["合计"]
    assert [str(total[c]) for c in ("计划金额", "申报金额", "下达金额", "支付金额")] == [
        "316.34",
        "219.2",
        "219.2",
        "219.2",
    ]
    # every figure 附件2 prints as a result (rates, totals, the budget worked out from the contract) agrees
    assert not [f for f in findings if f.rule in ("stated-differs", "parts-sum")]


def test_luzhou_server_room_budget_is_worked_out_from_the_contract():
    view, _ = assess(REPO, "2023/luzhou-xiangmu-baogao")
    tables = view["数据表"]
    budget = tables["机房预算测算"]["行"]
    # seed: 合同价格为357.2万元 … 支付合同总金额的30%，按此计算本年度预算107.16万元 (357.2 × 30 % = 107.16);
    # 补充合同金额不得超过原合同金额的10%，按此计算预算为35.72万元 (357.2 × 10 % = 35.72)，合计142.88万元
    assert [str(budget[n]["金额"]) for n in ("满一年支付比例", "本年度合同支付", "补充合同预算", "本年度预算")] == [
        "30%",
        "107.16",
        "35.72",
        "142.88",
    ]
    # seed: 确定补充合同服务金额为21万元，调整后预算为128.16万元 (107.16 + 21 = 128.16)
    assert str(budget["调整后预算"]["金额"]) == "128.16"
    room = tables["项目资金"]["行"]["机房安全及设备维护集成服务"]
    assert (str(room["年初预算数"]), str(room["调整后预算数"])) == ("142.88", "128.16")
    # seed: 机房硬件运维服务 ≤56万元, 深信服设备维保及升级 ≤50.88万元, 安全服务 ≤36 万元, 合计 ≤142.88万元
    assert str(tables["机房服务内容"]["合计"]["金额上限"]) == "142.88"
    # seed 资金来源: 128.16 in every column and in the 合计
    total = tables["机房资金来源"]["合计"]
    assert {str(total[c]) for c in ("计划金额", "申报金额", "下达金额", "支付金额")} == {"128.16"}


def test_luzhou_unexecuted_items_are_counted_and_taken_from_the_detail_table():
    view, _ = assess(REPO, "2023/luzhou-xiangmu-baogao")
    rows = view["数据表"]["未执行内容"]["行"]
    # seed: 存在三项申报内容与实际部分不相符，包括未开展密码测评（预算金额15万元）、
    # 省一体化服务平台接口对接服务（预算金额54万元）、集群网站维护（预算金额1.5万元）
    assert len(rows) == 3
    assert [str(r["金额"]) for r in rows] == ["15", "54", "1.5"]


def test_luzhou_project_report_page_reads_like_the_seed(repo_site):
    page = prose(repo_site, "2023/luzhou-xiangmu-baogao")
    # the four reports of 附件2, in the seed's order
    titles = [
        "2023年度非公局及行政审批局窗口运行费用项目",
        "2023年度住房公积金管理费用项目",
        "2023年度住房公积金信息系统运行维护项目",
        "2023年度机房安全及设备维护集成服务项目",
    ]
    assert [page.index(t) for t in titles] == sorted(page.index(t) for t in titles)
    for sentence in (
        # seed lines 2058, 2099, 2111 (窗口运行费用)
        "包括定制入驻行政审批局职工工作服数量不超过62人，入驻行政审批局窗口数量7个，办公楼物业管理质量高于90%，"
        "办公场地维修验收合格率100%",
        "对照绩效目标，2023年定制职工工作服数量17人，入驻行政审批局窗口数量7个，办公楼物业管理质量高于90%，"
        "办公场地维修验收合格率100%，经济成本指标完成值137.27万元，控制在预算成本内",
        "该项目预算执行率为79.44%，未达到100%。",
        # seed lines 2102 and 2172 (the same paragraph in two reports)
        "当年实现住房公积金增值收益2.34亿元，增值收益率1.45%。住房公积金提取使用39.42亿元，住房公积金贷款使用19.05亿元。"
        "公积金办事职工满意度、网络问政满意度均高于90%。",
        # seed lines 2126, 2169 (管理费用)
        "住房公积金缴存人数大于26万人，住房公积金个贷逾期率小于2%，住房公积金个贷率小于95%，当年实现住房公积金增值收益1.9亿元，"
        "增值收益率≥1%为优，住房公积金使用率≥90%（住房公积金提取使用26亿元，住房公积金贷款使用15亿元）为优",
        "2023年住房公积金缴存人数28.28万人，住房公积金个贷逾期率0.22‰，住房公积金个贷率74.42%，经济成本指标完成值474.39万元",
        # seed lines 2308, 2400, 2416 (信息系统运行维护)
        "存在三项申报内容与实际部分不相符",
        "成本指标：住房公积金信息系统运行维护成本≤316.34万元",
        "该项目预算执行率为89.18%，未达90%。",
        # seed lines 2429, 2567 (机房)
        "支付合同总金额的30%，按此计算本年度预算107.16万元。按照政府采购文件可签订补充合同，补充合同金额不得超过原合同金额的10%，"
        "按此计算预算为35.72万元",
        "成本指标：深信服设备维保及升级成本≤36万元，机房硬件运维服务≤36.16万元，安全服务36万元。",
    ):
        assert sentence in page, sentence
    # seed "资金到位率100%": computed 137.27 ÷ 137.27 = 100.00 % and printed as the seed prints it
    assert page.count("资金到位率100%") == 2


def test_huaihua_special_funds():
    view, findings = assess(REPO, "2020/huaihua-zhuanxiangzijin")
    funds = view["数据表"]["项目资金"]
    # seed: 预算安排616.91万元 … 本年安排项目支出506万元，以前年度项目支出107.32万元, 实际支出613.32万元
    assert (str(funds["合计"]["年初预算"]), str(funds["合计"]["本年支出"])) == ("616.91", "506")
    assert str(view["数据表"]["实际支出"]["合计"]["金额"]) == "613.32"
    # seed: 有12个项目完成年初设定目标。有2个项目未完成，分别是 容灾备份系统项目 … 征信接口和贷款信息上报项目
    assert (funds.计数("按时完成", "是"), funds.名单("按时完成", "否")) == (
        12,
        ["容灾备份系统项目", "征信接口和贷款信息上报项目"],
    )
    # 269.72 ÷ 272.84 = 98.86 %
    assert str(view["数据表"]["完成质量"]["行"][0]["质量达标率"]) == "98.86%"
    # 34.01 ÷ 31.82 = 106.88 %, 23.39 ÷ 23 = 101.70 % (the seed prints 101.7%), 1.97 ÷ 1.9 = 103.68 % (seed prints
    # 106.89 and 103.69)
    assert [str(r["完成率"]) for r in view["数据表"]["经济效益"]["行"]] == ["106.88%", "101.7%", "103.68%"]
    stated = sorted(f.message for f in findings if f.rule == "stated-differs" and "经济效益" in f.message)
    assert len(stated) == 2 and any("原表为 106.89" in m for m in stated) and any("原表为 103.69" in m for m in stated)
    stated = [f.message for f in findings if f.rule == "stated-differs"]
    # 36532.30 − 16849.47 = 19682.83 (seed prints 19682.84); the distribution adds up to 19682.84
    income = view["数据表"]["业务收支"]["行"]
    assert str(income["增值收益"]["金额"]) == "19682.83"
    assert any("原表为 19682.84" in m for m in stated)
    assert str(view["数据表"]["增值收益分配"]["合计"]["金额"]) == "19682.84"


def test_huaihua_shares_are_kept_as_printed_and_their_slips_found():
    view, findings = assess(REPO, "2020/huaihua-zhuanxiangzijin")
    tables = view["数据表"]
    # seed: 缴存单位中 73.33 + 8.67 + 0.52 + 0.29 + 9.12 + 6.8 + 1.26 = 99.99; 缴存职工中 69.95 + 14.79 + 0.2 + 0.58
    # + 7.3 + 6.28 + 0.9 = 100.00; 新开户职工中 44.39 + 6.17 + 0.87 + 1.55 + 32.11 + 4.4 + 10.51 = 100.00
    total = tables["缴存结构"]["合计"]
    # (computed sums print without trailing zeros: 100)
    assert (str(total["缴存单位"]), str(total["缴存职工"]), str(total["新开户职工"])) == ("99.99", "100", "100")
    assert str(tables["缴存结构"]["行"]["民办非企业单位和社会团体"]["缴存单位"]) == "6.8"  # printed as written
    # seed: 中、低收入 99.99 / 99.99 / 99.96 / 99.88 and 高收入 0.01 / 0.01 / 0.04 / 0.12: each pair 100.00
    assert [str(v) for v in tables["收入结构"]["合计"].values.values()] == ["100"] * 4
    # seed: 住房消费提取 77.02 (26.64 + 50.13 + 0.25 = 77.02) + 非住房消费提取 22.98 = 100.00
    assert str(tables["提取结构"]["合计"]["占比"]) == "100"
    # seed: 90.77 + 9.15 + 0.08 = 100.00; "其中购买保障性住房占0%" is part of 购买新房, not counted again
    assert str(tables["贷款房屋"]["合计"]["占比"]) == "100"
    # seed: 10.15 + 77.51 + 12.35 = 100.01; 36.89 + 62.95 + 0.17 = 100.01; 38.84 + 32.74 + 24.79 + 3.63 = 100.00
    assert [str(tables[t]["合计"]["占比"]) for t in ("贷款面积", "贷款人数", "贷款年龄", "贷款次数")] == [
        "100.01",
        "100.01",
        "100",
        "100",
    ]
    totals = {
        f.message.split(" 合计 ")[0]: f.message.split(" 合计 ")[1]
        for f in findings
        if f.rule == "stated-differs" and " 合计 " in f.message
    }
    assert all(f.level == "note" for f in findings)  # each acknowledged with a 核对说明
    assert {title: message.split("（")[0] for title, message in totals.items()} == {
        "缴存单位、缴存职工、新开户职工按单位性质分布": "缴存单位: 原表为 100，按数据计算为 99.99",
        "职工贷款笔数按购房建筑面积分布": "占比: 原表为 100，按数据计算为 100.01",
        "职工贷款笔数按共同申请缴存职工人数分布": "占比: 原表为 100，按数据计算为 100.01",
    }
    # seed: 非住房消费提取占22.98%（18.4 + 3.74 + 0.01 + 0.82 = 22.97）
    parts = [f.message.split("（")[0] for f in findings if f.rule == "parts-sum"]
    assert parts == ["提取金额按提取原因分布「非住房消费提取」占比 22.98，其中各项合计 22.97"]


def test_huaihua_equations_of_the_project_descriptions_are_recomputed():
    view, findings = assess(REPO, "2020/huaihua-zhuanxiangzijin")
    tables = view["数据表"]
    # seed: 含（网厅托管+驻场人员+系统优化及数据接口）*40万=119万元 — 3 × 40 = 120
    assert str(tables["业务系统测算"]["行"]["总额"]["金额"]) == "120"
    # seed: 1836136*0.27=495756 — 1836136 × 0.27 = 495756.72
    assert str(tables["档案测算"]["行"]["加工费"]["金额"]) == "495756.72"
    stated = [f.message.split("（")[0] for f in findings if f.rule == "stated-differs" and "测算" in f.message]
    assert sorted(stated) == [
        "业务系统升级和运维费 测算「总额」金额: 原表为 119，按数据计算为 120",
        "历史档案数字化加工 测算「加工费」金额: 原表为 495756，按数据计算为 495756.72",
    ]


def test_huaihua_counts_and_rates_come_from_the_data():
    view, _ = assess(REPO, "2020/huaihua-zhuanxiangzijin")
    tables = view["数据表"]
    # seed: 内设7个科室 …；下设不具备独立法人资格的13个直属分支机构 (both lists printed in full)
    assert (len(tables["内设科室"]["行"]), len(tables["直属分支机构"]["行"])) == (7, 13)
    # seed: 其他实有人数69人，其中人事代理人员36人，劳务派遣人员14人，公益性岗位人员19人 (36 + 14 + 19 = 69)
    assert str(tables["人员情况"]["行"]["其他实有人数"]["人数"]) == "69"
    # seed: 已完工的12个项目中，其中10个达到质量要求，2个未达到质量要求，分别是：①短信费用项目 … ②市本级物业管理费项目
    funds = tables["项目资金"]
    assert (funds.计数("达到质量要求", "是"), funds.名单("达到质量要求", "否")) == (
        10,
        ["短信费用项目", "市本级物业管理费项目"],
    )
    # seed: 扣除相应的会务员工资费用1.08万元，质量达标率为97.16%: (38.04 − 1.08) ÷ 38.04 = 97.1609 % → 97.16 %
    assert str(tables["物业管理质量"]["行"]["质量达标率"]["金额"]) == "97.16%"
    # seed: 实际完成(增值收益)1.97亿元 = 业务收支 19682.83 万元 ÷ 10000 = 1.968283 → 1.97
    assert str(tables["经济效益"]["行"]["增值收益"]["实际"]) == "1.97"
    # seed: “业务网厅、网站、手机APP、微信、短信、服务热线、自助服务终端”等7大渠道
    assert len(tables["服务渠道"]["行"]) == 7
    # seed: 综上所述自评得分为97分，评价等次为优秀 (97 ≥ 90 → 优)
    assert (str(view["总分"]), view["评价等次"]) == ("97", "优")
    # seed: 109800元/席/年*5席位=549000元; 2019年已采购签约4个座席，2020年新增1个座席 (4 + 1 = 5);
    # 2020年6月付款50%：27.45万元 (549000 × 50 % = 274500 元)
    hotline = tables["热线测算"]["行"]
    assert [str(hotline[n]["金额"]) for n in ("座席", "年费", "每期付款")] == ["5", "549000", "274500"]
    # seed: 电信186600元/年，联通199080元/年 … 2020年7月付款38.568万元 (186600 + 199080 = 385680 元)
    assert str(tables["线路费测算"]["合计"]["金额"]) == "385680"
    # seed: 建议2021年度预算 …电子化办公服务设备和办公家具购置20万元 …市本级物业管理费44.8万元: printed as written
    advice = tables["预算建议"]["行"]
    assert (str(advice[0]["金额"]), str(advice["市本级物业管理费"]["金额"])) == ("20", "44.8")


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory):
    """The repository's own content built once (HTML only) for reading pages against the seeds."""
    out = tmp_path_factory.mktemp("repo") / "site"
    result = CliRunner().invoke(main, ["build", str(REPO), "--out", str(out), "--no-pdf", "--no-search", "--strict"])
    assert result.exit_code == 0, result.output
    return out


def prose(site, key):
    """A built page's text as a reader sees it (tags removed)."""
    return re.sub(r"<[^>]+>", "", (site / key / "index.html").read_text(encoding="utf-8"))


def test_huaihua_page_prints_the_seeds_sentences(repo_site):
    page = prose(repo_site, "2020/huaihua-zhuanxiangzijin")
    for sentence in (
        # seed lines 98, 100, 118, 131, 140
        "含（网厅托管+驻场人员+系统优化及数据接口）*40万=120万元（原文印为119万元）。",
        "电信186600元/年，联通199080元/年。",
        "109800元/席/年*5席位=549000元。",
        "2020年7月付款38.568万元。",
        "2019年已采购签约4个座席，2020年新增1个座席。根据政府采购合同约定及服务情况，2020年6月付款50%：27.45万元，"
        "2020年12月付款50%：27.45万元。",
        # seed line 191
        "2020年度电子化办公服务设备和办公家具购置与市本级物业管理费两个项目，我单位向财政申请由单位审核把关，进行授权支付。",
        # seed lines 47 and 49
        "内设7个科室：综合部、财务部、稽核部、资金核算部、业务指导部、科技信息部、市直管理部；",
        "单位编制人数108人。编内实有人数83人；其他实有人数69人，其中人事代理人员36人，劳务派遣人员14人，"
        "公益性岗位人员19人；退休人员33人；遗属人员1人。",
        # seed line 220
        "扣除相应的会务员工资费用1.08万元，质量达标率为97.16%。",
        # seed line 241 (the seed writes "9.12 %")
        "缴存单位中，国家机关和事业单位占73.33%，国有企业占8.67%，城镇集体企业占0.52%，外商投资企业占0.29%，"
        "城镇私营企业及其他城镇企业占9.12%，民办非企业单位和社会团体占6.8%，其他占1.26%。",
        # seed line 244, 245 (the seed writes "0.01%,其他" with a half-width comma)
        "2020年，6.77万名缴存职工提取住房公积金20.77亿元。",
        "提取金额中，住房消费提取占77.02%（购买、建造、翻建、大修自住住房占26.64%，偿还购房贷款本息占50.13%，"
        "租赁住房占0.25%）；非住房消费提取占22.98%（离休和退休提取占18.4%，完全丧失劳动能力并与单位终止劳动关系提取占3.74%，"
        "出境定居占0.01%，其他占0.82%）。",
        # seed line 249
        "购房建筑面积90（含）平方米以下占10.15%，90-144（含）平方米占77.51%，144平方米以上占12.35%。"
        "购买新房占90.77%（其中购买保障性住房占0%），购买二手房占9.15%，建造、翻建、大修自住住房占0.08%。",
        # seed lines 252, 255, 263
        "发放异地贷款总额20155.36万元，异地贷款余额11305.74万元。",
        "自助服务终端”等7大渠道的综合服务平台国检验收",
        "①电子化办公服务设备和办公家具购置20万元，",
    ):
        assert sentence in page, sentence


def test_a_tables_notes_are_printed_with_it(repo_site, tmp_path):
    """说明 on a data-table row (the seed's reason beside a figure) and on a table are the document's words."""
    page = (repo_site / "2023/luzhou-juesuan/index.html").read_text(encoding="utf-8")
    # seed 004 line 40: 住房公积金管理（项） … 完成预算87.19%，决算数小于预算数的主要原因是中心厉行节约 …
    # (the note spans the five columns: 项目, 决算数, 预算数, 占比, 完成预算)
    assert (
        '<tr class="note-row"><td colspan="5" class="note">说明：决算数小于预算数的主要原因是中心厉行节约，'
        "压减支出，各项支出较年初预算都有减少</td></tr>"
    ) in page
    # the row is kept on the page of its note (print.css: tr.keep-next avoids a break after it)
    assert re.search(r'<tr class="part keep-next">\s*<th scope="row">住房公积金管理</th>', page)
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "two-years", project)
    report = project / "content/2023/juesuan/report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "    标题: 支出决算结构\n", "    标题: 支出决算结构\n    说明: 其他支出含往来款。\n    核对说明: 不印出。\n"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf", "--no-search"])
    assert result.exit_code == 0, result.output
    page = (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    assert '<p class="table-note">说明：其他支出含往来款。</p>' in page and "不印出" not in page
    # when 说明 is one of the table's text columns, a row's note is printed in that column instead
    report.write_text(
        report.read_text(encoding="utf-8")
        .replace("    列: [金额]\n", "    列: [金额]\n    文字列: [说明]\n", 1)
        .replace("{名称: 基本支出, 金额: 1000.00}", "{名称: 基本支出, 金额: 1000.00, 说明: 含人员经费}"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf", "--no-search"])
    assert result.exit_code == 0, result.output
    page = (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    assert "<td>含人员经费</td>" in page and "说明：含人员经费" not in page


def test_year_on_year_comes_from_last_years_report():
    project = FIXTURES / "two-years"
    view, _ = assess(project, "2023/juesuan")
    rows = view["数据表"]["收支总计"]["行"]
    # 上年 left empty in 2023: taken from the 2022 report's 本年 (2000.00, 1800.00)
    assert [str(r["上年"]) for r in rows] == ["2000.00", "1800.00"]
    assert all(r["取自上年报告"] for r in rows)
    # 2100 − 2000 = 100, 100 ÷ 2000 = 5.00 %; 1750 − 1800 = −50, −50 ÷ 1800 = −2.7778 % → −2.78 %
    # (computed figures print without trailing zeros)
    assert [str(r["增减额"]) for r in rows] == ["100", "-50"]
    assert [str(r["增长率"]) for r in rows] == ["5%", "-2.78%"]
    # 1000 / 500 / 250 of 1750: 57.14 + 28.57 + 14.29 = 100.00
    assert column(view["数据表"]["支出结构"], "占比") == ["57.14%", "28.57%", "14.29%"]


def test_document_page_paragraphs_charts_and_glossary(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "two-years", project)
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    # the standard sentence is produced from the data
    assert (
        "2023年度收入总计2100.00万元、支出总计1750.00万元。与2022年相比，收入总计增加100万元，增长5%；"
        "支出总计减少50万元，下降2.78%。"
    ) in page
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


def test_composite_report_includes_its_attachments(tmp_path):
    out = tmp_path / "site"
    assert CliRunner().invoke(main, ["build", str(REPO), "--out", str(out), "--no-pdf"]).exit_code == 0
    page = without_explanations((out / "2023/luzhou-juesuan/index.html").read_text(encoding="utf-8"))
    order = [
        page.index(t)
        for t in (
            "第一部分 部门概况",
            "第三部分 名词解释",
            "附件1 部门预算绩效评价报告",
            "附件1 附表 部门预算项目支出绩效自评表",
            "附件2 项目支出绩效自评报告",
        )
    ]
    assert order == sorted(order)
    assert "91.40（优）" in page and "99.48" in page and "219.74" in page  # from the three attached reports
    assert 'id="a1-s1"' in page and 'id="a3-s3"' in page  # attachment anchors do not collide
    data = json.loads((out / "2023/luzhou-juesuan/data.json").read_text(encoding="utf-8"))
    assert data["报告"]["数据表"]["功能分类"]["合计"]["完成预算"] == "88.70%"


SEEDS = Path(os.environ.get("JIXIAO_SEEDS", FIXTURES / "seeds"))  # the published reports, as text
SEED_OF_PAGE = {
    "2020/huaihua-zhuanxiangzijin": "000_",
    "2023/liuan-zipingbiao": "002_",
    "2023/luzhou-juesuan": "004_",
    "2023/luzhou-zhengti": "004_",
    "2023/luzhou-xiangmu-baogao": "004_",
    "2023/luzhou-xiangmu-zipingbiao": "004_",
}
FIGURE = r"(?<![\d.])\d+(?:\.\d+)?%?(?![\d.])"
# a figure of the page whose value the seed prints for something else: 公务接待费's 预算数 1.00 (the seed prints
# no such table; its "1" is 商务汽车1辆)
COINCIDENCES = {("2023/luzhou-juesuan", "1.00")}


def printed_otherwise(page_text: str, seed_text: str) -> list[tuple[str, list[str]]]:
    """Figures of a page the seed prints with other decimals: the same value written otherwise (20.00 where the
    seed prints 20, 88.7% where it prints 88.70%). Figures the seed does not print at all (computed columns the
    re-authored report adds) are not compared."""
    seed_figures = set(re.findall(FIGURE, seed_text.replace(" %", "%")))
    forms: dict[tuple[Decimal, bool], set[str]] = {}
    for figure in seed_figures:
        forms.setdefault((Decimal(figure.rstrip("%")), figure.endswith("%")), set()).add(figure)
    return [
        (figure, sorted(forms[key]))
        for figure in sorted(set(re.findall(FIGURE, page_text)) - seed_figures)
        if (key := (Decimal(figure.rstrip("%")), figure.endswith("%"))) in forms
    ]


def test_every_figure_prints_as_the_seed_prints_it(repo_site):
    """Issue 19: a typed figure as written, a computed one without padding, 原表 or 固定小数位 where the seed pads.
    Before: 20.00 (seed 20), 1.20 (1.2), 101.70% (101.7%), 100.00% (100%), 0.00% (0%) … on five of six pages."""
    seeds = {path.name[:4]: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    for key, seed in SEED_OF_PAGE.items():
        text = re.sub(r"<[^>]+>", " ", without_explanations((repo_site / key / "index.html").read_text("utf-8")))
        slips = [(f, s) for f, s in printed_otherwise(text, seeds[seed]) if (key, f) not in COINCIDENCES]
        assert not slips, (key, slips)
