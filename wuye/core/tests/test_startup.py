"""A serving process loads pypinyin's dictionaries at start-up and freezes them out of the
garbage collector's sight (``core.startup``), so that no request pays a full collection over them."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings


def test_prepare_process_freezes_the_pinyin_dictionaries():
    code = (
        "import gc, os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'wuye.settings'); django.setup();"
        "from wuye.core.startup import prepare_process;"
        "before = sum(1 for o in gc.get_objects() if type(o) is list);"
        "frozen = prepare_process();"
        "after = sum(1 for o in gc.get_objects() if type(o) is list);"
        "print(before, frozen, after)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    before, frozen, after = map(int, out[-3:])
    assert frozen > 200_000  # the dictionaries, loaded and frozen
    assert after < before + 1_000  # the collector no longer walks them


def test_the_wsgi_module_prepares_its_process():
    code = "import gc, wuye.wsgi; print(gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    assert int(out[-1]) > 200_000
