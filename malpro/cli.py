"""Command-line tasks: `flask --app malpro <command>`."""
import click
from flask import Flask
from flask.cli import with_appcontext

from malpro.backup import register_backup_commands
from malpro.services.errors import DomainError


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(expire_unpaid_command)
    register_backup_commands(app)
    app.cli.add_command(remind_asn_command)
    app.cli.add_command(media_sizes_command)


@click.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when omitted (never stored in shell history then).")
@click.option("--name", default="Admin Malpro", show_default=True)
@with_appcontext
def create_admin_command(email: str, password: str, name: str) -> None:
    """Create an admin account (or make an existing account admin)."""
    from malpro.services.accounts import create_admin

    try:
        user = create_admin(email=email, password=password, name=name)
    except DomainError as error:
        details = "; ".join(error.fields.values()) or error.message
        raise click.ClickException(details) from None
    click.echo(f"Admin {user.email} siap.")


@click.command("seed-demo")
@click.option("--stores", default=40, show_default=True, help="Number of demo stores.")
@click.option("--products", default=400, show_default=True, help="Number of demo products.")
@with_appcontext
def seed_demo_command(stores: int, products: int) -> None:
    """Fill the database with realistic demo data (idempotent)."""
    from malpro.seed import seed_demo

    counts = seed_demo(stores=stores, products=products, log=click.echo)
    click.echo(f"Data demo siap: {counts}")


@click.command("media-sizes")
@with_appcontext
def media_sizes_command() -> None:
    """Write the medium version of product photos stored without one (once after upgrading)."""
    from malpro.services.products import write_missing_medium_images

    click.echo(f"Versi sedang dibuat untuk {write_missing_medium_images()} foto produk.")


@click.command("remind-asn")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD",
              help="Act as if today (WIB) were this day; default: today.")
@with_appcontext
def remind_asn_command(day: str | None) -> None:
    """Remind employees below the monthly minimum (from the 20th) and send coordinators their
    OPD's summary (from the 25th); once per person and month, however often it runs."""
    from datetime import date

    from malpro.services.reminders import send_reminders

    try:
        today = date.fromisoformat(day) if day else None
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from None
    sent = send_reminders(today)
    click.echo(f"Pengingat terkirim: {sent['employees']} pegawai, {sent['coordinators']} koordinator.")


@click.command("expire-unpaid")
@click.option("--hours", type=float, default=None,
              help="Override QRIS_UNPAID_EXPIRY_HOURS (default 24).")
@with_appcontext
def expire_unpaid_command(hours: float | None) -> None:
    """Cancel QRIS orders left unpaid too long, returning their stock (safe to run often)."""
    from malpro.services.payments import expire_unpaid

    codes = expire_unpaid(hours=hours)
    click.echo(f"{len(codes)} pesanan QRIS dibatalkan karena belum dibayar." + (f" {', '.join(codes)}" if codes else ""))
