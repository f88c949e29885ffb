"""The Typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

from sendcli import __version__
from sendcli.cli.running import (  # noqa: F401 - also reached through this module by the commands
    INTERNAL_ERROR, ORDINARY_OS_ERRORS, casebook_at, exit_code_for, os_error_message, print_error,
    quiet_closed_stdout, today,
)

if TYPE_CHECKING:  # the casebook edge loads YAML and schemas: only for commands that need it
    from sendcli.store.casebook import Casebook

#: Click's own exceptions (usage errors, --help's exit), which click reports
#: itself. Typer re-exports click or, from 0.2x, ships its own copy of it:
#: reach both through Typer's public names.
_CLICK_EXCEPTION = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_CLICK_SIGNALS = (typer.Exit, typer.Abort, _CLICK_EXCEPTION, BrokenPipeError)


#: Every command, and the module of sendcli.cli defining it, in the order --help lists them.
#: A command's module is imported, and its options built, only when it runs (or for
#: --help): startup stays within 0.15 s of bare Python (tests/test_startup.py).
COMMAND_MODULES = {
    "check": "check", "init": "records", "new": "records", "show": "records", "close": "workflow",
    "edit": "history", "log": "history", "due": "deadlines", "report": "reports", "register": "reports",
    "provision-map": "reports", "stats": "reports", "impact": "impact", "import": "adoption", "transfer": "adoption",
    "cycle": "workflow", "add": "workflow", "set": "fields", "ehc": "deadlines",
    "export": "privacy", "purge": "privacy", "decrypt": "privacy", "pack": "packs", "passports": "reports",
}


class _Commands(MutableMapping):
    """A group's commands, each built (with :func:`plain_help`) the first time it is asked for.

    Typer builds a click command from a function by reading its signature and
    making every option; a command module's Typer app holds up to a dozen
    commands, and ``sendcli add note`` needs one of them. ``builders`` maps each
    name to what builds it; --help, which lists them all, builds them all.
    """

    def __init__(self, builders: dict) -> None:
        self._builders = builders
        self._loaded: dict = {}

    def __getitem__(self, name: str):
        if name not in self._loaded:
            if name not in self._builders:
                raise KeyError(name)
            command = self._builders[name]()
            plain_help(command)
            self._loaded[name] = command
        return self._loaded[name]

    def __setitem__(self, name: str, command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self):
        return iter(dict.fromkeys([*self._builders, *self._loaded]))

    def __len__(self) -> int:
        return len(set(self._builders) | set(self._loaded))


def _root_command(name: str):
    """The root's command ``name``, from its module (imported now)."""
    module = importlib.import_module(f"sendcli.cli.{COMMAND_MODULES[name]}")
    return _entry(module.app, name)


def _entry(typer_app, name: str, settings: tuple | None = None):
    """The command or group ``name`` of ``typer_app``, built alone, as typer.main.get_group builds it
    among the others (with the settings of the module's app, passed down): a group with its own
    commands built when each is asked for (:class:`_Commands`)."""
    import typer.main

    if settings is None:
        settings = (typer_app.pretty_exceptions_short, typer_app.rich_markup_mode, typer_app.suggest_commands)
    short, markup, suggest = settings
    for info in typer_app.registered_commands:
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            return typer.main.get_command_from_info(info, pretty_exceptions_short=short, rich_markup_mode=markup)
    for info in typer_app.registered_groups:
        if typer.main.solve_typer_info_defaults(info).name == name:
            return _group(info, settings)
    return typer.main.get_group(typer_app).commands[name]  # a group added without a name: built whole


def _group(info, settings: tuple):
    """The group ``info`` names, its options and help built now and its commands when asked for."""
    import copy

    import typer.main

    short, markup, suggest = settings
    built = {"pretty_exceptions_short": short, "rich_markup_mode": markup, "suggest_commands": suggest}
    sub_app = info.typer_instance
    names = [command.name or typer.main.get_command_name(command.callback.__name__)
             for command in sub_app.registered_commands]
    names += [typer.main.solve_typer_info_defaults(group).name for group in sub_app.registered_groups]
    if not all(names):  # a group added without a name gives its commands to this one: built whole
        return typer.main.get_group_from_info(info, **built)
    hollow = copy.copy(sub_app)
    hollow.registered_commands, hollow.registered_groups = [], []
    hollow_info = copy.copy(info)
    hollow_info.typer_instance = hollow
    group = typer.main.get_group_from_info(hollow_info, **built)
    group.commands = _Commands({name: (lambda name=name: _entry(sub_app, name, settings)) for name in names})
    return group


# -- help that reads well at 80 columns ----------------------------------------------------

