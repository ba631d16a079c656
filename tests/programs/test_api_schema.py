"""The OpenAPI schema describes what the builder's API returns."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(coach_client) -> dict:
    response = coach_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_a_programs_warnings_are_typed_as_a_list_of_rule_day_message(schema):
    warnings = schema["components"]["schemas"]["Program"]["properties"]["warnings"]

    assert warnings["type"] == "array"
    item = warnings["items"]
    if "$ref" in item:
        item = schema["components"]["schemas"][item["$ref"].rsplit("/", 1)[-1]]
    assert item["type"] == "object"
    assert item["properties"]["rule"]["type"] == "string"
    assert item["properties"]["day"]["type"] == "integer"
    assert item["properties"]["message"]["type"] == "string"
    assert set(item["required"]) == {"rule", "day", "message", "start_days"}
    assert "warnings" in schema["components"]["schemas"]["Program"]["required"]
