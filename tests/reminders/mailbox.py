"""An e-mail backend for the sender tests: Django's in-memory outbox, which counts the
connections opened and fails the sends it is told to."""

from collections.abc import Sequence
from typing import Any, ClassVar

from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend


class ScriptedBackend(EmailBackend):
    opened: ClassVar[int] = 0
    # What each send in turn does: None delivers, an exception is raised.
    script: ClassVar[list[BaseException | None]] = []

    def open(self) -> bool:
        if self.script and isinstance(self.script[0], ConnectionRefusedError):
            raise self.script.pop(0)  # type: ignore[misc]
        type(self).opened += 1
        return True

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for _ in messages:
            if self.script:
                failure = self.script.pop(0)
                if failure is not None:
                    raise failure
        return super().send_messages(messages)

    @classmethod
    def reset(cls, *script: BaseException | None) -> None:
        cls.opened = 0
        cls.script = list(script)


BACKEND = f"{__name__}.ScriptedBackend"


def scripted(settings: Any, *script: BaseException | None) -> type[ScriptedBackend]:
    settings.EMAIL_BACKEND = BACKEND
    ScriptedBackend.reset(*script)
    return ScriptedBackend