#: Typer's type labels, as the words click has always used in help.
_TYPE_WORDS = {"str": "TEXT", "int": "N", "int range": "N", "float": "NUMBER", "float range": "NUMBER",
               "list[str]": "TEXT", "path": "PATH", "file": "FILE"}
#: Choices longer than this are named by the option (KIND) and listed in its help instead.
_LONGEST_CHOICE_METAVAR = 32


def plain_help(command) -> None:
    """Plain help for a command and its subcommands: no boxes, no ``<bool>``, nothing cut short.

    Rich's boxed tables truncate long option names at 80 columns
    (``--minutes-per-w…``) and label every flag ``<bool>``; click's own layout
    wraps instead. Every value gets a word a SENCO can read (TEXT, N, DATE, the
    choices), and a long list of choices goes into the option's help.
    """
    command.rich_markup_mode = None
    for param in command.params:
        _tidy_metavar(param)
    _lightly_coerced(command)
    commands = getattr(command, "commands", None) or {}
    if not isinstance(commands, _Commands):  # those get plain help as each is built
        for sub in commands.values():
            plain_help(sub)


def _tidy_metavar(param) -> None:
    if param.param_type_name == "argument":
        name = param.metavar or param.name.upper()
        bracketed = param.required or name.startswith("[")
        many = param.nargs != 1 and not name.endswith("...")
        shown = (name if bracketed else f"[{name}]") + ("..." if many else "")
        # Instance attributes: the argument's name alone, as usage lines have always shown it.
        param.display_type_rich = lambda ctx: None
        param._usage_display_name = lambda: shown
        return
    if getattr(param, "is_flag", False) or param.metavar is not None:
        return
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and descriptor.is_choice and descriptor.choices:
        words = [getattr(choice, "value", choice) for choice in descriptor.choices]
        label = "|".join(str(word) for word in words)
        if len(label) <= _LONGEST_CHOICE_METAVAR:
            param.metavar = f"[{label}]"
            return
        param.metavar = param.name.upper().replace("_", "-")
        if not all(str(word) in (param.help or "") for word in words):
            param.help = f"{(param.help or '').rstrip()} One of: {', '.join(str(word) for word in words)}.".lstrip()
        return
    try:
        label = param.display_type(None).strip("<>")
    except Exception:  # noqa: BLE001 - a label is cosmetic: keep typer's own
        return
    param.metavar = _TYPE_WORDS.get(label, label.upper())


# -- values without pydantic ---------------------------------------------------------------

def light_coercion(param) -> None:
    """Give ``param`` a coercion that reads plain values without importing pydantic.

    Typer (0.2x) turns every option's value into its type with a pydantic
    TypeAdapter, built the first time the option is read, even when the value
    is absent: importing pydantic costs about 60 ms, more than a one-record
    command's own work. The values sendcli's options take are plain — text,
    flags, choices, lists of text — and arrive already typed or as a string, so
    they are passed on as typer would return them; anything else (a number, a
    path, a value that is not one of the choices) goes to typer's own coercion,
    which keeps its checks and its messages. Typer versions without this layer
    (before 0.2x, plain click) are left as they are.
    """
    if not hasattr(param, "get_runtime_param") or getattr(param, "type_descriptor", None) is None:
        return
    runtime = _light_runtime_class()
    if runtime is not None and param._runtime_param is None and param.type_descriptor.parameter_info.parser is None:
        param._runtime_param = runtime(parameter_info=param.type_descriptor.parameter_info,
                                       annotation=param.type_descriptor.annotation)


def _lightly_coerced(command) -> None:
    """Every parameter ``command`` parses, --help's too (click makes it on demand), gets :func:`light_coercion`."""
    get_params = command.get_params

    def params_lightly_coerced(ctx):
        params = get_params(ctx)
        for param in params:
            light_coercion(param)
        return params

    command.get_params = params_lightly_coerced


_LIGHT_RUNTIME: list = []


def _light_runtime_class():
    """The RuntimeParam subclass for :func:`light_coercion`, made once (None if typer has no such layer)."""
    if _LIGHT_RUNTIME:
        return _LIGHT_RUNTIME[0]
    try:
        from enum import Enum

        from typer._coercion import RuntimeParam, build_runtime_param
        from typer._param_types import coerce_cli_choice
    except ImportError:
        _LIGHT_RUNTIME.append(None)
        return None

    class _Unread(Exception):
        """The value is not a plain one: typer's own coercion reads it."""

    def plain(annotation, value, case_sensitive: bool, ctx):
        if annotation is str and type(value) is str:
            return value
        if annotation is bool and type(value) is bool:
            return value
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            try:
                return coerce_cli_choice(value, choices=tuple(annotation), case_sensitive=case_sensitive, ctx=ctx)
            except ValueError:
                raise _Unread from None
        origin = getattr(annotation, "__origin__", None)
        if origin is list and isinstance(value, (list, tuple)):
            (item_type,) = annotation.__args__
            return [plain(item_type, item, case_sensitive, ctx) for item in value]
        raise _Unread

    class LightRuntimeParam(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            try:
                return plain(self.annotation, value, self.parameter_info.case_sensitive, ctx)
            except _Unread:
                return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)

    import dataclasses

    _LIGHT_RUNTIME.append(dataclasses.dataclass(frozen=True)(LightRuntimeParam))
    return _LIGHT_RUNTIME[0]


