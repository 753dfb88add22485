"""Reading and writing the `tenfold.workspace/1` file (see docs/workspace-format.md).

A workspace file comes from anywhere — last week's export, another installation, a
hand edit, a wrong file picked in a hurry — so `parse_workspace` treats it as hostile:

1. it refuses a file above `MAX_FILE_BYTES` before looking inside it;
2. it reads the bytes as UTF-8 text only (a leading byte-order mark is fine) and JSON only,
   with limits on nesting and number length; nothing is ever unpickled or evaluated;
3. it checks `format` before anything else, then validates through the same pydantic
   models the app uses (`core.models.Workspace`), which refuse unknown fields.

Every refusal is a `WorkspaceFileError` whose `problems` are plain sentences that say
where ("options[2].name: must not be empty") and what.

`dump_workspace` writes the canonical form: UTF-8 (non-ASCII kept as is), two-space
indentation with one line per option, contact and rating, keys in the order of the
example in docs/workspace-format.md, empty texts written out, `career`/`leaning`/`contact` written only
when set, and each interview's informed `options` always written. Every value the
models hold is written, so for a file Tenfold wrote, parse followed by dump gives back
the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from core.dimensions import DIMENSION_KEYS
from core.models import (
    MAX_INTERVIEWS,
    MAX_OPTIONS,
    WORKSPACE_FORMAT,
    Interview,
    Option,
    Rating,
    TenfoldError,
    Workspace,
    describe_validation_error,
)

# A real workspace file is a few kilobytes to a few hundred. The largest workspace the app holds
# (500 options, 2,000 interviews, about 20,000 ratings) writes about 2.2 MB with short notes; this
# leaves room for long ones. The app's upload limit is just above it (server.maxUploadSize = 10,
# in MiB, in .streamlit/config.toml), so this check, with its message, comes first.
MAX_FILE_BYTES = 10_000_000
# Tenfold's own files nest 5 levels deep (workspace > interviews > interview > ratings > rating).
MAX_NESTING = 10
# No number in a workspace file needs more digits than this.
MAX_NUMBER_CHARS = 20
# A long list of problems helps nobody; the rest are counted.
MAX_PROBLEMS_SHOWN = 50

_UTF8_BOM = b"\xef\xbb\xbf"
# Recognisable files that are not workspace files, by their first bytes.
_NOT_JSON = (
    (b"\xff\xfe", "saved as UTF-16 text; Tenfold reads workspace files saved as UTF-8"),
    (b"\xfe\xff", "saved as UTF-16 text; Tenfold reads workspace files saved as UTF-8"),
    (b"PK\x03\x04", "a ZIP archive (perhaps a spreadsheet or a document), not a workspace file"),
    (b"\x1f\x8b", "a compressed (gzip) file; unpack it first"),
    (b"%PDF", "a PDF document, not a workspace file"),
    (b"SQLite format 3\x00", "a database file, not a workspace file"),
)
# Characters no text in a workspace may hold: NUL (databases cannot store it) and lone
# surrogates (not characters at all; they cannot be written back as UTF-8).
_FORBIDDEN_CHARS = re.compile("[\x00\ud800-\udfff]")


class WorkspaceFileError(TenfoldError):
    """A workspace file that cannot be read; `problems` says every reason, in plain words."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            more = len(problems) - MAX_PROBLEMS_SHOWN
            shown.append(f"…and {more} more problem{'s' if more != 1 else ''}")
        self.problems = shown
        super().__init__("\n".join(shown))


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"


def size_problem(size: int) -> str | None:
    """The refusal for a file of `size` bytes, or None when the size is fine."""
    if size <= MAX_FILE_BYTES:
        return None
    return (
        f"The file is {size:,} bytes ({_megabytes(size)}); a workspace file can be at most "
        f"{MAX_FILE_BYTES:,} bytes ({_megabytes(MAX_FILE_BYTES)})."
    )


# --- reading --------------------------------------------------------------------------------


class _Object(dict):  # type: ignore[type-arg]
    """A JSON object that remembers the keys that appeared in it more than once."""

    duplicates: tuple[str, ...] = ()


