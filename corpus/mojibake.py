"""Repairing text garbled by a GBK round trip that lost a lead byte.

Scraped government pages show a recurring corruption: one byte of a GBK double-byte character
is lost (the page shows ``?`` there) and the bytes after it are decoded one byte out of step,
pairing each trail byte with the next lead byte, until an ASCII byte realigns the decoder.
``?。ㄒ唬┚C合整治重點`` is ``　（一）綜合整治重點`` whose first byte (0xA1 of the ideographic
space) was lost.

The repair is general: at a ``?`` followed by a non-ASCII run, encode the run back to GBK, put
each candidate lead byte in front, decode again, and keep the reading only when it is clearly
more plausible Chinese (:mod:`corpus.plausibility`). After realignment both readings agree, so
only the differing stretch is compared and replaced.

Some losses also swallowed whole characters behind a fixed marker. In the Zhejiang 2021 page
the GBK bytes of 危化 became ``?;`` and the lead byte 0xC6 of 品 was lost, so
``?;奉I域`` is 危化 + GBK(0xC6 + bytes of 奉I域) = 危化品領域, and a bare ``?;?`` is 危化品.
Those markers are listed in :data:`KNOWN_LOSSES` (evidence read off the files, not guesses);
the lead-byte restoration behind them is the same general step.

Bytes lost for good (a dangling lead byte, a pair that decodes to a character rarer than one
in a million) become ``□`` — the conventional mark for an illegible character — and the place
is reported as unrepaired instead of guessed. The output keeps the script the bytes encode.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from corpus.plausibility import char_logp, is_rare, word_logp
from corpus.script import to_simplified

#: The mark put where a character's bytes are lost for good.
LOST = "□"

#: A marker seen in place of a lost word: the word's text, but for its last character whose
#: GBK lead byte was lost and whose trail byte starts the out-of-step run that follows.
KNOWN_LOSSES: dict[str, str] = {"?;": "危化品"}

# A "?" (or U+FFFD) is where a decoder gave up on a byte.
_MARK = re.compile(r"[?\ufffd]")
# Runs longer than this without realigning are not re-decoded (real GBK text realigns within
# a few characters at the next ASCII byte: a digit, a comma, a Latin letter).
_MAX_RUN = 40
# How much more plausible (mean natural-log frequency per character) a re-decoded stretch
# must be than the stretch as it stands: e^1.5 ≈ 4.5 times. Ordinary text is safe anyway:
# re-read one byte out of step, real Chinese turns into debris and only loses plausibility.
_MARGIN = 1.5
# Characters of context on each side when lead bytes compete on words.
_CONTEXT = 3
# A first character less than twice as likely (in context) as the runner-up is not chosen.
_AMBIGUOUS = math.log(2.0)
# GBK's euro sign (Windows code page 936); Python's gbk codec lacks it but pages have it.
_EURO = 0x80
# A lost character scores like one in a million characters of running text.
_LOST_LOGP = math.log(1e-6)


@dataclass(frozen=True)
class Repair:
    """Text after repair, with the places changed.

    ``repaired`` spans cover words fully restored, ``unrepaired`` spans words restored only in
    part (they contain :data:`LOST`); both are ``[start, end)`` offsets in ``text``.
    """

    text: str
    repaired: tuple[tuple[int, int], ...] = ()
    unrepaired: tuple[tuple[int, int], ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.repaired or self.unrepaired)


@dataclass(frozen=True)
class _Fix:
    start: int  # offset in the input where the replaced stretch begins
    end: int  # offset in the input where it ends
    text: str  # replacement
    complete: bool  # no byte lost for good


def repair_mojibake(text: str) -> Repair:
    """Repair every lead-byte loss in ``text``; text without such damage is returned unchanged."""
    fixes: list[_Fix] = []
    evidence = _Evidence(text)
    pos = 0
    while (match := _MARK.search(text, pos)) is not None:
        fix = _known_loss(text, match.start()) or _lost_lead_byte(text, match.start(), evidence)
        if fix is None:
            pos = match.end()
            continue
        fixes.append(fix)
        pos = fix.end
    return _apply(text, fixes)


class _Evidence:
    """Character pairs of the document itself, counted on first use.

    A document repeats its own vocabulary: when 落實 occurs twenty times in it, a damaged
    ``?實`` is far more likely 落實 than 其實, though 其实 is the commoner word in general
    (a cache language model, in speech-recognition terms).
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._pairs: Counter[str] | None = None

    def log_count(self, pair: str) -> float:
        if self._pairs is None:
            simplified = to_simplified(self._text)
            self._pairs = Counter(simplified[i : i + 2] for i in range(len(simplified) - 1))
        return math.log1p(self._pairs[to_simplified(pair)])


def _apply(text: str, fixes: list[_Fix]) -> Repair:
    parts: list[str] = []
    repaired: list[tuple[int, int]] = []
    unrepaired: list[tuple[int, int]] = []
    last = 0
    length = 0
    for fix in fixes:
        parts.append(text[last : fix.start])
        length += fix.start - last
        span = (length, length + len(fix.text))
        (repaired if fix.complete else unrepaired).append(span)
        parts.append(fix.text)
        length += len(fix.text)
        last = fix.end
    parts.append(text[last:])
    return Repair("".join(parts), tuple(repaired), tuple(unrepaired))


