"""Right-to-left text and bidi controls inside the bot's own sentences, through a real bot.

A member's U+202E (RIGHT-TO-LEFT OVERRIDE) would reverse the rest of the bot's line; a Hebrew
or Arabic title would pull the words and numbers next to it into its direction.
"""

from tests.fakes import ADMIN_ID, USER_ID, Call
from tests.handlers.dialogue import running_bot, submit

OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
FSI, PDI = "\u2068", "\u2069"


def texts(calls: list[Call]) -> list[str]:
    return [c.text for c in calls if c.method in ("sendMessage", "editMessageText")]


async def test_an_override_in_a_title_never_reaches_the_bots_sentences() -> None:
    async with running_bot() as bot:
        sent = await submit(bot, title="\u202eCooking together in Lisboa")
        copy = next(c for c in sent if "Submission #1" in c.text)
        await bot.click(copy, "Approve", ADMIN_ID)
        await bot.send("/mysubmissions")
        await bot.send("/subscribe \u202eroma education")
        shown = texts(bot.request.calls)
        thanks = next(t for t in shown if "Thank you" in t)
        assert "Cooking together in Lisboa” is sent" in thanks
        assert any("is published" in t for t in shown)
        assert not [t for t in shown if set(t) & set(OVERRIDES)]


async def test_a_right_to_left_title_is_isolated_from_the_words_around_it() -> None:
    async with running_bot() as bot:
        title = "מטבח משותף בתל אביב"
        sent = await submit(bot, title=title)
        thanks = next(t for t in texts(sent) if "Thank you" in t)
        assert f"“{FSI}{title}{PDI}” is sent" in thanks
        copy = next(c for c in sent if "Submission #1" in c.text)
        assert f"{FSI}{title}{PDI}" in copy.text
        listed = texts(await bot.send("/mysubmissions", USER_ID))[-1]
        assert f"“{FSI}{title}{PDI}”" in listed


async def test_a_search_echo_and_follow_confirmation_isolate_what_was_typed() -> None:
    async with running_bot() as bot:
        echo = texts(await bot.send("\u202eqqxzv ppwq"))[-1]
        assert "\u202e" not in echo and "qqxzv ppwq" in echo
        hebrew = texts(await bot.send("/subscribe שלום עולם"))[-1]
        assert f"{FSI}שלום עולם{PDI}" in hebrew
