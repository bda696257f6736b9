"""The wrong-role walk (issue 12 item 7): every page and API route that takes an object is requested
by each demo role of the first district's side with an object of the second district's side, and
must refuse — 403, 404 or a redirect to the login page — never a page or JSON about that object.

Beyond the anonymous walk of ``test_url_protection.py`` (which only proves that a login is asked
for), this proves that a login of one scope does not open another scope's rows. The routes are read
from the resolver, like there, so a route added later is walked without touching this file — or,
when its parameter cannot be mapped to an object, fails ``test_every_object_route_is_walked`` until
it is mapped in ``TARGETS`` or reviewed in ``NOT_WALKED``.

The second side's objects are built once per module through the real services (the world of
``wuye/conftest.py`` plus a complaint, an inspection and its order, a survey, a credit event, income
and utility disclosures, a fee notice, a parking request, a motion, an election, an article, an
import job…), inside a transaction rolled back at the end of the module; each test runs in a
savepoint inside it (``db``). The conftest puts the seed rows back at the module's start if a
transactional test of this worker flushed them.

Each route is asked with GET; a route that answers GET with 405 is asked with an empty POST. A
refusal is 403, 404, 405 (to both) or a redirect to the login page. Routes public by design — the
reviewed allow-list of ``test_url_protection.PUBLIC`` and ``OPEN_BY_DESIGN`` below — are not
checked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fnmatch import fnmatch
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import Workbook

from wuye.accounts.models import Role
from wuye.cases import services as case_services
from wuye.cases.models import Category
from wuye.cases.rollups import rollup_refresh
from wuye.conftest import build_world, make_user
from wuye.core import calendar
from wuye.core.models import AuditLog
from wuye.credit.auto import credit_event_auto
from wuye.credit.models import CreditRule
from wuye.disclosure.fees.services import fee_notice_publish
from wuye.disclosure.income.services import income_report_create
from wuye.disclosure.parking.services import rent_request_file
from wuye.disclosure.utilities.services import utility_allocation_create
from wuye.governance.elections import services as elections
from wuye.governance.votes import services as votes
from wuye.notifications.models import Notification
from wuye.notifications.services import notify
from wuye.portal.articles.services import article_create
from wuye.registry import services as rs
from wuye.registry.importing import import_job_create, import_job_run
from wuye.supervision.inspections import services as inspections
from wuye.supervision.models import Inspection, RectificationOrder, Standard, StandardItem
from wuye.supervision.surveys import services as surveys
from wuye.territory.models import Department

from .test_url_protection import ENDPOINTS, PUBLIC, Endpoint

# --------------------------------------------------------------------------------------------
# Reviewed lists
# --------------------------------------------------------------------------------------------

#: The roles of the first side that walk every route (city-wide roles see every district by design).
ROLES = ["district", "street", "community", "department", "manager_a", "staff_a", "committee", "resident"]

#: URL name (glob) → its parameters, filled from the second side's objects: a string names an
#: attribute of ``Side2`` (its ``pk`` is used), anything else is used as it is.
TARGETS: dict[str, dict[str, object]] = {
    "accounts:user_*": {"pk": "user"},
    "territory:district_detail": {"pk": "district"},
    "territory:street_detail": {"pk": "street"},
    "territory:community_detail": {"pk": "community"},
    "registry:company_*": {"pk": "company"},
    "registry:estate_*": {"pk": "estate"},
    "registry:building_*": {"pk": "building"},
    "registry:unit_*": {"pk": "unit"},
    "registry:owner_*": {"pk": "owner"},
    "registry:parking_*": {"pk": "parking"},
    "registry:staff_*": {"pk": "staff"},
    "registry:committee_*": {"pk": "committee"},
    "registry:ownership_remove": {"pk": "ownership"},
    "registry:member_add": {"pk": "committee"},
    "registry:member_edit": {"pk": "member"},
    "registry:member_remove": {"pk": "member"},
    "registry:reveal": {"kind": "owner", "pk": "owner", "field": "phone"},
    "registry:import_detail": {"pk": "import_job"},
    "registry:import_progress": {"pk": "import_job"},
    "registry:import_error_report": {"pk": "import_job"},
    "core:audit_detail": {"pk": "audit"},
    "notifications:open": {"pk": "notification"},
    "cases:page_*": {"pk": "complaint"},
    "cases:metrics_drill": {"kind": "company", "unit_id": "company", "month": "2026-01", "metric": "all"},
    "supervision:inspector_detail": {"pk": "inspector"},
    "supervision:inspector_set_active": {"pk": "inspector"},
    "supervision:inspector_conflict_add": {"pk": "inspector"},
    "supervision:plan_*": {"pk": "plan"},
    "supervision:draw_publish": {"pk": "draw"},
    "supervision:inspection_detail": {"pk": "inspection"},
    "supervision:inspection_record": {"pk": "inspection"},
    "supervision:inspection_cancel": {"pk": "inspection"},
    "supervision:order_detail": {"pk": "order"},
    "supervision:order_submit": {"pk": "order"},
    "supervision:order_reinspect": {"pk": "order"},
    "supervision:order_cancel": {"pk": "order"},
    "supervision:survey_detail": {"pk": "survey"},
    "supervision:survey_close": {"pk": "survey"},
    "supervision:survey_export": {"pk": "survey"},
    "supervision:survey_answer": {"pk": "survey", "unit_pk": "unit"},
    "credit:event_detail": {"pk": "credit_event"},
    "credit:event_act": {"pk": "credit_event"},
    "disclosure:income_detail": {"pk": "income"},
    "disclosure:income_act": {"pk": "income", "action": "submit"},
    "disclosure:income_edit": {"pk": "income", "op": "item_add"},
    "disclosure:income_edit_line": {"pk": "income", "op": "item_delete", "line": 1},
    "disclosure:utility_reading_delete": {"pk": "utility", "reading_id": 1},
    "disclosure:utility_*": {"pk": "utility"},
    "disclosure:fee_detail": {"pk": "fee_notice"},
    "disclosure:parking_estate": {"pk": "estate"},
    "disclosure:parking_waiting": {"pk": "estate"},
    "disclosure:parking_offer": {"pk": "rent_request"},
    "disclosure:parking_withdraw": {"pk": "rent_request"},
    "governance:motion_*": {"pk": "motion"},
    "governance:election_candidate_vet": {"pk": "candidate"},
    "governance:election_*": {"pk": "election"},
    "governance:party_org_detail": {"pk": "party_org"},
    "governance:party_member_remove": {"pk": "party_org", "member_pk": "party_member"},
    "governance:party_meeting_detail": {"pk": "party_meeting"},
    "governance:party_followup_act": {"pk": "followup", "action": "start"},
    "governance:cgov_estate": {"pk": "estate"},
    "governance:cgov_decision_detail": {"pk": "committee_decision"},
    "governance:cgov_decision_act": {"pk": "committee_decision", "action": "review"},
    "governance:cgov_question_ask": {"pk": "committee_decision"},
    "governance:cgov_question_answer": {"pk": "owner_question"},
    "governance:cgov_meeting_detail": {"pk": "committee_meeting"},
    "governance:cgov_committee_detail": {"pk": "committee"},
    "portal:article_*": {"pk": "article"},
    "api-district-detail": {"pk": "district"},
    "api-street-detail": {"pk": "street"},
    "api-community-detail": {"pk": "community"},
    "api-company-detail": {"pk": "company"},
    "api-estate-detail": {"pk": "estate"},
    "api-estate-motions": {"pk": "estate"},
    "api-contract-detail": {"pk": "contract"},
    "api-building-detail": {"pk": "building"},
    "api-unit-detail": {"pk": "unit"},
    "api-owner-*": {"pk": "owner"},
    "api-ownership-detail": {"pk": "ownership"},
    "api-parking-space-detail": {"pk": "parking"},
    "api-staff-*": {"pk": "staff"},
    "api-committee-detail": {"pk": "committee"},
    "api-committee-member-*": {"pk": "member"},
    "api-complaint-detail": {"pk": "complaint"},
    "api-complaint-act": {"pk": "complaint"},
    "api-motion-*": {"pk": "motion"},
    "campaign:task_detail": {"pk": "campaign_task"},
    "campaign:task_report": {"pk": "campaign_task"},
    "campaign:task_create": {"plan_pk": "campaign_plan"},
    "campaign:report_act": {"pk": "campaign_report", "action": "accept"},
    "campaign:plan_*": {"pk": "campaign_plan"},
    "campaign:staffing_remove": {"pk": "campaign_staff"},
    "api-campaign-plan*": {"pk": "campaign_plan"},
    "api-campaign-task*": {"pk": "campaign_task"},
    "api-campaign-report-*": {"pk": "campaign_report"},
    "notices:detail": {"pk": "notice"},
    "notices:receipts": {"pk": "notice"},
    "notices:remind": {"pk": "notice"},
    "notices:inbox_*": {"pk": "notice"},
    "api-notice-*": {"pk": "notice"},
    "training:session_*": {"pk": "training_session"},
    "training:attendance": {"pk": "training_enrolment"},
    "api-training-session-*": {"pk": "training_session"},
    "bulletins:section": {"pk": "bulletin", "sid": "bulletin_section"},
    "bulletins:*": {"pk": "bulletin"},
    "api-bulletin-*": {"pk": "bulletin"},
    "quasi:contract_act": {"pk": "quasi_contract", "action": "terminate"},
    "quasi:contract_detail": {"pk": "quasi_contract"},
    "quasi:check_new": {"pk": "quasi_contract"},
    "quasi:rectification_act": {"pk": "quasi_rect", "action": "submit"},
    "quasi:rectification_detail": {"pk": "quasi_rect"},
    "quasi:photo": {"pk": "quasi_photo"},
    "api-quasi-contract-detail": {"pk": "quasi_contract"},
    "developers:violation_new": {"pk": "developer"},
    "developers:violation_*": {"pk": "developer_violation"},
    "developers:*": {"pk": "developer"},
    "api-developer-detail": {"pk": "developer"},
    "oldcompounds:project_act": {"pk": "renovation", "action": "accept"},
    "oldcompounds:project": {"pk": "renovation"},
    "oldcompounds:*": {"pk": "old_compound"},
    "api-renovation*": {"pk": "renovation"},
    "handover:document": {"pk": "handover_case", "doc_pk": "handover_document"},
    "handover:defect_fix": {"pk": "handover_case", "defect_pk": "handover_defect"},
    "handover:advance": {"pk": "handover_case", "action": "plan_done"},
    "handover:*": {"pk": "handover_case"},
    "api-handover-create": {"pk": "estate"},
    "api-handover": {"pk": "handover_case"},
}

#: Routes whose parameter is not an object of one district's side, or whose object the walk does
#: not build: name (glob) → why it is not walked. Reviewed like the public allow-list; a new route
#: must be mapped in TARGETS or added here.
NOT_WALKED: dict[str, str] = {
    # parameters that are not objects
    "registry:pick": "kind 是选择器的类别（小区、企业…），不是某一方的对象；结果由选择器按用户范围过滤",
    "registry:import_template": "kind 是导入模板的类别，模板是空表头，不含数据",
    "dashboards:export": "table 是报表名，内容按登录用户的范围汇总（dashboards 的测试覆盖）",
    "supervision:star_application_act": "action 与 pk 同在：pk 所指的申请未建（见下），action 是动作名",
    "portal:todo_list": "slug 是工作台待办列表的名称，不是某一方的对象；列表按登录用户的范围过滤（portal 与 cases 的待办测试）",
    "governance:motion_notice_evidence": "与 motion_detail 同一选择器（motion_get_for_user）；凭证只在事后补录的表决上存在，"
                                         "拒绝他方由 votes 的 test_vote_wording 覆盖",
    # city-wide objects: no "other side" exists; who may change them (the city bureau) is each app's own test
    "cases:config_category_edit": "诉求类别是全市统一配置，只有市局可改（cases 的配置测试）",
    "cases:config_escalation_edit": "level 是全市统一的督办级别配置，只有市局可改",
    "calendar:day_*": "工作日历是全市统一数据，只有市局可改（core 的日历测试）",
    "supervision:standard_*": "物业服务标准是全市统一文件，只有市局可改，各级可读",
    "supervision:survey_template_detail": "满意度问卷模板是全市统一的，只有市局维护",
    "credit:rule_edit": "信用评价规则是全市统一的，只有市局可改",
    "rulemaking:*": "草案、意见和规范性文件是全市统一的，只有起草单位（市局）可管理，其他角色一律 403（rulemaking 的页面测试）",
    "api-draft-comments": "征求意见草案是全市统一的公开对象；全部意见只有起草单位（市局）可读，其他角色 403（rulemaking 的接口测试）",
    "open311_partners:deactivate": "Open311 合作方密钥由市局管理，不属于任何一方",
    "accounts:proposal_*": "管理员账号变更申请只有三类管理员可见，不属于任何一方（accounts 的 test_security_admins）",
    "privacy:correction_*": "个人信息更正申请只属于申请人本人和市局，不属于任何一方；他人的申请 404、其他角色 403 由 privacy 的 test_corrections 覆盖",
    # objects the walk does not build yet (each needs a longer workflow than a fixture should run)
    "cases:public_photo": "诉求照片须上传图片文件；照片的访问由 cases 的照片测试覆盖",
    "supervision:inspection_photo": "检查照片须上传图片文件；由 supervision 的检查页面测试覆盖",
    "supervision:order_evidence_file": "整改材料须上传文件；由 supervision 的整改测试覆盖",
    "supervision:inspector_conflict_delete": "回避关系须另建；人员库由区县主管部门维护（supervision 测试）",
    "supervision:star_application_detail": "星级申请须先满足申报条件（检查、满意度测评）；由 star 页面测试覆盖",
    "supervision:star_objection_*": "星级异议须公示中的评定结果；由 star 页面测试覆盖",
    "supervision:star_review_*": "星级复核须有效星级；由 star 页面测试覆盖",
    "credit:manager_detail": "项目经理信用档案；由 credit 的经理页面测试覆盖",
    "credit:benchmark_revoke": "标杆须先评定；由 credit 的红黑名单测试覆盖",
    "credit:exit_*": "退出管理须 C 级企业；由 credit 的退出测试覆盖",
    "api-complaint-category-detail": "诉求类别是全市统一的公开目录",
    "campaign:member_remove": "领导小组成员单位是全市统一名册，只有市局可改（campaign 的页面测试）",
    "developers:evidence_file": "违规证据须上传文件；由 developers 的页面测试覆盖（他区 404）",
    "handover:photo": "查验问题照片须上传图片文件；由 handover 的 test_a_defect_with_a_photo_and_who_sees_the_photo 覆盖（他企业 404）",
    "recheck:*": "回头看须先有上一年度已销号的整改和已办结的诉求才能建立；他区 404、无权 403 由 recheck 的 test_pages 覆盖（线索仅公安和市局可见，test_clue_detail_by_role_and_each_view_is_audited）",
    "api-recheck-campaign*": "同上：回头看的接口由 recheck 的 test_api 覆盖（他区 404、无权 403）",
}

#: Routes that a first-side role may open with a second-side object by design: name (glob) →
#: (roles, why). Public routes of test_url_protection.PUBLIC need no entry.
OPEN_BY_DESIGN: dict[str, tuple[tuple[str, ...], str]] = {}

#: Who does see the object (the control that proves a refusal is not just a wrong id): the city
#: bureau by default; name (glob) → the persona that owns the object otherwise.
OWNERS: dict[str, str] = {
    "accounts:user_*": "secadmin",
    "core:audit_detail": "auditor",
    "notifications:open": "district2",
    "supervision:survey_answer": "resident2",
    "disclosure:parking_*": "manager_b",
    "governance:motion_vote": "resident2",
    "notices:inbox_*": "manager_b",
    "api-notice-ack": "manager_b",
}

# --------------------------------------------------------------------------------------------

REFUSALS = {403, 404}


@dataclass
class Side2:
    """The second district's side: its territory, registry rows and one row of each workflow."""

    district: object = None
    street: object = None
    community: object = None
    company: object = None
    estate: object = None
    building: object = None
    unit: object = None
    owner: object = None
    parking: object = None
    staff: object = None
    committee: object = None
    ownership: object = None
    member: object = None
    contract: object = None
    user: object = None
    audit: object = None
    notification: object = None
    import_job: object = None
    complaint: object = None
    inspector: object = None
    plan: object = None
    draw: object = None
    inspection: object = None
    order: object = None
    survey: object = None
    credit_event: object = None
    income: object = None
    utility: object = None
    fee_notice: object = None
    rent_request: object = None
    motion: object = None
    election: object = None
    candidate: object = None
    article: object = None
    campaign_plan: object = None
    campaign_task: object = None
    campaign_report: object = None
    campaign_staff: object = None
    party_org: object = None
    party_member: object = None
    party_meeting: object = None
    followup: object = None
    committee_decision: object = None
    owner_question: object = None
    committee_meeting: object = None
    quasi_contract: object = None
    quasi_rect: object = None
    quasi_photo: object = None
    developer: object = None
    developer_violation: object = None
    old_compound: object = None
    renovation: object = None
    handover_case: object = None
    handover_document: object = None
    handover_defect: object = None
    users: dict = field(default_factory=dict)  # the world's personas and the second side's own
    errors: dict = field(default_factory=dict)  # builder → error, when one could not build its rows


