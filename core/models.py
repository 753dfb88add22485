"""The domain as pydantic v2 models, shared by the app, storage and the workspace file.

`Workspace` is also the `tenfold.workspace/1` file format (see docs/workspace-format.md):
unknown fields are refused, and every cross-record rule (unique ids and names, links
that point somewhere, at most one leaning of each kind) is checked here, once.

Every input rule lives here, once: storage checks what a participant writes by building these
models (`validated`), and says what is wrong in the sentence a workspace file gets.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from core.dimensions import (
    DIMENSION_KEYS,
    SCORE_MAX,
    SCORE_MIN,
    WEIGHT_DEFAULT,
    WEIGHT_MAX,
    WEIGHT_MIN,
)
from core.elicitation import NOT_RANKED, SWING_MAX, WeightsBy, derived_weights, rounded_weights

WORKSPACE_FORMAT = "tenfold.workspace/1"

NAME_MAX = 120
NOTE_MAX = 2000
NOTES_MAX = 10_000
ID_MAX = 64
# How much one workspace and one workshop may hold. Storage refuses a write that would go past
# them and a workspace file that does; a workspace already past them (older data) still loads.
MAX_OPTIONS = 500
MAX_INTERVIEWS = 2000
MAX_WORKSHOP_MEMBERS = 300

OptionKind = Literal["career", "employer"]
# The two decisions, in the order every page, file and export shows them: the field before the organisation.
OPTION_KINDS: tuple[str, ...] = ("career", "employer")
InterviewKind = Literal["interview", "self"]
DimensionKey = Literal[
    "culture",
    "industry_outlook",
    "entry_requirements",
    "education",
    "career_path",
    "lessons_learned",
    "competitive_edge",
    "confidence",
    "typical_day",
    "network",
]
assert set(DimensionKey.__args__) == set(DIMENSION_KEYS)  # type: ignore[attr-defined]

# What no text may hold: control characters (PostgreSQL cannot store NUL at all, and the others are
# invisible or break a line) and lone surrogates (not UTF-8, so no database can store them). Notes
# keep their tabs and line breaks.
_NOT_IN_NOTES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


# Unicode's explicit direction controls: embeddings and overrides (U+202A–U+202E) and isolates
# (U+2066–U+2069). An override reverses the letters after it, so "\u202eanaid" shows as "diana", and
# an unclosed one reverses the text that follows the name too (Unicode's UAX #9). They are refused in
# one-line text (names, roles, organisations) and kept in notes, which are shown isolated
# (`isolate_direction`). The marks U+200E, U+200F and U+061C are allowed: each acts as one invisible
# letter of its direction, so it can move spaces and digits next to it but never reverse letters,
# and right-to-left writers need them; `name_key` ignores them, so they cannot tell two names apart.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c]")
_ISOLATE_OPENERS = "\u2066\u2067\u2068"  # LRI, RLI, FSI
_FSI, _PDI = "\u2068", "\u2069"


def isolate_direction(text: str) -> str:
    """Text shown inside other text with its direction controls kept in it: each line, if it holds
    any control or mark, is wrapped in FSI…PDI (first-strong isolate) with its own isolates balanced,
    so no override, embedding or mark in it can reorder what comes before or after it (UAX #9:
    a PDI closes every embedding and override opened since its isolate). Idempotent."""
    if not (DIRECTION_CONTROLS.search(text) or _DIRECTION_MARKS.search(text)):
        return text
    return "\n".join(_isolated_line(line) for line in text.split("\n"))


def _isolated_line(line: str) -> str:
    if not (DIRECTION_CONTROLS.search(line) or _DIRECTION_MARKS.search(line)):
        return line
    kept, depth = [], 0
    for ch in line:
        if ch in _ISOLATE_OPENERS:
            depth += 1
        elif ch == _PDI:
            if depth == 0:
                continue  # it would close the isolate around the line, and let the rest escape
            depth -= 1
        kept.append(ch)
    balanced = "".join(kept) + _PDI * depth
    if balanced.startswith(_FSI) and _closes_at_end(balanced):
        return balanced
    return _FSI + balanced + _PDI


def _closes_at_end(balanced: str) -> bool:
    """Whether the isolate opened by the first character of `balanced` is closed by its last."""
    depth = 0
    for i, ch in enumerate(balanced):
        depth += ch in _ISOLATE_OPENERS
        depth -= ch == _PDI
        if depth == 0:
            return i == len(balanced) - 1
    return False


def clean_notes(text: str) -> str:
    """Free text as it will be stored: composed Unicode (NFC), and refused if it holds a control
    character (ValueError, with a message for the participant)."""
    text = unicodedata.normalize("NFC", text)
    bad = _NOT_IN_NOTES.search(text)
    if bad:
        raise ValueError(f"contains an invisible control character (U+{ord(bad.group()):04X}); please remove it")
    return text


def salvaged(text: str | None) -> str:
    """Text stored before these rules, made to follow them without refusing it: composed, and its
    control characters dropped (tabs and line breaks kept)."""
    return _NOT_IN_NOTES.sub("", unicodedata.normalize("NFC", text or ""))


def has_visible_character(text: str) -> bool:
    return any(ch.isprintable() and not ch.isspace() for ch in text)


def clean_line(text: str) -> str:
    """One line of text as it will be stored: as `clean_notes`, with each run of spaces, tabs or
    line breaks made one space and none at either end, and no direction control (see above)."""
    text = clean_notes(" ".join(text.split()))
    bad = DIRECTION_CONTROLS.search(text)
    if bad:
        raise ValueError(
            f"contains an invisible character that reverses or reorders text (U+{ord(bad.group()):04X}); "
            "please remove it"
        )
    return text


def salvaged_line(text: str | None) -> str:
    """One-line text stored before these rules, made to follow them without refusing it: as
    `salvaged`, its direction controls dropped and its spacing made one line."""
    return " ".join(DIRECTION_CONTROLS.sub("", salvaged(text)).split())


EMPTY = "must not be empty"  # the refusal of an empty name, which a form words as a prompt


def clean_name(text: str) -> str:
    """A name as it will be stored: one clean line with at least one visible character, so that
    no option or person is listed as a blank."""
    text = clean_line(text)
    if not text:
        raise ValueError(EMPTY)
    if not has_visible_character(text):
        raise ValueError("must have at least one visible character")
    return text


def name_key(name: str) -> str:
    """The form in which two names count as the same: ignoring case, spacing, invisible characters
    and different encodings of one letter ("Café" typed composed or decomposed, "Ｎｕｒｓｅ").
    At most NAME_MAX characters, as the database stores it: NFKC can make one character many."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    key = " ".join(text.split()).casefold()
    if len(key) > NAME_MAX:  # keep the start readable; the digest keeps different keys apart
        key = key[: NAME_MAX - 17] + "~" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return key


