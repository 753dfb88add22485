"""Workshop access without Streamlit or SQL: join codes, workshop and display names, counsellor
passcodes, and the throttles on signing in and joining.

- A join code is six characters a counsellor can read aloud: capital letters and digits
  without the look-alikes 0/O and 1/I/l. 32 symbols, so about a billion codes; the database
  enforces uniqueness and storage retries on the rare collision.
- A passcode is stored only as a salted scrypt hash (standard library, memory-hard), checked
  in constant time. An unknown join code is checked against a dummy hash so that "no such
  workshop" and "wrong passcode" take the same time.
- A new passcode has at least 12 characters and is not mostly obvious parts (common words, the
  workshop's name, sequences, keyboard rows, repeats, years); older, weaker ones still sign in.
- Sign-in and join attempts are throttled, counted in the database across sessions and
  replicas: the arithmetic (`Rate`, `Backoff`) is here, as frozen values with the clock passed in,
  so tests move time instead of sleeping; core.storage.attempts applies it. Throttles slow an
  attacker down and never lock anyone out for good: the longest wait is a minute (see
  docs/deployment.md, "Counsellor sign-in", for the operator's reset).

Standard library and `core.models` only: storage imports this, and `tenfold ready` imports storage.
What a counsellor sees of the participants is `core.cohort`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.models import TenfoldError, typed_name

# --- join codes ---------------------------------------------------------------------------------

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I (and no lower-case l)
JOIN_CODE_LENGTH = 6
_JOIN_CODE_SEPARATORS = str.maketrans("", "", " -_.\t")

assert len(set(JOIN_CODE_ALPHABET)) == 32 and not set("0O1Il") & set(JOIN_CODE_ALPHABET)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str | None) -> str | None:
    """The join code someone typed ("k7m 4qx", "K7M-4QX"), or None if it cannot be one."""
    code = (text or "").translate(_JOIN_CODE_SEPARATORS).upper()
    if len(code) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in code):
        return None
    return code


def spoken_join_code(code: str) -> str:
    """The code in two groups of three, easier to read aloud and to copy: "K7M 4QX"."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


# --- names ----------------------------------------------------------------------------------------

WORKSHOP_NAME_MAX = 120
DISPLAY_NAME_MAX = 40


def clean_workshop_name(name: str) -> str:
    return typed_name(name, what="The workshop name", limit=WORKSHOP_NAME_MAX,
                      missing="Please give the workshop a name, for example the group and the date.")


def clean_display_name(name: str) -> str:
    return typed_name(name, what="The name your counsellor sees", limit=DISPLAY_NAME_MAX,
                      missing="Please give the name your counsellor will see, for example your first name.")


# --- passcodes ------------------------------------------------------------------------------------

PASSCODE_MIN = 12
PASSCODE_MAX = 128
# Characters that must remain once the obvious parts (below) are taken out: "password2026!" has one.
PASSCODE_OWN_CHARACTERS = 8
PASSCODE_RULE = (
    f"At least {PASSCODE_MIN} characters, not built from a common word, a keyboard row, a sequence, "
    "a year or the workshop's name. Three or four unrelated words with spaces between them are easy "
    "to remember and hard to guess."
)
# scrypt cost: 16 MiB of memory and a few tens of milliseconds per check on a laptop.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_SALT_BYTES = 16
SCRYPT_KEY_BYTES = 32
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_HASH_SCHEME = "scrypt"