def _xlsx(headers: list[str]) -> SimpleUploadedFile:
    wb = Workbook()
    wb.active.append(headers)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("导入.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _registry(w, s: Side2, users: dict) -> None:
    city = w.users["city"]
    s.district, s.street, s.community = w.d2, w.s2, w.c2
    s.company, s.estate, s.building, s.unit, s.owner = w.company_b, w.estate_b, w.building_b, w.unit_b, w.owner_b
    s.parking, s.staff, s.committee = w.parking_b, w.staff_b, w.committee_b
    s.ownership = w.unit_b.ownerships.first()
    s.contract = w.estate_b.contracts.first()
    s.member = rs.committee_member_add(actor=city, committee=w.committee_b, name="周敏", position="director",
                                       phone="13600000002")
    s.user = users["district2"]


def _complaint(w, s: Side2, users: dict) -> None:
    s.complaint = case_services.complaint_file(
        estate=w.estate_b, category=Category.objects.get(code="cleaning_greening"),
        description="1号楼电梯厅的垃圾两天没有清运。", reporter_name="赵强", reporter_phone="13987654321")
    rollup_refresh("company", w.company_b.pk, date(2026, 1, 1))  # the figure behind the metrics drill-down


def _supervision(w, s: Side2, users: dict) -> None:
    d2 = users["district2"]
    dept2 = Department.objects.create(district=w.d2, kind=Department.Kind.HOUSING, name="西城区住房和城乡建设委员会")
    inspector_user = make_user("p_insp_d2", Role.DEPARTMENT, department=dept2)
    s.inspector = inspections.inspector_create(actor=d2, user=inspector_user, district=w.d2, organisation="西城区住建委")
    standard = Standard.objects.get(code="WYFW-2026", status=Standard.Status.PUBLISHED)
    s.plan = inspections.plan_create(actor=d2, name="西城区物业服务日常检查", kind="routine", standard=standard,
                                     start_date=date(2026, 11, 2), end_date=date(2026, 11, 30), district=w.d2,
                                     estate_count=1, inspector_count=1)
    s.draw = inspections.draw_create(actor=d2, plan=s.plan, seed="wrong-role-walk")
    s.inspection = Inspection.objects.get(plan=s.plan)
    items = list(StandardItem.objects.filter(standard_id=s.inspection.standard_id).order_by("id"))
    entries = {it.pk: {"deduction": Decimal("1") if i == 0 else Decimal("0"), "not_applicable": False,
                       "defect": i == 0, "note": "电梯厅地面有垃圾" if i == 0 else ""} for i, it in enumerate(items)}
    inspections.inspection_record(actor=inspector_user, inspection=s.inspection, entries=entries, photos={},
                                  submit=True)
    s.order = RectificationOrder.objects.filter(inspection=s.inspection).first()
    s.survey = surveys.survey_open(actor=d2, estate=w.estate_b, closes_at=timezone.now() + timedelta(days=20))


def _credit(w, s: Side2, users: dict) -> None:
    rule = CreditRule.objects.filter(active=True).order_by("id").first()
    s.credit_event = credit_event_auto(company=w.company_b, rule_code=rule.code, source_key="wrong-role-walk:1",
                                       occurred_on=timezone.localdate(), description="走查用信用信息",
                                       estate=w.estate_b)


def _disclosure(w, s: Side2, users: dict) -> None:
    manager_b = users["manager_b"]
    s.income = income_report_create(actor=manager_b, estate=w.estate_b, period_start=date(2025, 1, 1),
                                    period_end=date(2025, 12, 31))
    s.utility = utility_allocation_create(actor=manager_b, estate=w.estate_b, utility="electricity",
                                          period_start=date(2026, 3, 1), period_end=date(2026, 3, 31),
                                          master_start=Decimal("0"), master_end=Decimal("12480"),
                                          unit_price=Decimal("0.52"))
    s.fee_notice = fee_notice_publish(
        actor=manager_b, estate=w.estate_b, service_content="公共区域清洁、秩序维护", service_standard="三星级",
        billing_start=date(2023, 1, 1), legal_basis="物业服务合同（备案号 WY-0002）",
        items=[{"name": "物业服务费", "rate": Decimal("2.50"), "unit": "元/m²·月"}])
    s.rent_request = rent_request_file(actor=users["resident2"], estate=w.estate_b, plate="京B12345",
                                       phone="13987654321")


def _governance(w, s: Side2, users: dict) -> None:
    tz = timezone.get_default_timezone()
    notice = datetime(2026, 3, 1, 9, 0, tzinfo=tz)
    s.motion = votes.motion_call(actor=users["committee2"], estate=w.estate_b, title="关于续聘物业服务企业的表决",
                                 matter="hire_or_fire_manager", notice_date=notice.date(),
                                 voting_opens_at=datetime(2026, 3, 16, 9, 0, tzinfo=tz),
                                 voting_closes_at=datetime(2026, 3, 31, 18, 0, tzinfo=tz), now=notice)
    s.election = elections.election_open(actor=users["street2"], estate=w.estate_b, title="翠湖花园第二届业主委员会选举",
                                         seats=5)
    s.candidate = elections.candidate_nominate(actor=users["street2"], election=s.election, owner=w.owner_b)


def _campaign(w, s: Side2, users: dict) -> None:
    from wuye.campaign import services as campaign
    from wuye.cases.units import get_unit

    city = w.users["city"]
    s.campaign_plan = campaign.plan_create(actor=city, year=timezone.localdate().year, title="西城区专项任务方案")
    s.campaign_task = campaign.task_create(
        actor=city, plan=s.campaign_plan, number="1", title="西城区老旧楼院封闭", lead=get_unit("district", w.d2.pk),
        co_units=[get_unit("street", w.s2.pk)], due_date=date(timezone.localdate().year, 12, 31))
    s.campaign_report = campaign.report_submit(actor=users["district2"], task=s.campaign_task,
                                               period=timezone.localdate().isoformat()[:7], text="西城区本月进展")
    s.campaign_staff = campaign.staffing_post_add(actor=users["street2"], unit=get_unit("street", w.s2.pk), name="钱多",
                                                  position="副主任", duty="物业管理")


def _notices_training(w, s: Side2, users: dict) -> None:
    from wuye.campaign.notices.services import create_notice
    from wuye.campaign.training import services as training
    from wuye.cases.units import get_unit

    s.notice = create_notice(by=users["district2"], title="西城区消防安全检查通知", body="请排查消防通道",
                             recipients=[get_unit("company", w.company_b.pk), get_unit("street", w.s2.pk)],
                             ack_due=timezone.now() + timedelta(days=3))
    course = training.course_create(by=users["district2"], title="西城区项目经理培训", topic="消防安全")
    s.training_session = training.session_create(by=users["district2"], course=course, hours=Decimal("4"), trainer="李老师",
                                                 starts_at=timezone.now() + timedelta(days=5), capacity=20, place="西城区")
    s.training_enrolment = training.enrol(by=users["manager_b"], session=s.training_session, staff=w.staff_b)


def _bulletins(w, s: Side2, users: dict) -> None:
    from wuye.campaign.bulletins import services as bulletins

    s.bulletin = bulletins.bulletin_draft(actor=w.users["city"], kind="monthly", period_start=date(2026, 11, 1),
                                          period_end=date(2026, 11, 30), title="西城区物业服务情况通报")
    s.bulletin_section = s.bulletin.sections.first()
    bulletins.recipients_set(actor=w.users["city"], bulletin=s.bulletin, main=[f"district:{w.d2.pk}"], copy=[])
    bulletins.bulletin_issue(actor=w.users["city"], bulletin=s.bulletin)


def _portal(w, s: Side2, users: dict) -> None:
    s.article = article_create(actor=w.users["city"], title="西城区物业服务情况通报", category="news",
                               body="<p>草稿，未发布。</p>")


def _registry_import(w, s: Side2, users: dict) -> None:
    job = import_job_create(actor=users["district2"], kind="units", upload=_xlsx(["楼栋", "房号"]))
    s.import_job = import_job_run(job_id=job.pk) or job  # fails on the headers: it has an error report


def _party_committees(w, s: Side2, users: dict) -> None:
    from wuye.governance.committees import services as cgov
    from wuye.governance.party import services as party

    s.party_org = party.organisation_create(actor=users["city"], level="community", name="府右街社区党委",
                                            community=w.c2, secretary_name="周红")
    s.party_member = party.party_member_add(actor=users["city"], organisation=s.party_org, owner=w.owner_b,
                                            consent_on=date(2026, 1, 5))
    s.party_meeting = party.meeting_record(
        actor=users["street2"], estate=w.estate_b, held_at=timezone.now() - timedelta(days=1), agenda="路灯维修",
        attendees="三方", minutes="纪要", decisions=[{"decision": "维修路灯", "owner_unit": "company",
                                                      "deadline": timezone.localdate() + timedelta(days=10)}])
    s.followup = s.party_meeting.followups.first()
    s.committee_meeting = cgov.meeting_record(actor=users["committee2"], held_on=timezone.localdate(), title="第五次会议",
                                              attendees="全体委员", minutes="纪要")
    s.committee_decision = cgov.decision_record(actor=users["committee2"], title="督促保洁整改", body="督促整改",
                                                matter="contract", decided_on=timezone.localdate())
    s.owner_question = cgov.question_ask(actor=users["resident2"], decision=s.committee_decision, kind="question",
                                         text="何时整改完毕？")


def _quasi(w, s: Side2, users: dict) -> None:
    from PIL import Image

    from wuye.transition.quasi import services as quasi
    from wuye.transition.quasi.models import DEFAULT_ITEMS

    users["community2"] = make_user("p_community2", Role.COMMUNITY, community=w.c2)
    old = rs.estate_create(actor=users["city"], name="西城纺织厂宿舍", address="西城区府右街 60 号", community=w.c2,
                           kind="old_compound", management_mode="none")
    start = timezone.localdate().replace(day=1)
    s.quasi_contract = quasi.contract_create(
        actor=users["street2"], title="准物业服务", estates=[old], start_date=start, end_date=start + timedelta(days=364),
        amount=Decimal("50000.00"), funding="district", company=w.company_b, sign=True,
        duties={k.value: v for k, v in DEFAULT_ITEMS.items()})
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 80, 40)).save(buf, format="PNG")
    check = quasi.checks_record(actor=users["community2"], contract=s.quasi_contract, estate=old, month=start,
                                results=[{"duty": "cleaning", "passed": False, "note": "垃圾未清运",
                                          "photos": [SimpleUploadedFile("q.png", buf.getvalue())]}])[0]
    s.quasi_rect = check.rectification
    s.quasi_photo = check.photos.get()


