"""Running indicators: typed in or imported from a watch's CSV with columns mapped once (and
the mapping reused), listed, charted and deleted, by the client and by their coach, and the
same through the API. Everything scoped to the practice."""

import html
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coach.errors import DomainError
from coach.models import Client, Coach
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import RunMetricFactory, assert_error_shape, get_counting_queries
from tests.training.api_support import browser
from training import running
from training.models import RunImportMapping, RunMetric

pytestmark = pytest.mark.django_db

# 23:30 on 9 March in UTC is already 10 March in Berlin.
NOW = datetime(2027, 3, 9, 23, 30, tzinfo=UTC)
RUNS = "/api/v1/runs/"


@pytest.fixture
def mia(coach: Coach, time_machine) -> Client:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)
    return ClientFactory.create(coach=coach, name="Mia", time_zone="Europe/Berlin", with_login=True)


def words(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- the service ---------------------------------------------------------------------------


def test_a_date_entered_again_replaces_its_figures(mia) -> None:
    run, created = running.run_metric_save(
        by=mia.user, client=mia, on=date(2027, 3, 8), data={"cadence_spm": 168, "note": "easy"}
    )
    again, created_again = running.run_metric_save(
        by=mia.user,
        client=mia,
        on=date(2027, 3, 8),
        data={"cadence_spm": 172, "stride_length_m": Decimal("1.12")},
    )

    assert (created, created_again) == (True, False)
    assert again.pk == run.pk
    assert RunMetric.objects.filter(client=mia).count() == 1
    run.refresh_from_db()
    assert (run.cadence_spm, run.stride_length_m, run.note) == (172, Decimal("1.12"), "")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"cadence_spm": 300}, "cadence_spm", "less than or equal to 260"),
        ({"cadence_spm": 40}, "cadence_spm", "greater than or equal to 60"),
        ({"ground_contact_ms": 50}, "ground_contact_ms", "greater than or equal to 100"),
        ({"stride_length_m": Decimal("3.5")}, "stride_length_m", "less than or equal to 3"),
        ({"note": "nothing measured"}, None, "at least one of cadence"),
    ],
)
def test_figures_out_of_bounds_are_refused(mia, data, field, message) -> None:
    with pytest.raises(DomainError) as refused:
        running.run_metric_save(by=mia.user, client=mia, on=date(2027, 3, 8), data=data)

    assert refused.value.field == field
    assert message in refused.value.message
    assert not RunMetric.objects.exists()


def test_a_date_ahead_of_the_client_is_refused(mia) -> None:
    # 10 March is Mia's today (Berlin), though still 9 March in UTC; 11 March is ahead
    running.run_metric_save(
        by=mia.user, client=mia, on=date(2027, 3, 10), data={"cadence_spm": 170}
    )
    with pytest.raises(DomainError, match="not come yet"):
        running.run_metric_save(
            by=mia.user, client=mia, on=date(2027, 3, 11), data={"cadence_spm": 170}
        )


def test_runs_for_oldest_first_since_a_date(mia) -> None:
    for day in (9, 2, 5):
        RunMetricFactory.create(client=mia, on=date(2027, 3, day))
    RunMetricFactory.create(on=date(2027, 3, 4))  # someone else's

    assert [r.on.day for r in running.runs_for(mia)] == [2, 5, 9]
    assert [r.on.day for r in running.runs_for(mia, since=date(2027, 3, 5))] == [5, 9]


# --- pages ---------------------------------------------------------------------------------


