# wuye · 物业服务监管平台 — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
DEMO_SCALE ?= city
DEMO_SEED ?= 2026
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test fuzz install chromium docfonts lint bench-import bench-web clean help

help:
	@echo "make run   — 安装依赖、迁移数据库、生成演示城市并启动 http://$(HOST):$(PORT)"
	@echo "make dev   — 同 make run，但打开 Django 调试页面（开发用）"
	@echo "make test  — 安装测试依赖并运行全部测试"
	@echo "make fuzz  — 用大量随机样例运行全部属性测试（Hypothesis fuzz 配置）"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	@touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NPM_STAMP)

install: $(STAMP) $(NPM_STAMP)

# The demo city as a deployment serves it: DEBUG off (the designed 404/403/500 pages, static files
# through WhiteNoise, no URL listing); ``make dev`` is the same with Django's debug pages.
run: install docfonts
	WUYE_DEMO=1 DEBUG=0 $(PY) manage.py migrate --no-input
	WUYE_DEMO=1 DEBUG=0 $(PY) manage.py demo --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --if-empty
	WUYE_DEMO=1 DEBUG=0 $(PY) manage.py serve --host $(HOST) --port $(PORT)

dev: install docfonts
	WUYE_DEMO=1 DEBUG=1 $(PY) manage.py migrate --no-input
	WUYE_DEMO=1 DEBUG=1 $(PY) manage.py demo --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --if-empty
	WUYE_DEMO=1 DEBUG=1 $(PY) manage.py serve --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium (never a downloaded browser); installed here when we can.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "浏览器测试需要 Debian 的 Chromium：sudo apt-get install -y chromium fonts-noto-cjk"; \
	  fi; }

# Official documents (通报 as PDF) are laid out by WeasyPrint, which needs Pango and a CJK font from
# the system: Debian's Noto CJK (the declared fallback for 仿宋 and 方正小标宋). Nothing downloads at
# run time; without them the .docx still works and the PDF link explains what is missing.
docfonts:
	@{ fc-list :lang=zh 2>/dev/null | grep -q . && ldconfig -p 2>/dev/null | grep -q libpangoft2; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else \
	    echo "公文 PDF 需要中文字体与 Pango：sudo apt-get install -y fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0"; \
	  fi; } || true

# Hypothesis runs with the ``ci`` profile (a fixed seed per test: the run cannot fail by chance).
test: install chromium docfonts
	$(PY) -m pytest -n 2 --dist loadgroup --hypothesis-profile=ci $(PYTEST_ARGS)

# The property tests alone (Hypothesis marks them), with many more examples: ``fuzz`` profile.
fuzz: install
	$(PY) -m pytest -n 2 --dist loadgroup -m hypothesis --hypothesis-profile=fuzz $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

bench-import: install
	$(PY) bench/import_units.py

bench-web: install
	bench/web_load.sh

clean:
	rm -rf $(VENV) node_modules staticfiles var db.sqlite3