def _trail(w, s: Side2, users: dict) -> None:
    s.audit = AuditLog.objects.order_by("-id").first()
    s.notification = (Notification.objects.filter(user__in=[users["district2"], users["manager_b"]]).first()
                      or notify(users=[users["district2"]], subject="走查", body="走查用通知"))
    if not isinstance(s.notification, Notification):
        s.notification = Notification.objects.filter(user=users["district2"]).first()


def _developers(w, s: Side2, users: dict) -> None:
    from wuye.transition.developers import services as dev_services
    from wuye.transition.developers.models import DevelopedEstate

    s.developer = dev_services.developer_create(user=users["district2"], data={
        "name": "走查房地产开发有限公司", "credit_code": "91110106MA04NPQR3K"})
    DevelopedEstate.objects.create(developer=s.developer, estate=w.estate_b)
    s.developer_violation = dev_services.record_violation(developer=s.developer, kind="early_delivery",
                                                          estate=w.estate_b, note="走查用违规记录", automatic=True,
                                                          source="wrong-role-walk:developer")


def _handover(w, s: Side2, users: dict) -> None:
    from wuye.transition.handover import services as handover

    u = users["manager_b"]
    s.handover_case = handover.case_open(actor=u, estate=w.estate_b, developer=s.developer, company=w.company_b,
                                         completion_filed_on=date(2025, 3, 1), delivered_on=date(2025, 4, 1),
                                         plan_note="走查用查验方案")
    handover.case_advance(actor=u, case=s.handover_case, action="plan_done")
    docs = list(s.handover_case.documents.order_by("position"))
    for d in docs:
        handover.document_update(actor=u, case=s.handover_case, document=d, status="received", received_on=date(2025, 5, 1))
    handover.case_advance(actor=u, case=s.handover_case, action="documents_done")
    s.handover_document = docs[0]
    s.handover_defect = handover.defect_add(actor=u, case=s.handover_case, part="facility", location="北门",
                                            description="走查用查验问题", responsible="建设单位",
                                            promised_on=date(2026, 12, 31))


