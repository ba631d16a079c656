from importlib import import_module

from celery import shared_task
from django.conf import settings

from coach import services


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