def _known_loss(text: str, start: int) -> _Fix | None:
    """A :data:`KNOWN_LOSSES` marker at ``start``, repaired when the bytes after it agree."""
    for marker, word in KNOWN_LOSSES.items():
        if not text.startswith(marker, start):
            continue
        after = start + len(marker)
        if after < len(text) and _MARK.fullmatch(text[after]):
            # The last character's bytes were lost as well: marker and mark are the whole word.
            return _Fix(start, after + 1, word, complete=True)
        last = _encode(word[-1]) or b""
        run, end = _run(text, after)
        raw = _encode(run)
        # The run must begin with the trail byte of the word's last character.
        if len(last) != 2 or not run or raw is None or not raw.startswith(last[1:]):
            return None
        fix = _redecode(text, after, run, end, last[0])
        old = _MARK.sub("", text[after : fix.end])
        if not old or _score(fix.text.replace(LOST, "")) - _score(old) < _MARGIN:
            return None  # the text after the marker reads better as it is: not this loss
        return _Fix(start, fix.end, word[:-1] + fix.text, fix.complete)
    return None


def _lost_lead_byte(text: str, start: int, evidence: _Evidence) -> _Fix | None:
    """Re-decode the run after a mark with the best lead byte, if clearly more plausible.

    The mark stood for the lost lead byte, so it is replaced along with the run. The bytes
    after the first re-decoded character are certain; that part must beat the run as it
    stands by :data:`_MARGIN` per character, and lose no byte (a partial re-reading of an
    unknown word is a guess). The first character is the choice: lead bytes compete on words
    in context (:func:`word_logp`) and on the document's own character pairs
    (:class:`_Evidence`); when the two best are close, it becomes :data:`LOST` (flagged).
    """
    run, end = _run(text, start + 1)
    if not run or run[0].isascii() or _encode(run) is None:
        return None
    before = text[max(0, start - _CONTEXT) : start]
    choices: list[tuple[float, _Fix]] = []
    for lead in range(0x81, 0xFF):
        fix = _redecode(text, start + 1, run, end, lead)
        old = _MARK.sub("", text[start + 1 : fix.end])
        certain = fix.text[1:] or fix.text
        if not fix.complete or not old or _score(certain) - _score(old) < _MARGIN:
            continue
        after = text[fix.end : fix.end + _CONTEXT]
        following = (fix.text + after)[:2]
        score = (
            word_logp(before + fix.text + after)
            + evidence.log_count(following)
            + evidence.log_count(before[-1:] + fix.text[0])
        )
        choices.append((score, fix))
    if not choices:
        return None
    choices.sort(key=lambda choice: choice[0], reverse=True)
    best = choices[0][1]
    if len(choices) > 1 and choices[0][0] - choices[1][0] < _AMBIGUOUS:
        return _Fix(start, best.end, LOST + best.text[1:], complete=False)
    return _Fix(start, best.end, best.text, complete=True)


def _redecode(text: str, start: int, run: str, end: int, lead: int) -> _Fix:
    """``run`` (at ``start``, ending at ``end``) re-decoded as GBK behind ``lead``.

    Only the stretch before the two readings realign is replaced. Characters rarer than one in
    a million and unpaired bytes are debris of lost bytes and become :data:`LOST`; a lead byte
    left dangling at the end lost its trail to the mark that stopped the run, so that mark is
    taken into the same lost character.
    """
    decoded = _decode(bytes([lead]) + (_encode(run) or b""))
    same = 0
    while same < min(len(decoded), len(run)) and decoded[-1 - same] == run[-1 - same]:
        same += 1
    stop = end - same
    if decoded[-1] == LOST and same == 0 and end < len(text) and _MARK.fullmatch(text[end]):
        stop += 1
    new = "".join(LOST if is_rare(ch) else ch for ch in decoded[: len(decoded) - same])
    return _Fix(start, stop, new, complete=LOST not in new)


def _run(text: str, start: int) -> tuple[str, int]:
    """The characters after a mark that could be out-of-step GBK, and where they end.

    The run stops at a line end, at the next mark, or at a character GBK cannot encode.
    """
    end = start
    while end < len(text) and end - start < _MAX_RUN:
        ch = text[end]
        if ch in "\n\r" or _MARK.fullmatch(ch) or _encode(ch) is None:
            break
        end += 1
    return text[start:end], end


def _score(text: str) -> float:
    """Mean log frequency per character (Simplified); a lost character counts as very rare."""
    if not text:
        return float("-inf")
    simplified = to_simplified(text)
    return sum(_LOST_LOGP if ch == LOST else char_logp(ch) for ch in simplified) / len(simplified)


def _encode(run: str) -> bytes | None:
    """GBK bytes of ``run`` (the euro sign as Windows' 0x80); None if a character has none."""
    out = bytearray()
    for ch in run:
        if ch == "€":
            out.append(_EURO)
            continue
        try:
            out += ch.encode("gbk")
        except UnicodeEncodeError:
            return None
    return bytes(out)


def _decode(raw: bytes) -> list[str]:
    """Decode GBK pair by pair; a pair with no character, or a dangling lead, becomes LOST."""
    chars: list[str] = []
    i = 0
    while i < len(raw):
        byte = raw[i]
        if byte < 0x80:
            chars.append(chr(byte))
            i += 1
        elif byte == _EURO:
            chars.append("€")
            i += 1
        elif i + 1 >= len(raw):
            chars.append(LOST)
            i += 1
        else:
            try:
                chars.append(raw[i : i + 2].decode("gbk"))
            except UnicodeDecodeError:
                chars.append(LOST)
            i += 2
    return chars
