import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FORMS = {
    "/konto/signup/": ["email", "password1", "password2"],
    "/konto/login/": ["login", "password"],
    "/konto/password/reset/": ["email"],
}
SCRIPT = "<script>alert(1)</script>"
text = st.one_of(st.text(max_size=300), st.just(SCRIPT), st.just(f"a@example.org{SCRIPT}"))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(sorted(FORMS)), values=st.lists(text, min_size=3, max_size=3))
def test_account_forms_never_fail_on_any_input(path, values):
    data = dict(zip(FORMS[path], values, strict=False))

    response = Client().post(path, data)

    assert response.status_code in (200, 302, 429)
    assert SCRIPT not in response.content.decode()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(page=text, next_url=text)
def test_query_parameters_never_fail(page, next_url):
    client = Client()

    listing = client.get("/programme/", {"page": page})
    login = client.get("/konto/login/", {"next": next_url})

    assert listing.status_code in (200, 404)
    assert login.status_code == 200
    assert SCRIPT not in listing.content.decode() + login.content.decode()
