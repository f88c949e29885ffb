"""Rendering reports through Jinja templates, safely.

- A **sandboxed** environment with ``StrictUndefined``: a template cannot reach
  Python internals, and a misspelt field is an error, not a blank.
- Text from a record is data, never template code or markup: HTML templates
  autoescape; Markdown templates escape the characters that Markdown would
  read as markup or HTML; Word templates (``docx``, sendcli.documents.docx)
  escape for XML and drop the characters XML cannot hold.
- A casebook's own ``templates/NAME.FORMAT.j2`` (``templates/NAME.docx`` for
  Word) overrides the built-in one.

The context every per-child template receives is documented in the README
("Reports: the template context").
"""

from __future__ import annotations

import io
import os
import re
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path

from sendcli.core import codes
from sendcli.core.dates import age_in_years, is_young_person, parse_iso_date
from sendcli.core.reports import (
    STAGE_WORDS, ehc_status, initials, long_date, plan_cycle, redact, reviewed_cycle, standing, weekly_minutes,
)
from sendcli.errors import SendcliError
from sendcli.store.schemas import resource_dir

TEMPLATES = ("plan", "review", "parent", "profile", "annual-review", "passport")
#: The formats of ``report --format``: one place, so the command, the renderer and the docs agree
#: (pdf: the HTML laid out as A4 pages, sendcli.documents.pdf).
FORMATS = ("html", "md", "docx", "pdf")
#: Formats that are bytes rather than text: never written to a terminal.
BINARY_FORMATS = frozenset({"docx", "pdf"})

RATING_WORDS = {"achieved": "Achieved", "partly-achieved": "Partly achieved", "not-achieved": "Not yet achieved"}
DECISION_WORDS = {
    "continue": "Continue with SEN support and a new plan",
    "revise": "Revise the plan",
    "exit": "SEN support is no longer needed",
    "request-ehc-assessment": "Ask the local authority for an EHC needs assessment",
}
#: A review's decision as a letter tells the family ("We decided together: ...").
FAMILY_DECISION_WORDS = {
    "continue": "to carry on with the plan, working on the goals not yet reached",
    "revise": "to change the plan, and agree the new one with you",
    "exit": "that SEN support is no longer needed",
    "request-ehc-assessment": "to ask the local authority for an EHC needs assessment; SEN support carries on meanwhile",
}
PROVISION_WORDS = {
    "learning-programme": "a special learning programme", "adult-support": "extra help from an adult",
    "adapted-materials": "adapted materials or equipment", "small-group": "small-group work",
    "observation": "observation in class or at break", "participation": "help to take part in class activities",
    "questioning": "checking understanding and encouraging questions", "peer-support": "help from other children",
    "one-to-one": "one-to-one support", "specialist": "specialist support", "other": "other support",
}
#: The setting's recommendation to the authority after an annual review (CoP 9.176), and the
#: authority's decision (Regs 20(10)).
RECOMMENDATION_WORDS = {
    "maintain": "Maintain the EHC plan as it is",
    "amend": "Amend the EHC plan",
    "cease": "Cease to maintain the EHC plan",
}
AREA_WORDS = {
    "communication-and-interaction": "Communication and interaction",
    "cognition-and-learning": "Cognition and learning",
    "social-emotional-mental-health": "Social, emotional and mental health",
    "sensory-physical": "Sensory and physical",
}

#: The broad areas of need in words for the adults who teach the child (the passport): what the
#: need means in class, never a diagnosis or a condition.
PLAIN_AREA_WORDS = {
    "communication-and-interaction": "Saying what I mean, understanding what people say, and getting on with "
                                     "others can be hard for me.",
    "cognition-and-learning": "I learn best with more time, smaller steps and more practice than most.",
    "social-emotional-mental-health": "Big feelings can get in the way of my learning and my friendships.",
    "sensory-physical": "What I can see, hear or do with my body affects how I learn and get around.",
}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


class TemplateProblem(SendcliError):
    """A casebook template that cannot be rendered: exit 1 with the template's line."""


def markdown_escape(value: object) -> object:
    """Record text in Markdown: no emphasis, links, tables, headings or HTML can come from it.

    Every line break (a carriage return alone as well as a newline: CommonMark
    ends a line at either) becomes a space, so no text can start a line of
    its own, such as a heading.
    """
    if isinstance(value, str):
        return _LINE_BREAKS.sub(" ", _MARKDOWN_SPECIAL.sub(r"\\\1", value))
    return value


