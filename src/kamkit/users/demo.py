"""Demo people: a director, a manager per team, key account managers, HR, an executive viewer."""

from __future__ import annotations

from kamkit.core.choices import Role
from kamkit.core.demo import DemoContext, DemoRefused, builder
from kamkit.users.models import Team, User

FIRST_NAMES = [
    "Amara",
    "Ben",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kaito",
    "Lena",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quinn",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "Wim",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Bruno",
    "Chloe",
    "Diego",
    "Emeka",
    "Fleur",
    "Gabriel",
    "Hana",
    "Ivan",
    "Julia",
    "Kwame",
    "Lucia",
    "Marek",
    "Noor",
    "Olivia",
    "Pavel",
    "Rania",
    "Stefan",
    "Thea",
    "Uri",
    "Valentina",
    "Wen",
]
LAST_NAMES = [
    "Achebe",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksen",
    "Ferreira",
    "Garcia",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Vargas",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zielinski",
    "Almeida",
    "Brennan",
    "Castillo",
    "Delacroix",
    "Engel",
    "Fischer",
    "Gallagher",
    "Horvat",
    "Ibrahim",
    "Jovanovic",
    "Keller",
    "Lindqvist",
    "Mendes",
    "Novak",
    "Oliveira",
    "Pereira",
    "Reyes",
    "Santos",
    "Toivonen",
    "Urban",
    "Vidal",
    "Wójcik",
]
TEAM_NAMES = ("Central", "East", "West", "Strategic Accounts", "North", "South", "Public Sector")
DEMO_DOMAIN = "demo.kamkit.example"

# Cheap, deterministic hash so that thousands of demo users do not cost minutes of PBKDF2;
# demo people cannot sign in until an admin or 'forgot password' sets a real password.
UNUSABLE = "!demo"


def _unique_names(context: DemoContext, count: int) -> list[tuple[str, str]]:
    seen: set[str] = set()
    names: list[tuple[str, str]] = []
    suffix = 0
    while len(names) < count:
        first = context.rng.choice(FIRST_NAMES)
        last = context.rng.choice(LAST_NAMES)
        full = f"{first} {last}"
        if full in seen:
            suffix += 1
            full = f"{first} {last} {suffix}"
        seen.add(full)
        email = full.lower().replace(" ", ".") + "@" + DEMO_DOMAIN
        names.append((full, email))
    return names


@builder(10, "people")
def build_people(context: DemoContext) -> str:
    if User.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists():
        raise DemoRefused("the demo organisation is already loaded in this database")
    total = context.size.people
    team_count = max(1, min(len(TEAM_NAMES), round(total / 8)))
    names = _unique_names(context, total)
    teams = Team.objects.bulk_create(
        [Team(name=name, description=f"{name} key account team") for name in TEAM_NAMES[:team_count]]
    )
    people: list[User] = []

    def person(index: int, role: str, title: str, team: Team | None, manager: User | None) -> User:
        full, email = names[index]
        return User(
            email=email,
            full_name=full,
            role=role,
            title=title,
            team=team,
            manager=manager,
            password=UNUSABLE,
        )

    director = person(0, Role.DIRECTOR, "Director, Key Accounts", None, None)
    director.save()
    people.append(director)
    managers = [
        person(1 + i, Role.MANAGER, f"Sales Manager, {team.name}", team, director)
        for i, team in enumerate(teams)
    ]
    User.objects.bulk_create(managers)
    people.extend(managers)
    index = 1 + len(managers)
    specials = [
        (Role.INTERVIEWER, "Talent Partner"),
        (Role.VIEWER, "Chief Commercial Officer"),
    ]
    extras = []
    for role, title in specials:
        if index < total:
            extras.append(person(index, role, title, None, director))
            index += 1
    User.objects.bulk_create(extras)
    people.extend(extras)
    kams = []
    while index < total:
        team_index = (index - 1) % len(teams)
        title = context.rng.choice(
            (
                "Key Account Manager",
                "Key Account Manager",
                "Senior Key Account Manager",
                "Account Executive",
            )
        )
        kams.append(person(index, Role.ACCOUNT_MANAGER, title, teams[team_index], managers[team_index]))
        index += 1
    User.objects.bulk_create(kams, batch_size=1000)
    people.extend(kams)
    Team.objects.bulk_update(
        [_with_lead(team, manager) for team, manager in zip(teams, managers, strict=True)], ["lead"]
    )
    context.made["people"] = list(User.objects.filter(email__endswith="@" + DEMO_DOMAIN))
    context.made["teams"] = teams
    context.made["account_managers"] = list(
        User.objects.filter(email__endswith="@" + DEMO_DOMAIN, role=Role.ACCOUNT_MANAGER)
    )
    return f"{len(people)} people in {len(teams)} teams"


def _with_lead(team: Team, lead: User) -> Team:
    team.lead = lead
    return team
