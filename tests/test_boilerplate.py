"""Boilerplate removal on plain text: every rule category, and the sentences it must keep."""

import json

import pytest

from newsgraph.ingest import clean_text
from newsgraph.ingest.boilerplate import RuleFileError, default_rules, load_rules, parse_rules
from newsgraph.model import Boilerplate

LEAD = "GENEVA - Talks on a ceasefire collapsed on Wednesday, United Nations officials said."
END = "The envoy said a new round of talks would not be scheduled before October."


def cleaned(*lines: str) -> tuple[str, tuple[Boilerplate, ...]]:
    return clean_text("\n\n".join(lines))


@pytest.mark.parametrize("line, reason", [
    ("Advertisement", "advertisement"),
    ("ADVERTISEMENT", "advertisement"),
    ("- Advertisement -", "advertisement"),
    ("Sponsored content", "advertisement"),
    ("Story continues below advertisement", "advertisement"),
    ("Subscribe to our newsletter", "newsletter"),
    ("Phone This field is for validation purposes and should be left unchanged.", "form"),
    ("Completing this poll grants you access to Example Outpost updates free of charge.", "form"),
    ("You may opt out at anytime.", "form"),
    ("You also agree to this site's Privacy Policy and Terms of Use.", "form"),
    ("Sign up for our daily briefing newsletter.", "newsletter"),
    ("Get the latest news in your inbox", "newsletter"),
    ("Subscribe now", "newsletter"),
    ("Share this article", "share"),
    ("Share on Facebook | Tweet | Email", "share"),
    ("Click to share on Twitter (Opens in new window)", "share"),
    ("Share this article if you agree!", "share"),
    ("Share this article: Facebook | Twitter | VK | Telegram | Email", "share"),
    ("Follow us on Twitter", "share"),
    ("Follow us on Telegram for breaking news", "share"),
    ("Join us on Telegram", "share"),
    ("Facebook Twitter WhatsApp Email", "share"),
    ("Accept all cookies", "cookies"),
    ("Read more: Port city braces for new attacks", "related"),
    ("By John Smith", "byline"),
    ("By Jane Doe, Reuters", "byline"),
    ("By JANE DOE and John Roe | The Associated Press", "byline"),
    ("By the editorial board of Almaty Evening", "byline"),
    ("By Oleg Vorontsov, Eurasia correspondent", "byline"),
    ("(Reporting by Tom Balmforth; Editing by Mark Heinrich)", "byline"),
    ("Article posted with permission from The Free Thought Project", "byline"),
    ("Photo: Reuters", "photo_credit"),
    ("(Photo by John Smith / AFP)", "photo_credit"),
    ("Image copyright Getty Images", "photo_credit"),
    ("(REUTERS/Jim Bourg)", "photo_credit"),
    ("Tom Dodge/The Columbus Dispatch via AP", "photo_credit"),
    ("© AP Photo / Evan Vucci", "photo_credit"),
    ("Support our journalism: donate today.", "donation"),
    ("Donate", "donation"),
    ("Support The Sovereign Dispatch. Donate today.", "donation"),
    ("We rely on your support to keep reporting from the front line.", "donation"),
    ("© 2019 Example News. All rights reserved.", "copyright"),
    ("Copyright 2019 The Associated Press. All rights reserved.", "copyright"),
    ("This material may not be published, broadcast, rewritten or redistributed.", "copyright"),
    ("Leave a comment", "comments"),
    ("What do YOU think? Tell us in the comments below.", "comments"),
    ("Download our app for the latest updates", "promo"),
    ("CLICK HERE TO GET THE FOX NEWS APP", "promo"),
    ("Tags: Afghanistan, Taliban, Russia", "navigation"),
    ("Published: 4 September 2019", "timestamp"),
])
def test_each_category_is_removed_with_its_reason(line, reason):
    text, removed = cleaned(LEAD, line, END)
    assert text == LEAD + "\n\n" + END
    assert removed == (Boilerplate(line, reason),)