#: Characters XML 1.0 cannot hold (all C0 controls but tab, newline and carriage return), and the
#: bell and form feed, which docxtpl would turn into a new paragraph or page: none comes from a record.
_NOT_XML_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: object) -> object:
    """Record text in a Word document: what XML cannot hold is dropped (autoescape does the rest).

    A carriage return becomes a newline, which docxtpl turns into a line break.
    """
    if isinstance(value, str):
        return _NOT_XML_TEXT.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def _money(value: object) -> str:
    return f"£{value:,.2f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def _minutes(value: object) -> str:
    if not isinstance(value, int) or value <= 0:
        return ""
    hours, minutes = divmod(value, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if part)


def _amount(value: object) -> str:
    """A measure's value as people write it: 12 rather than 12.0, 3.5 as it is."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _plain_needs(record: dict) -> list[str]:
    """The child's areas of need in plain words (PLAIN_AREA_WORDS): from the primary need, the
    secondary needs and the open cycle's outcomes, primary first, each once."""
    needs = record.get("needs") or {}
    codes_given = [needs.get("primary"), *(needs.get("secondary") or [])]
    areas = [codes.area_of_need(code) for code in codes_given if isinstance(code, str)]
    cycles = record.get("cycles") or []
    if cycles and cycles[-1].get("stage") != "closed":
        areas += [item.get("area") for item in (cycles[-1].get("plan") or {}).get("outcomes") or []
                  if isinstance(item, dict)]
    return [PLAIN_AREA_WORDS[area] for area in dict.fromkeys(areas) if area in PLAIN_AREA_WORDS]


def _evidence_sources(record: dict) -> list[str]:
    """Who gave the evidence of every cycle's assessment, each once, in the order first given."""
    sources = [str(item.get("source")) for cycle in record.get("cycles") or []
               for item in (cycle.get("assess") or {}).get("evidence") or [] if isinstance(item, dict)]
    return list(dict.fromkeys(source for source in sources if source and source != "None"))


_CSS_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()")


def css_string(value: object):
    """Text as a quoted CSS string (for ``content:`` in the print CSS, such as the school's name in
    the page footer): every character but letters, digits and plain punctuation as a CSS escape, so no
    text can end the string, the rule or the ``<style>`` element."""
    from markupsafe import Markup

    text = "" if value is None else str(value)
    return Markup('"' + "".join(char if char in _CSS_PLAIN else f"\\{ord(char):x} " for char in text) + '"')


def _filters() -> dict:
    return {
        "long_date": long_date,
        "need_label": codes.need_label,
        "area_label": lambda area: AREA_WORDS.get(area, area or ""),
        "provision_words": lambda kind: PROVISION_WORDS.get(kind, kind or ""),
        "rating_words": lambda rating: RATING_WORDS.get(rating, rating or ""),
        "decision_words": lambda decision: DECISION_WORDS.get(decision, decision or ""),
        "family_decision": lambda decision: FAMILY_DECISION_WORDS.get(decision, decision or ""),
        "stage_words": lambda stage: STAGE_WORDS.get(stage, stage or ""),
        "recommendation_words": lambda value: RECOMMENDATION_WORDS.get(value, value or ""),
        "amount": _amount,
        "money": _money,
        "minutes": _minutes,
        "weekly_minutes": weekly_minutes,
        "initials": initials,
        "provision_code": codes.provision_code,
        # Items by their ID, built here: the immutable sandbox lets no template update a mapping.
        "by_id": lambda items: {item.get("id"): item for item in items or [] if isinstance(item, dict)},
        # A review's ratings by the outcome they rate.
        "by_outcome": lambda items: {item.get("outcome"): item for item in items or [] if isinstance(item, dict)},
        "evidence_sources": _evidence_sources,
        # The outcomes that carry a measure (the ones a chart can draw).
        "measured": lambda outcomes: [item for item in outcomes or []
                                      if isinstance(item, dict) and isinstance(item.get("measure"), dict)],
        "css_string": css_string,
        "plain_needs": _plain_needs,
        # Provision that has not ended: what the child has now.
        "running": lambda items: [item for item in items or [] if isinstance(item, dict) and not item.get("ended")],
    }


def _until(value: object) -> date | None:
    return value if isinstance(value, date) else parse_iso_date(value)


def _has_measure(record: object, outcome: object) -> bool:
    """Whether there is a measure to draw: the chart modules load only then."""
    return isinstance(record, dict) and isinstance(outcome, dict) and isinstance(outcome.get("measure"), dict)


