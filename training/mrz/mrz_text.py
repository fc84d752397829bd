"""Random MRZ lines of every ICAO 9303 layout (TD1, TD2, TD3, MRV-A, MRV-B) and the French ID card
(2 x 36), with valid and deliberately invalid values. Names are random letter strings and syllable
strings, not a name list, so the model learns glyphs, not a language."""
import random
import re
from pathlib import Path

ALPHABET = "<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"


def _country_codes():
    src = Path(__file__).resolve().parents[2] / "vision" / "ocr" / "country-codes.ts"
    codes = sorted(set(re.findall(r"\b[A-Z<]{3}\b", src.read_text())))
    return [c for c in codes if re.fullmatch(r"[A-Z][A-Z<]{2}", c)]


COUNTRIES = _country_codes()


def check_digit(data):
    total = 0
    for i, c in enumerate(data):
        v = int(c) if c.isdigit() else (ord(c) - 55 if c.isalpha() else 0)
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def pad(s, n):
    return (s + "<" * n)[:n]


SYLLABLES = ["AN", "BER", "CHRI", "STO", "PHE", "DU", "EL", "FRA", "GO", "HAN", "IN", "JO", "KA", "LU", "MA",
             "NO", "OL", "PE", "QUI", "RO", "SA", "TI", "UR", "VE", "WA", "XI", "YA", "ZO", "SCH", "MUE", "LLER",
             "OVA", "SKI", "SEN", "SSON", "EZ", "AO", "NG", "TH", "EIJ", "OU", "AE", "OE", "IJ", "KH", "ZH", "DJ"]


def word(rng):
    r = rng.random()
    if r < 0.45:  # uniform random letters: no spelling prior to lean on
        return "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 12)))
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))[:14]


def name_field(rng, n):
    surname = "<".join(word(rng) for _ in range(rng.choice([1, 1, 1, 2, 3])))
    given = "<".join(word(rng) for _ in range(rng.choice([0, 1, 1, 2, 3])))
    text = surname + ("<<" + given if given else "")
    if rng.random() < 0.15:  # long names run to the end of the field, truncated
        text = text + "<<" + "".join(rng.choice(LETTERS) for _ in range(n))
    return pad(text, n)


def date(rng, invalid):
    if invalid and rng.random() < 0.5:
        return "".join(rng.choice(DIGITS + "<" if rng.random() < 0.1 else DIGITS) for _ in range(6))
    return "%02d%02d%02d" % (rng.randint(0, 99), rng.randint(1, 12), rng.randint(1, 31))


def alnum(rng, n, digit_share=0.6, filler_tail=True):
    s = "".join(rng.choice(DIGITS) if rng.random() < digit_share else rng.choice(LETTERS) for _ in range(n))
    if filler_tail and rng.random() < 0.4:
        cut = rng.randint(0, n)
        s = s[:cut] + "<" * (n - cut)
    return s


def chk(rng, data, invalid):
    if invalid and rng.random() < 0.3:
        return rng.choice(DIGITS + "<")
    return check_digit(data)


def country(rng):
    if rng.random() < 0.05:
        return "".join(rng.choice(LETTERS) for _ in range(3))
    return rng.choice(COUNTRIES)


def sex(rng):
    return rng.choice("MFMF<X")


def doc_code(rng, first):
    return first + rng.choice("<<<<" + LETTERS)


def td3(rng, invalid):
    l1 = doc_code(rng, "P") + country(rng) + name_field(rng, 39)
    num = alnum(rng, 9, 0.7)
    opt = alnum(rng, 14, 0.7) if rng.random() < 0.6 else "<" * 14
    head = num + chk(rng, num, invalid) + country(rng)
    b, e = date(rng, invalid), date(rng, invalid)
    head += b + chk(rng, b, invalid) + sex(rng) + e + chk(rng, e, invalid) + opt
    head += chk(rng, opt, invalid) if opt.strip("<") or rng.random() < 0.5 else "<"
    comp = head[0:10] + head[13:20] + head[21:43]
    return [l1, head + chk(rng, comp, invalid)]


def td2(rng, invalid, visa=False):
    l1 = doc_code(rng, "V" if visa else rng.choice("IAC")) + country(rng) + name_field(rng, 31)
    num = alnum(rng, 9, 0.7)
    b, e = date(rng, invalid), date(rng, invalid)
    head = num + chk(rng, num, invalid) + country(rng) + b + chk(rng, b, invalid) + sex(rng) + e + chk(rng, e, invalid)
    if visa:
        return [l1, head + alnum(rng, 8, 0.5)]
    opt = alnum(rng, 7, 0.6)
    head += opt
    comp = head[0:10] + head[13:20] + head[21:35]
    return [l1, head + chk(rng, comp, invalid)]


def mrva(rng, invalid):
    l1 = doc_code(rng, "V") + country(rng) + name_field(rng, 39)
    num = alnum(rng, 9, 0.7)
    b, e = date(rng, invalid), date(rng, invalid)
    head = num + chk(rng, num, invalid) + country(rng) + b + chk(rng, b, invalid) + sex(rng) + e + chk(rng, e, invalid)
    return [l1, head + alnum(rng, 16, 0.5)]


def td1(rng, invalid):
    num = alnum(rng, 9, 0.7, filler_tail=False)
    if rng.random() < 0.1:  # long document number continues in the optional field (ICAO 9303-5 note j)
        extra = alnum(rng, rng.randint(1, 6), 0.8, filler_tail=False)
        l1 = doc_code(rng, rng.choice("IAC")) + country(rng) + num + "<" + pad(extra + chk(rng, num + "<" + extra, invalid), 15)
    else:
        l1 = doc_code(rng, rng.choice("IAC")) + country(rng) + num + chk(rng, num, invalid) + alnum(rng, 15, 0.6)
    b, e = date(rng, invalid), date(rng, invalid)
    l2 = b + chk(rng, b, invalid) + sex(rng) + e + chk(rng, e, invalid) + country(rng) + alnum(rng, 11, 0.5)
    comp = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    return [l1, l2 + chk(rng, comp, invalid), name_field(rng, 30)]


def french_id(rng, invalid):
    l1 = "IDFRA" + name_field(rng, 25) + alnum(rng, 6, 0.8, filler_tail=False)
    num = "".join(rng.choice(DIGITS) for _ in range(12))
    given = pad("<<".join(word(rng) for _ in range(rng.choice([1, 2]))), 14)
    b = date(rng, invalid)
    l2 = num + chk(rng, num, invalid) + given + b + chk(rng, b, invalid) + sex(rng)
    return [l1, l2 + chk(rng, l1 + l2, invalid)]


def random_mrz(rng):
    """Lines of one random document; a quarter carry wrong check digits or malformed dates."""
    invalid = rng.random() < 0.25
    kind = rng.choices(["TD3", "TD1", "TD2", "MRVA", "MRVB", "FRID"], [30, 30, 12, 10, 8, 10])[0]
    lines = {"TD3": td3, "TD1": td1, "TD2": lambda r, i: td2(r, i), "MRVA": mrva,
             "MRVB": lambda r, i: td2(r, i, visa=True), "FRID": french_id}[kind](rng, invalid)
    return kind, lines


if __name__ == "__main__":
    rng = random.Random(1)
    for _ in range(8):
        kind, lines = random_mrz(rng)
        print(kind, *lines, sep="\n  ")
        assert all(len(l) == len(lines[0]) and set(l) <= set(ALPHABET) for l in lines), lines
