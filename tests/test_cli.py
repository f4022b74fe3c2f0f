"""The kamkit command line, run as a newcomer would: real processes on a fresh data folder."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
KAMKIT = str(Path(sys.executable).with_name("kamkit"))


def run(
    *args: str, data_dir: Path, extra_env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAMKIT_", "DJANGO_"))}
    env.update({"KAMKIT_DATA_DIR": str(data_dir), **(extra_env or {})})
    return subprocess.run(
        [KAMKIT, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return int(response.status)
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # a slow first answer: ask again
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds}s")


def test_up_on_an_empty_data_folder_serves_the_login_page(tmp_path: Path) -> None:
    # given an empty data folder and a free port
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAMKIT_", "DJANGO_"))}
    env["KAMKIT_DATA_DIR"] = str(tmp_path)
    process = subprocess.Popen(
        [KAMKIT, "up", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        # when it starts, then the login page answers 200 and static files are served
        assert wait_for(f"http://127.0.0.1:{port}/login/", 90) == 200
        assert wait_for(f"http://127.0.0.1:{port}/static/vendor/htmx/htmx.min.js", 5) == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert "demo admin: admin@example.com  password: " in output
    assert "Traceback" not in output
    assert (tmp_path / "kamkit.sqlite3").exists()
    assert (tmp_path / "secret_key").exists()
    # and a second start keeps the data and prints no new password
    check = run("check", data_dir=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "migrations:  up to date" in check.stdout


def test_unwritable_data_folder_gives_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("check", data_dir=blocker / "data")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "KAMKIT_DATA_DIR" in result.stderr and "not a writable folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_gives_one_clear_line(tmp_path: Path) -> None:
    url = f"postgres://kamkit:secret@127.0.0.1:{free_port()}/kamkit"
    result = run("check", data_dir=tmp_path, extra_env={"KAMKIT_DATABASE_URL": url})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kamkit: cannot reach the database postgres://kamkit@127.0.0.1:")
    assert "secret" not in result.stderr  # the password is never printed


def test_unknown_database_url_scheme_gives_one_clear_line(tmp_path: Path) -> None:
    result = run("check", data_dir=tmp_path, extra_env={"KAMKIT_DATABASE_URL": "oracle-ish://x/y"})
    assert result.returncode == 2
    assert "KAMKIT_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_bad_boolean_gives_one_clear_line(tmp_path: Path) -> None:
    result = run("check", data_dir=tmp_path, extra_env={"KAMKIT_DEBUG": "perhaps"})
    assert result.returncode == 2
    assert "KAMKIT_DEBUG='perhaps' is not a yes/no value" in result.stderr


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("KAMKIT_TIME_ZONE", "Mars/Base", "KAMKIT_TIME_ZONE='Mars/Base' is not a time zone name"),
        ("KAMKIT_LOG_LEVEL", "LOUD", "KAMKIT_LOG_LEVEL='LOUD' is not a log level"),
    ],
)
def test_bad_time_zone_or_log_level_gives_one_clear_line(
    tmp_path: Path, name: str, raw: str, message: str
) -> None:
    result = run("check", data_dir=tmp_path, extra_env={name: raw})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"kamkit: {message}")
    assert "Traceback" not in result.stderr


def test_behind_a_tls_proxy_kamkit_sends_hsts_unless_told_not_to(tmp_path: Path) -> None:
    show = ["manage", "shell", "-c", "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)"]
    proxied = run(*show, data_dir=tmp_path, extra_env={"KAMKIT_BEHIND_TLS_PROXY": "1"})
    assert proxied.returncode == 0, proxied.stderr
    assert proxied.stdout.strip().splitlines()[-1] == str(365 * 24 * 3600)
    off = run(
        *show, data_dir=tmp_path, extra_env={"KAMKIT_BEHIND_TLS_PROXY": "1", "KAMKIT_HSTS_SECONDS": "0"}
    )
    assert off.stdout.strip().splitlines()[-1] == "0"
    direct = run(*show, data_dir=tmp_path)
    assert direct.stdout.strip().splitlines()[-1] == "0"  # Django's default: no header over plain HTTP


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["up"],
        ["serve"],
        ["migrate"],
        ["createuser"],
        ["token"],
        ["token", "create"],
        ["demo"],
        ["worker"],
        ["check"],
        ["framework"],
        ["framework", "import"],
        ["framework", "export"],
        ["questionnaire"],
        ["questionnaire", "import"],
        ["questionnaire", "export"],
        ["import"],
        ["import", "accounts"],
        ["import", "contacts"],
        ["import", "deals"],
        ["import", "products"],
        ["export"],
        ["export", "accounts"],
        ["export", "contacts"],
        ["export", "deals"],
        ["export", "products"],
        ["assessments"],
        ["assessments", "remind"],
        ["plans"],
        ["plans", "digest"],
        ["portfolio"],
        ["portfolio", "score"],
        ["portfolio", "export"],
    ],
)
def test_every_sub_command_has_help(tmp_path: Path, command: list[str]) -> None:
    result = run(*command, "--help", data_dir=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: kamkit")


def test_createuser_and_token_create(tmp_path: Path) -> None:
    assert run("migrate", data_dir=tmp_path).returncode == 0
    created = run(
        "createuser", "Ops@Example.test", "--name", "Ops Person", "--role", "director", data_dir=tmp_path
    )
    assert created.returncode == 0, created.stderr
    assert "created ops@example.test (Director)" in created.stdout
    assert "password: " in created.stdout
    duplicate = run("createuser", "ops@example.test", data_dir=tmp_path)
    assert duplicate.returncode == 2 and "already" in duplicate.stderr
    token = run("token", "create", "ops@example.test", data_dir=tmp_path)
    assert token.returncode == 0
    key = token.stdout.strip().splitlines()[0]
    assert key.startswith("kk_") and len(key) > 30
    missing = run("token", "create", "nobody@example.test", data_dir=tmp_path)
    assert missing.returncode == 2 and "no user with e-mail nobody@example.test" in missing.stderr


def test_worker_sends_queued_invitations(tmp_path: Path) -> None:
    # given a person added with --invite: the e-mail waits in the database queue
    assert run("migrate", data_dir=tmp_path).returncode == 0
    created = run("createuser", "new.kam@example.test", "--invite", data_dir=tmp_path)
    assert created.returncode == 0 and "invitation queued" in created.stdout
    mail_dir = tmp_path / "mail"
    assert not mail_dir.exists() or not any(mail_dir.iterdir())
    # when the worker runs what is queued (with the plans digest due from midnight, reminders off)
    schedule_env = {
        "KAMKIT_PLANS_DIGEST_AT": "00:00",
        "KAMKIT_ASSESSMENT_REMINDERS_AT": "off",
        "KAMKIT_SCORECARD_REMINDERS_AT": "off",
    }
    worked = run("worker", "--once", data_dir=tmp_path, extra_env=schedule_env, timeout=60)
    assert worked.returncode == 0, worked.stderr
    # then the daily digest was queued once for today: a second run finds nothing due
    assert "daily jobs queued: plans-digest" in worked.stdout
    again = run("worker", "--once", data_dir=tmp_path, extra_env=schedule_env, timeout=60)
    assert "daily jobs queued: none due" in again.stdout
    # then the invitation was written by the (file) mail backend
    messages = list(mail_dir.iterdir())
    assert len(messages) == 1
    body = messages[0].read_text()
    assert "new.kam@example.test" in body and "/password/reset/" in body


def test_demo_is_dated_from_the_day_given_and_a_bad_day_is_refused(tmp_path: Path) -> None:
    # a day that is not a date, or not written YYYY-MM-DD, is refused before anything is touched
    for text in ("2027-02-30", "20270615", "15/06/2027", "soon"):
        refused = run("demo", "--as-of", text, data_dir=tmp_path)
        assert refused.returncode == 2, text
        assert f"argument --as-of: {text!r} is not a date (YYYY-MM-DD)" in refused.stderr
    far = run("demo", "--as-of", "1999-12-31", data_dir=tmp_path)
    assert far.returncode == 2
    assert "kamkit: --as-of must be between 2000-01-01 and 2999-12-31, not 1999-12-31" in far.stderr
    # a good one dates the demo: its portfolio is scored as of that day
    made = run(
        "demo",
        "--people",
        "12",
        "--accounts",
        "20",
        "--deals",
        "100",
        "--as-of",
        "2027-06-15",
        data_dir=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    assert "kamkit: portfolio: " in made.stdout and "20 accounts scored as of 2027-06-15 in " in made.stdout
    assert "kamkit: plans: " in made.stdout


def test_framework_export_import_round_trip_and_refusal(tmp_path: Path) -> None:
    # given a database with the built-in frameworks
    assert run("migrate", data_dir=tmp_path).returncode == 0
    exported = tmp_path / "planning.md"
    # when the built-in framework is exported as Markdown and imported again
    result = run(
        "framework", "export", "account-planning", "--format", "md", "-o", str(exported), data_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr
    dry = run("framework", "import", str(exported), "--dry-run", data_dir=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[0] == "account-planning"
    assert "dry run, nothing saved" in dry.stdout
    done = run("framework", "import", str(exported), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "account-planning"
    assert "version 2 (draft) created" in lines[1]
    assert lines[2].strip() == "Account planning: 5 low, 5 high, 10 tips, 5 levels, 10 questions"
    # then version 2 exports exactly like version 1 apart from its number
    v1 = run("framework", "export", "account-planning", "--version", "1", data_dir=tmp_path).stdout
    v2 = run("framework", "export", "account-planning", "--version", "2", data_dir=tmp_path).stdout
    assert v1.replace('"version": 1', '"version": 2') == v2
    # and a document it cannot read is refused with the line, exit 1, nothing written
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "X",\n  "competencies": [\n    {"name": }\n  ]\n}\n')
    refused = run("framework", "import", str(bad), data_dir=tmp_path)
    assert refused.returncode == 1
    assert "line 3" in refused.stderr and refused.stdout == ""
    assert run("framework", "export", "x", data_dir=tmp_path).returncode == 1


def test_questionnaire_export_import_round_trip_and_refusals(tmp_path: Path) -> None:
    # given a database with the built-in questionnaire (36 items, 12 reverse-keyed)
    assert run("migrate", data_dir=tmp_path).returncode == 0
    items_csv = tmp_path / "kam.csv"
    exported = run("questionnaire", "export", "kam-behaviours", "-o", str(items_csv), data_dir=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert "wrote KAM behaviours (36 items, csv)" in exported.stderr
    assert items_csv.read_text().splitlines()[0] == "competency,self_text,others_text,reverse"
    framework = ["--framework", "key-account-management"]
    # when its items are imported as a new questionnaire, first as a dry run
    copy = ["questionnaire", "import", str(items_csv), "--name", "KAM copy", *framework]
    dry = run(*copy, "--dry-run", data_dir=tmp_path)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0] == "kam-copy"
    assert "would be created (dry run, nothing saved): 36 items, 12 reversed" in lines[1]
    assert lines[2:] == [
        "  Systematic account management: 6 items, 2 reversed",
        "  Growth inside existing accounts: 6 items, 2 reversed",
        "  Collaboration: 6 items, 2 reversed",
        "  Customer education: 6 items, 2 reversed",
        "  Customer feedback: 6 items, 2 reversed",
        "  Coverage and responsiveness: 6 items, 2 reversed",
    ]
    assert run("questionnaire", "export", "kam-copy", data_dir=tmp_path).returncode == 1  # nothing saved
    # then for real, from Excel too; each exports the same items as the original
    workbook = tmp_path / "kam.xlsx"
    to_excel = run("questionnaire", "export", "kam-behaviours", "-o", str(workbook), data_dir=tmp_path)
    assert to_excel.returncode == 0, to_excel.stderr
    done = run("questionnaire", "import", str(workbook), "--name", "KAM sheet", *framework, data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "kam-sheet" and "created: 36 items, 12 reversed" in done.stdout
    again = run("questionnaire", "export", "kam-sheet", "--format", "csv", data_dir=tmp_path)
    assert again.stdout == items_csv.read_text()
    original = run("questionnaire", "export", "kam-behaviours", "--format", "json", data_dir=tmp_path).stdout
    assert '"reverse": true' in original and '"framework": "key-account-management"' in original
    # and files it cannot take are refused whole, naming the line, exit 1, nothing written
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "competency,self_text,others_text,reverse\n"
        "Collaboration,I share news.,This person shares news.,no\n"
        "Juggling,I juggle.,This person juggles.,no\n"
    )
    refused = run("questionnaire", "import", str(bad), "--name", "Bad", *framework, data_dir=tmp_path)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "no competency called 'Juggling' (line 3 is the first)" in refused.stderr
    bad.write_text("competency,self_text,others_text,reverse\nCollaboration,I share.,They share.,perhaps\n")
    refused = run("questionnaire", "import", str(bad), "--name", "Bad", *framework, data_dir=tmp_path)
    assert refused.returncode == 1 and "line 2, reverse: 'perhaps' is not yes or no" in refused.stderr
    nameless = run("questionnaire", "import", str(bad), *framework, data_dir=tmp_path)
    assert nameless.returncode == 1 and "give the questionnaire a name" in nameless.stderr
    clash = tmp_path / "kam.json"
    clash.write_text(original)
    taken = run("questionnaire", "import", str(clash), data_dir=tmp_path)
    assert taken.returncode == 1 and "already has a questionnaire 'kam-behaviours'" in taken.stderr
    unknown = run(*copy[:5], "--framework", "nope", data_dir=tmp_path)
    assert unknown.returncode == 1 and "no published framework 'nope'" in unknown.stderr
    missing = run("questionnaire", "import", str(tmp_path / "gone.csv"), "--name", "Gone", data_dir=tmp_path)
    assert missing.returncode == 1 and "cannot read" in missing.stderr and "gone.csv" in missing.stderr
    everything = refused.stderr + nameless.stderr + taken.stderr + unknown.stderr + missing.stderr
    assert "Traceback" not in everything
    assert run("questionnaire", "export", "kam-copy", data_dir=tmp_path).returncode == 1


CRM_DATA = Path(__file__).resolve().parents[1] / "src" / "kamkit" / "accounts" / "tests" / "data"


def test_crm_import_reimport_refusal_and_export(tmp_path: Path) -> None:
    # given a fresh database: the CRM sample's accounts, then its deals (no products or agents here)
    assert run("migrate", data_dir=tmp_path).returncode == 0
    accounts = run(
        "import", "accounts", str(CRM_DATA / "accounts.csv"), "--revenue-scale", "1000000", data_dir=tmp_path
    )
    assert accounts.returncode == 0, accounts.stderr
    assert accounts.stdout.startswith("accounts: 85 created, 0 updated, 0 unchanged (85 rows in ")
    pipeline = str(CRM_DATA / "sales_pipeline_excerpt.csv")
    deal_args = ["--unknown-owner", "empty", "--missing-account", "skip", "--map", "product="]
    deals = run("import", "deals", pipeline, *deal_args, data_dir=tmp_path)
    assert deals.returncode == 0, deals.stderr
    assert deals.stdout.startswith("deals: 29 created, 0 updated, 0 unchanged, 3 skipped (no account)")
    # when both are imported again, then they update (nothing changed) instead of duplicating
    again = run("import", "deals", pipeline, *deal_args, data_dir=tmp_path)
    assert again.returncode == 0 and again.stdout.startswith("deals: 0 created, 0 updated, 29 unchanged")
    accounts_again = run(
        "import", "accounts", str(CRM_DATA / "accounts.csv"), "--revenue-scale", "1000000", data_dir=tmp_path
    )
    assert accounts_again.stdout.startswith("accounts: 0 created, 0 updated, 85 unchanged")
    # and a file with bad rows is refused whole: exit 1, each bad row's line and reason on stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "opportunity_id,account,deal_stage,close_value\n"
        "X1,Cancity,Won,10\nX2,Cancity,Won,abc\nX3,Cancity,Maybe,5\nX4,Nowhere,Lost,0\n"
    )
    refused = run("import", "deals", str(bad), data_dir=tmp_path)
    assert refused.returncode == 1 and refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert lines[0] == f"kamkit: {bad}: 3 rows of 4 have errors; nothing was imported."
    assert lines[1] == "line 3, close_value: 'abc' is not a number"
    assert lines[2].startswith("line 4, deal_stage: 'Maybe' is not one of: Prospecting, Engaging")
    assert lines[3].startswith("line 5, account: no account called 'Nowhere'")
    assert "Traceback" not in refused.stderr
    missing = run("import", "deals", str(tmp_path / "nope.csv"), data_dir=tmp_path)
    assert missing.returncode == 1 and "no such file" in missing.stderr
    # the export writes the columns the import reads, so it imports again unchanged
    exported = tmp_path / "accounts.xlsx"
    written = run("export", "accounts", str(exported), data_dir=tmp_path)
    assert written.returncode == 0 and "wrote 85 accounts" in written.stdout
    dry = run("import", "accounts", str(exported), "--dry-run", data_dir=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("accounts: 0 would be created, 0 would be updated, 85 unchanged")
    assert "dry run: nothing was written" in dry.stdout
    deals_csv = tmp_path / "deals.csv"
    assert run("export", "deals", str(deals_csv), data_dir=tmp_path).returncode == 0
    header = deals_csv.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Opportunity ID,Opportunity Name,Account Name,Account ID,Product,Stage,Amount")


def test_crm_products_then_deals_naming_unknown_products_then_stale_scores(tmp_path: Path) -> None:
    # given a fresh database: the CRM sample's products (product, series, sales_price) and accounts
    assert run("migrate", data_dir=tmp_path).returncode == 0
    products = run("import", "products", str(CRM_DATA / "products.csv"), data_dir=tmp_path)
    assert products.returncode == 0, products.stderr
    assert products.stdout.startswith("products: 7 created, 0 updated, 0 unchanged; also created: 3 product")
    scale = ["--revenue-scale", "1000000"]
    accounts = run("import", "accounts", str(CRM_DATA / "accounts.csv"), *scale, data_dir=tmp_path)
    assert accounts.returncode == 0, accounts.stderr
    # when the deals come (their "GTXPro" is the products file's "GTX Pro"), every product is known
    pipeline = str(CRM_DATA / "sales_pipeline_excerpt.csv")
    deal_args = ["--unknown-owner", "empty", "--missing-account", "skip"]
    deals = run("import", "deals", pipeline, *deal_args, data_dir=tmp_path)
    assert deals.returncode == 0, deals.stderr
    assert deals.stdout.startswith("deals: 29 created, 0 updated, 0 unchanged, 3 skipped (no account)")
    # without --missing-account=skip, each deal without an account says how to leave it out
    refused = run("import", "deals", pipeline, "--unknown-owner", "empty", data_dir=tmp_path)
    assert refused.returncode == 1
    assert "line 11, account: a deal needs an account and this row names none; to leave such deals out" in (
        refused.stderr
    )
    assert "--missing-account=skip" in refused.stderr
    # and the products export imports again unchanged
    exported = tmp_path / "products.csv"
    written = run("export", "products", str(exported), data_dir=tmp_path)
    assert written.returncode == 0 and "wrote 7 products" in written.stdout
    dry = run("import", "products", str(exported), "--dry-run", data_dir=tmp_path)
    assert dry.stdout.startswith("products: 0 would be created, 0 would be updated, 7 unchanged"), dry.stderr
    # a deal naming a product that is not here is refused, naming it; on request it is created
    new = tmp_path / "new.csv"
    new.write_text(
        "opportunity_id,account,product,deal_stage,close_date,close_value\n"
        "N1,Cancity,GTX Ultra,Won,2026-10-01,5\n"
    )
    unknown = run("import", "deals", str(new), data_dir=tmp_path)
    assert unknown.returncode == 1
    assert "line 2, product: no product 'GTX Ultra' (known: GTK 500, GTX Basic" in unknown.stderr
    assert "--create-missing-products" in unknown.stderr
    scored = run("portfolio", "score", data_dir=tmp_path)
    assert scored.returncode == 0, scored.stderr
    created = run("import", "deals", str(new), "--create-missing-products", data_dir=tmp_path)
    assert created.returncode == 0, created.stderr
    assert "also created: 1 product ('GTX Ultra') in the line 'Other'" in created.stdout
    # then the scores are stale, and a re-score waits for the worker
    assert "portfolio: Scored at " in created.stdout
    assert "Inputs changed since" in created.stdout and "re-score queued" in created.stdout
    worker = run("worker", "--once", "--no-schedule", data_dir=tmp_path)
    assert worker.returncode == 0, worker.stderr
    again = run("import", "deals", str(new), data_dir=tmp_path)
    assert again.stdout.startswith("deals: 0 created, 0 updated, 1 unchanged"), again.stderr
    assert "portfolio:" not in again.stdout


def test_portfolio_score_prints_the_time_and_top_10_and_export_writes_every_account(tmp_path: Path) -> None:
    assert run("demo", "--accounts", "40", "--deals", "400", data_dir=tmp_path).returncode == 0
    scored = run("portfolio", "score", "--as-of", "2026-11-01", data_dir=tmp_path)
    assert scored.returncode == 0, scored.stderr
    lines = scored.stdout.splitlines()
    assert lines[0].startswith("kamkit: scored 40 accounts as of 2026-11-01 in ")
    assert lines[1].split() == ["rank", "total", "tier", "per", "hour", "account"]
    assert len(lines) == 12 and lines[2].split()[0] == "1"
    target = tmp_path / "scores.csv"
    exported = run("portfolio", "export", str(target), data_dir=tmp_path)
    assert exported.returncode == 0 and "wrote 40 account scores" in exported.stdout
    assert "kamkit: Scored at " in exported.stdout  # when, and whether inputs changed since
    assert len(target.read_text(encoding="utf-8").splitlines()) == 41
    refused = run("portfolio", "score", "--as-of", "yesterday", data_dir=tmp_path)
    assert refused.returncode == 1 and "is not a date" in refused.stderr


# `kamkit up` runs the task worker beside the server -----------------------------------------------------


def clean_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAMKIT_", "DJANGO_"))}
    env["KAMKIT_DATA_DIR"] = str(data_dir)
    return env


def running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting for its parent to reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return condition()


def test_up_runs_the_task_worker_and_stopping_up_stops_it(tmp_path: Path) -> None:
    # given `kamkit up` serving an empty organisation
    port = free_port()
    process = subprocess.Popen(
        [KAMKIT, "up", "--no-demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_env(tmp_path),
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/login/", 90) == 200
        # when someone is invited (the e-mail is a queued task)
        created = run("createuser", "new.kam@example.test", "--invite", data_dir=tmp_path)
        assert created.returncode == 0, created.stderr
        # then the worker beside the server sends it, with no `kamkit worker` started by hand
        mail = tmp_path / "mail"
        assert wait_until(lambda: mail.is_dir() and any(mail.iterdir()), 60), "the invitation was not sent"
    finally:
        process.terminate()  # as a service manager stops it: like Ctrl+C
        output, _ = process.communicate(timeout=90)
    found = re.search(r"kamkit: task worker started \(process (\d+)\)", output)
    assert found, output
    # and stopping `up` stopped its worker too, cleanly
    assert not running(int(found.group(1)))
    assert process.returncode == 0 and "Traceback" not in output
    assert "the task worker stopped" not in output  # stopped on purpose: not reported as a death


def test_up_with_no_worker_starts_none(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [KAMKIT, "up", "--no-demo", "--no-worker", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_env(tmp_path),
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/login/", 90) == 200
        assert run("createuser", "new.kam@example.test", "--invite", data_dir=tmp_path).returncode == 0
        time.sleep(4)  # a worker polls every second: it would have sent the invitation by now
        mail = tmp_path / "mail"
        assert not mail.is_dir() or not any(mail.iterdir())
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=60)
    assert "task worker started" not in output
    assert "no task worker (--no-worker): run 'kamkit worker'" in output


def test_the_worker_command_is_kamkit_worker_run_by_this_python_and_knows_its_parent() -> None:
    from kamkit.config.cli import worker_command

    assert worker_command() == [sys.executable, "-m", "kamkit.config.cli", "worker"]
    assert worker_command(parent_pid=42) == [*worker_command(), "--parent-pid", "42"]
    shown = subprocess.run(
        [*worker_command(), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert shown.returncode == 0 and shown.stdout.startswith("usage: kamkit worker")
    assert "--parent-pid" not in shown.stdout  # set by `up` only


def test_a_worker_child_that_dies_is_reported_and_one_that_runs_is_stopped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kamkit.config.cli import WorkerChild

    # a worker that dies on its own is reported, with its exit code
    dying = WorkerChild.start([sys.executable, "-c", "import sys; sys.exit(3)"])
    dying.watcher.join(timeout=30)
    assert "kamkit: the task worker stopped (exit code 3)" in capsys.readouterr().err
    # one stopped with the server gets SIGTERM, is waited for, and is not reported
    sleeping = WorkerChild.start([sys.executable, "-c", "import time; time.sleep(60)"])
    assert running(sleeping.process.pid)
    assert sleeping.stop(timeout=10) == -15
    sleeping.watcher.join(timeout=10)
    assert not running(sleeping.process.pid)
    assert "stopped" not in capsys.readouterr().err


def test_the_worker_up_started_stops_when_up_is_gone(tmp_path: Path) -> None:
    # given a worker started by a process that then ends (as a `kamkit up` that was killed)
    assert run("migrate", data_dir=tmp_path).returncode == 0
    parent = subprocess.run(
        ["sh", "-c", f'"{KAMKIT}" worker --parent-pid $$ >/dev/null 2>&1 & echo $!; sleep 3'],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        timeout=60,
        check=False,
    )
    worker_pid = int(parent.stdout.strip())
    # then the worker notices and stops by itself
    assert wait_until(lambda: not running(worker_pid), 30), "the worker outlived the process that started it"
