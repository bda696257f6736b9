"""A vote that cannot start yet says why and when (issue 14 §4): "公告期未满 15 日，11-27 起可开始投票"."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from wuye.core.calendar import local_text
from wuye.governance.votes import services as svc
from wuye.governance.votes.selectors import ballot_blocked_reason


def _call_today(world):
    now = timezone.now()
    today = timezone.localtime(now).date()
    tz = timezone.get_default_timezone()
    opens = datetime.combine(today + timedelta(days=16), datetime.min.time(), tzinfo=tz).replace(hour=9)
    closes = opens + timedelta(days=14)
    motion = svc.motion_call(actor=world.users["committee"], estate=world.estate_a, title="关于续聘物业服务企业的表决",
                             matter="hire_or_fire_manager", notice_date=today, voting_opens_at=opens,
                             voting_closes_at=closes, now=now)
    return motion, now, opens, closes


def test_the_reason_follows_the_notice_period_and_the_voting_window(world):
    motion, now, opens, closes = _call_today(world)
    assert ballot_blocked_reason(motion, now) == f"公告期未满 15 日，{local_text(opens, '%m-%d')} 起可开始投票"
    after_notice = now + timedelta(days=15, hours=1)
    if after_notice < opens:
        assert ballot_blocked_reason(motion, after_notice) == f"{local_text(opens)} 起可开始投票"
    assert ballot_blocked_reason(motion, opens + timedelta(minutes=1)) == ""
    assert ballot_blocked_reason(motion, closes + timedelta(minutes=1)) == "投票已截止"


def test_the_motion_page_shows_the_disabled_buttons_with_the_reason(world, login, client):
    motion, _now, opens, _closes = _call_today(world)
    reason = f"公告期未满 15 日，{local_text(opens, '%m-%d')} 起可开始投票"
    login(world.users["committee"])
    html = client.get(f"/governance/motions/{motion.pk}/").content.decode()
    assert 'data-testid="paper-blocked"' in html and f'title="{reason}"' in html
    assert 'data-testid="vote-reason"' in html and reason in html
    assert 'data-testid="go-paper"' not in html
    # An official who cannot run the vote sees no button and no reason.
    login(world.users["district"])
    html = client.get(f"/governance/motions/{motion.pk}/").content.decode()
    assert 'data-testid="vote-reason"' not in html and 'data-testid="paper-blocked"' not in html
