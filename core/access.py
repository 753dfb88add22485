"""Workshop access without Streamlit or SQL: join codes, workshop and display names, counsellor
passcodes and the sign-in guard.

- A join code is six characters a counsellor can read aloud: capital letters and digits
  without the look-alikes 0/O and 1/I/l. 32 symbols, so about a billion codes; the database
  enforces uniqueness and storage retries on the rare collision.
- A passcode is stored only as a salted scrypt hash (standard library, memory-hard), checked
  in constant time. An unknown join code is checked against a dummy hash so that "no such
  workshop" and "wrong passcode" take the same time.
- Sign-in failures are counted per browser session: after `MAX_FAILURES` wrong tries in a row
  the session is locked for `LOCK_SECONDS` (doubling with each further lock, up to
  `LOCK_SECONDS_MAX`), and during a lock even the right passcode is refused. The guard is a
  frozen value with the clock passed in, so tests move time instead of sleeping.

Standard library and `core.models` only: storage imports this, and `tenfold ready` imports storage.
What a counsellor sees of the participants is `core.cohort`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

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

PASSCODE_MIN = 8
PASSCODE_MAX = 128
# scrypt cost: 16 MiB of memory and a few tens of milliseconds per check on a laptop.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_SALT_BYTES = 16
SCRYPT_KEY_BYTES = 32
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_HASH_SCHEME = "scrypt"


def check_new_passcode(passcode: str, repeated: str | None = None) -> None:
    """Refuse a passcode that is too short, too long, one repeated character or mistyped."""
    if len(passcode) < PASSCODE_MIN:
        raise TenfoldError(f"Choose a passcode of at least {PASSCODE_MIN} characters.")
    if len(passcode) > PASSCODE_MAX:
        raise TenfoldError(f"A passcode can be at most {PASSCODE_MAX} characters.")
    if len(set(passcode)) == 1:
        raise TenfoldError("Choose a passcode that is not one character repeated.")
    if repeated is not None and not hmac.compare_digest(passcode.encode(), repeated.encode()):
        raise TenfoldError("The two passcodes differ. Type the same passcode twice.")


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


# --- the sign-in guard ----------------------------------------------------------------------------

MAX_FAILURES = 5  # wrong passcodes in a row before this session is locked
LOCK_SECONDS = 5 * 60
LOCK_SECONDS_MAX = 60 * 60
FAILURE_DELAY_SECONDS = 0.2  # each wrong try waits this much longer than the one before
FAILURE_DELAY_MAX_SECONDS = 1.0

# The clock the guard is read with; tests replace it (monotonic: a changed wall clock cannot unlock).
clock: Callable[[], float] = time.monotonic


@dataclass(frozen=True)
class SignInGuard:
    """Wrong passcodes in a row in one browser session, and the lock they led to."""

    failures: int = 0
    locks: int = 0
    locked_until: float = 0.0

    def seconds_locked(self, now: float) -> float:
        return max(0.0, self.locked_until - now)

    def is_locked(self, now: float) -> bool:
        return self.seconds_locked(now) > 0

    def after_failure(self, now: float) -> SignInGuard:
        failures = self.failures + 1
        if failures < MAX_FAILURES:
            return replace(self, failures=failures)
        lock = min(LOCK_SECONDS * 2**self.locks, LOCK_SECONDS_MAX)
        return SignInGuard(failures=0, locks=self.locks + 1, locked_until=now + lock)

    def after_success(self) -> SignInGuard:
        return SignInGuard()

    def delay(self) -> float:
        """How long to hold back the answer to the latest wrong try."""
        return min(FAILURE_DELAY_SECONDS * self.failures, FAILURE_DELAY_MAX_SECONDS)


def lock_message(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    return (
        f"Too many wrong passcodes from this browser. Signing in is paused for "
        f"{minutes} minute{'s' if minutes != 1 else ''}; after that you can try again."
    )