def test_client_types_a_run_in_and_sees_it_listed_and_charted(mia) -> None:
    http = browser(mia.user)
    empty = http.get(reverse("me-runs"))
    assert "No run recorded in this time." in words(empty)

    response = http.post(
        reverse("me-runs"),
        {"on": "2027-03-10", "cadence_spm": "174", "ground_contact_ms": "238", "note": "tempo"},
    )

    assert response.status_code == 302
    page = http.get(reverse("me-runs"))
    text = words(page)
    assert "Run of 10 Mar 2027 saved." in text
    assert "174 spm" in text
    assert "238 ms" in text
    assert "tempo" in text
    # a chart of each figure recorded, none for stride (never given)
    content = page.content.decode()
    assert 'id="runs-cadence-title"' in content
    assert 'id="runs-contact-title"' in content
    assert "runs-stride" not in content
    assert "<svg" in content
    run = RunMetric.objects.get(client=mia)
    assert run.entered_by == mia.user


def test_bad_run_is_shown_again_with_its_message(mia) -> None:
    response = browser(mia.user).post(
        reverse("me-runs"), {"on": "2027-03-10", "cadence_spm": "999"}
    )

    assert response.status_code == 400
    assert "less than or equal to 260" in words(response)
    assert 'value="999"' in response.content.decode()
    nothing = browser(mia.user).post(reverse("me-runs"), {"on": "2027-03-10", "note": "felt slow"})
    assert nothing.status_code == 400
    assert (
        words(nothing).count("Give at least one of cadence, ground contact or stride length.") == 1
    )
    assert not RunMetric.objects.exists()


def test_coach_records_for_a_client_and_deletes_after_confirming(coach, mia) -> None:
    http = browser(coach.user)
    url = reverse("client-runs", args=[mia.pk])
    assert http.post(url, {"on": "2027-03-07", "stride_length_m": "1.05"}).status_code == 302
    run = RunMetric.objects.get(client=mia)
    assert run.entered_by == coach.user
    delete = reverse("client-run-delete", args=[mia.pk, run.pk])
    assert delete in http.get(url).content.decode()

    # the link asks first and deletes nothing
    confirm = http.get(delete)
    assert confirm.status_code == 200
    assert "Delete the run of Sunday 7 March 2027?" in words(confirm)
    assert RunMetric.objects.filter(pk=run.pk).exists()
    # confirmed
    assert http.post(delete).status_code == 302
    assert not RunMetric.objects.filter(pk=run.pk).exists()
    assert "Run of 7 Mar 2027 deleted." in words(http.get(url))


def test_runs_pages_are_scoped(coach, mia, client) -> None:
    run = RunMetricFactory.create(client=mia, on=date(2027, 3, 3))
    ben = ClientFactory.create(coach=coach, with_login=True)
    stranger = CoachFactory.create()

    client.force_login(stranger.user)
    assert client.get(reverse("client-runs", args=[mia.pk])).status_code == 404
    assert client.get(reverse("client-run-import", args=[mia.pk])).status_code == 404
    assert client.post(reverse("client-run-delete", args=[mia.pk, run.pk])).status_code == 404
    # another client of the same coach, through their own pages
    as_ben = browser(ben.user)
    assert as_ben.post(reverse("me-run-delete", args=[run.pk])).status_code == 404
    assert "3 Mar" not in words(as_ben.get(reverse("me-runs")))
    # the right coach, but the run under another of their clients
    wrong = reverse("client-run-delete", args=[ben.pk, run.pk])
    assert browser(coach.user).post(wrong).status_code == 404
    assert RunMetric.objects.filter(pk=run.pk).exists()


def test_runs_page_queries_do_not_grow_with_the_runs(mia) -> None:
    http = browser(mia.user)
    RunMetricFactory.create(client=mia, on=date(2027, 3, 1))
    _, one = get_counting_queries(http, reverse("me-runs"))
    for day in range(1, 29):
        RunMetricFactory.create(client=mia, on=date(2027, 2, day))
    _, many = get_counting_queries(http, reverse("me-runs"))

    assert many == one


# --- import --------------------------------------------------------------------------------

WATCH_CSV = (
    "Activity Type;Start;Avg Run Cadence;Avg Ground Contact Time;Avg Stride Length;Title\n"
    "Running;2027-03-01T06:30:00Z;171;245;108;Easy\n"
    "Running;2027-03-03T23:30:00Z;176;--;112;Late tempo\n"
    "\n"
    "Running;2027-03-05T06:30:00Z;169,6;251;104,4;Hills\n"
)


