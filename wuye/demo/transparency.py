"""The demo city's transparency and self-governance: fee notices and parking, owners' votes,
committee elections, common-income and shared-utility disclosures, policies and news.

Each part is its own module; this runs them in order (votes before income, whose use may cite a
decision of the owners) inside the caller's transaction and returns the rows written per table.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from importlib import import_module

STEPS = (
    ("收费公示与车位", "wuye.demo.disclosure_fees_parking", "build_demo_fees_parking"),
    ("业主大会表决", "wuye.demo.governance_votes", "build_demo_votes"),
    ("业委会选举", "wuye.demo.governance_elections", "build_demo_elections"),
    ("党建引领与业委会监督", "wuye.demo.party", "build_demo_party"),
    ("公共收益公示", "wuye.demo.disclosure_income", "build_demo_income"),
    ("水电公摊", "wuye.demo.disclosure_utilities", "build_demo_utilities"),
    ("政策与资讯", "wuye.demo.portal_articles", "build_demo_articles"),
    ("规章草案与规范性文件", "wuye.demo.rulemaking", "build_demo_rulemaking"),
    ("专项行动工作方案", "wuye.demo.campaign", "build_demo_campaign"),
    ("通知与签收", "wuye.demo.notices", "build_demo_notices"),
    ("通报", "wuye.demo.bulletins", "build_demo_bulletins"),
    ("物业培训", "wuye.demo.training", "build_demo_training"),
)


def build_demo_transparency(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
                            city_id: int, say: Callable[[str], None] | None = None) -> dict[str, int]:
    say = say or (lambda text: None)
    counts: dict[str, int] = {}
    for label, module, name in STEPS:
        started = time.monotonic()
        written = getattr(import_module(module), name)(scale=scale, seed=seed, now=now, city_id=city_id, say=say)
        counts.update(written or {})
        rows = sum((written or {}).values())
        say(f"  {label}：{rows:,} 行（{time.monotonic() - started:.1f} 秒）")
    return counts
