"""Open311 driven by a client this project did not write: ``georeport`` from PyPI (0.3.1, a thin
GeoReport v2 wrapper on ``requests`` and ``xmltodict``; the other PyPI candidates, ``open311``
1.1 and ``three`` 0.8.0, are Python 2 only).

The client makes real ``requests`` calls; a transport adapter hands each prepared request to
Django's test client, so the whole HTTP layer of ``requests`` (URL and parameter encoding, status
handling, JSON decoding) runs without a server. georeport reads (services, definitions,
requests); it has no POST, so filing goes through ``requests.post`` on the same adapter.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from georeport import GeoReport
from requests.structures import CaseInsensitiveDict

from wuye.cases.models import Complaint, Source
from wuye.cases.open311 import keys

from .conftest import act, file

ROOT = "http://testserver/open311/v2"


class DjangoTestAdapter(requests.adapters.BaseAdapter):
    """A ``requests`` transport that answers from Django's test client."""

    def __init__(self, client: Client):
        super().__init__()
        self.client = client
        self.seen: list[str] = []

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.seen.append(f"{request.method} {path}")
        if request.method == "GET":
            answer = self.client.get(path)
        elif request.method == "POST":
            body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
            answer = self.client.post(path, data=body, content_type=request.headers.get("Content-Type", ""))
        else:  # pragma: no cover - the client uses GET and POST only
            answer = self.client.generic(request.method, path)
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(answer.headers)
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        response.reason = answer.reason_phrase
        return response

    def close(self):
        pass


@pytest.fixture
def transport(monkeypatch):
    adapter = DjangoTestAdapter(Client())
    original = requests.Session.get_adapter

    def get_adapter(self, url):
        if url.startswith("http://testserver/"):
            return adapter
        return original(self, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return adapter


@pytest.fixture
def partner(cworld):
    keys.ensure_demo_partner_key()
    return keys.DEMO_KEY


@pytest.fixture(params=["json", "xml"])
def geo(request, transport):
    return GeoReport(ROOT, output_format=request.param)


def post(fmt: str, **data) -> requests.Response:
    return requests.post(f"{ROOT}/requests.{fmt}", data=data, timeout=5)


def test_service_list_and_definition(cworld, geo, transport):
    services = geo.get_service_list()
    assert [s["service_code"] for s in services][:3] == ["service_attitude", "cleaning_greening", "parking_fees"]
    assert services[1]["service_name"] == "保洁绿化"
    assert str(services[1]["metadata"]).lower() == "true"
    definition = geo.get_service_definition("elevator")
    attributes = definition["attributes"]
    if geo.output_format == "xml":
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["estate_id", "location", "anonymous"]
    assert transport.seen == [f"GET /open311/v2/services.{geo.output_format}",
                              f"GET /open311/v2/services/elevator.{geo.output_format}"]


def test_post_then_follow_to_the_close(cworld, geo, partner):
    fmt = geo.output_format
    answer = post(fmt, api_key=partner, service_code="cleaning_greening", address_string="幸福里小区",
                  description="3号楼门口的垃圾桶已经三天没有清运，气味很大。", first_name="秀英", last_name="王",
                  phone="13812345678")
    assert answer.status_code == 201, answer.text
    if fmt == "json":
        code = answer.json()[0]["service_request_id"]
    else:
        import xmltodict

        code = xmltodict.parse(answer.content)["service_requests"]["request"]["service_request_id"]
    c = Complaint.objects.get(pk=code)  # the public number, never the tracking code (issue 13 item 2)
    assert c.source == Source.OPEN311 and code != c.tracking_code

    first = geo.get_service_request(code)
    assert (first["service_request_id"], first["status"], first["status_notes"]) == (code, "open", "待受理")

    u = cworld.users
    act(u["district"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "contact", note="已电话联系")
    act(u["staff_a"], c, "reply", note="垃圾已清运")
    act(u["district"], c, "approve_reply", public_reply="垃圾已清运，并增加清运频次。")
    act(None, c, "callback", reporter=True, resolved=True, satisfaction="satisfied")

    last = geo.get_service_request(code)
    assert last["status"] == "closed"
    assert last["status_notes"] == "已办结。答复：垃圾已清运，并增加清运频次。"
    assert last["agency_responsible"] == "安居物业服务有限公司"


def test_service_requests_with_filters(cworld, geo):
    a = file(cworld)
    b = file(cworld, "elevator", description="电梯困人")
    act(cworld.users["district"], a, "refuse", note="不属于受理范围")
    rows = geo.get_service_requests()
    if geo.output_format == "xml":
        assert isinstance(rows, list)
    assert [r["service_request_id"] for r in rows] == [str(b.pk), str(a.pk)]
    closed = geo.get_service_requests(status="closed")
    if isinstance(closed, dict):  # xmltodict gives a lone element as a dict
        closed = [closed]
    assert [r["service_request_id"] for r in closed] == [str(a.pk)]
    assert closed[0]["status_notes"] == "不予受理"
    picked = geo.get_service_requests(service_request_id=f"{a.pk},{b.pk}", status="open")
    assert {r["service_request_id"] for r in picked} == {str(a.pk), str(b.pk)}
    elevator = geo.get_service_requests(service_code="elevator")
    if isinstance(elevator, dict):
        elevator = [elevator]
    assert [r["service_request_id"] for r in elevator] == [str(b.pk)]


def test_errors_reach_the_client_as_http_errors(cworld, geo):
    with pytest.raises(requests.HTTPError) as missing:
        geo.get_service_request("TS000000AAAAAA")
    assert missing.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as bad:
        geo.get_service_requests(status="pending")
    assert bad.value.response.status_code == 400
    refused = post(geo.output_format, api_key="not-a-key", service_code="elevator", address_string="幸福里小区",
                   description="电梯困人")
    assert refused.status_code == 403 and "api_key" in refused.text
    assert Complaint.objects.count() == 0
