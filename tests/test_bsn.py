import pytest

from models.bsn import InvalidBSN, is_valid_bsn, normalize_bsn


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999999990"])
def test_valid_bsn(bsn):
    assert normalize_bsn(bsn) == bsn


@pytest.mark.parametrize("bsn", ["111222334", "123456789", "000000000", "12345678a", "1234567", "1234567890", ""])
def test_invalid_bsn(bsn):
    with pytest.raises(InvalidBSN):
        normalize_bsn(bsn)


def test_eight_digits_get_their_leading_zero_back():
    # 012345672: 0*9+1*8+2*7+3*6+4*5+5*4+6*3+7*2 - 2 = 132 = 12*11
    assert normalize_bsn("12345672") == "012345672"
    assert not is_valid_bsn("12345673")


def test_spaces_and_dots_are_ignored():
    assert normalize_bsn("1112.22.333") == "111222333"
    assert normalize_bsn(" 111 222 333 ") == "111222333"


@pytest.mark.parametrize("bsn", ["１２３４５６７８２", "١٢٣٤٥٦٧٨٢", "123-456-782", "123456782\n", "12345678²"])
def test_only_ascii_digits_count(bsn):
    """Full-width and other Unicode digits pass str.isdigit() and the elfproef, but would
    make the same person a second subject: they are refused."""
    with pytest.raises(InvalidBSN, match="alleen de cijfers"):
        normalize_bsn(bsn)