class SendcliGroup(TyperGroup):
    """Maps every exception to its exit code (0 done, 1 refused, 2 usage, 3 a bug); loads commands when needed.

    Click's own exceptions (usage errors, --help) are click's to report; every
    other goes through :func:`sendcli.cli.running.exit_code_for`, as on the
    direct path (:mod:`sendcli.cli.direct`).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _tidy_metavar(param)
        _lightly_coerced(self)
        commands = _Commands({name: (lambda name=name: _root_command(name)) for name in COMMAND_MODULES})
        commands.update(self.commands)
        self.commands = commands

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, global_options_first(args, set(COMMAND_MODULES)))

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except BrokenPipeError as error:
            raise typer.Exit(exit_code_for(error, debug=False)) from None
        except SystemExit as error:
            raise typer.Exit(exit_code_for(error, debug=False)) from None
        except typer.BadParameter as error:
            error.message = with_nearest_choice(error.message)
            raise
        except _CLICK_SIGNALS:
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence
            raise typer.Exit(exit_code_for(error, debug=bool(ctx.params.get("debug")))) from None


#: Global options that may come after the command too (``sendcli check --root DIR``),
#: with whether each takes a value.
GLOBAL_OPTIONS = {"--root": True, "--debug": False}


def global_options_first(args: list[str], commands: set[str]) -> list[str]:
    """Move ``--root DIR`` and ``--debug`` found after the command to before it.

    Typer reads a group's options only before its command; people put them
    anywhere. Everything after ``--`` is left alone (it is never an option).
    """
    position = 0
    while position < len(args) and args[position] not in commands:
        if args[position] == "--":
            return args
        position += 1
    if position >= len(args):
        return args
    moved: list[str] = []
    rest: list[str] = []
    tokens = iter(args[position:])
    for token in tokens:
        if token == "--":
            rest += [token, *tokens]
            break
        name = token.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            moved.append(token)
            if GLOBAL_OPTIONS[name] and "=" not in token:
                moved.append(next(tokens, ""))
            continue
        rest.append(token)
    return [*args[:position], *moved, *rest]


_NOT_ONE_OF = re.compile(r"(?:Value error, )?'(?P<value>[^']*)' is not one of (?P<choices>.*?)\.?$", re.DOTALL)


def with_nearest_choice(message: str) -> str:
    """An unknown option value's message, plainer, with the nearest choice offered."""
    match = _NOT_ONE_OF.search(message)
    if not match:
        return message
    choices = re.findall(r"'([^']*)'", match["choices"])
    value = match["value"]
    from sendcli.core.nearest import did_you_mean

    return f"{message[:match.start()]}'{value}' is not one of {', '.join(choices)}{did_you_mean(value, choices)}"


app = typer.Typer(
    cls=SendcliGroup,
    rich_markup_mode=None,
    name="sendcli",
    help="Keep SEN records as YAML in git, and run the SEND Code of Practice's graduated approach "
         "(Assess, Plan, Do, Review) from the terminal.\n\n\b\nExamples:\n  sendcli init casebook --name \"Example "
         "Primary\"\n  sendcli new ae-16 --name \"Ava Example\" --dob 2016-05-14 --need SLCN\n  sendcli check\n"
         "  sendcli due",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Rich tracebacks print local variables: a child's record must never reach a cron mail.
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class Options:
    root: str | None
    debug: bool


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sendcli {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    root: str = typer.Option(None, "--root", envvar="SENDCLI_ROOT", metavar="DIR",
                             help="The casebook folder. Default: the nearest folder, from here upward, "
                                  "holding sendcli.yaml."),
    debug: bool = typer.Option(False, "--debug", help="On an internal error, show the full traceback."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Dates: SENDCLI_TODAY=YYYY-MM-DD sets the date taken as today, for cron and tests."""
    ctx.obj = Options(root=root, debug=debug)


def options(ctx: typer.Context) -> Options:
    return ctx.find_object(Options) or Options(root=None, debug=False)


def casebook(ctx: typer.Context) -> Casebook:
    return casebook_at(options(ctx).root)


def main(argv: list[str] | None = None) -> None:
    """The console script. A reader that closes the pipe early is not an error (exit 0)."""
    try:
        try:
            app(args=argv, prog_name="sendcli")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        quiet_closed_stdout()
        sys.exit(0)
