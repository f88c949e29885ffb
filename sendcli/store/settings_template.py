"""The ``sendcli.yaml`` and ``local-offer.yaml`` that ``init`` writes: every setting, ready to fill in.

Each setting is shown commented out with its default and a line on what it
does, so a SENCO uncomments (removes the ``#`` from) what they change and
leaves the rest. Prose comments are ``# `` followed by words; a commented-out
setting is ``#`` followed directly by YAML, so removing that one character
gives a valid setting (``tests/test_init_settings.py`` uncomments them all
and checks the result against the schema).
"""

from __future__ import annotations

from datetime import date, timedelta


def school_year_start(today: date) -> int:
    """The calendar year in which the current school year (1 September to 31 August) began."""
    return today.year if today.month >= 9 else today.year - 1


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous algorithm of 1876)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _last_monday(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return _monday_on_or_before(following - timedelta(days=1))


def typical_closures(today: date) -> list[tuple[date, date, str]]:
    """The usual shape of an English school year's holidays, for the school year holding ``today``.

    Only a starting point: every school sets its own term dates.
    """
    autumn = school_year_start(today)
    spring = autumn + 1
    october = _last_monday(autumn, 10)
    february = _monday_on_or_before(date(spring, 2, 21))
    easter = easter_sunday(spring)
    may = _last_monday(spring, 5)  # the spring bank holiday
    return [
        (october, october + timedelta(days=4), "October half term"),
        (date(autumn, 12, 22), date(spring, 1, 2), "Christmas"),
        (february, february + timedelta(days=4), "February half term"),
        (easter - timedelta(days=6), easter + timedelta(days=5), "Easter"),
        (may, may + timedelta(days=4), "May half term"),
        (date(spring, 7, 22), date(spring, 8, 31), "Summer"),
    ]


def settings_text(name_yaml: str, today: date) -> str:
    """``sendcli.yaml`` for a new casebook called ``name_yaml`` (already YAML: quoted where needed)."""
    autumn = school_year_start(today)
    closures = "\n".join(f"#  - {{from: {start}, to: {end}, name: {what}}}"
                         for start, end, what in typical_closures(today))
    return f"""\
# sendcli.yaml: this casebook's settings. `sendcli check` checks them.
#
# Every setting below is switched off and shows its default. To change one,
# remove the "#" at the very start of its lines (keep the spaces after it) and
# edit the value. Lines starting "# " are notes, and stay as they are.

# Your setting's name, shown on every report.
name: {name_yaml}

# The local authority that maintains your children's EHC plans.
#local_authority: Example LA

# -- Deadlines (sendcli due) --------------------------------------------------

# How many days ahead `sendcli due` lists an item as "due soon".
#due_soon_days: 14

# A child on SEN support should have an agreed plan (a cycle in "do") within
# this many days of the cycle opening, or of going onto SEN support.
#plan_within_days: 42

# The Code of Practice expects schools to meet parents at least three times a
# year (CoP 6.65): an item falls due this many days after the last meeting.
#parent_meeting_interval_days: 122

# For a child under 5, the local authority should consider reviewing the EHC
# plan every 3 to 6 months (CoP 9.178): the early review falls due this many
# months after the start of each 12-month review period, as well as the annual one.
#under_five_review_months: 6

# How long a closed record is kept: the IRMS toolkit for schools keeps SEN
# files until the date of birth + 31 years.
#retention_years: 31

# A record whose file went to the next school (sendcli transfer) is kept here
# only this many days more: the next school keeps the file from then on.
#keep_after_transfer_days: 30

# The year groups that move to a new phase next September (nursery to
# reception, primary to secondary, to post-16): a child with an EHC plan in
# one of them needs the plan amended before the move (Regs 18(1)).
#phase_transfer_year_groups: ["N2", "6", "11"]

# true: every output that may leave the school (due in every format, for cron
# mail and calendar feeds; reports; the register; the provision map) shows each
# child by ID alone, as --redact does; --no-redact overrides it for one run.
#redact: false

# -- School days -------------------------------------------------------------

# The days your setting is closed. School days are weekdays that are neither
# bank holidays in England nor in these ranges: the file-transfer deadline
# (15 school days) counts them. Below is the usual shape of the
# {autumn}-{(autumn + 1) % 100:02d} school year: put in your own term dates and INSET days.
#closures:
{closures}

# -- Costs (sendcli provision-map) ----------------------------------------------

# What an hour of each kind of staff costs, in pounds. A provision without a
# cost is costed from its minutes a week at the rate of the staff it names:
# "TA" costs a provision whose staff is "TA", "ta" or "Year 3 TA" (case
# aside, a whole word or phrase of it); "teacher and TA" costs both.
#staff_rates: {{TA: 14.5, teacher: 38}}

# The weeks a year that provision runs, for a cost worked from weekly minutes.
#school_weeks: 39

# The first pounds of additional support a mainstream school meets from its
# notional SEN budget each year: the provision map marks each child whose
# yearly total passes it.
#notional_threshold: 6000

# -- The Local Offer and support for families ------------------------------------

# Your local authority's Local Offer, shown on the family summary
# (`sendcli report ID --template parent`).
#local_offer_url: https://example.org/local-offer

# Other help for families (your local SENDIASS, national charities): also on
# the family summary, each with a name and a web address.
#support_links:
#  - {{name: Example SENDIASS, url: https://example.org/sendiass}}
#  - {{name: Example parent carer forum, url: https://example.org/parent-carer-forum}}

# The SENCO, named in letters to families as the person to talk to (without
# it, letters say "ask for the SENCO").
#senco: {{name: Ms Example, email: senco@example.org, phone: "01234 567890"}}

# -- Writing records -------------------------------------------------------------

# true: every command that changes a record also commits it to git, alone,
# with a message naming the change (as --commit does).
#git:
#  commit: false

# How many seconds a write waits while someone else writes the same record.
#lock_timeout_seconds: 30
"""


LOCAL_OFFER_TEXT = """\
# local-offer.yaml: the services of your local authority's Local Offer that
# your provision uses. A provision names one with `local_offer: ID`;
# `sendcli check` makes sure it is here, and the family summary lists it under
# "Where to find more help".
#
# To add a service, remove the "#" at the very start of the example's lines
# (and the "[]" after "services:"), then change the details to your own.

services: []
#  - id: community-slt
#    name: Example Community Speech and Language Therapy
#    provider: Example NHS Trust
#    url: https://example.org/local-offer/speech-and-language-therapy
#    contact: Referrals through the setting or the health visitor
#    areas: [communication-and-interaction]
"""
