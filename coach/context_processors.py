from django.http import HttpRequest


def roles(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "is_coach": authenticated and hasattr(user, "coach"),
        "is_client": authenticated and getattr(user, "client", None) is not None,
    }
