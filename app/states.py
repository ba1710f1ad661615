"""State machines, declared once per workflow and run by one helper.

A workflow declares its statuses as a `StrEnum`, its allowed transitions in one table, a label
and a tone per status (the colour of its status tag), and the table holding its rows:

    class DepositStatus(StrEnum):
        PREPARED = "prepared"
        IN_TRANSIT = "in_transit"
        ...

    DEPOSIT = StateMachine(
        "deposit", Deposit, DepositStatus,
        allowed={PREPARED: {IN_TRANSIT}, IN_TRANSIT: {CONFIRMED, DISCREPANCY}},
        labels={...}, tones={CONFIRMED: "ok", DISCREPANCY: "err"},
    )

`transition(row, to, actor, ...)` is the one way a row changes state: it checks the move is
allowed, updates the row only if it is still in the state the caller read (a concurrent change
loses cleanly with a Conflict instead of being overwritten), and writes the audit event
(`<workflow>.<new status>`, with from/to and the caller's summary) in the caller's transaction.

Templates never spell a status: `status.<workflow>.<MEMBER>` names one (a template global),
and the macro `status_tag(workflow, value)` in `templates/_status.html` renders its tag with
the workflow's label and tone (`status_label` / `status_tone` globals).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Generic, TypeVar

from piccolo.table import Table

from app.audit.services import record
from app.auth.principal import Principal
from app.errors import Conflict

S = TypeVar("S", bound=StrEnum)

#: Tones a status tag may take (CSS classes tag-ok, tag-warn, tag-err, tag-muted).
TONES = frozenset({"ok", "warn", "err", "muted"})

#: Every declared workflow by name (for the template globals and the tests).
REGISTRY: dict[str, StateMachine[Any]] = {}


class StateMachine(Generic[S]):
    """One workflow's statuses, allowed moves, labels and tones, and its guarded transition."""

    def __init__(self, name: str, table: type[Table], statuses: type[S], *,
                 allowed: Mapping[S, Iterable[S]], labels: Mapping[S, str],
                 tones: Mapping[S, str] | None = None, status_column: str = "status") -> None:
        self.name = name
        self.table = table
        self.statuses = statuses
        self.status_column = status_column
        self.allowed: dict[S, frozenset[S]] = {
            status: frozenset(allowed.get(status, ())) for status in statuses}
        missing = [s for s in statuses if s not in labels]
        if missing:
            raise ValueError(f"{name}: no label for {', '.join(missing)}")
        self.labels: dict[S, str] = {status: labels[status] for status in statuses}
        self.tones: dict[S, str] = {status: (tones or {}).get(status, "warn")
                                    for status in statuses}
        if bad := set(self.tones.values()) - TONES:
            raise ValueError(f"{name}: unknown tone(s) {sorted(bad)}")
        REGISTRY[name] = self

    def parse(self, value: str) -> S:
        return self.statuses(value)

    def label(self, value: str) -> str:
        """The status in words ("Recount requested"); an unknown value as it is."""
        try:
            return self.labels[self.statuses(value)]
        except ValueError:
            return str(value)

    def tone(self, value: str) -> str:
        try:
            return self.tones[self.statuses(value)]
        except ValueError:
            return "muted"

    def can(self, current: str, to: str) -> bool:
        try:
            return self.statuses(to) in self.allowed[self.statuses(current)]
        except ValueError:
            return False

    def check(self, current: str, to: str) -> None:
        if not self.can(current, to):
            raise Conflict(f"A {self.name} that is {self.label(current).lower()} cannot become "
                           f"{self.label(to).lower()}.")

    async def transition(self, row: Mapping[str, Any], to: S, actor: Principal, *,
                         values: Mapping[Any, Any] | None = None,
                         summary: Mapping[str, Any] | None = None,
                         action: str | None = None, audit: bool = True) -> None:
        """Move `row` (as read, with `id` and the status) to `to`; call inside the operation's
        write_transaction. `values` are further columns (names or Column objects) set in the
        same UPDATE. Audited as `action` (default `<workflow>.<to>`); `audit=False` only where
        the caller records the step itself in the same transaction, with facts known later
        (the journal transaction it posted)."""
        current = str(row[self.status_column])
        self.check(current, to)
        table = self.table
        status = getattr(table, self.status_column)
        changes: dict[Any, Any] = {status: self.statuses(to).value}
        for key, value in (values or {}).items():
            changes[getattr(table, key) if isinstance(key, str) else key] = value
        moved = await table.update(changes).where(
            (table._meta.primary_key == row["id"]) & (status == current)
        ).returning(table._meta.primary_key)
        if not moved:
            raise Conflict(f"Someone else changed this {self.name} just now; reload and try again.")
        if not audit:
            return
        await record(actor, action or f"{self.name}.{self.statuses(to).value}", self.name,
                     row["id"], {"from": current, "to": self.statuses(to).value,
                                 **dict(summary or {})})


class _Statuses:
    """`status.shift.COUNTED` in a template: the workflow's StrEnum, looked up when used (so a
    workflow declared after the template engine was set up is there too)."""

    def __getattr__(self, workflow: str) -> type[StrEnum]:
        try:
            return REGISTRY[workflow].statuses
        except KeyError:
            raise AttributeError(workflow) from None


def template_globals() -> dict[str, Any]:
    """`status.<workflow>.<MEMBER>`, `status_label(workflow, value)`, `status_tone(...)`."""
    return {
        "status": _Statuses(),
        "status_label": lambda workflow, value: REGISTRY[workflow].label(value),
        "status_tone": lambda workflow, value: REGISTRY[workflow].tone(value),
    }