def _outcome_chart(record: dict, outcome: dict, until: object = None, label: object = None):
    """A measured outcome's chart (baseline, readings up to ``until``, target) as an HTML figure,
    titled ``label`` (default: the outcome's ID) and the measure's name; blank for an outcome
    without a measure. Marked safe because charts.py built it, escaping every text of the record
    that went into it."""
    if not _has_measure(record, outcome):
        return ""
    from markupsafe import Markup

    from sendcli.core.measures import outcome_series
    from sendcli.documents.charts import measure_chart

    series = outcome_series(record, outcome)
    if series is None:
        return ""
    label = outcome.get("id") if label is None else label
    return Markup(measure_chart(series, str(label or ""), _until(until)))


def _outcome_measure(record: dict, outcome: dict, until: object = None) -> dict | None:
    """A measured outcome's numbers for text (None without a measure): ``name``, ``unit``,
    ``baseline``, ``target`` and ``latest`` as text with the unit ("84 months"),
    ``baseline_date`` and ``latest_date`` as dates, ``readings`` (how many up to ``until``),
    ``lower_is_better``, ``reached`` (the latest reading at or past the target) and ``summary``
    (all of it in one line)."""
    if not _has_measure(record, outcome):
        return None
    from sendcli.core.measures import number_text, outcome_series

    series = outcome_series(record, outcome)
    if series is None:
        return None
    measure, limit = series.measure, _until(until)
    readings = [reading for reading in series.readings if limit is None or reading.day <= limit]
    latest = readings[-1] if readings else None

    def with_unit(value: float) -> str:
        return f"{number_text(value)} {measure.unit}" if measure.unit else number_text(value)

    reached = None if latest is None else measure.reached(latest.value)
    summary = (f"{measure.name}: baseline {with_unit(measure.baseline)} ({long_date(measure.baseline_date)}); "
               + (f"latest {with_unit(latest.value)} ({long_date(latest.day)}); " if latest else "no reading yet; ")
               + f"target {with_unit(measure.target)}" + (", lower is better" if measure.lower_is_better else ""))
    return {
        "name": measure.name, "unit": measure.unit, "lower_is_better": measure.lower_is_better,
        "baseline": with_unit(measure.baseline), "baseline_date": measure.baseline_date,
        "target": with_unit(measure.target),
        "latest": with_unit(latest.value) if latest else None, "latest_date": latest.day if latest else None,
        "readings": len(readings), "reached": reached, "summary": summary,
    }


def _change_chart(groups: object):
    """``sendcli impact``'s groups as bar charts of the median change (one per measure and unit)."""
    from markupsafe import Markup

    from sendcli.documents.charts import change_chart

    return Markup(change_chart([group for group in groups or [] if isinstance(group, dict)]))


def _globals() -> dict:
    """Functions every template may call: the charts, and a measured outcome's numbers."""
    return {"outcome_chart": _outcome_chart, "outcome_measure": _outcome_measure, "change_chart": _change_chart}


#: Bounds on one rendering through a casebook's own template (no hang, no blow-up):
#: a report is tens of KB and renders in milliseconds, so these only stop a template that loops
#: or multiplies without end.
RENDER_SECONDS = 20.0
RENDER_MAX_BYTES = 20 * 1024 * 1024
#: Memory the rendering may take on top of what the process holds (Linux and other POSIX).
RENDER_MAX_EXTRA_MEMORY = 512 * 1024 * 1024
#: The longest text or list one operation of a template may build (``"x" * n``, ``[0] * n``).
_MAX_BUILT_LENGTH = 10 * 1024 * 1024


class _TemplateBomb(Exception):
    """A template past a bound of :func:`render`."""