def upload(http: Any, url: str, text: str, name: str = "export.csv") -> Any:
    return http.post(url, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def mapping_from(response: Any) -> dict[str, str]:
    """What the mapping form offers, as the browser would send it back: each select's chosen
    option, each checked radio, the hidden file."""
    content = response.content.decode()
    chosen = {}
    for name in ("on", "cadence_spm", "ground_contact_ms", "stride_length_m", "note"):
        select = re.search(rf'<select name="{name}".*?</select>', content, re.S)
        assert select, name
        picked = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
        chosen[name] = picked.group(1) if picked else ""
    for name in ("stride", "date_format"):
        picked = re.search(rf'name="{name}" value="([^"]*)"[^>]*checked', content)
        assert picked, name
        chosen[name] = picked.group(1)
    hidden = re.search(r'name="content" value="([^"]*)"', content, re.S)
    assert hidden
    chosen["content"] = html.unescape(hidden.group(1))
    return chosen


def test_import_maps_columns_once_and_reuses_them(mia) -> None:
    http = browser(mia.user)
    url = reverse("me-run-import")

    # first upload: the columns are guessed from their names; the user says stride is in cm
    first = upload(http, url, WATCH_CSV)
    assert first.status_code == 200
    form = mapping_from(first)
    assert form["on"] == "Start"
    assert form["cadence_spm"] == "Avg Run Cadence"
    assert form["ground_contact_ms"] == "Avg Ground Contact Time"
    assert form["stride_length_m"] == "Avg Stride Length"
    assert form["note"] == "Title"
    done = http.post(url, {**form, "stride": "cm"})

    assert done.status_code == 302
    assert "Imported: 3 runs added." in words(http.get(reverse("me-runs")))
    runs = running.runs_for(mia)
    assert [
        (r.on, r.cadence_spm, r.ground_contact_ms, r.stride_length_m, r.note) for r in runs
    ] == [
        (date(2027, 3, 1), 171, 245, Decimal("1.08"), "Easy"),
        # 23:30 UTC on 3 March is 4 March in Berlin
        (date(2027, 3, 4), 176, None, Decimal("1.12"), "Late tempo"),
        (date(2027, 3, 5), 170, 251, Decimal("1.04"), "Hills"),
    ]
    saved = RunImportMapping.objects.get(user=mia.user)
    assert saved.columns["cadence_spm"] == "Avg Run Cadence"
    assert saved.units["stride"] == "cm"

    # next upload, with a 5 March already recorded: the saved mapping comes back pre-filled,
    # even for a header no guess would find
    RunImportMapping.objects.filter(user=mia.user).update(
        columns={**saved.columns, "note": "Activity Type"}
    )
    again = upload(http, url, WATCH_CSV.replace("2027-03-01", "2027-03-02").replace("171", "180"))
    prefilled = mapping_from(again)
    assert prefilled["note"] == "Activity Type"
    assert prefilled["stride"] == "cm"
    assert "Filled in from your last import" in words(again)
    assert http.post(url, prefilled).status_code == 302
    assert "2 dates already recorded updated" in words(http.get(reverse("me-runs")))
    assert RunMetric.objects.filter(client=mia).count() == 4
    assert RunMetric.objects.get(client=mia, on=date(2027, 3, 2)).cadence_spm == 180
    assert RunMetric.objects.get(client=mia, on=date(2027, 3, 5)).note == "Running"


def test_bad_lines_are_listed_and_nothing_is_imported(mia) -> None:
    RunMetricFactory.create(client=mia, on=date(2027, 3, 1), cadence_spm=160)
    http = browser(mia.user)
    url = reverse("me-run-import")
    text = (
        "Date,Cadence,Stride\n"
        "2027-03-01,175,1.1\n"
        "2027-03-02,abc,1.1\n"
        "2027-03-03,300,1.1\n"
        "03/04/2027,170,1.1\n"
        "2027-03-05,,\n"
        "2027-03-20,170,1.1\n"
    )
    form = mapping_from(upload(http, url, text))

    response = http.post(url, form)

    assert response.status_code == 400
    text_seen = words(response)
    assert "Nothing was imported: 5 lines of the file cannot be read." in text_seen
    assert "Line 3: Cadence “abc” is not a number." in text_seen
    assert "Line 4: Cadence 300 is outside 60–260 steps per minute." in text_seen
    assert "Line 5: “03/04/2027” is not a date like 2027-03-21." in text_seen
    assert "Line 6: No cadence, ground contact or stride length on this line." in text_seen
    assert "Line 7: 20 Mar 2027 has not come yet." in text_seen
    # nothing changed, nothing added; the form is there to try again
    assert RunMetric.objects.get(client=mia).cadence_spm == 160
    assert 'name="content"' in response.content.decode()
    assert not RunImportMapping.objects.filter(user=mia.user).exists()


def test_import_of_day_month_dates_and_repeated_dates(mia) -> None:
    text = "Day\tSPM\tNote\n01/03/2027\t170\tfirst\n01/03/2027\t172\tsecond\n02/03/2027\t171\t\n"

    result = running.run_import(
        by=mia.user,
        client=mia,
        text=text,
        columns={"on": "Day", "cadence_spm": "SPM", "note": "Note"},
        units={"date_format": "dmy"},
    )

    assert (result.created, result.updated) == (2, 0)
    assert result.repeated == {date(2027, 3, 1): [2, 3]}
    assert RunMetric.objects.get(client=mia, on=date(2027, 3, 1)).note == "second"


def test_import_refuses_a_mapping_the_file_does_not_fit(mia) -> None:
    http = browser(mia.user)
    url = reverse("me-run-import")
    form = mapping_from(upload(http, url, "Date,Cadence\n2027-03-01,170\n"))

    response = http.post(url, {**form, "cadence_spm": ""})
    assert response.status_code == 400
    assert "Choose the column of cadence, ground contact or stride length" in words(response)

    response = http.post(url, {**form, "cadence_spm": "Date"})
    assert response.status_code == 400
    assert "“Date” is already the date column." in words(response)
    assert not RunMetric.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\n\n", "The file is empty"),
        (b"Date,Cadence\n", "The file has a header but no runs."),
        (b"x" * (running.MAX_IMPORT_BYTES + 1), "larger than 512 KB"),
    ],
)
def test_unreadable_files_are_refused(mia, body, message) -> None:
    response = browser(mia.user).post(
        reverse("me-run-import"), {"file": SimpleUploadedFile("e.csv", body, "text/csv")}
    )

    assert response.status_code == 400
    assert message in words(response)


