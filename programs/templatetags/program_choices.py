"""Choices of the program models for controls that pages draw without a Django form."""

from django import template

from programs.models import Block

register = template.Library()


@register.simple_tag
def focus_choices() -> list[tuple[str, str]]:
    """The focuses a block can have, for the builder's add-block form."""
    return Block.Focus.choices
