"""Burgerservicenummer validation (elfproef). Pure, no I/O."""


class InvalidBSN(ValueError):
    pass


def normalize_bsn(value: str) -> str:
    """Return the 9-digit BSN for ``value`` or raise InvalidBSN.

    An 8-digit number is a BSN whose leading zero was dropped (a spreadsheet habit);
    it is padded before the check. Spaces and dots are ignored.
    """
    digits = "".join(ch for ch in str(value) if ch not in " .")
    if not digits.isdigit() or len(digits) not in (8, 9):
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
