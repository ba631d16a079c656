"""Writes of the coaching practice: sign-up, clients, invites, the login e-mail."""

from datetime import time, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coach.archiving import archived_set
from coach.common import model_update, plans_changed
from coach.errors import DomainError
from coach.models import Client, Coach, Invite, SignUpRequest, User
from coach.response_cache import changes_practice, practice_changed
from coach.tokens import tokens_revoke_all

INVITE_SALT = "coach.invite"
SIGN_UP_SALT = "coach.sign-up"
EMAIL_CHANGE_SALT = "coach.email-change"
# How long a sign-up or e-mail change link works.
CONFIRM_MAX_AGE = timedelta(days=3)


def _normalized(email: str) -> str:
    return User.objects.normalize_email(email).strip().lower()


def _email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()


def _unsigned(
    token: str,
    *,
    salt: str,
    max_age: timedelta,
    expired: str,
    invalid: str = "This link is not valid.",
) -> Any:
    """What a signed link carries, or a DomainError: `expired`, or `invalid` (a "not_found",
    for a link that was never made here)."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise DomainError(expired) from exc
    except signing.BadSignature as exc:
        raise DomainError(invalid, code="not_found") from exc


def _link(base_url: str, name: str, token: str) -> str:
    return base_url.rstrip("/") + reverse(name, args=[token])


def _mail(*, to: str, subject: str, template: str, context: dict[str, object]) -> None:
    send_mail(
        subject=subject,
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=[to],
    )


# --- sign-up --------------------------------------------------------------------------------
# The form says the same to everyone ("check your e-mail"): the address's owner is then sent a
# link to finish, or, when the address already has an account, told so. Nobody learns from the
# page whether an address has an account here.


@transaction.atomic
def coach_sign_up(
    *, email: str, password: str, name: str, practice_name: str = "", base_url: str
) -> SignUpRequest:
    """Ask for a new practice: the e-mail that finishes it (or says the address already has an
    account) is queued after commit."""
    from coach.tasks import sign_up_mail_task

    now = timezone.now()
    SignUpRequest.objects.filter(created_at__lt=now - CONFIRM_MAX_AGE).delete()
    request = SignUpRequest.objects.create(
        email=_normalized(email),
        name=name.strip(),
        practice_name=practice_name.strip(),
        password=make_password(password),
        created_at=now,
    )
    sign_up_mail_task.delay_on_commit(request.pk, base_url)  # type: ignore[attr-defined]
    return request


def sign_up_token(request: SignUpRequest) -> str:
    return signing.dumps(request.pk, salt=SIGN_UP_SALT, compress=True)


def sign_up_mail_send(*, request_id: int, base_url: str) -> bool:
    """E-mail the link that finishes a sign-up, or, to an address that already has an account,
    a note saying so. Returns False when there is nothing (more) to send."""
    request = SignUpRequest.objects.filter(pk=request_id, mailed_at__isnull=True).first()
    if request is None:
        return False
    if _email_taken(request.email):
        if not SignUpRequest.objects.filter(pk=request.pk).delete()[0]:
            return False  # another delivery of the task sent it
        _mail(
            to=request.email,
            subject="Someone tried to sign up with your e-mail address",
            template="emails/sign_up_existing_account.txt",
            context={
                "email": request.email,
                "login_link": base_url.rstrip("/") + reverse("login"),
                "reset_link": base_url.rstrip("/") + reverse("password_reset"),
            },
        )
        return True
    claimed_at = timezone.now()
    if not SignUpRequest.objects.filter(pk=request.pk, mailed_at__isnull=True).update(
        mailed_at=claimed_at
    ):
        return False
    try:
        _mail(
            to=request.email,
            subject="Confirm your e-mail address to create your practice",
            template="emails/sign_up_confirm.txt",
            context={
                "request": request,
                "link": _link(base_url, "signup-confirm", sign_up_token(request)),
                "expires_at": request.created_at + CONFIRM_MAX_AGE,
            },
        )
    except Exception:
        SignUpRequest.objects.filter(pk=request.pk, mailed_at=claimed_at).update(mailed_at=None)
        raise
    return True


def sign_up_from_token(token: str) -> SignUpRequest:
    """The sign-up behind a link, or a DomainError saying why it cannot be used."""
    request_id = _unsigned(
        token,
        salt=SIGN_UP_SALT,
        max_age=CONFIRM_MAX_AGE,
        expired="This link has expired. Sign up again.",
    )
    request = SignUpRequest.objects.filter(pk=request_id).first()
    if request is None:
        raise DomainError("This link has already been used, or replaced. Log in or sign up again.")
    return request


@transaction.atomic
def sign_up_confirm(*, token: str) -> Coach:
    """Make the login and the practice of a confirmed sign-up, with the password given then."""
    request = sign_up_from_token(token)
    # Lock the row so that two clicks on the same link cannot both create a login.
    if not SignUpRequest.objects.select_for_update().filter(pk=request.pk).exists():
        raise DomainError("This link has already been used, or replaced. Log in or sign up again.")
    coach = _coach_with_login(
        email=request.email,
        name=request.name,
        practice_name=request.practice_name,
        password_hash=request.password,
    )
    SignUpRequest.objects.filter(email__iexact=request.email).delete()
    return coach


@transaction.atomic
def coach_create(*, email: str, password: str, name: str, practice_name: str = "") -> Coach:
    """A login and a practice at once, for trusted callers (demo data, benchmarks): people
    sign up through `coach_sign_up`, which confirms their address first."""
    return _coach_with_login(
        email=_normalized(email),
        name=name.strip(),
        practice_name=practice_name.strip(),
        password_hash=make_password(password),
    )


def _coach_with_login(*, email: str, name: str, practice_name: str, password_hash: str) -> Coach:
    taken = DomainError("This e-mail address already has an account. Log in instead.")
    if _email_taken(email):
        raise taken
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, name=name)
    except IntegrityError as exc:  # a concurrent sign-up or change to the same e-mail
        raise taken from exc
    user.password = password_hash
    user.save(update_fields=["password"])
    return Coach.objects.create(user=user, practice_name=practice_name)


def _check_client_email_free(*, coach: Coach, email: str, exclude_pk: int | None = None) -> None:
    clash = Client.objects.filter(coach=coach, email__iexact=email)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError("You already have a client with this e-mail address.", field="email")


@changes_practice
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


@changes_practice
@transaction.atomic
def client_update(*, client: Client, data: dict[str, object]) -> Client:
    """Change a client's details; only the editable fields in `data` are touched.

    `email` is the contact address the coach keeps (invites and reminders go there). A client
    with a login logs in with their account's own address, which only they change
    (`login_email_change_request`): a coach never changes how a client logs in.
    """
    if "email" in data:
        data = {**data, "email": str(data["email"]).strip().lower()}
        _check_client_email_free(coach=client.coach, email=str(data["email"]), exclude_pk=client.pk)
    model_update(instance=client, fields=CLIENT_EDITABLE_FIELDS, data=data)
    plans_changed(client_id=client.pk)
    return client


def user_sessions_end(*, user_id: int) -> int:
    """Log a user out everywhere: each of their sessions is deleted from the session store
    (its cache and its table). Returns how many were ended.

    Sessions are not indexed by user, so the live ones are read and decoded; this runs when a
    coach archives a client, rarely, and the expired ones are cleared every night.
    """
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    wanted = str(user_id)
    ended = 0
    live = (
        store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
    )
    for session_key, session_data in live.iterator(chunk_size=500):
        if store().decode(session_data).get(SESSION_KEY) == wanted:
            store(session_key=session_key).delete()
            ended += 1
    return ended


@changes_practice
@transaction.atomic
def client_archive(*, client: Client) -> Client:
    """Archive a client: hidden from the active list, every record kept, open invites revoked;
    their login stops (their sessions end, their access tokens are revoked, and a login is
    refused until they are restored)."""
    if archived_set(client, archived=True):
        client.invites.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=client.archived_at
        )
        if client.user_id is not None:
            User.objects.filter(pk=client.user_id).update(is_active=False)
            tokens_revoke_all(user_id=client.user_id)
            user_sessions_end(user_id=client.user_id)
        plans_changed(client_id=client.pk)
    return client


@changes_practice
def client_restore(*, client: Client) -> Client:
    """Bring an archived client back, with their login (they log in again; tokens revoked on
    archiving stay revoked)."""
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
    # Whether the address already has an account is not said here: the coach would learn it
    # of a stranger's address. The e-mail tells the address's owner instead (invite_send).
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
    context: dict[str, object] = {
        "invite": invite,
        "client": invite.client,
        "coach": invite.client.coach,
    }
    if _email_taken(invite.client.email):
        # The address already has a login, so the invite cannot make one: its owner is told,
        # with no link, and the coach is told nothing they could learn the account from.
        context["login_link"] = base_url.rstrip("/") + reverse("login")
        template = "emails/invite_existing_account.txt"
    else:
        context["link"] = _link(base_url, "invite-accept", invite_token(invite))
        template = "emails/invite.txt"
    try:
        _mail(
            to=invite.client.email,
            subject=f"{invite.client.coach} invited you to train together",
            template=template,
            context=context,
        )
    except Exception:
        # Release the claim so that the retry can send it.
        Invite.objects.filter(pk=invite.pk, sent_at=claimed_at).update(sent_at=None)
        raise
    return True


def invite_from_token(token: str) -> Invite:
    """The usable invite behind a link, or a DomainError saying why it cannot be used."""
    invite_id = _unsigned(
        token,
        salt=INVITE_SALT,
        max_age=settings.INVITE_MAX_AGE,
        expired="This invite link has expired. Ask your coach for a new one.",
        invalid="This invite link is not valid.",
    )
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
    practice_changed(coach_id=client.coach_id)
    invite.accepted_at = timezone.now()
    invite.save(update_fields=["accepted_at"])
    return user


# --- the login e-mail -----------------------------------------------------------------------
# Only the account's owner changes the address they log in with, and the change is made from a
# link sent to the new address. Whether that address already has an account is told to its
# owner by e-mail, never on the page.


def login_email_change_request(*, user: User, new_email: str, base_url: str) -> str:
    """Queue the e-mail that confirms a new login address. Returns the address, normalized."""
    from coach.tasks import login_email_change_mail_task

    new_email = _normalized(new_email)
    if new_email == user.email:
        raise DomainError("This is already the address you log in with.", field="email")
    login_email_change_mail_task.delay_on_commit(  # type: ignore[attr-defined]
        user.pk, new_email, base_url
    )
    return new_email


def login_email_change_token(*, user: User, new_email: str) -> str:
    # The current address is signed in too, so the link works once: after the change (or any
    # other change) it no longer matches.
    return signing.dumps(
        {"user": user.pk, "from": user.email, "to": new_email},
        salt=EMAIL_CHANGE_SALT,
        compress=True,
    )


def login_email_change_mail_send(*, user_id: int, new_email: str, base_url: str) -> bool:
    """E-mail the new address a link that makes the change, or, when it already has an
    account, a note that nothing was changed."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    if _email_taken(new_email, exclude_pk=user.pk):
        _mail(
            to=new_email,
            subject="Someone asked to log in with your e-mail address",
            template="emails/login_email_taken.txt",
            context={"email": new_email},
        )
        return True
    token = login_email_change_token(user=user, new_email=new_email)
    _mail(
        to=new_email,
        subject="Confirm your new login e-mail address",
        template="emails/login_email_confirm.txt",
        context={
            "user": user,
            "new_email": new_email,
            "link": _link(base_url, "login-email-confirm", token),
            "expires_at": timezone.now() + CONFIRM_MAX_AGE,
        },
    )
    return True