def _oldcompounds(w, s: Side2, users: dict) -> None:
    from wuye.transition.oldcompounds import services as oc

    s.old_compound = rs.estate_create(actor=users["city"], name="西城机床厂宿舍", address="西城区府右街 70 号",
                                      community=w.c2, kind="old_compound", management_mode="none")
    oc.profile_save(actor=users["district2"], estate=s.old_compound, households=40, lacking={"lacks_enclosure"})
    s.renovation = oc.project_create(actor=users["district2"], estate=s.old_compound, kind="enclosure",
                                     planned_finish=timezone.localdate() + timedelta(days=30))


BUILDERS = [_registry, _complaint, _supervision, _credit, _disclosure, _governance, _portal, _registry_import,
            _campaign, _notices_training, _bulletins, _party_committees, _quasi, _developers, _handover, _oldcompounds, _trail]


def build_side2() -> tuple[object, Side2]:
    w = build_world()
    users = dict(w.users)
    users["street2"] = make_user("p_street2", Role.STREET, street=w.s2)
    users["committee2"] = make_user("p_committee2", Role.COMMITTEE, estate=w.estate_b)
    users["resident2"] = make_user("p_resident2", Role.RESIDENT, owner=w.owner_b)
    s = Side2(users=users)
    for builder in BUILDERS:
        try:
            with transaction.atomic():
                builder(w, s, users)
        except Exception as exc:  # noqa: BLE001 — reported by test_the_second_side_is_built
            s.errors[builder.__name__] = f"{type(exc).__name__}: {exc}"
    return w, s


