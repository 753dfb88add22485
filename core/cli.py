"""The `tenfold` command: the demo workspace, file checks, the decision summary and the schema.

    tenfold demo                      print the demo workspace file
    tenfold validate FILE             check a workspace file; every problem, with where it is
    tenfold summary FILE [--seed N]   print the decision summary CSV (UTF-8 with a byte-order mark:
                                      the same bytes as the app's download; --no-bom leaves it out)
    tenfold decide FILE [--seed N]    print the decision as JSON: for each kind the options' scores,
                                      ranges, ranks and chances, the leaning, its verdict, the
                                      explanations and what to ask next (docs/decision-json.md)
    tenfold schema                    print the workspace file's JSON Schema
    tenfold ready                     readiness check: the app's database answers (exit 0) or not (1)
    tenfold workshop reset-passcode CODE
                                      give the workshop a new counsellor passcode (printed once) and
                                      clear its sign-in throttles: the recovery when a passcode is
                                      lost or an attacker keeps signing-in slow
    tenfold workshop sign-ins CODE [--limit N]
                                      the workshop's latest passcode checks: when, how, from which network
    tenfold backup FILE               a consistent copy of the app's whole database, while it runs
    tenfold restore FILE [--replace]  the backup into the app's database (empty, unless --replace)
    tenfold purge [--days N] [--dry-run]
                                      delete the workspaces unchanged for N days (TENFOLD_RETENTION_DAYS)

FILE may be "-" for standard input. Exit status: 0 done, 1 the file (or its reading)
failed, 2 the command line was wrong. Output is UTF-8 whatever the locale; problems go to
standard error in plain words, never as a traceback.

Thin: argument parsing and I/O only; the work is core's (`core.workspace_file` reads and writes
files, `core.decision.decide` then `core.summary.summary_bytes` make the summary and
`core.decision_record.decision_json` the decision, `core.storage`
answers `ready` and the `workshop` commands). Heavy imports (numpy, pandas, the decision engine,
SQLAlchemy) happen inside the command that needs them: `tenfold ready`, which a load balancer calls
often, loads none of numpy, pandas or the decision engine.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from core.demo import demo_workspace
from core.models import Workspace
from core.workspace_file import (
    MAX_FILE_BYTES,
    WorkspaceFileError,
    contents_summary,
    dump_workspace,
    parse_workspace,
    size_problem,
    workspace_json_schema_text,
)

PROGRAM = "tenfold"


class _Failure(Exception):
    """Something the user can fix; each line is printed to standard error."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _write(stream: TextIO, data: bytes) -> None:
    """UTF-8 bytes whatever the locale's encoding; through the text layer only when there is no buffer."""
    buffer = getattr(stream, "buffer", None)
    stream.flush()
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode("utf-8"))
        stream.flush()


def _out(data: bytes | str) -> None:
    _write(sys.stdout, data.encode("utf-8") if isinstance(data, str) else data)


def _err(line: str) -> None:
    _write(sys.stderr, (line + "\n").encode("utf-8"))


