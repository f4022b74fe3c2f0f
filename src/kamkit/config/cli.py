"""The ``kamkit`` command line: start the app, manage the database, users, tokens and demo data.

Configuration problems and an unreachable database end in one line naming the problem (exit 2),
never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

EXIT_CONFIG = 2
EXIT_REFUSED = 1


class CliError(Exception):
    """A problem to report to the person at the terminal in one line."""

    exit_code = EXIT_CONFIG


class InputRefused(CliError):
    """The input (a file to import, say) was refused; nothing was written. Exit 1."""

    exit_code = EXIT_REFUSED


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.config.settings")
    from kamkit.config.env import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as exc:
        raise CliError(str(exc)) from None


def _check_database() -> None:
    from django.conf import settings
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CliError(
            f"cannot reach the database {settings.KAMKIT_DATABASE_DESCRIPTION}: {reason}"
        ) from None


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _actor(label: str) -> Any:
    from kamkit.core import audit

    return audit.acting_as(label=f"cli:{label}")


# Sub-commands -----------------------------------------------------------------------------------


def cmd_up(args: argparse.Namespace) -> int:
    from kamkit.core import setup

    _check_database()
    print("kamkit: preparing the database…", flush=True)
    _migrate()
    with _actor("up"):
        report = setup.prepare(load_demo=not args.no_demo, seed=args.seed)
    for line in report.lines:
        print(f"kamkit: {line}")
    if report.admin_password:
        print(
            f"kamkit: demo admin: {setup.DEMO_ADMIN_EMAIL}  password: {report.admin_password}"
            "  (shown once; change it after signing in)"
        )
    if args.no_worker:
        print("kamkit: no task worker (--no-worker): run 'kamkit worker' for imports, e-mails and daily jobs")
        return _serve(args.host, args.port, args.threads)
    worker = WorkerChild.start()
    try:
        with _sigterm_as_interrupt():
            return _serve(args.host, args.port, args.threads)
    finally:
        worker.stop()


# The task worker that `kamkit up` runs beside the web server ------------------------------------------

WORKER_STOP_SECONDS = 60.0  # time the worker gets to finish the task it runs when `up` stops


def worker_command(*, parent_pid: int | None = None) -> list[str]:
    """`kamkit worker` (schedule included), run by this Python; with ``parent_pid`` it also stops
    when that process is gone, so a killed `kamkit up` leaves no worker behind."""
    command = [sys.executable, "-m", "kamkit.config.cli", "worker"]
    if parent_pid is not None:
        command += ["--parent-pid", str(parent_pid)]
    return command


class WorkerChild:
    """The worker as a child process of `kamkit up`: started before serving, stopped with it, and
    reported on the terminal if it dies meanwhile (queued work would otherwise wait unseen)."""

    def __init__(self, process: Any) -> None:
        import threading

        self.process = process
        self.stopping = threading.Event()
        self.watcher = threading.Thread(target=self._report_death, name="kamkit-worker-watch", daemon=True)
        self.watcher.start()

    @classmethod
    def start(cls, command: list[str] | None = None) -> WorkerChild:
        import subprocess

        # Its own session: Ctrl+C reaches `up` alone, which then stops the worker with one SIGTERM
        # (finish the running task, then exit), as a service manager would.
        process = subprocess.Popen(command or worker_command(parent_pid=os.getpid()), start_new_session=True)
        print(
            f"kamkit: task worker started (process {process.pid}): imports, e-mails and daily jobs run there",
            flush=True,
        )
        return cls(process)

    def _report_death(self) -> None:
        code = self.process.wait()
        if not self.stopping.is_set():
            print(
                f"kamkit: the task worker stopped (exit code {code}); imports, e-mails and daily jobs wait "
                "until one runs: start 'kamkit worker' in another terminal, or restart 'kamkit up'",
                file=sys.stderr,
                flush=True,
            )

    def stop(self, timeout: float = WORKER_STOP_SECONDS) -> int | None:
        """SIGTERM: the worker finishes its task and exits. Past ``timeout`` (or on a second Ctrl+C)
        a second SIGTERM makes it abandon the task (the import records itself as failed)."""
        import subprocess

        self.stopping.set()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        code: int | None = self.process.returncode
        return code


def _sigterm_as_interrupt() -> Any:
    """SIGTERM stops `up` as Ctrl+C does (the server returns, the worker is stopped after it)."""
    import contextlib
    import signal

    @contextlib.contextmanager
    def handled() -> Any:
        def interrupt(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, interrupt)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)

    return handled()


def _stop_with_parent(parent_pid: int) -> None:
    """For the worker `kamkit up` starts: stop as on SIGTERM once `up` is gone, even killed."""
    import signal
    import threading

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="kamkit-parent-watch", daemon=True).start()


def _serve(host: str, port: int, threads: int) -> int:
    from waitress import serve

    from kamkit.config.wsgi import application

    print(f"kamkit: serving on http://{host}:{port}/  (Ctrl+C stops)", flush=True)
    serve(application, host=host, port=port, threads=threads, ident="kamkit", _quiet=True)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _check_database()
    return _serve(args.host, args.port, args.threads)


def cmd_migrate(args: argparse.Namespace) -> int:
    from kamkit.core import setup

    _check_database()
    _migrate(verbosity=1)
    with _actor("migrate"):
        for line in setup.load_builtin():
            print(f"kamkit: {line}")
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    import secrets

    from django.db import transaction

    from kamkit.core.errors import ServiceError
    from kamkit.users import services

    _check_database()
    password = args.password
    generated = False
    if args.invite:
        password = None
    elif password is None:
        password = secrets.token_urlsafe(12)
        generated = True
    try:
        with _actor("createuser"), transaction.atomic():
            user = services.create_user(
                email=args.email,
                full_name=args.name or args.email.split("@")[0],
                role=args.role,
                password=password,
                validate=not generated,
                invite=args.invite,
            )
    except ServiceError as exc:
        messages = "; ".join(m for ms in exc.errors.values() for m in ms)
        raise CliError(f"{exc.detail} {messages}".strip()) from None
    print(f"created {user.email} ({user.get_role_display()})")
    if generated:
        print(f"password: {password}")
    if args.invite:
        print("invitation queued: 'kamkit worker' sends it")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from django.db import transaction

    from kamkit.users import services
    from kamkit.users.models import User

    _check_database()
    user = User.objects.filter(email__iexact=args.email).first()
    if user is None:
        raise CliError(f"no user with e-mail {args.email}")
    if not user.is_active:
        raise CliError(f"{args.email} is inactive; activate the user first")
    with _actor("token"), transaction.atomic():
        created = services.create_token(user=user, name=args.name)
    print(created.key)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from kamkit.core import demo

    _check_database()
    _migrate()
    started = time.perf_counter()
    with _actor("demo"):
        try:
            report = demo.generate(
                demo.DemoSize(people=args.people, accounts=args.accounts, deals=args.deals),
                seed=args.seed,
                as_of=args.as_of,
            )
        except demo.DemoRefused as exc:
            raise CliError(str(exc)) from None
    for line in report:
        print(f"kamkit: {line}")
    print(f"kamkit: demo organisation ready in {time.perf_counter() - started:.1f}s")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import threading

    from django.conf import settings
    from django.core.management import call_command

    from kamkit.core import schedule

    _check_database()
    options: dict[str, Any] = {"interval": args.interval}
    if args.parent_pid:
        _stop_with_parent(args.parent_pid)
        options["reload"] = False  # the reloader's own child would outlive `kamkit up`
    if args.once:
        queued = schedule.queue_due_jobs()
        print(f"kamkit: daily jobs queued: {', '.join(queued) if queued else 'none due'}", flush=True)
        options["batch"] = True
        call_command("db_worker", **options)
        return 0
    stop = threading.Event()
    if not args.no_schedule:
        schedule.run_in_background(stop)
        jobs = ", ".join(f"{job.name} at {job.at:%H:%M}" for job in schedule.daily_jobs()) or "none"
        print(f"kamkit: daily jobs ({settings.TIME_ZONE} time): {jobs}", flush=True)
    print("kamkit: task worker started (Ctrl+C stops)", flush=True)
    try:
        call_command("db_worker", **options)
    finally:
        stop.set()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    _check_database()
    call_command("check", verbosity=0)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    print(f"data folder: {settings.DATA_DIR}")
    print(f"database:    {settings.KAMKIT_DATABASE_DESCRIPTION} (reachable)")
    print(f"debug:       {'on' if settings.DEBUG else 'off'}")
    mail_backend = str(settings.MAILERS["default"]["BACKEND"]).rsplit(".", 2)[-2]
    print(f"e-mail:      {mail_backend}")
    if pending:
        print(f"migrations:  {len(pending)} pending - run 'kamkit migrate'")
        return 1
    print("migrations:  up to date")
    print("kamkit: all checks passed")
    return 0


def _read_bytes(path: str) -> bytes:
    """A file's bytes, or standard input's for '-'; a file that cannot be read is refused (exit 1)."""
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputRefused(f"cannot read {path}: {exc.strerror or exc}") from None


def _read_input(path: str) -> str:
    """A text file, or standard input for '-'; UTF-8 with a fallback for Windows-made files."""
    raw = _read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def cmd_framework_import(args: argparse.Namespace) -> int:
    from django.db import transaction

    from kamkit.core.errors import ServiceError
    from kamkit.frameworks import services

    _check_database()
    text = _read_input(args.path)
    try:
        with _actor("framework import"), transaction.atomic():
            result = services.import_document(
                text=text,
                filename="" if args.path == "-" else args.path,
                format=args.format,
                slug=args.slug,
                dry_run=args.dry_run,
                publish=args.publish,
            )
    except ServiceError as exc:
        raise InputRefused(
            f"{args.path}: {exc.detail.removeprefix('The document was not imported: ')}"
        ) from None
    print(result.slug)
    state = "would be created (dry run, nothing saved)" if args.dry_run else "created"
    status = "published" if args.publish else "draft"
    print(
        f"{result.doc.name} version {result.version} ({status}) {state}: "
        f"{len(result.doc.competencies)} competencies"
    )
    for line in result.summary:
        print(f"  {line}")
    return 0


def cmd_framework_export(args: argparse.Namespace) -> int:
    from kamkit.frameworks import queries
    from kamkit.frameworks.documents import write
    from kamkit.frameworks.models import Framework

    _check_database()
    versions = Framework.objects.filter(slug=args.slug)
    if not versions.exists():
        known = ", ".join(sorted(set(Framework.objects.values_list("slug", flat=True)))) or "none"
        raise InputRefused(f"no framework {args.slug!r} (known: {known})")
    framework = (
        versions.filter(version=args.version).first()
        if args.version
        else versions.filter(status="published").order_by("-version").first()
        or versions.order_by("-version").first()
    )
    if framework is None:
        raise InputRefused(f"{args.slug} has no version {args.version}")
    text = write(queries.document_of(framework), args.format)
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"kamkit: wrote {framework} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_questionnaire_import(args: argparse.Namespace) -> int:
    """Import an assessment questionnaire (JSON/YAML whole, CSV/XLSX items only), all or nothing."""
    from django.db import transaction

    from kamkit.assessments import queries, services
    from kamkit.core.errors import ServiceError
    from kamkit.frameworks.models import Framework

    _check_database()
    data = _read_bytes(args.path)
    framework = None
    if args.framework:
        try:
            framework = services.framework_named(args.framework)
        except ServiceError:
            published = Framework.objects.filter(status="published").values_list("slug", flat=True)
            known = ", ".join(sorted(set(published))) or "none"
            raise InputRefused(f"no published framework {args.framework!r} (published: {known})") from None
    try:
        with _actor("questionnaire import"), transaction.atomic():
            questionnaire = services.import_questionnaire(
                data=data,
                filename="" if args.path == "-" else os.path.basename(args.path),
                format="csv" if args.format == "xlsx" else (args.format or ""),
                framework=framework,
                name=args.name or "",
            )
            summary = queries.item_summary(questionnaire)
            if args.dry_run:
                transaction.set_rollback(True)
    except ServiceError as exc:
        lines = exc.detail.removeprefix("The questionnaire was not imported: ").splitlines()
        lines += [m for ms in exc.errors.values() for m in ms if m[:20] not in exc.detail]  # no repeats
        print(f"kamkit: {args.path}: {lines[0]}", file=sys.stderr)
        for line in lines[1:]:
            print(line, file=sys.stderr)
        return EXIT_REFUSED
    print(questionnaire.slug)
    state = "would be created (dry run, nothing saved)" if args.dry_run else "created"
    items = sum(count for _, count, _ in summary)
    reverse = sum(reversed_ for _, _, reversed_ in summary)
    print(f"{questionnaire.name} for {questionnaire.framework} {state}: {items} items, {reverse} reversed")
    for name, count, reversed_ in summary:
        print(f"  {name}: {count} items, {reversed_} reversed")
    return 0


def cmd_questionnaire_export(args: argparse.Namespace) -> int:
    from kamkit.assessments import queries
    from kamkit.assessments.documents import write_bytes
    from kamkit.assessments.models import Questionnaire

    _check_database()
    found = Questionnaire.objects.filter(slug=args.slug).select_related("framework")
    if args.framework:
        found = found.filter(framework__slug=args.framework)
    questionnaire = found.order_by("-framework__version", "-id").first()
    if questionnaire is None:
        known = ", ".join(sorted(set(Questionnaire.objects.values_list("slug", flat=True)))) or "none"
        raise InputRefused(f"no questionnaire {args.slug!r} (known: {known})")
    output = args.output if args.output and args.output != "-" else None
    format = args.format or next(
        (f for f in ("json", "yaml", "csv", "xlsx") if output and output.lower().endswith(f".{f}")), "json"
    )
    data = write_bytes(queries.document_of(questionnaire), format)
    if output:
        try:
            with open(output, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise InputRefused(f"cannot write {output}: {exc.strerror or exc}") from None
        count = questionnaire.items.count()
        print(f"kamkit: wrote {questionnaire} ({count} items, {format}) to {output}", file=sys.stderr)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


def _overrides(pairs: Sequence[str] | None) -> dict[str, str]:
    """--map KEY=HEADER choices ('KEY=' leaves that column out)."""
    overrides: dict[str, str] = {}
    for pair in pairs or []:
        key, equals, header = pair.partition("=")
        if not equals or not key.strip():
            raise InputRefused(f"--map {pair!r}: write KEY=HEADER, e.g. --map owner='Sales agent'")
        overrides[key.strip()] = header.strip()
    return overrides


def cmd_crm_import(args: argparse.Namespace) -> int:
    """Import accounts, contacts or deals from a CSV or XLSX file, all or nothing."""
    from decimal import Decimal

    from kamkit.accounts import importers
    from kamkit.core.imports import ImportRefused

    _check_database()
    if not os.path.isfile(args.path):
        raise InputRefused(f"cannot read {args.path}: no such file")
    options = importers.ImportOptions(
        revenue_scale=getattr(args, "revenue_scale", None) or Decimal(1),
        unknown_owner=getattr(args, "unknown_owner", "error"),
        missing_account=getattr(args, "missing_account", "error"),
        create_missing_products=getattr(args, "create_missing_products", False),
    )
    started = time.perf_counter()
    try:
        with _actor("import"):
            result = importers.import_file(
                args.kind,
                args.path,
                filename=os.path.basename(args.path),
                overrides=_overrides(args.map),
                dry_run=args.dry_run,
                options=options,
            )
    except ImportRefused as exc:
        print(f"kamkit: {args.path}: {exc.detail}", file=sys.stderr)
        for line in exc.report().splitlines():
            print(line, file=sys.stderr)
        return EXIT_REFUSED
    elapsed = time.perf_counter() - started
    rate = f", {result.rows / elapsed:,.0f} rows/s" if elapsed > 0 and result.rows else ""
    print(f"{args.kind}: {result.summary()} ({result.rows:,} rows in {elapsed:.1f}s{rate})")
    if args.dry_run:
        print("dry run: nothing was written")
    elif args.kind in ("accounts", "deals"):
        from kamkit.portfolio.queries import score_status

        status = score_status()
        if status.stale:
            print(f"portfolio: {status.text} ('kamkit worker' runs it, or: kamkit portfolio score)")
    return 0


def cmd_crm_export(args: argparse.Namespace) -> int:
    """Write accounts, contacts, deals or products as CSV or XLSX with the columns the import reads."""
    from kamkit.accounts import importers

    _check_database()
    format: Literal["csv", "xlsx"] = args.format or (
        "xlsx" if args.path.lower().endswith((".xlsx", ".xlsm")) else "csv"
    )
    queryset = importers.EXPORT_MODELS[args.kind]._default_manager.all()
    try:
        count = importers.export(args.kind, queryset, args.path, format)
    except OSError as exc:
        raise InputRefused(f"cannot write {args.path}: {exc.strerror or exc}") from None
    print(f"kamkit: wrote {count:,} {args.kind} to {args.path}")
    return 0


def cmd_plans_digest(args: argparse.Namespace) -> int:
    """Queue the daily digest of overdue and coming plan actions (one e-mail per owner, once a day)."""
    from kamkit.plans.tasks import send_daily_digests

    _check_database()
    result = send_daily_digests.enqueue()
    if result.is_finished:
        print(f"plans digest sent to {result.return_value} people")
    else:
        print("plans digest queued: 'kamkit worker' sends it")
    return 0


def cmd_assessments_remind(args: argparse.Namespace) -> int:
    from kamkit.assessments.tasks import send_reminders

    _check_database()
    if args.now:
        with _actor("assessments remind"):
            sent = send_reminders.call()
        print(f"kamkit: {sent} reminder e-mail{'' if sent == 1 else 's'} sent")
    else:
        send_reminders.enqueue()
        print("kamkit: reminders queued; 'kamkit worker' sends them (at most one a day per rater)")
    return 0


def cmd_portfolio_score(args: argparse.Namespace) -> int:
    """Re-score every account in the database; print how long it took and the top 10."""
    import datetime as dt

    from django.db import transaction

    from kamkit.portfolio import services
    from kamkit.portfolio.models import AccountScore

    _check_database()
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        raise InputRefused(f"--as-of {args.as_of!r} is not a date (YYYY-MM-DD)") from None
    started = time.perf_counter()
    with _actor("portfolio score"), transaction.atomic():
        run = services.rescore_portfolio(as_of=as_of)
    elapsed = time.perf_counter() - started
    print(f"kamkit: scored {run.account_count:,} accounts as of {run.as_of} in {elapsed:.2f}s")
    top = AccountScore.objects.select_related("account").order_by("rank", "account_id")[:10]
    print(f"{'rank':>5}  {'total':>6}  {'tier':<9} {'per hour':>10}  account")
    for score in top:
        per_hour = f"{score.return_on_time:,.0f}" if score.return_on_time is not None else "-"
        tier = score.tier_suggestion
        print(f"{score.rank:>5}  {score.total:>6.1f}  {tier:<9} {per_hour:>10}  {score.account.name}")
    return 0


def cmd_portfolio_export(args: argparse.Namespace) -> int:
    """Every account's score as CSV (rank order), from the last re-score."""
    import csv

    from kamkit.portfolio import queries
    from kamkit.portfolio.models import AccountScore

    _check_database()

    def write(handle: Any) -> int:
        writer = csv.writer(handle)
        lines = 0
        for row in queries.export_rows(AccountScore.objects.all()):
            writer.writerow(row)
            lines += 1
        return lines - 1  # the header

    if args.path == "-":
        write(sys.stdout)
        return 0
    try:
        with open(args.path, "w", newline="", encoding="utf-8") as handle:
            count = write(handle)
    except OSError as exc:
        raise InputRefused(f"cannot write {args.path}: {exc.strerror or exc}") from None
    print(f"kamkit: wrote {count:,} account scores to {args.path}")
    print(f"kamkit: {queries.score_status().text}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kamkit manage", *args.rest])
    return 0


