"""Authority in one place: the capability table, section scope and "not your own work".

The matrix below is DOMAIN.md's table written out by hand: if someone edits
`ROLE_CAPABILITIES`, this test says which role gained or lost what.
"""

from __future__ import annotations

import pytest

from app.auth import capabilities
from app.auth.capabilities import (
    ROLE_CAPABILITIES,
    Capability,
    can,
    check_authority,
    in_section,
    require,
    require_not_own_work,
    roles_phrase,
    roles_with,
)
from app.auth.principal import Principal
from app.auth.roles import Role
from app.errors import Forbidden

C = Capability
CLERK, COORD, LEAD, SUP, ADMIN, AUD = (Role.CLERK, Role.COORDINATOR, Role.LEAD, Role.SUPERVISOR,
                                       Role.ADMINISTRATOR, Role.AUDITOR)

#: Who holds each capability (DOMAIN.md: a lead recommends, a supervisor decides, an
#: administrator decides across sections and configures, an auditor reads and exports).
EXPECTED: dict[Capability, set[Role]] = {
    C.VIEW_HOME: {CLERK, COORD, LEAD, SUP, ADMIN, AUD},
    C.USE_KIOSK: {CLERK, LEAD, SUP},
    C.OVERSEE_DRAWERS: {LEAD, SUP},
    C.OVERRIDE_VOID: {LEAD, SUP, ADMIN},
    C.APPROVE_SALE_EXCEPTION: {LEAD, SUP, ADMIN},
    C.OVERRIDE_AT_KIOSK: {SUP, ADMIN},
    C.SETTLE_CARD_OUTCOME: {SUP, ADMIN},
    C.VIEW_RECONCILIATION: {LEAD, SUP, ADMIN, AUD},
    C.WORK_RECONCILIATION: {LEAD, SUP, ADMIN},
    C.RECOMMEND_VARIANCE: {LEAD, SUP, ADMIN},
    C.DECIDE_VARIANCE: {SUP, ADMIN},
    C.VERIFY_DEPOSIT: {LEAD, SUP, ADMIN},
    C.SIGN_OFF_DAY: {SUP, ADMIN},
    C.POST_ADJUSTMENT: {SUP, ADMIN},
    C.USE_NOTIFICATIONS: {CLERK, COORD, LEAD, SUP, ADMIN, AUD},
    C.KEEP_NOTIFICATIONS: {CLERK, COORD, LEAD, SUP, ADMIN},
    C.VIEW_MY_WORK: {CLERK, COORD, LEAD, SUP, ADMIN},
    C.MANAGE_JOBS: {ADMIN},
    C.VIEW_INVENTORY: {COORD, LEAD, SUP, ADMIN, AUD},
    C.WORK_INVENTORY: {COORD, LEAD, SUP, ADMIN},
    C.DECIDE_INVENTORY: {SUP, ADMIN},
    C.MANAGE_INVENTORY: {ADMIN},
    C.VIEW_LANGUAGES: {ADMIN, AUD},
    C.REVIEW_TRANSLATIONS: {ADMIN},
    C.VIEW_REPORTS: {LEAD, SUP, ADMIN, AUD},
    C.EXPORT_REPORTS: {LEAD, SUP, ADMIN, AUD},
    C.VIEW_AUDIT: {ADMIN, AUD},
    C.MANAGE_USERS: {ADMIN},
    C.MANAGE_CATALOG: {ADMIN},
    C.MANAGE_TERMINALS: {ADMIN},
    C.MANAGE_ORG: {ADMIN},
    C.ACT_IN_ALL_SECTIONS: {ADMIN, AUD},
}


def person(role: Role, sections: tuple[int, ...] = (1,), user_id: int = 1) -> Principal:
    return Principal(id=user_id, username="u", full_name="U", role=role, section_ids=sections)


def test_every_capability_is_in_the_matrix() -> None:
    assert set(EXPECTED) == set(Capability)
    assert set(ROLE_CAPABILITIES) == set(Role)


@pytest.mark.parametrize("capability", list(Capability))
def test_who_holds_each_capability(capability: Capability) -> None:
    assert roles_with(capability) == EXPECTED[capability]
    for role in Role:
        assert can(person(role), capability) is (role in EXPECTED[capability])
        assert person(role).can(capability.value) is (role in EXPECTED[capability])


def test_an_auditor_changes_nothing() -> None:
    changes = {cap for cap in Capability
               if cap not in {C.VIEW_HOME, C.USE_NOTIFICATIONS, C.VIEW_RECONCILIATION,
                              C.VIEW_REPORTS, C.EXPORT_REPORTS, C.VIEW_AUDIT,
                              C.VIEW_INVENTORY, C.VIEW_LANGUAGES, C.ACT_IN_ALL_SECTIONS}}
    assert not any(can(person(AUD), cap) for cap in changes)
    with pytest.raises(Forbidden, match="Auditors read and export"):
        require(person(AUD), C.WORK_RECONCILIATION)


def test_refusals_name_who_may() -> None:
    assert roles_phrase(C.OVERRIDE_VOID) == "a coordinator – lead, supervisor or administrator"
    assert roles_phrase(C.MANAGE_USERS) == "an administrator"
    with pytest.raises(Forbidden, match="Only a supervisor or administrator can do that"):
        require(person(LEAD), C.SIGN_OFF_DAY)
    assert can(None, C.VIEW_HOME) is False
    assert capabilities.role_can("emperor", C.VIEW_HOME) is False


def test_section_scope_is_one_rule() -> None:
    assert in_section(person(SUP, (1, 2)), 2) and not in_section(person(SUP, (1, 2)), 3)
    assert in_section(person(ADMIN, ()), 3) and in_section(person(AUD, ()), 3)
    assert person(LEAD, (4,)).in_section(4) and not person(LEAD, (4,)).in_section(5)


def test_nobody_approves_their_own_work() -> None:
    me = person(SUP, user_id=7)
    require_not_own_work(me, 8, None)
    with pytest.raises(Forbidden, match="Nobody approves their own work"):
        require_not_own_work(me, 8, 7)
    with pytest.raises(Forbidden, match="not yours"):
        require_not_own_work(me, 7, message="not yours")


@pytest.mark.parametrize(("actor", "doer", "section", "refusal"), [
    (person(SUP, (1,), 7), 8, 1, None),
    (person(ADMIN, (), 7), 8, 9, None),
    (person(LEAD, (1,), 7), 8, 1, "rank"),
    (person(SUP, (1,), 7), 7, 1, "own"),
    (person(SUP, (1,), 7), 8, 2, "section"),
])
def test_check_authority_is_rank_then_own_work_then_section(
    actor: Principal, doer: int, section: int, refusal: str | None
) -> None:
    def check() -> None:
        check_authority(actor, C.DECIDE_VARIANCE, section_id=section, doer_ids=(doer,),
                        capability_message="rank", own_work_message="own",
                        section_message="section")
    if refusal is None:
        check()
    else:
        with pytest.raises(Forbidden, match=refusal):
            check()


def test_section_scope_in_a_query_is_one_helper() -> None:
    from app.auth.capabilities import section_filter
    from app.org.tables import Location

    assert section_filter(person(ADMIN, ()), Location.section) is None
    assert section_filter(person(AUD, ()), Location.section) is None
    mine = section_filter(person(SUP, (3, 4)), Location.section)
    assert mine is not None and mine.values == [3, 4]  # type: ignore[attr-defined]
    nowhere = section_filter(person(LEAD, ()), Location.section)
    assert nowhere.values == [-1]  # type: ignore[union-attr]
