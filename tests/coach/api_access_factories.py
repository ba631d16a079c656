"""Factories of the API's front door: access tokens, calendar feeds, webhook endpoints and
their deliveries (one factory per model)."""

import secrets

import factory

from coach.models import CalendarFeed, PersonalAccessToken, WebhookDelivery, WebhookEndpoint
from coach.tokens import TOKEN_START, secret_hash


class PersonalAccessTokenFactory(factory.django.DjangoModelFactory[PersonalAccessToken]):
    class Meta:
        model = PersonalAccessToken

    user = factory.SubFactory("tests.coach.factories.UserFactory")
    name = factory.Sequence(lambda n: f"Tool {n}")
    prefix = factory.LazyFunction(lambda: secrets.token_hex(6))
    secret_hash = factory.LazyFunction(lambda: secret_hash(secrets.token_urlsafe(32)))
    scope = PersonalAccessToken.Scope.WRITE


def token_for(user: object, **data: object) -> tuple[PersonalAccessToken, str]:
    """A token row of `user` and the token text a tool sends."""
    secret = secrets.token_urlsafe(32)
    row = PersonalAccessTokenFactory.create(user=user, secret_hash=secret_hash(secret), **data)
    return row, f"{TOKEN_START}{row.prefix}_{secret}"


class CalendarFeedFactory(factory.django.DjangoModelFactory[CalendarFeed]):
    class Meta:
        model = CalendarFeed

    client = factory.SubFactory("tests.coach.factories.ClientFactory")
    key = factory.LazyFunction(lambda: secrets.token_hex(8))
    secret = factory.LazyFunction(lambda: secrets.token_urlsafe(32))


class WebhookEndpointFactory(factory.django.DjangoModelFactory[WebhookEndpoint]):
    class Meta:
        model = WebhookEndpoint

    coach = factory.SubFactory("tests.coach.factories.CoachFactory")
    url = "https://hooks.example.org/coach"
    events = factory.LazyFunction(lambda: ["log.created"])
    secret = factory.LazyFunction(lambda: "whsec_" + secrets.token_urlsafe(32))


class WebhookDeliveryFactory(factory.django.DjangoModelFactory[WebhookDelivery]):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event = "log.created"
    payload = factory.LazyFunction(lambda: {"set_log": {"id": 1}})