@lru_cache(maxsize=8)
def environment(output_format: str, casebook_root: Path | None):
    """One sandboxed environment per format and casebook.

    Immutable sandbox: a template can call no method that changes a list or
    mapping of the record; arithmetic that would build a huge text or list,
    or a huge power, is refused before it runs.
    """
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator, left, right):
            if operator == "*":
                for sequence, count in ((left, right), (right, left)):
                    if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                            and len(sequence) * count > _MAX_BUILT_LENGTH:
                        raise _TemplateBomb("a text or list too long to build")
            if operator == "**" and isinstance(right, (int, float)) and abs(right) > 100:
                raise _TemplateBomb("a power too large")
            return super().call_binop(context, operator, left, right)

    loaders = []
    if casebook_root is not None and (casebook_root / "templates").is_dir():
        loaders.append(_CasebookTemplates(casebook_root / "templates"))
    loaders.append(FileSystemLoader(resource_dir("templates")))
    options = dict(loader=ChoiceLoader(loaders), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   keep_trailing_newline=True)
    if output_format == "html":
        env = BoundedSandbox(autoescape=True, **options)
    elif output_format == "docx":
        # A Word document's XML: escaped as HTML is (&, <, >, quotes), and whitespace left as docxtpl's
        # own documentation describes it (no trimming around tags), for councils tagging their forms.
        env = BoundedSandbox(autoescape=True, finalize=xml_text, **{**options, "trim_blocks": False,
                                                                       "lstrip_blocks": False})
        env.template_class = _bounded_template_class(env.template_class)
        env.from_string = _compiled_once(env.from_string)
    else:
        env = BoundedSandbox(autoescape=False, finalize=markdown_escape, **options)
    env.filters.update(_filters())
    env.globals.update(_globals())
    from sendcli.documents.template_cache import bytecode_cache

    env.bytecode_cache = bytecode_cache(env)  # compiled once, kept privately between runs
    return env


def _casebook_templates_loader():
    from jinja2 import FileSystemLoader

    class CasebookTemplates(FileSystemLoader):
        """A casebook's ``templates/``, never a file outside it: a template (or a folder of them)
        that is a link to elsewhere is refused, so a report cannot include any file of the machine."""

        def get_source(self, environment, template):
            source = super().get_source(environment, template)
            # The casebook's own templates/ folder: a templates/ that is itself a link leads elsewhere too.
            given = Path(self.searchpath[0])
            folder = Path(os.path.realpath(given.parent)) / given.name
            resolved = Path(os.path.realpath(source[1]))
            if folder not in resolved.parents:
                raise TemplateProblem(f"templates/{template} leads outside the casebook's templates/ folder "
                                      "(a symbolic link?); sendcli reads templates only from inside it")
            return source

    return CasebookTemplates


def _CasebookTemplates(folder: Path):  # noqa: N802 - builds the class above when jinja2 is loaded
    return _casebook_templates_loader()(folder)


def render(template: str, output_format: str, context: dict, casebook_root: Path | None = None) -> str:
    """Render ``templates/TEMPLATE.FORMAT.j2`` (the casebook's own first) with ``context``.

    Bounded: past :data:`RENDER_SECONDS`, :data:`RENDER_MAX_BYTES` of output
    or :data:`RENDER_MAX_EXTRA_MEMORY`, the template is refused (exit 1).
    """
    name = f"{template}.{output_format}.j2"
    env = environment(output_format, casebook_root)
    with bounded_rendering(name):
        return _bounded_output(env.get_template(name).generate(**context))


def _bounded_output(chunks) -> str:
    """The chunks joined, refused past :data:`RENDER_MAX_BYTES`."""
    output = io.StringIO()  # not a list of chunks: millions of small strings cost 50 bytes each
    for chunk in chunks:
        if output.tell() + len(chunk) > RENDER_MAX_BYTES:
            raise _TemplateBomb(f"its output passed {RENDER_MAX_BYTES // (1024 * 1024)} MB")
        output.write(chunk)
    return output.getvalue()


def _bounded_template_class(base):
    """Templates whose ``render`` is bounded in size as :func:`render` is (docxtpl calls ``render``)."""

    class BoundedTemplate(base):
        def render(self, *args, **kwargs):
            return _bounded_output(self.generate(*args, **kwargs))

    return BoundedTemplate


