"""A form sent without its CSRF token gets the site's own page, styled by the site's stylesheet."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_without_its_token_gets_a_page_of_the_site_with_no_inline_style():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/accounts/login/", {"username": "a@example.com", "password": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert "Nothing was saved" in html
    assert "css/app.css" in html
    assert "<style" not in html
