#!/usr/bin/env python3
"""Generate a casebook of realistic, obviously FICTIONAL records for benchmarks.

    python bench/generate.py OUT_DIR --n 10000 --seed 1

writes OUT_DIR/sendcli.yaml and OUT_DIR/records/b000000.yaml ... Every record
is valid for ``sendcli check`` at SENDCLI_TODAY=2026-11-28 (the default
``--today``): no errors and no warnings. Names are "Test Child 0042",
"Sample Parent 0042"; nothing here describes a real child.

Each record is generated from its own ``random.Random`` seeded by (seed, index),
so record i is the same whatever N is, and the YAML is written as text in the
layout of record.md (no YAML library involved: fast, and the layout is exact).
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from datetime import date, timedelta

# -- YAML text ------------------------------------------------------------------

#: Text a YAML 1.1 reader would take for something else when written plain.
_RESERVED = frozenset("y n yes no on off true false null ~".split())
#: Safe as a plain scalar inside a flow mapping {...} or sequence [...].
_PLAIN_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9 .'()/-]*")
#: Safe as a plain scalar in block context (commas and semicolons allowed).
_PLAIN_BLOCK = re.compile(r"[A-Za-z][A-Za-z0-9 .,;'()/!?-]*|[0-9]+ [a-z][A-Za-z0-9 .,;'()/-]*")


def qf(text: str) -> str:
    """A text value inside a flow collection: plain when safe, else double-quoted."""
    if _PLAIN_FLOW.fullmatch(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    return json.dumps(text)


def qb(text: str) -> str:
    """A text value in block context (``key: value``)."""
    if _PLAIN_BLOCK.fullmatch(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    return json.dumps(text)


def iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def month_name(day: int) -> str:
    return date.fromordinal(day).strftime("%B")


# -- fictional content ------------------------------------------------------------

AREAS = {
    "SLCN": "communication-and-interaction", "ASD": "communication-and-interaction",
    "SPLD": "cognition-and-learning", "MLD": "cognition-and-learning", "SLD": "cognition-and-learning",
    "PMLD": "cognition-and-learning", "SEMH": "social-emotional-mental-health",
    "HI": "sensory-physical", "VI": "sensory-physical", "MSI": "sensory-physical", "PD": "sensory-physical",
    "OTH": "cognition-and-learning", "NSA": "cognition-and-learning",
}
NEED_CODES = list(AREAS)
NEED_WEIGHTS = [22, 14, 12, 14, 3, 1, 18, 3, 2, 1, 3, 3, 4]

SUMMARIES = {
    "SLCN": "Speech sounds are still hard to understand for unfamiliar adults; finds it hard to follow longer instructions",
    "ASD": "Autism diagnosis; finds changes of routine and busy, noisy spaces very hard; strong interest in trains and maps",
    "SPLD": "Dyslexic profile: reading and spelling well behind, understanding and talk in line with age",
    "MLD": "Learning below age-related expectations in most areas despite targeted teaching; needs small steps and overlearning",
    "SLD": "Severe learning difficulty; communicates with some words, signs and symbols; needs adult support for most tasks",
    "PMLD": "Profound and multiple learning difficulties; communicates through sounds, expressions and objects of reference",
    "SEMH": "Anxiety shows as refusal and leaving the room; finds unstructured times and transitions hard",
    "HI": "Moderate hearing loss; wears two hearing aids; misses instructions in noisy rooms",
    "VI": "Vision impairment; needs enlarged print and a seat near the board; tires quickly with close work",
    "MSI": "Combined hearing and vision loss; needs a consistent adult and tactile cues",
    "PD": "Physical disability affecting fine and gross motor skills; uses a writing slope and adapted scissors",
    "OTH": "Medical needs affect attendance and stamina; gaps in learning after long absences",
    "NSA": "Progress in reading and maths has slowed this year; no specialist assessment yet",
}
SUMMARY_EXTRA = [
    "Much more settled since the last plan.", "Family very supportive and keen to help at home.",
    "Attendance is good.", "Enjoys practical and creative lessons.", "Works best with a familiar adult nearby.",
    "Confidence has grown over the year.", "Needs frequent movement breaks.",
]

SKILLS = {
    "communication-and-interaction": [
        ("say the target sounds correctly at the start of words in sentences",
         "8 of 10 target words correct in sentences, in 3 sessions running"),
        ("follow a two-part instruction in class with a picture prompt",
         "Follows 4 of 5 two-part instructions, observed on 3 separate days"),
        ("take part in a group task of four, speaking at least twice",
         "Seen in 4 of 5 weekly observations by the TA"),
        ("use a visual timetable to move between activities without support",
         "Moves between activities independently on 4 of 5 days"),
        ("ask an adult for help using a help card or words",
         "Asks for help at least once a day for 2 weeks running"),
        ("retell a short story in the right order using story cards",
         "Retells a 4-part story in order on 3 occasions"),
    ],
    "cognition-and-learning": [
        ("read the first 100 high-frequency words",
         "90 of 100 words read correctly on 2 separate days"),
        ("recall number bonds to 10 quickly",
         "10 of 10 correct within 30 seconds on 3 days"),
        ("write three sentences with capital letters and full stops",
         "Three pieces of independent writing meet the target"),
        ("count out up to 20 objects accurately",
         "Correct on 4 of 5 tries, on 3 different days"),
        ("use a spelling strategy to spell words with common patterns",
         "8 of 10 words correct in a weekly check, 3 weeks running"),
        ("tell the time to the quarter hour on an analogue clock",
         "Correct on 8 of 10 clock cards"),
    ],
    "social-emotional-mental-health": [
        ("use the calm card to ask for a break before becoming upset",
         "Uses the card on its own in 4 of 5 recorded incidents"),
        ("name feelings using the feelings scale with an adult",
         "Names the feeling and its size in 4 of 5 check-ins"),
        ("join a structured lunchtime club at least three times a week",
         "Attendance register shows 3 or more sessions weekly for 4 weeks"),
        ("stay in class for whole lessons in the morning",
         "No more than one exit a week for 4 weeks running"),
        ("settle to work within five minutes of arriving in class",
         "Settles within five minutes on 4 of 5 days"),
    ],
    "sensory-physical": [
        ("hold a pencil with a pencil grip and form letters correctly",
         "Letters formed correctly in 4 of 5 handwriting samples"),
        ("check hearing aids are working at the start of each day",
         "Checks done independently on 9 of 10 days"),
        ("use enlarged materials and a reading stand without being reminded",
         "Uses them unprompted in 4 of 5 lessons observed"),
        ("dress and undress for PE within ten minutes",
         "Within ten minutes in 4 of 5 PE lessons"),
        ("move safely around the school site at busy times",
         "Moves safely with no adult prompts, observed on 3 days"),
    ],
}

PROVISION = {
    "communication-and-interaction": [
        ("one-to-one", "Speech sound practice from the therapist's programme", "4 x 10 min weekly", 40, "TA"),
        ("small-group", "Talk and confidence group (6 pupils), taking turns to report back", "3 x 20 min weekly", 60, "TA"),
        ("adapted-materials", "Visual timetable and now/next board", "daily", 0, "class teacher"),
        ("peer-support", "Chosen talk partner in group tasks", "in every group task", 0, "class teacher"),
        ("specialist", "Speech and language therapy advice and review visits", "termly", 0, "speech and language therapist"),
        ("small-group", "Social communication group", "2 x 30 min weekly", 60, "TA"),
    ],
    "cognition-and-learning": [
        ("learning-programme", "Precision teaching of high-frequency words", "5 x 5 min weekly", 25, "TA"),
        ("small-group", "Structured phonics catch-up group", "4 x 20 min weekly", 80, "TA"),
        ("one-to-one", "Multi-sensory maths with concrete apparatus", "3 x 15 min weekly", 45, "TA"),
        ("adapted-materials", "Word mats, number lines and writing frames in every lesson", "daily", 0, "class teacher"),
        ("questioning", "Pre-teaching of key vocabulary before each topic", "2 x 10 min weekly", 20, "class teacher"),
        ("learning-programme", "Daily reading with an adult using decodable books", "5 x 10 min weekly", 50, "TA"),
    ],
    "social-emotional-mental-health": [
        ("adult-support", "ELSA sessions on naming and managing feelings", "1 x 30 min weekly", 30, "ELSA"),
        ("participation", "Calm card and agreed quiet space", "daily", 0, "class teacher"),
        ("small-group", "Lunchtime nurture club", "3 x 30 min weekly", 90, "TA"),
        ("adult-support", "Meet and greet at the door each morning", "5 x 5 min weekly", 25, "TA"),
        ("specialist", "Mental health support team sessions", "6 sessions", 0, "mental health practitioner"),
    ],
    "sensory-physical": [
        ("learning-programme", "Fine motor programme from the OT advice sheet", "5 x 10 min weekly", 50, "TA"),
        ("adapted-materials", "Enlarged print, reading stand and high-contrast materials", "daily", 0, "class teacher"),
        ("specialist", "Visits from the sensory support teacher", "half-termly", 0, "specialist teacher"),
        ("observation", "Observation at break and lunch, with notes for the SENCO", "2 x 20 min weekly", 40, "TA"),
        ("adult-support", "Adult support for PE changing and movement around school", "5 x 10 min weekly", 50, "TA"),
    ],
}

EVIDENCE = [
    ("class-teacher", "Working well below age-related expectations in reading and writing; maths closer to age."),
    ("class-teacher", "Often needs instructions repeated, and copies what other children do."),
    ("senco", "Observation: on task for about five minutes without adult support."),
    ("TA", "Baseline check: 34 of 100 high-frequency words read correctly."),
    ("parent", "Finds homework very hard and gets upset; sleeps badly before school days."),
    ("speech-therapist", "Speech sound assessment: fronting of k and g, some cluster reduction."),
    ("educational-psychologist", "Cognitive assessment: verbal reasoning a relative strength, working memory weak."),
    ("senco", "Boxall profile completed with the class teacher; low scores on self-regulation."),
    ("class-teacher", "Behaviour log: four incidents in three weeks, all at unstructured times."),
    ("TA", "Reading age about two years below chronological age on the standardised test."),
]

LOG = [
    "Good session; all targets practised.", "Absent for two sessions this week.",
    "8 of 10 words correct today, best score so far.", "Used the calm card on their own twice this week.",
    "Joined the group task and spoke three times.", "Found the new words hard; went back a step.",
    "Moved between lessons using the visual timetable without prompts.",
    "Parent reports practice at home most evenings.", "Two exits from class this week, both after lunch.",
    "Wrote three sentences independently; one full stop missing.", "Session missed because of a trip.",
    "Counted out 15 objects correctly 3 times; lost track past 17.",
]
CHILD_VIEWS = [
    "I like the group because it is quiet.", "Reading is hard but I am getting better.",
    "I don't like it when it is loud at lunch.", "My favourite thing is art and drawing.",
    "I like working with my TA. Maths is OK now.", "I get worried when we have a new teacher.",
    "I want to be in the football team.", "Writing makes my hand hurt.",
    "I can do my number bonds now!", "The calm card helps. I like the quiet corner.",
]
YP_VIEWS = [
    "I want to do a college course in catering next year.", "Exams stress me out but the extra time helps.",
    "I'd rather have help in lessons than be taken out.", "I want to learn to travel on the bus on my own.",
    "Things are better this year. I get on with my tutor.",
]
PARENT_VIEWS = [
    "We are pleased with the progress this term.", "We are worried about the move to the next class.",
    "Homework is a battle most nights. We would like some ideas to help.",
    "Much happier coming to school since the plan started.", "We would like more contact about how things are going.",
    "We think more help is needed than school can give.", "Sleep has been poor lately and mornings are hard.",
]
HOW = ["talk and drawing", "talking mat", "questionnaire with an adult", "choosing faces", "conversation"]
PROGRESS = {
    "achieved": ["Target met on every check.", "Met in the last three weeks running.", "Secure and used in class."],
    "partly-achieved": ["Good progress but not yet consistent.", "Met with a prompt; not yet independent.",
                        "Met in the small group, not yet in class."],
    "not-achieved": ["Little change; the step was too big.", "Not met; absence interrupted the programme.",
                     "Not yet; needs a different approach."],
}
NEXT_STEPS = [
    "Carry the unfinished outcome into the next cycle with smaller steps.",
    "Continue the programme and add a new outcome for writing.",
    "Ask the educational psychologist for advice before the next cycle.",
    "Keep the same provision; review the group size.",
]
STAFF_ROLES = ["class-teacher", "senco"]
EXTRA_PEOPLE = [("Test Speech Therapist", "speech-therapist"), ("Test Psychologist", "educational-psychologist"),
                ("Test Specialist Teacher", "specialist-teacher"), ("Test Practitioner", "mental-health-practitioner")]
PROFILE_LIKE = ["Kind and funny, and a good friend.", "Keeps trying even when things are hard.",
                "Brilliant at drawing and building.", "Always says good morning to everyone."]
PROFILE_IMPORTANT = ["My family and my pets.", "Playtime with my friends.", "Knowing what is happening next.",
                     "Football and swimming."]
PROFILE_SUPPORT = ["Give me time to think before I answer.", "Show me a picture as well as telling me.",
                   "Tell me quietly, not in front of the class.", "Let me have a movement break."]


# -- dates ------------------------------------------------------------------------

def last_friday_of_june(year: int) -> int:
    day = date(year, 6, 30)
    return (day - timedelta(days=(day.weekday() - 4) % 7)).toordinal()


def year_group_for(offset: int) -> str:
    """School-year offset (school year start minus birth school year) -> year group."""
    return {3: "N1", 4: "N2", 5: "R"}.get(offset, str(offset - 5))


# -- one record -------------------------------------------------------------------

STATUS_WEIGHTS = (("sen-support", 58), ("ehc-plan", 16), ("monitoring", 12), ("closed", 14))
CYCLE_WEIGHTS = (30, 28, 18, 11, 8, 5)  # 1..6 cycles


class Cycle:
    __slots__ = ("opened", "moves", "evidence", "outcomes", "provision", "agreed", "review_date", "log",
                 "review", "area_list", "family", "carried")


def make_record(index: int, seed: int, today: int) -> str:
    rng = random.Random(seed * 1_000_003 + index)
    rid = f"b{index:06d}"
    num = f"{index % 10000:04d}"
    status = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]

    # Age: school-year offset 3 (N1) .. 19 (year 14), mostly school age.
    offset = rng.choices(range(3, 20), [2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 8, 7, 7, 6, 4, 3, 1])[0]
    school_year_start = date.fromordinal(today).year if date.fromordinal(today).month >= 9 else \
        date.fromordinal(today).year - 1
    birth_year = school_year_start - offset
    dob = date(birth_year, 9, 1).toordinal() + rng.randrange(365)
    year_group = year_group_for(offset)
    if offset <= 4:
        setting = "early-years"
    elif offset >= 19 or (offset >= 17 and rng.random() < 0.5):
        setting = "college"
    else:
        setting = "school"
    young_person_from = last_friday_of_june(birth_year + 17)

    primary = rng.choices(NEED_CODES, NEED_WEIGHTS)[0]
    if primary == "NSA" and status != "sen-support":
        primary = "MLD"
    secondary = []
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        code = rng.choice(NEED_CODES[:12])
        if code != primary and code not in secondary:
            secondary.append(code)
    main_area = AREAS[primary]
    areas = [main_area] + [AREAS[c] for c in secondary if AREAS[c] != main_area]
    if len(areas) == 1 and rng.random() < 0.5:
        areas.append(rng.choice([a for a in SKILLS if a != main_area]))

    # -- cycles, as relative offsets first ---------------------------------------
    k = rng.choices(range(1, 7), CYCLE_WEIGHTS)[0]
    plans = []
    for _ in range(k):
        p = rng.randint(5, 16)
        d = p + rng.randint(2, 10)
        review_planned = d + rng.randint(45, 115)
        meeting = review_planned + (rng.randint(1, 10) if rng.random() < 0.15 else 0)
        rv = max(d + 1, meeting - rng.randint(0, 4))
        gap = rng.randint(1, 21)
        plans.append((p, d, review_planned, rv, meeting, gap))
    total_closed = sum(pl[4] + pl[5] for pl in plans)

    open_last = status in ("sen-support", "ehc-plan") and rng.random() < 0.8
    # old enough for a setting (about 2), and never after today
    earliest_start = min(dob + 730 + rng.randrange(200), today - rng.randint(20, 60))
    if open_last:
        partial = rng.randint(20, plans[-1][4])  # how far into the last cycle today is
        start = today - (total_closed - plans[-1][4] - plans[-1][5]) - partial
    else:
        tail = rng.randint(10, 400) if status in ("monitoring", "closed") else rng.randint(3, 60)
        start = today - total_closed - tail
    while start < earliest_start and len(plans) > 1:  # too young for so many cycles: drop the oldest
        dropped = plans.pop(0)
        start += dropped[4] + dropped[5]
    if start < earliest_start:
        start = earliest_start
        open_last = True if status in ("sen-support", "ehc-plan") else open_last
    if not open_last and status in ("monitoring", "closed"):
        # the last cycle must have ended before today
        last_end = start + sum(pl[4] + pl[5] for pl in plans[:-1]) + plans[-1][4]
        if last_end >= today:
            status = "sen-support"
            open_last = True

    people_parent = f"Sample Parent {num}"
    carer = rng.random() < 0.12
    fam_role = "carer" if carer else "parent"

    cycles: list[Cycle] = []
    views: list[tuple[int, str]] = []
    meetings: list[tuple[int, str]] = []
    opened = start
    prev_unmet: list[tuple[str, str, str]] = []
    for ci, (p, d, review_planned, rv, meeting, gap) in enumerate(plans):
        if opened > today:  # a start pushed later for a young child: no cycle opens in the future
            break
        cy = Cycle()
        cy.opened = opened
        is_yp = opened >= young_person_from
        family = ["young-person"] if is_yp else [fam_role]
        if is_yp and rng.random() < 0.4:
            family.append(fam_role)
        cy.family = family
        moves = [("assess", opened), ("plan", opened + p), ("do", opened + d), ("review", opened + rv),
                 ("closed", opened + meeting)]
        cy.moves = [(s, day) for s, day in moves if day <= today]
        stage = cy.moves[-1][0]
        cy.evidence = []
        for _ in range(rng.randint(1, 3)):
            day = opened + rng.randint(1, p - 1)
            if day <= today:
                src, txt = rng.choice(EVIDENCE)
                cy.evidence.append((day, src, txt))
        cy.evidence.sort()
        # views: the pupil and the family, during assess
        for role in family + (["child"] if not is_yp else []):
            day = opened + rng.randint(0, p - 1)
            if day <= today:
                views.append((day, _view(rng, role, is_yp)))
        # outcomes
        n_out = rng.choices((1, 2, 3, 4), (20, 40, 28, 12))[0]
        outcomes = []
        for oi in range(n_out):
            if oi < len(prev_unmet) and rng.random() < 0.7:
                area, skill, crit = prev_unmet[oi]
                carried = ci
            else:
                area = areas[oi % len(areas)]
                skill, crit = rng.choice(SKILLS[area])
                carried = None
            outcomes.append((f"o{oi + 1}", area, skill, crit, carried))
        cy.outcomes = outcomes if stage != "assess" or rng.random() < 0.3 else []
        provision = []
        if cy.outcomes:
            n_prov = max(len(outcomes), rng.choices((1, 2, 3, 4), (15, 40, 30, 15))[0])
            for pi in range(n_prov):
                target = outcomes[pi % len(outcomes)]
                kind, text, freq, minutes, staff = rng.choice(PROVISION[target[1]])
                served = [target[0]]
                if len(outcomes) > 1 and rng.random() < 0.2:
                    other = outcomes[(pi + 1) % len(outcomes)][0]
                    served.append(other)
                cost = round(minutes * rng.choice((2.5, 3.0, 3.5)) + rng.choice((0, 10, 25)), 2)
                provision.append((f"p{pi + 1}", kind, text, freq, minutes, staff, cost, served))
        cy.provision = provision
        agreed_day = opened + d
        cy.agreed = agreed_day if agreed_day <= today else None
        cy.review_date = opened + review_planned if cy.agreed else None
        if cy.agreed:
            meetings.append((agreed_day, _meeting(family, "Plan agreed for cycle %d." % (ci + 1))))
        cy.log = []
        if cy.agreed:
            for _ in range(rng.randint(1, 5)):
                day = agreed_day + rng.randint(3, max(4, rv - d - 1))
                if day <= today:
                    cy.log.append((day, rng.choice(("TA", "class-teacher", "senco")), rng.choice(LOG)))
            cy.log.sort()
            mid = agreed_day + (rv - d) // 2
            if rv - d > 60 and mid <= today and rng.random() < 0.6:
                meetings.append((mid, _meeting(family, "Progress check at parents' evening.")))
        cy.review = None
        prev_unmet = []
        if stage == "closed":
            day = opened + meeting
            ratings = []
            for oid, area, skill, crit, _carried in cy.outcomes:
                rating = rng.choices(("achieved", "partly-achieved", "not-achieved"), (45, 40, 15))[0]
                ratings.append((oid, rating, rng.choice(PROGRESS[rating])))
                if rating != "achieved":
                    prev_unmet.append((area, skill, crit))
            last = ci == len(plans) - 1
            if last and status in ("monitoring", "closed"):
                decision = "exit"
            else:
                decision = rng.choices(("continue", "revise"), (60, 40))[0]
            attendees = family + ["class-teacher", "senco"]
            if not is_yp and rng.random() < 0.5:
                attendees.insert(1, "child")
            cy.review = [day, attendees, ratings, decision, rng.choice(NEXT_STEPS)]
            meetings.append((day, _meeting(family, "Review of cycle %d." % (ci + 1))))
            if not is_yp and rng.random() < 0.4 and day - 3 >= opened + rv:
                views.append((day - 3, _view(rng, "child", False)))
        cycles.append(cy)
        opened = opened + meeting + gap

    last_cycle = cycles[-1]
    last_closed = last_cycle.moves[-1][1] if last_cycle.moves[-1][0] == "closed" else None
    if status in ("monitoring", "closed") and last_closed is None:  # pragma: no cover - guarded above
        status = "sen-support"

    # -- EHC ----------------------------------------------------------------------
    ehc = None
    if status == "ehc-plan":
        ehc = _ehc_plan(rng, cycles, start, dob, today, offset)
        if ehc is None:
            status = "sen-support"
    if status == "sen-support" and rng.random() < 0.14:
        ehc = _ehc_in_progress(rng, cycles, today)

    entered = start
    if ehc is not None and ehc.get("requested") and ehc["requested"] < entered:
        entered = max(dob + 730, ehc["requested"] - rng.randint(60, 400))
    register_left = last_closed if status in ("monitoring",) else None
    closed = None
    if status == "closed":
        closed_day = min(today, last_closed + rng.randint(1, 60))
        reason = rng.choice(("moved-school", "moved-school", "no-longer-needed", "left-education"))
        transferred = None
        if reason == "moved-school" and rng.random() < 0.7:
            transferred = min(today, closed_day + rng.randint(1, 15))
        closed = (closed_day, reason, transferred)
        register_left = closed_day

    views.sort()
    meetings.sort()
    # -- write ----------------------------------------------------------------------
    out: list[str] = []
    w = out.append
    w("# yaml-language-server: $schema=../schemas/record.schema.json\n")
    w(f"schema_version: 1\nid: {rid}\nstatus: {status}\n")
    w(f"child:\n  name: Test Child {num}\n")
    if rng.random() < 0.3:
        w(f"  preferred_name: Child {num}\n")
    w(f"  date_of_birth: {iso(dob)}\n  setting: {setting}\n  year_group: \"{year_group}\"\n")
    if setting == "school" and rng.random() < 0.5:
        w(f"  admission_number: \"BX{index:06d}\"\n")
    w(f"needs:\n  primary: {primary}\n")
    if secondary:
        w(f"  secondary: [{', '.join(secondary)}]\n")
    summary = SUMMARIES[primary] + ". " + " ".join(rng.sample(SUMMARY_EXTRA, rng.randint(0, 2)))
    w(f"  summary: {qb(summary.strip())}\n")
    w(f"register:\n  entered: {iso(entered)}\n  left: {iso(register_left) if register_left else 'null'}\n")
    w("people:\n")
    if fam_role == "carer":
        w(f"  - {{name: Sample Carer {num}, role: carer, parental_responsibility: false}}\n")
    else:
        w(f"  - {{name: {people_parent}, role: parent, parental_responsibility: true, "
          f"contact: \"parent{num}@example.org\"}}\n")
        if rng.random() < 0.4:
            w(f"  - {{name: Sample Parent {num}B, role: parent, parental_responsibility: true}}\n")
    w(f"  - {{name: Test Teacher {num}, role: class-teacher}}\n")
    if rng.random() < 0.7:
        w(f"  - {{name: Test Assistant {num}, role: ta}}\n")
    w("  - {name: Test SENCO, role: senco}\n")
    for name, role in rng.sample(EXTRA_PEOPLE, rng.randint(0, 2)):
        w(f"  - {{name: {name}, role: {role}}}\n")
    if views:
        w("views:\n")
        for day, text in views:
            w(f"  - {{date: {iso(day)}, {text}}}\n")
    if meetings:
        w("meetings:\n")
        for day, text in meetings:
            w(f"  - {{date: {iso(day)}, {text}}}\n")
    if rng.random() < 0.7:
        w("profile:\n")
        for key, bank in (("like_and_admire", PROFILE_LIKE), ("important_to_me", PROFILE_IMPORTANT),
                          ("how_to_support_me", PROFILE_SUPPORT)):
            w(f"  {key}:\n")
            for item in rng.sample(bank, rng.randint(1, 3)):
                w(f"    - {qb(item)}\n")
    w("cycles:\n")
    for ci, cy in enumerate(cycles):
        _write_cycle(w, ci + 1, cy, rng, today)
    if ehc is not None:
        _write_ehc(w, ehc)
    if closed is None:
        w("closed: null\n")
    else:
        day, reason, transferred = closed
        w(f"closed: {{date: {iso(day)}, reason: {reason}, "
          f"transferred: {iso(transferred) if transferred else 'null'}}}\n")
    return "".join(out)


def _view(rng: random.Random, role: str, is_yp: bool) -> str:
    if role in ("child", "young-person"):
        text = rng.choice(YP_VIEWS if is_yp else CHILD_VIEWS)
        return f"from: {role}, by: Test SENCO, how: {rng.choice(HOW)}, text: {qf(text)}"
    return f"from: {role}, text: {qf(rng.choice(PARENT_VIEWS))}"


def _meeting(family: list[str], text: str) -> str:
    return f"with: [{', '.join(family)}], text: {qf(text)}"


#: Measures an outcome may carry: (name, unit, baseline range, change to the target, lower is better).
MEASURES = (("reading age", "months", (70, 110), (6, 12), False),
            ("standardised score", "points", (70, 90), (5, 10), False),
            ("words read a minute", "words", (20, 80), (10, 30), False),
            ("incidents a week", "incidents", (3, 10), (2, 6), True))


def _measure(rng: random.Random, baseline_day: int, last_day: int) -> tuple[tuple, list[tuple[int, int]]]:
    """A measure from the outcome's plan day, and 0-4 readings up to ``last_day`` moving towards
    its target (within the scale from baseline to target: check gives no warning)."""
    name, unit, (low, high), (least, most), lower = rng.choice(MEASURES)
    baseline = rng.randint(low, high)
    change = rng.randint(least, most)
    target = max(0, baseline - change) if lower else baseline + change
    readings = []
    span = last_day - baseline_day
    if span > 14:
        count = rng.choice((0, 1, 2, 2, 3, 4))
        for day in sorted(rng.sample(range(baseline_day + 7, last_day + 1), min(count, span - 6))):
            share = (day - baseline_day) / span * rng.uniform(0.3, 1.1)
            readings.append((day, round(baseline + (target - baseline) * min(share, 1.0))))
    return (name, unit, baseline, baseline_day, target, lower), readings


def _write_cycle(w, number: int, cy: Cycle, rng: random.Random, today: int) -> None:
    stage = cy.moves[-1][0]
    w(f"  - number: {number}\n    opened: {iso(cy.opened)}\n    stage: {stage}\n    history:\n")
    for s, day in cy.moves:
        w(f"      - {{stage: {s}, date: {iso(day)}}}\n")
    w("    assess:\n")
    if cy.evidence:
        w("      evidence:\n")
        for day, src, txt in cy.evidence:
            w(f"        - {{date: {iso(day)}, source: {src}, text: {qf(txt)}}}\n")
    w("      summary: Baseline taken; next steps discussed with the family.\n")
    if cy.outcomes or cy.agreed:
        w("    plan:\n")
        w(f"      agreed: {iso(cy.agreed) if cy.agreed else 'null'}\n")
        if cy.agreed:
            w(f"      agreed_with: [{', '.join(cy.family + STAFF_ROLES)}]\n")
        w(f"      review_date: {iso(cy.review_date) if cy.review_date else 'null'}\n")
        w("      outcomes:\n")
        month = month_name(cy.review_date or cy.opened + 100)
        # Measures from their own generator: the rest of the record is as it was without them.
        measures = random.Random(rng.random())
        closed_on = cy.moves[-1][1] if cy.moves[-1][0] == "closed" else today
        for oid, area, skill, crit, carried in cy.outcomes:
            w(f"        - id: {oid}\n          area: {area}\n")
            w(f"          text: {qb(f'By {month}, the pupil will {skill}.')}\n")
            w(f"          criteria: {qb(crit + '.')}\n")
            if carried:
                w(f"          carried_from: {carried}\n")
            if cy.agreed and measures.random() < 0.5:
                (name, unit, baseline, day, target, lower), readings = _measure(measures, cy.agreed,
                                                                                min(closed_on, today))
                w(f"          measure:\n            name: {name}\n            unit: {unit}\n"
                  f"            baseline: {baseline}\n            baseline_date: {iso(day)}\n"
                  f"            target: {target}\n")
                if lower:
                    w("            lower_is_better: true\n")
                if readings:
                    w("          readings:\n")
                    for when, value in readings:
                        w(f"            - {{date: {iso(when)}, value: {value}}}\n")
        w("      provision:\n")
        for pid, kind, text, freq, minutes, staff, cost, served in cy.provision:
            w(f"        - id: {pid}\n          kind: {kind}\n          text: {qb(text + '.')}\n")
            w(f"          frequency: {qb(freq)}\n          minutes_per_week: {minutes}\n")
            w(f"          staff: {qb(staff)}\n          cost: {cost:.2f}\n          outcomes: [{', '.join(served)}]\n")
            if kind in ("small-group", "one-to-one", "learning-programme"):  # a named programme, for impact
                w(f"          programme: {'-'.join(re.findall('[a-z]+', text.lower())[:3])}\n")
    if cy.log:
        w("    do:\n      log:\n")
        for day, by, txt in cy.log:
            w(f"        - {{date: {iso(day)}, by: {by}, text: {qf(txt)}}}\n")
    if cy.review:
        day, attendees, ratings, decision, next_steps = cy.review
        w(f"    review:\n      date: {iso(day)}\n      attendees: [{', '.join(attendees)}]\n      progress:\n")
        for oid, rating, text in ratings:
            w(f"        - {{outcome: {oid}, rating: {rating}, text: {qf(text)}}}\n")
        w(f"      decision: {decision}\n      next_steps: {qb(next_steps)}\n")


def _closed_reviews(cycles: list[Cycle]) -> list[Cycle]:
    return [c for c in cycles if c.review]


def _ehc_plan(rng: random.Random, cycles: list[Cycle], start: int, dob: int, today: int,
              offset: int) -> dict | None:
    """An EHC plan in force: requested, assessed, drafted, finalised, reviewed yearly."""
    earliest = dob + 730 + 60
    anchor = [c for c in _closed_reviews(cycles) if c.review[0] <= today - 220]
    if anchor and rng.random() < 0.6:
        cy = rng.choice(anchor)
        cy.review[3] = "request-ehc-assessment"
        requested = cy.review[0] + rng.randint(2, 14)
    else:
        latest = min(today - 200, start - 10)
        if latest < earliest:
            return None
        requested = max(earliest, latest - rng.randint(0, 900))
    decision = requested + rng.randint(25, 42)
    draft = decision + rng.randint(40, 70)
    final = draft + rng.randint(15, 35)  # the family has 15 days to comment on the draft (Regs 13(1))
    if final > today:
        return None
    reviews = []
    meeting = final
    while True:
        meeting = meeting + rng.randint(330, 365)
        if meeting > today:
            break
        report = meeting + rng.randint(4, 14)
        la = meeting + rng.randint(14, 28)
        outcome = rng.choices(("maintain", "amend"), (60, 40))[0]
        amended = la + rng.randint(20, 60) if outcome == "amend" else None
        reviews.append((meeting, report if report <= today else None,
                        (la, outcome) if la <= today else None,
                        amended if amended is not None and amended <= today and la <= today else None))
    transfer = None
    if offset in (11, 16):  # year 6 or year 11: a phase transfer next September
        transfer = (date.fromordinal(today).year + 1, "school" if offset == 11 else "post-16")
    return {"requested": requested, "decision": (decision, "assess"), "draft": draft, "final": final,
            "reviews": reviews, "transfer": transfer}


def _ehc_in_progress(rng: random.Random, cycles: list[Cycle], today: int) -> dict | None:
    """A request under way for a pupil on SEN support (never a final plan)."""
    anchor = [c for c in _closed_reviews(cycles) if today - 200 <= c.review[0] <= today - 2]
    if not anchor:
        return None
    cy = anchor[-1]
    cy.review[3] = "request-ehc-assessment"
    requested = min(today, cy.review[0] + rng.randint(1, 14))
    ehc = {"requested": requested, "decision": None, "draft": None, "final": None, "reviews": [],
           "transfer": None}
    decided = requested + rng.randint(25, 42)
    if decided <= today:
        outcome = "assess" if rng.random() < 0.85 else "not-assess"
        ehc["decision"] = (decided, outcome)
        draft = decided + rng.randint(40, 70)
        if outcome == "assess" and draft <= today:
            ehc["draft"] = draft
    return ehc


def _write_ehc(w, ehc: dict) -> None:
    w("ehc:\n  local_authority: Example LA\n")
    w(f"  requested: {iso(ehc['requested'])}\n")
    if ehc["decision"]:
        day, outcome = ehc["decision"]
        w(f"  decision: {{date: {iso(day)}, outcome: {outcome}}}\n")
    else:
        w("  decision: null\n")
    w("  not_issued: null\n")
    w(f"  draft_plan: {iso(ehc['draft']) if ehc['draft'] else 'null'}\n")
    w(f"  final_plan: {iso(ehc['final']) if ehc['final'] else 'null'}\n")
    if ehc["reviews"]:
        w("  reviews:\n")
        for meeting, report, la, amended in ehc["reviews"]:
            w(f"    - meeting: {iso(meeting)}\n")
            w(f"      report_sent: {iso(report) if report else 'null'}\n")
            w(f"      la_decision: {{date: {iso(la[0])}, outcome: {la[1]}}}\n" if la else "      la_decision: null\n")
            w(f"      amended_plan: {iso(amended) if amended else 'null'}\n")
    else:
        w("  reviews: []\n")
    if ehc["transfer"]:
        year, to = ehc["transfer"]
        w(f"  phase_transfer: {{year: {year}, to: {to}, amended: null}}\n")
    else:
        w("  phase_transfer: null\n")
    w("  exceptions: []\n")


# -- main -------------------------------------------------------------------------

SETTINGS_FILE = """\
# sendcli casebook settings (generated by bench/generate.py: every record is fictional)
name: Bench casebook (fictional)
local_authority: Example LA
local_offer_url: https://example.org/local-offer
due_soon_days: 14
# The school's holidays in 2026-27: school-day deadlines skip them.
closures:
  - {from: 2026-10-26, to: 2026-10-30, name: Autumn half term}
  - {from: 2026-12-21, to: 2027-01-01, name: Christmas holidays}
  - {from: 2027-02-15, to: 2027-02-19, name: Spring half term}
  - {from: 2027-03-29, to: 2027-04-09, name: Easter holidays}
  - {from: 2027-05-31, to: 2027-06-04, name: Summer half term}
  - {from: 2027-07-22, to: 2027-08-31, name: Summer holidays}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", help="the casebook folder to create (records/ inside it is replaced)")
    parser.add_argument("--n", type=int, default=1000, help="number of records (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--today", default="2026-11-28", help="no event is dated after this (default 2026-11-28)")
    parser.add_argument("--max-kb", type=float, default=None,
                        help="leave out records bigger than this (the next index is taken instead): "
                             "--max-kb 7 gives about 5 KB on average, for the bar at 5 KB records")
    args = parser.parse_args(argv)
    if args.n < 0 or args.n > 999_999:
        parser.error("--n must be between 0 and 999999")
    today = date.fromisoformat(args.today).toordinal()

    started = time.perf_counter()
    records = os.path.join(args.out_dir, "records")
    os.makedirs(records, mode=0o700, exist_ok=True)
    for name in os.listdir(records):  # a fresh casebook: stale records from a bigger N would distort figures
        if name.startswith("b") and name.endswith(".yaml"):
            os.unlink(os.path.join(records, name))
    with open(os.path.join(args.out_dir, "sendcli.yaml"), "w", encoding="utf-8") as handle:
        handle.write(SETTINGS_FILE)
    total = 0
    smallest, largest = sys.maxsize, 0
    index, written = -1, 0
    while written < args.n:
        index += 1
        text = make_record(index, args.seed, today).encode("utf-8")
        if args.max_kb is not None and len(text) > args.max_kb * 1024:
            continue
        written += 1
        path = os.path.join(records, f"b{index:06d}.yaml")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, text)
        finally:
            os.close(fd)
        total += len(text)
        smallest, largest = min(smallest, len(text)), max(largest, len(text))
    elapsed = time.perf_counter() - started
    if args.n:
        print(f"wrote {args.n} records to {records} in {elapsed:.1f} s: {total / 1e6:.1f} MB, "
              f"{total / args.n / 1024:.1f} KB average ({smallest / 1024:.1f}-{largest / 1024:.1f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