def fits(limit: int) -> Callable[[str], str]:
    """A check of the length of text as it will be stored: composing it (NFC) can lengthen it."""

    def check(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"can be at most {limit} characters")
        return text

    return check


def _stored_text(clean: Callable[[str], str], limit: int, *, required: bool = False) -> Any:
    """Text as the models take it: at most `limit` characters as typed and as stored, cleaned."""
    typed = StringConstraints(min_length=1 if required else None, max_length=limit)
    return Annotated[str, typed, AfterValidator(clean), AfterValidator(fits(limit))]


Name = _stored_text(clean_name, NAME_MAX, required=True)
OptionalText = _stored_text(clean_line, NAME_MAX)
Note = _stored_text(clean_notes, NOTE_MAX)
Notes = _stored_text(clean_notes, NOTES_MAX)
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=ID_MAX)]
Score = Annotated[int, Field(strict=True, ge=SCORE_MIN, le=SCORE_MAX)]
Weight = Annotated[int, Field(strict=True, ge=WEIGHT_MIN, le=WEIGHT_MAX)]
# A dimension's place in order of importance (1 first; equal places tie; 0 does not matter), and
# a swing answer, 0-100 (docs/scoring.md, "Weights").
OrderPlace = Annotated[int, Field(strict=True, ge=NOT_RANKED, le=len(DIMENSION_KEYS))]
Swing = Annotated[int, Field(strict=True, ge=0, le=SWING_MAX)]


def typed_name(text: str | None, *, what: str, missing: str, limit: int) -> str:
    """A name a person typed, as it will be stored (a `Name` of at most `limit` characters), or a
    TenfoldError: `missing` when it is empty, else the models' sentence about `what`."""
    return validated(_names_of_at_most(limit).validate_python, text or "", subjects={"": what}, missing={"": missing})