def _object_from_pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        counts: dict[str, int] = {}
        for key, _ in pairs:
            counts[key] = counts.get(key, 0) + 1
        obj.duplicates = tuple(key for key, n in counts.items() if n > 1)
    return obj


class _Refused(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _Refused(f"The file is not valid JSON: {name} is not a number JSON allows.")


def _checked_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"The file holds a number with {len(text)} digits, far longer than any in a workspace file.")
    return int(text)


def _checked_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"The file holds a number {len(text)} characters long, far longer than any in a workspace file.")
    return float(text)


def _decode_text(data: bytes) -> str:
    for magic, what in _NOT_JSON:
        if data.startswith(magic):
            raise WorkspaceFileError([f"The file is {what}."])
    if data[:1] == b"\x80" and data[1:2] in {b"\x02", b"\x03", b"\x04", b"\x05"}:
        raise WorkspaceFileError(
            ["The file is a Python pickle; Tenfold never opens pickles. Export a workspace file (JSON) instead."]
        )
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise WorkspaceFileError(
            [
                f"The file is not UTF-8 text: byte {error.start:,} (line {line}) is 0x{data[error.start]:02x}, "
                "which UTF-8 does not allow. Save the file as UTF-8 and try again."
            ]
        ) from None


def _load_json(text: str) -> Any:
    try:
        return json.loads(
            text,
            object_pairs_hook=_object_from_pairs,
            parse_constant=_refuse_constant,
            parse_int=_checked_int,
            parse_float=_checked_float,
        )
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        if error.msg.startswith("Unterminated string"):
            problem = f"The file is not valid JSON: the text in quotes that starts at {where} never ends."
        elif error.pos >= len(text.rstrip()):
            problem = f"The file is not valid JSON: it stops in the middle ({where}); it may have been cut short."
        else:
            problem = f"The file is not valid JSON: {error.msg.lower()} at {where}."
        raise WorkspaceFileError([problem]) from None
    except RecursionError:
        raise WorkspaceFileError([_too_deep()]) from None
    except _Refused as error:
        raise WorkspaceFileError([str(error)]) from None


def _too_deep() -> str:
    return (
        f"The file nests brackets more than {MAX_NESTING} levels deep; "
        "a workspace file never needs that many, so it is not one."
    )


def _shorten(problem: str, limit: int = 300) -> str:
    """A problem quoting a huge value stays readable."""
    return problem if len(problem) <= limit else problem[: limit - 1] + "…"


# Where a value sits, as (parent, key) links: the text is built only for a problem, so a huge
# key is never copied into the path of every value below it.
_Path = tuple["_Path | None", "str | int"] | None
_KEY_SHOWN = 40


def _render(path: _Path) -> str:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    text = ""
    for key in reversed(keys):
        if isinstance(key, int):
            text += f"[{key}]"
        else:
            shown = key if len(key) <= _KEY_SHOWN else key[: _KEY_SHOWN - 1] + "…"
            text += f".{shown}" if text else shown
    return text


def _structure_problems(document: Any) -> list[str]:
    """Nesting depth, repeated keys and unusable characters, found without recursion."""
    problems: list[str] = []
    stack: list[tuple[Any, _Path, int]] = [(document, None, 1)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, dict | list) and depth > MAX_NESTING:
            return [_too_deep()]
        if isinstance(node, dict):
            where = _render(path)
            for key in getattr(node, "duplicates", ()):
                problems.append(_shorten(
                    f"{where}: the field '{key}' appears more than once; keep one" if where
                    else f"At the top level, the field '{key}' appears more than once; keep one"
                ))
            if any(_FORBIDDEN_CHARS.search(key) for key in node):
                problems.append(f"{where or 'At the top level'}: a field name holds a NUL or other character "
                                "that text cannot hold")
            children: Iterable[tuple[str | int, Any]] = node.items()
        elif isinstance(node, list):
            children = enumerate(node)
        else:
            if isinstance(node, str) and _FORBIDDEN_CHARS.search(node):
                problems.append(f"{_render(path)}: holds a NUL or other character that text cannot hold; remove it")
            continue
        # Pushed in reverse so problems come out in the order they appear in the file.
        stack.extend((value, (path, key), depth + 1) for key, value in reversed(list(children)))
    return problems


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "a JSON array (a list in [ ])"
    if isinstance(value, str):
        return "a single JSON string"
    if value is None:
        return "JSON null"
    if isinstance(value, bool | int | float):
        return "a single JSON number or true/false"
    return "a JSON value"


