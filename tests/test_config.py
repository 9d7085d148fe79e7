"""Tests for reading settings from the environment and `.env` (`bot/config.py`)."""

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, read_dotenv


def settings_from(env: dict[str, str], tmp_path: Path, dotenv: str | None = None):
    path = tmp_path / ".env"
    if dotenv is not None:
        path.write_text(dotenv, encoding="utf-8")
    return load_settings(env, path)


def test_defaults_follow_the_design(tmp_path):
    settings = settings_from({}, tmp_path)
    assert settings.token is None
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.api_file_url == "https://api.telegram.org/file/bot"
    assert settings.db_path == Path("data/bot.json")
    assert settings.admin_ids == frozenset()
    assert settings.alert_rate == 25
    assert settings.log_level == "INFO"


def test_every_setting_is_read_from_the_environment(tmp_path):
    settings = settings_from(
        {
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "TELEGRAM_API_FILE_URL": "http://127.0.0.1:8081/file/bot",
            "DB_PATH": "/var/lib/icc/bot.json",
            "ADMIN_IDS": "42, 7,1001",
            "ALERT_RATE": "2.5",
            "LOG_LEVEL": "debug",
        },
        tmp_path,
    )
    assert settings.require_token() == "123:abc"
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.api_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.db_path == Path("/var/lib/icc/bot.json")
    assert settings.admin_ids == {42, 7, 1001}
    assert settings.alert_rate == 2.5
    assert settings.log_level == "DEBUG"


def test_dotenv_is_read_when_the_environment_lacks_a_setting(tmp_path):
    settings = settings_from(
        {}, tmp_path, "TELEGRAM_BOT_TOKEN=from-file\nADMIN_IDS=5\nLOG_LEVEL=WARNING\n"
    )
    assert settings.require_token() == "from-file"
    assert settings.admin_ids == {5}
    assert settings.log_level == "WARNING"


def test_environment_wins_over_dotenv(tmp_path):
    settings = settings_from(
        {"TELEGRAM_BOT_TOKEN": "from-env", "ALERT_RATE": "10"},
        tmp_path,
        "TELEGRAM_BOT_TOKEN=from-file\nALERT_RATE=5\nDB_PATH=file.json\n",
    )
    assert settings.require_token() == "from-env"
    assert settings.alert_rate == 10
    assert settings.db_path == Path("file.json")


def test_an_empty_environment_variable_does_not_hide_dotenv(tmp_path):
    settings = settings_from(
        {"TELEGRAM_BOT_TOKEN": ""}, tmp_path, "TELEGRAM_BOT_TOKEN=from-file\n"
    )
    assert settings.require_token() == "from-file"


def test_missing_dotenv_is_not_an_error(tmp_path):
    assert load_settings({}, tmp_path / "absent.env").token is None
    assert load_settings({}, None).token is None


def test_dotenv_allows_comments_blanks_quotes_and_export(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "# a comment\n\nexport TELEGRAM_BOT_TOKEN='quoted'\nDB_PATH=\"a b.json\"\n"
        "not a setting\n  LOG_LEVEL = ERROR  \n",
        encoding="utf-8",
    )
    assert read_dotenv(path) == {
        "TELEGRAM_BOT_TOKEN": "quoted",
        "DB_PATH": "a b.json",
        "LOG_LEVEL": "ERROR",
    }


def test_dotenv_example_gives_the_defaults():
    example = Path(__file__).resolve().parent.parent / ".env.example"
    settings = load_settings({}, example)
    assert settings.token is None
    assert settings.alert_rate == 25
    assert settings.db_path == Path("data/bot.json")


def test_blank_values_mean_the_default(tmp_path):
    settings = settings_from({"ALERT_RATE": " ", "LOG_LEVEL": "", "DB_PATH": ""}, tmp_path)
    assert settings.alert_rate == 25
    assert settings.log_level == "INFO"
    assert settings.db_path == Path("data/bot.json")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "alice,bob"),
        ("ADMIN_IDS", "1;2"),
        ("ADMIN_IDS", "12.5"),
        ("ADMIN_IDS", "@moderator"),
        ("ALERT_RATE", "fast"),
        ("ALERT_RATE", "0"),
        ("ALERT_RATE", "-3"),
        ("ALERT_RATE", "nan"),
        ("ALERT_RATE", "inf"),
        ("ALERT_RATE", "100000"),
        ("LOG_LEVEL", "LOUD"),
        ("LOG_LEVEL", "10"),
        ("LOG_LEVEL", "info\nDEBUG"),
    ],
)
def test_malformed_value_stops_with_one_line_naming_it(tmp_path, name, value):
    with pytest.raises(ConfigError) as caught:
        settings_from({name: value}, tmp_path)
    message = str(caught.value)
    assert name in message
    assert "\n" not in message


def test_malformed_value_in_dotenv_is_reported_too(tmp_path):
    with pytest.raises(ConfigError, match="ALERT_RATE"):
        settings_from({}, tmp_path, "ALERT_RATE=lots\n")


