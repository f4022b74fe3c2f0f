"""The decision-maker map: every gap rule both ways, and the org chart laid out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.template.loader import render_to_string

from kamkit.accounts.maps import (
    ATTITUDE_COLOURS,
    ROLE_COLOURS,
    ContactNode,
    Gap,
    find_gaps,
    layout_org_chart,
    legend,
    tint,
)

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


def person(contact_id: int, name: str, **changes: Any) -> ContactNode:
    """An ordinary user we know a little, owned and contacted yesterday: no gap on their own."""
    base = ContactNode(
        id=contact_id,
        name=name,
        title="",
        reports_to_id=None,
        buying_role="user",
        attitude="neutral",
        influence=2,
        relationship_strength=1,
        relationship_owner_id=7,
        last_contact_at=NOW - timedelta(days=1),
        is_key_person=False,
    )
    return replace(base, **changes)


def covered_account() -> list[ContactNode]:
    """A map without gaps: economic buyer and coach known, two working relationships, all fresh."""
    return [
        person(
            1, "Eva Buyer", title="CFO", buying_role="economic_buyer", influence=5, relationship_strength=3
        ),
        person(
            2,
            "Carl Coach",
            title="IT lead",
            buying_role="coach",
            attitude="champion",
            relationship_strength=4,
        ),
        person(3, "Una User", reports_to_id=2),
    ]


def codes(gaps: list[Gap]) -> list[str]:
    return [gap.code for gap in gaps]


# Gaps -----------------------------------------------------------------------------------------


def test_a_well_covered_account_has_no_gaps() -> None:
    # given an economic buyer, a coach and two working relationships, all recently contacted
    contacts = covered_account()
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then
    assert gaps == []


def test_no_economic_buyer_when_nobody_signs_off_the_budget() -> None:
    # given the economic buyer turned out to be a technical buyer
    contacts = covered_account()
    contacts[0] = replace(contacts[0], buying_role="technical_buyer")
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then
    assert codes(gaps) == ["no_economic_buyer"]
    assert gaps[0].severity == "high"
    assert gaps[0].message == "No economic buyer is known: find out who signs off the budget."
    assert gaps[0].contact_ids == ()


def test_no_coach_when_nobody_explains_the_customer_to_us() -> None:
    # given the coach is only a user
    contacts = covered_account()
    contacts[1] = replace(contacts[1], buying_role="user")
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then
    assert codes(gaps) == ["no_coach"]
    assert gaps[0].severity == "medium"
    assert "coach" in gaps[0].message


def test_single_threaded_names_our_only_working_relationship() -> None:
    # given only the economic buyer has a relationship strength of 3 or more
    contacts = covered_account()
    contacts[1] = replace(contacts[1], relationship_strength=2)
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then
    assert codes(gaps) == ["single_threaded"]
    assert gaps[0].severity == "high"
    assert gaps[0].contact_ids == (1,)
    assert gaps[0].message.startswith("Eva Buyer (CFO) is our only working relationship")


def test_single_threaded_says_when_we_have_no_working_relationship_at_all() -> None:
    # given nobody is above strength 2
    contacts = [replace(c, relationship_strength=2) for c in covered_account()]
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then
    assert codes(gaps) == ["single_threaded"]
    assert gaps[0].contact_ids == ()
    assert gaps[0].message.startswith("We have no working relationship with anyone")


def test_not_contacted_flags_key_people_never_or_too_long_ago() -> None:
    # given three key people: never contacted, 75 days ago, and exactly 60 days ago (still fine)
    contacts = covered_account()
    contacts[0] = replace(contacts[0], last_contact_at=None)
    contacts[1] = replace(contacts[1], last_contact_at=NOW - timedelta(days=75))
    contacts.append(person(4, "Kim Key", is_key_person=True, last_contact_at=NOW - timedelta(days=60)))
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then one medium gap per stale key person, in the order given
    assert codes(gaps) == ["not_contacted", "not_contacted"]
    assert [g.contact_ids for g in gaps] == [(1,), (2,)]
    assert all(g.severity == "medium" for g in gaps)
    assert "has never been contacted" in gaps[0].message
    assert "was last contacted 75 days ago" in gaps[1].message


def test_not_contacted_counts_whole_days_against_the_threshold() -> None:
    # given a key person last seen 61 days ago, with a threshold of 60 and then of 61
    contacts = [*covered_account(), person(4, "Kim Key", is_key_person=True)]
    contacts[3] = replace(contacts[3], last_contact_at=NOW - timedelta(days=61, hours=3))
    # when / then
    assert codes(find_gaps(contacts, now=NOW)) == ["not_contacted"]
    assert find_gaps(contacts, now=NOW, stale_after_days=61) == []


def test_not_contacted_covers_every_kind_of_key_person_and_nobody_else() -> None:
    # given five people never contacted: three key for different reasons, two not key
    long_ago = NOW - timedelta(days=400)
    contacts = [
        *covered_account(),
        person(4, "Flag", is_key_person=True, last_contact_at=long_ago),
        person(5, "Tech", buying_role="technical_buyer", last_contact_at=long_ago),
        person(6, "Big", influence=4, last_contact_at=long_ago),
        person(7, "Small", influence=3, last_contact_at=long_ago),
        person(8, "Gate", buying_role="gatekeeper", last_contact_at=None),
    ]
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then
    assert [g.contact_ids for g in gaps if g.code == "not_contacted"] == [(4,), (5,), (6,)]
    assert "400 days ago" in gaps[0].message


def test_influential_opponents_sceptics_and_blockers_are_flagged() -> None:
    # given an opponent, a sceptic and a blocker of influence 4 or 5, all contacted and owned
    contacts = [
        *covered_account(),
        person(4, "Otto", attitude="opponent", influence=4),
        person(5, "Sara", attitude="sceptic", influence=5),
        person(6, "Bert", buying_role="blocker", influence=4),
    ]
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then
    assert codes(gaps) == ["influential_opponent"] * 3
    assert [g.contact_ids for g in gaps] == [(4,), (5,), (6,)]
    assert all(g.severity == "high" for g in gaps)
    assert "Otto is against us and has influence 4 of 5" in gaps[0].message
    assert "Sara is sceptical of us" in gaps[1].message
    assert "Bert can block the decision" in gaps[2].message


def test_opponents_and_blockers_with_little_influence_are_not_flagged() -> None:
    # given an opponent and a blocker of influence 3, and a supporter of influence 5
    contacts = [
        *covered_account(),
        person(4, "Otto", attitude="opponent", influence=3),
        person(5, "Bert", buying_role="blocker", influence=3),
        person(6, "Pia", attitude="supporter", influence=5),
    ]
    # when / then
    assert find_gaps(contacts, now=NOW) == []


def test_no_owner_for_key_people_only() -> None:
    # given a key person and an ordinary user, neither owned by anyone on our side
    contacts = [
        *covered_account(),
        person(4, "Kim Key", title="COO", is_key_person=True, relationship_owner_id=None),
        person(5, "Ned", relationship_owner_id=None),
    ]
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then
    assert codes(gaps) == ["no_owner"]
    assert gaps[0].severity == "low"
    assert gaps[0].contact_ids == (4,)
    assert gaps[0].message == "Nobody on our side owns the relationship with Kim Key (COO): name an owner."


def test_gaps_are_sorted_by_severity_then_code() -> None:
    # given only an unowned, never-contacted blocker of influence 5
    contacts = [
        person(
            1, "Bert", buying_role="blocker", influence=5, relationship_owner_id=None, last_contact_at=None
        )
    ]
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then high (alphabetical), medium (alphabetical), low
    assert [(g.severity, g.code) for g in gaps] == [
        ("high", "influential_opponent"),
        ("high", "no_economic_buyer"),
        ("high", "single_threaded"),
        ("medium", "no_coach"),
        ("medium", "not_contacted"),
        ("low", "no_owner"),
    ]


def test_people_who_left_are_ignored_by_every_rule() -> None:
    # given the only economic buyer and coach left, as did a powerful, unowned, forgotten opponent
    contacts = [
        *covered_account(),
        person(9, "Gone", attitude="opponent", influence=5, relationship_owner_id=None, has_left=True),
    ]
    contacts[0] = replace(contacts[0], has_left=True)
    contacts[1] = replace(contacts[1], has_left=True)
    # when
    gaps = find_gaps(contacts, now=NOW)
    # then nobody who left fills a role or raises a gap, and no working relationship is left
    assert codes(gaps) == ["no_economic_buyer", "single_threaded", "no_coach"]
    assert all(9 not in g.contact_ids for g in gaps)


def test_an_empty_map_lacks_buyer_coach_and_threads() -> None:
    assert codes(find_gaps([], now=NOW)) == ["no_economic_buyer", "single_threaded", "no_coach"]


# Org chart ------------------------------------------------------------------------------------


def boxes_by_name(contacts: list[ContactNode], **options: Any) -> dict[str, tuple[int, int]]:
    chart = layout_org_chart(contacts, **options)
    return {node.name: (node.x, node.y) for node in chart.nodes}


def test_a_manager_is_centred_over_two_reports_ordered_by_name() -> None:
    # given a boss with two reports, listed out of name order
    contacts = [person(3, "Bob", reports_to_id=1), person(1, "Boss"), person(2, "Ann", reports_to_id=1)]
    # when
    chart = layout_org_chart(contacts)
    # then reports sit one row down (64 + 48 = 112), Ann at 0, Bob at 180 + 24 = 204;
    # the boss is centred between their centres (90 + 294) / 2 = 192, so x = 192 - 90 = 102
    assert {n.name: (n.x, n.y) for n in chart.nodes} == {"Boss": (102, 0), "Ann": (0, 112), "Bob": (204, 112)}
    assert [n.name for n in chart.nodes] == ["Boss", "Ann", "Bob"]
    assert (chart.width, chart.height) == (384, 176)
    # and lines run from the boss's bottom centre (192, 64) to each report's top centre
    assert [(e.x1, e.y1, e.x2, e.y2) for e in chart.edges] == [(192, 64, 90, 112), (192, 64, 294, 112)]
    assert chart.edges[0].path == "M192 64 V88 H90 V112"


def test_an_uneven_tree_keeps_subtrees_apart_and_managers_centred() -> None:
    # given Boss -> Ann -> (Cy, Dee) and Boss -> Bob
    contacts = [
        person(1, "Boss"),
        person(2, "Ann", reports_to_id=1),
        person(3, "Bob", reports_to_id=1),
        person(4, "Cy", reports_to_id=2),
        person(5, "Dee", reports_to_id=2),
    ]
    # when
    chart = layout_org_chart(contacts)
    # then Ann's subtree is 180 + 24 + 180 = 384 wide, Bob's starts at 384 + 24 = 408 (centre 498);
    # Ann is centred over Cy (90) and Dee (294): 192; Boss over Ann and Bob: (192 + 498) / 2 = 345
    assert {n.name: (n.x, n.y) for n in chart.nodes} == {
        "Boss": (255, 0),
        "Ann": (102, 112),
        "Cy": (0, 224),
        "Dee": (204, 224),
        "Bob": (408, 112),
    }
    # and the chart is 384 + 24 + 180 = 588 wide, three rows 3 * 64 + 2 * 48 = 288 high
    assert (chart.width, chart.height) == (588, 288)


def test_separate_trees_sit_side_by_side_in_name_order() -> None:
    # given two people without a manager and one whose manager is not on the map
    contacts = [person(1, "Zed"), person(2, "Amy", reports_to_id=999), person(3, "Max")]
    # when / then
    assert boxes_by_name(contacts) == {"Amy": (0, 0), "Max": (204, 0), "Zed": (408, 0)}


def test_layout_options_change_the_spacing() -> None:
    # given a boss with two reports, drawn with nodes 100 x 40 and gaps of 10 and 20
    contacts = [person(1, "Boss"), person(2, "Ann", reports_to_id=1), person(3, "Bob", reports_to_id=1)]
    # when
    chart = layout_org_chart(contacts, node_width=100, node_height=40, h_gap=10, v_gap=20)
    # then Bob at 110, the boss centred at (50 + 160) / 2 = 105, so x = 55; reports at y = 60
    assert {n.name: (n.x, n.y) for n in chart.nodes} == {"Boss": (55, 0), "Ann": (0, 60), "Bob": (110, 60)}
    assert (chart.width, chart.height) == (210, 100)


def test_people_who_left_are_not_drawn_and_their_reports_start_new_trees() -> None:
    # given a boss who left, with one report still there
    contacts = [person(1, "Boss", has_left=True), person(2, "Ann", reports_to_id=1)]
    # when
    chart = layout_org_chart(contacts)
    # then
    assert [(n.name, n.x, n.y) for n in chart.nodes] == [("Ann", 0, 0)]
    assert chart.edges == []


def test_reporting_loops_place_everyone_once() -> None:
    # given Ann and Bea report to each other, Cal reports to Ann and Sol to himself
    contacts = [
        person(3, "Cal", reports_to_id=1),
        person(2, "Bea", reports_to_id=1),
        person(1, "Ann", reports_to_id=2),
        person(4, "Sol", reports_to_id=4),
    ]
    # when
    chart = layout_org_chart(contacts)
    # then the loop is cut at Ann (first by name), who gets Bea and Cal; Sol stands alone after
    assert sorted(n.id for n in chart.nodes) == [1, 2, 3, 4]
    assert {n.name: (n.x, n.y) for n in chart.nodes} == {
        "Ann": (102, 0),
        "Bea": (0, 112),
        "Cal": (204, 112),
        "Sol": (408, 0),
    }
    assert len(chart.edges) == 2


def test_an_empty_map_is_an_empty_chart() -> None:
    chart = layout_org_chart([])
    assert (chart.width, chart.height, chart.nodes, chart.edges) == (0, 0, [], [])


def test_nodes_carry_labels_colours_links_and_gap_marks() -> None:
    # given an opponent and a coach, with gaps found for the map
    contacts = [
        person(1, "Otto Opponent", title="Head of purchasing", attitude="opponent", influence=4),
        person(2, "Carl", buying_role="coach", attitude="champion", relationship_owner_id=None),
    ]
    gaps = find_gaps(contacts, now=NOW)
    # when
    chart = layout_org_chart(contacts, url_for=lambda pk: f"/contacts/{pk}/", gaps=gaps)
    # then
    carl, otto = chart.nodes
    assert (carl.role_label, carl.role_colour, carl.role_tint) == (
        "Coach / champion",
        "#cc79a7",
        tint("#cc79a7"),
    )
    assert (carl.attitude_label, carl.attitude_colour) == ("Strong supporter", ATTITUDE_COLOURS["champion"])
    assert (otto.role_label, otto.attitude_label, otto.attitude_colour) == ("User", "Opponent", "#d73027")
    assert (carl.url, otto.url) == ("/contacts/2/", "/contacts/1/")
    # Carl is a coach nobody owns, Otto an influential opponent: both marked, with the reasons
    assert carl.is_gap and otto.is_gap
    assert carl.gap_notes == ("Nobody on our side owns the relationship with Carl: name an owner.",)
    assert "Otto Opponent (Head of purchasing) is against us" in otto.gap_notes[0]
    # influence 4 fills four of the five dots
    assert [d.filled for d in otto.dots] == [True, True, True, True, False]


def test_account_wide_gaps_mark_nobody_and_missing_gaps_mean_no_marks() -> None:
    # given a map lacking an economic buyer, a coach and threads (gaps about the account only)
    contacts = [person(1, "Ann")]
    gaps = find_gaps(contacts, now=NOW)
    # when / then
    assert not layout_org_chart(contacts, gaps=gaps).nodes[0].is_gap
    assert (
        not layout_org_chart([replace(contacts[0], relationship_owner_id=None, influence=5)]).nodes[0].is_gap
    )


def test_long_names_and_titles_are_shortened_for_the_box() -> None:
    # given a name and title too long for a 180-wide node
    contact = person(1, "Maximilian Alexander von Habsburg-Lothringen", title="Senior Vice President " * 3)
    # when
    (node,) = layout_org_chart([contact]).nodes
    # then the short forms end in an ellipsis and the full text stays for the tooltip
    assert node.short_name.endswith("…") and len(node.short_name) <= 19
    assert node.short_title.endswith("…") and len(node.short_title) <= 26
    assert node.name == contact.name


def test_tint_mixes_a_colour_with_white() -> None:
    # given pure blue mixed 80% with white: 255 * 0.8 = 204 -> cc
    assert tint("#0000ff") == "#ccccff"
    assert tint("#000000", 0.5) == "#808080"


def test_the_legend_has_a_distinct_colour_per_role_and_attitude() -> None:
    key = legend()
    assert len(key.roles) == 8 and len(set(key.roles.values())) == 8
    assert key.roles["Economic buyer"] == ROLE_COLOURS["economic_buyer"]
    assert list(key.attitudes) == ["Strong supporter", "Supporter", "Neutral", "Sceptic", "Opponent"]
    assert len(set(key.attitudes.values())) == 5


def test_the_partial_draws_every_person_with_a_link() -> None:
    # given a boss who is an influential opponent, and two reports
    contacts = [
        person(1, "Boss <Big>", title="CEO", attitude="opponent", influence=5),
        person(2, "Ann", reports_to_id=1),
        person(3, "Bob", reports_to_id=1),
    ]
    chart = layout_org_chart(
        contacts, url_for=lambda pk: f"/accounts/contacts/{pk}/", gaps=find_gaps(contacts, now=NOW)
    )
    # when
    html = render_to_string("accounts/partials/decision_map.html", {"chart": chart})
    # then
    assert 'role="img"' in html
    assert 'aria-label="Decision-maker map of 3 people, 1 needing attention"' in html
    assert f'viewBox="{chart.view_box}"' in html and chart.view_box == "-8 -8 400 192"
    for name, pk in (("Boss &lt;Big&gt;", 1), ("Ann", 2), ("Bob", 3)):
        assert f">{name}</text>" in html
        assert f'<a href="/accounts/contacts/{pk}/"' in html
    assert html.count('stroke-dasharray="6 4"') == 1
    assert html.count('<path d="M192 64') == 2
    assert "Coach / champion" in html and "Strong supporter" in html
    assert "<script" not in html


def test_the_partial_without_links_or_people() -> None:
    # given a chart without url_for, and an empty one
    plain = render_to_string(
        "accounts/partials/decision_map.html", {"chart": layout_org_chart([person(1, "Ann")])}
    )
    empty = render_to_string("accounts/partials/decision_map.html", {"chart": layout_org_chart([])})
    # then
    assert ">Ann</text>" in plain and "<a href" not in plain
    assert "No contacts on the map yet." in empty and "<svg" not in empty
