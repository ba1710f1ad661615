"""Database guards for two tables that are updated in place but whose history must hold.

`app.append_only.protect` refuses every UPDATE; these two tables need one kind of update each,
so their triggers allow exactly that and refuse everything else, on both engines:

- receipt_counter: the number only ever goes up by one (the sale's own increment); a row is
  never deleted. A console UPDATE that winds a counter back (and so re-issues receipt numbers)
  or a DELETE (which restarts it at 1) is refused.
- payment_attempt: what was asked of the terminal (reference, kind, terminal, shift, clerk,
  amount, created_at, refund_of) never changes; once the terminal's answer is final, that answer
  (brand, last 4, approval code, transaction id, message) never changes either, and the status
  moves only forward: approved → settled_approved | settled_declined | refunded,
  settled_approved → refunded. Linking the attempt to its sale happens once. No DELETE.
"""

from __future__ import annotations

from app.db import engine, is_sqlite

#: Answers that are not final yet (app.sales.bank_card_payments.OPEN_STATUSES).
_OPEN = "('pending', 'unknown')"

_ATTEMPT_FIXED = ("reference", "kind", "terminal", "shift", "clerk", "amount_cents",
                  "created_at", "refund_of")
_ATTEMPT_ANSWER = ("card_brand", "card_last4", "auth_code", "terminal_txn_id", "message")


def _differs(columns: tuple[str, ...], op: str) -> str:
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in columns)


def _attempt_rewrite(op: str) -> str:
    """SQL that is true when an UPDATE of payment_attempt rewrites history (`op`: the engine's
    null-safe 'differs')."""
    return f"""({_differs(_ATTEMPT_FIXED, op)}
 OR (OLD.sale IS NOT NULL AND NEW.sale {op} OLD.sale)
 OR (OLD.status NOT IN {_OPEN} AND ({_differs(_ATTEMPT_ANSWER, op)}
     OR (NEW.status {op} OLD.status AND NOT (
          (OLD.status = 'approved'
           AND NEW.status IN ('settled_approved', 'settled_declined', 'refunded'))
          OR (OLD.status = 'settled_approved' AND NEW.status = 'refunded'))))))"""


_COUNTER_REWRITE = {
    "sqlite": "NEW.terminal IS NOT OLD.terminal OR NEW.last_number IS NOT OLD.last_number + 1",
    "postgres": "NEW.terminal IS DISTINCT FROM OLD.terminal "
                "OR NEW.last_number IS DISTINCT FROM OLD.last_number + 1",
}


def _sqlite(table: str, rewrite: str, message: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_guard_update BEFORE UPDATE ON {table} "
        f"WHEN {rewrite} BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_guard_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'table {table}: DELETE rejected'); END",
    ]


def _postgres(table: str, rewrite: str, message: str) -> list[str]:
    function = f"faredesk_guard_{table}"
    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'table {table}: % rejected', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF {rewrite} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {table}_guard ON {table}",
        f"CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"DROP TRIGGER IF EXISTS {table}_guard_truncate ON {table}",
        f"CREATE TRIGGER {table}_guard_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def statements() -> list[str]:
    """The DDL that installs both guards on the current engine."""
    counter_msg = "table receipt_counter: a receipt number only goes up by one"
    attempt_msg = "table payment_attempt: a recorded request or final answer cannot be rewritten"
    if is_sqlite():
        return [*_sqlite("receipt_counter", _COUNTER_REWRITE["sqlite"], counter_msg),
                *_sqlite("payment_attempt", _attempt_rewrite("IS NOT"), attempt_msg)]
    return [*_postgres("receipt_counter", _COUNTER_REWRITE["postgres"], counter_msg),
            *_postgres("payment_attempt", _attempt_rewrite("IS DISTINCT FROM"), attempt_msg)]


async def install() -> None:
    db = engine()
    for statement in statements():
        await db.run_ddl(statement)
