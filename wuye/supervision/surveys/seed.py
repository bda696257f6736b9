"""The default owner satisfaction questionnaire (issue 4 §5).

Eight dimensions, two or three questions each, every question answered on the five-point scale
非常不满意 … 非常满意. ``seed`` is idempotent: it creates the template, dimensions and questions
that are missing and leaves everything else as it is, so the city bureau's later edits survive a
second run. It works with the real models (``apps=None``) and with a migration's ``apps``.
"""

from __future__ import annotations

DEFAULT_NAME = "住宅小区物业服务满意度测评问卷"
DEFAULT_VERSION = 1

DIMENSIONS: list[tuple[str, list[str]]] = [
    ("服务态度", [
        "物业服务人员着装整齐、佩戴工牌、文明礼貌",
        "物业服务中心接待业主咨询、报事热情耐心，答复及时",
        "24 小时服务电话有人接听，节假日能找到值班人员",
    ]),
    ("保洁", [
        "楼道、电梯轿厢、大堂等公共部位干净整洁",
        "小区道路、广场无垃圾杂物，垃圾桶站按时清运、无异味",
        "生活垃圾分类投放点管理规范，有人指导",
    ]),
    ("绿化", [
        "绿地、树木、花草长势良好，及时修剪、浇灌",
        "绿地内无黄土裸露、无杂物堆放、无毁绿种菜",
    ]),
    ("秩序维护", [
        "小区出入口有人值守，外来人员和车辆登记管理到位",
        "保安定时巡逻，夜间有巡查，小区治安状况良好",
        "小区内车辆停放有序，消防通道保持畅通",
    ]),
    ("维修服务", [
        "报修后维修人员及时上门，急修按承诺时限到场",
        "维修质量可靠，修后清理现场，收费项目事先告知",
    ]),
    ("设施设备", [
        "电梯运行平稳，按规定维保、年检，困人时及时救援",
        "楼道灯、门禁、监控、消防设施完好有效",
        "供水加压、排水、化粪池等公共设施设备运行正常",
    ]),
    ("收费与公开", [
        "物业服务收费标准、服务内容在显著位置公示，收费与服务质量相符",
        "公共收益收支情况定期向业主公开，账目清楚",
        "维修资金使用经业主表决并公示",
    ]),
    ("投诉处理", [
        "对业主投诉、建议及时回应，处理结果有反馈",
        "同类问题不反复出现，对处理结果总体认可",
    ]),
]


def _models(apps):
    if apps is None:
        # The current models only when no migration state is given: the data migration must never load them.
        from wuye.supervision.models import SurveyDimension, SurveyQuestion, SurveyTemplate

        return SurveyTemplate, SurveyDimension, SurveyQuestion
    return (apps.get_model("supervision", "SurveyTemplate"), apps.get_model("supervision", "SurveyDimension"),
            apps.get_model("supervision", "SurveyQuestion"))


def seed(apps=None) -> None:
    """Idempotent: creates what is missing. ``apps`` is the migration state (None: the real models)."""
    SurveyTemplate, SurveyDimension, SurveyQuestion = _models(apps)
    template = SurveyTemplate.objects.filter(name=DEFAULT_NAME, version=DEFAULT_VERSION).first()
    if template is None:
        template = SurveyTemplate.objects.create(
            name=DEFAULT_NAME, version=DEFAULT_VERSION, active=True,
            is_default=not SurveyTemplate.objects.filter(is_default=True).exists(),
        )
    for d_order, (d_name, questions) in enumerate(DIMENSIONS, start=1):
        dimension = SurveyDimension.objects.filter(template=template, name=d_name).first()
        if dimension is None:
            dimension = SurveyDimension.objects.create(template=template, name=d_name, order=d_order)
        have = set(SurveyQuestion.objects.filter(dimension=dimension).values_list("text", flat=True))
        for q_order, text in enumerate(questions, start=1):
            if text not in have:
                SurveyQuestion.objects.create(dimension=dimension, text=text, order=q_order)
