from piccolo.columns import BigInt, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.auth.tables import User


class FareCategory(Table, tablename="fare_category"):
    """adult, youth, senior/disabled reduced fare, low-income ..."""

    id = Serial(primary_key=True)

    code = Varchar(length=20, unique=True, null=False)
    name = Varchar(length=80, null=False)
    reduced = Boolean(default=False)  # needs an eligible card or permit
    sort = Integer(default=0)
    active = Boolean(default=True)


class Product(Table, tablename="product"):
    """Something sold at the counter. `kind` decides the rules (see catalog.rules)."""

    id = Serial(primary_key=True)

    code = Varchar(length=32, unique=True, null=False)
    name = Varchar(length=120, null=False)
    kind = Varchar(length=24, null=False, index=True)
    fare_category = ForeignKey(FareCategory, null=True, on_delete=OnDelete.restrict)
    barcode = Varchar(length=64, null=True, default=None, unique=True)
    requires_card = Boolean(default=False)  # loaded onto a fare card
    min_cents = BigInt(null=True, default=None)  # stored-value load bounds
    max_cents = BigInt(null=True, default=None)
    balance_cap_cents = BigInt(null=True, default=None)
    description = Text(default="")
    active = Boolean(default=True)
    sort = Integer(default=0)
    created_at = Timestamptz()


class Price(Table, tablename="price"):
    """Append-only price history: the price in force is the latest effective_from <= now."""

    id = Serial(primary_key=True)

    product = ForeignKey(Product, null=False, on_delete=OnDelete.restrict, index=True)
    amount_cents = BigInt(null=False)
    effective_from = Timestamptz(null=False, index=True)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