def test_missing_token_is_reported_with_how_to_get_one(tmp_path):
    settings = settings_from({}, tmp_path)
    with pytest.raises(ConfigError) as caught:
        settings.require_token()
    message = str(caught.value)
    assert "@BotFather" in message
    assert "TELEGRAM_BOT_TOKEN" in message
    assert "\n" not in message


def test_blank_token_counts_as_missing(tmp_path):
    with pytest.raises(ConfigError, match="@BotFather"):
        settings_from({"TELEGRAM_BOT_TOKEN": "   "}, tmp_path).require_token()


def test_settings_are_read_from_os_environ_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("ALERT_RATE", "3")
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("ALERT_RATE=9\nLOG_LEVEL=ERROR\n", encoding="utf-8")
    settings = load_settings()
    assert settings.alert_rate == 3
    assert settings.log_level == "ERROR"


def test_dotenv_inline_comments_are_dropped_as_people_write_them(tmp_path):
    settings = settings_from(
        {},
        tmp_path,
        "ADMIN_IDS=1,2  # moderators\nALERT_RATE=10 # per second\n"
        "DB_PATH='kept # inside quotes.json'\n",
    )
    assert settings.admin_ids == {1, 2}
    assert settings.alert_rate == 10
    assert settings.db_path == Path("kept # inside quotes.json")


def test_unknown_variables_in_dotenv_are_ignored(tmp_path):
    assert settings_from({}, tmp_path, "EDITOR=vim\nPATH_EXTRA=x\n").token is None


def test_the_token_never_appears_in_repr_or_errors(tmp_path):
    secret = "987654:VERY-SECRET-VALUE"
    settings = settings_from({"TELEGRAM_BOT_TOKEN": secret, "WEBHOOK_SECRET": "s3cr3t"}, tmp_path)
    assert secret not in repr(settings) and secret not in str(settings)
    assert "s3cr3t" not in repr(settings)
    assert settings.secrets() == [secret, "s3cr3t"]
    with pytest.raises(ConfigError) as caught:
        settings_from({"TELEGRAM_BOT_TOKEN": secret, "WEBHOOK_SECRET": "bad secret!"}, tmp_path)
    assert secret not in str(caught.value) and "bad secret" not in str(caught.value)


def test_operations_settings_have_defaults(tmp_path):
    settings = settings_from({"DB_PATH": "/srv/icc/bot.json"}, tmp_path)
    assert settings.log_format == "text"
    assert not settings.webhook_mode
    assert settings.webhook_listen == "127.0.0.1" and settings.webhook_port == 8080
    assert settings.backups == Path("/srv/icc/backups")
    assert settings.backup_time.strftime("%H:%M") == "03:30"
    assert settings.backup_keep == 14


def test_operations_settings_are_read(tmp_path):
    settings = settings_from(
        {
            "LOG_FORMAT": "JSON",
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": "abc-DEF_123",
            "WEBHOOK_LISTEN": "0.0.0.0",
            "WEBHOOK_PORT": "8443",
            "BACKUP_DIR": "/backups",
            "BACKUP_TIME": "4:05",
            "BACKUP_KEEP": "30",
        },
        tmp_path,
    )
    assert settings.log_format == "json"
    assert settings.webhook_mode and settings.webhook_url == "https://bot.example.org/telegram"
    assert settings.webhook_listen == "0.0.0.0" and settings.webhook_port == 8443
    assert settings.backups == Path("/backups")
    assert settings.backup_time.strftime("%H:%M") == "04:05"
    assert settings.backup_keep == 30


def test_the_time_zone_is_read_and_defaults_to_strasbourgs(tmp_path):
    assert str(settings_from({}, tmp_path).timezone) == "Europe/Paris"
    assert str(settings_from({"TIMEZONE": "America/New_York"}, tmp_path).timezone) == (
        "America/New_York"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOG_FORMAT", "xml"),
        ("WEBHOOK_URL", "http://bot.example.org/hook"),
        ("WEBHOOK_URL", "bot.example.org"),
        ("WEBHOOK_SECRET", "has space"),
        ("WEBHOOK_SECRET", "x" * 257),
        ("WEBHOOK_PORT", "http"),
        ("WEBHOOK_PORT", "70000"),
        ("BACKUP_TIME", "25:00"),
        ("BACKUP_TIME", "noon"),
        ("BACKUP_KEEP", "0"),
        ("TIMEZONE", "Mars/Olympus"),
        ("TIMEZONE", "+02:00"),
    ],
)
def test_malformed_operations_setting_stops_with_one_line_naming_it(tmp_path, name, value):
    with pytest.raises(ConfigError) as caught:
        settings_from({name: value}, tmp_path)
    assert name in str(caught.value)
    assert "\n" not in str(caught.value)


def test_webhook_mode_needs_a_secret(tmp_path):
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        settings_from({"WEBHOOK_URL": "https://bot.example.org/hook"}, tmp_path)