def login_email_change_from_token(token: str) -> tuple[User, str]:
    """The user and the new address behind a link, or a DomainError saying why it cannot be
    used."""
    data = _unsigned(
        token,
        salt=EMAIL_CHANGE_SALT,
        max_age=CONFIRM_MAX_AGE,
        expired="This link has expired. Ask for a new one from your account.",
    )
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        raise DomainError("This link is not valid.", code="not_found")
    if user.email != data.get("from"):
        raise DomainError("This link has already been used, or your address changed since.")
    return user, str(data.get("to"))


@transaction.atomic
def login_email_change_confirm(*, token: str) -> User:
    """Make the confirmed change; the old address is told that it no longer logs in."""
    from coach.tasks import login_email_changed_notice_task

    user, new_email = login_email_change_from_token(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    user, new_email = login_email_change_from_token(token)  # again, under the lock
    if _email_taken(new_email, exclude_pk=user.pk):
        raise DomainError("This address already has an account, so it cannot be used.")
    old_email = user.email
    user.email = new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as exc:
        raise DomainError("This address already has an account, so it cannot be used.") from exc
    login_email_changed_notice_task.delay_on_commit(  # type: ignore[attr-defined]
        old_email, new_email
    )
    return user


def login_email_changed_notify(*, old_email: str, new_email: str) -> None:
    _mail(
        to=old_email,
        subject="Your login e-mail address was changed",
        template="emails/login_email_changed.txt",
        context={"old_email": old_email, "new_email": new_email},
    )
