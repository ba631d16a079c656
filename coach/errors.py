"""The one domain error type. Services raise it; the API and the pages turn it into messages."""


class DomainError(Exception):
    """A rule of the domain was broken by the input. `field` names the input it concerns."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_field_errors(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


class NotAllowed(DomainError):
    """The input is fine, but this user may not do this (e.g. change the shared library)."""

    code = "permission_denied"