# --------------------------------------------------------------------------------------------


def _matches(name: str, table) -> str | None:
    return next((pattern for pattern in table if fnmatch(name, pattern)), None)


def _object_routes() -> list[Endpoint]:
    """Every route with a parameter other than ``format`` (format-suffix twins of API routes are
    the same view: walked once)."""
    out = []
    for e in ENDPOINTS:
        if "(?P<format>" in e.route or "<format>" in e.route or "<drf_format_suffix" in e.route:
            continue
        if "<" in e.route or "(?P<" in e.route:
            out.append(e)
    return out


OBJECT_ROUTES = _object_routes()
WALKED = [e for e in OBJECT_ROUTES if e.name not in PUBLIC and not _matches(e.name, NOT_WALKED)
          and not _matches(e.name, OPEN_BY_DESIGN)]


@pytest.fixture(scope="module")
def side2(django_db_setup, django_db_blocker):
    """The world and the second side's objects, built once for the module and rolled back after."""
    with django_db_blocker.unblock():
        calendar.clear_cache()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world, side = build_side2()
            calendar.warm_up()
            clients = {}  # logged in once, inside the module's transaction, for every test of the module
            for name in {*ROLES, "city", *OWNERS.values()}:
                clients[name] = Client()
                clients[name].force_login(side.users[name], backend="django.contrib.auth.backends.ModelBackend")
            yield world, side, clients
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            calendar.clear_cache()


