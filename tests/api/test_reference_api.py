import pytest

pytestmark = pytest.mark.django_db


def test_openapi_document_is_version_3_1_and_lists_the_area_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/areas", "/api/v1/collaboration-areas"} <= set(document["paths"])


def test_areas_endpoint_returns_every_municipality_once(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        areas = client.get("/api/v1/areas").json()
    codes = [m["code"] for area in areas for m in area["municipalities"]]
    assert len(areas) == 23
    assert len(codes) == len(set(codes)) == 309
    assert sum(1 for area in areas if area["collaboration_area"] is None) == 1  # Åland


def test_collaboration_areas_endpoint(client):
    assert [a["code"] for a in client.get("/api/v1/collaboration-areas").json()] == ["HUS", "KYS", "OYS", "TAYS",
                                                                                   "TYKS"]