def _read_file(name: str) -> bytes:
    """At most one byte more than the size limit: a huge file is refused without reading it all."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                limit = f"{MAX_FILE_BYTES:,} bytes"
                raise _Failure([f"-: the input is larger than {limit}, the most a workspace file can be"])
            return data
        path = Path(name)
        if path.is_dir():
            raise _Failure([f"{name}: is a folder, not a workspace file"])
        problem = size_problem(path.stat().st_size)
        if problem:
            raise _Failure([f"{name}: {problem}"])
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _Failure([f"{name}: no such file"]) from None
    except PermissionError:
        raise _Failure([f"{name}: Tenfold is not allowed to read this file"]) from None
    except OSError as error:
        raise _Failure([f"{name}: cannot be read ({error.strerror or error})"]) from None


def _load(name: str) -> Workspace:
    data = _read_file(name)
    try:
        return parse_workspace(data)
    except WorkspaceFileError as error:
        count = len(error.problems)
        heading = f"{name}: not a workspace Tenfold can read ({count} problem{'s' if count != 1 else ''}):"
        raise _Failure([heading, *(f"  {problem}" for problem in error.problems)]) from None


def _demo(_: argparse.Namespace) -> int:
    _out(dump_workspace(demo_workspace()))
    return 0


def _validate(args: argparse.Namespace) -> int:
    workspace = _load(args.file)
    name = f" '{workspace.name}'" if workspace.name else ""
    _out(f"OK: {args.file}: workspace{name} with {contents_summary(workspace)}\n")
    return 0


def _summary(args: argparse.Namespace) -> int:
    # numpy, pandas and the decision engine: only this command needs them (`ready` must stay light).
    from core.decision import decide
    from core.robustness import DEFAULT_SEED
    from core.summary import summary_bytes

    workspace = _load(args.file)
    decision = decide(workspace, seed=DEFAULT_SEED if args.seed is None else args.seed)
    _out(summary_bytes(decision, bom=not args.no_bom))
    return 0


def _decide(args: argparse.Namespace) -> int:
    from core.decision import decide
    from core.decision_record import decision_json
    from core.robustness import DEFAULT_SEED

    workspace = _load(args.file)
    decision = decide(workspace, seed=DEFAULT_SEED if args.seed is None else args.seed)
    _out(decision_json(decision, workspace_name=workspace.name).encode("utf-8"))
    return 0


def _schema(_: argparse.Namespace) -> int:
    _out(workspace_json_schema_text())
    return 0


def _ready(_: argparse.Namespace) -> int:
    """For a load balancer or orchestrator: the database in TENFOLD_DATABASE_URL (or DATABASE_URL,
    or the data directory's SQLite file) answers and holds Tenfold's schema. Reads only."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    from core import storage
    from core.settings import get_settings

    engine = create_engine(get_settings().resolved_database_url())
    try:
        version = storage.ping(engine)
    except OperationalError as error:
        raise _Failure([f"not ready: the database cannot be reached ({type(error.orig).__name__})"]) from None
    except RuntimeError as error:
        raise _Failure([f"not ready: {error}"]) from None
    finally:
        engine.dispose()
    _out(f"ready: database reachable, schema version {version}\n")
    return 0


def _operator_engine():  # type: ignore[no-untyped-def]
    """The app's own database (the same settings as the app), for the operator's commands."""
    from core import storage
    from core.settings import get_settings

    return storage.make_engine(get_settings().resolved_database_url())


def _reset_passcode(args: argparse.Namespace) -> int:
    from core import access, storage

    passcode = access.new_passcode()
    engine = _operator_engine()
    try:
        workshop = storage.set_passcode_hash(engine, args.code, access.hash_passcode(passcode))
    except storage.NoSuchWorkshop as error:
        raise _Failure([str(error)]) from None
    finally:
        engine.dispose()
    _out(
        f"New counsellor passcode for '{workshop.name}' ({access.spoken_join_code(workshop.join_code)}):\n"
        f"{passcode}\n"
        "Give it to the counsellor in person; it is not shown again. Signed-in tabs stay signed in.\n"
    )
    return 0


def _sign_ins(args: argparse.Namespace) -> int:
    from core import storage

    engine = _operator_engine()
    try:
        workshop = storage.find_workshop(engine, args.code)
        if workshop is None:
            raise _Failure([f"No workshop has the join code {args.code!r}."])
        records = storage.recent_sign_ins(engine, workshop.id, limit=args.limit)
    finally:
        engine.dispose()
    lines = [f"Sign-ins to '{workshop.name}', newest first, times in UTC ({len(records)} shown):"]
    lines += [f"{record.at:%Y-%m-%d %H:%M:%S}  {record.outcome:<15} {record.network}" for record in records]
    _out("\n".join(lines) + "\n")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from core.storage import backup

    engine = _operator_engine()
    try:
        report = backup.backup(engine, Path(args.file))
    except OSError as error:
        raise _Failure([f"{args.file}: cannot be written ({error.strerror or error})"]) from None
    finally:
        engine.dispose()
    _out(f"Backed up to {args.file}: {_report_lines(report)}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from core.storage import backup

    engine = _operator_engine()
    try:
        report = backup.restore(engine, Path(args.file), replace=args.replace)
    except backup.BackupError as error:
        raise _Failure([str(error)]) from None
    except OSError as error:
        raise _Failure([f"{args.file}: cannot be read ({error.strerror or error})"]) from None
    finally:
        engine.dispose()
    _out(f"Restored from {args.file} and checked, {_report_lines(report)}")
    return 0


def _report_lines(report) -> str:  # type: ignore[no-untyped-def]
    """The schema version, then rows per table, one table a line."""
    lines = [f"schema version {report.schema_version}; rows per table:"]
    lines += [f"  {name:<18} {n}" for name, n in report.counts.items()]
    return "\n".join(lines) + "\n"


def _purge(args: argparse.Namespace) -> int:
    from core import storage
    from core.settings import get_settings

    days = args.days if args.days is not None else get_settings().retention_days
    if days is None:
        raise _Failure(["no retention period: set TENFOLD_RETENTION_DAYS or pass --days N"])
    if days < 1:
        raise _Failure([f"--days must be at least 1, not {days}"])
    engine = _operator_engine()
    try:
        count = storage.purge_untouched(engine, days=days, dry_run=args.dry_run)
    finally:
        engine.dispose()
    verb = "Would delete" if args.dry_run else "Deleted"
    workspaces = f"{count} workspace{'s' if count != 1 else ''}"
    _out(f"{verb} {workspaces} unchanged for {days} day{'s' if days != 1 else ''} or more.\n")
    return 0


def _add_data_commands(commands) -> None:  # type: ignore[no-untyped-def]
    """Backups and retention (docs/deployment.md, "Backups" and "Retention and deletion")."""
    backup = commands.add_parser("backup", help="write a consistent backup of the app's whole database to FILE")
    backup.add_argument("file", metavar="FILE", help="where to write it (replaced once the backup is complete)")
    backup.set_defaults(run=_backup)
    restore = commands.add_parser("restore", help="restore a backup into the app's database and check it")
    restore.add_argument("file", metavar="FILE", help="a file written by tenfold backup")
    restore.add_argument(
        "--replace", action="store_true", help="delete everything the database holds first (otherwise it must be empty)"
    )
    restore.set_defaults(run=_restore)
    purge = commands.add_parser("purge", help="delete the workspaces unchanged for N days; print how many")
    purge.add_argument(
        "--days", type=int, default=None, metavar="N", help="the retention period (default: TENFOLD_RETENTION_DAYS)"
    )
    purge.add_argument("--dry-run", action="store_true", help="only count them; delete nothing")
    purge.set_defaults(run=_purge)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Tenfold on the command line: workspace files and decision summaries.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="print the demo workspace as a workspace file (JSON)")
    demo.set_defaults(run=_demo)

    validate = commands.add_parser("validate", help="check a workspace file and list every problem")
    validate.add_argument("file", metavar="FILE", help='a tenfold.workspace/1 file, or "-" for standard input')
    validate.set_defaults(run=_validate)

    summary = commands.add_parser("summary", help="print the decision summary CSV of a workspace file")
    summary.add_argument("file", metavar="FILE", help='a tenfold.workspace/1 file, or "-" for standard input')
    summary.add_argument(
        "--seed", type=int, default=None, metavar="N",
        help="seed for the robustness simulation (the same seed gives the same p_first; default: the app's)",
    )
    summary.add_argument(
        "--no-bom", action="store_true",
        help="leave out the byte-order mark that helps spreadsheets recognise UTF-8",
    )
    summary.set_defaults(run=_summary)

    decide = commands.add_parser("decide", help="print the decision of a workspace file as JSON")
    decide.add_argument("file", metavar="FILE", help='a tenfold.workspace/1 file, or "-" for standard input')
    decide.add_argument(
        "--seed", type=int, default=None, metavar="N",
        help="seed for the robustness simulation (the same seed gives the same answer; default: the app's)",
    )
    decide.set_defaults(run=_decide)

    schema = commands.add_parser("schema", help="print the JSON Schema of the workspace file")
    schema.set_defaults(run=_schema)

    ready = commands.add_parser("ready", help="readiness check: exit 0 when the app's database answers")
    ready.set_defaults(run=_ready)

    workshop = commands.add_parser("workshop", help="operator commands for one workshop (the app's database)")
    workshop_commands = workshop.add_subparsers(dest="workshop_command", required=True, metavar="COMMAND")
    reset = workshop_commands.add_parser(
        "reset-passcode", help="set and print a new counsellor passcode; clear the workshop's sign-in throttles"
    )
    reset.add_argument("code", metavar="CODE", help="the workshop's join code")
    reset.set_defaults(run=_reset_passcode)
    sign_ins = workshop_commands.add_parser("sign-ins", help="list the workshop's latest passcode checks")
    sign_ins.add_argument("code", metavar="CODE", help="the workshop's join code")
    sign_ins.add_argument("--limit", type=int, default=50, metavar="N", help="how many to show (default 50)")
    sign_ins.set_defaults(run=_sign_ins)
    _add_data_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, or a command line argparse has already explained
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        return int(args.run(args))
    except _Failure as failure:
        first, *rest = failure.lines
        _err(f"{PROGRAM}: {first}")
        for line in rest:
            _err(line)
        return 1
    except BrokenPipeError:  # e.g. `tenfold summary f.json | head -1`
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug in Tenfold: say so plainly, without a traceback
        _err(f"{PROGRAM}: something went wrong inside Tenfold ({type(error).__name__}: {error}); please report it")
        return 1


if __name__ == "__main__":
    sys.exit(main())
