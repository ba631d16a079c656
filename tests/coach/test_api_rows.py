"""A serializer's output written from rows (coach.api_rows) is what the serializer gives."""

import json

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from coach.api_rows import instance_row, row_output
from coach.models import Client
from tests.coach.factories import ClientFactory

pytestmark = pytest.mark.django_db


class ClientOutput(serializers.ModelSerializer):
    first_letter = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = ["id", "coach", "name", "sex", "reminder_time", "created_at", "first_letter"]

    def get_first_letter(self, client: Client) -> str:
        return client.name[:1]


def test_a_row_of_an_instance_is_written_as_the_serializer_writes_the_instance() -> None:
    person = Client.objects.get(pk=ClientFactory.create(name="Ivy Park").pk)
    output = row_output(ClientOutput)

    # the method field's value is the row's own, under the field's name
    row = instance_row(person, output.keys, first_letter="I")
    written = output.one(row)

    assert row["coach"] == person.coach_id  # a foreign key reads as its id, as values() does
    assert written == ClientOutput(person).data
    assert json.loads(JSONRenderer().render(written)) == json.loads(
        JSONRenderer().render(ClientOutput(person).data)
    )
    assert written["first_letter"] == "I"
