"""Bad workspace files too big (or too binary) to commit, written at test time.

    python tests/data/make_bad_workspaces.py OUT_DIR    # writes them all into OUT_DIR

`GENERATED` maps each file name to (writer, the message fragment it must be refused with);
the committed corpus and its fragments are in bad_workspaces/expected.json.
"""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

WEIGHTS = {
    "culture": 4, "industry_outlook": 3, "entry_requirements": 3, "education": 2, "career_path": 5,
    "lessons_learned": 1, "competitive_edge": 2, "confidence": 3, "typical_day": 5, "network": 2,
}  # fmt: skip


def _workspace(**fields: object) -> dict[str, object]:
    return {"format": "tenfold.workspace/1", "name": "Generated", "weights": WEIGHTS, **fields}


def huge_50mb(path: Path) -> None:
    """Valid-looking JSON whose one note is 50 MB: refused by size before it is read."""
    head = json.dumps(_workspace(options=[]))[:-1] + ', "padding": "'
    with path.open("wb") as handle:
        handle.write(head.encode())
        chunk = b"x" * 1_000_000
        for _ in range(50):
            handle.write(chunk)
        handle.write(b'"}')


def options_10000(path: Path) -> None:
    """10,000 well-formed options (under the size limit), far more than a workspace may hold."""
    options = [{"id": f"o{n}", "kind": "career", "name": f"Career {n}"} for n in range(1, 10_001)]
    path.write_text(json.dumps(_workspace(options=options), separators=(",", ":")), encoding="utf-8")


def interviews_5000(path: Path) -> None:
    interviews = [{"id": f"i{n}", "kind": "self", "date": "2026-11-02"} for n in range(1, 5_001)]
    path.write_text(json.dumps(_workspace(interviews=interviews), separators=(",", ":")), encoding="utf-8")


def nested_100k(path: Path) -> None:
    """100,000 opening brackets: json.loads alone would raise RecursionError."""
    path.write_text("[" * 100_000, encoding="ascii")


def pickled(path: Path) -> None:
    """A pickle of a harmless dict; Tenfold must refuse it without ever unpickling."""
    path.write_bytes(pickle.dumps(_workspace(), protocol=pickle.HIGHEST_PROTOCOL))


def pickled_protocol_0(path: Path) -> None:
    """Protocol 0 pickles are ASCII text; they must fail as not-JSON, never be loaded."""
    path.write_bytes(pickle.dumps({"format": "tenfold.workspace/1"}, protocol=0))


def random_binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


GENERATED: dict[str, tuple[Callable[[Path], None], str]] = {
    "huge_50mb.json": (
        huge_50mb,
        "bytes (50 MB); a workspace file can be at most 10,000,000 bytes (10 MB).",
    ),
    "options_10000.json": (options_10000, "options: a workspace can hold at most 500 options; this file has 10,000"),
    "interviews_5000.json": (
        interviews_5000,
        "interviews: a workspace can hold at most 2,000 interviews; this file has 5,000",
    ),
    "nested_100k.json": (nested_100k, "nests brackets more than 10 levels deep"),
    "pickle.pkl": (pickled, "The file is a Python pickle; Tenfold never opens pickles."),
    "pickle_protocol_0.pkl": (pickled_protocol_0, "The file is not valid JSON: expecting value at line 1, column 1."),
    "random_binary.bin": (random_binary, "The file is not UTF-8 text: byte 128 (line 2) is 0x80"),
}


def write_all(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (write, _) in GENERATED.items():
        write(out / name)
        paths[name] = out / name
    return paths


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1])).values():
        print(path)
