from wuye.cases.models import Event, Status, Task, UnitMonthStat
from wuye.cases.selectors import actions_for

from .conftest import act, file


def test_scenario_one_end_to_end(cworld):
    u = cworld.users
    c = file(cworld)
    assert c.status == Status.SUBMITTED
    assert c.routed_unit_kind == "company" and c.routed_unit_id == cworld.company_a.pk
    assert "accept" in actions_for(u["city"], c)
    act(u["city"], c, "accept")
    act(u["city"], c, "dispatch")
    assert c.status == Status.DISPATCHED and c.unit_id == cworld.company_a.pk
    assert actions_for(u["manager_a"], c)[:1] == ["sign"]
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "contact", note="已电话联系王阿姨")
    act(u["staff_a"], c, "reply", note="垃圾已清运，并增加清运频次。")
    assert c.status == Status.REPLY_REVIEW
    act(u["district"], c, "approve_reply")
    assert c.status == Status.REPLIED
    act(None, c, "callback", reporter=True, resolved=True, satisfaction="satisfied", note="很快")
    assert c.status == Status.CLOSED
    assert Event.objects.filter(complaint=c).count() == 8
    task = Task.objects.get(complaint=c)
    assert task.signed_in_time and task.contacted_in_time and task.done_in_time and task.resolved
    stat = UnitMonthStat.objects.get(unit_kind="company", unit_id=cworld.company_a.pk)
    assert (stat.assigned, stat.signed_in_time, stat.callbacks, stat.satisfied) == (1, 1, 1, 1)
