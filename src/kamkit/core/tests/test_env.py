"""Values from the environment: the default when unset, one clear line naming the variable when wrong."""

from __future__ import annotations

import pytest

from kamkit.config import env


@pytest.mark.parametrize(("raw", "expected"), [("2", 2.0), (" 1.25 ", 1.25), ("", 1.5), ("0.5", 0.5)])
def test_a_positive_number_is_read_or_defaults(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: float
) -> None:
    monkeypatch.setenv("KAMKIT_TEST_FACTOR", raw)
    assert env.env_positive_number("KAMKIT_TEST_FACTOR", 1.5) == expected


def test_an_unset_number_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAMKIT_TEST_FACTOR", raising=False)
    assert env.env_positive_number("KAMKIT_TEST_FACTOR", 1.5) == 1.5


@pytest.mark.parametrize("raw", ["0", "-1", "1,5", "lots", "nan", "inf"])
def test_a_number_that_is_not_above_zero_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("KAMKIT_TEST_FACTOR", raw)
    with pytest.raises(env.ConfigurationError, match=r"KAMKIT_TEST_FACTOR=.* is not a number above 0"):
        env.env_positive_number("KAMKIT_TEST_FACTOR", 1.5)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Europe/Berlin", "Europe/Berlin"), (" America/New_York ", "America/New_York"), ("", "UTC")],
)
def test_a_time_zone_is_read_or_defaults(monkeypatch: pytest.MonkeyPatch, raw: str, expected: str) -> None:
    monkeypatch.setenv("KAMKIT_TEST_ZONE", raw)
    assert env.env_time_zone("KAMKIT_TEST_ZONE", "UTC") == expected


def test_an_unset_time_zone_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAMKIT_TEST_ZONE", raising=False)
    assert env.env_time_zone("KAMKIT_TEST_ZONE", "UTC") == "UTC"


@pytest.mark.parametrize("raw", ["Mars/Base", "utc", "Europe", "../etc/passwd", "/etc/localtime"])
def test_an_unknown_time_zone_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("KAMKIT_TEST_ZONE", raw)
    with pytest.raises(
        env.ConfigurationError, match=r"KAMKIT_TEST_ZONE=.* is not a time zone name \(use one like"
    ):
        env.env_time_zone("KAMKIT_TEST_ZONE", "UTC")


@pytest.mark.parametrize(
    ("raw", "expected"), [("info", "INFO"), (" Debug ", "DEBUG"), ("ERROR", "ERROR"), ("", "WARNING")]
)
def test_a_log_level_is_read_in_any_case_or_defaults(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: str
) -> None:
    monkeypatch.setenv("KAMKIT_TEST_LEVEL", raw)
    assert env.env_log_level("KAMKIT_TEST_LEVEL", "WARNING") == expected


def test_an_unset_log_level_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAMKIT_TEST_LEVEL", raising=False)
    assert env.env_log_level("KAMKIT_TEST_LEVEL", "WARNING") == "WARNING"


@pytest.mark.parametrize("raw", ["LOUD", "10", "warnings", "INFO,DEBUG"])
def test_an_unknown_log_level_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("KAMKIT_TEST_LEVEL", raw)
    with pytest.raises(
        env.ConfigurationError,
        match=r"KAMKIT_TEST_LEVEL=.* is not a log level \(use DEBUG, INFO, WARNING, ERROR, CRITICAL\)",
    ):
        env.env_log_level("KAMKIT_TEST_LEVEL", "WARNING")
