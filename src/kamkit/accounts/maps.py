"""The decision-maker map: the gaps in our coverage of a customer's buying centre, and a tidy
top-down org chart of its people (plain values in, plain values out, so the rules are testable
without a database and the page only has to draw what is computed here).

Bigger decisions involve more people; the economic buyer carries most weight and a coach inside
the customer tells us how the others see it (DOMAIN.md section 3, step 2). The gaps below are the
usual ways a key account manager loses a deal without noticing: nobody who signs, nobody who
explains, one thread only, key people left alone, powerful opponents, relationships nobody owns.
People who have left the customer are ignored everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kamkit.accounts.choices import Attitude, BuyingRole

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}

# Codes of the gaps that are about one person (and so mark that person on the chart).
PERSON_GAP_CODES = frozenset({"not_contacted", "influential_opponent", "no_owner"})

KEY_ROLES = frozenset({BuyingRole.ECONOMIC_BUYER, BuyingRole.TECHNICAL_BUYER, BuyingRole.COACH})
WORKING_RELATIONSHIP = 3  # relationship_strength from which we can pick up the phone and be heard
HIGH_INFLUENCE = 4

# Colour-blind friendly (Okabe-Ito) palette, one colour per buying role.
ROLE_COLOURS: dict[str, str] = {
    BuyingRole.ECONOMIC_BUYER: "#0072b2",
    BuyingRole.TECHNICAL_BUYER: "#56b4e9",
    BuyingRole.USER: "#009e73",
    BuyingRole.INFLUENCER: "#e69f00",
    BuyingRole.COACH: "#cc79a7",
    BuyingRole.GATEKEEPER: "#f0e442",
    BuyingRole.BLOCKER: "#d55e00",
    BuyingRole.UNKNOWN: "#999999",
}
# Red (against us) to green (for us).
ATTITUDE_COLOURS: dict[str, str] = {
    Attitude.CHAMPION: "#1a9850",
    Attitude.SUPPORTER: "#91cf60",
    Attitude.NEUTRAL: "#fee08b",
    Attitude.SCEPTIC: "#fc8d59",
    Attitude.OPPONENT: "#d73027",
}
FALLBACK_COLOUR = "#999999"
GAP_COLOUR = "#c62828"


@dataclass(frozen=True)
class ContactNode:
    """What the map needs to know about one person at the customer."""

    id: int
    name: str
    title: str
    reports_to_id: int | None
    buying_role: str
    attitude: str
    influence: int
    relationship_strength: int
    relationship_owner_id: int | None
    last_contact_at: datetime | None
    is_key_person: bool
    has_left: bool = False


@dataclass(frozen=True)
class Gap:
    """Something missing from our coverage of the account, worded as advice to the KAM."""

    code: str
    severity: str  # "high" | "medium" | "low"
    message: str
    contact_ids: tuple[int, ...] = ()


def _role_label(value: str) -> str:
    try:
        return str(BuyingRole(value).label)
    except ValueError:
        return value


def _attitude_label(value: str) -> str:
    try:
        return str(Attitude(value).label)
    except ValueError:
        return value


def is_key(contact: ContactNode) -> bool:
    """Key people must be kept in touch with: flagged, a buying role that decides, or much influence."""
    return contact.is_key_person or contact.buying_role in KEY_ROLES or contact.influence >= HIGH_INFLUENCE


def _who(contact: ContactNode) -> str:
    return f"{contact.name} ({contact.title})" if contact.title else contact.name


def _single_threaded(active: Sequence[ContactNode]) -> Gap | None:
    working = [c for c in active if c.relationship_strength >= WORKING_RELATIONSHIP]
    if len(working) > 1:
        return None
    if working:
        (only,) = working
        message = (
            f"{_who(only)} is our only working relationship here: if they move on we lose the account's "
            "ear, so build a second thread."
        )
    else:
        message = (
            "We have no working relationship with anyone here: find at least two people who take our "
            "calls and trust us."
        )
    return Gap("single_threaded", HIGH, message, tuple(c.id for c in working))


def _not_contacted(contact: ContactNode, now: datetime, stale_after_days: int) -> Gap | None:
    if contact.last_contact_at is None:
        message = f"{_who(contact)} is a key person and has never been contacted: get in touch."
    else:
        days = (now - contact.last_contact_at).days
        if days <= stale_after_days:
            return None
        when = f"was last contacted {days} days ago"
        message = f"{_who(contact)} is a key person and {when}: get back in touch."
    return Gap("not_contacted", MEDIUM, message, (contact.id,))


def _influential_opponent(contact: ContactNode) -> Gap | None:
    if contact.influence < HIGH_INFLUENCE:
        return None
    if contact.attitude == Attitude.OPPONENT:
        stance = "is against us"
    elif contact.attitude == Attitude.SCEPTIC:
        stance = "is sceptical of us"
    elif contact.buying_role == BuyingRole.BLOCKER:
        stance = "can block the decision"
    else:
        return None
    message = (
        f"{_who(contact)} {stance} and has influence {contact.influence} of 5: "
        "find out what worries them and who can win them over."
    )
    return Gap("influential_opponent", HIGH, message, (contact.id,))


def find_gaps(contacts: Sequence[ContactNode], *, now: datetime, stale_after_days: int = 60) -> list[Gap]:
    """Every gap in the map, most serious first (then by code; people in the order given)."""
    active = [c for c in contacts if not c.has_left]
    gaps: list[Gap] = []
    if not any(c.buying_role == BuyingRole.ECONOMIC_BUYER for c in active):
        gaps.append(
            Gap("no_economic_buyer", HIGH, "No economic buyer is known: find out who signs off the budget.")
        )
    if not any(c.buying_role == BuyingRole.COACH for c in active):
        gaps.append(
            Gap(
                "no_coach",
                MEDIUM,
                "Nobody inside the customer is coaching us: cultivate someone who explains how the "
                "others see our offer.",
            )
        )
    single = _single_threaded(active)
    if single is not None:
        gaps.append(single)
    for contact in active:
        opponent = _influential_opponent(contact)
        if opponent is not None:
            gaps.append(opponent)
        if not is_key(contact):
            continue
        stale = _not_contacted(contact, now, stale_after_days)
        if stale is not None:
            gaps.append(stale)
        if contact.relationship_owner_id is None:
            gaps.append(
                Gap(
                    "no_owner",
                    LOW,
                    f"Nobody on our side owns the relationship with {_who(contact)}: name an owner.",
                    (contact.id,),
                )
            )
    return sorted(gaps, key=lambda gap: (SEVERITY_ORDER[gap.severity], gap.code))


# Org chart ------------------------------------------------------------------------------------

STRIPE = 8  # width of the attitude stripe, also the corner radius of a node
DOT_GAP = 10  # distance between the influence dots


@dataclass(frozen=True)
class Dot:
    cx: int
    cy: int
    filled: bool


@dataclass(frozen=True)
class NodeBox:
    """One person on the chart, with everything the template draws already worked out."""

    id: int
    x: int
    y: int
    w: int
    h: int
    name: str
    title: str
    role: str
    role_label: str
    role_colour: str
    role_tint: str
    attitude: str
    attitude_label: str
    attitude_colour: str
    influence: int
    url: str = ""
    is_gap: bool = False
    gap_notes: tuple[str, ...] = ()
    short_name: str = ""
    short_title: str = ""
    stripe_path: str = ""
    dots: tuple[Dot, ...] = ()


@dataclass(frozen=True)
class Edge:
    """A reporting line from the bottom centre of the manager to the top centre of the report."""

    x1: int
    y1: int
    x2: int
    y2: int

    @property
    def path(self) -> str:
        """An elbow: down half the gap, across, down to the report."""
        middle = (self.y1 + self.y2) // 2
        return f"M{self.x1} {self.y1} V{middle} H{self.x2} V{self.y2}"


@dataclass(frozen=True)
class Legend:
    roles: dict[str, str]  # role label -> colour
    attitudes: dict[str, str]  # attitude label -> colour


def legend() -> Legend:
    return Legend(
        roles={str(role.label): ROLE_COLOURS[role] for role in BuyingRole},
        attitudes={str(attitude.label): ATTITUDE_COLOURS[attitude] for attitude in Attitude},
    )


@dataclass(frozen=True)
class ChartLayout:
    width: int
    height: int
    nodes: list[NodeBox] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    legend: Legend = field(default_factory=legend)
    padding: int = 8

    @property
    def view_box(self) -> str:
        """Room around the chart so outlines at its edges are not cut off."""
        pad = self.padding
        return f"{-pad} {-pad} {self.width + 2 * pad} {self.height + 2 * pad}"

    @property
    def view_width(self) -> int:
        return self.width + 2 * self.padding

    @property
    def flagged_count(self) -> int:
        return sum(1 for node in self.nodes if node.is_gap)

    @property
    def min_width(self) -> int:
        """Narrowest the chart is drawn before the container scrolls (text stays readable)."""
        return round(self.view_width * 0.75)


def tint(colour: str, amount: float = 0.8) -> str:
    """The colour mixed with white, light enough to put dark text on."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(c + (255 - c) * amount) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"


