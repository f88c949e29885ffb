"""One child through a school year from the command line alone (issue 13, "Done when").

Three cycles joined by `continue` and `revise`, provision carried over and ended, a service of
the Local Offer, the family's views each term; no `edit`, and no file written by the test: every
change is a command. At every step `due` shows the child's next review and the provision map
counts their support.
"""

import json

from sendcli.store.loading import load_yaml

CHILD = "re-17"


def step(run, day, *args):
    assert "edit" not in args
    result = run(*args, env={"SENDCLI_TODAY": day})
    assert result.exit_code == 0, (day, args, result.stderr)
    return result


def next_review(run, day):
    """The child's review items in `due --all` on that day (their due dates)."""
    items = json.loads(step(run, day, "due", "--all", "--format", "json").stdout)["items"]
    return [item["due"] for item in items if item["record"] == CHILD and item["kind"] == "review"]


def support(run, day, *period):
    """The child's rows of the provision map on that day: {(cycle, provision): minutes a week}."""
    rows = json.loads(step(run, day, "provision-map", "--format", "json", *period).stdout)["provision"]
    return {(row["cycle"], row["provision"]): row["minutes_per_week"] for row in rows if row["record"] == CHILD}


def record(casebook):
    return load_yaml((casebook / "records" / f"{CHILD}.yaml").read_bytes()).data