@pytest.fixture
def walk(side2, db):
    return side2


def _kwargs(name: str, side: Side2) -> dict | None:
    pattern = _matches(name, TARGETS)
    if pattern is None:
        return None
    out = {}
    for key, value in TARGETS[pattern].items():
        if isinstance(value, str) and hasattr(side, value) and key not in ("kind", "field", "month", "metric"):
            obj = getattr(side, value)
            if obj is None:
                return None
            out[key] = obj.pk
        else:
            out[key] = value
    return out


def _login_path() -> str:
    return reverse(settings.LOGIN_URL)


def _refused(response) -> bool:
    if response.status_code in REFUSALS:
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        return urlsplit(response["Location"]).path == _login_path()
    return False


def _ask(client: Client, url: str):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
        if response.status_code == 405:
            return "GET/POST", response, True
        return "POST", response, _refused(response)
    return "GET", response, _refused(response)


@pytest.mark.parametrize("endpoint", WALKED, ids=lambda e: e.name or e.route)
def test_no_role_of_one_side_opens_the_other_sides_objects(walk, endpoint: Endpoint):
    _, side, clients = walk
    kwargs = _kwargs(endpoint.name, side)
    if kwargs is None:
        pytest.fail(f"{endpoint.name}: its object was not built ({side.errors or 'no TARGETS entry'})")
    url = reverse(endpoint.name, kwargs=kwargs)
    owner = OWNERS[_matches(endpoint.name, OWNERS)] if _matches(endpoint.name, OWNERS) else "city"
    control = clients[owner].get(url)
    assert control.status_code != 404, (
        f"{endpoint.name}: {url} is 404 for {owner} too — the walk would prove nothing; fix TARGETS or OWNERS")
    leaks = []
    for role in ROLES:
        method, response, refused = _ask(clients[role], url)
        assert response.status_code < 500, (role, method, url)
        if not refused:
            leaks.append(f"{role}: {method} {url} → {response.status_code} {response.get('Location', '')}")
    assert not leaks, (f"{endpoint.name} ({endpoint.route}) with the other side's object answered:\n  "
                       + "\n  ".join(leaks) + "\nDecide access in a selector (404 out of scope, 403 visible but not "
                       "yours) or, after review, add the route to OPEN_BY_DESIGN with its reason.")


