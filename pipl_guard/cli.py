"""The ``pipl-guard`` command line: scan, profile, mask, pseudonymize, check, report.

Exit codes scripts can rely on: 0 done (and allowed), 1 PI found with ``--fail-on-pi`` or the policy
denies, 2 usage error (bad option, output exists without ``--force``, missing key), 3 unreadable or
malformed input. Progress goes to stderr, and only when stderr is a terminal.

>>> from click.testing import CliRunner
>>> CliRunner().invoke(main, ["policy", "schema"]).exit_code
0
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NoReturn, TypeVar

import click

from pipl_guard.errors import (
    CryptoError,
    InputError,
    KeyMaterialError,
    LedgerError,
    PiplGuardError,
    PolicyError,
    PolicyViolation,
    VaultError,
)

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3

log = logging.getLogger("pipl_guard.cli")
T = TypeVar("T")

FORMAT_CHOICE = click.Choice(["csv", "tsv", "json", "jsonl", "parquet"], case_sensitive=False)
ACTION_KINDS = ("store", "use", "provide", "entrust", "disclose", "export", "breach")


# ----------------------------------------------------------------------------------------- plumbing


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"pipl-guard: error: {message}", err=True)
    sys.exit(code)


def _exit_code(exc: BaseException) -> int:
    from pipl_guard.io import OutputExistsError

    if isinstance(exc, OutputExistsError | KeyMaterialError):
        return EXIT_USAGE
    if isinstance(exc, PolicyViolation):
        return EXIT_FOUND
    return EXIT_INPUT


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Map pipl_guard errors to exit codes with a one-line message (never a traceback, never a value)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (InputError, PolicyError, KeyMaterialError, CryptoError, VaultError, LedgerError) as exc:
            _fail(str(exc), _exit_code(exc))
        except PiplGuardError as exc:
            _fail(str(exc), _exit_code(exc))
        except BrokenPipeError:  # `pipl-guard scan big.csv | head`
            sys.stderr.close()
            sys.exit(EXIT_OK)

    return wrapper


def _progress(items: Iterable[T], label: str) -> Iterator[T]:
    """Count records on stderr while iterating, when stderr is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield from items
        return
    try:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    except ImportError:  # rich is optional: a plain counter
        n = 0
        for n, item in enumerate(items, 1):
            if n % 10_000 == 0:
                click.echo(f"\r{label}: {n:,} records", err=True, nl=False)
            yield item
        click.echo(f"\r{label}: {n:,} records", err=True)
        return
    from rich.console import Console

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(), console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task(label)
        last = time.monotonic()
        n = 0
        for item in items:
            n += 1
            now = time.monotonic()
            if now - last > 0.1:
                bar.update(task, completed=n)
                last = now
            yield item
        bar.update(task, completed=n)


def _open(path: str, fmt: str | None, encoding: str | None, on_error: str) -> Any:
    from pipl_guard import io

    return io.read(path, format=fmt, encoding=encoding, on_error=on_error)  # type: ignore[arg-type]


def _report_skips(reader: Any) -> None:
    if getattr(reader, "skipped", 0):
        where = ", ".join(map(str, reader.skipped_at[:10]))
        more = " …" if reader.skipped > 10 else ""
        click.echo(f"pipl-guard: skipped {reader.skipped} malformed rows of {reader.name} (at {where}{more})", err=True)


def _preview(text: str, entity: str) -> str:
    """The entity's default display mask (``138****5678``); never the raw value."""
    from pipl_guard.finding import redact_for_display

    try:
        from pipl_guard.transform.masks import mask_value

        shown = mask_value(text, entity)
    except Exception:  # masks are optional here; the generic redaction is always safe
        return redact_for_display(text)
    return shown if shown != text else redact_for_display(text)


def _input_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--on-error", type=click.Choice(["raise", "skip"]), default="raise", show_default=True,
                      help="Malformed rows: stop with exit 3, or skip, count and report them.")(fn)
    fn = click.option("--encoding", default=None, help="Text encoding of CSV input (default: detect UTF-8/BOM/GB18030).")(fn)
    fn = click.option("--format", "fmt", type=FORMAT_CHOICE, default=None,
                      help="Input format (default: from the extension; sniffed on stdin).")(fn)
    return fn


