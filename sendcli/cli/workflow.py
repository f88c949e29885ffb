"""The graduated approach from the terminal: ``cycle``, ``add``, ``close``, ``edit``, ``log``."""

from __future__ import annotations

import math
import re
import sys
from typing import Optional

import typer

from sendcli.cli.app import casebook, today
from sendcli.cli.options import choices, date_option
from sendcli.core import codes

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()

cycle_app = typer.Typer(help="Open, advance and review Assess-Plan-Do-Review cycles.\n\n\b\nExamples:\n"
                        "  sendcli cycle open ae-16\n  sendcli cycle advance ae-16", no_args_is_help=True)
add_app = typer.Typer(help="Add views, evidence, outcomes, provision, notes and meetings without hand-editing."
                      "\n\n\b\nExamples:\n  sendcli add view ae-16 --from child --text \"I like Lego club\"\n"
                      "  sendcli add outcome ae-16 --text \"...\" --criteria \"...\"", no_args_is_help=True)
app.add_typer(cycle_app, name="cycle")
app.add_typer(add_app, name="add")


def _workflow():
    """core.workflow, imported when a command runs rather than at startup."""
    from sendcli.core import workflow

    return workflow


Decision = choices("Decision", codes.DECISIONS)
ViewFrom = choices("ViewFrom", codes.VIEW_SOURCES)
Area = choices("Area", codes.OUTCOME_AREAS)
ProvisionKind = choices("ProvisionKind", (
    "learning-programme", "adult-support", "adapted-materials", "small-group", "observation", "participation",
    "questioning", "peer-support", "one-to-one", "specialist", "other"))

RECORD_ID = typer.Argument(..., metavar="ID", help="The record's ID.")
DATE = typer.Option(None, "--date", metavar="DATE", help="When it happened, YYYY-MM-DD. Default: today.")
WITHOUT_FAMILY = typer.Option(None, "--without-family", metavar="REASON",
                              help="Pass the family's part of the gate where the family could not be reached "
                                   "(a should of the Code); the reason goes into the history.")
COMMIT = typer.Option(None, "--commit/--no-commit", help="Commit the changed record alone to git. "
                      "Default: git.commit in sendcli.yaml, else no.")


def _run(ctx: typer.Context, record_id: str, what: str, step, commit: bool | None) -> None:
    """Run one step on one record and say what changed (the new item's ID alone on stdout)."""
    from sendcli.store.updating import update_record, wants_commit

    book = casebook(ctx)
    written = update_record(book, record_id, step, today(), what, commit=wants_commit(book, commit))
    from sendcli.documents.output import printable

    change = written.change
    for warning in change.warnings:
        sys.stderr.write(f"sendcli: warning: {printable(warning)}\n")
    committed = " (committed)" if written.committed else ""
    summary = printable(change.summary)  # a reason given on the command line may hold anything
    if change.created_id:
        typer.echo(change.created_id)
        sys.stderr.write(f"{record_id}: {summary}{committed}\n")
    else:
        typer.echo(f"{record_id}: {summary}{committed}")


def _on(value: str | None) -> object:
    return date_option(value, "--date") or today()


# -- cycle ----------------------------------------------------------------------------

@cycle_app.command("open")
def cycle_open(ctx: typer.Context, record_id: str = RECORD_ID, when: Optional[str] = DATE,
               carry_forward: bool = typer.Option(False, "--carry-forward",
                                                  help="Copy the previous cycle's outcomes not achieved."),
               commit: Optional[bool] = COMMIT) -> None:
    """Start a new cycle in stage assess.

    Refused while another cycle is open or the record is closed. A child on the
    monitoring list goes onto SEN support.

    \b
    Examples:
      sendcli cycle open ae-16
      sendcli cycle open ae-16 --carry-forward --date 2027-01-06
    """
    on = _on(when)
    _run(ctx, record_id, "open a cycle",
         lambda record: _workflow().open_cycle(record, on, today(), carry_forward), commit)


