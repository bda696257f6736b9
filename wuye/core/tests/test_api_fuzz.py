"""No input makes a 500 (issue 13 §10): a schemathesis fuzz of every operation of the OpenAPI
schema, for an anonymous client and three roles, a few derandomized examples per operation.

GB/T 22239-2019 8.1.4.4 入侵防范 b) (数据有效性检验) and ASVS 4.0 V5.1.3 / V13.1.3: whatever a
client sends that the schema allows it to try — wrong types, huge numbers, odd strings — is a
4xx with a message, never a server error. It runs in the normal suite (bounded: ``EXAMPLES``
per operation and user); ``make fuzz``'s profile asks for more.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient

EXAMPLES = 2
USERS = (None, "city", "manager_a", "resident")


def _operations():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    out = []
    for result in schema.get_all_operations():
        out.append(result.ok())
    return out


def _send(client: APIClient, case):
    path = case.formatted_path
    params = {k: v for k, v in (case.query or {}).items() if v is not None}
    kwargs = {}
    media = case.media_type or "application/json"
    if case.body is not None and not isinstance(case.body, type(NotImplemented)):
        if "json" in media:
            try:
                kwargs = {"data": json.dumps(case.body), "content_type": "application/json"}
            except (TypeError, ValueError):
                kwargs = {}
        elif isinstance(case.body, dict):
            kwargs = {"data": {k: v for k, v in case.body.items() if isinstance(v, (str, int, float, bool))},
                      "format": "multipart"}
    method = case.method.lower()
    if params:
        path = f"{path}?{urlencode(params, doseq=True)}"
    return getattr(client, method)(path, **kwargs)


def _fuzz(operation, client, who: str, failures: list, sent: list) -> None:
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case):
        response = _send(client, case)
        sent.append(response.status_code)
        if response.status_code >= 500:
            failures.append(f"{who} {case.method} {case.formatted_path} {case.query} {str(case.body)[:200]} "
                            f"→ {response.status_code}")

    run()


@pytest.mark.django_db
def test_no_operation_answers_5xx_to_fuzzed_input(world):
    """ASVS 4.0 V5.1.3 / GB/T 22239-2019 8.1.4.4 b): every operation × anonymous + city +
    company manager + resident × EXAMPLES derandomized inputs: no status ≥ 500."""
    operations = _operations()
    assert len(operations) > 40
    failures: list[str] = []
    sent: list[int] = []
    for username in USERS:
        client = APIClient(raise_request_exception=False)
        if username:
            client.force_authenticate(world.users[username])
        for operation in operations:
            if operation.path.startswith("/api/v1/auth/") and operation.method.lower() == "post" and username:
                continue  # token issuance: covered anonymously
            _fuzz(operation, client, username or "anonymous", failures, sent)
    assert not failures, "\n".join(failures[:30])
    assert len(sent) >= len(USERS) * len(operations) // 2  # every operation was called
