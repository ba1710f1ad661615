"""What each role may do, stated once: named capabilities mapped to roles in one table.

Route guards (`app.web.guards.requires(Capability.X)`), navigation, services and templates
(`can('verify_deposit')`) all ask by capability name; no other module lists roles. The three
authority rules every workflow shares live here too:

- `can` / `require`: the actor's role carries the capability;
- `require_section` / `in_section` for one object, `section_filter` in a query: a supervisor or
  lead acts only inside their own sections (administrators and auditors see every section,
  `ACT_IN_ALL_SECTIONS`);
- `require_not_own_work`: nobody approves, verifies, witnesses or signs off their own work.

`check_authority` runs the three in that order, which is what a decision on someone's work
needs. A new workflow adds its capabilities to `Capability` and to the roles in
`ROLE_CAPABILITIES`, and nothing else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app.auth.roles import Role
from app.errors import Forbidden

if TYPE_CHECKING:
    from app.auth.principal import Principal


class Capability(StrEnum):
    # everyone signed in
    VIEW_HOME = "view_home"
    # the counter
    USE_KIOSK = "use_kiosk"  # sign in at a kiosk with a PIN, sell, keep one's own drawer
    OVERSEE_DRAWERS = "oversee_drawers"  # see others' drawers, witness drops, approve paid-outs
    OVERRIDE_VOID = "override_void"  # sign off a void above the override threshold
    OVERRIDE_AT_KIOSK = "override_at_kiosk"  # sign off a refund above the threshold
    APPROVE_SALE_EXCEPTION = "approve_sale_exception"  # a sale outside policy
    SETTLE_CARD_OUTCOME = "settle_card_outcome"  # decide an unclear card-terminal outcome
    # reconciliation
    VIEW_RECONCILIATION = "view_reconciliation"
    WORK_RECONCILIATION = "work_reconciliation"  # review shifts, prepare, send, confirm deposits
    RECOMMEND_VARIANCE = "recommend_variance"
    DECIDE_VARIANCE = "decide_variance"
    VERIFY_DEPOSIT = "verify_deposit"
    SIGN_OFF_DAY = "sign_off_day"
    POST_ADJUSTMENT = "post_adjustment"
    # the platform: one's own notifications, My work, background jobs
    USE_NOTIFICATIONS = "use_notifications"  # read one's own notifications
    KEEP_NOTIFICATIONS = "keep_notifications"  # mark them read, choose email (auditors do not)
    VIEW_MY_WORK = "view_my_work"
    MANAGE_JOBS = "manage_jobs"
    # fare media inventory
    VIEW_INVENTORY = "view_inventory"
    WORK_INVENTORY = "work_inventory"  # receive, transfer, issue, count stock
    DECIDE_INVENTORY = "decide_inventory"  # receive stock, open locations, set levels, approve counts
    MANAGE_INVENTORY = "manage_inventory"  # item types, locations, thresholds
    # language access
    VIEW_LANGUAGES = "view_languages"
    REVIEW_TRANSLATIONS = "review_translations"  # accept translations, enter the safe-harbor figures
    # reports and records
    VIEW_REPORTS = "view_reports"
    EXPORT_REPORTS = "export_reports"
    VIEW_AUDIT = "view_audit"
    # configuration
    MANAGE_USERS = "manage_users"
    MANAGE_CATALOG = "manage_catalog"
    MANAGE_TERMINALS = "manage_terminals"
    MANAGE_ORG = "manage_org"
    # scope
    ACT_IN_ALL_SECTIONS = "act_in_all_sections"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


C = Capability

_COUNTER = {C.VIEW_HOME, C.USE_NOTIFICATIONS, C.KEEP_NOTIFICATIONS, C.USE_KIOSK, C.VIEW_MY_WORK}
_COORDINATOR = {C.VIEW_HOME, C.USE_NOTIFICATIONS, C.KEEP_NOTIFICATIONS, C.VIEW_MY_WORK,
                C.VIEW_INVENTORY,
                C.WORK_INVENTORY}
_READER = {C.VIEW_HOME, C.USE_NOTIFICATIONS, C.VIEW_RECONCILIATION, C.VIEW_REPORTS,
           C.EXPORT_REPORTS, C.VIEW_INVENTORY}
_LEAD = _READER | _COORDINATOR | {
    C.USE_KIOSK, C.OVERSEE_DRAWERS, C.OVERRIDE_VOID, C.APPROVE_SALE_EXCEPTION,
    C.WORK_RECONCILIATION, C.RECOMMEND_VARIANCE, C.VERIFY_DEPOSIT,
}
_DECIDER = {
    C.OVERRIDE_AT_KIOSK, C.SETTLE_CARD_OUTCOME, C.DECIDE_VARIANCE, C.SIGN_OFF_DAY,
    C.POST_ADJUSTMENT, C.DECIDE_INVENTORY,
}

#: The one table of authority (DOMAIN.md: a lead recommends, a supervisor decides, an
#: administrator does everything a supervisor can across sections plus configuration, an
#: auditor reads and exports). Administrators do not work a drawer, so they neither use the
#: kiosk nor oversee drawers at it; they do decide the counter's overrides.
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.CLERK: frozenset(_COUNTER),
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.LEAD: frozenset(_LEAD),
    Role.SUPERVISOR: frozenset(_LEAD | _DECIDER),
    Role.ADMINISTRATOR: frozenset(
        (_LEAD | _DECIDER | {C.VIEW_AUDIT, C.MANAGE_USERS, C.MANAGE_CATALOG, C.MANAGE_TERMINALS,
                             C.MANAGE_ORG, C.ACT_IN_ALL_SECTIONS, C.MANAGE_JOBS,
                             C.MANAGE_INVENTORY, C.VIEW_LANGUAGES, C.REVIEW_TRANSLATIONS})
        - {C.USE_KIOSK, C.OVERSEE_DRAWERS}
    ),
    Role.AUDITOR: frozenset(_READER | {C.VIEW_AUDIT, C.ACT_IN_ALL_SECTIONS, C.VIEW_LANGUAGES}),
}


def role_can(role: Role | str, capability: Capability | str) -> bool:
    try:
        return Capability(capability) in ROLE_CAPABILITIES[Role(role)]
    except ValueError:
        return False


def roles_with(capability: Capability) -> frozenset[Role]:
    """The roles that carry `capability` (for messages and role pickers)."""
    return frozenset(role for role, caps in ROLE_CAPABILITIES.items() if capability in caps)


def roles_phrase(capability: Capability) -> str:
    """"a lead, supervisor or administrator": who may do it, in the order of rank."""
    labels = [role.label.lower() for role in Role if role in roles_with(capability)]
    if not labels:
        return "nobody"
    article = "an" if labels[0][0] in "aeiou" else "a"
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
    return f"{article} {listed}"


#: Roles that sign in at a kiosk with a PIN.
PIN_ROLES = roles_with(Capability.USE_KIOSK)
#: Roles that see every section.
ALL_SECTION_ROLES = roles_with(Capability.ACT_IN_ALL_SECTIONS)


def can(actor: Principal | None, capability: Capability | str) -> bool:
    """Whether the actor's role carries the capability (False for nobody signed in)."""
    return actor is not None and role_can(actor.role, capability)


