from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from coach import services, webhooks


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def invite_send_task(invite_id: int, base_url: str) -> bool:
    return services.invite_send(invite_id=invite_id, base_url=base_url)


@shared_task
def sessions_clear_expired_task() -> None:
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


# Transient failures of the mail server are retried with backoff, as for invites.
MAIL_ERRORS = (ConnectionError, TimeoutError)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def sign_up_mail_task(request_id: int, base_url: str) -> bool:
    return services.sign_up_mail_send(request_id=request_id, base_url=base_url)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def login_email_change_mail_task(user_id: int, new_email: str, base_url: str) -> bool:
    return services.login_email_change_mail_send(
        user_id=user_id, new_email=new_email, base_url=base_url
    )


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def login_email_changed_notice_task(old_email: str, new_email: str) -> None:
    services.login_email_changed_notify(old_email=old_email, new_email=new_email)


@shared_task
def webhook_delivery_attempt_task(delivery_id: int) -> None:
    retry_in = webhooks.delivery_attempt(delivery_id=delivery_id)
    if retry_in is not None:
        webhook_delivery_attempt_task.apply_async((delivery_id,), countdown=retry_in)


@shared_task
def webhook_deliveries_requeue_task() -> int:
    """Queue again the deliveries whose attempt is long overdue (their task was lost)."""
    due = webhooks.deliveries_due(now=timezone.now())
    for delivery_id in due:
        webhook_delivery_attempt_task.delay(delivery_id)
    return len(due)
