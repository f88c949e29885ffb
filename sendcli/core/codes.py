"""DfE school census codes and the Code of Practice's broad areas of need.

This module is the one place these codes live (rules.md, "Census codes"),
with the other closed vocabularies of the record and the commands: the CLI
offers them as choices without importing the modules that use them (startup,
quality.md).
The schema leaves need codes and areas as plain text on purpose: the census
rules in :mod:`sendcli.core.rules` check them against the tables below, so a
new census code is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Broad areas of need, CoP 6.28-6.35.
COMMUNICATION_AND_INTERACTION = "communication-and-interaction"
COGNITION_AND_LEARNING = "cognition-and-learning"
SOCIAL_EMOTIONAL_MENTAL_HEALTH = "social-emotional-mental-health"
SENSORY_PHYSICAL = "sensory-physical"
UNCATEGORISED = "uncategorised"

#: Areas an outcome may name (``uncategorised`` is a census bucket, not an area
#: a plan works on).
OUTCOME_AREAS: tuple[str, ...] = (
    COMMUNICATION_AND_INTERACTION,
    COGNITION_AND_LEARNING,
    SOCIAL_EMOTIONAL_MENTAL_HEALTH,
    SENSORY_PHYSICAL,
)


@dataclass(frozen=True)
class NeedType:
    code: str
    label: str
    area: str


NEED_TYPES: tuple[NeedType, ...] = (
    NeedType("SLCN", "Speech, language and communication needs", COMMUNICATION_AND_INTERACTION),
    NeedType("ASD", "Autistic spectrum disorder", COMMUNICATION_AND_INTERACTION),
    NeedType("SPLD", "Specific learning difficulty", COGNITION_AND_LEARNING),
    NeedType("MLD", "Moderate learning difficulty", COGNITION_AND_LEARNING),
    NeedType("SLD", "Severe learning difficulty", COGNITION_AND_LEARNING),
    NeedType("PMLD", "Profound and multiple learning difficulty", COGNITION_AND_LEARNING),
    NeedType("SEMH", "Social, emotional and mental health", SOCIAL_EMOTIONAL_MENTAL_HEALTH),
    NeedType("HI", "Hearing impairment", SENSORY_PHYSICAL),
    NeedType("VI", "Vision impairment", SENSORY_PHYSICAL),
    NeedType("MSI", "Multi-sensory impairment", SENSORY_PHYSICAL),
    NeedType("PD", "Physical disability", SENSORY_PHYSICAL),
    NeedType("OTH", "Other difficulty or disability", UNCATEGORISED),
    NeedType("NSA", "SEN support but no specialist assessment of type of need", UNCATEGORISED),
)

NEEDS_BY_CODE: dict[str, NeedType] = {need.code: need for need in NEED_TYPES}
NEED_CODES: tuple[str, ...] = tuple(NEEDS_BY_CODE)

#: Census: NSA may only be used for pupils on SEN support.
NO_SPECIALIST_ASSESSMENT = "NSA"

# Record statuses and the census provision code each maps to.
SEN_SUPPORT = "sen-support"
EHC_PLAN = "ehc-plan"
MONITORING = "monitoring"
CLOSED = "closed"
STATUSES: tuple[str, ...] = (SEN_SUPPORT, EHC_PLAN, MONITORING, CLOSED)
#: Statuses for which the census requires a primary need.
STATUSES_NEEDING_PRIMARY_NEED: frozenset[str] = frozenset({SEN_SUPPORT, EHC_PLAN})

PROVISION_CODE_BY_STATUS: dict[str, str] = {
    EHC_PLAN: "E",
    SEN_SUPPORT: "K",
    MONITORING: "N",
    CLOSED: "N",
}

SETTINGS: tuple[str, ...] = ("early-years", "school", "college")

#: ``year_group`` values: nursery N1/N2, reception R, then National Curriculum
#: years 1-14 (post-16 and college years continue the count).
YEAR_GROUPS: tuple[str, ...] = ("N1", "N2", "R", *(str(n) for n in range(1, 15)))

# The graduated approach: Assess, Plan, Do, Review (CoP 6.44-6.56).
STAGES: tuple[str, ...] = ("assess", "plan", "do", "review", "closed")


def provision_code(status: str) -> str:
    """The census SEN provision code (E, K or N) for a record status."""
    return PROVISION_CODE_BY_STATUS.get(status, "N")


def need_label(code: str) -> str:
    need = NEEDS_BY_CODE.get(code)
    return need.label if need else code


def area_of_need(code: str) -> str | None:
    need = NEEDS_BY_CODE.get(code)
    return need.area if need else None


# -- the graduated approach (core.workflow) -------------------------------------------------------
#: How far an outcome was achieved at review (CoP 6.65).
RATINGS: tuple[str, ...] = ("achieved", "partly-achieved", "not-achieved")
#: What a review decides (CoP 6.54-6.56, 6.63).
DECISIONS: tuple[str, ...] = ("continue", "revise", "exit", "request-ehc-assessment")
VIEW_SOURCES: tuple[str, ...] = ("child", "parent", "carer", "young-person", "other")

# -- EHC events (core.ehc) and deadlines (core.deadlines) -------------------------------------
EHC_EVENTS: tuple[str, ...] = ("request", "decision", "not-issue", "draft", "final", "review", "report",
                               "la-decision", "amended", "transfer", "transfer-amended", "exception")
EHC_DECISION_OUTCOMES: tuple[str, ...] = ("assess", "not-assess")
EHC_LA_OUTCOMES: tuple[str, ...] = ("maintain", "amend", "cease")
EHC_TRANSFER_TO: tuple[str, ...] = ("school", "post-16")
DEADLINE_KINDS: tuple[str, ...] = (
    "review", "plan", "parent-meeting", "ehc-decision", "ehc-final-plan", "ehc-annual-review",
    "ehc-review-report", "ehc-la-decision", "ehc-amended-plan", "phase-transfer", "file-transfer", "retention",
)
#: Why an EHC time limit may be missed (Regulations 10(4), 13(3)).
EHC_EXCEPTION_REASONS: dict[str, str] = {
    "school-closure": "the school or setting was closed for 4 weeks or more",
    "personal-circumstances": "exceptional personal circumstances of the child or family",
    "absence-from-area": "the child or family was away from the area for 4 weeks or more",
}

# -- import (core.importing) ----------------------------------------------------------------------
#: The MIS export layouts ``import`` knows (their columns: core.importing.PRESETS).
IMPORT_PRESETS: tuple[str, ...] = ("sims", "arbor", "census")


# Why a record was closed (rules.md, "Leaving"). ``moved-school`` starts the
# statutory file transfer: Education (Pupil Information) (England) Regs 2005,
# reg 9.
MOVED_SCHOOL = "moved-school"
CLOSE_REASONS: tuple[str, ...] = (
    MOVED_SCHOOL,
    "moved-post-16",
    "left-education",
    "no-longer-needed",
    "moved-abroad",
    "other",
)


def read_close_reason(text: object) -> tuple[str, bool]:
    """The closing reason a record means, and whether it was written the old way.

    First-edition records hold free text. ``moved`` alone means a move to
    another school; any other word outside :data:`CLOSE_REASONS` is read as
    ``other``. The flag is true for every such legacy value, so ``check`` can
    warn and name the list.
    """
    word = str(text or "").strip().lower()
    if word in CLOSE_REASONS:
        return word, False
    if word == "moved":
        return MOVED_SCHOOL, True
    return "other", True