@pytest.mark.parametrize("sentence", [
    "Both sides agree to the terms of use of the demilitarised zone, the envoy said.",
    "Residents may opt out of the evacuation at any time, officials said.",
    "The minister said he would not follow the US lead.",
    "Russia will share intelligence with Turkey, the Kremlin said.",
    "Share prices fell 5% in Moscow on Monday.",
    "Subscribers to the service said they had lost access.",
    "By Monday, the troops had left the town.",
    "By 2020, the army will have doubled in size.",
    "By March 2020, Sudan's economy had collapsed.",
    "By Monday, the correspondent had left Kabul.",
    "He urged residents to donate blood at the city hospital.",
    "Donations poured in after the earthquake.",
    "Please consider supporting the Red Cross appeal, the minister urged.",
    "Copyright claims rose sharply in 2019, the court said.",
    "The company said all rights reserved under the contract would lapse next year.",
    "The EU's new cookie policy will take effect next year.",
    "Image is everything in politics, the spokesman said.",
    "Picture this: a city without power for a month.",
    "Follow the money, the prosecutor told the jury.",
    "Comments by the minister angered Kyiv.",
    "He signed up for the army in 2014.",
    "US/China trade talks resume",
    "Advertising revenue at state broadcasters fell by a third.",
    "Related talks in Doha ended without agreement.",
])
def test_article_sentences_that_contain_trigger_words_are_kept(sentence):
    text, removed = cleaned(LEAD, sentence, END)
    assert removed == ()
    assert text == "\n\n".join([LEAD, sentence, END])


def test_a_long_line_is_never_tested_by_line_rules():
    long_line = "Share " + "the intelligence with allies and partners, " * 5 + "the minister said."
    text, removed = cleaned(LEAD, long_line, END)
    assert removed == () and long_line in text


def test_list_rule_removes_heading_and_the_link_titles_after_it():
    text, removed = clean_text(
        f"{LEAD}\n\nRelated articles\nUN envoy visits front line\n\nSanctions debate heats up\n"
        f"- Opinion: the cost of inaction\n\n{END}")
    assert text == LEAD + "\n\n" + END
    assert removed == (Boilerplate("Related articles\nUN envoy visits front line\n\nSanctions debate heats up\n"
                                   "- Opinion: the cost of inaction", "related"),)


def test_list_rule_stops_at_a_sentence_and_at_other_boilerplate():
    text, removed = clean_text(
        "Read more\nTaliban talks resume\nThe army said on Monday it had retaken the town.\n\n"
        "Most read\nTen things to know\nAdvertisement\nLast line of the story.")
    assert text == "The army said on Monday it had retaken the town.\n\nLast line of the story."
    assert removed == (Boilerplate("Read more\nTaliban talks resume", "related"),
                       Boilerplate("Most read\nTen things to know", "related"),
                       Boilerplate("Advertisement", "advertisement"))


def test_tail_rule_removes_the_comment_section_at_the_end():
    body = "\n\n".join([LEAD, "Officials said the talks would resume.", END])
    text, removed = clean_text(body + "\n\nComments\nThis is terrible!!!\n\nSo true, great article")
    assert text == body
    assert removed == (Boilerplate("Comments\nThis is terrible!!!\n\nSo true, great article", "comments"),)


def test_tail_rule_early_in_the_text_removes_only_its_line():
    text, removed = clean_text(f"Comments\n\n{LEAD}\n\n{END}")
    assert text == LEAD + "\n\n" + END
    assert removed == (Boilerplate("Comments", "comments"),)


def test_cookie_notice_paragraph_is_removed_whole():
    notice = ("We use cookies to improve your experience on our site.\n"
              "By continuing to browse, you agree to our use of cookies. Accept | Learn more")
    text, removed = cleaned(LEAD, notice, END)
    assert text == LEAD + "\n\n" + END
    assert removed == (Boilerplate(notice, "cookies"),)


def test_output_keeps_paragraphs_and_normalises_whitespace():
    text, removed = clean_text("\ufeff\r\n  \r\nFirst line.   \r\nSecond line.\r\n\r\n\r\n\r\n"
                               "Advertisement\r\n\r\nNext paragraph.\t \n\n\n")
    assert text == "First line.\nSecond line.\n\nNext paragraph."
    assert removed == (Boilerplate("Advertisement", "advertisement"),)


def test_removed_pieces_are_exact_and_in_document_order():
    text, removed = clean_text("By Jane Doe, Reuters\n\n" + LEAD + "\n  Share this article  \n"
                               + END + "\n\n© 2019 Example News")
    assert text == LEAD + "\n" + END
    assert [(b.text, b.reason) for b in removed] == [
        ("By Jane Doe, Reuters", "byline"), ("Share this article", "share"),
        ("© 2019 Example News", "copyright")]


def test_nothing_to_remove_and_empty_input():
    assert clean_text(LEAD) == (LEAD, ())
    assert clean_text("") == ("", ())
    assert clean_text(" \n\n \n") == ("", ())


# ------------------------------------------------------------------ the rule file