@cycle_app.command("advance")
def cycle_advance(ctx: typer.Context, record_id: str = RECORD_ID, when: Optional[str] = DATE,
                  review_date: Optional[str] = typer.Option(None, "--review-date", metavar="DATE",
                                                            help="The plan's date for review (plan → do)."),
                  agreed_with: Optional[list[str]] = typer.Option(
                      None, "--agreed-with", metavar="WHO",
                      help="Who agreed the plan: parent, carer, child, young-person, class-teacher, senco, ... "
                           "(plan → do; repeat it)."),
                  without_family: Optional[str] = WITHOUT_FAMILY,
                  commit: Optional[bool] = COMMIT) -> None:
    """Move the open cycle one stage on: assess → plan → do → review.

    Each move has a gate (CoP 6.44-6.56). assess → plan: evidence, and views
    from the child and a parent or carer (for a young person, their own view)
    since the cycle opened. plan → do: outcomes with success criteria,
    provision tied to them, a review date after today, agreed with the family.
    A refusal lists every unmet requirement; nothing is written.

    The family's view and agreement are duties the Code says a school
    should meet (CoP 6.45, 6.48): where the family cannot be reached,
    --without-family "REASON" passes them, writes the reason into the
    history and warns; every other requirement still applies.

    \b
    Examples:
      sendcli cycle advance ae-16
      sendcli cycle advance ae-16 --review-date 2027-02-10 \\
          --agreed-with parent --agreed-with child
      sendcli cycle advance ae-16 --review-date 2027-02-10 \\
          --agreed-with child --without-family "invited three times, no reply"
    """
    on = _on(when)
    review_on = date_option(review_date, "--review-date")
    who = tuple(_role(value, "--agreed-with") for value in agreed_with or [])
    reason = _reason(without_family)
    _run(ctx, record_id, "advance the cycle",
         lambda record: _workflow().advance_cycle(record, on, today(), review_on, who, reason), commit)


def _parse_progress(values: list[str]) -> dict[str, str]:
    progress: dict[str, str] = {}
    for value in values:
        outcome_id, separator, rating = value.partition("=")
        if not separator or rating not in codes.RATINGS:
            raise typer.BadParameter(f"'{value}' is not OUTCOME=RATING, RATING one of "
                                     f"{', '.join(codes.RATINGS)} (for example o1=achieved)",
                                     param_hint="--progress")
        if outcome_id in progress:
            raise typer.BadParameter(f"outcome '{outcome_id}' is rated twice", param_hint="--progress")
        progress[outcome_id] = rating
    return progress


def _parse_comments(values: list[str]) -> dict[str, str]:
    comments: dict[str, str] = {}
    for value in values:
        outcome_id, separator, text = value.partition("=")
        if not separator or not outcome_id.strip() or not text.strip():
            raise typer.BadParameter(f"'{value}' is not OUTCOME=TEXT (for example o1=\"Says /g/ in 4 of 5 "
                                     "sessions\")", param_hint="--comment")
        if outcome_id in comments:
            raise typer.BadParameter(f"outcome '{outcome_id}' has two comments; give one", param_hint="--comment")
        comments[outcome_id.strip()] = text.strip()
    return comments


def _reason(value: str | None) -> str | None:
    """--without-family's reason: some words, kept in the history."""
    if value is not None and not value.strip():
        raise typer.BadParameter("give the reason the family could not take part (for example \"invited three "
                                 "times, no reply\")", param_hint="--without-family")
    return value.strip() if value is not None else None


def _one_line(value: str | None, option: str) -> str | None:
    """A short name such as a programme's: one line of words, spaces around it dropped."""
    if value is None:
        return None
    if not value.strip() or any(ord(c) < 32 or 127 <= ord(c) <= 159 for c in value):
        raise typer.BadParameter("give a name on one line, without tabs or control characters", param_hint=option)
    return value.strip()


def _role(value: str, option: str) -> str:
    from sendcli.store.schemas import load_schema
    import re

    pattern = load_schema()["$defs"]["role"]["pattern"]
    if not re.fullmatch(pattern, value):
        raise typer.BadParameter(f"'{value}' is not a role: lower-case words joined by hyphens, such as "
                                 "parent, young-person or class-teacher", param_hint=option)
    return value


