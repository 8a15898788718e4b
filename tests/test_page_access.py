"""page.access: who may run costly actions, how often, and the login backoff."""

from __future__ import annotations

from page.access import (
    NOT_ADMIN,
    NOT_LOCAL,
    Access,
    LoginGuard,
    RateLimit,
    can_change,
    check_action,
    login_guard,
    refusal,
)

LOGIN = {"POLICY_QA_USER": "anna", "POLICY_QA_PASSWORD": "s3cret"}


def test_the_local_user_may_change_on_loopback_without_login():
    for host in ("127.0.0.1", "localhost", "::1"):
        assert can_change(Access.from_options(host, environ={}), None)


def test_nobody_may_change_on_a_public_address_without_login_unless_uploads_are_allowed():
    public = Access.from_options("0.0.0.0", environ={})
    assert not can_change(public, None) and refusal(public, "someone") == NOT_LOCAL
    assert can_change(Access.from_options("0.0.0.0", allow_uploads=True, environ={}), None)


def test_with_a_login_only_admins_may_change_even_on_loopback():
    access = Access.from_options("127.0.0.1", environ={**LOGIN, "POLICY_QA_ADMINS": "boss, chef"})
    assert access.login == ("anna", "s3cret") and access.admins == {"boss", "chef"}
    assert refusal(access, "anna") == NOT_ADMIN and refusal(access, None) == NOT_ADMIN
    assert can_change(access, "boss") and can_change(access, "chef")


def test_the_login_account_is_the_admin_when_no_admins_are_named():
    access = Access.from_options("0.0.0.0", environ=LOGIN)
    assert can_change(access, "anna") and not can_change(access, "bob")


def test_a_password_without_a_user_is_no_login():
    access = Access.from_options("127.0.0.1", environ={"POLICY_QA_PASSWORD": "x"})
    assert access.login is None and login_guard(access) is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_limit_refuses_past_the_limit_per_user_until_the_window_moves_on():
    clock = Clock()
    limit = RateLimit(limit=2, window_s=60, clock=clock)
    assert limit.take("boss") is None and limit.take("boss") is None
    message = limit.take("boss")
    assert message is not None and "60 秒内最多 2 次" in message and "60 秒后再试" in message
    assert limit.take("chef") is None  # other users have their own count
    clock.now += 61
    assert limit.take("boss") is None


def test_check_action_asks_permission_before_counting_the_rate():
    clock = Clock()
    limit = RateLimit(limit=1, window_s=60, clock=clock)
    public = Access("0.0.0.0")
    assert check_action(public, limit, None) == NOT_LOCAL
    assert check_action(Access(), limit, None) is None  # the refusal above did not count
    assert "最多 1 次" in check_action(Access(), limit, None)


def test_login_guard_backs_off_after_repeated_failures_and_resets_on_success():
    clock = Clock()
    guard = LoginGuard({"anna": "s3cret"}, free_failures=2, base_s=10, clock=clock)
    assert guard("anna", "s3cret")
    assert not guard("anna", "wrong") and not guard("anna", "wrong")
    assert guard.locked_for("anna") == 10
    assert not guard("anna", "s3cret")  # locked out even with the right password
    clock.now += 11
    assert not guard("anna", "wrong")  # third failure: 20 s now
    assert guard.locked_for("anna") == 20
    clock.now += 21
    assert guard("anna", "s3cret") and guard.locked_for("anna") == 0
    assert not guard("nobody", "s3cret") and not guard("anna", None)


def test_login_guard_from_access_checks_the_configured_account():
    guard = login_guard(Access.from_options("0.0.0.0", environ=LOGIN))
    assert guard is not None and guard("anna", "s3cret") and not guard("anna", "nope")
