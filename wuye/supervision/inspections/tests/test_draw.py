"""The double-random draw (issue 4 §2): reproducible from the stored seed and lists, weighted
towards black-listed companies' estates, never sending an inspector with a conflict of interest,
and published on a public page."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.credit.models import CompanyCredit
from wuye.registry import services as rs
from wuye.supervision.inspections import draw as algo
from wuye.supervision.inspections import services as si
from wuye.supervision.models import Draw, Inspection, InspectionPlan
from wuye.supervision.tests.inspection_support import iworld, make_plan  # noqa: F401

# ---- the algorithm alone ----------------------------------------------------------------------------

ESTATES = [[e, 1] for e in range(10, 30)]
INSPECTORS = list(range(1, 9))


def test_same_inputs_same_result_and_seeds_matter():
    kw = dict(estate_candidates=ESTATES, inspector_candidates=INSPECTORS, conflicts={"3": [12, 15]},
              estate_count=5, inspector_count=4, per_estate=2)
    a = algo.run(seed="abc", **kw).as_json()
    assert a == algo.run(seed="abc", **kw).as_json()
    others = {json.dumps(algo.run(seed=f"s{n}", **kw).as_json(), sort_keys=True) for n in range(10)}
    assert len(others) > 1


def test_order_of_the_candidate_lists_does_not_matter():
    kw = dict(conflicts={}, estate_count=4, inspector_count=3, per_estate=1)
    a = algo.run(seed="x", estate_candidates=ESTATES, inspector_candidates=INSPECTORS, **kw)
    b = algo.run(seed="x", estate_candidates=list(reversed(ESTATES)), inspector_candidates=list(reversed(INSPECTORS)), **kw)
    assert a.as_json() == b.as_json()


def test_black_listed_estates_are_drawn_more_often():
    cands = [[1, 3], [2, 1], [3, 1], [4, 1]]
    hits = Counter(algo.run(seed=f"seed-{n}", estate_candidates=cands, inspector_candidates=[1], conflicts={},
                            estate_count=1, inspector_count=1, per_estate=1).estates[0] for n in range(3000))
    # Expected shares: 3/6 for the weighted estate, 1/6 for each other.
    assert 0.44 < hits[1] / 3000 < 0.56
    for e in (2, 3, 4):
        assert 0.12 < hits[e] / 3000 < 0.22


def test_conflicted_inspectors_are_replaced_from_the_reserve():
    # Every drawn inspector has a conflict with estate 10: reserve members step in.
    res = algo.run(seed="r", estate_candidates=[[10, 1]], inspector_candidates=[1, 2, 3, 4],
                   conflicts={"1": [10], "2": [10], "3": [10]}, estate_count=1, inspector_count=3, per_estate=1)
    assert res.assignments[10] == [4]
    # ... unless the reserve has nobody: the shortfall is recorded.
    res = algo.run(seed="r", estate_candidates=[[10, 1]], inspector_candidates=[1, 2],
                   conflicts={"1": [10], "2": [10]}, estate_count=1, inspector_count=2, per_estate=1)
    assert res.assignments[10] == [] and res.short == [10]


@settings(max_examples=150, deadline=None)
@given(
    seed=st.text(min_size=1, max_size=20),
    n_estates=st.integers(1, 25), n_inspectors=st.integers(1, 12),
    n=st.integers(1, 30), m=st.integers(1, 15), k=st.integers(1, 3),
    weights=st.lists(st.integers(1, 5), min_size=25, max_size=25),
    conflict_pairs=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 24)), max_size=30),
)
def test_draw_properties(seed, n_estates, n_inspectors, n, m, k, weights, conflict_pairs):
    estates = [[100 + i, weights[i]] for i in range(n_estates)]
    inspectors = [1 + i for i in range(n_inspectors)]
    conflicts: dict[str, list[int]] = {}
    for i, e in conflict_pairs:
        if i < n_inspectors and e < n_estates:
            conflicts.setdefault(str(1 + i), []).append(100 + e)
    res = algo.run(seed=seed, estate_candidates=estates, inspector_candidates=inspectors, conflicts=conflicts,
                   estate_count=n, inspector_count=m, per_estate=k)
    assert len(res.estates) == min(n, n_estates) == len(set(res.estates))
    assert set(res.estates) <= {e for e, _w in estates}
    assert len(res.inspectors) == min(m, n_inspectors) == len(set(res.inspectors))
    for estate, assigned in res.assignments.items():
        assert len(assigned) == len(set(assigned)) <= k
        for i in assigned:
            assert estate not in conflicts.get(str(i), [])
        free = [i for i in inspectors if estate not in conflicts.get(str(i), [])]
        assert len(assigned) == min(k, len(free))
    again = algo.run(seed=seed, estate_candidates=list(reversed(estates)), inspector_candidates=inspectors,
                     conflicts=conflicts, estate_count=n, inspector_count=m, per_estate=k)
    assert again.as_json() == res.as_json()


# ---- the draw in the platform -------------------------------------------------------------------------


def _second_estate(iw):
    w = iw.w
    root = w.users["city"]
    e = rs.estate_create(actor=root, name="和平里小区", address="东城区和平里 1 号", community=w.c1, year_built=1998)
    rs.estate_set_contract(actor=root, estate=e, company=w.company_b, start_date=date(2024, 1, 1),
                           end_date=date(2028, 12, 31), contracted_grade="2", fee_rate="1.20", filing_number="WY-HP01")
    e.refresh_from_db()
    return e


def test_draw_stores_everything_and_verifies(iworld):  # noqa: F811
    w = iworld.w
    plan = make_plan(iworld, estate_count=2, inspector_count=3)
    e2 = _second_estate(iworld)
    d = si.draw_create(actor=w.users["district"], plan=plan, seed="2026-11-02 公开摇号")
    assert d.seed == "2026-11-02 公开摇号" and d.algorithm == algo.ALGORITHM
    assert d.estate_candidates == [[w.estate_a.pk, 1], [e2.pk, 1]]
    assert d.inspector_candidates == sorted(i.pk for i in iworld.inspectors)
    assert algo.draw_verify(d)
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.DRAWN
    inspections = list(Inspection.objects.filter(plan=plan))
    assert {i.estate_id for i in inspections} == {w.estate_a.pk, e2.pk}
    for insp in inspections:
        assert insp.inspectors.count() == 2 and insp.status == Inspection.Status.ASSIGNED
        assert insp.standard_id == iworld.standard.pk and insp.company_id == insp.estate.company_id
    assert AuditLog.objects.filter(object_type="supervision.draw", object_id=str(d.pk)).exists()
    with pytest.raises(ServiceError, match="已经抽取过"):
        si.draw_create(actor=w.users["district"], plan=plan)
    # Tampering with the stored result shows.
    d.result["estates"] = list(reversed(d.result["estates"]))
    assert not algo.draw_verify(d)


def test_seed_comes_from_secrets_when_not_typed(iworld):  # noqa: F811
    d = si.draw_create(actor=iworld.w.users["district"], plan=make_plan(iworld))
    assert len(d.seed) == 32 and int(d.seed, 16) >= 0
    assert algo.draw_verify(d)


def test_declared_and_bound_conflicts_are_excluded(iworld):  # noqa: F811
    w = iworld.w
    a, b, c = iworld.inspectors
    si.conflict_add(actor=w.users["district"], inspector=a, company=w.company_a, reason="曾在该企业任职")
    si.conflict_add(actor=w.users["district"], inspector=b, estate=w.estate_a, reason="居住在该小区")
    # c's account belongs to company A itself.
    c.user.company = w.company_a
    c.user.role, c.user.department = "company_staff", None
    c.user.save()
    plan = make_plan(iworld, inspector_count=3)
    with pytest.raises(ServiceError, match="找不到无回避关系"):
        si.draw_create(actor=w.users["district"], plan=plan, seed="x")
    assert not Draw.objects.filter(plan=plan).exists()
    extra = si.inspector_create(actor=w.users["district"], user=w.users["street"], district=w.d1, organisation="东华门街道")
    d = si.draw_create(actor=w.users["district"], plan=plan, seed="x")
    assert d.conflicts == {str(a.pk): [w.estate_a.pk], str(b.pk): [w.estate_a.pk], str(c.pk): [w.estate_a.pk]}
    insp = Inspection.objects.get(plan=plan)
    assert list(insp.inspectors.values_list("pk", flat=True)) == [extra.pk]
    assert algo.draw_verify(d)


def test_black_listed_company_weighs_more_in_a_city_plan(iworld):  # noqa: F811
    w = iworld.w
    CompanyCredit.objects.update_or_create(company=w.company_b, defaults={"black": True, "grade": "C"})
    plan = make_plan(iworld, actor=w.users["city"], district=None, estate_count=1, inspector_count=2)
    d = si.draw_create(actor=w.users["city"], plan=plan, seed="s")
    assert d.estate_candidates == [[w.estate_a.pk, 1], [w.estate_b.pk, 3]]
    # A city plan draws from every pool.
    assert set(d.inspector_candidates) == {i.pk for i in [*iworld.inspectors, iworld.city_inspector, iworld.d2_inspector]}


def test_targeted_plan_takes_its_estates_and_routine_plans_may_not_target(iworld):  # noqa: F811
    w = iworld.w
    with pytest.raises(ServiceError, match="日常检查须随机抽取"):
        make_plan(iworld, target_estates=[w.estate_a])
    with pytest.raises(ServiceError, match="不在检查范围"):
        make_plan(iworld, kind="complaint", target_estates=[w.estate_b])
    plan = make_plan(iworld, kind="complaint", target_estates=[w.estate_a])
    d = si.draw_create(actor=w.users["district"], plan=plan, seed="t")
    assert d.result["params"]["targeted"] and d.result["estates"] == [w.estate_a.pk]
    assert algo.draw_verify(d)


def test_plans_are_made_by_officials_of_the_territory(iworld):  # noqa: F811
    w = iworld.w
    with pytest.raises(ServiceError):
        make_plan(iworld, actor=w.users["district2"])
    with pytest.raises(ServiceError):
        make_plan(iworld, actor=w.users["street"])
    with pytest.raises(ServiceError, match="全市"):
        make_plan(iworld, actor=w.users["district"], district=None)
    with pytest.raises(ServiceError):
        si.draw_create(actor=w.users["district2"], plan=make_plan(iworld))


def test_empty_pool_is_refused_in_chinese(iworld):  # noqa: F811
    w = iworld.w
    for ins in iworld.inspectors:
        si.inspector_set_active(actor=w.users["district"], inspector=ins, active=False)
    with pytest.raises(ServiceError, match="没有在库人员"):
        si.draw_create(actor=w.users["district"], plan=make_plan(iworld))


# ---- pages: the plan's draw and the public page ------------------------------------------------------------


def test_draw_and_publish_through_the_plan_page(client, login, iworld):  # noqa: F811
    w = iworld.w
    plan = make_plan(iworld)
    login(w.users["district"])
    assert client.get(reverse("supervision:plan_draw", args=[plan.pk])).status_code == 405
    r = client.post(reverse("supervision:plan_draw", args=[plan.pk]), {"seed": "公开摇号 0001"})
    assert r.status_code == 302
    d = Draw.objects.get(plan=plan)
    assert d.seed == "公开摇号 0001"
    body = client.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    assert "公开摇号 0001" in body and 'data-testid="verified"' in body and 'data-testid="draw-publish"' in body
    # Not yet public.
    client.logout()
    assert client.get(reverse("supervision:draw_public", args=[d.pk])).status_code == 404
    login(w.users["district2"])
    assert client.post(reverse("supervision:draw_publish", args=[d.pk])).status_code == 404
    login(w.users["district"])
    client.post(reverse("supervision:draw_publish", args=[d.pk]))
    d.refresh_from_db()
    assert d.published_at is not None
    assert AuditLog.objects.filter(object_type="supervision.draw", detail="公开抽取结果").exists()


def test_public_draw_page_needs_no_login_and_shows_no_phones(client, iworld):  # noqa: F811
    w = iworld.w
    plan = make_plan(iworld)
    d = si.draw_create(actor=w.users["district"], plan=plan, seed="public-seed")
    si.draw_publish(actor=w.users["district"], draw=d)
    r = client.get(reverse("supervision:draw_public", args=[d.pk]))
    body = r.content.decode()
    assert r.status_code == 200
    assert "public-seed" in body and plan.name in body and w.estate_a.name in body
    names = [u.full_name for u in iworld.inspector_users]
    assert sum(name in body for name in names) == 2
    assert "1390000000" not in body
    assert 'data-testid="reproduce"' in body
    data = client.get(reverse("supervision:draw_public_data", args=[d.pk])).json()
    assert data["seed"] == "public-seed" and data["algorithm"] == algo.ALGORITHM
    rerun = algo.run(seed=data["seed"], estate_candidates=data["estate_candidates"],
                     inspector_candidates=data["inspector_candidates"], conflicts=data["conflicts"],
                     estate_count=data["estate_count"], inspector_count=data["inspector_count"],
                     per_estate=data["per_estate"], targeted=data["targeted"])
    assert rerun.as_json() == data["result"]
    listing = client.get(reverse("supervision:draw_public_list")).content.decode()
    assert plan.name in listing


def test_plan_pages_for_officials_only(client, login, iworld, django_assert_max_num_queries):  # noqa: F811
    w = iworld.w
    plan = make_plan(iworld)
    si.draw_create(actor=w.users["district"], plan=plan, seed="p")
    login(w.users["district"])
    with django_assert_max_num_queries(15):
        r = client.get(reverse("supervision:plan_list"))
    assert r.status_code == 200 and plan.name in r.content.decode()
    r = client.get(reverse("supervision:plan_detail", args=[plan.pk]))
    assert 'data-testid="progress"' in r.content.decode()
    login(w.users["district2"])
    assert client.get(reverse("supervision:plan_detail", args=[plan.pk])).status_code == 404
    login(w.users["manager_a"])
    assert client.get(reverse("supervision:plan_list")).status_code == 403
    login(w.users["street"])
    assert client.get(reverse("supervision:plan_detail", args=[plan.pk])).status_code == 200
    assert client.post(reverse("supervision:plan_cancel", args=[plan.pk]), {"note": "x"}).status_code == 403


def test_plan_create_page(client, login, iworld):  # noqa: F811
    w = iworld.w
    login(w.users["district"])
    assert client.get(reverse("supervision:plan_create")).status_code == 200
    r = client.post(reverse("supervision:plan_create"), {
        "name": "专项检查：消防通道", "kind": "special", "district": w.d1.pk, "standard": iworld.standard.pk,
        "start_date": "2026-11-01", "end_date": "2026-10-01", "estate_count": 3, "inspector_count": 2})
    assert r.status_code == 200 and "结束日期不能早于开始日期" in r.content.decode() and "专项检查：消防通道" in r.content.decode()
    r = client.post(reverse("supervision:plan_create"), {
        "name": "专项检查：消防通道", "kind": "special", "district": w.d1.pk, "standard": iworld.standard.pk,
        "start_date": "2026-11-01", "end_date": "2026-11-20", "estate_count": 3, "inspector_count": 2})
    plan = InspectionPlan.objects.get(name="专项检查：消防通道")
    assert r.status_code == 302 and plan.created_by == w.users["district"]
    assert AuditLog.objects.filter(object_type="supervision.inspectionplan", object_id=str(plan.pk)).exists()


def test_inspector_pool_pages(client, login, iworld, django_assert_max_num_queries):  # noqa: F811
    w = iworld.w
    login(w.users["district"])
    with django_assert_max_num_queries(12):
        r = client.get(reverse("supervision:inspector_list"))
    body = r.content.decode()
    assert r.status_code == 200 and "周检" in body and "西城区住建委" not in body
    ins = iworld.inspectors[0]
    r = client.post(reverse("supervision:inspector_conflict_add", args=[ins.pk]),
                    {"company": w.company_a.pk, "reason": "近亲属在该企业任职"})
    assert r.status_code == 302 and ins.conflicts.count() == 1
    r = client.post(reverse("supervision:inspector_create"),
                    {"username": w.users["street"].username, "district": w.d1.pk, "organisation": "东华门街道"})
    assert r.status_code == 302
    r = client.post(reverse("supervision:inspector_create"),
                    {"username": w.users["manager_a"].username, "district": w.d1.pk, "organisation": "x"})
    assert r.status_code == 200 and "找不到该账号" in r.content.decode()
    assert client.get(reverse("supervision:inspector_detail", args=[iworld.d2_inspector.pk])).status_code == 404
    login(w.users["street"])
    assert client.get(reverse("supervision:inspector_list")).status_code == 403
