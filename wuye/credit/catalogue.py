"""The seed catalogue of credit rules (issue 4 §7, rules.md §9).

Each rule: code, name, class (basic / good / bad / veto), subject (company or project manager),
points, validity in days (``None``: until rectified), the evidence needed, who records it and,
for automatic rules, the platform source that creates its events. The city bureau edits the
catalogue on the rules pages; ``seed`` only creates what is missing, so it never undoes an edit.
"""

from __future__ import annotations

from decimal import Decimal

SYSTEM, CITY, DISTRICT, BOTH = "system", "city", "district", "city_or_district"
Y = 365
UNTIL_RECTIFIED = None

# code, name, class, subject, points, validity days, recorder, auto source, evidence, basis
RULES = [
    # basic credit: standing conditions of a company (capped at 80 in the score)
    ("JC01", "依法备案", "basic", "company", "60", UNTIL_RECTIFIED, SYSTEM, "registry_filing",
     "企业备案信息（平台登记备案状态为已备案）", "物业服务企业备案管理规定"),
    ("JC02", "项目经理持证上岗", "basic", "company", "10", Y, BOTH, "",
     "项目经理证书、在岗人员名册", "物业服务企业信用评价办法"),
    ("JC03", "按规定投保公众责任险", "basic", "company", "10", Y, BOTH, "",
     "有效期内的公众责任险保单", "物业服务企业信用评价办法"),
    ("JC04", "服务合同依法备案", "basic", "company", "5", Y, BOTH, "",
     "物业服务合同备案回执", "物业服务合同备案管理规定"),
    # good credit (capped at 40)
    ("XC02", "检查得分 95 分以上", "good", "company", "3", Y, SYSTEM, "inspection_score",
     "双随机检查结果", "双随机、一公开检查结果"),
    ("XJ04", "获评四星级", "good", "company", "3", Y, SYSTEM, "star_rating",
     "星级评定结果公告", "住宅小区物业服务星级评定办法"),
    ("XJ05", "获评五星级", "good", "company", "5", Y, SYSTEM, "star_rating",
     "星级评定结果公告", "住宅小区物业服务星级评定办法"),
    ("TS01", "月度接诉即办考核优秀", "good", "company", "1", Y, SYSTEM, "complaint_metrics",
     "月度接诉即办考核结果（综合得分 95 分以上且派单不少于 5 件）", "接诉即办考核办法"),
    ("BG01", "获评物业标杆项目", "good", "company", "5", Y, BOTH, "benchmark",
     "标杆项目命名文件", "物业服务提升三年行动方案"),
    ("BZ01", "受到市级人民政府或行业主管部门表彰", "good", "company", "5", Y, CITY, "",
     "表彰文件", "物业服务企业信用评价办法"),
    ("BZ02", "受到区县人民政府或主管部门表彰", "good", "company", "3", Y, BOTH, "",
     "表彰文件", "物业服务企业信用评价办法"),
    ("BZ03", "获得省级以上行业奖项", "good", "company", "5", Y, CITY, "",
     "获奖证书", "物业服务企业信用评价办法"),
    ("BZ04", "参与应急抢险、疫情防控等工作表现突出", "good", "company", "2", Y, BOTH, "",
     "街道、区县出具的证明材料", "物业服务企业信用评价办法"),
    # bad credit (deducted)
    ("XC01", "检查得分低于 70 分", "bad", "company", "5", Y, SYSTEM, "inspection_score",
     "双随机检查结果", "双随机、一公开检查结果"),
    ("XC03", "整改逾期未完成", "bad", "company", "3", Y, SYSTEM, "rectification_overdue",
     "整改通知书及逾期记录", "物业服务监督检查办法"),
    ("BA01", "未按期办理物业承接查验备案", "bad", "company", "3", Y, SYSTEM, "handover_filing",
     "承接查验记录（物业交接日期、备案期限）", "物业承接查验办法（建房〔2010〕165号）：物业交接后 30 日内备案"),
    ("XJ90", "星级被降级", "bad", "company", "3", Y, SYSTEM, "star_downgrade",
     "星级降级决定", "住宅小区物业服务星级评定办法"),
    ("TS02", "月度接诉即办考核不合格", "bad", "company", "2", Y, SYSTEM, "complaint_metrics",
     "月度接诉即办考核结果（综合得分低于 60 分）", "接诉即办考核办法"),
    ("GS01", "未按规定公示公共收益", "bad", "company", "5", UNTIL_RECTIFIED, BOTH, "disclosure",
     "公示检查记录、业主投诉核实材料", "rules.md §9：每次未公示或未分配公共收益扣 5 分"),
    ("GS02", "未按规定公示收费标准或违规收费", "bad", "company", "5", Y, BOTH, "",
     "价格主管部门认定材料、公示检查记录", "rules.md §9：每次未公示收费或违规收费扣 5 分"),
    ("SF01", "法院判决承担主要责任", "bad", "company", "5", Y, BOTH, "",
     "生效判决书", "rules.md §9：法院判决承担主要责任扣 5 分"),
    ("WG01", "限水限电、断供催缴物业费", "bad", "company", "10", UNTIL_RECTIFIED, BOTH, "",
     "执法检查记录、核实的投诉", "物业管理条例"),
    ("WG02", "拒不配合主管部门监督检查", "bad", "company", "10", Y, BOTH, "",
     "检查记录、现场照片", "物业服务监督检查办法"),
    ("WG03", "发生安全责任事故", "bad", "company", "10", UNTIL_RECTIFIED, BOTH, "",
     "事故调查报告", "物业服务企业信用评价办法"),
    ("WG04", "提供虚假材料", "bad", "company", "10", Y, CITY, "",
     "核查记录", "物业服务企业信用评价办法"),
    # project managers' personal score
    ("MG01", "项目经理到岗 30 日内未登记", "bad", "manager", "5", Y, SYSTEM, "manager_registration",
     "从业人员登记记录（登记日期与到岗日期）", "rules.md §9：到岗 30 日内未登记扣 5 分"),
    ("MG02", "项目经理年度培训学时不足", "bad", "manager", "10", Y, SYSTEM, "manager_training",
     "年度培训记录", "rules.md §9：年度培训学时不足扣 10 分"),
    ("MG03", "项目经理无证上岗", "bad", "manager", "5", Y, BOTH, "",
     "在岗人员检查记录", "物业服务企业信用评价办法"),
    # veto items: black list whatever the score
    ("FJ01", "挪用维修资金或公共收益", "veto", "company", "0", UNTIL_RECTIFIED, CITY, "",
     "审计报告、司法或行政认定文书", "rules.md §9：一票否决"),
    ("FJ02", "合同终止拒不退出", "veto", "company", "0", UNTIL_RECTIFIED, BOTH, "",
     "合同终止文件、业主共同决定、交接记录", "rules.md §9：一票否决"),
]


def seed(apps=None) -> int:
    """Create the rules that do not exist yet (idempotent); returns how many were created.
    ``apps`` is the migration state (None: the real models)."""
    if apps is None:
        # Here, not at the top: a migration imports this module and must not load today's models.
        from .models import CreditRule, CreditSettings
    else:
        CreditRule = apps.get_model("credit", "CreditRule")
        CreditSettings = apps.get_model("credit", "CreditSettings")
    CreditSettings.objects.get_or_create(pk=1)
    created = 0
    for code, name, klass, subject, points, days, recorder, source, evidence, basis in RULES:
        _obj, new = CreditRule.objects.get_or_create(code=code, defaults=dict(
            name=name, klass=klass, subject=subject, points=Decimal(points), validity_days=days,
            recorder=recorder, auto_source=source, evidence_required=evidence, basis=basis, active=True,
        ))
        created += new
    return created
