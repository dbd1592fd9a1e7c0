"""Burgerservicenummer validation (elfproef). Pure, no I/O."""

ASCII_DIGITS = frozenset("0123456789")
SEPARATORS = frozenset(" .")


class InvalidBSN(ValueError):
    pass


def normalize_bsn(value: str) -> str:
    """Return the 9-digit BSN for ``value`` or raise InvalidBSN.

    Only the ASCII digits 0-9 count as digits: ``str.isdigit`` would also take full-width
    or Arabic-Indic digits, which pass the elfproef but hash differently, so one person
    would become two subjects. Spaces and dots (how people write a BSN) are removed; any
    other character is refused. An 8-digit number is a BSN whose leading zero was dropped
    (a spreadsheet habit); it is padded before the check.
    """
    text = str(value)
    if any(ch not in ASCII_DIGITS and ch not in SEPARATORS for ch in text):
        raise InvalidBSN("BSN mag alleen de cijfers 0-9 bevatten (spaties en punten mogen)")
    digits = "".join(ch for ch in text if ch in ASCII_DIGITS)
    if len(digits) not in (8, 9):
        raise InvalidBSN("BSN moet uit 8 of 9 cijfers bestaan")
    digits = digits.zfill(9)
    # Elfproef: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11 (and not all zeros).
    total = sum(w * int(d) for w, d in zip(range(9, 1, -1), digits[:8])) - int(digits[8])
    if total % 11 != 0 or digits == "000000000":
        raise InvalidBSN("BSN voldoet niet aan de elfproef")
    return digits


def is_valid_bsn(value: str) -> bool:
    try:
        normalize_bsn(value)
    except InvalidBSN:
        return False
    return True
