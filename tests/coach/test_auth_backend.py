"""Who is logged in, and as what, is read in one query."""

import pytest

from coach.auth import Backend
from tests.coach.factories import ClientFactory, CoachFactory

pytestmark = pytest.mark.django_db


def test_a_coach_and_their_role_come_in_one_query(django_assert_num_queries) -> None:
    coach = CoachFactory.create()

    with django_assert_num_queries(1):
        user = Backend().get_user(coach.user.pk)
        assert user is not None
        assert user.coach == coach
        assert getattr(user, "client", None) is None


def test_a_client_and_their_role_come_in_one_query(django_assert_num_queries) -> None:
    person = ClientFactory.create(with_login=True)
    assert person.user is not None

    with django_assert_num_queries(1):
        user = Backend().get_user(person.user.pk)
        assert user is not None
        assert user.client == person
        assert not hasattr(user, "coach")


def test_a_deactivated_user_is_no_one(db) -> None:
    person = ClientFactory.create(with_login=True)
    assert person.user is not None
    person.user.is_active = False
    person.user.save()

    assert Backend().get_user(person.user.pk) is None
    assert Backend().get_user(10**9) is None
