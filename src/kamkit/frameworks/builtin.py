"""Built-in frameworks and benchmark profiles, loaded by `kamkit up` and `kamkit migrate`.

Idempotent: a shipped file is loaded once per release number (``version`` in the file). When a
later kamkit ships a higher release, it is added as the family's next published version.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from kamkit.core.errors import ServiceError
from kamkit.core.setup import builtin_loader
from kamkit.frameworks import services
from kamkit.frameworks.choices import FrameworkSource, FrameworkStatus
from kamkit.frameworks.documents import read
from kamkit.frameworks.models import Framework

BUILTIN_DIR = Path(__file__).parent / "builtin"
FRAMEWORK_FILES = ("key-account-management.yaml", "account-planning.yaml")
BENCHMARK_FILES = ("benchmark-key-account-manager.yaml",)


@builtin_loader(20, "frameworks")
def load_frameworks() -> str | None:
    loaded = []
    for filename in FRAMEWORK_FILES:
        doc = read((BUILTIN_DIR / filename).read_text(encoding="utf-8"), filename=filename)
        if Framework.objects.filter(
            slug=doc.slug, source=FrameworkSource.BUILTIN, builtin_release=doc.version
        ).exists():
            continue
        services.create_framework(
            doc=doc, source=FrameworkSource.BUILTIN, publish=True, builtin_release=doc.version
        )
        loaded.append(doc.name)
    for filename in BENCHMARK_FILES:
        if load_benchmark(BUILTIN_DIR / filename):
            loaded.append(filename.removesuffix(".yaml"))
    return f"loaded {', '.join(loaded)}" if loaded else None


def load_benchmark(path: Path) -> bool:
    """Attach a shipped benchmark to the newest published version of its framework, once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    framework = (
        Framework.objects.filter(slug=data["framework"], status=FrameworkStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if framework is None or framework.benchmarks.filter(role__iexact=data["role"]).exists():
        return False
    profile = services.create_benchmark(framework=framework, role=data["role"], name=data.get("name", ""))
    by_name = {c.name.casefold(): c for c in framework.competencies.all()}
    targets = []
    for raw in data["targets"]:
        competency = by_name.get(str(raw["competency"]).casefold())
        if competency is None:
            raise ServiceError(f"{path.name}: the framework has no competency {raw['competency']!r}.")
        targets.append(
            services.TargetInput(
                competency=competency,
                band_low=int(raw["band_low"]),
                band_high=int(raw["band_high"]),
                importance=int(raw["importance"]),
            )
        )
    services.set_targets(profile=profile, targets=targets)
    return True
