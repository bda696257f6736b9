"""The demo city's estates in transition: developers and their deliveries, handover inspection
(承接查验), old compounds and their renovation (the year's enclosure target), 准物业 bought by the
streets, and last year's 回头看.

Each part is its own module; this runs them in order inside the caller's transaction and returns
the rows written per table (the same shape as ``wuye.demo.transparency``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from importlib import import_module

STEPS: tuple[tuple[str, str, str], ...] = (
    ("建设单位及其违规记录", "wuye.demo.transition_developers", "build_demo_developers"),
    ("承接查验、备案与提前交房", "wuye.demo.transition_handover", "build_demo_handover"),
    ("老旧楼院、改造项目与加装封闭设施目标", "wuye.demo.transition_oldcompounds", "build_demo_oldcompounds"),
    ("准物业购买服务合同与月度检查", "wuye.demo.transition_quasi", "build_demo_quasi"),
    ("回头看与涉黑涉恶线索", "wuye.demo.transition_recheck", "build_demo_recheck"),
)


def build_demo_transition(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
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
