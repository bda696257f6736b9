"""Benchmark: import 100,000 unit rows with owners from one .xlsx file into a fresh SQLite database.

    .venv/bin/python bench/import_units.py [--rows 100000] [--keep]

The database defaults to ``sqlite:////tmp/bench_import.sqlite3`` (set ``DATABASE_URL`` to use
another one; a SQLite file is deleted and migrated afresh). The script builds a small territory
with 50 estates, writes the workbook with openpyxl, then runs the import job synchronously —
the same code the Huey task runs — and prints the validation, write and total seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "sqlite:////tmp/bench_import.sqlite3"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志强文斌海燕晓东丹宇浩然子涵欣怡梓轩思远佳琪"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows in the workbook (default 100000)")
    parser.add_argument("--estates", type=int, default=50, help="estates the rows are spread over (default 50)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the generated workbook and print its path")
    return parser.parse_args()


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("WUYE_MEDIA_ROOT", tempfile.mkdtemp(prefix="wuye-bench-media-"))
    os.environ.setdefault("WUYE_HUEY_FILE", os.path.join(tempfile.gettempdir(), "wuye-bench-huey.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def id_number(serial: int) -> str:
    """A valid and, for each serial, distinct resident ID number."""
    from stdnum.cn import ric

    born = date(1950, 1, 1) + timedelta(days=serial % 18250)
    base = f"110101{born:%Y%m%d}{serial // 18250:03d}"
    return base + ric.calc_check_digit(base + "0")


def build_territory(n_estates: int):
    from wuye.accounts.models import Role, User
    from wuye.registry import services as rs
    from wuye.territory.models import City, Community, District, Street

    city = City.objects.create(name="基准市", code="110000")
    district = District.objects.create(city=city, name="基准区", code="110101")
    user = User.objects.create(username="bench_city", role=Role.CITY, full_name="基准测试")
    estates = []
    for s in range(5):
        street = Street.objects.create(district=district, name=f"第{s + 1}街道", code=f"110101{s + 1:03d}000")
        for c in range(n_estates // 5):
            community = Community.objects.create(street=street, name=f"第{s + 1}街道第{c + 1}社区",
                                                 code=f"110101{s + 1:03d}{c + 1:03d}")
            estates.append(rs.estate_create(actor=user, name=f"基准小区{len(estates) + 1:03d}", address="基准路 1 号",
                                            community=community))
    return user, [(e.name, e.community.code) for e in estates]


def write_workbook(path: str, rows: int, estates: list[tuple[str, str]], seed: int) -> dict:
    """Rows for units with owners: about 1 unit in 10 has a co-owner, and about 1 owner in 20
    holds a second unit in the same file."""
    from openpyxl import Workbook

    from wuye.registry.importing.units import UnitImporter

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append([c.template_header for c in UnitImporter.columns])
    per_estate = -(-rows // len(estates))
    written = units = 0
    serial = 0
    previous_owners: list[tuple[str, str, str]] = []
    while written < rows:
        estate_name, code = estates[(units // per_estate) % len(estates)]
        within = units % per_estate
        building, rest = divmod(within, 120)
        floor, door = divmod(rest, 4)
        number = f"{building + 1}-{floor + 1:02d}{door + 1:02d}"
        area = f"{rng.randrange(4500, 16000) / 100:.2f}"
        unit_cells = [estate_name, code, None, f"{building + 1}号楼", number, floor + 1, area, "不动产登记面积",
                      f"{float(area) * 1.18:.2f}", "已交付"]
        owners = 2 if rng.random() < 0.1 else 1
        on_unit: set[str] = set()
        for _ in range(owners):
            if written >= rows:
                break
            if previous_owners and rng.random() < 0.05 and (pick := rng.choice(previous_owners))[2] not in on_unit:
                name, phone, idn = pick
            else:
                serial += 1
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
                phone = f"13{rng.randrange(10**9):09d}"
                idn = id_number(serial)
                if len(previous_owners) < 5000:
                    previous_owners.append((name, phone, idn))
            on_unit.add(idn)
            ws.append(unit_cells + [name, "自然人", phone, idn])
            written += 1
        units += 1
    wb.save(path)
    return {"rows": written, "units": units}


def main() -> None:
    args = parse_args()
    setup_django()
    from django.core.files import File
    from django.db import connection

    from wuye.registry.importing import import_job_create, import_job_run
    from wuye.registry.models import Owner, Ownership, Unit

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if Unit.objects.exists():
        sys.exit("The database already holds units: point DATABASE_URL at an empty database.")
    user, estates = build_territory(args.estates)
    fd, path = tempfile.mkstemp(prefix="wuye-bench-units-", suffix=".xlsx")
    os.close(fd)
    t = time.perf_counter()
    shape = write_workbook(path, args.rows, estates, args.seed)
    print(f"workbook: {shape['rows']} rows, {shape['units']} units, {os.path.getsize(path) / 1e6:.1f} MB "
          f"(generated in {time.perf_counter() - t:.1f} s)")

    with open(path, "rb") as fh:
        job = import_job_create(actor=user, kind="units", upload=File(fh, name="units.xlsx"))
    load_before = os.getloadavg()[0]
    t, cpu = time.perf_counter(), time.process_time()
    job = import_job_run(job_id=job.pk)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    timings = job.result.get("timings", {})
    print(f"status: {job.get_status_display()} — {job.message}")
    if job.errors_preview:
        for row in job.errors_preview[:10]:
            print("  problem:", row)
    print(f"validation: {timings.get('validate_seconds', 0):.1f} s")
    print(f"write:      {timings.get('write_seconds', 0):.1f} s")
    print(f"total:      {wall:.1f} s   (CPU {cpu:.1f} s; load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
          f" on {os.cpu_count()} CPUs)")
    import resource

    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (whole script)")
    print(f"database now holds {Unit.objects.count()} units, {Owner.objects.count()} owners, "
          f"{Ownership.objects.count()} ownerships")
    if args.keep:
        print(f"workbook kept at {path}")
    else:
        os.remove(path)
    sys.exit(0 if job.status == job.Status.SUCCEEDED else 1)


if __name__ == "__main__":
    main()
