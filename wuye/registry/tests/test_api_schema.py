"""OpenAPI schema at /api/schema/ and interactive docs at /api/docs/: public, generated without
warnings, described in Chinese, with locally served assets (no CDN)."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from wuye.registry.api import RESOURCES

TERRITORY = ["districts", "streets", "communities"]


@pytest.fixture
def schema(db, settings) -> dict:
    settings.WUYE_API_DOCS_PUBLIC = True  # as in demo mode; production needs a login (core/tests/test_security_headers.py)
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_generates_and_validates_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yaml"
    # Raises SchemaGenerationError on any warning or error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/estates/" in target.read_text(encoding="utf-8")


def test_every_resource_is_in_the_schema_with_chinese_descriptions(schema):
    paths = schema["paths"]
    for prefix in TERRITORY + [prefix for prefix, _, _ in RESOURCES]:
        assert f"/api/v1/{prefix}/" in paths, prefix
        assert f"/api/v1/{prefix}/{{id}}/" in paths, prefix
        listing = paths[f"/api/v1/{prefix}/"]["get"]
        assert re.search(r"[\u4e00-\u9fff]", listing["summary"]), prefix
        assert re.search(r"[\u4e00-\u9fff]", listing["description"]), prefix
        assert all(re.search(r"[\u4e00-\u9fff]", tag) for tag in listing["tags"]), prefix
        assert {p["name"] for p in listing["parameters"]} >= {"page", "page_size"}
    assert "/api/v1/owners/{id}/reveal/" in paths
    assert paths["/api/v1/auth/token/"]["post"]["summary"] == "申请 API 令牌"
    assert re.search(r"[\u4e00-\u9fff]", schema["info"]["description"])


def test_schema_documents_filters_masking_and_decimals(schema):
    estate_params = {p["name"] for p in schema["paths"]["/api/v1/estates/"]["get"]["parameters"]}
    assert {"q", "district", "street", "community", "company", "kind", "management_mode"} <= estate_params
    components = schema["components"]["schemas"]
    assert components["Owner"]["properties"]["phone"]["example"] == "138****5678"
    assert components["Estate"]["properties"]["floor_area"]["type"] == "string"
    assert components["Estate"]["properties"]["floor_area"]["format"] == "decimal"
    assert set(components["PaginatedEstateList"]["properties"]) == {"count", "next", "previous", "results"}


def test_docs_page_uses_only_local_assets(db, settings):
    settings.WUYE_API_DOCS_PUBLIC = True
    client = Client()
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'url: "/api/schema/"' in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/drf_spectacular_sidecar/") for a in assets), assets
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        served.close()