def test_a_school_year_of_one_child_without_hand_editing(example_casebook, run):
    book = example_casebook
    # This year starts before the example's autumn term: Omar's readings of October and November
    # would be readings in the future (an error of check), so his record sits this year out.
    (book / "records" / "ot-18.yaml").unlink()
    # Autumn term: on the register, the family's and the child's views, the first plan.
    step(run, "2026-09-03", "new", CHILD, "--name", "Rory Example", "--dob", "2017-03-02", "--year-group", "5",
         "--need", "SLCN")
    step(run, "2026-09-03", "add", "person", CHILD, "--name", "Jo Example", "--role", "parent",
         "--parental-responsibility", "--contact", "07700 900456")
    step(run, "2026-09-03", "add", "person", CHILD, "--name", "Mr Test", "--role", "class-teacher")
    step(run, "2026-09-07", "cycle", "open", CHILD)
    step(run, "2026-09-08", "add", "evidence", CHILD, "--source", "class-teacher",
         "--text", "Word-finding pauses in most answers; vocabulary test below age.")
    step(run, "2026-09-09", "add", "view", CHILD, "--from", "child", "--how", "talking mat",
         "--text", "I know the answer but the word runs away.")
    step(run, "2026-09-09", "add", "view", CHILD, "--from", "parent", "--text", "He gets cross when stuck for words.")
    step(run, "2026-09-10", "cycle", "advance", CHILD)
    assert step(run, "2026-09-10", "add", "outcome", CHILD, "--area", "communication-and-interaction",
                "--text", "By December Rory will use word-finding cues", "--criteria", "3 of 5 lessons").stdout == "o1\n"
    assert step(run, "2026-09-10", "add", "outcome", CHILD, "--area", "communication-and-interaction",
                "--text", "By December Rory will learn 20 topic words", "--criteria", "20 words").stdout == "o2\n"
    assert step(run, "2026-09-10", "add", "provision", CHILD, "--kind", "small-group", "--text", "Word Aware group",
                "--frequency", "3 x 20 min weekly", "--minutes-per-week", "60", "--staff", "TA",
                "--outcome", "o1", "--outcome", "o2").stdout == "p1\n"
    assert step(run, "2026-09-10", "add", "provision", CHILD, "--kind", "specialist",
                "--text", "Speech and language therapy block", "--local-offer", "community-slt",
                "--minutes-per-week", "30", "--staff", "speech and language therapist", "--outcome", "o1").stdout == "p2\n"
    assert step(run, "2026-09-10", "add", "provision", CHILD, "--kind", "adapted-materials",
                "--text", "Topic word mats", "--outcome", "o2").stdout == "p3\n"
    step(run, "2026-09-14", "cycle", "advance", CHILD, "--review-date", "2026-12-07",
         "--agreed-with", "parent", "--agreed-with", "child")
    assert next_review(run, "2026-09-14") == ["2026-12-07"]
    assert support(run, "2026-09-30") == {(1, "p1"): 60, (1, "p2"): 30, (1, "p3"): None}
    step(run, "2026-10-15", "add", "note", CHILD, "--by", "TA", "--text", "Used the first-sound cue twice.")
    step(run, "2026-11-02", "add", "meeting", CHILD, "--with", "parent", "--text", "Half-term catch-up")
    assert next_review(run, "2026-11-30") == ["2026-12-07"]

    # The December review: the plan goes on; the word mats are no longer needed.
    result = step(run, "2026-12-07", "cycle", "review", CHILD, "--decision", "continue",
                  "--progress", "o1=partly-achieved", "--progress", "o2=achieved",
                  "--comment", "o1=Uses cues when prompted, not yet alone", "--end", "p3",
                  "--next-review", "2027-03-15", "--attendee", "parent", "--attendee", "child", "--attendee", "senco")
    assert "cycle 2 opened in do with 1 outcome and 2 provision carried over" in result.stdout
    assert next_review(run, "2026-12-07") == ["2027-03-15"]
    assert support(run, "2026-12-07") == {(2, "p1"): 60, (2, "p2"): 30, (1, "p3"): None}
    assert support(run, "2026-12-18", "--from", "2026-12-08") == {(2, "p1"): 60, (2, "p2"): 30}

    # Spring term: the family's view; the review revises the plan and agrees it the same day.
    step(run, "2027-01-20", "add", "view", CHILD, "--from", "parent", "--text", "He talks more about school now.")
    step(run, "2027-02-03", "add", "meeting", CHILD, "--with", "parent", "--text", "Parents' evening")
    assert next_review(run, "2027-02-03") == ["2027-03-15"]
    step(run, "2027-03-15", "cycle", "review", CHILD, "--decision", "revise", "--progress", "o1=not-achieved",
         "--end", "p2", "--attendee", "parent", "--next-steps", "Add a visual cue card; keep the group")
    assert next_review(run, "2027-03-15") == []  # being planned again: no review date yet
    assert step(run, "2027-03-15", "add", "outcome", CHILD, "--area", "communication-and-interaction",
                "--text", "By July Rory will use his cue card in class", "--criteria", "Weekly, unprompted").stdout \
        == "o2\n"
    assert step(run, "2027-03-15", "add", "provision", CHILD, "--kind", "adapted-materials",
                "--text", "Visual word-finding cue card", "--outcome", "o2").stdout == "p2\n"
    step(run, "2027-03-15", "cycle", "advance", CHILD, "--review-date", "2027-07-05", "--agreed-with", "parent")
    assert next_review(run, "2027-03-15") == ["2027-07-05"]
    assert support(run, "2027-03-16", "--from", "2027-03-16") == {(3, "p1"): 60, (3, "p2"): None}

    # Summer term: the family's and the child's views; the provision map of the whole year.
    step(run, "2027-05-10", "add", "view", CHILD, "--from", "parent", "--text", "Happier at home time.")
    step(run, "2027-05-10", "add", "view", CHILD, "--from", "child", "--text", "The card helps me.")
    assert next_review(run, "2027-06-01") == ["2027-07-05"]
    # The group ran all year in three cycles and counts once; what ended counts for when it ran.
    assert support(run, "2027-06-01") == {(3, "p1"): 60, (1, "p3"): None, (2, "p2"): 30, (3, "p2"): None}

    data = record(book)
    first, second, third = data["cycles"]
    assert [c["stage"] for c in data["cycles"]] == ["closed", "closed", "do"]
    assert (second["from_cycle"], third["from_cycle"]) == (1, 2)
    assert first["plan"]["provision"][2]["ended"] == "2026-12-07"
    assert second["plan"]["provision"][1] == {
        "id": "p2", "kind": "specialist", "text": "Speech and language therapy block",
        "staff": "speech and language therapist", "minutes_per_week": 30, "outcomes": ["o1"],
        "local_offer": "community-slt", "carried_from": "1/p2", "ended": "2027-03-15"}
    assert third["plan"]["provision"][0]["carried_from"] == "2/p1" and second["plan"]["provision"][0]["carried_from"] == "1/p1"
    assert third["plan"]["outcomes"][0]["carried_from"] == "2/o1"
    assert first["review"]["progress"][0]["text"] == "Uses cues when prompted, not yet alone"
    assert second["review"]["next_steps"] == "Add a visual cue card; keep the group"
    assert len({view["date"][:7] for view in data["views"]}) >= 3  # a view from the family each term
    checked = step(run, "2027-06-01", "check", f"records/{CHILD}.yaml")
    assert checked.exit_code == 0
