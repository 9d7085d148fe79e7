"""The layers, checked on the imports of the source (ast; no module is imported).

Four layers, each a set of modules a newcomer can name:

* **domain** — every module of `bot/` except the application's. Pure: it imports no
  `handlers`, no `store`, no application module, and from `telegram` only the plain objects
  (`telegram`: buttons, keyboards), `telegram.constants` (Telegram's limits) and
  `telegram.helpers` (deep links) — never `telegram.ext`, `telegram.error`,
  `telegram.request` (no Telegram I/O).
* **application** — `APPLICATION`: the wiring (`bot.app`), the command line (`bot.__main__`,
  `bot.operations`, `bot.check`) and the alert delivery service (`bot.delivery`) it runs. It
  may import every layer.
* **Telegram glue** — `handlers/`. It imports the domain, the stores and the delivery service
  (through `handlers.deps.Services`), never the wiring. Handler modules import each other only
  through the named shared modules (`SHARED`), which import only each other; within one flow
  (`FLOWS`: the modules one registrar puts together); or by a declared hand-over
  (`HAND_OVERS`). `handlers/__init__.py` registers every handler and may import them all.
* **storage** — `store/`. It imports no `handlers` and no application module, nothing from
  `telegram` (except `store.persistence`, which implements PTB's `BasePersistence`), and
  only domain modules that never reach `telegram`, directly or through other modules (the
  models and text helpers; not rendering).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "store")

APPLICATION = {"bot.__main__", "bot.app", "bot.operations", "bot.check", "bot.delivery"}
DOMAIN_TELEGRAM = {"telegram", "telegram.constants", "telegram.helpers"}
SHARED = {
    "handlers.deps": "the services",
    "handlers.language": "the reader's language",
    "handlers.gate": "groups versus the private chat; deep-link payloads",
    "handlers.cards": "sending a practice's card; the practice a button names",
    "handlers.results": "a query's answer and its pages",
    "handlers.editing": "editing a message in place",
    "handlers.fallback": "the answers to what no handler took",
    "handlers.jobs": "the jobs that run beside the handlers (delivery, search log)",
    "handlers.updates": "the parts of an update a handler's registration promises, typed",
}
FLOWS = {
    # handlers/contribute.py registers the submission dialogue and moderation.
    "contribute": {
        "handlers.contribute",
        "handlers.drafts",
        "handlers.edits",
        "handlers.mine",
        "handlers.moderate",
        "handlers.pending",
        "handlers.reject",
        "handlers.screens",
        "handlers.submit",
        "handlers.submit_preview",
        "handlers.submit_steps",
    },
    # handlers/__init__.follow_handlers registers following, /forget, /contact and the waits
    # for a typed answer those flows ask for.
    "follow": {
        "handlers.subscribe",
        "handlers.subscriptions",
        "handlers.forget",
        "handlers.chat_state",
        "handlers.contact",
        "handlers.waits",
    },
}
# (importer, imported): a typed message a dialogue does not take is answered as a search.
HAND_OVERS = {
    ("handlers.drafts", "handlers.search"),
    ("handlers.reject", "handlers.search"),
    # A deep link (/start <payload>) starts the flow it names: a follow prompt, /contact.
    ("handlers.start", "handlers.subscribe"),
    ("handlers.start", "handlers.contact"),
    # /forget withdraws a waiting submission: the moderators' copies are marked as moderation
    # marks them.
    ("handlers.forget", "handlers.moderate"),
}
STORE_TELEGRAM = {"store.persistence"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path for package in PACKAGES for path in (ROOT / package).glob("*.py")
    }


MODULES = _modules()


def imports_of(name: str) -> set[str]:
    """Return the modules a module imports, anywhere in it (also inside functions).

    `from bot import chart` counts as `bot.chart` when that is a module, else as `bot`.
    """
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return found


def _ours(imported: set[str]) -> set[str]:
    return {m for m in imported if m.split(".")[0] in PACKAGES}


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


DOMAIN = {m for m in MODULES if _in(m, "bot") and m not in APPLICATION and m != "bot"}
HANDLERS = {m for m in MODULES if _in(m, "handlers")}
STORE = {m for m in MODULES if _in(m, "store")}


def reaches_telegram(name: str, seen: set[str] | None = None) -> bool:
    """Return True when a module imports `telegram`, directly or through our modules."""
    seen = set() if seen is None else seen
    if name in seen or name not in MODULES:
        return False
    seen.add(name)
    imported = imports_of(name)
    if any(_in(m, "telegram") for m in imported):
        return True
    return any(reaches_telegram(m, seen) for m in _ours(imported))


def test_the_declared_modules_exist() -> None:
    declared = APPLICATION | set(SHARED) | STORE_TELEGRAM | set().union(*FLOWS.values())
    declared |= {m for pair in HAND_OVERS for m in pair}
    assert declared <= set(MODULES), declared - set(MODULES)
    assert DOMAIN and HANDLERS and STORE


@pytest.mark.parametrize("name", sorted(DOMAIN))
def test_the_domain_is_pure(name: str) -> None:
    imported = imports_of(name)
    wrong = {m for m in imported if _in(m, "handlers") or _in(m, "store")}
    wrong |= {m for m in imported if _in(m, "telegram") and m not in DOMAIN_TELEGRAM}
    wrong |= imported & APPLICATION
    assert not wrong, f"{name} (domain) imports {sorted(wrong)}"


@pytest.mark.parametrize("name", sorted(STORE))
def test_storage_knows_no_glue_rendering_or_telegram(name: str) -> None:
    imported = imports_of(name)
    wrong = {m for m in imported if _in(m, "handlers")} | (imported & APPLICATION)
    if name not in STORE_TELEGRAM:
        wrong |= {m for m in imported if _in(m, "telegram")}
    wrong |= {m for m in _ours(imported) if _in(m, "bot") and reaches_telegram(m)}
    assert not wrong, f"{name} (storage) imports {sorted(wrong)}"


def _flow_of(name: str) -> str | None:
    return next((flow for flow, members in FLOWS.items() if name in members), None)


@pytest.mark.parametrize("name", sorted(HANDLERS - {"handlers"}))
def test_handlers_reach_each_other_only_through_shared_modules(name: str) -> None:
    imported = _ours(imports_of(name))
    assert not imported & (APPLICATION - {"bot.delivery"}), f"{name} imports the wiring"
    others = {m for m in imported if _in(m, "handlers") and m != name}
    if name in SHARED:
        allowed = set(SHARED)
    else:
        flow = _flow_of(name)
        allowed = set(SHARED) | (FLOWS[flow] if flow else set())
        allowed |= {imported for importer, imported in HAND_OVERS if importer == name}
    wrong = others - allowed
    assert not wrong, f"{name} imports the handler modules {sorted(wrong)}, not shared"


@pytest.mark.parametrize(
    ("name", "source", "check", "named"),
    [
        ("bot.fake", "from telegram.ext import ContextTypes\n", test_the_domain_is_pure, "ext"),
        ("bot.fake", "from store.db import Database\n", test_the_domain_is_pure, "store.db"),
        (
            "store.fake",
            "from bot.cards import card_text\n",
            test_storage_knows_no_glue_rendering_or_telegram,
            "bot.cards",
        ),
        (
            "handlers.fake",
            "from handlers.subscribe import on_follow_button\n",
            test_handlers_reach_each_other_only_through_shared_modules,
            "handlers.subscribe",
        ),
    ],
)
def test_each_rule_fails_for_what_it_forbids(
    name: str,
    source: str,
    check: object,
    named: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = tmp_path / "fake.py"
    fake.write_text(source, encoding="utf-8")
    monkeypatch.setitem(MODULES, name, fake)
    with pytest.raises(AssertionError, match=named):
        check(name)  # type: ignore[operator]