def _by_name(contact: ContactNode) -> tuple[str, int]:
    return (contact.name.casefold(), contact.id)


def _loop_start(contact: ContactNode, by_id: dict[int, ContactNode]) -> ContactNode:
    """The first by name of the reporting loop that ``contact`` hangs from (it has no root)."""
    seen: list[int] = []
    current = contact.id
    while current not in seen:
        seen.append(current)
        manager = by_id[current].reports_to_id
        current = manager if manager is not None and manager in by_id else current
    loop = seen[seen.index(current) :]
    return min((by_id[i] for i in loop), key=_by_name)


def _forest(active: Sequence[ContactNode]) -> tuple[list[int], dict[int, list[int]]]:
    """Tree roots and each person's children in drawing order; everyone appears exactly once,
    even when reporting lines loop (a loop is cut at its first member by name)."""
    by_id = {c.id: c for c in active}
    reports: dict[int, list[ContactNode]] = {c.id: [] for c in active}
    for c in active:
        if c.reports_to_id is not None and c.reports_to_id in by_id:
            reports[c.reports_to_id].append(c)
    ordered = sorted(active, key=_by_name)
    for kids in reports.values():
        kids.sort(key=_by_name)
    roots: list[int] = []
    children: dict[int, list[int]] = {}
    placed: set[int] = set()

    def grow(root: ContactNode) -> None:
        roots.append(root.id)
        placed.add(root.id)
        stack = [root.id]
        while stack:
            node_id = stack.pop()
            children[node_id] = [kid.id for kid in reports[node_id] if kid.id not in placed]
            placed.update(children[node_id])
            stack.extend(children[node_id])

    for c in ordered:
        if c.reports_to_id is None or c.reports_to_id not in by_id:
            grow(c)
    for c in ordered:
        if c.id not in placed:
            grow(_loop_start(c, by_id))
    return roots, children


