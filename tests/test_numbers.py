from newsledger import numbers as num


def test_digits_with_separators_and_decimals() -> None:
    assert num.parse_digits("7,700") == 7700
    assert num.parse_digits("26.4") == 26.4
    assert num.parse_digits("1 200") == 1200
    assert num.parse_digits("12a") is None
    assert num.parse_digits("1,20") is None


def test_number_words() -> None:
    assert num.parse_words(["Eighteen"]) == 18
    assert num.parse_words(["five", "million"]) == 5_000_000
    assert num.parse_words(["1.12", "million"]) == 1_120_000
    assert num.parse_words(["thirty", "-", "one"]) == 31
    assert num.parse_words(["Thirty-one"]) == 31
    assert num.parse_words(["two", "hundred", "and", "fifty"]) == 250
    assert num.parse_words(["a", "million"]) == 1_000_000
    assert num.parse_words(["half", "a", "million"]) == 500_000
    assert num.parse_words(["two", "dozen"]) == 24


def test_not_numbers() -> None:
    assert num.parse_words(["many"]) is None
    assert num.parse_words([]) is None


def test_normalize_keeps_ints_clean() -> None:
    assert num.normalize(46.0) == 46
    assert isinstance(num.normalize(46.0), int)
    assert num.normalize(100 / 3) == 33.3333
    assert num.normalize(None) is None
