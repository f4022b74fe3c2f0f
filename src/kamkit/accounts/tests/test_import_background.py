"""CRM imports in the background: the web import and the API's background mode queue a task that
imports as the person who asked, the run page follows it, the upload is deleted, a crash leaves a
failed run with the reason. In tests the task backend runs a task as soon as it is queued; the
queueing itself waits for the commit, hence ``django_capture_on_commit_callbacks``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from kamkit.accounts import views
from kamkit.accounts.importers import run as import_run
from kamkit.accounts.importers import uploads
from kamkit.accounts.models import Account
from kamkit.core.choices import ImportStatus
from kamkit.core.models import AuditEntry, ImportRun
from kamkit.users.tests.fixtures import Org, signed_in

DATA = Path(__file__).parent / "data"
SAMPLE_ACCOUNTS = DATA / "accounts.csv"
ApiAs = Callable[[Any], Any]
Capture = Callable[..., Any]


def csv_file(rows: list[list[str]], name: str = "file.csv") -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path = Path(settings.DATA_DIR) / "test-sources" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(out.getvalue())
    return path


def kept_files() -> set[Path]:
    """Every file waiting in DATA_DIR/imports (uploads between steps, and queued ones)."""
    return {path for path in uploads.folder().rglob("*") if path.is_file()}


@pytest.fixture
def no_leftovers() -> Iterator[None]:
    """The test leaves no upload behind it."""
    before = kept_files()
    yield
    assert kept_files() == before


def upload(client: Client, path: Path, kind: str = "accounts") -> str:
    with path.open("rb") as handle:
        response = client.post("/accounts/import/", {"kind": kind, "file": handle})
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"])


def mapping_post(client: Client, mapping_url: str, **changes: str) -> dict[str, str]:
    """The mapping form as the page offers it (its preselected choices), with ``changes``."""
    form = client.get(mapping_url).context["form"]
    data = {name: str(form[name].value() or "") for name in form.fields}
    data.update(changes)
    return data


def page(client: Client, url: str, *, htmx: bool = False) -> str:
    response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 200
    return response.content.decode()


OWN_ACCOUNTS = [["Account Name", "Account Owner"], ["Mine Ltd", "kam.a@example.test"], ["Also Mine", "Kam A"]]


# The web import ---------------------------------------------------------------------------------------


def test_the_import_is_queued_shown_at_once_then_lands_with_its_counts(
    org: Org, django_capture_on_commit_callbacks: Capture, no_leftovers: None
) -> None:
    # given an account manager's upload of two accounts they own, its columns checked
    client = signed_in(org.kam_a)
    mapping_url = upload(client, csv_file(OWN_ACCOUNTS))
    token = mapping_url.rstrip("/").rsplit("/", 1)[-1]
    # when they import it, the task is queued only once the request's transaction commits
    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer = client.post(mapping_url, mapping_post(client, mapping_url, action="import"))
    # then they are sent to the run page straight away, where the run waits, queued, and polls
    run = ImportRun.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/accounts/import/runs/{run.pk}/"
    assert (run.status, run.started_by, run.dry_run) == (ImportStatus.QUEUED, org.kam_a, False)
    assert Account.objects.count() == 0 and len(queued) == 1
    waiting = page(client, answer["Location"])
    assert "Queued (waiting for the worker)" in waiting and 'hx-trigger="every 2s"' in waiting
    assert f'href="/accounts/import/runs/{run.pk}/">refresh</a>' in waiting  # for pages without JS
    assert not (uploads.folder() / f"{token}.csv").exists()  # moved out of the two-hour sweep
    assert len(list((uploads.folder() / uploads.QUEUED).glob(f"{token}.*"))) == 1
    # and when the worker runs it: the rows are written as the person, the file is gone
    queued[0]()
    run.refresh_from_db()
    assert (run.status, run.row_count, run.created_count) == (ImportStatus.DONE, 2, 2)
    assert set(Account.objects.values_list("name", "owner__email")) == {
        ("Mine Ltd", "kam.a@example.test"),
        ("Also Mine", "kam.a@example.test"),
    }
    finished = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ImportRun),
        object_id=str(run.pk),
        changes__has_key="finished_at",
    ).get()
    assert finished.actor == org.kam_a
    done = page(client, answer["Location"])
    assert 'id="created">2<' in done and "hx-trigger" not in done
    assert client.get(mapping_url).status_code == 404  # the upload's token is spent


def test_a_refused_import_lists_the_bad_lines_on_its_run_page_and_writes_nothing(
    org: Org, django_capture_on_commit_callbacks: Capture, no_leftovers: None
) -> None:
    # given a file where line 3 is someone else's account and line 4 has a bad revenue
    rows = [
        ["Account Name", "Account Owner", "Annual Revenue"],
        ["Mine Ltd", "Kam A", "10"],
        ["Theirs Ltd", "Kam South", "20"],
        ["Lots Ltd", "Kam A", "lots"],
    ]
    client = signed_in(org.kam_a)
    mapping_url = upload(client, csv_file(rows))
    # when it is imported in the background
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(mapping_url, mapping_post(client, mapping_url, action="import"))
    # then the run is refused, with each bad row by line, and nothing was written
    run = ImportRun.objects.get()
    assert (run.status, run.error_count, run.row_count) == (ImportStatus.REFUSED, 2, 3)
    assert Account.objects.count() == 0
    html = page(client, answer["Location"])
    assert "Refused (nothing written)" in html and "Nothing from this file was written." in html
    owner_error = "you may import only accounts that you (or your people) own or back up"
    assert f"<li>line 3, Account Owner: {owner_error}</li>" in html
    assert "<li>line 4, Annual Revenue: &#x27;lots&#x27; is not a number</li>" in html
    assert "hx-trigger" not in html


def test_another_user_cannot_see_the_run_page_or_its_polled_part(
    org: Org, django_capture_on_commit_callbacks: Capture, api_as: ApiAs
) -> None:
    client = signed_in(org.kam_a)
    mapping_url = upload(client, csv_file(OWN_ACCOUNTS))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(mapping_url, mapping_post(client, mapping_url, action="import"))
    run_url = answer["Location"]
    run = ImportRun.objects.get()
    other = signed_in(org.kam_b)
    assert other.get(run_url).status_code == 404
    assert other.get(run_url, headers={"HX-Request": "true"}).status_code == 404
    assert api_as(org.kam_b).get(f"/imports/runs/{run.pk}").status_code == 404
    # their manager and an admin see it, as on the import page's list
    assert signed_in(org.north_manager).get(run_url).status_code == 200
    assert api_as(org.admin).get(f"/imports/runs/{run.pk}").status_code == 200


def test_the_polled_part_polls_while_unfinished_and_stops_when_finished(org: Org) -> None:
    # given a run still queued and one done
    client = signed_in(org.admin)
    queued = ImportRun.objects.create(kind="deals", filename="big.csv", status=ImportStatus.QUEUED)
    done = ImportRun.objects.create(
        kind="deals", filename="big.csv", status=ImportStatus.DONE, row_count=3, created_count=3
    )
    # when htmx asks for the status part, it gets the part alone
    waiting = page(client, f"/accounts/import/runs/{queued.pk}/", htmx=True)
    finished = page(client, f"/accounts/import/runs/{done.pk}/", htmx=True)
    # then the unfinished part asks again in 2 s and the finished one does not ask again
    assert '<section id="import-run"' in waiting and "<html" not in waiting and "<html" not in finished
    assert f'hx-get="/accounts/import/runs/{queued.pk}/" hx-trigger="every 2s" hx-swap="outerHTML"' in waiting
    assert "hx-trigger" not in finished and 'id="created">3<' in finished
    # and the page and its part share a URL, so caches keep them apart
    assert "HX-Request" in client.get(f"/accounts/import/runs/{done.pk}/")["Vary"]


def test_a_run_long_in_the_queue_says_a_worker_may_not_be_running(org: Org) -> None:
    client = signed_in(org.admin)
    run = ImportRun.objects.create(kind="deals", filename="big.csv", status=ImportStatus.QUEUED)
    assert "No background worker has taken it yet" not in page(client, f"/accounts/import/runs/{run.pk}/")
    late = dt.timedelta(seconds=views.WORKER_LATE_SECONDS + 1)
    ImportRun.objects.filter(pk=run.pk).update(started_at=run.started_at - late)
    assert "No background worker has taken it yet" in page(client, f"/accounts/import/runs/{run.pk}/")


def test_a_big_file_is_checked_in_the_background_then_imported_with_the_same_choices(
    org: Org,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
    no_leftovers: None,
) -> None:
    # given files over a (lowered) size limit for checking in the request
    monkeypatch.setattr(views, "CHECK_IN_REQUEST_BYTES", 100)
    client = signed_in(org.admin)
    mapping_url = upload(client, SAMPLE_ACCOUNTS)
    token = mapping_url.rstrip("/").rsplit("/", 1)[-1]
    # when the whole file is checked, with revenue in millions
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            mapping_url, mapping_post(client, mapping_url, action="check", revenue_scale="1000000")
        )
    # then the check ran in the background: counts, nothing written, the file kept for the import
    run = ImportRun.objects.get()
    assert answer["Location"] == f"/accounts/import/runs/{run.pk}/"
    assert (run.status, run.dry_run, run.created_count) == (ImportStatus.DRY_RUN, True, 85)
    assert Account.objects.count() == 0 and (uploads.folder() / f"{token}.csv").exists()
    checked = page(client, answer["Location"])
    assert "Check of accounts from accounts.csv" in checked and 'id="created">85<' in checked
    assert f'href="{mapping_url}" role="button" id="import-checked">Import this file</a>' in checked
    # and back on the columns page, the check's choices are kept and it is shown
    back = client.get(mapping_url)
    assert back.context["form"]["revenue_scale"].value() == "1000000"
    assert back.context["last_check"] == run and 'id="last-check"' in back.content.decode()
    # and the import uses them
    with django_capture_on_commit_callbacks(execute=True):
        client.post(mapping_url, mapping_post(client, mapping_url, action="import"))
    assert Account.objects.get(name="Acme Corporation").annual_revenue == Decimal("1100040000.00")


def test_a_small_file_is_still_checked_in_the_request(org: Org) -> None:
    client = signed_in(org.admin)
    mapping_url = upload(client, SAMPLE_ACCOUNTS)
    answer = client.post(mapping_url, mapping_post(client, mapping_url, action="check"))
    assert answer.status_code == 200 and answer.context["result"].created == 85
    assert ImportRun.objects.get().status == ImportStatus.DRY_RUN


def test_an_import_waits_for_the_background_check_of_its_file(
    org: Org, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "CHECK_IN_REQUEST_BYTES", 100)
    client = signed_in(org.admin)
    mapping_url = upload(client, SAMPLE_ACCOUNTS)
    with django_capture_on_commit_callbacks(execute=False):  # the check stays queued
        client.post(mapping_url, mapping_post(client, mapping_url, action="check"))
    check = ImportRun.objects.get()
    answer = client.post(mapping_url, mapping_post(client, mapping_url, action="import"))
    assert answer.status_code == 302 and answer["Location"] == f"/accounts/import/runs/{check.pk}/"
    assert ImportRun.objects.count() == 1 and Account.objects.count() == 0
    assert "still being checked" in page(client, answer["Location"])


# The API's background mode ------------------------------------------------------------------------------


def test_the_api_background_mode_answers_202_and_the_run_gives_the_result(
    org: Org, django_capture_on_commit_callbacks: Capture, api_as: ApiAs, no_leftovers: None
) -> None:
    api = api_as(org.admin)
    # when a file is sent with background=true
    with django_capture_on_commit_callbacks(execute=True), SAMPLE_ACCOUNTS.open("rb") as handle:
        answer = api.upload("/imports/accounts", {"file": handle}, background="true", revenue_scale="1000000")
    # then the answer is at once: 202, the run queued, where to poll it
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert (body["status"], body["finished"], body["dry_run"]) == ("queued", False, False)
    assert body["url"] == f"/api/v1/imports/runs/{body['run_id']}"
    # and polling it gives the result once the worker has run it
    polled = api.get(f"/imports/runs/{body['run_id']}")
    assert polled.status_code == 200
    result = polled.json()
    assert (result["status"], result["finished"], result["created"], result["rows"]) == ("done", True, 85, 85)
    assert result["problems"] == [] and result["filename"] == "accounts.csv"
    assert Account.objects.get(name="Acme Corporation").annual_revenue == Decimal("1100040000.00")


def test_the_api_background_mode_reports_a_refusal_by_line(
    org: Org, django_capture_on_commit_callbacks: Capture, api_as: ApiAs, no_leftovers: None
) -> None:
    api = api_as(org.admin)
    bad = io.BytesIO(b"account,revenue\r\nFine Ltd,1\r\nBad Ltd,lots\r\n")
    bad.name = "bad.csv"
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.upload("/imports/accounts", {"file": bad}, background="true")
    assert answer.status_code == 202
    result = api.get(f"/imports/runs/{answer.json()['run_id']}").json()
    assert (result["status"], result["error_count"]) == ("refused", 1)
    assert result["problems"] == ["line 3, revenue: 'lots' is not a number"]
    assert not Account.objects.exists()


def test_the_api_background_dry_run_writes_nothing(
    org: Org, django_capture_on_commit_callbacks: Capture, api_as: ApiAs, no_leftovers: None
) -> None:
    api = api_as(org.admin)
    with django_capture_on_commit_callbacks(execute=True), SAMPLE_ACCOUNTS.open("rb") as handle:
        answer = api.upload("/imports/accounts", {"file": handle}, background="true", dry_run="true")
    result = api.get(f"/imports/runs/{answer.json()['run_id']}").json()
    assert (result["status"], result["dry_run"], result["created"]) == ("dry_run", True, 85)
    assert not Account.objects.exists()


def test_the_api_background_mode_keeps_the_rights_checks(
    org: Org, django_capture_on_commit_callbacks: Capture, api_as: ApiAs, no_leftovers: None
) -> None:
    with django_capture_on_commit_callbacks(execute=True), SAMPLE_ACCOUNTS.open("rb") as handle:
        viewer = api_as(org.viewer).upload("/imports/accounts", {"file": handle}, background="true")
    assert viewer.status_code == 403 and not ImportRun.objects.exists()
    products = io.BytesIO(b"product,series\r\nGTX,Hardware\r\n")
    products.name = "products.csv"
    with django_capture_on_commit_callbacks(execute=True):
        kam = api_as(org.kam_a).upload("/imports/products", {"file": products}, background="true")
    assert kam.status_code == 403 and not ImportRun.objects.exists()
    assert api_as(None).get("/imports/runs/1").status_code == 401


# Failures -----------------------------------------------------------------------------------------------


def test_an_unexpected_error_in_the_worker_marks_the_run_failed_and_deletes_the_file(
    org: Org,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
    no_leftovers: None,
) -> None:
    # given a worker that breaks before the import has even begun
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the worker lost its disk")

    monkeypatch.setattr(import_run, "import_file", broken)
    client = signed_in(org.kam_a)
    mapping_url = upload(client, csv_file(OWN_ACCOUNTS))
    # when the import runs
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(mapping_url, mapping_post(client, mapping_url, action="import"))
    # then the run is failed with the reason, not left queued or running, and the file is gone
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and run.finished_at is not None
    assert run.errors_report == (f"{import_run.FAILED_UNEXPECTEDLY} (RuntimeError: the worker lost its disk)")
    html = page(client, answer["Location"])
    assert "What went wrong" in html and "the worker lost its disk" in html and "hx-trigger" not in html
    assert not Account.objects.exists()


Queued = tuple[ImportRun, dict[str, Any]]


@pytest.fixture
def queued(org: Org, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch) -> Queued:
    """Kam A's import of their two accounts, queued; the task's arguments captured, not run."""
    name = uploads.keep([csv_file(OWN_ACCOUNTS).read_bytes()], "own.csv", queued=True)
    captured: dict[str, Any] = {}
    monkeypatch.setattr(import_run, "_enqueue", captured.update)
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run.queue_import("accounts", name, filename="own.csv", actor=org.kam_a)
    assert captured["run_id"] == run.pk and captured["actor_id"] == org.kam_a.pk
    return run, captured


def test_a_person_who_left_before_the_worker_ran_gets_a_failed_run(
    no_leftovers: None, org: Org, queued: Queued
) -> None:
    run, arguments = queued
    org.kam_a.is_active = False
    org.kam_a.save()
    assert import_run.run_queued_import(**arguments) == ImportStatus.FAILED
    run.refresh_from_db()
    assert run.errors_report == import_run.FAILED_NO_PERSON and not Account.objects.exists()


def test_a_file_gone_before_the_worker_ran_gives_a_failed_run(queued: Queued) -> None:
    run, arguments = queued
    uploads.remove(arguments["upload"])
    assert import_run.run_queued_import(**arguments) == ImportStatus.FAILED
    run.refresh_from_db()
    assert run.errors_report == import_run.FAILED_NO_FILE


def test_an_error_inside_the_import_marks_the_run_failed_too(
    no_leftovers: None, queued: Queued, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise MemoryError("no room")

    monkeypatch.setattr(import_run, "read_table", broken)
    run, arguments = queued
    with pytest.raises(MemoryError):  # the worker records the task as failed too
        import_run.run_queued_import(**arguments)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and "MemoryError: no room" in run.errors_report


def test_a_task_delivered_twice_imports_once(no_leftovers: None, queued: Queued) -> None:
    _, arguments = queued
    assert import_run.run_queued_import(**arguments) == ImportStatus.DONE
    assert import_run.run_queued_import(**arguments) == ImportStatus.DONE
    assert Account.objects.count() == 2 and ImportRun.objects.get().created_count == 2


def test_upload_names_from_a_task_cannot_point_outside_the_imports_folder(db: None) -> None:
    token = "a" * 32
    assert uploads.path_of(f"{token}.csv") == uploads.folder() / f"{token}.csv"
    assert uploads.path_of(f"queued/{token}.xlsx") == uploads.folder() / "queued" / f"{token}.xlsx"
    for name in (
        "../secret_key",
        f"queued/../{token}.csv",
        f"other/{token}.csv",
        "short.csv",
        f"{token}.c/v",
    ):
        with pytest.raises(uploads.UnknownUpload):
            uploads.path_of(name)
