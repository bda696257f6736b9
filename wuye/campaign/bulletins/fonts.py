"""The fonts of an official document (rules.md §12): the declared GB/T 9704 families and, for the
PDF rendered here, the first of them fontconfig has on this machine — else the declared fallback,
Debian's Noto CJK (``fonts-noto-cjk``, installed by the project's setup: ``make docfonts``, the
``chromium`` target and ``.ci/run``; nothing is downloaded at run time). The font actually used is
written into the document's properties."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

# role: (declared families, in order of preference; the fallbacks after them)
FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "title": (("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK"), ("Noto Serif CJK SC", "Noto Sans CJK SC")),
    "body": (("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312"), ("Noto Serif CJK SC", "AR PL UKai CN", "Noto Sans CJK SC")),
    "heading": (("黑体", "SimHei"), ("Noto Sans CJK SC",)),
    "subheading": (("楷体_GB2312", "楷体", "KaiTi"), ("AR PL UKai CN", "Noto Serif CJK SC")),
    "page": (("宋体", "SimSun"), ("Noto Serif CJK SC", "Noto Sans CJK SC")),
}
DECLARED = {role: declared[0] for role, (declared, _fallback) in FAMILIES.items()}


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Every family name fontconfig knows (``fc-list``); empty when fontconfig is missing."""
    exe = shutil.which("fc-list")
    if not exe:
        return frozenset()
    try:
        out = subprocess.run([exe, ":", "family"], capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def resolved(role: str) -> tuple[str, bool]:
    """(the family used for ``role`` on this machine, whether it is a declared one); the last
    fallback when fontconfig finds none of them."""
    declared, fallback = FAMILIES[role]
    have = installed_families()
    for name in declared:
        if name in have:
            return name, True
    for name in fallback:
        if name in have:
            return name, False
    return fallback[-1], False


def css_family(role: str) -> str:
    """The CSS ``font-family`` value: the family actually found first, then the declared names."""
    name, _declared = resolved(role)
    declared = FAMILIES[role][0]
    names = [name, *[n for n in declared if n != name]]
    generic = "sans-serif" if role == "heading" else "serif"
    return ", ".join(f'"{n}"' for n in names) + f", {generic}"


def fonts_note(*, rendered_here: bool) -> str:
    """What the document properties say about its fonts."""
    parts = []
    labels = {"title": "标题", "body": "正文", "heading": "一级标题", "subheading": "二级标题", "page": "页码"}
    for role, label in labels.items():
        name, ok = resolved(role)
        if rendered_here:
            parts.append(f"{label}：{name}" + ("" if ok else f"（未安装{DECLARED[role]}，使用替代字体）"))
        else:
            parts.append(f"{label}：{DECLARED[role]}" + ("" if ok else f"（本服务器替代字体：{name}）"))
    return "；".join(parts)
