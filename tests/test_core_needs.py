"""Need descriptions as people type them and MIS exports write them -> census codes."""

import pytest

from sendcli.core.codes import NEED_CODES, NEED_TYPES, NeedMatch, resolve_need


@pytest.mark.parametrize("code", NEED_CODES)
def test_every_code_in_any_case_is_itself_without_a_note(code):
    for typed in (code, code.lower(), f"  {code.capitalize()} "):
        assert resolve_need(typed) == NeedMatch(code, None, ())


@pytest.mark.parametrize("need", NEED_TYPES, ids=lambda need: need.code)
def test_every_dfe_label_is_its_code_without_a_note(need):
    assert resolve_need(need.label) == NeedMatch(need.code, None, ())
    assert resolve_need(need.label.upper()).code == need.code


@pytest.mark.parametrize(("label", "code"), [
    ("Speech, Language and Communication Needs", "SLCN"),
    ("Speech Language and Communication Needs", "SLCN"),
    ("Speech, language & communication needs", "SLCN"),
    ("Autistic Spectrum Disorder", "ASD"),
    ("Specific Learning Difficulty", "SPLD"),
    ("Specific Learning Difficulties", "SPLD"),
    ("Moderate Learning Difficulty", "MLD"),
    ("Severe Learning Difficulty", "SLD"),
    ("Profound & Multiple Learning Difficulty", "PMLD"),
    ("Social, Emotional and Mental Health", "SEMH"),
    ("Social Emotional Mental Health", "SEMH"),
    ("Hearing Impairment", "HI"),
    ("Visual Impairment", "VI"),
    ("Multi-Sensory Impairment", "MSI"),
    ("Multi Sensory Impairment", "MSI"),
    ("Physical Disability", "PD"),
    ("Other Difficulty/Disability", "OTH"),
    ("SEN support but no specialist assessment of type of need", "NSA"),
    ("SLCN - Speech, language and communication needs", "SLCN"),
    ("Autistic Spectrum Disorder (ASD)", "ASD"),
])
def test_mis_export_labels_map_without_a_note(label, code):
    assert resolve_need(label) == NeedMatch(code, None, ())


@pytest.mark.parametrize(("typed", "code"), [
    ("autism", "ASD"), ("Autistic", "ASD"), ("ASC", "ASD"), ("Asperger's syndrome", "ASD"),
    ("dyslexia", "SPLD"), ("dyspraxia", "SPLD"), ("dyscalculia", "SPLD"),
    ("speech and language", "SLCN"), ("Speech & Language", "SLCN"), ("speech-and-language needs", "SLCN"),
    ("deaf", "HI"), ("hearing loss", "HI"),
    ("blind", "VI"), ("visually impaired", "VI"), ("partially sighted", "VI"),
    ("deafblind", "MSI"), ("deaf-blind", "MSI"),
    ("mental health", "SEMH"), ("BESD", "SEMH"),
    ("cerebral palsy", "PD"),
])
def test_words_people_type_map_with_a_note_naming_the_code(typed, code):
    match = resolve_need(typed)
    assert match.code == code
    assert match.nearest == ()
    assert match.note is not None and f"recorded as {code} (" in match.note


def test_the_dyslexia_note_says_spld_is_the_code():
    assert resolve_need("dyslexia").note == "dyslexia is recorded as SPLD (specific learning difficulty)"


@pytest.mark.parametrize("typed", ["ADHD", "adhd", "A.D.H.D.", "Attention Deficit Hyperactivity Disorder"])
def test_adhd_has_no_code_of_its_own_and_the_note_says_semh_was_chosen(typed):
    match = resolve_need(typed)
    assert match.code == "SEMH"
    assert "no census code of its own" in match.note and "SEMH" in match.note


@pytest.mark.parametrize(("typed", "first"), [
    ("dislexia", "SPLD"), ("autsim", "ASD"), ("hearing impairement", "HI"), ("dyspraxa", "SPLD"),
    ("speach and langauge", "SLCN"),
])
def test_an_unknown_word_has_no_code_and_the_nearest_codes_best_first(typed, first):
    match = resolve_need(typed)
    assert match.code is None and match.note is None
    assert match.nearest[0] == first
    assert len(match.nearest) == len(set(match.nearest)) <= 3


@pytest.mark.parametrize("typed", ["", "   ", "--", "qqqqqqqq"])
def test_nothing_near_gives_no_code_and_no_nearest(typed):
    assert resolve_need(typed) == NeedMatch(None, None, ())


def test_a_code_and_a_label_that_disagree_are_not_guessed():
    assert resolve_need("ASD - Dyslexia").code is None


# -- sendcli new --need -----------------------------------------------------------------

def test_new_accepts_descriptions_and_says_what_they_were_recorded_as(casebook, run):
    from sendcli.store.loading import load_yaml

    result = run("new", "bo-15", "--name", "Bo Example", "--dob", "2015-10-02",
                 "--need", "dyslexia", "--need", "Speech, Language and Communication Needs", "--need", "adhd")
    assert result.exit_code == 0, result.stderr
    assert "note: dyslexia is recorded as SPLD (specific learning difficulty)" in result.stderr
    assert "note: ADHD has no census code of its own: recorded as SEMH" in " ".join(result.stderr.split())
    # A DfE label is its code: nothing to explain.
    assert "Speech, Language" not in result.stderr
    needs = load_yaml((casebook / "records/bo-15.yaml").read_bytes()).data["needs"]
    assert needs["primary"] == "SPLD" and needs["secondary"] == ["SLCN", "SEMH"]
    assert run("check").exit_code == 0


def test_new_refuses_an_unknown_need_with_the_nearest_codes_and_writes_nothing(casebook, run):
    from conftest import snapshot

    before = snapshot(casebook)
    result = run("new", "bo-15", "--name", "Bo Example", "--dob", "2015-10-02", "--need", "dislexia")
    assert result.exit_code == 2
    assert "'dislexia' is not a census need code" in result.stderr
    assert "nearest: SPLD (specific learning difficulty)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(casebook) == before


def test_new_refuses_a_word_near_nothing_with_the_whole_list(casebook, run):
    result = run("new", "bo-15", "--name", "Bo Example", "--dob", "2015-10-02", "--need", "qqqqqq")
    assert result.exit_code == 2
    assert "codes: SLCN, ASD, SPLD" in " ".join(result.stderr.split())