def test_packaged_rules_load_once_and_cover_every_category():
    rules = default_rules()
    assert rules is default_rules()
    reasons = {r.reason for r in rules.rules}
    assert {"advertisement", "newsletter", "share", "cookies", "related", "byline", "photo_credit",
            "donation", "copyright", "comments", "promo"} <= reasons
    assert {r.scope for r in rules.rules} == {"line", "paragraph", "list", "tail"}


def _rules(*rules, **settings):
    return {"version": 1, "description": "test", "settings": settings, "rules": list(rules)}


@pytest.mark.parametrize("rule, message", [
    ({"name": "x", "reason": "ad", "pattern": "ad", "scope": "page"}, "rule 0 ('x'): unknown scope 'page'"),
    ({"name": "y", "reason": "ad", "pattern": "(ad", "scope": "line"}, "rule 0 ('y'): bad pattern"),
    ({"name": "z", "reason": "ad", "pattern": "ad", "scope": "line", "flags": "q"}, "rule 0 ('z'): unknown flag 'q'"),
    ({"reason": "ad", "pattern": "ad", "scope": "line", "scop": "line"}, "rule 0: unknown key(s) ['scop']"),
    ({"reason": "", "pattern": "ad", "scope": "line"}, "rule 0: 'reason' must be a non-empty string"),
    ({"reason": "ad", "pattern": "ad", "scope": "line", "max_chars": 0}, "rule 0: max_chars must be a positive"),
])
def test_a_bad_rule_is_refused_naming_the_rule(rule, message):
    with pytest.raises(RuleFileError) as err:
        parse_rules(_rules(rule))
    assert message in str(err.value)


def test_bad_settings_and_shape_are_refused():
    with pytest.raises(RuleFileError, match="unknown setting 'line_max'"):
        parse_rules(_rules(line_max=3))
    with pytest.raises(RuleFileError, match="'rules' list"):
        parse_rules({"rules": {}})


def test_a_custom_rule_file_extends_the_cleaning(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(_rules(
        {"name": "poll", "reason": "poll", "scope": "line", "flags": "i",
         "pattern": "take our poll.{0,40}"},
        {"name": "short", "reason": "short", "scope": "line", "pattern": "[A-Z]+", "max_chars": 3},
        line_max_chars=40)), encoding="utf-8")
    rules = load_rules(path)
    text, removed = clean_text(f"{LEAD}\nTake our poll - story continues below\nUN\nNATO", rules)
    assert text == LEAD + "\nNATO"  # "NATO" is longer than the rule's max_chars
    assert removed == (Boilerplate("Take our poll - story continues below", "poll"), Boilerplate("UN", "short"))


def test_a_rule_file_that_is_not_json_names_the_file(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("{rules: []}", encoding="utf-8")
    with pytest.raises(RuleFileError, match="rules.json: not valid JSON"):
        load_rules(path)


def test_a_long_text_with_many_boilerplate_blocks_is_cleaned_block_by_block():
    # how the time grows with the text is printed by benchmarks/bench_boilerplate.py (tests
    # assert no wall-clock times)
    body = (LEAD + "\nShare this article\n\n") * 20_000
    text, removed = clean_text(body)
    assert len(removed) == 20_000 and text.count(LEAD) == 20_000
    assert "Share this article" not in text


def test_menu_bars_and_bare_date_lines_are_removed_but_sentences_stay():
    from newsgraph.ingest import clean_text
    text = ("HOME | WORLD | EURASIA | ANALYSIS | VIDEO\n\n"
            "September 3, 2019 at 9:12 am\n\n"
            "The Taliban will meet Russian officials on September 4, 2019 in Moscow.\n\n"
            "Tuesday, 3 Sep 2019, 10:15 GMT\n\n"
            "Q: When did you send it?\n\nMarch 5th, 2017.\n\n"
            "Votes were split: Labour | Tories | Lib Dems said nothing, he noted.")
    cleaned, removed = clean_text(text)
    assert [(b.reason, b.text) for b in removed] == [
        ("navigation", "HOME | WORLD | EURASIA | ANALYSIS | VIDEO"),
        ("timestamp", "September 3, 2019 at 9:12 am"),
        ("timestamp", "Tuesday, 3 Sep 2019, 10:15 GMT"),
    ]
    assert "on September 4, 2019 in Moscow" in cleaned
    assert "March 5th, 2017." in cleaned  # a spoken answer in a transcript, not a timestamp
    assert "Labour | Tories | Lib Dems said nothing" in cleaned
