"""The shared state-machine helper: one table per workflow, labels, tones, the status tag."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from app.drawers.states import SHIFT, ShiftStatus
from app.drawers.tables import Shift
from app.errors import Conflict
from app.reconciliation.states import DEPOSIT, DepositStatus
from app.states import REGISTRY, StateMachine, template_globals

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def test_shifts_and_deposits_are_declared_once_on_the_helper() -> None:
    assert REGISTRY["shift"] is SHIFT and REGISTRY["deposit"] is DEPOSIT
    assert SHIFT.allowed == {
        ShiftStatus.OPEN: {ShiftStatus.COUNTED},
        ShiftStatus.COUNTED: {ShiftStatus.RECOUNT, ShiftStatus.APPROVED},
        ShiftStatus.RECOUNT: {ShiftStatus.COUNTED},
        ShiftStatus.APPROVED: set(),
    }
    assert DEPOSIT.can("prepared", "verified") and DEPOSIT.can("verified", "in_transit")
    assert DEPOSIT.can("in_transit", "discrepancy") and not DEPOSIT.can("prepared", "in_transit")
    assert not DEPOSIT.can("prepared", "confirmed") and not DEPOSIT.can("confirmed", "prepared")
    assert not DEPOSIT.can("prepared", "lost")  # not a status at all
    with pytest.raises(Conflict, match="A deposit that is prepared cannot become confirmed"):
        DEPOSIT.check(DepositStatus.PREPARED, DepositStatus.CONFIRMED)
    assert SHIFT.label("recount") == "Recount requested" and SHIFT.label("odd") == "odd"
    assert DEPOSIT.tone("discrepancy") == "err" and DEPOSIT.tone("odd") == "muted"


def test_a_workflow_must_label_every_status_and_use_known_tones() -> None:
    class Door(StrEnum):
        SHUT = "shut"
        AJAR = "ajar"

    with pytest.raises(ValueError, match="no label for ajar"):
        StateMachine("door_test", Shift, Door, allowed={}, labels={Door.SHUT: "Shut"})
    with pytest.raises(ValueError, match="unknown tone"):
        StateMachine("door_test", Shift, Door, allowed={},
                     labels={Door.SHUT: "Shut", Door.AJAR: "Ajar"}, tones={Door.AJAR: "pink"})


def test_the_status_tag_macro_renders_label_and_tone() -> None:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.globals.update(template_globals())
    page = env.from_string(
        '{% from "_status.html" import status_tag %}'
        "{{ status_tag('deposit', 'discrepancy', 'dep') }}|{{ status_tag('shift', s) }}|"
        "{{ s == status.shift.RECOUNT }}")
    assert page.render(s="recount") == (
        '<span class="tag tag-err" data-testid="dep">Bank discrepancy</span>|'
        '<span class="tag tag-warn">Recount requested</span>|True')


def test_back_office_templates_spell_no_workflow_status() -> None:
    """Templates name statuses as status.<workflow>.<MEMBER> (kiosk screens: not yet moved)."""
    values = {status.value for machine in (SHIFT, DEPOSIT) for status in machine.statuses}
    literal = re.compile(r"(==|!=|'equalto',)\s*'(" + "|".join(values) + ")'")
    offenders = [f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
                 for path in TEMPLATES.rglob("*.html") if "kiosk" not in path.parts
                 for match in literal.finditer(path.read_text())]
    assert offenders == []
