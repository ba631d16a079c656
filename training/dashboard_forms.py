"""The dashboard's form: the practice's asymmetry threshold."""

from django import forms

from coach.models import Coach


class ThresholdForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Coach
        fields = ["asymmetry_threshold_pct"]
        labels = {"asymmetry_threshold_pct": "Flag a left/right gap above (%)"}
        widgets = {
            "asymmetry_threshold_pct": forms.NumberInput(
                attrs={"min": 1, "max": 100, "step": 1, "inputmode": "numeric"}
            )
        }