def parse_workspace(data: bytes) -> Workspace:
    """Read a workspace file; raise WorkspaceFileError listing every problem found.

    Safe on any input: the size is checked first, only UTF-8 JSON is read, and nothing
    in the file is executed.
    """
    problem = size_problem(len(data))
    if problem:
        raise WorkspaceFileError([problem])
    if not data.strip() or data.strip() == _UTF8_BOM:
        raise WorkspaceFileError(["The file is empty."])
    text = _decode_text(data)
    document = _load_json(text)
    if not isinstance(document, dict):
        raise WorkspaceFileError(
            [
                f"The file holds {_json_type(document)}, but a workspace file is one JSON object "
                f'({{ … }}) that starts with "format": "{WORKSPACE_FORMAT}".'
            ]
        )
    problems = _structure_problems(document)
    if problems:
        raise WorkspaceFileError(problems)
    if "format" not in document:
        raise WorkspaceFileError(
            [f'format: is missing; a workspace file starts with "format": "{WORKSPACE_FORMAT}"']
        )
    if document["format"] != WORKSPACE_FORMAT:
        found = document["format"]
        raise WorkspaceFileError(
            [_shorten(f"format: {found!r} is not a format Tenfold can read; expected {WORKSPACE_FORMAT!r}")]
        )
    if "weights" not in document:
        # The models would fill in default weights; from a file that would silently invent them.
        raise WorkspaceFileError(["weights: is missing; a workspace file gives all ten dimensions a weight (0 to 5)"])
    for field, limit in (("options", MAX_OPTIONS), ("interviews", MAX_INTERVIEWS)):
        value = document.get(field)
        if isinstance(value, list) and len(value) > limit:
            raise WorkspaceFileError(
                [f"{field}: a workspace can hold at most {limit:,} {field}; this file has {len(value):,}"]
            )
    try:
        # Strict: in a file, true is not "yes", 4 is not "4" or 4.0, and a date is "YYYY-MM-DD".
        return Workspace.model_validate_json(text, strict=True)
    except ValidationError as error:
        raise WorkspaceFileError([_shorten(p) for p in describe_validation_error(error)]) from None


# --- writing --------------------------------------------------------------------------------


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _option_fields(option: Option) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": option.id, "kind": option.kind, "name": option.name}
    if option.career is not None:
        fields["career"] = option.career
    fields["notes"] = option.notes
    if option.leaning:
        fields["leaning"] = True
    return fields


def _rating_fields(rating: Rating) -> dict[str, Any]:
    return {"option": rating.option, "dimension": rating.dimension, "score": rating.score, "note": rating.note}


def _interview_lines(interview: Interview) -> list[str]:
    lines = [
        f'      "id": {_line(interview.id)}',
        f'      "kind": {_line(interview.kind)}',
        f'      "date": {_line(interview.date.isoformat())}',
    ]
    if interview.contact is not None:
        contact = interview.contact
        fields = {"name": contact.name, "role": contact.role, "organisation": contact.organisation}
        lines.append(f'      "contact": {_line(fields)}')
    lines.append(f'      "notes": {_line(interview.notes)}')
    lines.append(f'      "options": {_line(interview.informed)}')
    ratings = [f"        {_line(_rating_fields(r))}" for r in interview.ratings]
    lines.append('      "ratings": ' + _block(ratings, "      "))
    return lines


def _block(items: list[str], indent: str, opening: str = "[", closing: str = "]") -> str:
    if not items:
        return opening + closing
    return opening + "\n" + ",\n".join(items) + "\n" + indent + closing


