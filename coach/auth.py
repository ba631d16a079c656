"""Authentication: Django's model backend, loading with the user the coach or client they are."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from coach.models import User


class Backend(ModelBackend):
    """Every logged-in request asks which role the user has (the navigation, the permission
    checks); the user is read with their coach and client rows in one query instead of three."""

    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related("coach", "client").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
