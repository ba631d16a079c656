"""The small things a product has: its icons and web manifest, a time-zone box that suggests
names and says clearly when one is unknown, and a sign-up form that can be sent again after an
error."""

import json
import re
import struct

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from coach.models import Client
from reminders.models import CoachDigest
from tests.coach.factories import ClientFactory, client_data
from tests.programs.factories import routine

pytestmark = pytest.mark.django_db

BRAND = "#1f6f5c"


def static_bytes(path: str) -> bytes:
    found = finders.find(path)
    assert found, f"static/{path} is missing"
    with open(str(found), "rb") as file:
        return file.read()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def served(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return b"".join(response.streaming_content) if response.streaming else response.content


def head_links(html: str) -> dict[str, str]:
    """rel -> href of the <link>s in the page's <head>."""
    head = html.split("</head>", 1)[0]
    links = {}
    for tag in re.findall(r"<link [^>]*>", head):
        rel, href = re.search(r'rel="([^"]+)"', tag), re.search(r'href="([^"]+)"', tag)
        if rel and href:
            links[rel[1]] = href[1]
    return links


# --- icons and manifest ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "size"),
    [("icons/apple-touch-icon.png", 180), ("icons/icon-192.png", 192), ("icons/icon-512.png", 512)],
)
def test_the_app_icons_are_pngs_of_their_size(path, size):
    assert png_size(static_bytes(path)) == (size, size)


def test_the_svg_favicon_is_drawn_in_the_brand_colour():
    svg = static_bytes("icons/favicon.svg").decode()

    assert svg.startswith("<svg")
    assert 'viewBox="0 0 100 100"' in svg
    assert BRAND in svg
    assert BRAND in static_bytes("css/app.css").decode()  # still the product's colour


def test_the_manifest_names_the_product_and_lists_icons_that_exist():
    manifest = json.loads(static_bytes("site.webmanifest"))

    assert manifest["name"] == "Coach"
    assert manifest["start_url"] == "/"
    assert manifest["theme_color"] == BRAND
    sizes = {}
    for icon in manifest["icons"]:
        width, height = png_size(static_bytes(icon["src"]))  # relative to the manifest
        sizes[icon["sizes"]] = (width, height)
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}


def test_every_page_links_its_icons_and_manifest_and_they_are_served(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ as the development server does

    html = client.get(reverse("login")).content.decode()
    links = head_links(html)

    assert {"icon", "apple-touch-icon", "manifest"} <= set(links)
    assert f'<meta name="theme-color" content="{BRAND}">' in html
    for rel in ("icon", "apple-touch-icon", "manifest"):
        assert served(client, links[rel]), f"{rel} is empty"


def test_the_printed_program_has_the_favicon_too(coach_client, coach):
    program = routine(coach)

    html = coach_client.get(reverse("program-print", args=[program.pk])).content.decode()

    assert head_links(html).get("icon", "").endswith("icons/favicon.svg")


def test_favicon_ico_is_answered_with_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("icons/favicon.ico")
    icon = static_bytes("icons/favicon.ico")
    assert icon[:4] == b"\x00\x00\x01\x00"  # an .ico file
    assert png_size(icon[22:]) == (32, 32)  # holding one 32 px PNG


# --- time zones --------------------------------------------------------------------------------


def time_zone_box(html: str) -> str:
    box = re.search(r'<input [^>]*name="time_zone"[^>]*>', html)
    assert box, "no time-zone box on the page"
    return box[0]


def suggestions(html: str) -> list[str]:
    box = time_zone_box(html)
    list_id = re.search(r'list="([^"]+)"', box)
    assert list_id, "the box suggests nothing"
    datalist = re.search(rf'<datalist id="{list_id[1]}">(.*?)</datalist>', html, flags=re.S)
    assert datalist
    return re.findall(r'<option value="([^"]+)"', datalist[1])


def test_a_new_client_form_offers_the_zones_and_leaves_the_box_to_the_browser(coach_client):
    html = coach_client.get(reverse("client-create")).content.decode()

    box = time_zone_box(html)
    assert "value=" not in box  # not UTC: the browser fills in the coach's zone
    assert "data-browser-default" in box
    assert {"Europe/Lisbon", "America/New_York", "UTC"} <= set(suggestions(html))
    assert re.search(r'<script src="[^"]*js/time_zone\.js"', html)


def test_editing_a_client_shows_their_zone_and_leaves_it_alone(coach_client, coach):
    person = ClientFactory.create(coach=coach, time_zone="Asia/Tokyo")

    html = coach_client.get(reverse("client-edit", args=[person.pk])).content.decode()

    box = time_zone_box(html)
    assert 'value="Asia/Tokyo"' in box
    assert "data-browser-default" not in box


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("Europe/Lisbon", "Europe/Lisbon"),
        ("america/new york", "America/New_York"),
        ("  Asia/Ho_Chi_Minh ", "Asia/Ho_Chi_Minh"),
        ("auckland", "Pacific/Auckland"),  # a city alone, when only one zone is named so
        ("New York", "America/New_York"),
    ],
)
def test_a_typed_zone_is_saved_in_its_proper_spelling(coach_client, coach, typed, saved):
    response = coach_client.post(reverse("client-create"), client_data(time_zone=typed))

    assert response.status_code == 302
    assert Client.objects.get(coach=coach).time_zone == saved


