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
.venv/bin/pip install --quiet -e '.[bench]'

export WUYE_DEMO=1 DEBUG=0 WUYE_SECURE_COOKIES=0 ALLOWED_HOSTS=127.0.0.1,localhost
IDS=$($PY manage.py shell -c "
from wuye.registry.models import Estate; from wuye.territory.models import District
import random
ids=list(Estate.objects.values_list('id',flat=True)); r=random.Random(7)
print(','.join(map(str,r.sample(ids,min(200,len(ids))))) + ' ' + ','.join(map(str,District.objects.values_list('id',flat=True))))")
export BENCH_ESTATE_IDS=${IDS% *} BENCH_DISTRICT_IDS=${IDS#* }

.venv/bin/gunicorn wuye.wsgi --bind 127.0.0.1:$PORT --workers "$WORKERS" --threads 2 --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:$PORT/accounts/login/ && break; sleep 0.5; done

.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r "$USERS" -t "$DURATION" \
  --host http://127.0.0.1:$PORT --csv "$OUT/web" --only-summary 2>&1 | tail -n 30
$PY bench/summarise_locust.py "$OUT/web_stats.csv"
