"""My work: one inbox of everything waiting for the signed-in person, fed by providers.

An area adds its kinds of work by writing `app/<area>/work.py` with providers; the inbox finds
every such module itself, so a new area never edits this package:

    from app.mywork.providers import WorkItem, provider

    @provider
    async def letters_to_sign(principal: Principal) -> list[WorkItem]:
        rows = await letters.awaiting_signature(principal)      # the area's own query
        return [WorkItem(kind="letter.sign", area="Cases", action="Sign",
                         title=f"Letter to {r['customer']}", link=f"/cases/{r['case']}",
                         since=r["drafted_at"], due_at=r["due_at"]) for r in rows]

A provider returns only what waits for *this* person's action, scoped in its query, and never
their own work to approve (the preparer does not see their deposit to verify). The action word
follows the role: a lead's item says "Recommend", a supervisor's "Decide".
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.auth.principal import Principal

log = logging.getLogger("faredesk.mywork")


@dataclass(frozen=True)
class WorkItem:
    kind: str  # e.g. "variance.decide"
    area: str  # e.g. "Reconciliation"
    action: str  # the verb on the button: Recommend, Decide, Verify, Sign off, Settle …
    title: str
    link: str
    since: datetime  # waiting since: the inbox lists oldest first
    due_at: datetime | None = None

    def overdue(self, now: datetime | None = None) -> bool:
        return self.due_at is not None and self.due_at < (now or datetime.now(UTC))


Provider = Callable[[Principal], Awaitable[list[WorkItem]]]
PROVIDERS: list[Provider] = []
_APP_DIR = Path(__file__).resolve().parents[1]
_loaded = False


def provider(func: Provider) -> Provider:
    """Register a provider (a decorator; import order does not matter)."""
    if func not in PROVIDERS:
        PROVIDERS.append(func)
    return func


def discover() -> list[Provider]:
    """Import every `app.<area>.work` module once (their @provider calls register them)."""
    global _loaded
    if not _loaded:
        for module in pkgutil.iter_modules([str(_APP_DIR)]):
            if module.ispkg and (_APP_DIR / module.name / "work.py").exists():
                importlib.import_module(f"app.{module.name}.work")
        _loaded = True
    return PROVIDERS


async def my_work(principal: Principal) -> list[WorkItem]:
    """Everything waiting for this person, oldest first."""
    items: list[WorkItem] = []
    for source in discover():
        items.extend(await source(principal))
    return sorted(items, key=lambda item: (_aware(item.since), item.title))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def count(principal: Principal) -> int:
    return len(await my_work(principal))
