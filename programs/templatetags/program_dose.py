"""A prescription's dose as a program shows it: the coach's values over the stage's."""

from django import template

from programs.doses import TemplateDose, template_dose
from programs.models import Prescription

register = template.Library()


@register.filter(name="template_dose")
def template_dose_filter(prescription: Prescription) -> TemplateDose:
    """`{{ p|template_dose|dose }}`: the dose with the stage's values where the coach left a
    field empty (the first rung's for "the client's current stage")."""
    return template_dose(prescription)
