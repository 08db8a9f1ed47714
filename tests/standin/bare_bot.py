"""A bare discord.py bot: the stand-in's own test subject and the benchmarks' baseline.

/ping answers the constant "pong". The other commands exist only to exercise the stand-in:
a deferred follow-up, autocomplete, a button, and a channel post with a nonce that reports
how Discord answered.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sys

import discord
from discord import app_commands
from discord.ext import commands

log = logging.getLogger("bare_bot")

SHOWS = ["All of Us Are Dead", "Squid Game", "Crash Landing on You", "Our Beloved Summer"]


class PressView(discord.ui.View):
    """One button that rewrites its message."""

    @discord.ui.button(label="Press", custom_id="bare:press", style=discord.ButtonStyle.primary)
    async def press(self, interaction: discord.Interaction, button: discord.ui.Button[PressView]) -> None:
        await interaction.response.edit_message(content=f"pressed by {interaction.user.name}", view=None)


class NoteModal(discord.ui.Modal, title="Note"):
    """A modal with one text input."""

    text: discord.ui.TextInput[NoteModal] = discord.ui.TextInput(label="Text", custom_id="note")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"noted: {self.text.value}", ephemeral=True)


class BareBot(commands.AutoShardedBot):
    """Syncs its commands at every start: to DEV_GUILD_ID if set, else globally."""

    async def setup_hook(self) -> None:
        dev_guild = os.environ.get("DEV_GUILD_ID")
        if dev_guild:
            guild = discord.Object(int(dev_guild))
            self.tree.copy_global_to(guild=guild)
            self.tree.clear_commands(guild=None)
            await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()


def build() -> commands.AutoShardedBot:
    """The bot with its commands."""
    bot = BareBot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        allowed_mentions=discord.AllowedMentions.none(),
    )

    @bot.tree.command(description="Answers pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @bot.tree.command(description="Defers, then follows up")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await asyncio.sleep(0.2)
        await interaction.followup.send("done after defer")

    @bot.tree.command(description="Pick a show")
    @app_commands.describe(show="The show")
    async def pick(interaction: discord.Interaction, show: str) -> None:
        await interaction.response.send_message(f"you picked {show}")

    @pick.autocomplete("show")
    async def pick_show(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=s, value=s) for s in SHOWS if current.lower() in s.lower()][:25]

    @bot.tree.command(description="A message with a button")
    async def button(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("press it", view=PressView())

    @bot.tree.command(description="Post in a channel with a nonce")
    async def post(
        interaction: discord.Interaction, channel: discord.TextChannel, nonce: str, count: int = 1
    ) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        target = bot.get_partial_messageable(channel.id)

        async def one(i: int) -> str:
            try:
                msg = await target.send("posted", nonce=nonce if count == 1 else f"{nonce}-{i}")
            except discord.HTTPException as exc:
                return f"error {exc.status} {exc.code}"
            return f"sent {msg.id}"

        results = await asyncio.gather(*(one(i) for i in range(count)))
        await interaction.followup.send(results[0] if count == 1 else summarize(results))

    @bot.tree.command(description="Answers, then edits its answer")
    async def edit(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        await interaction.edit_original_response(content="second")

    @bot.tree.command(description="Answers with a file")
    async def file(interaction: discord.Interaction) -> None:
        data = discord.File(io.BytesIO(b"hello file"), filename="hello.txt")
        await interaction.response.send_message("here", file=data)

    @bot.tree.command(description="Reads a member, a role and a file from its options")
    async def resolve(
        interaction: discord.Interaction,
        member: discord.Member,
        role: discord.Role,
        file: discord.Attachment,
    ) -> None:
        content = (await file.read()).decode()
        manages = member.guild_permissions.manage_channels
        await interaction.response.send_message(
            f"{member.name} manages channels: {manages}; {role.name}; {file.filename}: {content}"
        )

    @bot.tree.command(description="Opens a modal")
    async def note(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(NoteModal())

    @bot.tree.command(description="Reads a channel, its guild and a member over REST")
    async def inspect(interaction: discord.Interaction, channel_id: str) -> None:
        await interaction.response.defer(thinking=True)
        cached = "cached" if bot.get_channel(int(channel_id)) else "not cached"
        try:
            channel = await bot.fetch_channel(int(channel_id))
            assert isinstance(channel, discord.TextChannel)
            guild = await bot.fetch_guild(channel.guild.id)
            channels = await guild.fetch_channels()
            me = await guild.fetch_member(bot.user.id if bot.user else 0)
            text = (
                f"{cached}; #{channel.name} in {guild.name} "
                f"({len(channels)} channels); me: {me.name} with {len(me.roles)} roles"
            )
        except discord.HTTPException as exc:
            text = f"{cached}; error {exc.status} {exc.code}"
        await interaction.followup.send(text)

    @bot.event
    async def on_ready() -> None:
        log.info("bare-bot ready as %s", bot.user)

    return bot


def summarize(results: list[str]) -> str:
    """'sent N, errors: ...' for a burst of posts."""
    sent = sum(r.startswith("sent") for r in results)
    errors = sorted({r for r in results if not r.startswith("sent")})
    return f"sent {sent}" + (f", errors: {'; '.join(errors)}" if errors else "")


async def main() -> int:
    """Run until SIGTERM or SIGINT; exit code 0 on a clean stop."""
    token = os.environ.get("DISCORD_TOKEN")
    if not token:
        print("DISCORD_TOKEN is not set", file=sys.stderr)
        return 2
    discord.utils.setup_logging(level=logging.INFO)
    bot = build()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: asyncio.create_task(bot.close()))
    async with bot:
        await bot.start(token)
    log.info("bare-bot stopped")
    return 0


if __name__ == "__main__":
    if os.environ.get("BARE_BOT_LOOP") == "uvloop":  # bench_latency.py --bare-uvloop: like for like
        import uvloop

        sys.exit(uvloop.run(main()))
    sys.exit(asyncio.run(main()))