def test_coach_imports_for_a_client(coach, mia) -> None:
    http = browser(coach.user)
    url = reverse("client-run-import", args=[mia.pk])
    form = mapping_from(upload(http, url, "Date,Cadence\n2027-03-01,170\n"))

    assert http.post(url, form).status_code == 302

    run = RunMetric.objects.get(client=mia)
    assert run.entered_by == coach.user
    assert RunImportMapping.objects.get(user=coach.user).columns == {
        "on": "Date",
        "cadence_spm": "Cadence",
    }


# --- API -----------------------------------------------------------------------------------


def test_api_create_update_list_delete(coach, mia) -> None:
    mine = browser(mia.user)
    created = mine.post(
        RUNS, {"on": "2027-03-08", "cadence_spm": 170}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["client"], body["cadence_spm"], body["entered_by_coach"]) == (mia.pk, 170, False)

    api = browser(coach.user)
    updated = api.post(
        RUNS,
        {"client": mia.pk, "on": "2027-03-08", "stride_length_m": "1.10"},
        content_type="application/json",
    )
    assert updated.status_code == 200
    assert updated.json()["id"] == body["id"]
    assert updated.json()["entered_by_coach"] is True

    listed = api.get(RUNS, {"client": mia.pk, "date_from": "2027-03-01"}).json()
    assert [run["stride_length_m"] for run in listed["results"]] == ["1.10"]
    assert mine.delete(f"{RUNS}{body['id']}/").status_code == 204
    assert not RunMetric.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"on": "2027-03-08", "cadence_spm": 300}, "cadence_spm"),
        ({"on": "2027-03-08"}, "non_field_errors"),
        ({"on": "2027-03-12", "cadence_spm": 170}, "on"),
        ({"on": "soon", "cadence_spm": 170}, "on"),
        ({"on": "2027-03-08", "stride_length_m": "1.234"}, "stride_length_m"),
    ],
)
def test_api_bad_runs_are_400(mia, body, field) -> None:
    response = browser(mia.user).post(RUNS, body, content_type="application/json")

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert field in response.json()["fields"]