def test_every_object_route_is_walked():
    """A route with an object parameter is walked, public by design, or reviewed as not walked."""
    unmapped = [f"{e.name or '-'}  {e.route}" for e in OBJECT_ROUTES
                if e.name not in PUBLIC and not _matches(e.name, NOT_WALKED)
                and not _matches(e.name, OPEN_BY_DESIGN) and not _matches(e.name, TARGETS)]
    assert not unmapped, ("routes with an object parameter that the wrong-role walk cannot map — add them to "
                          "TARGETS (and build the object in build_side2) or, after review, to NOT_WALKED:\n  "
                          + "\n  ".join(unmapped))


def test_the_second_side_is_built(walk):
    _, side, _ = walk
    assert not side.errors, "builders of the second side failed:\n  " + "\n  ".join(
        f"{k}: {v}" for k, v in side.errors.items())


def test_reviewed_lists_are_current():
    names = {e.name for e in OBJECT_ROUTES}
    stale = [p for table in (TARGETS, NOT_WALKED, OPEN_BY_DESIGN) for p in table
             if not any(fnmatch(n, p) for n in names)]
    assert not stale, f"entries that match no route with an object parameter (delete them): {stale}"
    for pattern in TARGETS:
        for name in (e.name for e in OBJECT_ROUTES if fnmatch(e.name, pattern)):
            if _matches(name, TARGETS) != pattern:
                continue
            try:
                reverse(name, kwargs={k: (1 if isinstance(v, str) and k not in ("kind", "field", "month", "metric",
                                                                               "action", "op") else v)
                                      for k, v in TARGETS[pattern].items()})
            except NoReverseMatch as exc:
                pytest.fail(f"{name}: TARGETS[{pattern!r}] does not fill its parameters ({exc})")


def test_the_walk_covers_every_role_and_kind_of_route():
    names = {e.name for e in WALKED}
    assert {"cases:page_detail", "api-complaint-detail", "registry:estate_detail", "api-estate-detail",
            "supervision:inspection_detail", "governance:motion_detail", "disclosure:income_detail"} <= names
    assert set(ROLES) <= {"district", "street", "community", "department", "manager_a", "staff_a", "committee",
                          "resident"}