@cycle_app.command("review")
def cycle_review(ctx: typer.Context, record_id: str = RECORD_ID,
                 decision: Decision = typer.Option(..., "--decision", help="What happens next."),
                 progress: Optional[list[str]] = typer.Option(
                     None, "--progress", metavar="OUTCOME=RATING",
                     help="A rating for each outcome: achieved, partly-achieved or not-achieved."),
                 comment: Optional[list[str]] = typer.Option(
                     None, "--comment", metavar="OUTCOME=TEXT", help="What was seen for that outcome (repeat it)."),
                 next_steps: Optional[str] = typer.Option(None, "--next-steps", metavar="TEXT",
                                                          help="The next steps agreed at the review."),
                 end: Optional[list[str]] = typer.Option(
                     None, "--end", metavar="PROVISION", help="Provision that stops now (repeat it); "
                                                             "it is not carried over."),
                 next_review: Optional[str] = typer.Option(
                     None, "--next-review", metavar="DATE",
                     help="The next plan's review date: needed by continue and request-ehc-assessment."),
                 attendee: Optional[list[str]] = typer.Option(None, "--attendee", metavar="WHO",
                                                              help="Who took part (repeat it)."),
                 without_family: Optional[str] = WITHOUT_FAMILY,
                 when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Record the review of the open cycle, close it, and open the next as decided.

    One meeting, one command: from stage do the cycle moves through review
    in the same step. Every outcome needs a rating, and the family must have
    taken part (an attendee parent, carer or young person, or their view on
    the review's day or since the cycle entered review) (CoP 6.54); where
    they could not be reached, --without-family "REASON" passes that part.

    A measured outcome's readings suggest a rating from its target
    (reached: achieved; better than the baseline: partly-achieved; else
    not-achieved): a refusal for a missing rating shows the suggestion with
    the numbers, and a rating the readings disagree with is written as
    given, with a warning. The rating is always yours.

    continue (and request-ehc-assessment) opens the next cycle on the
    review's date straight in stage do, carrying the outcomes not achieved
    and the provision not ended (--end) with new IDs: give its review date
    with --next-review. revise opens it in stage plan with the same
    carry-over, to be changed and agreed again. exit takes the child off SEN
    support (status monitoring, register left).

    \b
    Examples:
      sendcli cycle review ae-16 --decision continue \\
          --progress o1=achieved --progress o2=partly-achieved \\
          --comment o2="Speaks in pairs, not yet in a group" \\
          --end p2 --next-review 2027-03-18 --attendee parent --attendee child
      sendcli cycle review ae-16 --decision revise \\
          --progress o1=not-achieved --attendee parent \\
          --next-steps "Try a visual timetable; ask the SALT for advice"
    """
    on = _on(when)
    ratings = _parse_progress(progress or [])
    comments = _parse_comments(comment or [])
    next_on = date_option(next_review, "--next-review")
    who = tuple(_role(value, "--attendee") for value in attendee or [])
    reason = _reason(without_family)
    if next_steps is not None and not next_steps.strip():
        raise typer.BadParameter("give the next steps in words", param_hint="--next-steps")
    steps = next_steps.strip() if next_steps else None
    _run(ctx, record_id, "record the review",
         lambda record: _workflow().review_cycle(record, on, today(), decision.value, ratings, who, comments,
                                                 steps, tuple(end or ()), next_on, reason), commit)


# -- close ------------------------------------------------------------------------------

CloseReason = choices("CloseReason", codes.CLOSE_REASONS)


@app.command()
def close(ctx: typer.Context, record_id: str = RECORD_ID,
          reason: CloseReason = typer.Option(..., "--reason",
                                             help="Why: moved-school (the file must follow: the file-transfer "
                                             "deadline starts), moved-post-16, left-education, no-longer-needed, "
                                             "moved-abroad or other."),
          to: Optional[str] = typer.Option(None, "--to", metavar="TEXT",
                                           help="Where the child went: the new school or college."),
          note: Optional[str] = typer.Option(None, "--note", metavar="TEXT", help="Anything else worth keeping."),
          when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Close the record: the child has left, or the record is otherwise finished.

    Status becomes closed, with closed: {date, reason, to, note}; an open cycle
    is closed with it (its history says why). From then on only the file
    transfer (after moved-school) and retention apply. The commit message holds
    the ID and the reason from the list, never the --to or --note text.

    \b
    Examples:
      sendcli close ae-16 --reason moved-school --to "Example Academy" --date 2027-07-20
      sendcli close bc-15 --reason no-longer-needed --note "Reading age now in line"
    """
    on = _on(when)
    _run(ctx, record_id, "close the record",
         lambda record: _workflow().close_record(record, on, today(), reason.value, to, note), commit)


# -- add --------------------------------------------------------------------------------

@add_app.command("view")
def add_view(ctx: typer.Context, record_id: str = RECORD_ID,
             source: ViewFrom = typer.Option(..., "--from", help="Whose view it is."),
             text: str = typer.Option(..., "--text", metavar="T", help="The view, in their words."),
             by: Optional[str] = typer.Option(None, "--by", help="Who recorded it."),
             how: Optional[str] = typer.Option(None, "--how", help="How it was gathered (drawing, talking mat...)."),
             when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Record the view of the child, young person or family (CoP 6.45).

    \b
    Example:
      sendcli add view ae-16 --from child --how "drawing and talk" --text "I like working with Sam."
    """
    on = _on(when)
    _run(ctx, record_id, "add a view",
         lambda record: _workflow().add_view(record, on, today(), source.value, text, by, how), commit)


@add_app.command("evidence")
def add_evidence(ctx: typer.Context, record_id: str = RECORD_ID,
                 source: str = typer.Option(..., "--source", metavar="S",
                                            help="Where it comes from: class-teacher, TA, assessment..."),
                 text: str = typer.Option(..., "--text", metavar="T"),
                 when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Add a piece of evidence to the open cycle's assessment.

    \b
    Example:
      sendcli add evidence ae-16 --source class-teacher --text "Reads 40 words a minute."
    """
    on = _on(when)
    _run(ctx, record_id, "add evidence",
         lambda record: _workflow().add_evidence(record, on, today(), source, text), commit)


@add_app.command("outcome")
def add_outcome(ctx: typer.Context, record_id: str = RECORD_ID,
                text: str = typer.Option(..., "--text", metavar="T", help="What the child will achieve, by when."),
                criteria: Optional[str] = typer.Option(None, "--criteria", metavar="T",
                                                       help="How you will know it is achieved."),
                area: Optional[Area] = typer.Option(None, "--area", help="The broad area of need."),
                measure: Optional[str] = typer.Option(None, "--measure", metavar="NAME",
                                                      help="What measures it: reading age, words read a minute, "
                                                           "incidents a week (with --baseline and --target)."),
                baseline: Optional[str] = typer.Option(None, "--baseline", metavar="VALUE",
                                                       help="The measure now, dated with the outcome (--date)."),
                target: Optional[str] = typer.Option(None, "--target", metavar="VALUE",
                                                     help="The measure the outcome aims for."),
                unit: Optional[str] = typer.Option(None, "--unit", metavar="TEXT",
                                                   help="The measure's unit: months, words, score."),
                lower_is_better: bool = typer.Option(False, "--lower-is-better",
                                                     help="A lower value is better (incidents a week)."),
                when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Add an outcome to the open cycle's plan (stage assess or plan); prints its ID (o1, o2...).

    An outcome may be measured on a scale: --measure, --baseline and
    --target go together (--unit and --lower-is-better with them). The
    baseline is dated with the outcome (--date, default today); later
    readings are added with sendcli add reading.

    \b
    Examples:
      sendcli add outcome ae-16 --area communication-and-interaction \\
          --text "By February Ava will say /g/ at the start of words" --criteria "4 of 5 sessions"
      sendcli add outcome ae-16 --area cognition-and-learning \\
          --text "By July Ava reads at her age" --criteria "Salford reading test" \\
          --measure "reading age" --unit months --baseline 84 --target 96
    """
    on = _on(when)
    new_measure = _measure(measure, baseline, target, unit, lower_is_better)
    _run(ctx, record_id, "add an outcome",
         lambda record: _workflow().add_outcome(record, text, criteria, area.value if area else None, on, today(),
                                                new_measure), commit)


#: The largest size of a measure's number (baseline, target, reading), either way: far past any
#: scale a school measures on, small enough for every chart, sum and JSON reader. The record
#: schema holds the same bound, so a hand-edited record past it is an error of check.
MEASURE_BOUND = 1_000_000_000
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


def _number(text: str | None, option: str) -> float | None:
    """A measure's number as typed: plain ASCII digits (84, 7.5, -2), within the bound, or refused
    (exit 2) before anything is read or written. Exponents, other scripts' digits, nan and inf are
    refused rather than turned into a different number than the one typed."""
    if text is None:
        return None
    plain = text.strip()
    if not _PLAIN_NUMBER.fullmatch(plain):
        raise typer.BadParameter(f"'{text}' is not a number in plain digits, such as 84, 7.5 or -2",
                                 param_hint=option)
    value = float(plain)
    if abs(value) > MEASURE_BOUND:
        raise typer.BadParameter(f"{plain} is past the bound of a measure: give a number from "
                                 f"-{MEASURE_BOUND} to {MEASURE_BOUND} (in digits)", param_hint=option)
    return value


def _measure(name: str | None, baseline: str | None, target: str | None, unit: str | None,
             lower_is_better: bool):
    """The measure options, all together or none: a baseline without a target measures nothing."""
    given = {"--measure": name, "--baseline": baseline, "--target": target}
    extras = [option for option, value in (("--unit", unit), ("--lower-is-better", lower_is_better or None))
              if value is not None]
    if all(value is None for value in given.values()):
        if extras:
            raise typer.BadParameter(f"{' and '.join(extras)} describe a measure: give --measure NAME "
                                     "--baseline VALUE --target VALUE with them", param_hint=extras[0])
        return None
    missing = [option for option, value in given.items() if value is None]
    if missing:
        raise typer.BadParameter(f"a measure needs --measure, --baseline and --target together: give "
                                 f"{' and '.join(missing)}", param_hint=missing[0])
    for option, text in (("--measure", name), ("--unit", unit)):
        if text is not None and (not text.strip() or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text)):
            raise typer.BadParameter("give it in words, on one line", param_hint=option)
    return _workflow().NewMeasure(name.strip(), _number(baseline, "--baseline"), _number(target, "--target"),
                                  unit.strip() if unit else None, lower_is_better)


@add_app.command("reading")
def add_reading(ctx: typer.Context, record_id: str = RECORD_ID,
                outcome: str = typer.Argument(..., metavar="OUTCOME",
                                              help="The outcome's ID (o1) in the open cycle, or the latest "
                                                   "cycle where none is open."),
                value: str = typer.Option(..., "--value", metavar="V", help="What was measured, on the "
                                                                          "outcome's scale."),
                by: Optional[str] = typer.Option(None, "--by", metavar="WHO", help="Who took it."),
                note: Optional[str] = typer.Option(None, "--note", metavar="T", help="Anything worth keeping "
                                                                                   "with it."),
                cycle: Optional[int] = typer.Option(None, "--cycle", metavar="N", min=1,
                                                    help="The cycle whose outcome it is, where not the open "
                                                         "(or latest) one."),
                when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Record a reading of a measured outcome: a dated value on its scale.

    OUTCOME is an outcome of the open cycle, as `sendcli show` lists it, in
    any stage; with no cycle open, of the latest cycle. A reading taken
    before a review but entered after it belongs to the reviewed cycle:
    name it with --cycle N. Readings go with the outcome when a review
    carries it over, so its history runs across cycles. An outcome
    without a measure takes no readings; a reading before the measure's
    baseline or in the future is refused; one far outside the scale is
    recorded with a warning.

    \b
    Examples:
      sendcli add reading ae-16 o1 --value 88 --by TA --date 2026-11-01
      sendcli add reading ae-16 o2 --value 3 --note "Two in the lunch hall" --cycle 1
    """
    on = _on(when)
    measured = _number(value, "--value")
    _run(ctx, record_id, "add a reading",
         lambda record: _workflow().add_reading(record, outcome, measured, on, today(),
                                                by.strip() if by and by.strip() else None,
                                                note.strip() if note and note.strip() else None, cycle), commit)


@add_app.command("measure")
def add_measure(ctx: typer.Context, record_id: str = RECORD_ID,
                outcome: str = typer.Argument(..., metavar="OUTCOME",
                                              help="The outcome's ID (o1) in the open cycle, or the latest "
                                                   "cycle where none is open."),
                measure: str = typer.Option(..., "--measure", metavar="NAME",
                                            help="What measures it: reading age, words read a minute, "
                                                 "incidents a week."),
                baseline: str = typer.Option(..., "--baseline", metavar="VALUE",
                                             help="The measure now, dated --date (default today)."),
                target: str = typer.Option(..., "--target", metavar="VALUE",
                                           help="The measure the outcome aims for."),
                unit: Optional[str] = typer.Option(None, "--unit", metavar="TEXT",
                                                   help="The measure's unit: months, words, score."),
                lower_is_better: bool = typer.Option(False, "--lower-is-better",
                                                     help="A lower value is better (incidents a week)."),
                cycle: Optional[int] = typer.Option(None, "--cycle", metavar="N", min=1,
                                                    help="The cycle whose outcome it is, where not the open "
                                                         "(or latest) one."),
                when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Give an outcome already in a plan a measure, to start measuring it mid-term.

    OUTCOME is an outcome of the open cycle in any stage (with no cycle open,
    of the latest; --cycle N names another). The baseline is dated --date
    (default today); readings follow with sendcli add reading, and a review
    that carries the outcome over carries its measure. A target equal to
    the baseline or the wrong side of it is recorded with a warning. An
    outcome that already has a measure is refused: change one number of it
    with sendcli set.

    \b
    Examples:
      sendcli add measure ae-16 o1 --measure "reading age" --unit months --baseline 86 --target 96
      sendcli add measure ae-16 o2 --measure "incidents a week" --baseline 5 --target 1 \\
          --lower-is-better --date 2026-11-02
    """
    on = _on(when)
    new_measure = _measure(measure, baseline, target, unit, lower_is_better)
    _run(ctx, record_id, "add a measure",
         lambda record: _workflow().add_measure(record, outcome, new_measure, on, today(), cycle), commit)


@add_app.command("provision")
def add_provision(ctx: typer.Context, record_id: str = RECORD_ID,
                  text: str = typer.Option(..., "--text", metavar="T", help="What the support is."),
                  kind: Optional[ProvisionKind] = typer.Option(None, "--kind", help="The form of support."),
                  frequency: Optional[str] = typer.Option(None, "--frequency", metavar="T",
                                                          help="How often: '3 x 20 min weekly'."),
                  minutes: Optional[int] = typer.Option(None, "--minutes-per-week", min=0, max=10080,
                                                        help="Weekly minutes, for the provision map."),
                  staff: Optional[str] = typer.Option(None, "--staff", metavar="T",
                                                      help="Who delivers it: a word of staff_rates costs it."),
                  programme: Optional[str] = typer.Option(
                      None, "--programme", metavar="NAME",
                      help="The intervention's name, to compare its impact and cost across children. "
                           "Default: its --local-offer service."),
                  group_size: Optional[int] = typer.Option(
                      None, "--group-size", metavar="N", min=1,
                      help="How many children share the sessions; the staff's time is shared between them."),
                  cost: Optional[float] = typer.Option(None, "--cost", metavar="GBP", min=0,
                                                       help="Cost for the cycle, in pounds (else it is costed "
                                                            "from its minutes and the staff's rate)."),
                  outcome: Optional[list[str]] = typer.Option(None, "--outcome", metavar="OID",
                                                              help="An outcome it serves (repeat it)."),
                  local_offer: Optional[str] = typer.Option(
                      None, "--local-offer", metavar="SERVICE",
                      help="The service of local-offer.yaml it uses (its id)."),
                  when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Add provision to the open cycle's plan (stage assess or plan); prints its ID (p1, p2...).

    --local-offer names a service of the casebook's local-offer.yaml (the
    authority's Local Offer); a service that file does not list is refused.

    A provision without --cost is costed for the provision map from its
    minutes a week, the hourly rate of its --staff in staff_rates of
    sendcli.yaml and school_weeks, divided by --group-size.

    \b
    Examples:
      sendcli add provision ae-16 --kind small-group --text "Talk Boost group" \\
          --frequency "3 x 20 min weekly" --minutes-per-week 60 --staff TA --cost 180 --outcome o1
      sendcli add provision ae-16 --kind small-group --text "Precision teaching, reading" \\
          --programme "Precision teaching" --minutes-per-week 50 --staff TA --group-size 4 --outcome o2
      sendcli add provision ae-16 --kind specialist --text "Speech and language therapy" \\
          --local-offer community-slt --minutes-per-week 30 --outcome o1
    """
    if cost is not None and not math.isfinite(cost):
        raise typer.BadParameter(f"'{cost}' is not an amount of money", param_hint="--cost")
    on = _on(when)
    services = casebook(ctx).local_offer_ids if local_offer is not None else None
    _run(ctx, record_id, "add provision",
         lambda record: _workflow().add_provision(record, text, kind.value if kind else None, frequency, minutes,
                                               staff, cost, tuple(outcome or ()), on, today(), local_offer,
                                               services, _one_line(programme, "--programme"), group_size), commit)


@add_app.command("person")
def add_person(ctx: typer.Context, record_id: str = RECORD_ID,
               name: str = typer.Option(..., "--name", metavar="T", help="Their name."),
               role: str = typer.Option(..., "--role", metavar="R",
                                        help="parent, carer, class-teacher, ta, senco, educational-psychologist..."),
               contact: Optional[str] = typer.Option(None, "--contact", metavar="T",
                                                     help="How to reach them (phone, email)."),
               parental_responsibility: bool = typer.Option(False, "--parental-responsibility",
                                                            help="They have parental responsibility."),
               commit: Optional[bool] = COMMIT) -> None:
    """Add someone involved with the child to the record's people: family, staff, professionals.

    The commit message and output name the role, never the person.

    \b
    Examples:
      sendcli add person ae-16 --name "Sam Example" --role parent --parental-responsibility \\
          --contact "07700 900123"
      sendcli add person ae-16 --name "Ms Patel" --role class-teacher
    """
    who = _role(role, "--role")
    if not name.strip():
        raise typer.BadParameter("give their name", param_hint="--name")
    reach = contact.strip() if contact and contact.strip() else None
    _run(ctx, record_id, "add a person",
         lambda record: _workflow().add_person(record, name.strip(), who, reach, parental_responsibility), commit)


@add_app.command("note")
def add_note(ctx: typer.Context, record_id: str = RECORD_ID,
             text: str = typer.Option(..., "--text", metavar="T"),
             by: Optional[str] = typer.Option(None, "--by", help="Who wrote it."),
             when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Add a note to the open cycle's do log (stage do or review).

    \b
    Example:
      sendcli add note ae-16 --by TA --text "Used her talk card twice unprompted."
    """
    on = _on(when)
    _run(ctx, record_id, "add a note", lambda record: _workflow().add_note(record, on, today(), text, by), commit)


@add_app.command("meeting")
def add_meeting(ctx: typer.Context, record_id: str = RECORD_ID,
                with_whom: list[str] = typer.Option(..., "--with", metavar="WHO",
                                                    help="Who met: parent, carer, young-person... (repeat it)."),
                text: str = typer.Option(..., "--text", metavar="T", help="What it was about."),
                when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Record a meeting with the family (CoP 6.65: at least three a year).

    \b
    Example:
      sendcli add meeting ae-16 --with parent --text "Parents' evening: plan shared."
    """
    on = _on(when)
    who = tuple(_role(value, "--with") for value in with_whom)
    _run(ctx, record_id, "add a meeting",
         lambda record: _workflow().add_meeting(record, on, today(), who, text), commit)