def _elicitation_lines(workspace: Workspace) -> list[str]:
    """`weights_by`, `order` and `swings`, only when the weights were not simply given directly, so a
    workspace that never left direct entry writes the file older readers know (docs/workspace-format.md)."""
    if workspace.weights_by == "direct" and workspace.order is None and workspace.swings is None:
        return []
    lines = [f'  "weights_by": {_line(workspace.weights_by)}']
    for field, answers in (("order", workspace.order), ("swings", workspace.swings)):
        if answers is not None:
            lines.append(f'  "{field}": {_line({key: answers[key] for key in DIMENSION_KEYS})}')
    return lines


def dump_workspace(workspace: Workspace) -> bytes:
    """The workspace as a canonical `tenfold.workspace/1` file (UTF-8 JSON, ending in a newline)."""
    weights = {key: workspace.weights[key] for key in DIMENSION_KEYS}
    options = [f"    {_line(_option_fields(o))}" for o in workspace.options]
    interviews = [_block(_interview_lines(i), "    ", "    {", "}") for i in workspace.interviews]
    top = [
        f'  "format": {_line(WORKSPACE_FORMAT)}',
        f'  "name": {_line(workspace.name)}',
        f'  "weights": {_line(weights)}',
        *_elicitation_lines(workspace),
        '  "options": ' + _block(options, "  "),
        '  "interviews": ' + _block(interviews, "  "),
    ]
    return (_block(top, "", "{", "}") + "\n").encode("utf-8")


def renumber_ids(workspace: Workspace) -> Workspace:
    """The same workspace with ids o1, o2, … (options, in order) and i1, i2, … (interviews).

    For files written from the database, whose ids are its row numbers: the file then says
    nothing about the installation it came from, and two exports of equal content are equal.
    """
    option_ids = {o.id: f"o{n}" for n, o in enumerate(workspace.options, start=1)}
    options = [
        o.model_copy(update={"id": option_ids[o.id], "career": option_ids[o.career] if o.career else None})
        for o in workspace.options
    ]
    interviews = [
        i.model_copy(
            update={
                "id": f"i{n}",
                "options": [option_ids[o] for o in i.informed],
                "ratings": [r.model_copy(update={"option": option_ids[r.option]}) for r in i.ratings],
            }
        )
        for n, i in enumerate(workspace.interviews, start=1)
    ]
    # Validated again, so the result obeys every rule the original did.
    return Workspace.model_validate(
        {**workspace.model_dump(exclude={"options", "interviews"}), "options": options, "interviews": interviews}
    )


# --- describing -----------------------------------------------------------------------------


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def contents_summary(workspace: Workspace) -> str:
    """What a workspace holds, in one line (shown before an import and by `tenfold validate`)."""
    careers = sum(o.kind == "career" for o in workspace.options)
    employers = len(workspace.options) - careers
    talks = sum(i.kind == "interview" for i in workspace.interviews)
    selves = len(workspace.interviews) - talks
    ratings = sum(len(i.ratings) for i in workspace.interviews)
    return (
        f"{_count(len(workspace.options), 'option')} ({_count(careers, 'career')}, "
        f"{_count(employers, 'employer')}), {_count(talks, 'interview')}, "
        f"{_count(selves, 'self-assessment')}, {_count(ratings, 'rating')}"
    )


def workspace_json_schema() -> dict[str, Any]:
    """The JSON Schema of the file, generated from the models.

    Two rules the models enforce in code are added so the schema states them too: a file
    must say its `format`, and `weights` must name all ten dimensions.
    """
    schema = Workspace.model_json_schema()
    schema["required"] = ["format", *schema.get("required", [])]
    schema["properties"]["weights"]["required"] = list(DIMENSION_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Tenfold workspace file ({WORKSPACE_FORMAT})",
        "description": (
            "One participant's careers and employers, interviews, ratings and weights. "
            "Generated from core/models.py by core.workspace_file.workspace_json_schema(); "
            "see docs/workspace-format.md for the rules a schema cannot express."
        ),
        **{key: value for key, value in schema.items() if key not in {"title", "description"}},
    }


def workspace_json_schema_text() -> str:
    """The schema as committed in docs/workspace.schema.json (regenerate with `tenfold schema`)."""
    return json.dumps(workspace_json_schema(), indent=2, ensure_ascii=False) + "\n"
