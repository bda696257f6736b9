"""The demo's credit history, benchmarks, scores and exit cases (part of ``supervision.SupervisionBuilder``).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, datetime, timedelta

from wuye.credit.models import (
    Benchmark,
    CreditEvent,
    CreditEventLog,
    CreditObjection,
    CreditRule,
    ExitCase,
    ExitStep,
)
from wuye.credit.scoring import (
    benchmark_company_ids,
    company_sums,
    credit_recompute_all,
    lists_for,
    manager_recompute,
    score_from_sums,
)
from wuye.registry.models import PropertyCompany, Staff
from wuye.supervision.stars.models import DowngradeReview

from .bulk import timestamp

OBJECTION_TEXTS = [
    "该问题已于检查次日整改完毕，现场照片及维修记录已上传，请求复核。",
    "所涉小区当月已移交新物业企业，相关投诉不应计入本企业。",
    "事实认定有误：停水系市政管网抢修所致，非本企业断供。",
]
# Benchmarks named of each kind (estates, companies): a small honour, as the red list is.
BENCHMARKS_PER_KIND = 5
WITHDRAW_REASONS = ["经复核，事实依据不足，予以撤销。", "重复录入，予以撤销。", "异议成立，予以撤销。"]
# Hand-recorded items: code → yearly rate for the best company (good items) or the worst (bad items).
GOOD_HAND = {"BZ01": 0.12, "BZ02": 0.3, "BZ03": 0.08, "BZ04": 0.25}
BAD_HAND = {"GS01": 0.35, "GS02": 0.45, "SF01": 0.3, "WG01": 0.12, "WG02": 0.15, "WG03": 0.08, "WG04": 0.06}
HAND_TEXTS = {
    "BZ01": "受到市住房保障房产局通报表扬（物业服务提升三年行动）",
    "BZ02": "受到区住房和城乡建设局通报表扬",
    "BZ03": "获评省级物业服务示范项目",
    "BZ04": "在防汛抢险中组织人员转移群众、排除积水，表现突出",
    "GS01": "未按规定在小区公示栏及平台公示上年度公共收益收支情况",
    "GS02": "擅自提高停车服务费标准且未公示",
    "SF01": "物业服务合同纠纷案件经法院判决承担主要责任",
    "WG01": "以停水方式催缴物业费，经核实属实",
    "WG02": "拒不配合街道组织的消防安全检查",
    "WG03": "小区外墙脱落砸伤行人，经调查负主要责任",
    "WG04": "申报星级评定时提供虚假维修记录",
    "FJ01": "挪用小区公共收益用于企业经营，经审计认定",
    "FJ02": "物业服务合同终止后拒不退出小区、拒不移交资料",
}


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit and k < 50:
        k += 1
        p *= rng.random()
    return k



class CreditMixin:
    """Credit items of three years, benchmarks, the recompute and the exit cases it leads to."""

    # -- credit -----------------------------------------------------------------------------------

    def build_credit(self) -> None:
        rng = self.rng("credit")
        w = self.writer
        self.events = w.table(CreditEvent, [
            "id", "company_id", "manager_id", "estate_id", "district_id", "rule_id", "klass", "points", "status", "version",
            "source", "source_key", "source_url", "description", "evidence", "occurred_on", "valid_from", "valid_until",
            "notice_start", "notice_end", "confirmed_at", "repaired_at", "repair_reason", "withdrawn_reason",
            "recorded_by_id", "reviewed_by_id", "created_at", "updated_at"])
        self.logs = w.table(CreditEventLog, ["id", "event_id", "actor_id", "action", "from_status", "to_status", "note", "created_at"])
        self.objections = w.table(CreditObjection, [
            "id", "event_id", "submitted_by_id", "reason", "evidence", "status", "decision_reason", "decided_by_id",
            "decided_at", "created_at", "updated_at"])
        self.klass_counts = Counter()
        company_district = {}
        for e in self.estates:
            if e["company_id"]:
                company_district.setdefault(e["company_id"], e["district_id"])
        self.company_district = company_district
        start = self.today - timedelta(days=int(self.p.history_months * 30.4))
        company_user = self.logins.get("company")
        featured_company = self.featured_estate["company_id"]
        self.platform_items(rng)
        self.metrics_events(rng, start)
        # Standing and hand-recorded items, company by company.
        for c in self.companies:
            self.company_items(c, rng, start, company_district.get(c["id"]))
            w.flush_if_full()
        if company_user and featured_company:
            self.featured_credit(featured_company, company_user.pk, company_district.get(featured_company), rng)
        self.manager_events(rng)
        w.flush()
        self.stage(f"信用信息：{self.writer.counts[CreditEvent]:,} 条（"
                   + "，".join(f"{CreditRule.Klass(k).label} {v:,}" for k, v in sorted(self.klass_counts.items()))
                   + f"），处理记录 {self.writer.counts[CreditEventLog]:,} 条，异议 {self.writer.counts[CreditObjection]} 件")

    def platform_items(self, rng) -> None:
        """Automatic items from what the platform recorded: inspections, overdue orders, star ratings."""
        for r in self.inspection_results:
            if not r["company"]:
                continue
            code = "XC01" if r["score"] < 70 else "XC02" if r["score"] >= 95 else None
            if code:
                repaired = r["concluded"] if code == "XC01" and r["repaired"] else None
                self.event(code, r["company"], r["day"], f"监督检查得分 {r['score']} 分", rng, key=f"inspection:{r['id']}",
                           estate=r["estate"], district=r["district"], url=f"/supervision/inspections/{r['id']}/",
                           repaired_at=repaired, repair_reason="检查发现的问题已全部整改并经复查销号" if repaired else "")
        for o in self.overdue_orders:
            self.event("XC03", o["company"], o["day"], f"整改通知 {o['number']} 逾期未完成整改", rng,
                       key=f"order-overdue:{o['id']}", estate=o["estate"], district=o["district"],
                       url=f"/supervision/orders/{o['id']}/")
        for s in self.star_ratings:
            code = {4: "XJ04", 5: "XJ05"}.get(s["level"])
            if code:
                self.event(code, s["company"], s["day"], f"所服务小区获评{s['level']}星级", rng, key=f"star:{s['id']}",
                           estate=s["estate"], district=s["district"])

    def company_items(self, c: dict, rng, start: date, district) -> None:
        """A company's standing and hand-recorded items."""
        cid = c["id"]
        q = self.quality[cid]
        filed = c["filing_status"] == PropertyCompany.FilingStatus.FILED
        if filed:
            filed_on = self.today - timedelta(days=rng.randint(400, 2500))
            self.event("JC01", cid, filed_on, "企业已在平台完成备案", rng, key=f"filing:{cid}", district=district)
            for code, p_have in (("JC02", 0.85 + 0.14 * q), ("JC03", 0.8 + 0.18 * q), ("JC04", 0.6 + 0.35 * q)):
                for year_back in range(self.p.history_months // 12):
                    if rng.random() < p_have + 0.04 * (year_back == 0):
                        day = self.today - timedelta(days=365 * year_back + rng.randint(10, 330))
                        self.event(code, cid, day, f"{self.rules[code].name if code in self.rules else code}（年度核验）",
                                   rng, district=district, manual=True)
        else:
            return  # not filed: no credit record (unrated, see ``wuye.credit.scoring``)
        for code, rate in GOOD_HAND.items():
            self.hand(code, cid, rate * q ** 3 * self.p.credit_intensity, start, district, rng)
        for code, rate in BAD_HAND.items():
            self.hand(code, cid, rate * (1 - q) ** 1.5 * self.p.credit_intensity, start, district, rng)
        if cid in self.veto_companies:
            code = "FJ01" if cid % 2 else "FJ02"
            day = self.today - timedelta(days=rng.randint(30, 200))
            self.event(code, cid, day, HAND_TEXTS[code], rng, district=district, manual=True)

    def metrics_events(self, rng, start: date) -> None:
        """Monthly complaint results: from the complaint rollups where the city has them, else from
        each company's quality (the months before the complaints began)."""
        seen: set[tuple[int, date]] = set()
        company_ids = {c["id"] for c in self.companies}
        for f in self.figures:
            if f.unit_id not in company_ids or f.month is None:
                continue
            seen.add((f.unit_id, f.month))
            month_end = (f.month.replace(day=28) + timedelta(days=4)).replace(day=1)
            if month_end > self.today:
                continue  # the month is not over: the feed records it next month
            # The thresholds of ``wuye.credit.metrics_feed``: excellent ≥ 95 with ≥ 5 dispatched, failing < 60.
            if f.composite is not None and f.composite >= 95 and f.counts["assigned"] >= 5:
                code = "TS01"
            elif f.composite is not None and f.composite < 60:
                code = "TS02"
            else:
                continue
            self.event(code, f.unit_id, month_end - timedelta(days=1),
                       f"{f.month.year}年{f.month.month}月接诉即办考核综合得分 {f.composite}", rng,
                       key=f"metrics:{f.month:%Y-%m}:company:{f.unit_id}",
                       district=f.district_id or self.company_district.get(f.unit_id),
                       url=f"/complaints/metrics/?month={f.month:%Y-%m}")
        serving = {e["company_id"] for e in self.estates if e["company_id"]}
        month = start.replace(day=1)
        months = []
        while month < self.today.replace(day=1):
            months.append(month)
            month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        for c in self.companies:
            cid = c["id"]
            if cid not in serving:
                continue
            q = self.quality[cid]
            for month in months:
                if (cid, month) in seen:
                    continue
                month_end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
                r = rng.random()
                if r < 0.45 * q ** 4:
                    code, score = "TS01", rng.uniform(95, 99)
                elif r > 1 - 0.35 * (1 - q) ** 2:
                    code, score = "TS02", rng.uniform(40, 60)
                else:
                    continue
                self.event(code, cid, month_end - timedelta(days=1), f"{month.year}年{month.month}月接诉即办考核综合得分 {score:.1f}",
                           rng, key=f"metrics:{month:%Y-%m}:company:{cid}", district=self.company_district.get(cid),
                           url=f"/complaints/metrics/?month={month:%Y-%m}")

    def hand(self, code: str, cid: int, yearly: float, start: date, district, rng) -> None:
        if code not in self.rules or yearly <= 0:
            return
        days = (self.today - start).days
        n = poisson(rng, yearly * days / 365)
        until_rectified = self.rules[code].validity_days is None
        for _i in range(n):
            day = start + timedelta(days=rng.randrange(days))
            repaired = None
            if until_rectified and (self.today - day).days > 90 and rng.random() < 0.9:
                # Items that last until rectified: most were rectified and repaired months later.
                repaired = self.at(day + timedelta(days=rng.randint(30, 80)), 11)
            self.event(code, cid, day, HAND_TEXTS[code], rng, district=district, manual=True, repaired_at=repaired,
                       repair_reason="已整改到位，经主管部门核实予以信用修复" if repaired else "")

    def event(self, code: str, cid: int, occurred: date, description: str, rng, *, key: str = "", estate=None,
              district=None, url: str = "", manual: bool = False, status: str | None = None, manager=None,
              repaired_at=None, repair_reason: str = "", objection: tuple | None = None) -> int | None:
        rule = self.rules.get(code)
        if rule is None or occurred > self.today or cid in self.unrated:
            return None
        w = self.writer
        eid = w.next_id(CreditEvent)
        recorded = self.at(occurred, 10) + timedelta(days=(rng.randint(1, 5) if manual else 0))
        if recorded > self.now:
            recorded = self.now - timedelta(hours=1)
        notice_start = recorded + (timedelta(days=rng.randint(1, 3)) if manual else timedelta(0))
        notice_end = notice_start + timedelta(days=7)
        actor = self.city_user_id if manual else None
        S = CreditEvent.Status
        if status is None:
            status = self.credit_status(notice_start, notice_end, manual, rng)
        if status in (S.DRAFT, S.REVIEWED):
            notice_start = notice_end = None
        confirmed_at = notice_end + timedelta(minutes=10) if status == S.CONFIRMED else None
        if confirmed_at and confirmed_at > self.now:
            confirmed_at = self.now
        valid_until = None if rule.validity_days is None else occurred + timedelta(days=rule.validity_days)
        if repaired_at and (repaired_at > self.now or status != S.CONFIRMED):
            repaired_at = None
        withdrawn = rng.choice(WITHDRAW_REASONS) if status == S.WITHDRAWN else ""
        logs = self.credit_logs(status, manual, actor, description, recorded, notice_start, notice_end, confirmed_at,
                                withdrawn, repaired_at, repair_reason, objection)
        updated = max(at for *_x, at in logs)
        self.events.append((
            eid, cid, manager, estate, district, rule.pk, rule.klass, str(rule.points), status, len(logs) - 1,
            CreditEvent.Source.MANUAL if manual else CreditEvent.Source.AUTO, key, url, description[:1000],
            rule.evidence_required if manual else "", occurred.isoformat(), occurred.isoformat(),
            None if valid_until is None else valid_until.isoformat(), self.t(notice_start), self.t(notice_end),
            self.t(confirmed_at), self.t(repaired_at), repair_reason[:300], withdrawn, actor, actor if manual else None,
            timestamp(recorded), timestamp(updated)))
        for action, who, frm, to, note, at in logs:
            self.logs.append((w.next_id(CreditEventLog), eid, who, action, frm, to, note[:500], timestamp(at)))
        if objection:
            user_id, reason, state = objection
            decided = state != CreditObjection.Status.PENDING
            at = notice_start + timedelta(days=1)
            self.objections.append((w.next_id(CreditObjection), eid, user_id, reason, "整改照片及维修记录", state,
                                    "经核实，原认定事实清楚，异议不成立。" if decided else "", self.city_user_id if decided else None,
                                    timestamp(at + timedelta(days=3)) if decided else None, timestamp(at), timestamp(at)))
        self.klass_counts[rule.klass] += 1
        return eid

    def credit_status(self, notice_start: datetime, notice_end: datetime, manual: bool, rng) -> str:
        """Where an item stands at ``now``: before its public notice, in it, withdrawn, or confirmed."""
        S = CreditEvent.Status
        if notice_start > self.now:
            return S.REVIEWED if manual else S.NOTICE
        if notice_end > self.now:
            return S.NOTICE
        if manual and rng.random() < 0.015:
            return S.WITHDRAWN
        return S.CONFIRMED

    @staticmethod
    def credit_logs(status, manual, actor, description, recorded, notice_start, notice_end, confirmed_at, withdrawn,
                    repaired_at, repair_reason, objection) -> list[tuple]:
        """The item's processing log (action, actor, from, to, note, time), in order."""
        S = CreditEvent.Status
        logs = []
        if manual:
            logs.append(("create", actor, "", S.DRAFT, description, recorded))
            logs.append(("review", actor, S.DRAFT, S.REVIEWED, "审核通过", recorded + timedelta(hours=2)))
            if notice_start:
                logs.append(("publish", actor, S.REVIEWED, S.NOTICE, "进入公示", notice_start))
        else:
            logs.append(("auto", None, "", S.NOTICE, description, notice_start))
        if status == S.CONFIRMED:
            logs.append(("confirm", None, S.NOTICE, S.CONFIRMED, "公示期满无异议，予以确认", confirmed_at))
        elif status == S.WITHDRAWN:
            logs.append(("withdraw", actor, S.NOTICE, S.WITHDRAWN, withdrawn, notice_end))
        elif status == S.OBJECTED:
            logs.append(("object", objection[0] if objection else None, S.NOTICE, S.OBJECTED, "企业提出异议",
                         notice_start + timedelta(days=1)))
        if repaired_at:
            logs.append(("repair", None, S.CONFIRMED, S.CONFIRMED, repair_reason, repaired_at))
        return logs

    def featured_credit(self, cid: int, user_id: int, district, rng) -> None:
        """The featured company (the ``company`` demo login): one item under objection, one whose
        objection was rejected, one in public notice — something to act on and to read."""
        S = CreditEvent.Status
        recent = self.today - timedelta(days=3)
        self.event("GS02", cid, recent, "停车服务费调整未按规定提前公示", rng, district=district, manual=True, status=S.OBJECTED,
                   objection=(user_id, OBJECTION_TEXTS[0], CreditObjection.Status.PENDING))
        self.event("SF01", cid, self.today - timedelta(days=120), HAND_TEXTS["SF01"], rng, district=district, manual=True,
                   status=S.CONFIRMED, objection=(user_id, OBJECTION_TEXTS[1], CreditObjection.Status.REJECTED))
        self.event("BZ04", cid, self.today - timedelta(days=2), HAND_TEXTS["BZ04"], rng, district=district, manual=True,
                   status=S.NOTICE)

    def manager_events(self, rng) -> None:
        """Project managers' personal items (late registration, missing training) for a few."""
        if "MG01" not in self.rules and "MG02" not in self.rules:
            self.managers = []
            return
        managers = list(Staff.objects.filter(role=Staff.Role.PROJECT_MANAGER, company__isnull=False)
                        .order_by("id").values_list("id", "company_id", "estate_id"))
        self.managers = []
        for mid, cid, estate in managers:
            q = self.quality.get(cid, 0.5)
            if rng.random() < 0.06 * (1.3 - q):
                code = "MG01" if rng.random() < 0.5 else "MG02"
                day = self.today - timedelta(days=rng.randint(20, 300))
                text = "到岗 30 日内未在平台登记" if code == "MG01" else "上年度培训学时不足"
                if self.event(code, cid, day, text, rng, manager=mid, estate=estate,
                              district=self.estate_by_id.get(estate, {}).get("district_id"), key=f"{code.lower()}:{mid}:{day.year}"):
                    self.managers.append(mid)

    # -- benchmarks, scores, exit cases -----------------------------------------------------------

    def build_benchmarks(self) -> None:
        rng = self.rng("benchmarks")
        w = self.writer
        rows = w.table(Benchmark, ["id", "kind", "estate_id", "company_id", "reason", "designated_on", "designated_by_id",
                                   "active", "revoked_on", "revoke_reason", "created_at", "updated_at"])
        if not self.city_user_id:
            self.benchmark_companies = set()
            return
        # A benchmark is a small honour (the red list, rules.md §9): at most BENCHMARKS_PER_KIND of each
        # kind, one per estate, never an estate under a downgrade review.
        reviewed = set(DowngradeReview.objects.filter(status=DowngradeReview.Status.OPEN)
                       .values_list("rating__estate_id", flat=True))
        five, seen = [], set()
        for s in sorted((s for s in self.star_ratings if s["level"] >= 4), key=lambda s: (-s["level"], s["id"])):
            if s["estate"] not in seen and s["estate"] not in reviewed:
                seen.add(s["estate"])
                five.append(s)
        n_estates = min(BENCHMARKS_PER_KIND, max(1, len(five) // 4))
        for s in five[:n_estates]:
            day = s["day"] + timedelta(days=rng.randint(5, 30))
            day = min(day, self.today)
            rows.append((w.next_id(Benchmark), Benchmark.Kind.ESTATE, s["estate"], None,
                         f"获评{s['level']}星级，业主满意度高，各项服务达到标准要求。", day.isoformat(), self.city_user_id,
                         True, None, "", timestamp(self.at(day, 10)), timestamp(self.at(day, 10))))
        filed = [c for c in self.companies if c["filing_status"] == PropertyCompany.FilingStatus.FILED
                 and c["id"] not in self.veto_companies and c["id"] in self.company_district]
        filed.sort(key=lambda c: (-self.quality[c["id"]], c["id"]))
        self.benchmark_companies = set()
        for c in filed[: min(BENCHMARKS_PER_KIND, max(1, len(filed) // 60))]:
            day = self.today - timedelta(days=rng.randint(30, 300))
            rows.append((w.next_id(Benchmark), Benchmark.Kind.COMPANY, None, c["id"],
                         "服务质量持续领先，连续多月接诉即办考核优秀，积极参与老旧小区物业服务提升。", day.isoformat(),
                         self.city_user_id, True, None, "", timestamp(self.at(day, 10)), timestamp(self.at(day, 10))))
            self.benchmark_companies.add(c["id"])
            self.event("BG01", c["id"], day, "获评物业标杆企业", rng, key=f"benchmark:company:{c['id']}",
                       district=self.company_district.get(c["id"]))
        w.flush()
        self.stage(f"标杆：{len(rows) or self.writer.counts[Benchmark]} 个")

    def recompute(self) -> dict:
        result = credit_recompute_all(today=self.today)
        for mid in sorted(set(getattr(self, "managers", []))):
            manager_recompute(mid, today=self.today)
        self.stage(f"企业信用计算：{result.get('companies', 0):,} 家")
        return result

    def predicted_black(self) -> set[int]:
        """The companies ``credit_recompute_all`` is about to black-list, from the same aggregate and
        the same rules (``wuye.credit.scoring``)."""
        benchmarks = benchmark_company_ids()
        black = set()
        for cid, parts in company_sums(self.today).items():
            sc = score_from_sums(parts, self.cs)  # the one score sum (wuye.credit.scoring)
            if lists_for(sc, self.cs.grade_for(sc.total), benchmark=cid in benchmarks)[1]:
                black.add(cid)
        return black

    def exit_cases(self) -> None:
        """An exit case for each estate of a company about to be black-listed (written here, so that
        the recompute finds them open and adds none), and the first steps of some of them."""
        w = self.writer
        black = self.predicted_black()
        cases = w.table(ExitCase, ["id", "company_id", "estate_id", "district_id", "reason", "status", "opened_at",
                                   "closed_at", "close_note", "created_at", "updated_at"])
        steps = w.table(ExitStep, ["id", "case_id", "kind", "done_on", "note", "done_by_id", "created_at"])
        actor = self.logins.get("district") or self.logins.get("city")
        kinds = [ExitStep.Kind.COMMITTEE_TOLD, ExitStep.Kind.OWNERS_DECIDED]
        notes = ["已书面告知业主委员会企业被列入黑名单及清退程序", "业主大会表决通过更换物业服务企业"]
        open_pairs = set(ExitCase.objects.filter(status=ExitCase.Status.OPEN).values_list("company_id", "estate_id"))
        opened = self.now - timedelta(days=3)
        n = 0
        for e in self.estates:
            if e["company_id"] not in black or (e["company_id"], e["id"]) in open_pairs:
                continue
            case_id = w.next_id(ExitCase)
            cases.append((case_id, e["company_id"], e["id"], e["district_id"], "企业被列入信用黑名单", ExitCase.Status.OPEN,
                          timestamp(opened), None, "", timestamp(opened), timestamp(opened)))
            for k in range((1, 2, 0)[n % 3] if actor else 0):
                day = self.today - timedelta(days=2 - k)
                steps.append((w.next_id(ExitStep), case_id, kinds[k], day.isoformat(), notes[k], actor.pk,
                              timestamp(self.at(day, 15))))
            n += 1
        w.flush()
        self.stage(f"清退案件：{self.writer.counts[ExitCase]} 件（{len(black)} 家企业将列入黑名单），"
                   f"已记录步骤 {self.writer.counts[ExitStep]} 个")
