"""Supervisor override and witness: another person approves ONE action with their PIN.

The approving person's login and PIN travel with the form that performs the action (the
override modal adds them); they are checked for that request only and never kept, so an
override can never approve a second action. The service receives both principals and records
both names; whether that person may decide it (capability, section, not their own transaction)
is the override's one-step policy on the approvals mechanism (`app.sales.authority`).
"""

from __future__ import annotations

from litestar.datastructures import FormMultiDict

from app.auth.errors import SignInFailed
from app.auth.principal import Principal
from app.auth.signin import check_pin
from app.web.render import text


async def second_person(form: FormMultiDict, prefix: str, origin: str,
                        actor: Principal) -> Principal | None:
    """The person who signed `<prefix>_login` + `<prefix>_pin`, or None when both are blank."""
    login = text(form, f"{prefix}_login", 64)
    pin = str(form.get(f"{prefix}_pin", "") or "")[:32]
    if not login and not pin:
        return None
    if not login or not pin:
        raise SignInFailed("Enter both the username (or badge) and the PIN.",
                           field_errors={prefix: "Enter both the username and the PIN."})
    try:
        person = await check_pin(login, pin, origin)
    except SignInFailed as exc:  # name the fields, so the screen marks them and the PIN takes focus
        raise SignInFailed(exc.message, field_errors={
            prefix: "That username and PIN do not match: enter the PIN again."}) from exc
    if person.id == actor.id:
        raise SignInFailed("You cannot approve or witness your own action; ask another person.",
                           field_errors={prefix: "Another person must enter their PIN."})
    return person