def require(actor: Principal, capability: Capability, message: str | None = None) -> None:
    """Refuse (Forbidden) unless the actor's role carries the capability."""
    if not can(actor, capability):
        if message is None and actor.role is Role.AUDITOR:
            message = "Auditors read and export; they change nothing."
        raise Forbidden(message or f"Only {roles_phrase(capability)} can do that.")


def in_section(actor: Principal, section_id: int) -> bool:
    """Section scope: administrators and auditors everywhere, everyone else in their own."""
    return can(actor, Capability.ACT_IN_ALL_SECTIONS) or section_id in actor.section_ids


def section_filter(actor: Principal, section_column: Any) -> Any | None:
    """Section scope in the query: a where-clause keeping rows whose `section_column` is one of
    the actor's sections, or None when the actor sees every section (add nothing)."""
    if can(actor, Capability.ACT_IN_ALL_SECTIONS):
        return None
    return section_column.is_in(list(actor.section_ids) or [-1])


def require_section(actor: Principal, section_id: int, message: str | None = None) -> None:
    if not in_section(actor, section_id):
        raise Forbidden(message or "This belongs to a section you do not work in.")


def is_own_work(actor: Principal, *doer_ids: int | None) -> bool:
    """Whether the actor did (prepared, counted, sold …) the work in question."""
    return actor.id in {int(doer) for doer in doer_ids if doer is not None}


def require_not_own_work(actor: Principal, *doer_ids: int | None,
                         message: str | None = None) -> None:
    """Nobody approves their own work: refuse when the actor is one of the doers."""
    if is_own_work(actor, *doer_ids):
        raise Forbidden(message or "Nobody approves their own work: ask a colleague.")


def check_authority(actor: Principal, capability: Capability, *, section_id: int,
                    doer_ids: tuple[int | None, ...] = (), capability_message: str | None = None,
                    section_message: str | None = None, own_work_message: str | None = None,
                    ) -> None:
    """The three rules of a decision on someone's work: rank, own section, not one's own."""
    require(actor, capability, capability_message)
    require_not_own_work(actor, *doer_ids, message=own_work_message)
    require_section(actor, section_id, section_message)
