"""Rendering reports through Jinja templates, safely.

- A **sandboxed** environment with ``StrictUndefined``: a template cannot reach
  Python internals, and a misspelt field is an error, not a blank.
- Text from a record is data, never template code or markup: HTML templates
  autoescape; Markdown templates escape the characters that Markdown would
  read as markup or HTML.
- A casebook's own ``templates/NAME.FORMAT.j2`` overrides the built-in one.

The context every per-child template receives is documented in the README
("Reports: the template context").
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from sendcli.core import codes
from sendcli.core.dates import age_in_years, is_young_person, parse_iso_date
from sendcli.core.reports import initials, long_date, plan_cycle, redact, reviewed_cycle, weekly_minutes
from sendcli.errors import SendcliError
from sendcli.schemas import resource_dir

TEMPLATES = ("plan", "review", "parent", "profile")
FORMATS = ("html", "md")

RATING_WORDS = {"achieved": "Achieved", "partly-achieved": "Partly achieved", "not-achieved": "Not yet achieved"}
DECISION_WORDS = {
    "continue": "Continue with SEN support and a new plan",
    "revise": "Revise the plan",
    "exit": "SEN support is no longer needed",
    "request-ehc-assessment": "Ask the local authority for an EHC needs assessment",
}
PROVISION_WORDS = {
    "learning-programme": "a special learning programme", "adult-support": "extra help from an adult",
    "adapted-materials": "adapted materials or equipment", "small-group": "small-group work",
    "observation": "observation in class or at break", "participation": "help to take part in class activities",
    "questioning": "checking understanding and encouraging questions", "peer-support": "help from other children",
    "one-to-one": "one-to-one support", "specialist": "specialist support", "other": "other support",
}
AREA_WORDS = {
    "communication-and-interaction": "Communication and interaction",
    "cognition-and-learning": "Cognition and learning",
    "social-emotional-mental-health": "Social, emotional and mental health",
    "sensory-physical": "Sensory and physical",
}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")


class TemplateProblem(SendcliError):
    """A casebook template that cannot be rendered: exit 1 with the template's line."""


def markdown_escape(value: object) -> object:
    """Record text in Markdown: no emphasis, links, tables or HTML can come from it."""
    if isinstance(value, str):
        return _MARKDOWN_SPECIAL.sub(r"\\\1", value).replace("\n", " ")
    return value


def _money(value: object) -> str:
    return f"£{value:,.2f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def _minutes(value: object) -> str:
    if not isinstance(value, int) or value <= 0:
        return ""
    hours, minutes = divmod(value, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if part)


def _filters() -> dict:
    return {
        "long_date": long_date,
        "need_label": codes.need_label,
        "area_label": lambda area: AREA_WORDS.get(area, area or ""),
        "provision_words": lambda kind: PROVISION_WORDS.get(kind, kind or ""),
        "rating_words": lambda rating: RATING_WORDS.get(rating, rating or ""),
        "decision_words": lambda decision: DECISION_WORDS.get(decision, decision or ""),
        "money": _money,
        "minutes": _minutes,
        "weekly_minutes": weekly_minutes,
        "initials": initials,
        "provision_code": codes.provision_code,
    }


@lru_cache(maxsize=8)
def environment(output_format: str, casebook_root: Path | None):
    """One sandboxed environment per format and casebook."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    loaders = []
    if casebook_root is not None and (casebook_root / "templates").is_dir():
        loaders.append(FileSystemLoader(casebook_root / "templates"))
    loaders.append(FileSystemLoader(resource_dir("templates")))
    options = dict(loader=ChoiceLoader(loaders), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   keep_trailing_newline=True)
    if output_format == "html":
        env = SandboxedEnvironment(autoescape=True, **options)
    else:
        env = SandboxedEnvironment(autoescape=False, finalize=markdown_escape, **options)
    env.filters.update(_filters())
    return env


def render(template: str, output_format: str, context: dict, casebook_root: Path | None = None) -> str:
    """Render ``templates/TEMPLATE.FORMAT.j2`` (the casebook's own first) with ``context``."""
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    name = f"{template}.{output_format}.j2"
    env = environment(output_format, casebook_root)
    try:
        return env.get_template(name).render(**context)
    except TemplateSyntaxError as error:
        raise TemplateProblem(f"templates/{error.name or name}:{error.lineno}: {error.message}") from None
    except (UndefinedError, SecurityError) as error:
        raise TemplateProblem(f"templates/{name}: {error}") from None
    except TemplateError as error:
        raise TemplateProblem(f"templates/{name}: {type(error).__name__}: {error}") from None


def record_context(record: dict, today: date, settings: dict, services: dict[str, dict],
                   redacted: bool = False) -> dict:
    """What every per-child template receives (README: "the template context")."""
    shown = redact(record) if redacted else record
    born = parse_iso_date(record["child"]["date_of_birth"])
    cycle = plan_cycle(shown)
    child = shown["child"]
    return {
        "record": shown,
        "today": today,
        "settings": settings,
        "redacted": redacted,
        "child_name": child["name"] if redacted else child.get("preferred_name") or child["name"].split()[0],
        "age": age_in_years(born, today) if born and not redacted else None,
        "young_person": bool(born and is_young_person(born, today)),
        "cycle": cycle,
        "reviewed": reviewed_cycle(shown),
        "services": services,
        "used_services": [services[name] for name in dict.fromkeys(
            item.get("local_offer") for item in ((cycle or {}).get("plan") or {}).get("provision") or [])
            if name in services],
        "setting_name": settings.get("name", ""),
    }
