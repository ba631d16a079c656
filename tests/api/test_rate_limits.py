"""Rate limits: per token, per user for a browser session and per address for anyone else,
counted in the shared cache; over the limit a request is a 429 with `Retry-After`, in the API's
error shape, and other tokens and users are not held back."""

import time
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client as HttpClient
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from coach.api_conventions import ApiRateThrottle
from coach.models import Coach, PersonalAccessToken
from tests.api.support import CLIENTS, token_client
from tests.coach.factories import CoachFactory
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min", "user": "2/min", "anon": "2/min"},
    }


def statuses(http: HttpClient, count: int, path: str = CLIENTS) -> list[int]:
    return [http.get(path).status_code for _ in range(count)]


def test_a_token_over_its_limit_is_a_429_with_retry_after(low_rates: None, coach: Coach) -> None:
    http = token_client(coach.user)

    assert statuses(http, 3) == [200, 200, 200]
    refused = http.get(CLIENTS)

    assert refused.status_code == 429
    assert_error_shape(refused.json())
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60


def test_each_token_and_each_session_has_its_own_count(low_rates: None, coach: Coach) -> None:
    first, second = token_client(coach.user, name="Watch"), token_client(coach.user, name="Sheet")
    browser = HttpClient()
    browser.force_login(coach.user)
    other = HttpClient()
    other.force_login(CoachFactory.create().user)

    assert statuses(first, 4) == [200, 200, 200, 429]
    assert statuses(second, 3) == [200, 200, 200]
    assert statuses(browser, 3) == [200, 200, 429]
    assert statuses(other, 2) == [200, 200]


def test_anonymous_requests_are_counted_by_address(low_rates: None) -> None:
    # Every resource refuses anonymous requests before counting them (401), so the count is
    # checked on the throttle itself, as the API runs it.
    def anonymous(address: str) -> Request:
        request = Request(APIRequestFactory().get(CLIENTS, REMOTE_ADDR=address))
        request.user = AnonymousUser()
        request.auth = None
        return request

    allowed = [ApiRateThrottle().allow_request(anonymous("203.0.113.9"), None) for _ in range(3)]
    elsewhere = ApiRateThrottle().allow_request(anonymous("198.51.100.7"), None)

    assert allowed == [True, True, False]
    assert elsewhere is True


def test_the_count_is_kept_in_the_shared_cache(low_rates: None, coach: Coach) -> None:
    http = token_client(coach.user)
    statuses(http, 3)

    cache.clear()  # a new process, or the cache restarted: the count starts again

    assert http.get(CLIENTS).status_code == 200


def test_the_default_rates_are_generous_and_set_for_every_kind_of_caller() -> None:
    framework: dict[str, Any] = django_settings.REST_FRAMEWORK
    rates = framework["DEFAULT_THROTTLE_RATES"]

    assert set(rates) == {"token", "user", "anon"}
    assert rates["token"] == "600/min"
    assert framework["DEFAULT_THROTTLE_CLASSES"] == ["coach.api_conventions.ApiRateThrottle"]


def test_a_caller_costs_one_counter_in_the_cache_whatever_their_rate(
    low_rates: None, coach: Coach, time_machine: Any
) -> None:
    time_machine.move_to("2027-03-01 12:00:30+00:00", tick=False)
    http = token_client(coach.user)
    statuses(http, 4)
    token = PersonalAccessToken.objects.get(user=coach.user)
    window = int(time.time() // 60)

    assert cache.get(f"throttle:token:{token.pk}:60:{window}") == 4
    time_machine.move_to("2027-03-01 12:01:00+00:00", tick=False)  # the next minute
    assert http.get(CLIENTS).status_code == 200
