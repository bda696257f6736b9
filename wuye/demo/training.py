"""Demo training (issue 16 item 11, item 13): a year of courses and sessions.

``build_demo_training(scale=..., seed=..., now=..., city_id=..., say=...)`` writes a year of
city-wide sessions for project managers and company staff, and district sessions for street,
community and committee staff, with enrolments, sign-ins (most attend; some never do), exam
scores and certificate numbers. Project managers end the year with hours on both sides of the
yearly requirement, so the districts' "who lacks hours" list has people on it. The same seed and
``now`` give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.campaign.training.models import Audience, Course, Enrolment, Session
from wuye.registry.models import Staff
from wuye.territory.models import District

SH = ZoneInfo("Asia/Shanghai")
MANAGERS = {"small": 120, "city": 1500, "megacity": 6000}
COURSES = [
    ("物业项目经理继续教育：消防安全管理", "消防设施维护、电动自行车充电管理与应急疏散", Audience.MANAGERS, "8"),
    ("物业服务标准与星级评定", "服务标准条款解读与自评方法", Audience.MANAGERS, "6"),
    ("公共收益与收费公示实务", "公共收益核算、公示格式与明码标价", Audience.COMPANY_STAFF, "4"),
    ("接诉即办业务培训", "诉求签收、联系、办理与回访的时限要求", Audience.COMPANY_STAFF, "4"),
    ("物业纠纷调解与业主自治指导", "业主大会、业委会选举和纠纷调解", Audience.STREET, "4"),
    ("社区物业管理工作实务", "社区对物业服务的日常监督", Audience.COMMUNITY, "3"),
    ("业委会履职培训", "业委会职责、会议规则与公示义务", Audience.COMMITTEE, "3"),
    ("老旧小区准物业管理", "准物业服务内容与月度检查", Audience.ALL, "4"),
]
TRAINERS = ["王建华", "李秀梅", "张志远", "刘海波", "陈丽娟"]


def build_demo_training(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                        say: Callable[[str], None] | None = None) -> dict[str, int]:
    rng = random.Random(f"{seed}:training")
    now = now or timezone.now()
    today = timezone.localdate(now)
    city_user = User.objects.filter(role=Role.CITY).order_by("pk").first()
    if city_user is None:
        return {}
    districts = list(District.objects.filter(city_id=city_id).order_by("id").values_list("id", flat=True))
    managers = list(Staff.objects.filter(role=Staff.Role.PROJECT_MANAGER).select_related("company", "estate")
                    .order_by("id")[:MANAGERS.get(scale, MANAGERS["small"])])
    officials = list(User.objects.filter(is_active=True, role__in=[Role.STREET, Role.COMMUNITY, Role.COMMITTEE])
                     .order_by("id")[:200])
    sessions: list[Session] = []
    courses: list[Course] = []
    hours_of: dict[str, Decimal] = {}
    for i, (title, topic, audience, hours) in enumerate(COURSES):
        district_id = None if audience in (Audience.MANAGERS, Audience.COMPANY_STAFF) or not districts else districts[i % len(districts)]
        courses.append(Course(title=title, topic=topic, audience=audience, district_id=district_id, created_by=city_user))
        hours_of[title] = Decimal(hours)
    Course.objects.bulk_create(courses)
    for course in courses:
        n = 3 if course.audience == Audience.MANAGERS else 1
        for k in range(n):
            upcoming = k == n - 1 and rng.random() < 0.2
            day = today + timedelta(days=10) if upcoming else today - timedelta(days=30 + rng.randint(0, 320))
            sessions.append(Session(
                course=course, starts_at=datetime.combine(day, time(9, 0), tzinfo=SH), hours=hours_of[course.title],
                trainer=rng.choice(TRAINERS), online=rng.random() < 0.3, place="市住房保障房产局培训中心",
                capacity=max(60, len(managers), len(officials)), district_id=course.district_id))
    Session.objects.bulk_create(sessions)
    enrolments: list[Enrolment] = []
    serial = 0
    for s in sessions:
        if s.course.audience in (Audience.MANAGERS, Audience.COMPANY_STAFF):
            rows = [Enrolment(session=s, staff=m, name=m.name, unit_name=m.company.name,
                              district_id=m.estate.district_id if m.estate_id else None, enrolled_by=city_user)
                    for m in managers if rng.random() < 0.75]
        else:
            rows = [Enrolment(session=s, user=u, name=u.full_name or u.username, enrolled_by=city_user)
                    for u in officials if rng.random() < 0.5]
        if s.starts_at < now:
            for e in rows:
                if rng.random() < 0.85:
                    e.signed_in_at = s.starts_at + timedelta(minutes=rng.randint(-20, 10))
                    e.exam_score = Decimal(rng.randint(62, 99))
                    serial += 1
                    e.certificate_no = f"PX{timezone.localtime(s.starts_at).year}-{serial:05d}"
        s.enrolled = len(rows)
        enrolments += rows
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    Session.objects.bulk_update(sessions, ["enrolled"], batch_size=500)
    return {"training_course": len(courses), "training_session": len(sessions), "training_enrolment": len(enrolments)}
