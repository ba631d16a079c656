"""Running indicators, for the client (/me/runs/) and their coach (/clients/<id>/runs/): type a
run in, list and delete runs, import a watch's CSV export with its columns mapped once."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coach import selectors as coach_selectors
from coach.errors import DomainError, add_to_form
from coach.models import Client, Coach, User
from coach.permissions import client_required, coach_required
from training import running
from training.models import RunMetric
from training.run_forms import RunMappingForm, RunMetricForm, RunUploadForm

RUNS_PER_PAGE = 25
# The runs page charts the last weeks; the progress page has its own time ranges.
CHART_WEEKS = 12
PREVIEW_ROWS = 5


@dataclass
class RunPages:
    """Where a runs page and its actions live: under the client's own /me/ or, for their
    coach, under the client's page."""

    client: Client
    for_coach: bool

    def _url(self, name: str, *args: object) -> str:
        if self.for_coach:
            return reverse(f"client-{name}", args=[self.client.pk, *args])
        return reverse(f"me-{name}", args=list(args))

    @property
    def list_url(self) -> str:
        return self._url("runs")

    @property
    def import_url(self) -> str:
        return self._url("run-import")

    def delete_url(self, run: RunMetric) -> str:
        return self._url("run-delete", run.pk)

    @property
    def can_write(self) -> bool:
        return self.client.archived_at is None


def _day(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


def _runs_page(request: HttpRequest, pages: RunPages) -> HttpResponse:
    client = pages.client
    today = client.local_today()
    form = RunMetricForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run, created = running.run_metric_save(
                by=request.user,  # type: ignore[arg-type]
                client=client,
                on=data["on"],
                data=data,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                f"Run of {_day(run.on)} saved."
                if created
                else f"Run of {_day(run.on)} updated: its figures replace the ones before.",
            )
            return redirect(pages.list_url)
    page = Paginator(
        running.run_metrics_for(user=request.user).filter(client=client).order_by("-on", "-id"),
        RUNS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "training/runs.html",
        {
            "client": client,
            "pages": pages,
            "form": form,
            "page": page,
            "rows": [(run, pages.delete_url(run)) for run in page],
            "runs": running.runs_for(client, since=today - timedelta(weeks=CHART_WEEKS)),
            "chart_weeks": CHART_WEEKS,
        },
        status=400 if request.method == "POST" else 200,
    )


def _delete_page(request: HttpRequest, pages: RunPages, run_pk: int) -> HttpResponse:
    run = running.run_metric_get_for(user=request.user, pk=run_pk)
    if run.client_id != pages.client.pk:
        raise Http404
    if request.method == "POST":
        try:
            running.run_metric_delete(run=run)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Run of {_day(run.on)} deleted.")
        return redirect(pages.list_url)
    return render(request, "training/run_delete.html", {"run": run, "pages": pages})


def _import_page(request: HttpRequest, pages: RunPages) -> HttpResponse:
    """Upload (the file is read and its columns offered, pre-filled with the user's saved
    mapping), then import with the mapping as confirmed. Nothing is kept between the two but
    the file's text, carried in the form."""
    user: User = request.user  # type: ignore[assignment]
    saved = running.run_import_mapping_of(user)
    upload = RunUploadForm()
    mapping: RunMappingForm | None = None
    parsed: running.CsvFile | None = None
    refused: list[running.LineError] = []
    status = 200
    if request.method == "POST" and "content" in request.POST:
        try:
            parsed = running.csv_read(request.POST["content"])
        except DomainError as error:
            upload = RunUploadForm()
            upload.add_error(None, error.message)
            status = 400
        else:
            mapping = RunMappingForm(request.POST, headers=parsed.headers)
            if mapping.is_valid():
                try:
                    result = running.run_import(
                        by=user,
                        client=pages.client,
                        text=mapping.cleaned_data["content"],
                        columns=mapping.columns,
                        units=mapping.units,
                    )
                except running.RunImportRefused as error:
                    refused = error.errors
                except DomainError as error:
                    add_to_form(mapping, error)
                else:
                    _imported_message(request, result)
                    return redirect(pages.list_url)
            status = 400
    elif request.method == "POST":
        upload = RunUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                text = running.csv_text(upload.cleaned_data["file"].read())
                parsed = running.csv_read(text)
            except DomainError as error:
                add_to_form(upload, error)
                status = 400
            else:
                mapping = RunMappingForm(
                    initial={
                        "content": parsed.text,
                        **_initial_columns(saved["columns"], parsed.headers),
                        **saved["units"],
                    },
                    headers=parsed.headers,
                )
        else:
            status = 400
    return render(
        request,
        "training/run_import.html",
        {
            "client": pages.client,
            "pages": pages,
            "upload": upload,
            "mapping": mapping,
            "saved": saved,
            "has_saved": bool(saved["columns"]),
            "preview": parsed.rows[:PREVIEW_ROWS] if parsed else [],
            "headers": parsed.headers if parsed else [],
            "refused": refused,
        },
        status=status,
    )


def _initial_columns(saved: dict[str, str], headers: list[str]) -> dict[str, str]:
    """The saved columns where this file has them; a guess from the headers for a first
    upload, or for a saved column this file lacks."""
    guessed = running.columns_guess(headers)
    if not saved:
        return guessed
    kept = {name: header for name, header in saved.items() if header in headers}
    return {**{n: h for n, h in guessed.items() if n in saved and n not in kept}, **kept}


def _imported_message(request: HttpRequest, result: running.RunImported) -> None:
    parts = []
    if result.created:
        parts.append(f"{result.created} run{'s' if result.created != 1 else ''} added")
    if result.updated:
        parts.append(
            f"{result.updated} date{'s' if result.updated != 1 else ''} already recorded updated"
        )
    text = f"Imported: {', '.join(parts) or 'nothing new'}."
    for on, lines in sorted(result.repeated.items()):
        text += f" {_day(on)} is on lines {', '.join(map(str, lines))}: line {lines[-1]} was kept."
    messages.success(request, text)


# --- the client's own pages ------------------------------------------------------------------


@client_required
def my_runs(request: HttpRequest, client: Client) -> HttpResponse:
    return _runs_page(request, RunPages(client=client, for_coach=False))


@client_required
def my_run_import(request: HttpRequest, client: Client) -> HttpResponse:
    return _import_page(request, RunPages(client=client, for_coach=False))


@client_required
def my_run_delete(request: HttpRequest, client: Client, run_pk: int) -> HttpResponse:
    return _delete_page(request, RunPages(client=client, for_coach=False), run_pk)


# --- the coach's pages about a client --------------------------------------------------------


def _coach_pages(coach: Coach, pk: int) -> RunPages:
    return RunPages(client=coach_selectors.client_get_for(coach=coach, pk=pk), for_coach=True)


@coach_required
def client_runs(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    return _runs_page(request, _coach_pages(coach, pk))


@coach_required
def client_run_import(request: HttpRequest, coach: Coach, pk: int) -> HttpResponse:
    return _import_page(request, _coach_pages(coach, pk))


@coach_required
def client_run_delete(request: HttpRequest, coach: Coach, pk: int, run_pk: int) -> HttpResponse:
    return _delete_page(request, _coach_pages(coach, pk), run_pk)