def test_api_is_scoped(coach, mia) -> None:
    run = RunMetricFactory.create(client=mia)
    stranger = CoachFactory.create()
    theirs = ClientFactory.create(coach=stranger)
    ben = ClientFactory.create(coach=coach, with_login=True)
    api = browser(stranger.user)

    assert api.get(f"{RUNS}{run.pk}/").status_code == 404
    assert api.delete(f"{RUNS}{run.pk}/").status_code == 404
    assert api.get(RUNS).json()["results"] == []
    # a coach records only for their own clients; a client only for themself
    refused = browser(coach.user).post(
        RUNS,
        {"client": theirs.pk, "on": "2027-03-08", "cadence_spm": 170},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "client" in refused.json()["fields"]
    as_ben = browser(ben.user)
    assert (
        as_ben.post(
            RUNS,
            {"client": mia.pk, "on": "2027-03-08", "cadence_spm": 170},
            content_type="application/json",
        ).status_code
        == 400
    )
    assert as_ben.get(f"{RUNS}{run.pk}/").status_code == 404
    assert as_ben.get(RUNS).json()["results"] == []
    assert as_ben.get(RUNS, {"client": mia.pk}).status_code == 400
    assert RunMetric.objects.count() == 1


def test_api_list_queries_do_not_grow(coach, mia) -> None:
    api = browser(coach.user)
    RunMetricFactory.create(client=mia)
    _, one = get_counting_queries(api, RUNS)
    RunMetricFactory.create_batch(30, client=mia)
    _, many = get_counting_queries(api, RUNS)

    assert many == one


@pytest.mark.parametrize(
    "body",
    [
        {"client": 2**70, "on": "2027-03-08", "cadence_spm": 170},
        {"on": "2027-03-08", "cadence_spm": 10**12},
        {"on": "2027-13-45", "cadence_spm": 170},
        {"on": "2027-03-08", "cadence_spm": 170, "note": "a\x00b"},
        {"on": "2027-03-08", "cadence_spm": 170, "note": "x" * 301},
        {"on": "2027-03-08", "stride_length_m": "NaN"},
    ],
)
def test_api_hostile_input_is_400(coach, mia, body) -> None:
    response = browser(coach.user).post(RUNS, body, content_type="application/json")

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert not RunMetric.objects.exists()


def test_hostile_ids_and_pages_do_not_crash(coach, mia) -> None:
    api = browser(coach.user)
    assert api.get(f"{RUNS}{2**70}/").status_code == 404
    assert api.delete(f"{RUNS}{2**70}/").status_code == 404
    assert api.get(RUNS, {"client": 2**70}).status_code == 400
    page = api.post(
        reverse("client-runs", args=[mia.pk]),
        {"on": "2027-03-08", "cadence_spm": str(10**12), "note": "a\x00b"},
    )
    assert page.status_code == 400
    assert not RunMetric.objects.exists()
