"""``faredesk i18n extract|update|compile|all``: the catalogs' maintenance steps."""

from __future__ import annotations

import click


@click.command("i18n")
@click.argument("step", type=click.Choice(["extract", "update", "compile", "all"]), default="all")
def i18n(step: str) -> None:
    """Extract messages (.pot), update each language's .po, compile the .mo files."""
    from app.i18n.tooling import run

    for line in run(step):
        click.echo(line)
