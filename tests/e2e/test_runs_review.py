"""Running indicators and the session review in a real browser: a client on a phone types a run
in and reads its chart; the coach imports a watch export for the client (columns mapped once),
opens a logged session, reads prescribed beside done and comments on it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from programs.services import assignment_create_bulk
from tests.coach.factories import PASSWORD, ClientFactory, CoachFactory
from tests.conftest import RunMetricFactory
from tests.e2e.conftest import NewPage, Screenshot, log_in
from tests.training.api_support import one_sided_hold, routine_of
from training import services
from training.models import RunMetric

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_client_types_a_run_in_on_a_phone(new_page: NewPage, screenshot: Screenshot) -> None:
    person = ClientFactory.create(name="Mia Berg", with_login=True, time_zone="Europe/Berlin")
    today = person.local_today()
    for weeks, (spm, contact, stride) in enumerate(
        [(164, 262, "1.02"), (168, 255, "1.05"), (171, 248, "1.08")]
    ):
        RunMetricFactory.create(
            client=person,
            on=today - timedelta(weeks=3 - weeks),
            cadence_spm=spm,
            ground_contact_ms=contact,
            stride_length_m=Decimal(stride),
        )
    phone = new_page(phone=True)
    phone.goto("/accounts/login/")
    assert person.user is not None
    phone.get_by_label("E-mail").fill(person.user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.goto("/me/runs/")

    phone.get_by_role("spinbutton", name="Cadence (steps per minute)").fill("174")
    phone.get_by_role("spinbutton", name="Ground contact time (ms)").fill("241")
    phone.get_by_role("spinbutton", name="Stride length (m)").fill("1.11")
    phone.get_by_label("Note").fill("Tempo 6 km")
    phone.get_by_role("button", name="Save the run").click()

    expect(phone.get_by_text(re.compile(r"Run of .* saved\."))).to_be_visible()
    cadence = phone.get_by_role("img", name=re.compile("Cadence"))
    expect(cadence).to_be_visible()
    # the chart fits the phone's width
    box = cadence.bounding_box()
    assert box is not None
    assert box["width"] <= 390
    expect(phone.get_by_role("row", name=re.compile("174 spm"))).to_be_visible()
    screenshot(phone, "runs-phone")
    assert RunMetric.objects.filter(client=person).count() == 4


def test_coach_imports_runs_then_reviews_and_comments(
    new_page: NewPage, screenshot: Screenshot, tmp_path
) -> None:
    coach = CoachFactory.create()
    hold = one_sided_hold(coach)
    person = ClientFactory.create(coach=coach, name="Ana Ruiz", with_login=True)
    today = person.local_today()
    (assignment,) = assignment_create_bulk(
        coach=coach,
        template=routine_of(coach, hold, length_days=30),
        clients=[person],
        starts_on=today - timedelta(days=5),
    )
    prescription = assignment.program.days.get(number=5).prescriptions.get()
    session = services.session_log_enter(
        by=person.user,  # type: ignore[arg-type]
        client=person,
        assignment=assignment,
        on=today - timedelta(days=1),
        data={"status": "partial", "effort": 8, "video_url": "https://video.example.org/ana"},
        sets=[
            {"prescription": prescription.pk, "set_number": 1, "side": "left", "hold_seconds": 12},
            {"prescription": prescription.pk, "set_number": 1, "side": "right", "hold_seconds": 7},
        ],
    )
    export = tmp_path / "watch.csv"
    export.write_text(
        "Start;Avg Run Cadence;Avg Ground Contact Time;Avg Stride Length\n"
        f"{today - timedelta(days=9)}T07:00:00;168;255;104\n"
        f"{today - timedelta(days=2)}T07:00:00;172;246;109\n"
    )
    page = new_page()
    log_in(page, coach.user.email)

    # import: the columns are offered from the file; the coach says stride is in centimetres
    page.goto(f"/clients/{person.pk}/runs/import/")
    page.get_by_label("CSV file exported").set_input_files(str(export))
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_role("combobox", name=re.compile("^Date"))).to_have_value("Start")
    page.get_by_label("centimetres").check()
    screenshot(page, "runs-import-mapping")
    page.get_by_role("button", name="Import the runs").click()
    expect(page.get_by_text("Imported: 2 runs added.")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Stride length"))).to_be_visible()

    # review: prescribed beside done, the missing second set, the video as a link
    page.goto(f"/clients/{person.pk}/sessions/{session.pk}/")
    expect(
        page.get_by_text("Prescribed: 2 sets × 7 per side, hold 10 s, rest 30 s")
    ).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Not logged"))).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile("form-check video"))).to_have_attribute(
        "href", "https://video.example.org/ana"
    )
    page.get_by_label("Comment on this session").fill("Right side: hold the wall lightly.")
    page.get_by_role("button", name="Save comment").click()
    expect(page.get_by_text("Comment saved.")).to_be_visible()
    expect(page.locator(".coach-comment")).to_have_text("Right side: hold the wall lightly.")
    screenshot(page, "session-review")
    session.refresh_from_db()
    assert session.coach_comment == "Right side: hold the wall lightly."
