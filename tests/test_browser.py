"""In a real browser: sign in as the demo admin and open every area without console errors."""

from __future__ import annotations

from typing import Any

import pytest

from kamkit.core import setup
from tests.conftest import ConsoleWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_demo_admin_opens_every_area_without_console_errors(live_server: Any, page: Any) -> None:
    # given the organisation `kamkit up` prepares on an empty database
    report = setup.prepare(load_demo=True, seed=7)
    assert report.admin_password
    watch = ConsoleWatch(page)
    # when the demo admin signs in
    sign_in(page, live_server.url, setup.DEMO_ADMIN_EMAIL, report.admin_password)
    areas = page.eval_on_selector_all(
        "#areas a", "links => links.map(a => [a.dataset.area, a.getAttribute('href')])"
    )
    assert [key for key, _ in areas] == [
        "accounts",
        "plans",
        "portfolio",
        "people",
        "frameworks",
        "assessments",
        "hiring",
        "admin",
    ]
    # then each area's page opens, shows its heading and logs no error
    for key, href in areas:
        response = page.goto(f"{live_server.url}{href}")
        assert response is not None and response.status == 200, key
        assert page.locator("h1").first.is_visible(), key
    assert watch.errors == []


def test_people_search_updates_results_through_htmx(live_server: Any, page: Any) -> None:
    report = setup.prepare(load_demo=True, seed=7)
    assert report.admin_password
    watch = ConsoleWatch(page)
    sign_in(page, live_server.url, setup.DEMO_ADMIN_EMAIL, report.admin_password)
    page.goto(f"{live_server.url}/people/")
    rows_before = page.locator("#results tbody tr").count()
    assert rows_before > 5
    with page.expect_response(
        lambda r: "/people/?" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.fill("input[name=q]", "Demo Admin")
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    assert "Demo Admin" in page.locator("#results tbody").inner_text()
    assert "q=Demo" in page.url  # the search is kept in the address for sharing and reloads
    assert watch.errors == []


def test_director_starts_a_new_framework_version_edits_it_and_sees_the_change(
    live_server: Any, page: Any
) -> None:
    # given the built-in frameworks (prepare loads them) and the demo admin
    report = setup.prepare(load_demo=False, seed=7)
    assert report.admin_password
    watch = ConsoleWatch(page)
    sign_in(page, live_server.url, setup.DEMO_ADMIN_EMAIL, report.admin_password)
    # when they open the published framework and start a new version
    page.goto(f"{live_server.url}/frameworks/")
    page.click("text=Key Account Management")
    page.click("button:has-text('Start a new version')")
    page.wait_for_selector("text=is a draft copy of version 2")  # built-in release 2 is version 2
    # and edit one competency of the draft
    page.click("tr:has-text('Collaboration') >> text=Edit")
    high = page.locator("textarea[name=high]")
    high.fill(high.input_value() + "\nShares account news with delivery colleagues every week.")
    page.click("button:has-text('Save')")
    page.wait_for_selector("h1:has-text('Collaboration')")
    assert page.locator("table.poles").inner_text().count("Shares account news") == 1
    # then the comparison with version 2 shows exactly that change
    page.click("text=Key Account Management v3")
    page.click("text=compare with this")
    changes = page.locator("article.change-changed")
    assert changes.count() == 1
    assert "+ Shares account news with delivery colleagues every week." in changes.inner_text()
    assert watch.errors == []


def test_account_manager_adds_an_economic_buyer_and_the_map_updates(live_server: Any, page: Any) -> None:
    from kamkit.accounts import services as account_services
    from kamkit.core.choices import Role
    from kamkit.users import services as user_services

    # given an account manager with a key account and no contacts there yet
    kam = user_services.create_user(
        email="kam@example.test",
        full_name="Kim Account",
        role=Role.ACCOUNT_MANAGER,
        password="browser-pass-123",
    )
    account = account_services.create_account(
        data=account_services.AccountInput(name="Northwind Traders", owner=kam, is_key_account=True)
    )
    watch = ConsoleWatch(page)
    sign_in(page, live_server.url, "kam@example.test", "browser-pass-123")
    # when they open the account and its decision-maker map
    page.goto(f"{live_server.url}/accounts/")
    page.click("text=Northwind Traders")
    page.click("nav.tabs >> text=Decision makers")
    assert page.locator("[data-code=no_economic_buyer]").count() == 1
    # and add a contact as economic buyer through the form on the map page
    page.click("summary:has-text('Add a contact')")
    page.fill("input[name=first_name]", "Bea")
    page.fill("input[name=last_name]", "Budget")
    page.fill("input[name=title]", "Chief Financial Officer")
    page.select_option("select[name=buying_role]", "economic_buyer")
    page.select_option("select[name=influence]", "5")
    with page.expect_response(
        lambda r: f"/accounts/{account.pk}/map/" in r.url and r.request.method == "POST"
    ):
        page.click("button:has-text('Add to the map')")
    # then the chart shows her and the economic-buyer gap is gone, without a page reload
    page.wait_for_selector('svg text:has-text("Bea Budget")')
    assert page.locator("[data-code=no_economic_buyer]").count() == 0
    assert page.locator("[data-code=not_contacted]").count() == 1
    assert watch.errors == []


def test_rater_answers_by_personal_link_and_the_manager_sees_the_report_radar(
    live_server: Any, page: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from kamkit.assessments import services as assessment_services
    from kamkit.assessments.models import Questionnaire
    from kamkit.core.choices import Role
    from kamkit.users import services as user_services

    # given a manager running a launched 360 on their account manager, with a customer as rater
    setup.load_builtin()
    manager = user_services.create_user(
        email="mia@example.test", full_name="Mia Manager", role=Role.MANAGER, password="browser-pass-123"
    )
    kam = user_services.create_user(
        email="kim@example.test", full_name="Kim Account", role=Role.ACCOUNT_MANAGER, manager=manager
    )
    questionnaire = Questionnaire.objects.get(slug="kam-behaviours")
    campaign = assessment_services.create_campaign(
        name="Browser 360",
        questionnaire=questionnaire,
        benchmark=questionnaire.framework.benchmarks.first(),
        due_date=timezone.localdate() + dt.timedelta(days=7),
        created_by=manager,
    )
    assessment = assessment_services.add_subject(campaign=campaign, subject_user=kam)
    customer = assessment_services.invite_rater(
        assessment=assessment,
        relationship="customer",
        rater_name="Cleo Client",
        rater_email="cleo@client.test",
    )
    assessment_services.launch_campaign(campaign=campaign)
    items = list(questionnaire.items.order_by("order"))
    own = assessment.invitations.get(relationship="self")
    assessment_services.save_answers(invitation=own, answers={i.pk: 4 for i in items}, submit=True)
    watch = ConsoleWatch(page)
    page.on("dialog", lambda dialog: dialog.accept())
    link = f"{live_server.url}/assessments/r/{customer.token()}/"
    # when the customer opens their personal link (no account) and saves a draft
    page.goto(link)
    assert page.locator("h1").inner_text() == "How Kim Account works"
    for item in items[:5]:
        page.check(f"input[name=item-{item.pk}][value='4']")
    page.click("button:has-text('Save draft')")
    page.wait_for_selector("text=Draft saved")
    # and comes back later: the draft is there; they finish and submit
    page.goto("about:blank")
    page.goto(link)
    assert page.is_checked(f"input[name=item-{items[0].pk}][value='4']")
    for item in items[5:12]:
        page.check(f"input[name=item-{item.pk}][value='2']")
    page.click("button:has-text('Submit')")
    page.wait_for_selector("h1:has-text('Thank you')")
    customer.refresh_from_db()
    assert customer.submitted_at is not None and customer.answer_count == 12
    assert watch.errors == []
    # then the link is used up (the browser reports the 410 page load itself as an error)
    response = page.goto(link)
    assert response is not None and response.status == 410
    assert page.locator("h1").inner_text() == "Already answered"
    assert [e for e in watch.errors if "410" not in e] == []
    watch.errors.clear()
    # and the subject's manager opens the report and sees the radar chart against the band
    sign_in(page, live_server.url, "mia@example.test", "browser-pass-123")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/report/")
    chart = page.locator("svg#radar-chart")
    assert chart.is_visible()
    assert chart.locator("path.radar-band").count() == 1
    assert chart.locator("[data-series=self] circle").count() == 6
    assert chart.locator("text").count() == 6
    assert watch.errors == []


def test_phone_width_shows_a_menu_that_opens(live_server: Any, browser: Any) -> None:
    report = setup.prepare(load_demo=True, seed=7)
    assert report.admin_password
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, setup.DEMO_ADMIN_EMAIL, report.admin_password)
        people_link = page.locator("#areas a[data-area=people]")
        assert not people_link.is_visible()
        page.click(".menu-toggle summary")
        assert people_link.is_visible()
        people_link.click()
        page.wait_for_url(f"{live_server.url}/people/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, "the page must not scroll sideways on a phone"
    finally:
        context.close()


def test_account_manager_plans_a_weekly_action_marks_it_done_and_the_dashboard_moves(
    live_server: Any, page: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from kamkit.accounts import services as account_services
    from kamkit.core.choices import Role
    from kamkit.users import services as user_services

    # given an account manager with a key account and no plan yet
    kam = user_services.create_user(
        email="kam@example.test",
        full_name="Kim Account",
        role=Role.ACCOUNT_MANAGER,
        password="browser-pass-123",
    )
    account_services.create_account(
        data=account_services.AccountInput(name="Northwind Traders", owner=kam, is_key_account=True)
    )
    today = timezone.localdate()
    watch = ConsoleWatch(page)
    sign_in(page, live_server.url, "kam@example.test", "browser-pass-123")
    # when they start a plan for it from the plans area
    page.click("#areas a[data-area=plans]")
    page.click("a[role=button]:has-text('Add')")
    page.fill("input[name=account]", "northw")  # the picker suggests as they type (htmx)
    page.click("#account-options button:has-text('Northwind Traders')")
    assert page.input_value("input[name=account]") == "Northwind Traders"
    page.fill("input[name=period]", "Next 12 months")
    page.fill("input[name=starts_on]", (today - dt.timedelta(days=30)).isoformat())
    page.fill("input[name=ends_on]", (today + dt.timedelta(days=330)).isoformat())
    page.click("button:has-text('Save')")
    page.wait_for_selector("h1:has-text('Northwind Traders')")
    # and add one objective, which kamkit checks for every SMART element
    page.click("a:has-text('Add an objective')")
    page.fill("input[name=title]", "Open two new sites")
    page.select_option("select[name=metric_kind]", "volume")
    page.click("button:has-text('Save')")
    assert page.locator("#id_metric_error").inner_text().startswith("Measurable")
    page.fill("input[name=metric]", "Sites buying from us")
    page.fill("input[name=baseline]", "1")
    page.fill("input[name=target]", "3")
    page.click("button:has-text('Save')")
    page.wait_for_selector("article:has-text('Open two new sites')")
    # and a weekly action that started two weeks ago
    page.click("a:has-text('Add an action')")
    page.fill("input[name=title]", "Call the site manager")
    page.select_option("select[name=cadence]", "weekly")
    page.fill("input[name=first_due_on]", (today - dt.timedelta(days=14)).isoformat())
    page.click("button:has-text('Save')")
    page.wait_for_selector("td:has-text('Call the site manager')")
    # then the dashboard shows two occurrences due and none done
    page.click("nav.tabs >> text=Dashboard")
    rate = page.locator("#completion-rate .figure")
    assert rate.inner_text() == "0%"
    # when they mark last week's call done on the execution page (through htmx)
    page.click("nav.tabs >> text=Execution")
    last_week = page.locator("tr[data-state=overdue]").last
    row_id = last_week.get_attribute("id")
    last_week.locator("input[name=note]").fill("Agreed a site visit")
    with page.expect_response(lambda r: "/mark/" in r.url and r.request.method == "POST"):
        last_week.locator("button:has-text('Done')").click()
    page.wait_for_selector(f"#{row_id}[data-state=done]")
    assert "Agreed a site visit" in page.locator(f"#{row_id}").inner_text()
    # then the dashboard moves to one of two done
    page.click("nav.tabs >> text=Dashboard")
    assert rate.inner_text() == "50%"
    assert "1 done of 2 due" in page.locator("#completion-rate").inner_text()
    assert watch.errors == []


def test_director_opens_the_matrix_and_sees_what_if_weights_move_the_ranking(
    live_server: Any, page: Any, portfolio: Any
) -> None:
    from django.db import transaction

    from kamkit.portfolio import services as portfolio_services
    from kamkit.users.tests.fixtures import PASSWORD

    # given the hand-made portfolio of the portfolio tests, scored (Alpha first, Beta second)
    with transaction.atomic():  # services leave the transaction to their caller
        portfolio_services.rescore_portfolio(as_of=portfolio.as_of)
    director = portfolio.book.alpha.owner.manager.manager
    watch = ConsoleWatch(page)
    sign_in(page, live_server.url, director.email, PASSWORD)
    # when the director opens the portfolio matrix
    page.click("#areas a[data-area=portfolio]")
    page.wait_for_selector("h1:has-text('Portfolio matrix')")
    assert page.locator("#matrix-svg a.bubble").count() == 4
    assert "Invest: key accounts (2)" in page.locator("#matrix-svg").text_content()
    # and the what-if page, where the saved ranking shows first
    page.click("nav.tabs >> text=What-if")
    first_row = page.locator("#what-if-results tbody tr").first
    assert "Alpha Industries" in first_row.inner_text()
    # and stops counting revenue and lets the pipeline weigh 60
    for name, value in (("weight_revenue_current", 0), ("weight_pipeline", 60)):
        with page.expect_response(lambda r: "/portfolio/what-if/" in r.url and r.request.method == "POST"):
            page.locator(f"input[name={name}]").evaluate(
                "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value
            )
    # then Beta moves up to first place and Alpha down, without anything saved
    page.wait_for_selector("#what-if-results tbody tr:first-child:has-text('Beta Logistics')")
    assert "▲ 1" in page.locator("#what-if-results tbody tr").first.inner_text()
    assert "▼ 1" in page.locator("#what-if-results tbody tr").nth(1).inner_text()
    assert page.locator("output[data-weight-of=id_weight_pipeline]").inner_text() == "60"
    # and saving makes it the ranking
    page.click("#save-weights")
    page.wait_for_url(f"{live_server.url}/portfolio/ranking/")
    assert "Beta Logistics" in page.locator("#results tbody tr").first.inner_text()
    # and its total opens to show how it was computed
    page.locator("#results tbody tr").first.locator("td:nth-child(4) details summary").click()
    page.wait_for_selector(
        "#results tbody tr:first-child td:nth-child(4) .why-body:has-text('Total = 100 x')"
    )
    assert watch.errors == []


def test_the_matrix_downloads_as_png_and_a_bubble_opens_the_account_score(
    live_server: Any, page: Any, portfolio: Any
) -> None:
    from django.db import transaction

    from kamkit.portfolio import services as portfolio_services
    from kamkit.users.tests.fixtures import PASSWORD

    with transaction.atomic():
        portfolio_services.rescore_portfolio(as_of=portfolio.as_of)
    director = portfolio.book.alpha.owner.manager.manager
    watch = ConsoleWatch(page)
    sign_in(page, live_server.url, director.email, PASSWORD)
    page.goto(f"{live_server.url}/portfolio/")
    assert "Scored at" in page.locator("#score-status").inner_text()
    # when the director downloads the matrix as PNG (drawn from the SVG in the browser)
    with page.expect_download() as caught:
        page.click("#export-png")
    download = caught.value
    assert download.suggested_filename == "portfolio-matrix.png"
    with open(download.path(), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    # and clicks Alpha's bubble, then Alpha's score opens
    alpha = portfolio.book.alpha
    page.click(f"#matrix-svg a.bubble[data-account='{alpha.pk}']")
    page.wait_for_url(f"{live_server.url}/portfolio/accounts/{alpha.pk}/")
    assert "Alpha Industries" in page.locator("h1").inner_text()
    assert watch.errors == []


def test_account_manager_edits_an_opportunity_inline_on_the_plan(
    live_server: Any, page: Any, plans: Any
) -> None:
    from kamkit.plans import services as plan_services
    from kamkit.users.tests.fixtures import PASSWORD

    # given an opportunity on kam_a's active plan
    deal = plan_services.create_opportunity(plan=plans.alpha, name="Second site", stage="proposal")
    watch = ConsoleWatch(page)
    sign_in(page, live_server.url, plans.alpha.account.owner.email, PASSWORD)
    page.goto(f"{live_server.url}/plans/{plans.alpha.pk}/")
    row = f"#opportunity-{deal.pk}"
    # when they edit it in place (htmx swaps the row for a form and back)
    page.click(f"{row} a:has-text('edit')")
    page.wait_for_selector(f"{row} select[name=stage]")
    page.select_option(f"{row} select[name=stage]", "negotiation")
    page.fill(f"{row} input[name=amount]", "48000")
    page.check(f"{row} input[name=objectives]")
    with page.expect_response(lambda r: f"/opportunities/{deal.pk}/" in r.url and r.request.method == "POST"):
        page.click(f"{row} button:has-text('Save')")
    # then the row shows the new stage, value and objective, and the page did not reload
    page.wait_for_selector(f"{row} td:has-text('Negotiation')")
    assert "48,000" in page.locator(row).inner_text()
    assert "Sell into two more divisions" in page.locator(row).inner_text()
    assert watch.errors == []


def test_manager_opens_a_position_two_interviewers_score_and_the_manager_decides(
    live_server: Any, page: Any
) -> None:
    from kamkit.core.choices import Role
    from kamkit.frameworks import services as framework_services
    from kamkit.hiring import services as hiring_services
    from kamkit.hiring.models import Application, KitCompetency
    from kamkit.hiring.tests.fixtures import hiring_doc, make_benchmark
    from kamkit.users import services as user_services

    # given a published framework with a Key Account Manager benchmark, a manager, two colleagues
    # who will interview, and a candidate on file
    benchmark = make_benchmark(framework_services.create_framework(doc=hiring_doc(), publish=True))
    password = "browser-pass-123"
    manager = user_services.create_user(
        email="mia@example.test", full_name="Mia Manager", role=Role.MANAGER, password=password
    )
    ivy = user_services.create_user(
        email="ivy@example.test", full_name="Ivy Interviewer", role=Role.INTERVIEWER, password=password
    )
    kai = user_services.create_user(
        email="kai@example.test", full_name="Kai Account", role=Role.ACCOUNT_MANAGER, password=password
    )
    candidate = hiring_services.create_candidate(
        data=hiring_services.CandidateInput(full_name="Casey Candidate", email="casey@mail.test"),
        created_by=manager,
    )
    watch = ConsoleWatch(page)
    # when the manager opens a position at level 3
    sign_in(page, live_server.url, manager.email, password)
    page.goto(f"{live_server.url}/hiring/")
    page.click("a[role=button]:has-text('Add')")
    page.fill("input[name=title]", "Key Account Manager, North")
    page.select_option("select[name=benchmark]", str(benchmark.pk))
    page.select_option("select[name=target_level]", "3")
    page.select_option("select[name=hiring_manager]", str(manager.pk))
    page.click("button:has-text('Save')")
    page.wait_for_selector("h1:has-text('Key Account Manager, North')")
    # adds the candidate and puts two interviewers on the panel
    page.select_option("select[name=candidate]", str(candidate.pk))
    page.click("button:has-text('Add to this position')")
    page.wait_for_selector("#panel")
    for person in (ivy, kai):
        page.select_option("select[name=interviewer]", str(person.pk))
        page.click("button:has-text('Add to the panel')")
        page.wait_for_selector(f"#panel td:has-text('{person.full_name}')")
    competencies = {c.name: c.pk for c in KitCompetency.objects.filter(kit__opening__title__endswith="North")}
    # then each interviewer signs in and fills their own scorecard
    for person, ratings in ((ivy, (4, 3, 4)), (kai, (5, 3, 3))):
        page.context.clear_cookies()
        sign_in(page, live_server.url, person.email, password)
        page.goto(f"{live_server.url}/hiring/")
        page.click("#to-score a:has-text('Casey Candidate')")
        page.wait_for_selector("h1:has-text('Scorecard: Casey Candidate')")
        page.fill("textarea[name^=note-] >> nth=0", "Planned a retailer account; no outcome given.")
        page.check("input[name$=-situation] >> nth=0")
        page.check("input[name$=-action] >> nth=0")
        for name, value in zip(("Planning", "Listening", "Follow-through"), ratings, strict=True):
            page.check(f"input[name=rating-{competencies[name]}][value='{value}']")
        page.select_option("select[name=recommendation]", "yes")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("button[value=submit]")
        page.wait_for_selector("text=Scorecard submitted")
        # the answer without a task and a result is flagged
        assert "1 answer missing part of the STAR structure" in page.locator("#star-flags").inner_text()
    # and the manager sees the aggregate and records the decision
    page.context.clear_cookies()
    sign_in(page, live_server.url, manager.email, password)
    application = Application.objects.get(candidate=candidate)
    page.goto(f"{live_server.url}/hiring/applications/{application.pk}/")
    page.click("a:has-text('Panel and decision')")
    page.wait_for_selector("#aggregate")
    planning = page.locator("#aggregate tr[data-competency='Planning']").inner_text()
    assert "4.50" in planning and "4\u20135" in planning
    # alpha over (4, 5), (3, 3), (4, 3): observed 4, expected 40 over n = 6 -> 1 - 5 * 4 / 40 = 0.50
    assert "0.50" in page.locator("#agreement").inner_text()
    assert "Krippendorff's alpha (interval)" in page.locator("#agreement").inner_text()
    page.check("input[name=outcome][value=offer]")
    page.fill("textarea[name=reason]", "Strongest planning evidence; both interviewers said yes.")
    page.click("button:has-text('Record the decision')")
    page.wait_for_selector("text=Decision recorded: make an offer.")
    application.refresh_from_db()
    assert application.stage == "offer"
    assert watch.errors == []