def _compiled_once(from_string, keep: int = 64):
    """``from_string`` that compiles each source once: docxtpl hands the environment a Word part's
    XML for every document, the same for every child, and compiling it is most of the work
    (``report --all --format docx`` runs several times faster)."""
    compiled: dict[str, object] = {}

    def cached(source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return from_string(source, globals, template_class)
        template = compiled.get(source)
        if template is None:
            if len(compiled) >= keep:
                compiled.clear()
            template = compiled[source] = from_string(source)
        return template

    return cached


@contextmanager
def bounded_rendering(name: str):
    """Run a rendering within the bounds (time, memory, output) and turn every way a template
    can fail into a :class:`TemplateProblem` naming ``templates/NAME`` (exit 1, no traceback)."""
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    try:
        with _bounded_time(), _bounded_memory():
            yield
    except TemplateSyntaxError as error:
        raise TemplateProblem(f"templates/{error.name or name}:{error.lineno}: {error.message}") from None
    except (UndefinedError, SecurityError) as error:
        raise TemplateProblem(f"templates/{name}: {error}") from None
    except TemplateError as error:
        raise TemplateProblem(f"templates/{name}: {type(error).__name__}: {error}") from None
    except _TemplateBomb as error:
        raise TemplateProblem(f"templates/{name}: refused: {error}") from None
    except (MemoryError, OverflowError, RecursionError):
        raise TemplateProblem(f"templates/{name}: refused: it needs more memory than a report may take "
                              f"({RENDER_MAX_EXTRA_MEMORY // (1024 * 1024)} MB)") from None


#: Seconds between alarms once the time bound has passed (see _bounded_time).
RENDER_ALARM_REPEAT = 0.05


@contextmanager
def _bounded_time(seconds: float | None = None):
    """Stop a rendering after ``seconds`` (default :data:`RENDER_SECONDS`; a timer signal; the main thread only)."""
    import signal
    import threading

    seconds = RENDER_SECONDS if seconds is None else seconds

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise _TemplateBomb(f"it ran for more than {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, stop)
    # The timer repeats: Python swallows an exception raised where it cannot
    # propagate (a garbage-collector callback, a __del__), so a single alarm
    # landing there would let the rendering run on unbounded.
    signal.setitimer(signal.ITIMER_REAL, seconds, RENDER_ALARM_REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _bounded_memory():
    """Cap the address space for the rendering at what the process holds now plus
    :data:`RENDER_MAX_EXTRA_MEMORY`: past it, allocation fails (MemoryError) instead of the machine."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as statm:
            in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError, IndexError):
        yield
        return
    cap = in_use + RENDER_MAX_EXTRA_MEMORY
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already bounded more tightly
        return
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _child_name(shown: dict, redacted: bool) -> str:
    """How a report names the child: the preferred or first name; under --redact, the record ID
    (which the redacted record holds as its name)."""
    child = shown["child"]
    return child["name"] if redacted else child.get("preferred_name") or child["name"].split()[0]


def passport_context(record: dict, today: date, redacted: bool = False) -> dict:
    """What one passport of ``sendcli passports`` receives: less than :func:`record_context`
    (no deadlines, no services), since a class set renders hundreds."""
    shown = redact(record) if redacted else record
    return {"record": shown, "child_name": _child_name(shown, redacted), "standing": standing(shown, today)}


def record_context(record: dict, today: date, settings: dict, services: dict[str, dict],
                   redacted: bool = False) -> dict:
    """What every per-child template receives (README: "the template context")."""
    from sendcli.core.deadlines import DeadlineSettings, record_deadlines

    shown = redact(record) if redacted else record
    born = parse_iso_date(record["child"]["date_of_birth"])
    cycle = plan_cycle(shown)
    child = shown["child"]
    where = standing(shown, today)
    ehc = ehc_status(shown, record_deadlines(record, DeadlineSettings.from_settings(settings)))
    return {
        "record": shown,
        "today": today,
        "settings": settings,
        "redacted": redacted,
        "child_name": _child_name(shown, redacted),
        "age": age_in_years(born, today) if born and not redacted else None,
        "young_person": bool(born and is_young_person(born, today)),
        "cycle": cycle,
        "reviewed": reviewed_cycle(shown),
        "services": services,
        "used_services": [services[name] for name in dict.fromkeys(
            item.get("local_offer") for item in ((cycle or {}).get("plan") or {}).get("provision") or [])
            if name in services],
        "setting_name": settings.get("name", ""),
        "standing": where,
        "ehc": ehc,
        # A child with an EHC plan: the setting's plan sits alongside it and is never
        # called a SEN support plan.
        "plan_title": "Support plan alongside the EHC plan" if where.ehc_plan else "SEN support plan",
        "plan_name": "support plan alongside the EHC plan" if where.ehc_plan else "SEN support plan",
        "senco": settings.get("senco") or {},
        "yearly_costs": yearly_costs(record, settings),
    }


def yearly_costs(record: dict, settings: dict) -> dict[int, dict[str, float | None]]:
    """Each provision's cost for a school year (sendcli.core.costs), by cycle number and provision ID."""
    from sendcli.core.costs import CostSettings, yearly_cost

    costs = CostSettings.from_settings(settings)
    return {cycle.get("number"): {item.get("id"): yearly_cost(item, cycle, costs)
                                  for item in (cycle.get("plan") or {}).get("provision") or []}
            for cycle in record.get("cycles") or []}
