"""The shared SQL helpers: IN-list placeholders, the next id, the one htmx test."""

from __future__ import annotations

import pytest
from litestar.testing import RequestFactory

from app import sql
from app.db import is_sqlite
from app.web.htmx import is_htmx


def test_an_in_list_has_one_placeholder_per_value() -> None:
    assert sql.in_list([7]) == "({})"
    assert sql.in_list(("a", "b", "c")) == "({}, {}, {})"
    with pytest.raises(ValueError, match="at least one"):
        sql.in_list([])


def test_the_next_id_names_the_table_for_the_engine() -> None:
    expected = ("(SELECT COALESCE(MAX(id), 0) + 1 FROM sale)" if is_sqlite()
                else "nextval(pg_get_serial_sequence('sale', 'id'))")
    assert sql.next_id("sale") == expected
    with pytest.raises(ValueError, match="not a table name"):
        sql.next_id("sale; DROP TABLE posting")


def test_htmx_requests_are_told_apart_by_their_header() -> None:
    factory = RequestFactory()
    assert is_htmx(factory.get("/", headers={"HX-Request": "true"}))
    assert not is_htmx(factory.get("/"))
    assert not is_htmx(factory.get("/", headers={"HX-Request": "false"}))
