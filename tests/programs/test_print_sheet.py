"""The print sheet: each day's date and weekday in the client's calendar when printed for one
client, blank date boxes on a template, and the target effort, tempo and notes of each row."""

import html
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from coach.models import Coach
from exercises.models import Exercise
from programs import services
from programs.models import Assignment, Program
from tests.coach.factories import ClientFactory, CoachFactory
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, assign, plan, routine

pytestmark = pytest.mark.django_db


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def day_headings(response) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """Each printed day's heading in words, by day number."""
    assert response.status_code == 200
    headings = {}
    for h2 in re.findall(r"<h2>(.*?)</h2>", response.content.decode(), flags=re.S):
        text = _text(h2)
        number = re.match(r"Day (\d+)", text)
        assert number, text
        headings[int(number.group(1))] = text
    return headings


def _rows(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each row of the first printed day in words, by exercise name."""
    day_one = response.content.decode().split('class="sheet-day"')[1]
    rows = re.findall(r"<tr>(.*?)</tr>", day_one, flags=re.S)[1:]
    found = {}
    for row in rows:
        name = re.search(r"<th[^>]*>(.*?)(<br>|</th>)", row, flags=re.S)
        assert name, row
        found[_text(name.group(1))] = _text(row)
    return found


def _exercise(coach: Coach, name: str = "Split squat") -> Exercise:
    return ExerciseFactory.create(owner=coach, name=name)


def _filled(coach: Coach, program: Program, exercise: Exercise) -> Program:
    """Every day of the program holds the exercise, so every day is printed."""
    for number in range(1, program.days.count() + 1):
        add(coach, program, number, exercise, sets=2, reps_per_side=8)
    return program


def _sheet_url(assignment: Assignment) -> str:
    url = reverse("program-print", args=[assignment.program_id])
    return f"{url}?assignment={assignment.pk}"


@pytest.fixture
def frozen(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(datetime(2027, 1, 20, 12, tzinfo=UTC), tick=False)


# --- dates for one client ----------------------------------------------------------------------


def test_a_clients_sheet_dates_each_day_on_its_weekday_and_after_a_pause(
    frozen, coach, coach_client
):
    # given Mon/Wed/Fri for two weeks from Monday 1 February, paused Saturday 6 to Wednesday 10
    template = _filled(coach, plan(coach, weeks=2, weekdays=(0, 2, 4)), _exercise(coach))
    (assignment,) = assign(coach, template, starts_on=date(2027, 2, 1))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 2, 6))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 2, 10))

    # when
    headings = day_headings(coach_client.get(_sheet_url(assignment)))

    # then the first week keeps its dates, and the second moved a whole week, same weekdays
    assert headings[1].endswith("Monday 1 February 2027")
    assert headings[2].endswith("Wednesday 3 February 2027")
    assert headings[3].endswith("Friday 5 February 2027")
    assert headings[4].endswith("Monday 15 February 2027")
    assert headings[6].endswith("Friday 19 February 2027")
    assert not any("Date: __" in heading for heading in headings.values())


def test_a_plan_started_midweek_dates_its_first_monday_a_week_on(frozen, coach, coach_client):
    template = _filled(coach, plan(coach, weeks=1, weekdays=(0, 2)), _exercise(coach))
    (assignment,) = assign(coach, template, starts_on=date(2027, 2, 3))  # a Wednesday

    headings = day_headings(coach_client.get(_sheet_url(assignment)))

    assert headings[1].endswith("Monday 8 February 2027")
    assert headings[2].endswith("Wednesday 3 February 2027")


def test_a_routine_paused_now_leaves_the_days_after_the_pause_undated(frozen, coach, coach_client):
    template = _filled(coach, routine(coach, length_days=4), _exercise(coach))
    (assignment,) = assign(coach, template, starts_on=date(2027, 3, 1))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 3, 3))

    headings = day_headings(coach_client.get(_sheet_url(assignment)))

    assert headings[1].endswith("Monday 1 March 2027")
    assert headings[2].endswith("Tuesday 2 March 2027")
    # the schedule of days 3 and 4 is known only once the coach resumes
    assert headings[3] == "Day 3 after the pause · Date: ________"
    assert headings[4] == "Day 4 after the pause · Date: ________"


# --- templates and other practices -------------------------------------------------------------


def test_a_template_plan_shows_weekdays_and_a_blank_date_box(coach, coach_client):
    template = _filled(coach, plan(coach, weeks=1, weekdays=(1, 3)), _exercise(coach))

    headings = day_headings(coach_client.get(reverse("program-print", args=[template.pk])))

    assert headings == {
        1: "Day 1 Tuesday · Date: ________",
        2: "Day 2 Thursday · Date: ________",
    }


def test_a_template_routine_has_a_blank_date_box_and_no_weekday(coach, coach_client):
    template = _filled(coach, routine(coach, length_days=2), _exercise(coach))

    headings = day_headings(coach_client.get(reverse("program-print", args=[template.pk])))

    assert headings == {1: "Day 1 Date: ________", 2: "Day 2 Date: ________"}


def test_another_practices_assignment_gives_no_dates(frozen, coach, coach_client):
    template = _filled(coach, routine(coach, length_days=2), _exercise(coach))
    (mine,) = assign(coach, template, starts_on=date(2027, 3, 1))
    other = CoachFactory.create()
    theirs_template = _filled(other, routine(other, length_days=2), _exercise(other, "Lunge"))
    (theirs,) = assign(other, theirs_template, starts_on=date(2027, 3, 1))
    url = reverse("program-print", args=[mine.program_id])

    for value in (str(theirs.pk), "x1", ""):
        response = coach_client.get(f"{url}?assignment={value}")
        assert day_headings(response)[1] == "Day 1 Date: ________"
        assert "Monday 1 March" not in response.content.decode()


# --- target effort, tempo and notes ------------------------------------------------------------


def test_each_row_shows_target_effort_tempo_and_notes_where_set(frozen, coach, coach_client):
    template = routine(coach, length_days=1)
    add(
        coach,
        template,
        1,
        _exercise(coach, "Split squat"),
        sets=3,
        reps_per_side=6,
        tempo="3-1-1-0",
        target_rpe=Decimal("7.5"),
        notes="Front foot flat.\nKnee over the toes.",
    )
    add(coach, template, 1, _exercise(coach, "Side plank"), sets=2, reps_per_side=5)
    client = ClientFactory.create(coach=coach, name="Ines Costa")
    (assignment,) = assign(coach, template, starts_on=date(2027, 3, 1), clients=[client])

    for url in (reverse("program-print", args=[template.pk]), _sheet_url(assignment)):
        rows = _rows(coach_client.get(url))

        assert "Target effort 7.5 out of 10" in rows["Split squat"]
        assert "Tempo 3-1-1-0" in rows["Split squat"]
        assert "Front foot flat. Knee over the toes." in rows["Split squat"]
        # nothing set, nothing said
        assert "effort" not in rows["Side plank"]
        assert "Tempo" not in rows["Side plank"]


def test_notes_are_escaped(coach, coach_client):
    template = routine(coach, length_days=1)
    add(coach, template, 1, _exercise(coach), sets=1, notes="<b>slow</b> & steady")

    response = coach_client.get(reverse("program-print", args=[template.pk]))

    assert "&lt;b&gt;slow&lt;/b&gt; &amp; steady" in response.content.decode()
