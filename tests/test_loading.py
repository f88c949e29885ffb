"""The YAML loader: hazards found with their place, nothing constructed that should not be."""

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from sendcli.store.loading import MAX_RECORD_BYTES, load_yaml, locate, needs_quotes
from sendcli.store.writing import dump_yaml


def hazards(text: str | bytes):
    loaded = load_yaml(text.encode() if isinstance(text, str) else text)
    located = [(p.line, p.column, p.rule) for p in loaded.located]
    found = [(locate(loaded.root, f.pointer, f.at_key), f.rule) for f in loaded.findings]
    return located, found, loaded


@pytest.mark.parametrize("value", ["no", "No", "NO", "off", "On", "yes", "y", "N", "1:30", "0123", "0x1F",
                                   "1_000", ".inf", ".NaN", "0o17", "1e3"])
def test_values_other_readers_read_otherwise_are_errors_at_their_place(value):
    _, found, _ = hazards(f"name: Ava\ncontact: {value}\n")
    assert found == [((2, 10), "yaml")]


@pytest.mark.parametrize("value", ['"no"', "'0123'", "Ava", "true", "12", "3.5", "2016-05-14", "null", "~", "Null"])
def test_values_every_reader_agrees_on_are_not_hazards(value):
    located, found, _ = hazards(f"contact: {value}\n")
    assert located == [] and found == []


def test_dates_stay_the_text_written():
    _, _, loaded = hazards("a: 2016-05-14\nb: 2016-02-30\n")
    assert loaded.data == {"a": "2016-05-14", "b": "2016-02-30"}


def test_duplicate_key_points_at_the_second():
    _, found, loaded = hazards("child:\n  name: Ava\n  name: Bea\n")
    assert found == [((3, 3), "yaml")]
    assert loaded.data == {"child": {"name": "Ava"}}


def test_python_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    _, found, loaded = hazards(f"a: !!python/object/apply:os.system ['touch {marker}']\n")
    assert found == [((1, 4), "yaml")] and not marker.exists()
    assert "python/object/apply" not in repr(loaded.data)


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    located, found, loaded = hazards("\n".join(lines) + "\n")
    # Reported at the alias being expanded when the bound is crossed (the 2nd *b of line 3: the
    # bound counts the characters the aliases expand to); nothing else is checked.
    assert located == [(3, 11, "yaml")] and found == [] and loaded.data is None


def test_a_few_aliases_within_the_files_size_are_fine():
    _, found, loaded = hazards("a: &x [1, 2]\nb: *x\n")
    assert found == [] and loaded.data == {"a": [1, 2], "b": [1, 2]}


def test_recursive_alias_is_an_error_not_a_hang():
    located, found, _ = hazards("a: &x [1, *x]\n")
    assert located == [(1, 11, "yaml")] and found == []


@pytest.mark.parametrize("raw, where", [
    (b"", (1, 1)),
    (b"   \n\n", (1, 1)),
    (b"# only a comment\n", (1, 1)),
    (b"name: Ava\nsurname: Caf\xe9\n", (2, 13)),
    (b"a:\n\tb: 1\n", (2, 1)),
    (b"a: [1, 2\n", (1, 4)),        # at the [ that is never closed
    (b"a: b: c\n", (1, 5)),
    (b"a: 1\n---\nb: 2\n", (2, 1)),
    (b"a: \x00\n", (1, 4)),
    (b"[" * 5000 + b"]" * 5000, (1, 1001)),
])
def test_unreadable_files_get_one_located_problem(raw, where):
    located, found, _ = hazards(raw)
    assert len(located) + len(found) == 1
    assert (located[0][:2] if located else found[0][0]) == where


def test_oversized_input_is_refused_unparsed():
    located, _, loaded = hazards(b"a: b\n" * (MAX_RECORD_BYTES // 5 + 1))
    assert located == [(1, 1, "file")] and loaded.root is None


def test_byte_order_mark_is_accepted():
    located, found, loaded = hazards("\ufeffname: Ava\n".encode())
    assert (located, found, loaded.data) == ([], [], {"name": "Ava"})


def test_locate_missing_field_points_at_the_enclosing_key():
    _, _, loaded = hazards("id: x\nchild:\n  name: Ava\n")
    assert locate(loaded.root, ("child", "date_of_birth")) == (2, 1)
    assert locate(loaded.root, ("child", "name")) == (3, 9)
    assert locate(loaded.root, ("child", "name"), at_key=True) == (3, 3)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(raw):
    load_yaml(raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#\n\t?,.01yYnN~%@`")), max_size=120))
def test_arbitrary_yaml_like_text_never_raises(text):
    load_yaml(text.encode())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30))
def test_any_text_the_writer_emits_reads_back_as_that_text(text):
    loaded = load_yaml(dump_yaml({"name": text}).encode())
    assert loaded.located == [] and loaded.findings == []
    assert loaded.data == {"name": text}


@pytest.mark.parametrize("text", ["no", "Null", "0123", "1:30", "y", "2016-05-14", "5", "true", "~", ""])
def test_writer_quotes_text_a_yaml_1_1_reader_would_misread(text):
    assert needs_quotes(text)
    assert dump_yaml({"a": text}) == f'a: "{text}"\n'


def test_writer_leaves_plain_text_and_dates_plain():
    assert dump_yaml({"a": "Ava Example", "b": date(2016, 5, 14), "c": None}) == \
        "a: Ava Example\nb: 2016-05-14\nc: null\n"


def test_the_plain_scalar_rules_are_pyyamls_own():
    """sendcli.store.scalars judges plain text without importing PyYAML (about 20 ms a start): its copy
    of YAML 1.1's implicit types is PyYAML's table, rule for rule, in the same order."""
    import yaml.resolver

    from sendcli.store import scalars

    def table(rules_by_first):
        return {first: [(tag, rule.pattern, rule.flags) for tag, rule in rules] for first, rules in rules_by_first.items()}

    assert table(scalars._RESOLVERS_BY_FIRST) == table(yaml.resolver.Resolver.yaml_implicit_resolvers)


@pytest.mark.parametrize("text", [
    "", " ", "~", "null", "Null", "NULL", "nul", "yes", "Yes", "YES", "yES", "no", "on", "Off", "y", "n", "true",
    "True", "tRue", "false", "0", "-0", "+12", "0123", "0o17", "0x1F", "0b101", "1_000", "1:30", "190:20:30",
    "1.5", ".5", "1e3", "1.0e+3", ".inf", "-.Inf", ".NaN", "2026-09-10", "2026-9-1 10:00:00", "2026-09-10T10:00:00Z",
    "=", "<<", "!", "&", "*", "true\n", "12\n", "text", "Ava Example", "5 sessions", "o1", "p2", "TA", "Y5", "N1",
    "\u2028", "a\x85b",
])
def test_needs_quotes_says_what_pyyaml_would(text):
    """The judgment without PyYAML gives PyYAML's verdict (its resolver, plus the words other readers misread)."""
    import yaml.nodes
    import yaml.resolver

    from sendcli.store import scalars

    tag = yaml.resolver.Resolver().resolve(yaml.nodes.ScalarNode, text, (True, False))
    assert scalars.plain_scalar_tag(text) == tag
    elsewhere = bool(scalars.READ_OTHERWISE_ELSEWHERE.fullmatch(text) or scalars.LINE_BREAKS_1_1.search(text))
    assert needs_quotes(text) == (tag != scalars.STR or elsewhere)
