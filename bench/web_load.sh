#!/usr/bin/env bash
# Web benchmark: 20 concurrent users for 60 s against a running demo database.
#   SQLite, city scale:      bench/web_load.sh
#   PostgreSQL, megacity:    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity bench/web_load.sh
# The database must already hold the demo city (manage.py demo --scale city|megacity).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${BENCH_PORT:-8765}
USERS=${BENCH_USERS:-20}
DURATION=${BENCH_DURATION:-60s}
WORKERS=${BENCH_WORKERS:-4}
OUT=${BENCH_OUT:-var/bench}
mkdir -p "$OUT"
.venv/bin/pip install --quiet -e '.[bench]' >/dev/null 2>&1

export WUYE_DEMO=1 DEBUG=0 WUYE_SECURE_COOKIES=0 ALLOWED_HOSTS=127.0.0.1,localhost
BENCH_USER=${BENCH_USER:-city}
read -r BENCH_ESTATE_IDS BENCH_DISTRICT_IDS BENCH_SESSIONS < <($PY manage.py shell --no-imports -c "
import random
from django.test import Client
from wuye.accounts.models import User
from wuye.registry.models import Estate
from wuye.registry.selectors import estates_visible_to
from wuye.territory.models import District
user = User.objects.get(username='$BENCH_USER')
ids = list(estates_visible_to(user).values_list('id', flat=True))
sessions = []
for _ in range($USERS):
    c = Client(); c.force_login(user, backend='django.contrib.auth.backends.ModelBackend')
    sessions.append(c.cookies['sessionid'].value)
print(','.join(map(str, random.Random(7).sample(ids, min(200, len(ids))))),
      ','.join(map(str, District.objects.values_list('id', flat=True))), ','.join(sessions))")
export BENCH_ESTATE_IDS BENCH_DISTRICT_IDS BENCH_SESSIONS

.venv/bin/gunicorn wuye.wsgi --bind 127.0.0.1:$PORT --workers "$WORKERS" --threads 2 --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:$PORT/accounts/login/ && break; sleep 0.5; done
# Warm every worker (templates, URL resolver, jieba dictionary) before measuring.
COOKIE="sessionid=${BENCH_SESSIONS%%,*}"
for _ in $(seq 1 $((WORKERS * 4))); do
  for path in "/registry/estates/?district=${BENCH_DISTRICT_IDS%%,*}&management_mode=professional" \
              "/registry/estates/${BENCH_ESTATE_IDS%%,*}/" "/registry/owners/?q=%E7%8E%8B"; do
    curl -s -o /dev/null -b "$COOKIE" "http://127.0.0.1:$PORT$path"
  done
done

.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r "$USERS" -t "$DURATION" \
  --host http://127.0.0.1:$PORT --csv "$OUT/web" --only-summary 2>&1 | tail -n 30
$PY bench/summarise_locust.py "$OUT/web_stats.csv"
