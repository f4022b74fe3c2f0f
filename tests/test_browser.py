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
    assert {"people", "frameworks", "admin"} <= {key for key, _ in areas}
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
    page.wait_for_selector("text=is a draft copy of version 1")
    # and edit one competency of the draft
    page.click("tr:has-text('Collaboration') >> text=Edit")
    high = page.locator("textarea[name=high]")
    high.fill(high.input_value() + "\nShares account news with delivery colleagues every week.")
    page.click("button:has-text('Save')")
    page.wait_for_selector("h1:has-text('Collaboration')")
    assert page.locator("table.poles").inner_text().count("Shares account news") == 1
    # then the comparison with version 1 shows exactly that change
    page.click("text=Key Account Management v2")
    page.click("text=compare with this")
    changes = page.locator("article.change-changed")
    assert changes.count() == 1
    assert "+ Shares account news with delivery colleagues every week." in changes.inner_text()
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
