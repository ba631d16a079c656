"""A client's secret calendar address: made, replaced, and found from a link.

The link carries a public key that finds the row and a secret compared in constant time. The
secret is kept as it is (the client and their coach see the address again on their pages); it
only reads the client's training days. Replacing it kills the old address at once.
"""

import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from coach.models import CalendarFeed, Client


def calendar_feed_of(client: Client) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(client=client).first()


@transaction.atomic
def calendar_feed_regenerate(*, client: Client) -> CalendarFeed:
    """The client's calendar address, new: made for the first time, or replacing the old one
    (which stops working at once)."""
    feed = CalendarFeed.objects.select_for_update().filter(client=client).first()
    if feed is None:
        feed = CalendarFeed(client=client)
    feed.key = secrets.token_hex(8)
    feed.secret = secrets.token_urlsafe(32)
    feed.created_at = timezone.now()
    feed.save()
    return feed


def calendar_feed_for(*, key: str, secret: str) -> CalendarFeed | None:
    """The feed a link names, with its client, or None: unknown key, wrong secret, or a client
    who is archived."""
    feed = CalendarFeed.objects.select_related("client").filter(key=key[:24]).first()
    expected = feed.secret if feed is not None else secrets.token_urlsafe(32)
    if not hmac.compare_digest(secret.encode(), expected.encode()) or feed is None:
        return None
    if feed.client.archived_at is not None:
        return None
    return feed
