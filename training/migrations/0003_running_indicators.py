from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coach", "0003_cache_table"),
        ("training", "0002_set_log_bounds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RunImportMapping",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("columns", models.JSONField(blank=True, default=dict)),
                ("units", models.JSONField(blank=True, default=dict)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="run_import_mapping",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="RunMetric",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "on",
                    models.DateField(
                        help_text="The client's local date of the run.", verbose_name="date"
                    ),
                ),
                (
                    "cadence_spm",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(60),
                            django.core.validators.MaxValueValidator(260),
                        ],
                        verbose_name="cadence (steps per minute)",
                    ),
                ),
                (
                    "ground_contact_ms",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(100),
                            django.core.validators.MaxValueValidator(1000),
                        ],
                        verbose_name="ground contact (ms)",
                    ),
                ),
                (
                    "stride_length_m",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=4,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.30")),
                            django.core.validators.MaxValueValidator(Decimal("3.00")),
                        ],
                        verbose_name="stride length (m)",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="run_metrics",
                        to="coach.client",
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["on", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("client", "on"), name="run_metric_one_per_day"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("cadence_spm__isnull", False),
                            ("ground_contact_ms__isnull", False),
                            ("stride_length_m__isnull", False),
                            _connector="OR",
                        ),
                        name="run_metric_has_a_value",
                        violation_error_message="Give at least one of cadence, ground contact or stride length.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("cadence_spm__isnull", True),
                            models.Q(("cadence_spm__gte", 60), ("cadence_spm__lte", 260)),
                            _connector="OR",
                        ),
                        name="run_metric_cadence_range",
                        violation_error_message="Cadence is between 60 and 260 steps per minute.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("ground_contact_ms__isnull", True),
                            models.Q(
                                ("ground_contact_ms__gte", 100), ("ground_contact_ms__lte", 1000)
                            ),
                            _connector="OR",
                        ),
                        name="run_metric_contact_range",
                        violation_error_message="Ground contact is between 100 and 1000 ms.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("stride_length_m__isnull", True),
                            models.Q(
                                ("stride_length_m__gte", Decimal("0.30")),
                                ("stride_length_m__lte", Decimal("3.00")),
                            ),
                            _connector="OR",
                        ),
                        name="run_metric_stride_range",
                        violation_error_message="Stride length is between 0.30 and 3.00 m.",
                    ),
                ],
            },
        ),
    ]
