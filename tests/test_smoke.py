def test_portal_home_is_served_on_tenant_host(client_a, tenant_a):
    response = client_a.get("/")
    assert response.status_code == 200
    assert tenant_a.name in response.content.decode()


def test_unknown_host_is_404(db):
    from django.test import Client

    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
