"""DfE school census codes and the Code of Practice's broad areas of need.

This module is the one place these codes live (docs/rules.md, "Census codes"),
with the other closed vocabularies of the record and the commands: the CLI
offers them as choices without importing the modules that use them (startup,
bench/README.md).
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


# -- need descriptions: what people type and MIS exports write -> census codes ---------------------
@dataclass(frozen=True)
class NeedMatch:
    """What :func:`resolve_need` made of a need as someone typed or exported it.

    ``code`` is the census code, or None when the text names none. ``note``
    says what was understood where the text was neither the code nor the DfE
    label (``dyslexia is recorded as SPLD (specific learning difficulty)``), so
    the person can see the code they will find in the record and the census.
    ``nearest`` holds, for an unknown text, the closest codes, best first.
    """

    code: str | None
    note: str | None = None
    nearest: tuple[str, ...] = ()


#: The DfE labels as MIS exports (SIMS, Arbor, the census) write them, beyond
#: the labels of NEED_TYPES. Spacing, case, punctuation, "&" and "and",
#: plural "needs"/"difficulties" do not matter (see _need_key).
_MIS_LABELS: dict[str, str] = {
    "Speech, language and communication": "SLCN",
    "Autism spectrum disorder": "ASD",
    "Autistic spectrum condition": "ASD",
    "Autism spectrum condition": "ASD",
    "Visual impairment": "VI",
    "Other difficulty/disability": "OTH",
    "Other difficulty": "OTH",
    "SEN support but no specialist assessment": "NSA",
    "No specialist assessment": "NSA",
    "No specialist assessment of type of need": "NSA",
    "Profound and multiple learning difficulties": "PMLD",
    "Social emotional mental health": "SEMH",
    "Specific learning difficulties (SpLD)": "SPLD",
}

#: Words people type, with the code the census records them as. Each of these
#: gets a note, because the code is not what was typed. The conditions under
#: SPLD and SEMH are the Code of Practice's own examples of those areas
#: (CoP 6.28-6.35).
_NEED_WORDS: dict[str, str] = {
    # communication and interaction
    "speech and language": "SLCN", "speech": "SLCN", "language": "SLCN", "communication": "SLCN",
    "speech language": "SLCN", "speech and language difficulty": "SLCN", "speech delay": "SLCN",
    "language delay": "SLCN", "speech and language delay": "SLCN", "developmental language disorder": "SLCN",
    "DLD": "SLCN", "stammer": "SLCN", "selective mutism": "SLCN",
    "autism": "ASD", "autistic": "ASD", "ASC": "ASD", "autism spectrum": "ASD", "autistic spectrum": "ASD",
    "asperger": "ASD", "aspergers": "ASD", "asperger's": "ASD", "asperger syndrome": "ASD",
    "asperger's syndrome": "ASD",
    # cognition and learning
    "dyslexia": "SPLD", "dyslexic": "SPLD", "dyspraxia": "SPLD", "dyspraxic": "SPLD",
    "dyscalculia": "SPLD", "dysgraphia": "SPLD", "specific learning": "SPLD",
    "developmental coordination disorder": "SPLD", "DCD": "SPLD",
    "moderate learning": "MLD", "severe learning": "SLD", "profound learning": "PMLD",
    "profound and multiple learning": "PMLD", "PMLD": "PMLD",
    # social, emotional and mental health
    "social emotional": "SEMH", "mental health": "SEMH", "emotional": "SEMH", "behaviour": "SEMH",
    "behavior": "SEMH", "anxiety": "SEMH", "attachment disorder": "SEMH",
    "behaviour emotional and social difficulty": "SEMH", "BESD": "SEMH",
    # sensory and physical
    "deaf": "HI", "hearing": "HI", "hearing loss": "HI", "hearing impaired": "HI", "partially deaf": "HI",
    "blind": "VI", "visually impaired": "VI", "vision": "VI", "sight loss": "VI", "partially sighted": "VI",
    "sight impairment": "VI", "visual": "VI",
    "deafblind": "MSI", "deaf and blind": "MSI", "multi-sensory": "MSI", "multisensory impairment": "MSI",
    "physical": "PD", "physical disabilities": "PD", "physical impairment": "PD", "cerebral palsy": "PD",
    "wheelchair user": "PD",
    # uncategorised
    "other": "OTH", "not assessed": "NSA",
}

#: Conditions with no census code of their own. Each maps to the code schools
#: usually record, and the note says so, so the SENCO can choose another.
_NO_CODE_OF_THEIR_OWN: dict[str, tuple[str, str]] = {
    word: ("SEMH", f"{label} has no census code of its own: recorded as SEMH (social, emotional and "
                   "mental health), the area the Code of Practice lists it under and the one schools "
                   "usually record; give another code if the child's main need lies elsewhere")
    for word, label in (("ADHD", "ADHD"), ("ADD", "ADD"), ("attention deficit", "attention deficit disorder"),
                        ("attention deficit disorder", "attention deficit disorder"),
                        ("attention deficit hyperactivity disorder", "ADHD"))
}

_KEY_WORDS = {"needs": "", "need": "", "and": "", "difficulties": "difficulty", "disabilities": "disability",
              "impairments": "impairment", "disorders": "disorder", "conditions": "condition"}


def _need_key(text: str) -> str:
    """Letters and digits only, lower case, without "and"/"need" and with plurals made singular.

    "Speech, Language and Communication Needs" and "speech language communication need"
    give the same key, so do "Multi-Sensory Impairment" and "multisensory impairment".
    """
    words = "".join(ch if ch.isalnum() else " " for ch in text.replace("&", " and ").lower()).split()
    return "".join(_KEY_WORDS.get(word, word) for word in words)


def _need_table() -> dict[str, tuple[str, str | None]]:
    """Key -> (code, note). Codes and DfE labels need no note; a word's note is made
    from what was typed (_word_note), a condition without a code has its own."""
    table: dict[str, tuple[str, str | None]] = {}
    for word, code in _NEED_WORDS.items():
        table[_need_key(word)] = (code, "")
    for word, (code, note) in _NO_CODE_OF_THEIR_OWN.items():
        table[_need_key(word)] = (code, note)
    for label, code in _MIS_LABELS.items():
        table[_need_key(label)] = (code, None)
    for need in NEED_TYPES:
        table[_need_key(need.label)] = (need.code, None)
        table[_need_key(need.code)] = (need.code, None)
    return table


_NEED_TABLE = _need_table()


def resolve_need(text: str) -> NeedMatch:
    """The census code for a need as people type it or an MIS exports it.

    Codes in any case (``slcn``), the DfE labels ("Speech, Language and
    Communication Needs"), a code with its label ("SLCN - Speech, language and
    communication needs", "Autistic Spectrum Disorder (ASD)") and the words
    people use ("dyslexia", "autism", "deaf") are all understood; punctuation,
    spacing and case are ignored. Anything else gets ``code=None`` and the
    nearest codes, best first, so the caller can refuse it with them.
    """
    key = _need_key(text)
    if not key:
        return NeedMatch(None)
    found = _NEED_TABLE.get(key)
    if found is not None:
        code, note = found
        return NeedMatch(code, _word_note(text, code) if note == "" else note)
    labelled = _code_with_its_label(text)
    if labelled is not None:
        return NeedMatch(labelled)
    return NeedMatch(None, None, _nearest_codes(key))


def _word_note(text: str, code: str) -> str:
    return f"{' '.join(text.split())} is recorded as {code} ({NEEDS_BY_CODE[code].label.lower()})"


def _code_with_its_label(text: str) -> str | None:
    """"SLCN - Speech, language..." or "Autistic Spectrum Disorder (ASD)": the code, when both agree."""
    words = "".join(ch if ch.isalnum() else " " for ch in text.replace("&", " and ")).split()
    if len(words) < 2:
        return None
    for code_word, rest in ((words[0], words[1:]), (words[-1], words[:-1])):
        code = code_word.upper()
        if code in NEEDS_BY_CODE and _NEED_TABLE.get(_need_key(" ".join(rest)), (None,))[0] == code:
            return code
    return None


def _nearest_codes(key: str, limit: int = 3) -> tuple[str, ...]:
    """The codes whose codes, labels or words are closest to ``key`` (difflib), best first."""
    import difflib

    scored = sorted(((difflib.SequenceMatcher(None, key, candidate).ratio(), code)
                     for candidate, (code, _) in _NEED_TABLE.items()), reverse=True)
    nearest: list[str] = []
    for score, code in scored:
        if score < 0.6 or len(nearest) == limit:
            break
        if code not in nearest:
            nearest.append(code)
    return tuple(nearest)


def need_label(code: str) -> str:
    need = NEEDS_BY_CODE.get(code)
    return need.label if need else code


def area_of_need(code: str) -> str | None:
    need = NEEDS_BY_CODE.get(code)
    return need.area if need else None


# -- the graduated approach (core.workflow) -------------------------------------------------------
#: How far an outcome was achieved at review (CoP 6.65).
RATINGS: tuple[str, ...] = ("achieved", "partly-achieved", "not-achieved")
#: What a review decides (CoP 6.54-6.56).
DECISIONS: tuple[str, ...] = ("continue", "revise", "exit", "request-ehc-assessment")
VIEW_SOURCES: tuple[str, ...] = ("child", "parent", "carer", "young-person", "deputy", "other")

# -- EHC events (core.ehc) and deadlines (core.deadlines) -------------------------------------
EHC_EVENTS: tuple[str, ...] = ("existing", "request", "advice-requested", "advice-given", "decision", "not-issue",
                               "draft", "consulted", "consultation-reply", "final", "review-planned",
                               "review-notice-sent", "review", "report", "la-decision", "amended", "ceased",
                               "transfer", "transfer-amended", "exception")
#: Where a plan that ceases leaves the child (``ehc ceased --to``).
EHC_CEASED_TO: tuple[str, ...] = ("sen-support", "monitoring")
EHC_DECISION_OUTCOMES: tuple[str, ...] = ("assess", "not-assess")
EHC_LA_OUTCOMES: tuple[str, ...] = ("maintain", "amend", "cease")
EHC_TRANSFER_TO: tuple[str, ...] = ("school", "post-16")
DEADLINE_KINDS: tuple[str, ...] = (
    "review", "plan", "parents-informed", "parent-meeting", "ehc-request", "ehc-advice", "ehc-decision",
    "ehc-issue-decision", "ehc-final-plan", "ehc-consultation", "ehc-annual-review", "ehc-early-review",
    "ehc-review-notice", "ehc-review-report", "ehc-la-decision", "ehc-amended-plan", "ehc-cease",
    "phase-transfer", "file-transfer", "retention",
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


# Why a record was closed (docs/rules.md, "When a child leaves"). ``moved-school`` starts the
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
