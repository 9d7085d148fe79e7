"""What a member sees when a word of a search is misspelt, or a compound typed is held by no
practice: driven through a real Application with real updates on the bundled catalogue."""

from tests.fakes import BotHarness
from tests.handlers.test_ask_readings import PARTIAL, SPRACHPATEN, count, publish, sent


async def test_a_misspelt_word_beside_another_still_finds_what_it_means(
    harness: BotHarness,
) -> None:
    for typed in ("Rassismsu Schule", "Schule Rassismsu"):
        reply = sent(await harness.send(typed))
        assert "An Anti-Racism Cockpit" in reply.text, typed


async def test_a_compound_no_practice_holds_says_it_is_answered_in_part(
    harness: BotHarness,
) -> None:
    # No bundled practice says "Sprachpaten": the language practices answer its part.
    reply = sent(await harness.send("Sprachpaten"))
    assert "Programme Language Hub" in reply.text and PARTIAL in reply.text
    # Once one does, it answers the word as typed.
    publish(harness, SPRACHPATEN, alerts=False)
    reply = sent(await harness.send("Sprachpaten"))
    assert PARTIAL not in reply.text


async def test_a_compound_of_a_subject_and_help_lists_the_subjects_practices(
    harness: BotHarness,
) -> None:
    # "Flüchtlingshilfe" (refugee help): every refugee practice, as "Flüchtlinge" finds,
    # and the note that none says the word itself.
    reply = sent(await harness.send("Flüchtlingshilfe"))
    assert count(reply) == count(sent(await harness.send("Flüchtlinge"))) == 8
    assert PARTIAL in reply.text
