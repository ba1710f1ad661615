"""Pure rules of the foundation: passwords and PINs, roles, navigation, redirects, CSV safety."""

from __future__ import annotations

import pytest

from app.auth.capabilities import PIN_ROLES, Capability, roles_with
from app.auth.passwords import hash_secret, password_problem, pin_problem, verify_secret
from app.auth.principal import Principal
from app.auth.roles import Role, parse_role
from app.navigation import ENABLED_HREFS, NAV_ITEMS, nav_for
from app.routes.auth import _safe_next
from app.web.exports import neutralise, to_csv


def principal(role: Role, sections: tuple[int, ...] = (1,)) -> Principal:
    return Principal(id=1, username="u", full_name="U", role=role, section_ids=sections)


@pytest.mark.parametrize(("password", "ok"), [
    ("a" * 11, False), ("a" * 12, True), (" leading-space-pw", False), ("x" * 257, False),
    ("correct horse battery", True),
])
def test_password_rules(password: str, ok: bool) -> None:
    assert (password_problem(password) is None) is ok


@pytest.mark.parametrize(("pin", "ok"), [
    ("4821", True), ("12345678", True), ("123", False), ("123456789", False), ("12a4", False),
    ("1111", False), ("١٢٣٤", False),  # Arabic-Indic digits are digits, but not on a keypad
])
def test_pin_rules(pin: str, ok: bool) -> None:
    assert (pin_problem(pin) is None) is ok


def test_hashes_are_argon2id_and_verify() -> None:
    stored = hash_secret("a long enough secret")
    assert stored.startswith("$argon2id$")
    assert verify_secret(stored, "a long enough secret")
    assert not verify_secret(stored, "a long enough secreT")
    assert not verify_secret(None, "anything")
    assert not verify_secret("not-a-hash", "anything")


def test_six_roles_and_who_decides() -> None:
    assert {r.value for r in Role} == {"clerk", "coordinator", "lead", "supervisor",
                                       "administrator", "auditor"}
    assert {Role.CLERK, Role.LEAD, Role.SUPERVISOR} == PIN_ROLES
    decide, recommend = Capability.DECIDE_VARIANCE, Capability.RECOMMEND_VARIANCE
    assert principal(Role.SUPERVISOR).can(decide) and not principal(Role.LEAD).can(decide)
    assert principal(Role.LEAD).can(recommend) and not principal(Role.CLERK).can(recommend)
    assert not principal(Role.AUDITOR).can(decide)
    with pytest.raises(ValueError, match="unknown role"):
        parse_role("emperor")


def test_section_scope() -> None:
    assert principal(Role.SUPERVISOR, (1, 2)).in_section(2)
    assert not principal(Role.SUPERVISOR, (1, 2)).in_section(3)
    assert principal(Role.ADMINISTRATOR, ()).in_section(3)
    assert principal(Role.AUDITOR, ()).in_section(3)


def test_navigation_shows_enabled_entries_for_the_role_only() -> None:
    for role in Role:
        items = nav_for(principal(role))
        assert items[0].label == "Home"
        for item in items:
            assert role in roles_with(item.capability) and item.href in ENABLED_HREFS
        assert {i.href for i in NAV_ITEMS
                if role in roles_with(i.capability) and i.href in ENABLED_HREFS} == {
            i.href for i in items}
    admin_only = {"/admin/users", "/admin/org"}
    assert admin_only <= {i.href for i in nav_for(principal(Role.ADMINISTRATOR))}
    assert not admin_only & {i.href for i in nav_for(principal(Role.CLERK))}
    assert "/audit" in {i.href for i in nav_for(principal(Role.AUDITOR))}
    assert nav_for(None) == []


@pytest.mark.parametrize(("target", "expected"), [
    ("/admin/users", "/admin/users"), ("/audit?user=x", "/audit?user=x"), ("//evil.example", "/"),
    ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("", "/"), ("javascript:alert(1)", "/"),
])
def test_sign_in_redirects_stay_on_site(target: str, expected: str) -> None:
    assert _safe_next(target) == expected


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), (None, ""), (42, "42"),
])
def test_csv_cells_are_neutralised(value: object, cell: str) -> None:
    assert neutralise(value) == cell


def test_to_csv_writes_a_header_and_quotes() -> None:
    text = to_csv(["a", "b"], [{"a": "x,y", "b": "=cmd"}, {"a": 1}])
    assert text.splitlines() == ["a,b", "\"x,y\",'=cmd", "1,"]


def test_audit_actions_read_as_words() -> None:
    from app.audit.labels import action_words, object_words

    assert action_words("auth.sign_in") == "Signed in"
    assert action_words("terminal.create") == "Created a terminal"
    assert action_words("catalog.product.deactivate") == "Deactivated a product"
    assert action_words("shift.recount_requested") == "Shift recount requested"
    assert object_words("user", 1) == "user #1" and object_words("cash_movement", 7) == "cash movement #7"
    assert object_words("", "") == ""