def _pre_order(root: int, children: dict[int, list[int]]) -> list[tuple[int, int]]:
    """(id, depth) with every manager before their reports."""
    order: list[tuple[int, int]] = []
    stack = [(root, 0)]
    while stack:
        node_id, depth = stack.pop()
        order.append((node_id, depth))
        stack.extend((kid, depth + 1) for kid in reversed(children[node_id]))
    return order


def _dots(influence: int, h: int) -> tuple[Dot, ...]:
    """Influence 1-5 as five dots under the title, as many filled as the influence."""
    return tuple(Dot(cx=STRIPE + 10 + i * DOT_GAP, cy=h - 12, filled=i < influence) for i in range(5))


def _stripe_path(h: int) -> str:
    """The left edge of a rounded node, STRIPE wide, rounded like the node."""
    r = STRIPE
    return f"M{r} 0 V{h} A{r} {r} 0 0 1 0 {h - r} V{r} A{r} {r} 0 0 1 {r} 0 Z"


def layout_org_chart(
    contacts: Sequence[ContactNode],
    *,
    node_width: int = 180,
    node_height: int = 64,
    h_gap: int = 24,
    v_gap: int = 48,
    url_for: Callable[[int], str] | None = None,
    gaps: Sequence[Gap] | None = None,
) -> ChartLayout:
    """A tidy top-down tree: each manager centred over their reports, reports ordered by name,
    separate trees (people whose manager is not on the map) side by side. People who left are
    not drawn; their reports start trees of their own."""
    active = [c for c in contacts if not c.has_left]
    by_id = {c.id: c for c in active}
    notes: dict[int, list[str]] = {}
    for gap in gaps or ():
        if gap.code in PERSON_GAP_CODES:
            for contact_id in gap.contact_ids:
                notes.setdefault(contact_id, []).append(gap.message)
    roots, children = _forest(active)

    # Width of each subtree: the node itself or its reports side by side, whichever is wider.
    span: dict[int, float] = {}
    orders = [_pre_order(root, children) for root in roots]
    for order in orders:
        for node_id, _ in reversed(order):
            kids = children[node_id]
            below = sum(span[kid] for kid in kids) + h_gap * max(len(kids) - 1, 0)
            span[node_id] = max(float(node_width), below)

    # Left edge of each subtree's block, top-down; then centres bottom-up.
    left: dict[int, float] = {}
    depth_of: dict[int, int] = {}
    offset = 0.0
    for root, order in zip(roots, orders, strict=True):
        left[root] = offset
        offset += span[root] + h_gap
        for node_id, depth in order:
            depth_of[node_id] = depth
            kids = children[node_id]
            below = sum(span[kid] for kid in kids) + h_gap * max(len(kids) - 1, 0)
            start = left[node_id] + (span[node_id] - below) / 2
            for kid in kids:
                left[kid] = start
                start += span[kid] + h_gap
    centre: dict[int, float] = {}
    for order in orders:
        for node_id, _ in reversed(order):
            kids = children[node_id]
            if kids:
                centre[node_id] = (centre[kids[0]] + centre[kids[-1]]) / 2
            else:
                centre[node_id] = left[node_id] + span[node_id] / 2

    name_chars = max((node_width - STRIPE - 16) // 8, 4)
    title_chars = max((node_width - STRIPE - 16) // 6, 4)
    boxes: list[NodeBox] = []
    edges: list[Edge] = []
    for order in orders:
        for node_id, depth in order:
            c = by_id[node_id]
            x = round(centre[node_id] - node_width / 2)
            y = depth * (node_height + v_gap)
            role_colour = ROLE_COLOURS.get(c.buying_role, FALLBACK_COLOUR)
            boxes.append(
                NodeBox(
                    id=c.id,
                    x=x,
                    y=y,
                    w=node_width,
                    h=node_height,
                    name=c.name,
                    title=c.title,
                    role=c.buying_role,
                    role_label=_role_label(c.buying_role),
                    role_colour=role_colour,
                    role_tint=tint(role_colour),
                    attitude=c.attitude,
                    attitude_label=_attitude_label(c.attitude),
                    attitude_colour=ATTITUDE_COLOURS.get(c.attitude, FALLBACK_COLOUR),
                    influence=c.influence,
                    url=url_for(c.id) if url_for is not None else "",
                    is_gap=c.id in notes,
                    gap_notes=tuple(notes.get(c.id, ())),
                    short_name=truncate(c.name, name_chars),
                    short_title=truncate(c.title, title_chars),
                    stripe_path=_stripe_path(node_height),
                    dots=_dots(c.influence, node_height),
                )
            )
            for kid in children[node_id]:
                edges.append(
                    Edge(
                        x1=round(centre[node_id]),
                        y1=y + node_height,
                        x2=round(centre[kid]),
                        y2=(depth + 1) * (node_height + v_gap),
                    )
                )
    levels = max(depth_of.values(), default=-1) + 1
    width = round(offset - h_gap) if roots else 0
    height = levels * node_height + max(levels - 1, 0) * v_gap
    return ChartLayout(width=width, height=height, nodes=boxes, edges=edges)