# Parser -------------------------------------------------------------------------------------------


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--threads", type=int, default=8, help="request threads (default 8)")


def _demo_day(text: str) -> Any:
    """--as-of for `kamkit demo`: a date written YYYY-MM-DD (not the other forms ISO allows)."""
    import datetime as dt
    import re

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(text)
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _revenue_scale(text: str) -> Any:
    from decimal import Decimal, InvalidOperation

    try:
        scale = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not scale.is_finite() or scale <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return scale


def _add_crm_commands(add: Callable[[str, Callable[[argparse.Namespace], int], str], Any]) -> None:
    """kamkit import|export accounts|contacts|deals|products FILE."""
    from kamkit.accounts.import_columns import describe_columns

    crm_import = add(
        "import", lambda a: 0, "Import accounts, contacts, deals or products from a CRM export (CSV or XLSX)."
    )
    kinds = crm_import.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, what in (
        ("accounts", "customer accounts"),
        ("contacts", "contacts at the customers (their accounts must be imported first)"),
        ("deals", "won, lost and open deals (their accounts must be imported first)"),
        ("products", "products and their product lines (before the deals that name them)"),
    ):
        sub = kinds.add_parser(
            kind,
            help=f"Import {what}.",
            description=f"Import {what} from a CSV or XLSX file, with the columns of common CRM "
            "exports (Salesforce and HubSpot names are accepted). All or nothing: a file with a bad "
            "row is refused whole, each bad row listed as 'line N, column: reason' (exit 1). "
            "Rows with an external id already stored update it; the others are created.",
            epilog=f"columns (any case; spaces, '_', '-' and '.' ignored):\n{describe_columns(kind)}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("path", metavar="FILE", help="the .csv or .xlsx file")
        sub.add_argument("--dry-run", action="store_true", help="check the whole file; write nothing")
        sub.add_argument(
            "--map",
            action="append",
            metavar="KEY=HEADER",
            help="read column KEY from the file's HEADER (KEY= leaves it out); repeatable",
        )
        if kind != "products":
            sub.add_argument(
                "--unknown-owner",
                choices=["error", "empty"],
                default="error",
                help="an owner who is no kamkit user (by e-mail or full name) refuses the row (error, "
                "the default) or is left empty",
            )
        if kind == "accounts":
            sub.add_argument(
                "--revenue-scale",
                type=_revenue_scale,
                default=None,
                metavar="N",
                help="multiply annual revenue by N (e.g. 1000000 when the file gives millions)",
            )
        if kind == "deals":
            sub.add_argument(
                "--missing-account",
                choices=["error", "skip"],
                default="error",
                help="a deal without an account refuses the file (error, the default) or is left out",
            )
            sub.add_argument(
                "--create-missing-products",
                action="store_true",
                help="create the products the file names that are not here yet (in the line 'Other'); "
                "without it such a row is refused, naming the product",
            )
        sub.set_defaults(handler=cmd_crm_import)

    crm_export = add("export", lambda a: 0, "Export accounts, contacts, deals or products as CSV or XLSX.")
    export_kinds = crm_export.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind in ("accounts", "contacts", "deals", "products"):
        sub = export_kinds.add_parser(
            kind,
            help=f"Write all {kind} to a file.",
            description=f"Write all {kind} to a CSV or XLSX file, with the columns 'kamkit import "
            f"{kind}' reads (so the file imports again).",
        )
        sub.add_argument("path", metavar="FILE", help="the file to write: .csv or .xlsx")
        sub.add_argument("--format", choices=["csv", "xlsx"], help="default: from the file name")
        sub.set_defaults(handler=cmd_crm_export)


def build_parser() -> argparse.ArgumentParser:
    from kamkit import __version__

    parser = argparse.ArgumentParser(
        prog="kamkit",
        description="kamkit - key account management. Configuration comes from KAMKIT_* variables.",
    )
    parser.add_argument("--version", action="version", version=f"kamkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> Any:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    up = add(
        "up",
        cmd_up,
        "Create or migrate the database, load built-in data and (when empty) a demo organisation, "
        "then serve kamkit, with a task worker beside it (imports, e-mails, daily jobs).",
    )
    _add_server_options(up)
    up.add_argument("--no-demo", action="store_true", help="do not load the demo organisation")
    up.add_argument("--seed", type=int, default=7, help="demo organisation seed (default 7)")
    up.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run the task worker beside the server (imports, e-mails and daily jobs then wait "
        "for a 'kamkit worker')",
    )

    _add_server_options(add("serve", cmd_serve, "Serve kamkit without touching the database schema."))
    add("migrate", cmd_migrate, "Create or upgrade the database tables and load built-in data.")

    createuser = add("createuser", cmd_createuser, "Add a user who can sign in.")
    createuser.add_argument("email")
    createuser.add_argument("--name", help="full name (default: the part of the e-mail before @)")
    createuser.add_argument(
        "--role",
        default="account_manager",
        choices=["admin", "director", "manager", "account_manager", "interviewer", "viewer"],
    )
    createuser.add_argument("--password", help="password (default: a generated one, printed once)")
    createuser.add_argument(
        "--invite",
        action="store_true",
        help="set no password; e-mail a set-password link instead (sent by 'kamkit worker')",
    )

    token = add("token", lambda a: 0, "Manage personal API tokens.")
    token_commands = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    token_create = token_commands.add_parser(
        "create",
        help="Create an API token for a user and print it.",
        description="Create an API token for a user and print it (shown once).",
    )
    token_create.add_argument("email")
    token_create.add_argument("--name", default="command line", help="what the token is for")
    token_create.set_defaults(handler=cmd_token_create)

    demo = add("demo", cmd_demo, "Generate a deterministic demo organisation (for trying and benchmarks).")
    demo.add_argument("--people", type=int, default=40, help="number of people (default 40)")
    demo.add_argument("--accounts", type=int, default=120, help="number of customer accounts")
    demo.add_argument("--deals", type=int, default=2000, help="number of deals")
    demo.add_argument("--seed", type=int, default=7, help="random seed: same seed, same organisation")
    demo.add_argument(
        "--as-of",
        type=_demo_day,
        metavar="YYYY-MM-DD",
        help="the day the demo is dated from (default: today); same seed and day, same data",
    )

    worker = add(
        "worker",
        cmd_worker,
        "Run background tasks (e-mails, reminders, portfolio re-scores, imports) and the daily jobs.",
    )
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    worker.add_argument(
        "--once", action="store_true", help="queue the daily jobs that are due, run what is queued, then stop"
    )
    worker.add_argument(
        "--no-schedule", action="store_true", help="do not queue the daily jobs (another worker does)"
    )
    worker.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)  # set by `up`

    add(
        "check",
        cmd_check,
        "Check configuration, database and migrations; exit 1 if something is off.",
    )

    framework = add("framework", lambda a: 0, "Import and export competency frameworks.")
    framework_commands = framework.add_subparsers(dest="framework_command", metavar="ACTION", required=True)
    framework_import = framework_commands.add_parser(
        "import",
        help="Import a framework from YAML, JSON or a text/Markdown competency document.",
        description="Import a framework from YAML, JSON or a text/Markdown competency document. "
        "Prints the framework's slug on the first line, then what was created. A document that "
        "cannot be understood is refused whole, with the line at fault (exit 1).",
    )
    framework_import.add_argument("path", help="file to read ('-' for standard input)")
    framework_import.add_argument(
        "--dry-run", action="store_true", help="show what would be created; save nothing"
    )
    framework_import.add_argument("--publish", action="store_true", help="publish at once (default: a draft)")
    framework_import.add_argument(
        "--slug", help="family to add it to (default: from the document or its name)"
    )
    framework_import.add_argument(
        "--format", choices=["json", "yaml", "md"], help="document format (default: from the file name)"
    )
    framework_import.set_defaults(handler=cmd_framework_import)
    framework_export = framework_commands.add_parser(
        "export",
        help="Write a framework as JSON, YAML or Markdown.",
        description="Write a framework as JSON, YAML or Markdown (the newest published version unless "
        "--version says otherwise).",
    )
    framework_export.add_argument("slug")
    framework_export.add_argument("--format", choices=["json", "yaml", "md"], default="json")
    framework_export.add_argument("--version", type=int, help="version number (default: newest published)")
    framework_export.add_argument("-o", "--output", help="file to write (default: standard output)")
    framework_export.set_defaults(handler=cmd_framework_export)

    questionnaire = add("questionnaire", lambda a: 0, "Import and export assessment questionnaires.")
    questionnaire_commands = questionnaire.add_subparsers(
        dest="questionnaire_command", metavar="ACTION", required=True
    )
    questionnaire_import = questionnaire_commands.add_parser(
        "import",
        help="Import a questionnaire from JSON or YAML, or its items from CSV or XLSX.",
        description="Import a questionnaire from JSON or YAML (everything), or its items from CSV or "
        "XLSX (columns competency, self_text, others_text, reverse; give --name and --framework). "
        "Prints the questionnaire's slug on the first line, then its items per competency. A file "
        "with a problem is refused whole, with the line at fault (exit 1).",
    )
    questionnaire_import.add_argument("path", help="file to read ('-' for standard input)")
    questionnaire_import.add_argument(
        "--framework", help="framework slug (default: the one the document names; needed for CSV/XLSX)"
    )
    questionnaire_import.add_argument(
        "--name", help="the questionnaire's name (needed for CSV/XLSX; overrides the document's)"
    )
    questionnaire_import.add_argument(
        "--format", choices=["json", "yaml", "csv", "xlsx"], help="file format (default: from the file)"
    )
    questionnaire_import.add_argument(
        "--dry-run", action="store_true", help="check the file and show what would be created; save nothing"
    )
    questionnaire_import.set_defaults(handler=cmd_questionnaire_import)
    questionnaire_export = questionnaire_commands.add_parser(
        "export",
        help="Write a questionnaire as JSON, YAML, CSV or XLSX.",
        description="Write a questionnaire as JSON or YAML (everything) or CSV/XLSX (its items), in a "
        "shape 'kamkit questionnaire import' reads back.",
    )
    questionnaire_export.add_argument("slug")
    questionnaire_export.add_argument(
        "--format", choices=["json", "yaml", "csv", "xlsx"], help="default: from -o's name, else json"
    )
    questionnaire_export.add_argument(
        "--framework", help="framework slug, when several frameworks have a questionnaire of this slug"
    )
    questionnaire_export.add_argument("-o", "--output", help="file to write (default: standard output)")
    questionnaire_export.set_defaults(handler=cmd_questionnaire_export)

    assessments = add("assessments", lambda a: 0, "Assessment campaigns: reminders to raters.")
    assessments_commands = assessments.add_subparsers(
        dest="assessments_command", metavar="ACTION", required=True
    )
    assessments_remind = assessments_commands.add_parser(
        "remind",
        help="Remind raters who have not answered (run it daily, e.g. from cron).",
        description="Queue e-mails to raters of open campaigns who have not answered yet. A rater gets "
        "at most one reminder a day, listing every person they are asked to rate.",
    )
    assessments_remind.add_argument(
        "--now", action="store_true", help="send them in this process instead of queueing for 'kamkit worker'"
    )
    assessments_remind.set_defaults(handler=cmd_assessments_remind)

    _add_crm_commands(add)

    plans = add("plans", lambda a: 0, "Account plan chores.")
    plans_commands = plans.add_subparsers(dest="plans_command", metavar="ACTION", required=True)
    plans_digest = plans_commands.add_parser(
        "digest",
        help="Queue the daily e-mail digest of overdue and coming plan actions.",
        description="Queue the daily e-mail digest of overdue and coming plan actions: one e-mail per "
        "action owner, at most once a day ('kamkit worker' sends it; run this from cron each morning).",
    )
    plans_digest.set_defaults(handler=cmd_plans_digest)

    portfolio = add("portfolio", lambda a: 0, "Score the account portfolio and export the scores.")
    portfolio_commands = portfolio.add_subparsers(dest="portfolio_command", metavar="ACTION", required=True)
    portfolio_score = portfolio_commands.add_parser(
        "score",
        help="Re-score every account; print the time it took and the top 10.",
        description="Recompute every account's selection-criteria scores, rank, suggested tier and "
        "return on time in the database, then print the time it took and the top 10.",
    )
    portfolio_score.add_argument("--as-of", help="scoring date, YYYY-MM-DD (default: today)")
    portfolio_score.set_defaults(handler=cmd_portfolio_score)
    portfolio_export = portfolio_commands.add_parser(
        "export",
        help="Write every account's score to a CSV file.",
        description="Write every account's score (rank order, with the normalised value of each "
        "criterion) from the last re-score to a CSV file.",
    )
    portfolio_export.add_argument("path", help="CSV file to write ('-' for standard output)")
    portfolio_export.set_defaults(handler=cmd_portfolio_export)

    manage = add("manage", cmd_manage, "Run a Django management command (for operators).")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _setup_django()
        result: int = args.handler(args)
        return result
    except CliError as exc:
        print(f"kamkit: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kamkit: stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
