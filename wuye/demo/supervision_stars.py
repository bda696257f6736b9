"""The demo's owner satisfaction surveys and star ratings (part of ``supervision.SupervisionBuilder``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

from wuye.core.calendar import PeriodUnit, add_period, add_years
from wuye.core.money import percent, round_half_up
from wuye.registry.models import Ownership, Unit
from wuye.supervision.models import (
    StarApplication,
    StarApplicationEvent,
    StarRating,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)
from wuye.supervision.stars.services import combined_score

from .bulk import timestamp

COMMENTS = ["希望加强夜间巡逻。", "保洁比以前好多了。", "电梯维修太慢。", "车辆乱停问题希望管一管。", "物业服务态度很好。",
            "绿化需要及时修剪。", "收费项目希望公示得更清楚。", ""]


class SurveysStarsMixin:
    """Surveys with their answer sheets; star applications in every state and the active ratings."""

    # -- surveys ----------------------------------------------------------------------------------

    def build_surveys(self) -> None:
        rng = self.rng("surveys")
        w = self.writer
        if not self.questions:
            self.surveys_by_estate = {}
            self.stage("满意度测评：没有默认问卷，跳过")
            return
        surveys = w.table(Survey, ["id", "template_id", "estate_id", "company_id", "title", "status", "opens_at", "closes_at",
                                   "unit_count", "response_count", "satisfied_answers", "answer_count", "created_by_id",
                                   "created_at", "updated_at"])
        responses = w.table(SurveyResponse, ["id", "survey_id", "unit_id", "owner_id", "comment", "created_at"])
        answers = w.table(SurveyAnswer, ["id", "response_id", "question_id", "score"])
        served = [e for e in self.estates if e["company_id"]]
        # Better estates are likelier to run a survey (they apply for stars).
        served.sort(key=lambda e: (-self.estate_quality[e["id"]], e["id"]))
        pick = served[: max(self.p.surveys * 3, 3)]
        rng.shuffle(pick)
        chosen = sorted(pick[: self.p.surveys], key=lambda e: e["id"])
        if self.featured_estate["company_id"] and self.featured_estate not in chosen:
            chosen.append(self.featured_estate)
        units = defaultdict(list)
        for unit_id, owner_id, estate_id in (Ownership.objects.filter(estate_id__in=[e["id"] for e in chosen])
                                             .order_by("unit_id", "id").values_list("unit_id", "owner_id", "estate_id")):
            if not units[estate_id] or units[estate_id][-1][0] != unit_id:
                units[estate_id].append((unit_id, owner_id))
        unit_counts = Counter(Unit.objects.filter(estate_id__in=[e["id"] for e in chosen]).values_list("estate_id", flat=True))
        self.surveys_by_estate: dict[int, dict] = {}
        official = {d["id"]: self.inspector_user[sorted(self.pool[d["id"]])[0]] for d in self.districts if self.pool.get(d["id"])}
        for n, e in enumerate(chosen):
            members = units.get(e["id"], [])
            if not members:
                continue
            sid = w.next_id(Survey)
            q = self.estate_quality[e["id"]]
            recent = n == len(chosen) - 1
            opens = self.now - timedelta(days=rng.randint(5, 10) if recent else rng.randint(30, 330))
            closes = opens + timedelta(days=14)
            status = Survey.Status.OPEN if closes > self.now else Survey.Status.CLOSED
            rate = rng.uniform(0.25, 0.65)
            sample = sorted(rng.sample(members, max(1, int(len(members) * rate))))
            if status == Survey.Status.OPEN:
                sample = sample[: max(1, len(sample) // 2)]
            satisfied = total = 0
            weights = [0.02 + 0.1 * (1 - q), 0.03 + 0.15 * (1 - q), 0.1 + 0.2 * (1 - q), 0.35, 0.2 + 0.6 * q]
            for unit_id, owner_id in sample:
                rid = w.next_id(SurveyResponse)
                at = opens + timedelta(minutes=rng.randrange(max(1, int((min(closes, self.now) - opens).total_seconds() // 60))))
                responses.append((rid, sid, unit_id, owner_id, rng.choice(COMMENTS), timestamp(at)))
                for question in self.questions:
                    score = rng.choices((1, 2, 3, 4, 5), weights)[0]
                    answers.append((w.next_id(SurveyAnswer), rid, question, score))
                    total += 1
                    satisfied += score >= 4
                w.flush_if_full()
            title = f"{e['name']}{opens.year}年物业服务满意度测评"
            surveys.append((sid, self.template.pk, e["id"], e["company_id"], title[:100], status, timestamp(opens),
                            timestamp(closes), unit_counts.get(e["id"], len(members)), len(sample), satisfied, total,
                            official.get(e["district_id"], self.city_user_id), timestamp(opens - timedelta(days=1)),
                            timestamp(min(closes, self.now))))
            self.surveys_by_estate[e["id"]] = {"id": sid, "satisfaction": percent(satisfied, total), "closed": status == Survey.Status.CLOSED, "closes": closes}
        w.flush()
        self.stage(f"满意度测评：{len(surveys) or self.writer.counts[Survey]} 次，答卷 {self.writer.counts[SurveyResponse]:,} 份，"
                   f"回答 {self.writer.counts[SurveyAnswer]:,} 条")

    # -- star ratings -----------------------------------------------------------------------------

    def build_stars(self) -> None:
        rng = self.rng("stars")
        w = self.writer
        apps = w.table(StarApplication, [
            "id", "company_id", "estate_id", "district_id", "target_level", "status", "version", "statement", "gate_results",
            "inspection_id", "survey_id", "inspection_score", "satisfaction", "combined_score", "awarded_level",
            "notice_start", "notice_end", "decided_at", "decided_by_id", "decision_note", "submitted_by_id",
            "created_at", "updated_at"])
        app_events = w.table(StarApplicationEvent, ["id", "application_id", "actor_id", "action", "from_status", "to_status",
                                                    "note", "created_at"])
        ratings = w.table(StarRating, ["id", "estate_id", "company_id", "district_id", "application_id", "level", "status",
                                       "valid_from", "valid_until", "ended_at", "end_reason", "previous_id", "created_at",
                                       "updated_at"])
        company_user = self.logins.get("company")
        submitter_default = company_user.pk if company_user else self.city_user_id
        decider = self.city_user_id
        year_ago = add_years(self.today, -1)
        eligible = [e for e in self.estates if e["company_id"] and e["company_id"] not in self.veto_companies
                    and (self.contract_start.get(e["id"]) or self.today) <= year_ago]
        eligible.sort(key=lambda e: (-self.estate_quality[e["id"]], e["id"]))
        n = max(4, round(len(eligible) * self.p.star_share))
        pool = eligible[: n * 3]
        chosen = sorted(rng.sample(pool, min(n, len(pool))), key=lambda e: e["id"])
        featured = self.featured_estate
        if featured["company_id"] and featured["id"] not in {e["id"] for e in chosen} and featured in eligible:
            chosen.append(featured)
        self.star_ratings: list[dict] = []
        levels = Counter()
        for k, e in enumerate(chosen):
            q = self.estate_quality[e["id"]]
            aid = w.next_id(StarApplication)
            insp = self.latest_inspection.get(e["id"])
            survey = self.surveys_by_estate.get(e["id"])
            if survey and not survey["closed"]:
                survey = None
            inspection_score = insp["score"] if insp else round_half_up(Decimal(str(70 + 28 * q)), 1)
            satisfaction = survey["satisfaction"] if survey and survey["satisfaction"] is not None else \
                round_half_up(Decimal(str(60 + 38 * q + rng.uniform(-3, 3))), 2)
            satisfaction = min(Decimal("100"), satisfaction)
            combined = combined_score(inspection_score, satisfaction, self.ss)  # the stars service's own rule
            awarded = self.ss.star_for(combined)
            target = min(5, max(1, awarded + (1 if rng.random() < 0.3 else 0))) if awarded else rng.randint(2, 4)
            decided = self.now - timedelta(days=rng.randint(20, 340))
            submitted = decided - timedelta(days=rng.randint(30, 50))
            gate = [{"check": "service_years", "ok": True, "text": "服务该小区满 1 年"},
                    {"check": "grade", "ok": True, "text": "企业信用等级不低于 B"},
                    {"check": "complaints", "ok": True, "text": "无未办结的挂牌督办诉求"}]
            roll = rng.random()
            if e is featured or (k % 9 == 4):
                status = StarApplication.Status.NOTICE
            elif roll < 0.06:
                status = StarApplication.Status.GATE_FAILED
            elif roll < 0.12 or not awarded:
                status = StarApplication.Status.REJECTED
            elif roll < 0.16:
                status = StarApplication.Status.EVALUATING
            else:
                status = StarApplication.Status.EFFECTIVE
            notice_start = notice_end = decided_at = None
            steps = [("apply", submitter_default, "", StarApplication.Status.SUBMITTED, "提交星级申报", submitted)]
            if status == StarApplication.Status.GATE_FAILED:
                gate[2] = {"check": "complaints", "ok": False, "text": "存在未办结的挂牌督办诉求"}
                steps.append(("gate", None, StarApplication.Status.SUBMITTED, status, "申报条件审查未通过", submitted + timedelta(minutes=1)))
                awarded_level = None
                inspection_score = satisfaction = combined = None
            else:
                steps.append(("gate", None, StarApplication.Status.SUBMITTED, StarApplication.Status.EVALUATING, "申报条件审查通过",
                              submitted + timedelta(minutes=1)))
                awarded_level = awarded or None
                if status == StarApplication.Status.EVALUATING:
                    inspection_score = satisfaction = combined = awarded_level = None
                elif status == StarApplication.Status.NOTICE:
                    notice_start = self.now - timedelta(days=rng.randint(1, 4))
                    notice_end = add_period(notice_start, self.ss.notice_workdays, PeriodUnit.WORKING_DAYS)
                    submitted = notice_start - timedelta(days=35)
                    steps = [(a, u, f, t, note, submitted + (at - steps[0][5])) for a, u, f, t, note, at in steps]
                    steps.append(("publish", decider, StarApplication.Status.EVALUATING, status,
                                  f"评定为{awarded_level or 0}星级，公示 {self.ss.notice_workdays} 个工作日", notice_start))
                elif status == StarApplication.Status.REJECTED:
                    decided_at = decided
                    steps.append(("reject", decider, StarApplication.Status.EVALUATING, status,
                                  "综合得分未达到申报星级标准", decided))
                else:
                    notice_start = decided - timedelta(days=12)
                    notice_end = add_period(notice_start, self.ss.notice_workdays, PeriodUnit.WORKING_DAYS)
                    decided_at = notice_end + timedelta(minutes=5)
                    steps.append(("publish", decider, StarApplication.Status.EVALUATING, StarApplication.Status.NOTICE,
                                  f"评定为{awarded}星级，公示 {self.ss.notice_workdays} 个工作日", notice_start))
                    steps.append(("effective", None, StarApplication.Status.NOTICE, status, "公示期满无异议，评定结果生效",
                                  decided_at))
            note = "" if status in (StarApplication.Status.SUBMITTED, StarApplication.Status.EVALUATING) else steps[-1][4]
            apps.append((aid, e["company_id"], e["id"], e["district_id"], target, status, len(steps) - 1,
                         "小区服务满一年，现申报星级评定。", json.dumps(gate, ensure_ascii=False),
                         insp["id"] if insp and combined is not None else None,
                         survey["id"] if survey and combined is not None else None,
                         None if inspection_score is None else str(inspection_score),
                         None if satisfaction is None else str(satisfaction), None if combined is None else str(combined),
                         awarded_level, self.t(notice_start), self.t(notice_end), self.t(decided_at),
                         decider if decided_at else None, note, submitter_default, timestamp(submitted),
                         timestamp(steps[-1][5])))
            for action, actor, frm, to, text, at in steps:
                app_events.append((w.next_id(StarApplicationEvent), aid, actor, action, frm, to, text, timestamp(at)))
            if status == StarApplication.Status.EFFECTIVE:
                rid = w.next_id(StarRating)
                start = decided_at.date()
                until = add_years(start, self.ss.rating_valid_years)
                ratings.append((rid, e["id"], e["company_id"], e["district_id"], aid, awarded, StarRating.Status.ACTIVE,
                                start.isoformat(), until.isoformat(), None, "", None, timestamp(decided_at), timestamp(decided_at)))
                levels[awarded] += 1
                self.star_ratings.append({"id": rid, "estate": e["id"], "company": e["company_id"], "district": e["district_id"],
                                          "level": awarded, "day": start, "at": decided_at})
        w.flush()
        self.stage(f"星级申报 {len(chosen)} 个，有效星级 {sum(levels.values())} 个（"
                   + "，".join(f"{k} 星 {v}" for k, v in sorted(levels.items())) + "）")
