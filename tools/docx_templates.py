"""Build the built-in Word templates (templates/NAME.docx) with python-docx, reproducibly.

    .venv/bin/python tools/docx_templates.py            # rewrite templates/*.docx
    .venv/bin/python tools/docx_templates.py --check    # exit 1 if a committed file differs

Each template is a school's document (a title, headings, tables for outcomes
and provision, the setting's name and page numbers in the footer) tagged with
the same context as the HTML templates (README: "Reports: the template
context"). The tags are docxtpl's: ``{{ ... }}`` in a run, ``{%p ... %}`` for a
paragraph that only holds a tag, ``{%tr ... %}`` for a table row that only
holds one. The zip is written with fixed dates, so building twice gives the
same bytes (tests/test_docx_templates.py checks the committed files are what
this script makes).
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: The fixed time of every part of the zip and of the document's properties (reproducible bytes).
FIXED = (2026, 1, 1, 0, 0, 0)


class Form:
    """A Word document being built: a few verbs for what the templates need."""

    def __init__(self, title: str):
        from docx import Document
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm, Pt

        self.document = Document()
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)  # A4
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Mm(18))
        section.top_margin = section.bottom_margin = Mm(16)
        normal = self.document.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(11)
        for name in ("Title", "Heading 1", "Heading 2"):
            self.document.styles[name].font.name = "Arial"
        properties = self.document.core_properties
        properties.title = title  # no record text: the properties are rendered too, but without markup
        properties.author = "sendcli"
        properties.last_modified_by = "sendcli"
        properties.created = properties.modified = datetime(*FIXED)
        properties.revision = 1
        self._footer()

    def _footer(self) -> None:
        """The setting's name, a confidentiality line and "Page N of M" (Word's own fields)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        footer = self.document.sections[0].footer
        paragraph = footer.paragraphs[0]
        paragraph.text = ""
        first = paragraph.add_run("{{ setting_name }}{% if setting_name %} · {% endif %}Confidential: personal "
                                  "information about a child · Page ")
        first.font.size = Pt(8.5)
        for field, between in (("PAGE", " of "), ("NUMPAGES", "")):
            run = paragraph.add_run()
            run.font.size = Pt(8.5)
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), f" {field} ")
            number = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            number.append(text)
            simple.append(number)
            paragraph._p.append(simple)
            if between:
                paragraph.add_run(between).font.size = Pt(8.5)

    def title(self, text: str) -> None:
        self.document.add_heading(text, level=0)

    def heading(self, text: str, level: int = 1) -> None:
        self.document.add_heading(text, level=level)

    def para(self, text: str, style: str | None = None, bold: bool = False, italic: bool = False) -> None:
        paragraph = self.document.add_paragraph(style=style)
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None

    def tag(self, text: str) -> None:
        """A paragraph that holds only a docxtpl paragraph tag (``{%p ... %}``): it leaves no line."""
        self.document.add_paragraph(text)

    def bullets(self, loop: str, item: str, empty: str | None = None) -> None:
        """One bullet a thing: ``{%p for ... %}`` around a bulleted paragraph."""
        self.tag(f"{{%p for {loop} %}}")
        self.para(item, style="List Bullet")
        if empty is not None:
            self.tag("{%p else %}")
            self.para(empty)
        self.tag("{%p endfor %}")

    def table(self, headings: list[str], loop: str, cells: list[str], widths_mm: list[int] | None = None) -> None:
        """A table with a header row and one row per item: ``{%tr for ... %}`` rows around the data row."""
        from docx.shared import Mm

        table = self.document.add_table(rows=4, cols=len(headings))
        table.style = self.document.styles["Table Grid"]
        for cell, text in zip(table.rows[0].cells, headings):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
        for cell, text in zip(table.rows[2].cells, cells):
            cell.text = text
        table.rows[3].cells[0].text = "{%tr endfor %}"
        _repeat_header(table.rows[0])
        if widths_mm:
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm):
                    cell.width = Mm(width)
        self.document.add_paragraph()

    def labelled(self, rows: list[tuple[str, str]]) -> None:
        """A two-column table of labels and values (a form's "Name: ..." block)."""
        from docx.shared import Mm

        table = self.document.add_table(rows=len(rows), cols=2)
        table.style = self.document.styles["Table Grid"]
        for row, (label, value) in zip(table.rows, rows):
            row.cells[0].text = ""
            row.cells[0].paragraphs[0].add_run(label).bold = True
            row.cells[1].text = value
            row.cells[0].width, row.cells[1].width = Mm(50), Mm(124)
        self.document.add_paragraph()

    def bytes(self) -> bytes:
        raw = io.BytesIO()
        self.document.save(raw)
        return _fixed_zip(raw.getvalue())


