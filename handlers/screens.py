"""The submission dialogue's screens: fetch what one shows; `bot.submit_screens` renders it."""

from collections.abc import Sequence

from telegram.ext import ContextTypes

from bot.answers import cities_elsewhere, countries_of, find_same_title, practice_from_answers
from bot.dialogue import Step
from bot.models import Draft, Practice, new_practice_id
from bot.submit_screens import Screen, ScreenData, render_screen
from bot.template import FIELDS_BY_KEY
from handlers.deps import services, submissions
from handlers.language import tr_for

Context = ContextTypes.DEFAULT_TYPE


def screen(
    context: Context, draft: Draft, error: str | None = None, choices: Sequence[str] = ()
) -> Screen:
    """Return the text and buttons of the draft's current screen.

    Args:
        context: the callback context, for the catalogue, the stores and the bot's name.
        draft: the draft; its step names the screen. A duplicate step whose look-alike is no
            longer published shows the preview.
        error: what was wrong with the last input (HTML), shown at the top.
        choices: countries to offer as buttons on the country step (else those of its cities).
    """
    t, username = tr_for(services(context), draft.user_id), context.bot.username
    if draft.step in (Step.DUPLICATE, Step.UPDATE):
        found = duplicate_of(context, draft)
        if found is not None:
            return render_screen(draft, ScreenData(t, username, duplicate=found), error)
    # A duplicate step whose look-alike is gone shows the preview (`drafts.ask` moves it there).
    if draft.step in (Step.PREVIEW, Step.DUPLICATE, Step.UPDATE):
        earlier = submissions(context).get(draft.reopened_from) if draft.reopened_from else None
        practice = draft_practice(context, draft)
        reason = earlier.reason if earlier else None
        elsewhere = cities_elsewhere(
            draft.answers.get("cities") or [],
            str(draft.answers.get("country") or ""),
            services(context).catalog.aliases,
        )
        data = ScreenData(t, username, practice, reason, elsewhere=elsewhere)
        return render_screen(draft, data, error)
    field = FIELDS_BY_KEY.get(draft.step)
    offered: Sequence[str] = ()
    if field is not None and field.kind == "country":
        places = services(context).catalog.aliases
        offered = list(choices) or countries_of(draft.answers.get("cities") or [], places)
    return render_screen(draft, ScreenData(t, username, countries=offered), error)


def draft_practice(context: Context, draft: Draft) -> Practice:
    """Return the practice the draft describes, with the id it would be published under."""
    taken = services(context).practices.ids()
    title = draft.answers.get("title") or "practice"
    return practice_from_answers(draft.answers, new_practice_id(title, taken))


def duplicate_of(context: Context, draft: Draft) -> Practice | None:
    """Return a published practice whose title names the same practice as the draft's."""
    title = draft.answers.get("title") or ""
    return find_same_title(title, services(context).catalog.latest())
