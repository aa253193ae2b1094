import pytest


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_bench_endpoint_is_not_routed_by_default(client, db):
    assert client.get("/bench/ok").status_code == 404