def _repeat_header(row) -> None:
    """The header row repeats at the top of each page a long table runs over."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every part dated :data:`FIXED`: the same input makes the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# -- the templates ---------------------------------------------------------------------------------

SETUP_PLAN = '{%p set child = record.child %}'


def plan() -> Form:
    form = Form("SEN support plan")
    form.tag(SETUP_PLAN)
    form.tag('{%p set plan = (cycle.get("plan") if cycle else None) or dict() %}')
    form.title("{{ plan_title }}")
    form.labelled([
        ("Name", "{{ child.name }}"),
        ("Date of birth", '{% if not redacted and child.get("date_of_birth") %}{{ child.date_of_birth|long_date }}'
                          '{% else %}not shown{% endif %}'),
        ("Year group", '{{ child.get("year_group") or "not recorded" }}'),
        ("Setting", '{{ setting_name or "not recorded" }}'),
    ])
    form.tag("{%p if standing.ehc_plan %}")
    form.para("This is the plan for the support we give day to day{% if setting_name %} at {{ setting_name }}"
              "{% endif %}, alongside {{ child_name }}'s Education, Health and Care plan{% if ehc and ehc.plan_date %}"
              " ({{ ehc.plan_kind }}, {{ ehc.plan_date|long_date }}){% endif %}. It does not replace or change the "
              "EHC plan{% if ehc and ehc.next_review %}, whose annual review is due by "
              "{{ ehc.next_review|long_date }}{% endif %}.", italic=True)
    form.tag("{%p endif %}")
    form.heading("Needs")
    form.tag('{%p if record.needs.get("primary") %}')
    form.para('{{ record.needs.primary|need_label }} (primary){% for code in record.needs.get("secondary") or [] %}; '
              '{{ code|need_label }}{% endfor %}.')
    form.tag("{%p endif %}")
    form.tag('{%p if record.needs.get("summary") %}')
    form.para("{{ record.needs.summary }}")
    form.tag("{%p endif %}")
    form.tag("{%p if not cycle %}")
    form.para("No cycle of the graduated approach has been started yet.")
    form.tag("{%p else %}")
    form.para('Cycle {{ cycle.number }}, opened {{ cycle.opened|long_date }}{% if cycle.get("from_cycle") %}, '
              'carrying on from cycle {{ cycle.from_cycle }}{% endif %}; {% if cycle.stage == "closed" %}'
              '{% if cycle.get("review") %}reviewed on {{ cycle.review.date|long_date }}{% else %}ended{% endif %}'
              '{% else %}{{ cycle.stage|stage_words }}{% endif %}.')
    form.heading("What {{ child_name }} and the family told us")
    form.bullets('view in (record.get("views") or [])|selectattr("date", "ge", cycle.opened)',
                 '“{{ view.text }}” — {{ view["from"] }}, {{ view.date|long_date }}'
                 '{% if view.get("how") %} ({{ view.how }}){% endif %}',
                 empty="No views recorded in this cycle yet.")
    form.heading("Outcomes")
    form.table(["ID", "Outcome", "Area", "How we will know"], 'outcome in plan.get("outcomes") or []',
               ["{{ outcome.id }}", "{{ outcome.text }}", '{{ outcome.get("area")|area_label }}',
                '{{ outcome.get("criteria") or "" }}'], [14, 70, 40, 50])
    form.tag('{%p if not plan.get("outcomes") %}')
    form.para("No outcomes agreed yet.")
    form.tag("{%p endif %}")
    form.tag('{%p set measured = (plan.get("outcomes") or [])|measured %}')
    form.tag("{%p if measured %}")
    form.para("Progress so far on the measured outcomes:")
    form.bullets("outcome in measured", "{{ outcome.id }}, {{ outcome_measure(record, outcome, today).summary }}.")
    form.tag("{%p endif %}")
    form.heading("Provision")
    form.table(["Support", "How often", "Who", "For outcomes"], 'item in plan.get("provision") or []',
               ['{{ item.text }}{% if item.get("kind") %} ({{ item.kind|provision_words }}){% endif %}'
                '{% if item.get("local_offer") in services %}. Local Offer: {{ services[item.local_offer].name }}'
                '{% endif %}{% if item.get("ended") %}. Ended {{ item.ended|long_date }}{% endif %}',
                '{{ item.get("frequency") or "" }}', '{{ item.get("staff") or "" }}',
                '{{ (item.get("outcomes") or [])|join(", ") }}'], [80, 35, 35, 24])
    form.tag('{%p if not plan.get("provision") %}')
    form.para("No provision planned yet.")
    form.tag("{%p endif %}")
    form.heading("Review and agreement")
    form.para('{% if cycle.stage == "closed" and cycle.get("review") %}Reviewed on {{ cycle.review.date|long_date }}: '
              '{{ cycle.review.decision|decision_words }}.{% elif standing.next_review %}We will review this plan on '
              '{{ standing.next_review|long_date }}.{% elif standing.review_due %}The review of this plan is due now: '
              'a date will be agreed with the family.{% else %}A date for review will be set when the plan is agreed.'
              '{% endif %}', bold=True)
    form.para('{% if plan.get("agreed") %}Agreed on {{ plan.agreed|long_date }} with: '
              '{{ (plan.get("agreed_with") or [])|join(", ") }}.{% else %}This plan has not been agreed yet.{% endif %}')
    form.tag("{%p endif %}")
    return form


def review() -> Form:
    form = Form("Review of the SEN support plan")
    form.tag(SETUP_PLAN)
    form.tag("{%p set review = reviewed.review %}")
    form.tag('{%p set outcomes = ((reviewed.get("plan") or dict()).get("outcomes") or [])|by_id %}')
    form.title("Review of the {{ plan_name }}")
    form.labelled([
        ("Name", "{{ child.name }}"),
        ("Year group", '{{ child.get("year_group") or "not recorded" }}'),
        ("Cycle", "{{ reviewed.number }}, opened {{ reviewed.opened|long_date }}"),
        ("Reviewed on", "{{ review.date|long_date }}"),
        ("Taking part", '{{ (review.get("attendees") or [])|join(", ") or "not recorded" }}'),
        ("Setting", '{{ setting_name or "not recorded" }}'),
    ])
    form.heading("Progress towards each outcome")
    form.table(["Outcome", "Progress", "What we saw"], 'progress in review.get("progress") or []',
               ["{{ outcomes[progress.outcome].text if progress.outcome in outcomes else progress.outcome }}",
                "{{ progress.rating|rating_words }}", '{{ progress.get("text") or "" }}'], [80, 34, 60])
    form.tag('{%p set measured = ((reviewed.get("plan") or dict()).get("outcomes") or [])|measured %}')
    form.tag("{%p if measured %}")
    form.para("The measured outcomes up to the review:")
    form.bullets("outcome in measured",
                 "{{ outcome.id }}, {{ outcome_measure(record, outcome, review.date).summary }}.")
    form.tag("{%p endif %}")
    form.heading("Views")
    form.bullets('view in (record.get("views") or [])|selectattr("date", "ge", reviewed.opened)'
                 '|selectattr("date", "le", review.date)',
                 '“{{ view.text }}” — {{ view["from"] }}, {{ view.date|long_date }}',
                 empty="No views were recorded during this cycle.")
    form.heading("Decision")
    form.para("{{ review.decision|decision_words }}.", bold=True)
    form.tag('{%p if review.get("next_steps") %}')
    form.para("Next steps: {{ review.next_steps }}")
    form.tag("{%p endif %}")
    return form


def parent() -> Form:
    form = Form("How we are helping")
    form.tag("{%p set current = standing.open_cycle %}")
    form.tag('{%p set plan = (current.get("plan") if current else None) or dict() %}')
    form.tag("{%p set last = standing.last_reviewed if standing.review_is_latest else None %}")
    form.tag('{%p set family = "you" if young_person else "your family" %}')
    form.title("How we are helping {{ child_name }}")
    form.para("A summary {% if young_person %}for you{% else %}for {{ child_name }}'s family{% endif %}, "
              "{{ today|long_date }}{% if setting_name %}, from {{ setting_name }}{% endif %}.", italic=True)
    form.tag("{%p if standing.ehc_plan %}")
    form.para("{{ child_name }} has an Education, Health and Care (EHC) plan{% if ehc and ehc.plan_date %}, dated "
              "{{ ehc.plan_date|long_date }}{% endif %}. This summary is about the support we give day to day, "
              "alongside the EHC plan; it does not change the EHC plan.{% if ehc and ehc.next_review %} The EHC "
              "plan's annual review is due by {{ ehc.next_review|long_date }}.{% endif %}")
    form.tag("{%p endif %}")
    form.tag("{%p if last %}")
    form.tag('{%p set outcomes = ((last.get("plan") or dict()).get("outcomes") or [])|by_id %}')
    form.heading("What the review on {{ last.review.date|long_date }} found")
    form.bullets('progress in last.review.get("progress") or []',
                 "{{ (outcomes[progress.outcome].text if progress.outcome in outcomes else progress.outcome)"
                 ".rstrip('.') }}: {{ progress.rating|rating_words|lower }}"
                 '{% if progress.get("text") %}. {{ progress.text }}{% endif %}')
    form.para('{{ "We decided" if (last.get("history") or [])|selectattr("without_family", "defined")|list '
              'else "We decided together" }}: {{ last.review.decision|family_decision }}.'
              '{% if last.review.get("next_steps") %} Next steps: {{ last.review.next_steps.rstrip(".") }}.{% endif %}')
    form.tag("{%p endif %}")
    form.heading('{% if standing.phase == "planning" %}What we plan to work on{% else %}What we are working on'
                 '{% endif %}')
    form.tag('{%p if plan.get("outcomes") %}')
    form.tag("{%p for outcome in plan.outcomes %}")
    form.para("{{ outcome.text }}", style="List Bullet")
    form.tag("{%p set numbers = outcome_measure(record, outcome, today) %}")
    form.tag("{%p if numbers %}")
    form.para("We measure this by {{ numbers.name }}. When we started, on {{ numbers.baseline_date|long_date }}, it "
              "was {{ numbers.baseline }}{% if numbers.latest %}; on {{ numbers.latest_date|long_date }} it was "
              "{{ numbers.latest }}{% endif %}. We are aiming for {{ numbers.target }}{% if numbers.lower_is_better %} "
              "(here, lower is better){% endif %}{% if numbers.reached %}, and {{ child_name }} has reached it"
              "{% endif %}.")
    form.tag("{%p endif %}")
    form.tag("{%p endfor %}")
    form.tag('{%p if standing.phase == "planning" %}')
    form.para("We will agree these goals with {{ family }} before the plan starts.")
    form.tag("{%p endif %}")
    form.tag('{%p elif standing.phase == "monitoring" %}')
    form.para("{{ child_name }} no longer needs SEN support. We will keep an eye on how things go, and talk to "
              "{{ family }} if anything changes.")
    form.tag('{%p elif standing.phase == "no-plan" %}')
    form.para("We will agree a new plan with {{ family }} soon.")
    form.tag("{%p else %}")
    form.para("We are still getting to know what will help most. We will agree the goals with {{ family }}.")
    form.tag("{%p endif %}")
    form.tag('{%p if standing.phase in ("planning", "in-plan") %}')
    form.heading("How we help")
    form.bullets('item in plan.get("provision") or []',
                 '{{ item.text.rstrip(".") }}{% if item.get("frequency") %} ({{ item.frequency }}){% endif %}'
                 '{% if item.get("staff") %}, with {{ item.staff }}{% endif %}.',
                 empty="We will write down the extra help once we have agreed it with {{ family }}.")
    form.tag("{%p endif %}")
    form.heading("What happens next")
    form.para("{% if standing.next_review %}We will look at how things are going together on "
              "{{ standing.next_review|long_date }}. Please tell us if that date does not suit you."
              "{% elif standing.review_due %}It is time to look at how things are going together: we will be in "
              'touch to agree a date soon.{% elif standing.phase == "planning" %}We will agree the plan with '
              '{{ family }}, and a date to look at how it is going.{% elif standing.phase == "monitoring" %}There is '
              "nothing you need to do. If you are worried about anything, please talk to us.{% else %}We will agree "
              "a date to look at how things are going together.{% endif %}", bold=True)
    form.tag('{%p set family_views = (record.get("views") or [])|selectattr("from", "in", '
             '["parent", "carer", "young-person"])|list %}')
    form.tag("{%p if family_views %}")
    form.heading("What you told us")
    form.para("“{{ (family_views|last).text }}” ({{ (family_views|last).date|long_date }})", italic=True)
    form.tag("{%p endif %}")
    form.heading("Where to find more help")
    form.bullets("service in used_services",
                 '{{ service.name }}{% if service.get("url") %} ({{ service.url }}){% endif %}'
                 '{% if service.get("contact") %}: {{ service.contact }}{% endif %}')
    form.tag('{%p if settings.get("local_offer_url") %}')
    form.para("The Local Offer ({{ settings.local_offer_url }}): the services for children and young people with "
              'special educational needs in {{ settings.get("local_authority") or "your area" }}.',
              style="List Bullet")
    form.tag("{%p endif %}")
    form.bullets('link in settings.get("support_links") or []',
                 '{{ link.name }} ({{ link.url }}){% if link.get("text") %}: {{ link.text }}{% endif %}')
    form.para('You can talk to us at any time: {% if senco.get("name") %}{{ senco.name }} is our SENCO (the teacher '
              'who looks after special educational needs){% if senco.get("email") %}, {{ senco.email }}{% endif %}'
              '{% if senco.get("phone") %}, {{ senco.phone }}{% endif %}{% else %}ask for the SENCO (the teacher who '
              'looks after special educational needs){% endif %}.')
    return form


def profile() -> Form:
    form = Form("One-page profile")
    form.tag('{%p set profile = record.get("profile") or dict() %}')
    form.title("{{ child_name }}")
    form.para('One-page profile{% if record.child.get("year_group") %} · year {{ record.child.year_group }}'
              '{% endif %}{% if setting_name %} · {{ setting_name }}{% endif %}', italic=True)
    for heading, field in (("What people like and admire about me", "like_and_admire"),
                           ("What is important to me", "important_to_me"),
                           ("How best to support me", "how_to_support_me")):
        form.heading(heading)
        form.bullets(f'line in profile.get("{field}") or []', "{{ line }}", empty="Not written yet.")
    # What not to do, as the passport says it, only where the record says it (it is optional).
    form.tag('{%p if profile.get("what_to_avoid") %}')
    form.heading("Please avoid")
    form.bullets('line in profile.what_to_avoid', "{{ line }}")
    form.tag("{%p endif %}")
    return form


def chronology() -> Form:
    form = Form("Chronology")
    form.title("Chronology: {{ record.child.name }}")
    form.para("Every dated event of the record ({{ record.id }}), oldest first. {{ events|length }} events, to "
              "{{ today|long_date }}.", italic=True)
    form.table(["Date", "What happened", "Detail"], "event in events",
               ["{{ event.date|long_date }}", "{{ event.what }}", "{{ event.detail }}"], [34, 60, 80])
    form.tag("{%p if not events %}")
    form.para("No dated event is recorded yet.")
    form.tag("{%p endif %}")
    return form


def ehc_request() -> Form:
    form = Form("Evidence for an EHC needs assessment request")
    form.tag(SETUP_PLAN)
    form.tag("{%p set needs = record.needs %}")
    form.tag('{%p set reviewed_cycles = (record.get("cycles") or [])|selectattr("review", "defined")|list %}')
    form.tag('{%p set open_cycles = (record.get("cycles") or [])|rejectattr("stage", "equalto", "closed")|list %}')
    form.tag('{%p set family_roles = ["parent", "carer", "young-person", "child", "deputy"] %}')
    form.title("Evidence for an EHC needs assessment request")
    form.labelled([
        ("Name", "{{ child.name }}"),
        ("Year group", '{{ child.get("year_group") or "not recorded" }}'),
        ("Setting", '{{ setting_name or "not recorded" }}'),
        ("Prepared", "{{ today|long_date }}"),
    ])
    form.para("What the setting has done under the graduated approach (Assess, Plan, Do, Review), and what it found, "
              "for the local authority deciding whether to carry out an EHC needs assessment.")
    form.heading("Needs")
    form.para('{% if needs.get("primary") %}{{ needs.primary|need_label }} (primary){% for code in '
              'needs.get("secondary") or [] %}; {{ code|need_label }}{% endfor %}.{% else %}No primary need is '
              "recorded.{% endif %}")
    form.para('{{ needs.get("summary") or "No summary of needs is recorded yet." }}')
    form.heading("The graduated approach so far")
    form.tag("{%p if not reviewed_cycles %}")
    form.para("No cycle has been reviewed yet.")
    form.tag("{%p endif %}")
    form.tag("{%p for cycle in reviewed_cycles %}")
    form.tag('{%p set plan = cycle.get("plan") or dict() %}')
    form.tag('{%p set progress = (cycle.review.get("progress") or [])|by_outcome %}')
    form.heading("Cycle {{ cycle.number }}: {{ cycle.opened|long_date }} to {{ cycle.review.date|long_date }}", 2)
    form.table(["ID", "Outcome", "Progress", "What was seen"], 'outcome in plan.get("outcomes") or []',
               ["{{ outcome.id }}", "{{ outcome.text }}",
                "{% if outcome.id in progress %}{{ progress[outcome.id].rating|rating_words }}{% else %}not rated"
                "{% endif %}",
                '{{ progress[outcome.id].get("text") or "" if outcome.id in progress else "" }}'], [14, 70, 34, 56])
    form.table(["Provision", "Who", "How often", "Minutes a week", "Cost", "For outcomes"],
               'item in plan.get("provision") or []',
               ['{{ item.text }}{% if item.get("ended") %} (ended {{ item.ended|long_date }}){% endif %}',
                '{{ item.get("staff") or "" }}', '{{ item.get("frequency") or "" }}', '{{ item|weekly_minutes or "" }}',
                '{% if item.get("cost") is not none %}{{ item.cost|money }}{% endif %}',
                '{{ (item.get("outcomes") or [])|join(", ") }}'], [60, 26, 26, 20, 20, 22])
    form.para("Decision at the review: {{ cycle.review.decision|decision_words }}."
              '{% if cycle.review.get("next_steps") %} Next steps: {{ cycle.review.next_steps }}{% endif %}')
    form.tag("{%p endfor %}")
    form.tag("{%p for cycle in open_cycles %}")
    form.heading("Cycle {{ cycle.number }}, running since {{ cycle.opened|long_date }}", 2)
    form.bullets('item in (cycle.get("plan") or dict()).get("provision") or []',
                 '{{ item.text }}{% if item.get("staff") %} ({{ item.staff }}{% if item|weekly_minutes %}, '
                 "{{ item|weekly_minutes }} minutes a week{% endif %}){% endif %}",
                 empty="No provision is recorded for this cycle yet.")
    form.tag("{%p endfor %}")
    form.heading("Views of the child and family")
    form.bullets('view in (record.get("views") or [])|sort(attribute="date")',
                 '“{{ view.text }}” — {{ view["from"] }}, {{ view.date|long_date }}', empty="No views are recorded yet.")
    form.heading("Professionals involved")
    form.bullets('person in (record.get("people") or [])|rejectattr("role", "in", family_roles)',
                 "{{ person.name }} ({{ person.role }})",
                 empty="No professionals are recorded among the people involved.")
    form.para('Evidence in the record comes from: {{ (record|evidence_sources)|join(", ") or '
              '"no evidence recorded yet" }}.')
    return form


def annual_review() -> Form:
    form = Form("Annual review of the EHC plan")
    form.tag(SETUP_PLAN)
    form.tag("{%p set entry = annual.entry %}")
    form.title("Annual review of the EHC plan")
    form.labelled([
        ("Name", "{{ child.name }}"),
        ("Year group", '{{ child.get("year_group") or "not recorded" }}'),
        ("Setting", '{{ setting_name or "not recorded" }}'),
        ("EHC plan", '{% if annual.plan_date %}{{ annual.plan_date|long_date }}{% else %}date not recorded yet'
                     '{% endif %}{% if (record.get("ehc") or dict()).get("local_authority") %}, '
                     '{{ record.ehc.local_authority }}{% endif %}'),
        ("Review meeting", '{% if annual.meeting and annual.held %}held on {{ annual.meeting|long_date }}'
                           '{% elif annual.meeting %}planned for {{ annual.meeting|long_date }} (not held yet)'
                           '{% else %}not recorded or planned yet{% if annual.due_by %}; due by '
                           '{{ annual.due_by|long_date }}{% endif %}{% endif %}'),
        ("Period", "{{ annual.period_from|long_date }} to {{ annual.period_to|long_date }}"),
    ])
    form.para("The setting's report of the annual review, for everyone invited and for the local authority, which "
              "decides whether to keep, change or cease the plan.", italic=True)
    form.heading("The views of {{ child_name }}")
    form.bullets("view in annual.child_views", '“{{ view.text }}” — {{ view["from"] }}, {{ view.date|long_date }}'
                 '{% if view.get("how") %} ({{ view.how }}){% endif %}', empty="Not recorded yet for this period.")
    form.heading("The views of the family")
    form.bullets("view in annual.family_views", '“{{ view.text }}” — {{ view["from"] }}, {{ view.date|long_date }}',
                 empty="Not recorded yet for this period.")
    form.tag("{%p if annual.other_views %}")
    form.heading("Other views", 2)
    form.bullets("view in annual.other_views", '“{{ view.text }}” — {{ view["from"] }}, {{ view.date|long_date }}')
    form.tag("{%p endif %}")
    form.heading("Progress towards the outcomes")
    form.table(["Cycle", "Outcome", "Progress", "Measured", "What we saw"], "item in annual.outcomes",
               ["{{ item.cycle }}/{{ item.id }}", "{{ item.text }}{% if item.criteria %} ({{ item.criteria }})"
                "{% endif %}", "{% if item.rating %}{{ item.rating|rating_words }}{% else %}not reviewed yet"
                "{% endif %}", "{% if item.measure %}{{ item.measure }}: from {{ item.baseline|amount }} to "
                "{% if item.latest is not none %}{{ item.latest|amount }} ({{ item.latest_date|long_date }})"
                "{% else %}no reading yet{% endif %}; target {{ item.target|amount }}{% if item.unit %} "
                "{{ item.unit }}{% endif %}{% endif %}", '{{ item.comment or "" }}'], [16, 64, 26, 36, 32])
    form.tag("{%p if not annual.outcomes %}")
    form.para("Not recorded yet: no outcomes of the setting's plans fall in this period.")
    form.tag("{%p endif %}")
    form.heading("Provision delivered")
    form.table(["Provision", "Who", "How often", "Minutes a week", "Cost"], "row in annual.provision",
               ["{{ row.text }} ({{ row.kind|provision_words }})", "{{ row.staff }}", "{{ row.frequency }}",
                '{{ row.minutes_per_week if row.minutes_per_week is not none else "" }}', "{{ row.cost|money }}"],
               [70, 30, 30, 22, 22])
    form.tag("{%p if not annual.provision %}")
    form.para("Not recorded yet: no provision ran in this period.")
    form.tag("{%p endif %}")
    form.heading("What should change in the plan")
    form.tag('{%p if entry.get("changes") %}')
    form.para("{{ entry.changes }}")
    form.tag("{%p endif %}")
    form.bullets("review in annual.cycle_reviews",
                 "At the setting's review of {{ review.date|long_date }} (cycle {{ review.cycle }}): "
                 '{{ review.decision|decision_words }}.{% if review.get("next_steps") %} Next steps: '
                 "{{ review.next_steps }}{% endif %}")
    form.tag('{%p if not entry.get("changes") and not annual.cycle_reviews %}')
    form.para("Not recorded yet.")
    form.tag("{%p endif %}")
    form.heading("Recommendation to the local authority")
    form.para("{% if annual.recommendation %}{{ annual.recommendation|recommendation_words }}.{% else %}"
              "Not recorded yet.{% endif %}", bold=True)
    form.tag("{%p if annual.la_decision %}")
    form.para("The local authority decided on {{ annual.la_decision.date|long_date }}: "
              "{{ annual.la_decision.outcome|recommendation_words|lower }}.{% if annual.amended_plan %} The amended "
              "plan was issued on {{ annual.amended_plan|long_date }}.{% endif %}")
    form.tag("{%p endif %}")
    form.heading("Who took part and who gave advice")
    form.para('Taking part in the meeting: {{ annual.attendees|join(", ") if annual.attendees else '
              '"not recorded yet" }}.')
    form.para('Advice and information from: {{ annual.advice_from|join(", ") if annual.advice_from else '
              '"not recorded yet" }}.')
    return form


def passport() -> Form:
    """One page for the adults who teach the child: no date of birth, no age, no health detail."""
    form = Form("Passport")
    _passport_body(form)
    return form


def passports() -> Form:
    """``sendcli passports --format docx``: every passport of the class set, each on a new page."""
    from docx.enum.text import WD_BREAK

    form = Form("Passports")
    form.tag("{%p for passport in passports %}")
    form.tag("{%p if not loop.first %}")
    form.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    form.tag("{%p endif %}")
    form.tag("{%p set record = passport.record %}")
    form.tag("{%p set child_name = passport.child_name %}")
    form.tag("{%p set standing = passport.standing %}")
    _passport_body(form)
    form.tag("{%p else %}")
    form.para('No open record{% if year_groups %} in year {{ year_groups|join(", ") }}{% endif %}: no passport to '
              "print.")
    form.tag("{%p endfor %}")
    return form


def _passport_body(form: Form) -> None:
    form.tag('{%p set profile = record.get("profile") or dict() %}')
    form.tag('{%p set open_plan = (standing.open_cycle.get("plan") if standing.open_cycle else None) or dict() %}')
    form.title("{{ child_name }}")
    form.para('{% if child_name != record.child.name %}{{ record.child.name }} · {% endif %}'
              '{% if record.child.get("year_group") %}year {{ record.child.year_group }} · {% endif %}'
              "a passport for the adults who teach me{% if setting_name %} · {{ setting_name }}{% endif %}",
              italic=True)
    form.heading("What I am good at")
    form.bullets('line in profile.get("like_and_admire") or []', "{{ line }}", empty="Not written yet.")
    form.heading("What is important to me")
    form.bullets('line in profile.get("important_to_me") or []', "{{ line }}", empty="Not written yet.")
    form.heading("What I find hard")
    form.bullets("line in record|plain_needs", "{{ line }}", empty="Not recorded yet.")
    form.heading("What helps me")
    form.tag('{%p set helps = profile.get("how_to_support_me") or [] %}')
    form.tag('{%p set provided = open_plan.get("provision")|running %}')
    form.bullets("line in helps", "{{ line }}")
    form.bullets("item in provided", '{{ item.text }}{% if item.get("frequency") %} ({{ item.frequency }}){% endif %}')
    form.tag("{%p if not helps and not provided %}")
    form.para("Not written yet.")
    form.tag("{%p endif %}")
    form.heading("Please avoid")
    form.bullets('line in profile.get("what_to_avoid") or []', "{{ line }}", empty="Not written yet.")
    form.heading("What I am working on")
    form.bullets('outcome in open_plan.get("outcomes") or []', "{{ outcome.text }}",
                 empty="No plan is running at the moment.")


BUILDERS = {"plan": plan, "review": review, "parent": parent, "profile": profile, "chronology": chronology,
            "ehc-request": ehc_request, "annual-review": annual_review, "passport": passport,
            "passports": passports}


def built() -> dict[str, bytes]:
    """Every built-in Word template, by file name, as this script makes it."""
    return {f"{name}.docx": make().bytes() for name, make in BUILDERS.items()}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    differ = []
    for name, data in built().items():
        path = TEMPLATES / name
        if check:
            if not path.is_file() or path.read_bytes() != data:
                differ.append(name)
        else:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(TEMPLATES.parent)}")
    if differ:
        print(f"differ from what tools/docx_templates.py makes: {', '.join(differ)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
