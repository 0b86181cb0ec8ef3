"""What a successful build reported (per file: warnings, statement counts, seconds), stored with
the entry so a warm run's items and summary say exactly what the cold run's did."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..database.build import BuildResult, StepOutcome


def _step(step: StepOutcome) -> dict[str, Any]:
    return {"name": step.name, "warnings": list(step.warnings), "seconds": step.seconds,
            "statements": step.statements}


def dump(build: BuildResult) -> dict[str, Any]:
    """Only for builds that succeeded: failures are never cached."""
    return {"migrations": [_step(s) for s in build.migrations], "seeds": [_step(s) for s in build.seeds],
            "warnings": list(build.warnings), "seconds": build.seconds,
            "server_version_num": build.server_version_num}


def load(data: dict[str, Any], paths: dict[str, Path]) -> BuildResult:
    """The stored result, with each file's path as it is now (the project may have moved)."""

    def steps(key: str) -> list[StepOutcome]:
        return [StepOutcome(name=s["name"], path=paths[s["name"]], warnings=tuple(s["warnings"]),
                            seconds=float(s["seconds"]), statements=int(s["statements"])) for s in data[key]]

    return BuildResult(migrations=steps("migrations"), seeds=steps("seeds"), warnings=list(data["warnings"]),
                       seconds=float(data["seconds"]), server_version_num=int(data["server_version_num"]))