def _table(headers: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """A table on stdout: rich when installed and stdout is a terminal, aligned text otherwise."""
    if sys.stdout.isatty():
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:
            pass
        else:
            table = Table(*headers, title=title)
            for row in rows:
                table.add_row(*row)
            Console().print(table)
            return
    if title:
        click.echo(title)
    widths = [max([_width(h), *(_width(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    for row in [headers, *rows]:
        click.echo("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip())


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# ----------------------------------------------------------------------------------------- commands


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="pipl_guard")
def main() -> None:
    """Find Chinese personal information in files, transform it, and check it against a PIPL policy.

    \b
    Example:
      pipl-guard profile customers.csv
      pipl-guard mask customers.csv masked.csv
    """
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="pipl-guard: %(message)s")


@main.command()
@click.argument("file")
@_input_options
@click.option("--output-format", "out_fmt", type=click.Choice(["jsonl", "table"]), default=None,
              help="Findings as JSON lines or a table (default: table on a terminal, JSONL otherwise).")
@click.option("--entities", default=None, help="Comma-separated entity IDs to look for (default: all).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None, help="Minimum confidence (default: confident only).")
@click.option("--reveal", is_flag=True, help="Print the raw values found (default: a masked preview only).")
@click.option("--fail-on-pi", is_flag=True, help="Exit 1 when any personal information is found.")
@_guarded
def scan(file: str, fmt: str | None, encoding: str | None, on_error: str, out_fmt: str | None,
         entities: str | None, min_score: float | None, reveal: bool, fail_on_pi: bool) -> None:
    """Find personal information in FILE (CSV, JSON, JSONL, Parquet; '-' for stdin).

    \b
    Example:
      pipl-guard scan customers.csv --fail-on-pi
      cat events.jsonl | pipl-guard scan - --output-format jsonl > findings.jsonl
    """
    from pipl_guard.record import scan_record

    chosen = [e.strip() for e in entities.split(",") if e.strip()] if entities else None
    if chosen:
        from pipl_guard.catalogue import ENTITY_IDS

        unknown = sorted(set(chosen).difference(ENTITY_IDS))
        if unknown:
            raise click.BadParameter(f"unknown entity IDs: {', '.join(unknown)}", param_hint="--entities")
    out_fmt = out_fmt or ("table" if sys.stdout.isatty() else "jsonl")
    reader = _open(file, fmt, encoding, on_error)
    total = 0
    rows: list[list[str]] = []
    for index, record in enumerate(_progress(reader, "scanning"), 1):
        for f in scan_record(record, entities=chosen, min_score=min_score):
            total += 1
            shown = f.text if reveal else _preview(f.text, f.entity)
            if out_fmt == "jsonl":
                item = {"record": index, "path": f.path, "entity": f.entity, "start": f.start, "end": f.end,
                        "score": f.score, "detector": f.detector, "text" if reveal else "preview": shown}
                click.echo(json.dumps(item, ensure_ascii=False))
            else:
                rows.append([str(index), f.path or "", f.entity, f"{f.score:.2f}", shown])
    if out_fmt == "table":
        _table(["record", "field", "entity", "score", "value"], rows, title=f"{total} findings in {reader.records} records")
    _report_skips(reader)
    if fail_on_pi and total:
        sys.exit(EXIT_FOUND)


@main.command()
@click.argument("file")
@_input_options
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Profile only the first N records.")
@_guarded
def profile(file: str, fmt: str | None, encoding: str | None, on_error: str, as_json: bool, sample: int | None) -> None:
    """Profile FILE: which fields hold which personal information, how much, how sensitive.

    \b
    Example:
      pipl-guard profile examples/data/customers.csv
      pipl-guard profile big.parquet --sample 100000 --json > profile.json
    """
    from pipl_guard.record import profile as profile_records

    reader = _open(file, fmt, encoding, on_error)
    prof = profile_records(_progress(reader, "profiling"), sample=sample)
    _report_skips(reader)
    if as_json:
        click.echo(prof.model_dump_json(indent=2))
        return
    rows = [
        [path, fp.entity or "-", f"{fp.share:.0%}" if fp.entity else "", "yes" if fp.sensitive else "",
         str(fp.non_empty), "review" if fp.needs_review else ""]
        for path, fp in prof.fields.items()
    ]
    _table(["field", "entity", "share", "sensitive", "non-empty", "note"], rows,
           title=f"{prof.records} records{' (sample)' if prof.sampled else ''}")
    approx = " (estimated: HyperLogLog, about 1% error)" if prof.approximate else ""
    click.echo(f"individuals (distinct resident IDs): {prof.individuals}{approx}")
    click.echo(f"minors under 14: {prof.minors}")
    if prof.entities:
        click.echo("entities: " + ", ".join(f"{k} {v}" for k, v in prof.entities.items()))
    if prof.sensitive_categories:
        click.echo("sensitive categories: " + ", ".join(f"{k} {v}" for k, v in prof.sensitive_categories.items()))


def _transform(src: str, dst: str, fn: Callable[[Mapping[str, Any]], dict[str, Any]], *, fmt: str | None,
               out_fmt: str | None, encoding: str | None, on_error: str, force: bool, label: str) -> None:
    from pipl_guard import io

    if dst != "-" and os.path.exists(dst) and not force:
        # refuse before reading anything
        _fail(f"{dst}: output exists; pass --force to overwrite", EXIT_USAGE)
    reader = _open(src, fmt, encoding, on_error)
    n = io.write(dst, (fn(r) for r in _progress(reader, label)), format=out_fmt, force=force)
    _report_skips(reader)
    if sys.stderr.isatty():
        click.echo(f"{label}: wrote {n} records to {dst}", err=True)


def _output_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")(fn)
    fn = click.option("--output-format", "out_fmt", type=FORMAT_CHOICE, default=None,
                      help="Output format (default: from OUT's extension; JSONL on stdout).")(fn)
    return fn


@main.command()
@click.argument("src", metavar="IN")
@click.argument("dst", metavar="OUT")
@_input_options
@_output_options
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False), default=None,
              help="YAML/JSON/TOML rules: operators per entity (rules:), per field (fields:), default:.")
@_guarded
def mask(src: str, dst: str, fmt: str | None, encoding: str | None, on_error: str, out_fmt: str | None,
         force: bool, rules_path: str | None) -> None:
    """Mask personal information in IN and write OUT (default display masks, or --rules).

    \b
    Example:
      pipl-guard mask customers.csv masked.csv
      pipl-guard mask orders.jsonl - --rules rules.yaml > masked.jsonl
    \b
    rules.yaml:
      rules:
        CN_MOBILE: {op: mask, keep_first: 3, keep_last: 4}
        CN_RESIDENT_ID: {op: hash, key: {env: PG_KEY}}
      fields:
        remark: {op: redact}
    """
    if rules_path is None:
        from pipl_guard.transform.deidentifier import mask_record

        fn: Callable[[Mapping[str, Any]], dict[str, Any]] = mask_record
    else:
        fn = load_rules(rules_path).record
    _transform(src, dst, fn, fmt=fmt, out_fmt=out_fmt, encoding=encoding, on_error=on_error, force=force, label="masking")


@main.command()
@click.argument("src", metavar="IN")
@click.argument("dst", metavar="OUT")
@_input_options
@_output_options
@click.option("--key-env", required=True, help="Environment variable holding the key (hex, >= 16 bytes).")
@_guarded
def pseudonymize(src: str, dst: str, fmt: str | None, encoding: str | None, on_error: str, out_fmt: str | None,
                 force: bool, key_env: str) -> None:
    """Replace personal information in IN by keyed, format-preserving pseudonyms; write OUT.

    The same value with the same key always gets the same pseudonym (joins keep working);
    a resident ID stays a valid resident ID, a phone a valid phone.

    \b
    Example:
      export PG_KEY=$(python -c "import secrets; print(secrets.token_hex(32))")
      pipl-guard pseudonymize customers.csv pseudo.csv --key-env PG_KEY
    """
    from pipl_guard import ops
    from pipl_guard.transform.deidentifier import Deidentifier
    from pipl_guard.transform.keys import Key

    if not os.environ.get(key_env):
        _fail(f"environment variable {key_env} is not set", EXIT_USAGE)
    key = Key.from_env(key_env)
    deid = Deidentifier({}, default=ops.Pseudonymize(key=key))
    _transform(src, dst, deid.record, fmt=fmt, out_fmt=out_fmt, encoding=encoding, on_error=on_error,
               force=force, label="pseudonymizing")


def _action(kind: str, purpose: str, destination: str | None, at: str | None) -> Any:
    from pipl_guard.policy.models import Action

    return Action(kind, purpose, destination, at=at)  # type: ignore[arg-type]


@main.command()
@click.argument("file")
@_input_options
@click.option("--policy", "policy_path", required=True, type=click.Path(dir_okay=False), help="Policy file (YAML/JSON/TOML).")
@click.option("--action", "kind", required=True, type=click.Choice(ACTION_KINDS), help="What is about to happen.")
@click.option("--purpose", required=True, help="Purpose id from the policy.")
@click.option("--destination", default=None, help="Destination id from the policy.")
@click.option("--at", default=None, help="Date of the action, YYYY-MM-DD (default: today).")
@click.option("--ledger", default=None, help="Cross-border ledger (SQLite path or SQL URL); read, never changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@_guarded
def check(file: str, fmt: str | None, encoding: str | None, on_error: str, policy_path: str, kind: str,
          purpose: str, destination: str | None, at: str | None, ledger: str | None, as_json: bool) -> None:
    """Decide whether FILE's records may be stored, provided, exported, ...; exit 1 when denied.

    \b
    Example:
      pipl-guard check customers.csv --policy policy.yaml --action export \\
          --purpose delivery --destination sg-partner
    """
    from pipl_guard.policy.guard import Guard
    from pipl_guard.policy.models import Policy

    policy = Policy.load(policy_path)
    action = _action(kind, purpose, destination, at)
    reader = _open(file, fmt, encoding, on_error)
    decision = Guard(policy, ledger=ledger).check(_progress(reader, "checking"), action)
    _report_skips(reader)
    click.echo(decision.model_dump_json(indent=2) if as_json else decision.explain())
    if not decision.allowed:
        sys.exit(EXIT_FOUND)


@main.command()
@click.argument("file")
@_input_options
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="HTML file to write.")
@click.option("--force", is_flag=True, help="Overwrite the output if it exists.")
@click.option("--policy", "policy_path", default=None, type=click.Path(dir_okay=False), help="Policy to decide against.")
@click.option("--action", "kind", default=None, type=click.Choice(ACTION_KINDS), help="Action to decide (with --policy).")
@click.option("--purpose", default=None, help="Purpose id (with --policy).")
@click.option("--destination", default=None, help="Destination id (with --policy).")
@click.option("--at", default=None, help="Date of the action, YYYY-MM-DD.")
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Use only the first N records.")
@_guarded
def report(file: str, fmt: str | None, encoding: str | None, on_error: str, output: str, force: bool,
           policy_path: str | None, kind: str | None, purpose: str | None, destination: str | None,
           at: str | None, sample: int | None) -> None:
    """Write a self-contained HTML report on FILE's personal information (and a decision, with --policy).

    \b
    Example:
      pipl-guard report customers.csv -o report.html
      pipl-guard report customers.csv -o report.html --policy policy.yaml --action export \\
          --purpose delivery --destination sg-partner
    """
    if os.path.exists(output) and not force:
        _fail(f"{output}: output exists; pass --force to overwrite", EXIT_USAGE)
    if policy_path is not None and (kind is None or purpose is None):
        raise click.UsageError("--policy needs --action and --purpose")
    from pipl_guard.report.html import write_report  # written by the report area; imported only when used

    policy = action = None
    if policy_path is not None:
        from pipl_guard.policy.models import Policy

        policy = Policy.load(policy_path)
        action = _action(kind or "", purpose or "", destination, at)
    reader = _open(file, fmt, encoding, on_error)
    records: Iterable[Mapping[str, Any]] = _progress(reader, "reporting")
    if sample is not None:
        from itertools import islice

        records = islice(records, sample)
    # rendered to a temporary file next to the output and renamed: never a half-written report
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(output)}.", suffix=".part",
                               dir=os.path.dirname(os.path.abspath(output)))
    os.close(fd)
    try:
        write_report(records, tmp, policy=policy, action=action, title=f"pipl-guard: {os.path.basename(reader.name)}")
        os.replace(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _report_skips(reader)


@main.group()
def policy() -> None:
    """Policy helpers.

    \b
    Example:
      pipl-guard policy schema > policy.schema.json
    """


@policy.command("schema")
def policy_schema() -> None:
    """Print the JSON Schema of a policy file (for editors and CI validation).

    \b
    Example:
      pipl-guard policy schema > policy.schema.json
    """
    from pipl_guard.policy.models import Policy

    click.echo(json.dumps(Policy.model_json_schema(), indent=2, ensure_ascii=False))


# ----------------------------------------------------------------------------------------- rules files


def load_rules(path: str) -> Any:
    """A ``Deidentifier`` from a rules file (YAML, JSON or TOML).

    ``rules`` maps entity IDs, ``fields`` maps field paths, ``default`` applies to other findings; each
    operator is ``{op: <name>, ...options}``, with ``op`` the ``pipl_guard.ops`` class name in any case
    (``mask``, ``hash``, ``Pseudonymize``). A key option is ``{env: VAR}``, ``{file: path}`` or
    ``{hex: ...}`` (never the key inline in a shared file, but hex is accepted for tests).
    """
    from pipl_guard.transform.deidentifier import Deidentifier

    data = _load_mapping(path)
    unknown = set(data) - {"rules", "fields", "default"}
    if unknown:
        raise PolicyError(f"unknown top-level keys: {', '.join(sorted(unknown))}", path=path)
    rules = {str(k): _operator(v, f"rules.{k}", path) for k, v in (data.get("rules") or {}).items()}
    fields = {str(k): _operator(v, f"fields.{k}", path) for k, v in (data.get("fields") or {}).items()}
    default = _operator(data["default"], "default", path) if data.get("default") else None
    return Deidentifier(rules, default=default, fields=fields or None)


def _load_mapping(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror or type(exc).__name__})") from None
    try:
        if path.lower().endswith(".toml"):
            import tomllib

            data = tomllib.loads(raw.decode("utf-8"))
        elif path.lower().endswith(".json"):
            data = json.loads(raw)
        else:
            import yaml

            data = yaml.safe_load(raw)
    except Exception as exc:  # parser errors carry positions; we do not echo content
        raise PolicyError(f"not a valid rules file ({type(exc).__name__})", path=path) from None
    if not isinstance(data, dict):
        raise PolicyError("a rules file must hold a mapping", path=path)
    return data


def _operator(spec: Any, where: str, path: str) -> Any:
    from pipl_guard import ops
    from pipl_guard.transform.keys import Key

    if isinstance(spec, str):
        spec = {"op": spec}
    if not isinstance(spec, dict) or "op" not in spec:
        raise PolicyError(f"{where}: expected {{op: <operator>, ...}}", path=path)
    options = dict(spec)
    name = str(options.pop("op"))
    classes = {n.lower(): getattr(ops, n) for n in dir(ops) if isinstance(getattr(ops, n), type)}
    cls = classes.get(name.lower())
    if cls is None:
        raise PolicyError(f"{where}: unknown operator {name!r}", path=path)
    for opt in ("key", "vault_key"):
        k = options.get(opt)
        if isinstance(k, dict):
            if set(k) == {"env"}:
                options[opt] = Key.from_env(str(k["env"]))
            elif set(k) == {"file"}:
                options[opt] = Key.from_file(str(k["file"]))
            elif set(k) == {"hex"}:
                options[opt] = Key.from_hex(str(k["hex"]))
            else:
                raise PolicyError(f"{where}.{opt}: expected one of env/file/hex", path=path)
    try:
        return cls(**options)
    except (ValueError, TypeError) as exc:
        if isinstance(exc, PiplGuardError):
            raise
        raise PolicyError(f"{where}: invalid options for {cls.__name__} ({type(exc).__name__})", path=path) from None


if __name__ == "__main__":  # pragma: no cover
    main()
