"""Writes of the coaching practice: sign-up, clients, invites."""

from datetime import time

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coach.archiving import archived_set
from coach.common import model_update, plans_changed
from coach.errors import DomainError
from coach.models import Client, Coach, Invite, User

INVITE_SALT = "coach.invite"


@transaction.atomic
def coach_sign_up(*, email: str, password: str, name: str, practice_name: str = "") -> Coach:
    """Create a login and a practice for a new coach."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError("An account with this e-mail address already exists.", field="email")
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, name=name.strip())
    except IntegrityError as exc:  # a concurrent sign-up with the same e-mail
        raise DomainError(
            "An account with this e-mail address already exists.", field="email"
        ) from exc
    return Coach.objects.create(user=user, practice_name=practice_name.strip())


def _check_client_email_free(*, coach: Coach, email: str, exclude_pk: int | None = None) -> None:
    clash = Client.objects.filter(coach=coach, email__iexact=email)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError("You already have a client with this e-mail address.", field="email")


@transaction.atomic
def client_create(
    *,
    coach: Coach,
    name: str,
    email: str,
    time_zone: str = "UTC",
    reminder_time: time = time(7, 0),
    sex: str = "",
    notes: str = "",
    prefers_kg: bool = False,
) -> Client:
    """Add a client to a coach's practice."""
    email = email.strip().lower()
    _check_client_email_free(coach=coach, email=email)
    client = Client(
        coach=coach,
        name=name.strip(),
        email=email,
        time_zone=time_zone,
        reminder_time=reminder_time,
        sex=sex,
        notes=notes,
        prefers_kg=prefers_kg,
    )
    client.full_clean(exclude=["coach", "user"])
    try:
        client.save()
    except IntegrityError as exc:  # a concurrent add with the same e-mail
        raise DomainError(
            "You already have a client with this e-mail address.", field="email"
        ) from exc
    return client


CLIENT_EDITABLE_FIELDS = (
    "name",
    "email",
    "time_zone",
    "reminder_time",
    "sex",
    "prefers_kg",
    "notes",
)


@transaction.atomic
def client_update(*, client: Client, data: dict[str, object]) -> Client:
    """Change a client's details; only the editable fields in `data` are touched."""
    if "email" in data:
        data = {**data, "email": str(data["email"]).strip().lower()}
        _check_client_email_free(coach=client.coach, email=str(data["email"]), exclude_pk=client.pk)
    model_update(instance=client, fields=CLIENT_EDITABLE_FIELDS, data=data)
    plans_changed(client_id=client.pk)
    if "email" in data and client.user is not None and client.user.email != client.email:
        # The client's login follows their e-mail address.
        if User.objects.filter(email__iexact=client.email).exclude(pk=client.user.pk).exists():
            raise DomainError("Another account already uses this e-mail address.", field="email")
        client.user.email = client.email
        client.user.save(update_fields=["email"])
    return client


@transaction.atomic
def client_archive(*, client: Client) -> Client:
    """Archive a client: hidden from the active list, every record kept, open invites revoked,
    and their login refused from their next request on (wherever their session is stored)."""
    if archived_set(client, archived=True):
        client.invites.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=client.archived_at
        )
        if client.user_id is not None:
            User.objects.filter(pk=client.user_id).update(is_active=False)
        plans_changed(client_id=client.pk)
    return client


def client_restore(*, client: Client) -> Client:
    """Bring an archived client back, with their login."""
    if archived_set(client, archived=False):
        plans_changed(client_id=client.pk)
        if client.user_id is not None:
            User.objects.filter(pk=client.user_id).update(is_active=True)
    return client


def invite_token(invite: Invite) -> str:
    return signing.dumps(invite.pk, salt=INVITE_SALT, compress=True)


@transaction.atomic
def invite_create(*, client: Client, base_url: str) -> Invite:
    """Create a fresh invite (revoking earlier ones) and queue its e-mail after commit."""
    from coach.tasks import invite_send_task

    if client.archived_at is not None:
        raise DomainError("Restore this client before inviting them.")
    if client.user_id is not None:
        raise DomainError("This client already has a login.")
    if User.objects.filter(email__iexact=client.email).exists():
        raise DomainError(
            f"{client.email} already has an account here, so it cannot be invited as a new "
            "login. Use another e-mail address for this client."
        )
    now = timezone.now()
    client.invites.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    invite = Invite.objects.create(
        client=client, created_at=now, expires_at=now + settings.INVITE_MAX_AGE
    )
    invite_send_task.delay_on_commit(invite.pk, base_url)  # type: ignore[attr-defined]
    return invite


def invite_send(*, invite_id: int, base_url: str) -> bool:
    """E-mail the invite link. Returns False when the invite is no longer usable or already sent."""
    invite = Invite.objects.select_related("client__coach__user").filter(pk=invite_id).first()
    if invite is None or not invite.is_usable:
        return False
    # Claim the invite before sending, so that two deliveries of the task send one e-mail.
    claimed_at = timezone.now()
    if not Invite.objects.filter(pk=invite.pk, sent_at__isnull=True).update(sent_at=claimed_at):
        return False
    link = base_url.rstrip("/") + reverse("invite-accept", args=[invite_token(invite)])
    context = {
        "invite": invite,
        "client": invite.client,
        "coach": invite.client.coach,
        "link": link,
    }
    try:
        send_mail(
            subject=f"{invite.client.coach} invited you to train together",
            message=render_to_string("emails/invite.txt", context),
            from_email=None,
            recipient_list=[invite.client.email],
        )
    except Exception:
        # Release the claim so that the retry can send it.
        Invite.objects.filter(pk=invite.pk, sent_at=claimed_at).update(sent_at=None)
        raise
    return True


def invite_from_token(token: str) -> Invite:
    """The usable invite behind a link, or a DomainError saying why it cannot be used."""
    try:
        invite_id = signing.loads(token, salt=INVITE_SALT, max_age=settings.INVITE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise DomainError("This invite link has expired. Ask your coach for a new one.") from exc
    except signing.BadSignature as exc:
        raise DomainError("This invite link is not valid.", code="not_found") from exc
    invite = Invite.objects.select_related("client__coach").filter(pk=invite_id).first()
    if invite is None:
        raise DomainError("This invite link is not valid.", code="not_found")
    if invite.accepted_at is not None:
        raise DomainError("This invite link has already been used. Log in instead.")
    if invite.revoked_at is not None:
        raise DomainError("This invite link was replaced by a newer one. Check your e-mail.")
    if invite.expires_at <= timezone.now():
        raise DomainError("This invite link has expired. Ask your coach for a new one.")
    return invite


@transaction.atomic
def invite_accept(*, token: str, password: str) -> User:
    """Turn an invite into a login for the client and use the invite up."""
    invite = invite_from_token(token)
    # Lock the row so that two clicks on the same link cannot both create a login.
    Invite.objects.select_for_update().filter(pk=invite.pk).get()
    invite = invite_from_token(token)  # again, under the lock: used, revoked or expired meanwhile
    client = invite.client
    if User.objects.filter(email__iexact=client.email).exists():
        raise DomainError("An account with this e-mail address already exists. Log in instead.")
    user = User.objects.create_user(email=client.email, password=password, name=client.name)
    client.user = user
    client.save(update_fields=["user", "updated_at"])
    invite.accepted_at = timezone.now()
    invite.save(update_fields=["accepted_at"])
    return user