# The words every password guesser tries first (and this app's own words): a compact stand-in for a
# strength estimator, matched anywhere in the passcode, also written with digits for letters.
_COMMON_WORDS_TEXT = """password passcode passwort motdepasse contrasena wachtwoord workshop tenfold
    counsellor counselor career careers admin administrator login letmein welcome secret qwerty azerty qwertz iloveyou
    monkey dragon master shadow sunshine princess football baseball soccer hockey superman batman
    starwars trustno whatever freedom hello changeme default guest user root access summer winter
    spring autumn group class student school teacher computer internet
    monday tuesday wednesday thursday friday saturday sunday january february march april june july
    august september october november december"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())
_LEET = str.maketrans("@4310!$57", "aaeioisst")
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop",
              "qwertzuiop", "1qaz2wsx3edc4rfv5tgb", "!@#$%^&*()")
_SEQUENCES = _SEQUENCES + tuple(row[::-1] for row in _SEQUENCES)
_REPEATED = re.compile(r"(.+?)\1+", re.DOTALL)
_YEAR = re.compile(r"(?:19|20)\d\d")
_WORD = re.compile(r"\w{3,}")


def _obvious_parts(passcode: str, workshop_name: str) -> dict[str, set[int]]:
    """Which characters of the passcode are obvious, by why: the positions each pattern covers."""
    plain = passcode.casefold()
    leet = plain.translate(_LEET)  # one character for one: positions stay the same
    found: dict[str, set[int]] = {}

    def mark(reason: str, start: int, end: int) -> None:
        found.setdefault(reason, set()).update(range(start, end))

    for reason, words in (("a common word", COMMON_WORDS),
                          ("the workshop's name", set(_WORD.findall(workshop_name.casefold())))):
        for word in words:
            for text in (plain, leet):
                start = text.find(word)
                while start != -1:
                    mark(reason, start, start + len(word))
                    start = text.find(word, start + 1)
    for start in range(len(plain)):
        for row in _SEQUENCES:
            end = start + 1
            while end < len(plain) and plain[start : end + 1] in row:
                end += 1
            if end - start >= 3:
                mark("a sequence or a keyboard row", start, end)
    for match in _REPEATED.finditer(plain):
        if match.end() - match.start() >= 3:
            mark("repeated characters", match.start(), match.end())
    for match in _YEAR.finditer(plain):
        mark("a year", match.start(), match.end())
    return found


def check_new_passcode(passcode: str, repeated: str | None = None, *, workshop_name: str = "") -> None:
    """Refuse a passcode that is too short or too long, mostly obvious (see PASSCODE_RULE), or mistyped.

    A compact built-in check, not a strength estimator: after taking out common words, the workshop's
    own name, sequences and keyboard rows, repeated characters and years, at least
    PASSCODE_OWN_CHARACTERS characters (spaces not counted) must be left."""
    if len(passcode) < PASSCODE_MIN:
        raise TenfoldError(
            f"Choose a passcode of at least {PASSCODE_MIN} characters, for example three or four "
            "unrelated words with spaces between them."
        )
    if len(passcode) > PASSCODE_MAX:
        raise TenfoldError(f"A passcode can be at most {PASSCODE_MAX} characters.")
    obvious = _obvious_parts(passcode, workshop_name)
    covered = set().union(*obvious.values()) if obvious else set()
    own = [ch for i, ch in enumerate(passcode) if i not in covered and not ch.isspace()]
    if len(own) < PASSCODE_OWN_CHARACTERS:
        reasons = sorted(obvious)
        listed = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]
        raise TenfoldError(
            f"This passcode is too easy to guess: it is mostly {listed or 'spaces'}. "
            "Add a few unrelated words of your own."
        )
    if repeated is not None and not hmac.compare_digest(passcode.encode(), repeated.encode()):
        raise TenfoldError("The two passcodes differ. Type the same passcode twice.")


def new_passcode() -> str:
    """A passcode for an operator to hand over (`tenfold workshop reset-passcode`): 20 characters of
    31 letters and digits without look-alikes, in groups of four: about 99 bits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    while True:
        raw = "".join(secrets.choice(alphabet) for _ in range(20))
        passcode = "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
        try:
            check_new_passcode(passcode)
        except TenfoldError:  # a rare accidental "abc" or year: draw again
            continue
        return passcode


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(passcode: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(passcode.encode(), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=_SCRYPT_MAXMEM)


def hash_passcode(passcode: str) -> str:
    """`scrypt$n$r$p$salt$key`: the only form in which a passcode is ever stored."""
    check_new_passcode(passcode)
    salt = secrets.token_bytes(SCRYPT_SALT_BYTES)
    key = _scrypt(passcode, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_KEY_BYTES)
    return f"{_HASH_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


# Compared against when the join code is unknown, so that case costs the same time.
_DUMMY_HASH = f"{_HASH_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'tenfold-dummy-salt')}${_b64(bytes(32))}"


def check_passcode(passcode: str, stored_hash: str | None) -> bool:
    """Whether `passcode` matches `stored_hash` (None: an unknown workshop, always False)."""
    if len(passcode) > PASSCODE_MAX:  # no stored passcode is longer; still spend the same time
        stored_hash = None
    try:
        scheme, n, r, p, salt, key = (stored_hash or _DUMMY_HASH).split("$")
        if scheme != _HASH_SCHEME:
            return False
        expected = _unb64(key)
        actual = _scrypt(passcode[:PASSCODE_MAX], _unb64(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected) and stored_hash is not None




# --- throttling sign-in and join attempts ----------------------------------------------------------
#
# Counted in the database (core.storage.attempts), so fresh sessions and other replicas share them.
# A throttled attempt is refused before anything is looked up or hashed: it costs no scrypt and tells
# nothing about the code. Two kinds of rule; each attempt passes through several (see below).

# Wall-clock seconds: replicas share the counts, so they must share the clock (tests replace it).
clock: Callable[[], float] = time.time


@dataclass(frozen=True)
class Attempts:
    """What one throttle has counted: failures in a row, and the earliest time of the next check."""

    failures: int = 0
    not_before: float = 0.0


@dataclass(frozen=True)
class Rate:
    """At most `burst` checks at once, then one every `interval` seconds (a leaky bucket: `not_before`
    is when the bucket is empty). With `failures_only`, only failed checks fill it."""

    interval: float
    burst: int = 1
    failures_only: bool = False

    def _level(self, state: Attempts, now: float) -> float:
        # Never fuller than full: a replica whose clock ran ahead (or a clock set back) costs no more.
        return min(max(state.not_before, now), now + self.burst * self.interval)

    def wait(self, state: Attempts, now: float) -> float:
        return max(0.0, self._level(state, now) - now - (self.burst - 1) * self.interval)

    def _filled(self, state: Attempts, now: float) -> Attempts:
        return Attempts(state.failures, self._level(state, now) + self.interval)

    def after_check(self, state: Attempts, now: float) -> Attempts:
        return state if self.failures_only else self._filled(state, now)

    def after_outcome(self, state: Attempts, now: float, ok: bool) -> Attempts:
        return self._filled(state, now) if self.failures_only and not ok else state


@dataclass(frozen=True)
class Backoff:
    """After `free_failures` failures in a row, each further one makes the next check wait twice as
    long as the one before, from `first_delay` up to `max_delay`; a success starts again from zero."""

    free_failures: int
    first_delay: float
    max_delay: float

    def delay(self, failures: int) -> float:
        if failures <= self.free_failures:
            return 0.0
        return min(self.first_delay * 2 ** (failures - self.free_failures - 1), self.max_delay)

    def wait(self, state: Attempts, now: float) -> float:
        return min(max(0.0, state.not_before - now), self.max_delay)  # (a clock set back: see Rate)

    def after_check(self, state: Attempts, now: float) -> Attempts:
        return state

    def after_outcome(self, state: Attempts, now: float, ok: bool) -> Attempts:
        if ok:
            return Attempts()
        failures = state.failures + 1
        return Attempts(failures, now + self.delay(failures))


Rule = Rate | Backoff

# A counsellor's passcode check passes four throttles. Keyed by the join code as typed (normalised),
# not by workshop, so a code that exists and one that does not behave alike.
SIGN_IN_PER_CODE = Rate(interval=1.25)  # from everywhere: at most 48 checks a minute for one code
SIGN_IN_PER_CODE_AND_CLIENT = Backoff(free_failures=3, first_delay=2.0, max_delay=60.0)
SIGN_IN_PER_CLIENT = Rate(interval=2.0, burst=5)  # one address trying many codes
SIGN_IN_ALL = Rate(interval=0.1, burst=20)  # scrypt's CPU: at most 10 checks a second in all
# A participant's join code: only wrong codes count, generously (a whole room shares one address).
JOIN_PER_CLIENT = Rate(interval=3.0, burst=10, failures_only=True)
JOIN_ALL = Rate(interval=1.0, burst=60, failures_only=True)  # the backstop: 60 wrong codes a minute
ATTEMPTS_KEPT_SECONDS = 24 * 60 * 60  # a throttle's row is forgotten a day after its last use


def sign_in_throttles(code: str, client: str) -> list[tuple[str, Rule]]:
    return [
        (f"sign-in:code:{code}", SIGN_IN_PER_CODE),
        (f"sign-in:code:{code}:client:{client}", SIGN_IN_PER_CODE_AND_CLIENT),
        (f"sign-in:client:{client}", SIGN_IN_PER_CLIENT),
        ("sign-in:all", SIGN_IN_ALL),
    ]


def join_throttles(client: str) -> list[tuple[str, Rule]]:
    return [(f"join:client:{client}", JOIN_PER_CLIENT), ("join:all", JOIN_ALL)]


def client_key(address: str | None) -> str:
    """How a throttle names a client: a short hash of its address, never the address."""
    return hashlib.sha256((address or "local").encode()).hexdigest()[:16]


def client_network(address: str | None) -> str:
    """The address as the sign-in record keeps it: its network only (IPv4 /24, IPv6 /48)."""
    if not address:
        return "local"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _seconds(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    return f"{whole} second{'s' if whole != 1 else ''}"


def sign_in_wait_message(seconds: float) -> str:
    return (
        f"Too many sign-in attempts just now. Try again in {_seconds(seconds)}. If this keeps happening, "
        "the person who runs Tenfold can give you a new passcode."
    )


SIGN_IN_REFUSED = "This join code and passcode do not open a workshop. Check both and try again."


def join_wait_message(seconds: float) -> str:
    return f"Too many wrong join codes from here just now. Try again in {_seconds(seconds)}."