@functools.cache
def _names_of_at_most(limit: int) -> TypeAdapter[str]:
    return TypeAdapter(_stored_text(clean_name, limit, required=True))


class TenfoldError(ValueError):
    """A problem a participant can fix; its message is shown to them as it is."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Record):
    id: RecordId
    kind: OptionKind
    name: Name
    notes: Notes = ""
    career: RecordId | None = None
    leaning: bool = False

    @model_validator(mode="after")
    def _career_only_for_employers(self) -> Option:
        if self.kind == "career" and self.career is not None:
            raise ValueError("only an employer can belong to a career")
        return self


class Rating(_Record):
    option: RecordId
    dimension: DimensionKey
    score: Score
    note: Note = ""


class Contact(_Record):
    name: Name
    role: OptionalText = ""
    organisation: OptionalText = ""


class Interview(_Record):
    id: RecordId
    kind: InterviewKind
    date: dt.date
    contact: Contact | None = None
    notes: Notes = ""
    # The options this interview informed. Optional in files (Tenfold writes it so that an
    # informed option without ratings survives a round trip); when absent, the rated options.
    options: list[RecordId] | None = None
    ratings: list[Rating] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Interview:
        if self.kind == "interview" and self.contact is None:
            raise ValueError("an interview needs a contact (at least a name)")
        if self.kind == "self" and self.contact is not None:
            raise ValueError("a self-assessment has no contact")
        seen: set[tuple[str, str]] = set()
        for rating in self.ratings:
            pair = (rating.option, rating.dimension)
            if pair in seen:
                raise ValueError(
                    f"option {rating.option} is rated twice on {rating.dimension} in one interview"
                )
            seen.add(pair)
        if self.options is not None:
            if len(set(self.options)) != len(self.options):
                raise ValueError("an informed option is listed twice")
            stray = {r.option for r in self.ratings} - set(self.options)
            if stray:
                raise ValueError(f"ratings name options not listed as informed: {sorted(stray)}")
        return self

    @property
    def informed(self) -> list[str]:
        if self.options is not None:
            return list(self.options)
        return list(dict.fromkeys(r.option for r in self.ratings))


def default_weights() -> dict[str, int]:
    return {key: WEIGHT_DEFAULT for key in DIMENSION_KEYS}


class Workspace(_Record):
    format: Literal["tenfold.workspace/1"] = WORKSPACE_FORMAT
    name: OptionalText = ""
    weights: dict[DimensionKey, Weight] = Field(default_factory=default_weights)
    # How the weights were given (core/elicitation.py): "direct" (the 0-5 `weights` above), or an
    # `order` of importance, refined by `swings`. Then `weights` holds the derived weights rounded,
    # for older readers, and scoring uses the unrounded ones (`scoring_weights`).
    weights_by: WeightsBy = "direct"
    order: dict[DimensionKey, OrderPlace] | None = None
    swings: dict[DimensionKey, Swing] | None = None
    # The counts are limits on writing (`limit_problems`), not on reading: a workspace over them
    # must still load, to be exported and trimmed. The file's schema states them all the same.
    options: list[Option] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_OPTIONS})
    interviews: list[Interview] = Field(default_factory=list, json_schema_extra={"maxItems": MAX_INTERVIEWS})

    @field_validator("weights")
    @classmethod
    def _all_ten_weights(cls, weights: dict[str, int]) -> dict[str, int]:
        missing = [key for key in DIMENSION_KEYS if key not in weights]
        if missing:
            raise ValueError(f"weights are missing for: {', '.join(missing)}")
        if not any(weights.values()):
            raise ValueError("at least one dimension must matter (a weight above 0)")
        return {key: weights[key] for key in DIMENSION_KEYS}

    @field_validator("order", "swings")
    @classmethod
    def _all_ten_answers(cls, answers: dict[str, int] | None, info: Any) -> dict[str, int] | None:
        if answers is None:
            return None
        missing = [key for key in DIMENSION_KEYS if key not in answers]
        if missing:
            raise ValueError(f"{info.field_name} is missing for: {', '.join(missing)}")
        return {key: answers[key] for key in DIMENSION_KEYS}

    @model_validator(mode="after")
    def _elicited_weights(self) -> Workspace:
        """An order (and swings) must be there when the weights come from them; the whole-number
        `weights` are then the derived ones rounded, whatever a file said (one rule, here)."""
        if self.weights_by == "direct":
            return self
        if self.order is None or not any(self.order.values()):
            raise ValueError("weights by order need an order in which at least one dimension matters")
        if self.weights_by == "swing":
            if self.swings is None:
                raise ValueError("weights by swing need the swing answers")
            if not any(self.swings[key] for key, place in self.order.items() if place != NOT_RANKED):
                raise ValueError("at least one swing answer of a dimension in the order must be above 0")
        object.__setattr__(self, "weights", rounded_weights(self.scoring_weights))  # frozen: set once, here
        return self

    @property
    def scoring_weights(self) -> dict[str, float]:
        """The weights scores are computed with, on the 0-5 scale (floats when derived)."""
        return derived_weights(self.weights_by, self.weights, self.order, self.swings)

    @model_validator(mode="after")
    def _links(self) -> Workspace:
        problems = workspace_link_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    @property
    def leanings(self) -> dict[str, Option]:
        """The current leaning of each kind that has one, careers first (DESIGN: at most one of each)."""
        found = {o.kind: o for o in reversed(self.options) if o.leaning}
        return {kind: found[kind] for kind in OPTION_KINDS if kind in found}

    @property
    def leaning(self) -> Option | None:
        """The first of `leanings`: the career leaning, else the employer leaning."""
        return next(iter(self.leanings.values()), None)


def workspace_link_problems(ws: Workspace) -> list[str]:
    """Every cross-record rule a workspace breaks, as plain sentences."""
    problems: list[str] = []
    ids: dict[str, Option] = {}
    names: dict[str, str] = {}
    for index, option in enumerate(ws.options):
        if option.id in ids:
            problems.append(f"options[{index}]: the id '{option.id}' is used twice")
        ids[option.id] = option
        key = name_key(option.name)
        if key in names:
            problems.append(f"options[{index}]: {option_name_taken(names[key])}")
        names[key] = option.name
    for index, option in enumerate(ws.options):
        if option.career is None:
            continue
        target = ids.get(option.career)
        if target is None:
            problems.append(f"options[{index}]: {career_not_in_workspace(option.name, option.career)}")
        elif target.kind != "career":
            problems.append(f"options[{index}]: {career_is_an_employer(option.name, target.name)}")
    for kind in OPTION_KINDS:
        leanings = [o.name for o in ws.options if o.leaning and o.kind == kind]
        if len(leanings) > 1:
            problems.append(too_many_leanings(kind, len(leanings)))
    interview_ids: set[str] = set()
    for index, interview in enumerate(ws.interviews):
        if interview.id in interview_ids:
            problems.append(f"interviews[{index}]: the id '{interview.id}' is used twice")
        interview_ids.add(interview.id)
        for option_id in interview.informed:
            if option_id not in ids:
                problems.append(
                    f"interviews[{index}]: refers to option '{option_id}', "
                    "which is not in this workspace"
                )
    return problems


def limit_problems(ws: Workspace) -> list[str]:
    """What a workspace holds beyond the limits on writing (`MAX_OPTIONS`, `MAX_INTERVIEWS`), as
    plain sentences: storage refuses to write such a workspace; where one is loaded, a banner says it."""
    counts = (("options", len(ws.options), MAX_OPTIONS), ("interviews", len(ws.interviews), MAX_INTERVIEWS))
    return [
        f"It holds {count:,} {what}, more than the {limit:,} a workspace can hold."
        for what, count, limit in counts
        if count > limit
    ]


def limit_reached(what: str, count: int, limit: int) -> str:
    """The refusal of one more record at a limit (or past it, in older data), for the person adding it."""
    if count > limit:
        return f"This workspace holds {count:,} {what}, more than the {limit:,} it can hold. Delete some first."
    return f"This workspace already holds {limit:,} {what}, the most it can hold. Delete one before adding another."


# The rules that storage checks against the database too, in the one wording both use.


def option_name_taken(name: str) -> str:
    return f"an option called '{name}' already exists"


def career_not_in_workspace(option_name: str, career: str) -> str:
    return f"'{option_name}' names career '{career}', which is not an option in this workspace"


def career_is_an_employer(option_name: str, career_name: str) -> str:
    return f"'{option_name}' names '{career_name}' as its career, but that option is an employer"


def too_many_leanings(kind: str, count: int) -> str:
    return f"only one {kind} can be the current leaning, not {count}"


# --- the models' refusals in plain words ------------------------------------------------------

T = TypeVar("T")


def validated(
    validate: Callable[[Any], T],
    value: Any,
    *,
    subjects: Mapping[str, str] | None = None,
    missing: Mapping[str, str] | None = None,
) -> T:
    """`validate(value)` (a model's `model_validate`, or a TypeAdapter's `validate_python`), or a
    TenfoldError with the models' sentence for its first problem, for the person who typed it.

    `subjects` names what a message about a field is about, by its location ("contact.name": "A
    name" gives "A name contains an invisible control character ..."; "" is the value itself);
    `missing` words the refusal of an empty or absent field as a prompt instead ("Please give
    the option a name.").
    """
    try:
        return validate(value)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        raise TenfoldError(_sentence_for(problem, subjects or {}, missing or {})) from None


def _sentence_for(item: dict, subjects: Mapping[str, str], missing: Mapping[str, str]) -> str:  # type: ignore[type-arg]
    loc = item.get("loc", ())
    where = _location(loc)
    message = _plain_message(item).splitlines()[0]
    if where in missing and (message == EMPTY or item.get("input") is None):
        return missing[where]
    # A key that should not be there ('salary' among the weights) is itself what the message is about.
    subject = repr(item.get("input")) if "[key]" in loc else subjects.get(where, "")
    return sentence(f"{subject} {message}" if subject else message)


def sentence(message: str) -> str:
    """A model's message as a sentence of its own: "An option called 'Nursing' already exists."."""
    return message[:1].upper() + message[1:] + "."


def describe_validation_error(error: ValidationError) -> list[str]:
    """Pydantic's errors as plain sentences that say what is wrong and where."""
    lines = []
    for item in error.errors(include_url=False):
        where = _location(item.get("loc", ()))
        # A cross-record check reports several problems at once, one per line.
        for message in _plain_message(item).splitlines():
            lines.append(f"{where}: {message}" if where else message)
    return lines


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in {"function-after", "model", "[key]"} or str(part).startswith(("function-", "tagged")):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text


def _plain_message(item: dict) -> str:  # type: ignore[type-arg]
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    if kind == "extra_forbidden":
        return "is not a field Tenfold knows (unknown field)"
    if kind == "missing":
        return "is required but missing"
    if kind == "literal_error" and "[key]" in item.get("loc", ()):
        return f"is not one of the ten dimensions ({ctx.get('expected', '')})"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', 'the allowed values')}, not {item.get('input')!r}"
    # A rating or weight that is out of range or not a whole number: either way, say what it can be.
    whole_number = kind in {"greater_than_equal", "less_than_equal", "int_type", "int_from_float"}
    if whole_number and "score" in map(str, item.get("loc", ())):
        return f"a rating must be a whole number from {SCORE_MIN} to {SCORE_MAX}, not {item.get('input')!r}"
    if whole_number and "weights" in map(str, item.get("loc", ())):
        return f"a weight must be a whole number from {WEIGHT_MIN} to {WEIGHT_MAX}, not {item.get('input')!r}"
    if kind.startswith("date_"):
        return f"must be a date written as YYYY-MM-DD, not {item.get('input')!r}"
    if kind == "too_long":
        return f"can hold at most {ctx.get('max_length')} entries, not {ctx.get('actual_length')}"
    if kind in {"list_type", "dict_type", "model_type", "string_type", "bool_type"}:
        wanted = {"list_type": "a list [ … ]", "dict_type": "an object { … }", "model_type": "an object { … }",
                  "string_type": "text in quotes", "bool_type": "true or false"}[kind]
        return f"must be {wanted}, not {item.get('input')!r}"
    if kind == "int_type" or kind == "int_from_float":
        return f"must be a whole number, not {item.get('input')!r}"
    if kind == "string_too_short":
        return EMPTY
    if kind == "string_too_long":
        return f"can be at most {ctx.get('max_length')} characters"
    if kind == "value_error":
        return str(ctx.get("error", item.get("msg", "")))
    return str(item.get("msg", "is not valid"))
