"""Who is logged in, and as what, is read in one query."""

import pytest

from coach.auth import Backend
from coach.models import Client, Coach, User
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


def test_every_field_reads_as_the_orm_reads_it(db) -> None:
    # given a client with a login whose rows hold dates, JSON, choices and empty values
    person = ClientFactory.create(with_login=True, time_zone="Asia/Kolkata")
    assert person.user is not None
    orm = User.objects.select_related("coach", "client").get(pk=person.user.pk)

    user = Backend().get_user(str(person.user.pk))  # as the session stores it

    assert user is not None
    for model, ours, theirs in (
        (User, user, orm),
        (Client, user.client, orm.client),
        (Coach, user.client.coach, orm.client.coach),
    ):
        for field in model._meta.concrete_fields:
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name
    assert user.client.user is user
    assert user.client.local_today() == person.local_today()
    # and an id that is no number is no one (a tampered session)
    assert Backend().get_user("not-a-number") is None
