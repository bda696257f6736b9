"""The platform's default residential property service standard (住宅物业服务标准 WYFW-2026, v1).

Nine sections, 47 measurable items, 100 points in all (rules.md §8): every item says what is
checked, how points are deducted and what the inspector looks at, and which star levels it
applies to. Idempotent: creates what is missing and changes nothing that exists, so it runs from
the data migration (``apps`` = the migration state) and again after a test database flush
(``apps=None`` = the real models).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

CODE = "WYFW-2026"
NAME = "住宅小区物业服务标准"
BASIS = "《物业管理条例》《住宅物业服务等级标准》及本市物业服务质量提升三年行动方案"

ALL = [1, 2, 3, 4, 5]
THREE_UP = [3, 4, 5]
FOUR_UP = [4, 5]

# (section, [(code, text, points, deduction rule, evidence, star levels)])
SECTIONS: list[tuple[str, list[tuple[str, str, str, str, str, list[int]]]]] = [
    ("基本要求", [
        ("JB01", "签订物业服务合同并在主管部门备案，服务内容、标准和收费与合同约定一致", "2",
         "未备案扣 2 分；服务内容或收费与合同不符每项扣 1 分", "查阅合同及备案回执，现场核对", ALL),
        ("JB02", "设立 24 小时服务电话并在小区公示，接听及时、有来电记录", "3",
         "未设立或无人接听扣 3 分；未公示扣 1 分；无来电记录扣 1 分", "现场拨打测试，查阅来电登记", ALL),
        ("JB03", "项目负责人在平台登记并持证上岗，驻场人员佩戴工牌、着装统一", "2",
         "项目负责人未登记扣 1 分；每发现 1 人未佩戴工牌扣 0.5 分", "查平台登记信息，现场查看", ALL),
        ("JB04", "在小区显著位置公示服务内容、服务标准、收费项目和收费标准（明码标价）", "2",
         "未公示扣 2 分；公示内容不全每项扣 0.5 分", "现场查看公示栏", ALL),
        ("JB05", "物业管理档案（竣工图纸、设备台账、业主资料等）完整，专人妥善保管", "2",
         "缺少一类档案扣 0.5 分", "查阅档案", ALL),
        ("JB06", "建立投诉处理制度，投诉 24 小时内响应，处理结果回访并记录", "1",
         "无制度扣 0.5 分；每发现 1 件未响应或未回访扣 0.5 分", "抽查投诉台账和平台诉求记录", ALL),
    ]),
    ("房屋管理", [
        ("FW01", "每月巡查屋面、外墙、楼梯间等房屋共用部位并有巡查记录", "2",
         "缺少 1 个月记录扣 0.5 分", "查阅巡查记录", ALL),
        ("FW02", "楼栋号、单元号、楼层标识齐全清晰", "1.5",
         "每缺少或损坏一处扣 0.5 分", "现场抽查 3 栋楼", ALL),
        ("FW03", "共用部位无违章搭建、无私拉乱接，发现后及时劝阻并报告", "2",
         "每发现一处未劝阻、未报告扣 1 分", "现场查看，查阅报告记录", ALL),
        ("FW04", "屋面、天沟、雨水管排水畅通，无积水、无渗漏", "1.5",
         "每发现一处积水或渗漏扣 0.5 分", "现场查看", ALL),
        ("FW05", "公共门窗、扶手、栏杆完好，损坏 3 日内修复", "1.5",
         "每发现一处损坏未按时修复扣 0.5 分", "现场查看，查阅维修记录", ALL),
        ("FW06", "地下室、设备层、空置房定期巡查，无安全隐患", "1.5",
         "无巡查记录扣 1 分；发现隐患未处理扣 0.5 分", "现场查看，查阅巡查记录", ALL),
    ]),
    ("共用设施设备运行维护", [
        ("SB01", "急修 30 分钟内到达现场，一般维修 24 小时内处理，报修有记录、有回访", "3",
         "每发现 1 次急修超时扣 1 分；无报修记录扣 1 分", "查阅报修台账，电话回访业主", ALL),
        ("SB02", "电梯定期检验合格证在有效期内并公示，维保单位每 15 日维保一次并有记录", "3",
         "合格证过期扣 3 分；每缺少 1 次维保记录扣 0.5 分", "查看电梯轿厢公示及维保记录", ALL),
        ("SB03", "二次供水设施每半年清洗消毒一次，水质检测报告公示", "2",
         "未按期清洗消毒扣 2 分；未公示检测报告扣 1 分", "查阅清洗消毒记录和检测报告", ALL),
        ("SB04", "楼道灯、路灯等公共照明完好率不低于 95%", "2",
         "完好率每低于标准 1 个百分点扣 0.5 分", "夜间或现场抽查不少于 20 盏", ALL),
        ("SB05", "配电房、水泵房、监控室等设备房整洁，设备运行记录完整", "2",
         "设备房脏乱扣 0.5 分；缺少运行记录每类扣 0.5 分", "现场查看设备房，查阅运行记录", ALL),
        ("SB06", "给排水管道、化粪池、窨井定期清掏疏通，无堵塞、无外溢", "2",
         "每发现一处堵塞或外溢扣 1 分", "现场查看，查阅清掏记录", ALL),
        ("SB07", "设施设备台账完整，年度维修保养计划按期执行", "2",
         "无台账扣 1 分；计划未执行每项扣 0.5 分", "查阅台账和保养计划", ALL),
    ]),
    ("公共秩序维护", [
        ("ZX01", "小区主出入口 24 小时有人值守，外来人员、车辆登记", "3",
         "无人值守扣 3 分；未登记每次扣 0.5 分", "现场查看，查阅登记记录", ALL),
        ("ZX02", "重点部位每小时巡逻一次，有巡更记录", "3",
         "巡逻间隔超过 1 小时每次扣 0.5 分；无巡更记录扣 2 分", "查阅电子巡更或纸质巡逻记录", ALL),
        ("ZX03", "视频监控 24 小时运行，录像保存不少于 30 日", "2",
         "监控故障未修复每处扣 0.5 分；录像保存不足 30 日扣 1 分", "查看监控室和录像回放", THREE_UP),
        ("ZX04", "车辆停放有序，消防通道、人行通道无占用", "2",
         "每发现一处占用扣 0.5 分", "现场查看", ALL),
        ("ZX05", "制定突发事件应急预案，每年至少演练一次", "2",
         "无预案扣 2 分；未演练扣 1 分", "查阅预案和演练记录、照片", ALL),
    ]),
    ("环境卫生", [
        ("BJ01", "楼道、电梯轿厢每日清扫、每周湿拖，无垃圾杂物堆放", "3",
         "每发现一处明显垃圾或堆物扣 0.5 分", "现场抽查 3 个单元", ALL),
        ("BJ02", "道路、广场、停车场每日清扫两次，路面干净", "2",
         "每发现一处明显垃圾扣 0.5 分", "现场查看", ALL),
        ("BJ03", "生活垃圾分类投放、日产日清，垃圾桶（箱）周边无散落、无异味", "3",
         "垃圾未日产日清扣 2 分；每发现一处散落扣 0.5 分", "现场查看，查阅清运记录", ALL),
        ("BJ04", "公共区域定期消杀，无明显蚊蝇鼠蟑", "2",
         "无消杀记录扣 1 分；发现明显虫害扣 1 分", "现场查看，查阅消杀记录", ALL),
        ("BJ05", "外墙、宣传栏、楼道无乱张贴，小广告及时清除", "2",
         "每发现一处乱张贴扣 0.5 分", "现场查看", ALL),
    ]),
    ("绿化养护", [
        ("LH01", "绿地无黄土裸露，植物长势良好", "2",
         "每发现一处裸露或成片长势不良扣 0.5 分", "现场查看", ALL),
        ("LH02", "按季节修剪、施肥、浇灌，病虫害及时防治", "2",
         "无养护记录扣 1 分；发现明显病虫害扣 1 分", "现场查看，查阅养护记录", ALL),
        ("LH03", "绿地内无垃圾杂物，无毁绿种菜、侵占绿地", "2",
         "每发现一处扣 0.5 分；发现毁绿未劝阻、未报告扣 1 分", "现场查看", ALL),
        ("LH04", "枯死苗木及时补植", "2",
         "每发现一处未补植扣 0.5 分", "现场查看", THREE_UP),
    ]),
    ("消防安全", [
        ("XF01", "消防控制室 24 小时双人值班，值班人员持证上岗", "2.5",
         "单人或无人值班扣 2.5 分；无证上岗每人扣 1 分", "现场查看，查验证书和值班记录", ALL),
        ("XF02", "消火栓、灭火器等消防器材完好有效，每月检查并记录", "2.5",
         "每发现一处器材失效扣 0.5 分；缺少检查记录扣 1 分", "现场抽查，查阅检查记录", ALL),
        ("XF03", "消防车通道、疏散通道、安全出口畅通，标识清晰", "2.5",
         "每发现一处堵塞或标识缺失扣 1 分", "现场查看", ALL),
        ("XF04", "电动自行车不进楼入户，集中充电设施运行正常", "2",
         "每发现一处楼道停放或充电扣 0.5 分", "现场查看", ALL),
        ("XF05", "每年至少组织一次消防演练和业主消防安全宣传", "1.5",
         "未演练扣 1 分；未宣传扣 0.5 分", "查阅演练记录和宣传资料", ALL),
        ("XF06", "物业人员熟悉消防设施操作和初期火灾扑救", "1",
         "现场抽问 2 人，每人不熟悉扣 0.5 分", "现场抽问", ALL),
    ]),
    ("装饰装修管理", [
        ("ZZ01", "装修前登记备案，书面告知装修禁止行为和注意事项", "2",
         "每发现 1 户未登记扣 0.5 分", "查阅装修登记和告知书", ALL),
        ("ZZ02", "装修期间每日巡查，发现违规及时劝阻并报告主管部门", "2",
         "无巡查记录扣 1 分；违规未劝阻、未报告扣 1 分", "查阅巡查记录，现场查看", ALL),
        ("ZZ03", "装修垃圾定点堆放、及时清运，不占用公共通道", "2",
         "每发现一处乱堆放扣 0.5 分", "现场查看", ALL),
    ]),
    ("业主满意与信息公开", [
        ("MY01", "每年至少开展一次业主满意度测评，满意率不低于 80%（五星级不低于 90%）", "4",
         "未开展测评扣 4 分；满意率每低于标准 5 个百分点扣 1 分", "查阅测评资料及平台测评结果", ALL),
        ("MY02", "每半年公示一次公共收益收支情况", "2",
         "未公示扣 2 分；公示不完整扣 1 分", "现场查看公示栏，核对平台公示", ALL),
        ("MY03", "每年向业主大会或业主委员会书面报告物业服务合同履行情况", "2",
         "未报告扣 2 分", "查阅报告及送达记录", THREE_UP),
        ("MY04", "公示专项维修资金使用、水电公摊分摊情况", "2",
         "每缺少一项公示扣 1 分", "现场查看，核对平台公示", ALL),
        ("MY05", "配合社区、业主委员会开展工作，按时参加联席会议", "2",
         "每缺席一次联席会议扣 0.5 分", "查阅会议记录，询问社区", FOUR_UP),
    ]),
]


def _models(apps):
    if apps is None:
        # The current models only when no migration state is given: the data migration must never load them.
        from wuye.supervision.models import Standard, StandardItem, StandardSection

        return Standard, StandardSection, StandardItem
    return (apps.get_model("supervision", "Standard"), apps.get_model("supervision", "StandardSection"),
            apps.get_model("supervision", "StandardItem"))


def total_points() -> Decimal:
    return sum((Decimal(item[2]) for _name, items in SECTIONS for item in items), Decimal("0"))


def seed(apps=None) -> None:
    """Idempotent: creates what is missing. ``apps`` is the migration state (None: the real models)."""
    Standard, StandardSection, StandardItem = _models(apps)
    standard = Standard.objects.filter(code=CODE, version=1).first()
    if standard is None:
        if Standard.objects.filter(code=CODE).exists():
            return  # the bureau has its own versions of this code: leave them alone
        standard = Standard.objects.create(
            code=CODE, name=NAME, version=1, status="published", published_at=timezone.now(), basis=BASIS,
            note="平台默认标准：9 个章节、47 个条目，满分 100 分。",
        )
    for s_order, (section_name, items) in enumerate(SECTIONS, start=1):
        section, _created = StandardSection.objects.get_or_create(
            standard=standard, name=section_name, defaults={"order": s_order})
        for i_order, (code, text, points, rule, evidence, levels) in enumerate(items, start=1):
            if StandardItem.objects.filter(standard=standard, code=code).exists():
                continue
            StandardItem.objects.create(
                standard=standard, section=section, order=i_order, code=code, text=text,
                max_points=Decimal(points), deduction_rule=rule, evidence=evidence, star_levels=list(levels),
            )