@pytest.mark.parametrize("typed", ["Europe/Lisbn", "Atlantis", "Eastern", "<b>x</b>", "x" * 500])
def test_an_unknown_zone_reshows_the_client_form_with_a_clear_message(coach_client, coach, typed):
    response = coach_client.post(reverse("client-create"), client_data(time_zone=typed))

    assert response.status_code == 200
    html = response.content.decode()
    assert "is not a time zone we know" in html
    assert "<b>x</b>" not in html
    assert 'aria-invalid="true"' in time_zone_box(html)
    assert "data-browser-default" not in time_zone_box(html)  # what was typed stays
    assert not Client.objects.filter(coach=coach).exists()


def test_an_empty_zone_asks_for_one(coach_client, coach):
    response = coach_client.post(reverse("client-create"), client_data(time_zone=""))

    assert "Enter a time zone, e.g. Europe/London." in response.content.decode()
    assert not Client.objects.filter(coach=coach).exists()


def test_the_digest_settings_suggest_zones_and_default_to_the_browser_until_saved(coach_client):
    page = reverse("digest-settings")

    first = coach_client.get(page).content.decode()
    assert "data-browser-default" in time_zone_box(first)
    assert "Europe/Lisbon" in suggestions(first)

    wrong = coach_client.post(page, {"send_time": "06:30", "time_zone": "Mars/Base"})
    assert "is not a time zone we know" in wrong.content.decode()
    assert not CoachDigest.objects.exists()

    coach_client.post(page, {"send_time": "06:30", "time_zone": "europe/lisbon"})
    again = coach_client.get(page).content.decode()
    assert 'value="Europe/Lisbon"' in time_zone_box(again)
    assert "data-browser-default" not in time_zone_box(again)


# --- sign-up after an error ----------------------------------------------------------------------

SIGN_UP = {
    "name": "Sam Reyes",
    "email": "sam@example.org",
    "practice_name": "",
    "password1": "lift-heavy-things-42",
    "password2": "lift-heavy-things-24",
}


def input_named(html: str, name: str) -> str:
    box = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    assert box
    return box[0]


def test_after_an_error_both_password_boxes_say_to_type_it_again(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = client.post(reverse("signup"), SIGN_UP)

    html = response.content.decode()
    assert "The two passwords do not match." in html
    assert html.count("Type the password again") == 2
    first, second = input_named(html, "password1"), input_named(html, "password2")
    assert "autofocus" in first  # typing starts at the top
    assert "autofocus" not in second
    assert 'autocomplete="new-password"' in first
    assert 'autocomplete="new-password"' in second
    assert "lift-heavy" not in html  # never sent back

    with django_capture_on_commit_callbacks(execute=True):
        retyped = client.post(reverse("signup"), {**SIGN_UP, "password2": SIGN_UP["password1"]})
    assert retyped.status_code == 302
    assert retyped["Location"] == reverse("signup-sent")
    assert len(mailoutbox) == 1


def test_an_error_elsewhere_puts_the_cursor_there(client):
    data = {**SIGN_UP, "email": "not-an-address", "password2": SIGN_UP["password1"]}

    html = client.post(reverse("signup"), data).content.decode()

    assert "autofocus" in input_named(html, "email")
    assert "autofocus" not in input_named(html, "password1")


def test_a_fresh_sign_up_form_has_no_retype_note(client):
    html = client.get(reverse("signup")).content.decode()

    assert "Type the password again" not in html
    assert "autofocus" not in input_named(html, "password1")
