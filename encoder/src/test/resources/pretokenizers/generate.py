"""Writes the expected values of the pre-tokenizer tests, from Python tokenizers 0.23.2.

Run from this folder with the Hugging Face venv:  python generate.py
  expected-adversarial.jsonl.gz  every configuration's pre_tokenize_str on every corpus/adversarial.jsonl text
  expected-texts.jsonl.gz        the same on corpus/texts.jsonl, one line per configuration, 8 hex digits per text
                                 (sha256 of "piece\\tstart\\tend\\n"..., start and end in code points)
  regex-cases.jsonl              Split(Regex(r), "isolated" / "removed") on texts that exercise the translation
  char-classes.json              code point ranges of the classes the pre-tokenizers test, measured on every code point
  onig-properties.jsonl          for Oniguruma class expressions: sha256 of the ranges of code points they match
"""
import gzip, hashlib, json, os
from tokenizers import Tokenizer, Regex, pre_tokenizers as P

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "corpus")

GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
GPT4O = (r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
         r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
         r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"

def split(p, b, inv=False, regex=True):
    return {"type": "Split", "pattern": {"Regex" if regex else "String": p}, "behavior": b, "invert": inv}
def byte_level(prefix, regex=True):
    return {"type": "ByteLevel", "add_prefix_space": prefix, "trim_offsets": True, "use_regex": regex}
def metaspace(scheme, sp=True):
    return {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme, "split": sp}

CONFIGS = {
    "bert": {"type": "BertPreTokenizer"},
    "bytelevel": byte_level(False),
    "bytelevel-prefix": byte_level(True),
    "bytelevel-noregex": byte_level(True, False),
    "metaspace": metaspace("always"),
    "metaspace-first": metaspace("first"),
    "metaspace-never-nosplit": metaspace("never", False),
    "whitespace": {"type": "Whitespace"},
    "whitespacesplit": {"type": "WhitespaceSplit"},
    "punctuation": {"type": "Punctuation", "behavior": "Isolated"},
    "punctuation-contiguous": {"type": "Punctuation", "behavior": "Contiguous"},
    "punctuation-removed": {"type": "Punctuation", "behavior": "Removed"},
    "punctuation-previous": {"type": "Punctuation", "behavior": "MergedWithPrevious"},
    "punctuation-next": {"type": "Punctuation", "behavior": "MergedWithNext"},
    "digits": {"type": "Digits", "individual_digits": False},
    "digits-individual": {"type": "Digits", "individual_digits": True},
    "delimiter": {"type": "CharDelimiterSplit", "delimiter": "e"},
    "unicodescripts": {"type": "UnicodeScripts"},
    "fixedlength": {"type": "FixedLength", "length": 3},
    "split-llama3": split(LLAMA3, "Isolated"),
    "split-gpt4o": split(GPT4O, "Isolated"),
    "split-qwen2-inverted": split(QWEN2, "Removed", True),
    "split-gpt2-bytelevel": {"type": "Sequence", "pretokenizers": [split(GPT2, "Isolated"), byte_level(False, False)]},
    "split-space-next": split(" ", "MergedWithNext", regex=False),
    "split-space-previous-inverted": split(" ", "MergedWithPrevious", True, regex=False),
    "split-empty": split("", "Isolated", regex=False),
    "split-word-boundary": split(r"\b", "Isolated"),
    "split-lookaround": split(r"(?<=\p{Ll})(?=\p{Lu})|\d+", "Removed"),
    "split-empty-star": split(r"a*|\s", "Contiguous"),
    "seq-whitespacesplit-metaspace-first": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace("first")]},
    "seq-space-bytelevel": {"type": "Sequence", "pretokenizers": [split(" ", "MergedWithNext", regex=False), byte_level(True)]},
    "seq-bpe-suffix": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Punctuation", "behavior": "Isolated"}, {"type": "Digits", "individual_digits": True}]},
    "seq-wordlevel-split": {"type": "Sequence", "pretokenizers": [split(r"\p{N}+|[^\s\p{L}\p{N}]+", "MergedWithNext"), {"type": "Whitespace"}]},
}

REGEX_CASES = [
    (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)", "IT'S it'S he'Ll we'VE 'ſ 'K 'ß"),
    (r"(?i)k+", "kK\u212Akk K"),
    (r"(?i)s+", "sS\u017Fs"),
    (r"(?i)é+", "éÉe\u0301"),
    (r"a(?i)b|c", "ab aB AB c C ac aC"),
    (r"(?i)a|b", "A B a b"),
    (r"x(?i:a)|b", "xA B b xa"),
    (r"(a(?i)b)c", "abc aBc aBC abC"),
    (r"(?-i:a)", "aA"),
    (r"a{1,2}+", "aaaaa b aaa"),
    (r"a{2}{3}", "aaaaaaaaa aaaaaa"),
    (r"a{,2}b", "aaab ab b"),
    (r"a{2,}", "a aa aaaa"),
    (r"x{", "x{ x{{ {x"),
    (r"x{a}", "x{a} xa"),
    (r"x{,}", "x{,} x"),
    (r"a++b", "aaab aab"),
    (r"a*+a", "aaa"),
    (r"a?+a", "a aa"),
    (r"a+?", "aaa"),
    (r"a{1,3}?", "aaaa"),
    (r"^a", "a\na\r\na \na"),
    (r"a$", "a\na\r\na \na"),
    (r"\Aa|a\z", "a a\na"),
    (r"a\Z", "a\na\n"),
    (r".", "a\nb\rc\u2028d"),
    (r"(?m).+", "ab\ncd\re"),
    (r"\h+", "0x1F aG fz"),
    (r"\H+", "0x1F aG fz"),
    (r"\R", "a\r\nb\nc\rd\u2028e\u0085f"),
    (r"\N+", "ab\ncd"),
    (r"[[:^alpha:]]+", "ab12cd!!"),
    (r"[]a]+", "a]]b"),
    (r"[a-]+", "a-a b"),
    (r"[-a]+", "-a b"),
    (r"[\]]+", "a]]b"),
    (r"[\\^]+", "a\\^b"),
    (r"[a&b]+", "a&b c"),
    (r"[a-z&&[^aeiou]]+", "hello world"),
    (r"[\w&&[^\d]]+", "ab12cd_e²"),
    (r"\x41+", "AAB"),
    (r"\x{1F600}+", "😀😀x😀"),
    (r"\u00e9", "café"),
    (r"\0", "a\u0000b"),
    (r"(a)\1", "aa a aaa"),
    (r"(?<x>a)\k<x>", "aa a"),
    (r"(?<first_word>\w+)", "hi there"),
    (r"a(?#comment)b", "ab a b"),
    (r"(?:ab)+", "ababab ab"),
    (r"x*", "𝔸𝔸x𝔸"),
    (r"(?=𝔸)", "a𝔸b𝔸"),
    (r"(?<=𝔸)b", "𝔸b ab"),
    (r"(?<!\p{L})\p{N}+", "a12 12 𝔸12"),
    (r"\b", "a²b \u200dx 𝔸b ab"),
    (r"\B", "a²b \u200dx 𝔸b ab"),
    (r"\w+", "a²b \u200dx 𝔸b ¼ ab_c"),
    (r"[\w]+", "a²b \u200dx 𝔸b ¼ ab_c"),
    (r"\W+", "a²b \u200dx 𝔸b ¼ ab"),
    (r"[\W\d]+", "a²b \u200dx 𝔸b 12 ab"),
    (r"\p{Word}+", "a²b \u200dx"),
    (r"[\p{Word}]+", "a²b \u200dx"),
    (r"[[:word:]]+", "a²b \u200dx"),
    (r"\p{Han}+|\p{Hiragana}+", "漢字ひらがなカタカナ"),
    (r"\p{^L}+", "ab12!!cd"),
    (r"\P{^L}+", "ab12!!cd"),
    (r"[^\p{L}]+", "ab12!!cd"),
    (r"\p{Greek}+", "αβγ abc"),
    (r"(?<!\S)\S+", "ab  cd\te"),
    (r"\s+(?!\S)|\s+", "a   b \n c"),
    (r"", "a𝔸b"),
    (r"|a", "aab"),
    (r"a|", "aab"),
    (r"(?=a)|a", "aab"),
    (r"a*", "baaab"),
    (r"a|(?=c)", "abcac"),
    (r"\d{1,3}(?=(?:\d{3})+(?!\d))", "1234567 12345"),
    (r"[\u3040-\u309F]+", "ひらがなabc"),
    (r"[\x{4E00}-\x{9FFF}]", "中文abc"),
    (r"\t|\n|\r|\f|\v|\a|\e", "a\tb\nc\rd\fe\u000bf\u0007g\u001bh"),
    (r"[\t\v]+", "a\t\u000bb"),
    (r"[\b]", "a\bb"),
    (r"\.|\*|\+|\?|\(|\)|\||\[|\]|\{|\}|\^|\$|\\|\/|\-|\#|\&|\~|\'|\"", "a.b*c+d?e(f)g|h[i]j{k}l^m$n\\o/p-q#r&s~t'u\"v"),
    (r"#| ", "a#b c"),
    (r"[#]", "a#b"),
    (r"[\s\p{Z}]+", "a \u00a0\u2003b"),
    (r"(?i)ß", "ss SS ß ẞ straße"),
    (LLAMA3, "I'M here!!\n\n  123456 x\r\n"),
]

CLASS_NAMES = ("L Lu Ll Lt Lm Lo LC M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Cs "
               "Co Cn Letter Uppercase_Letter Cased_Letter Combining_Mark Decimal_Number Other_Punctuation Math_Symbol "
               "Space_Separator Private_Use Unassigned Alphabetic Uppercase Lowercase White_Space Hex_Digit "
               "ASCII_Hex_Digit Ideographic Join_Control Noncharacter_Code_Point Emoji Emoji_Presentation "
               "Emoji_Modifier Emoji_Modifier_Base Emoji_Component Extended_Pictographic Any Assigned Alpha Digit "
               "Alnum Upper Lower Space XDigit Word Cntrl Blank ASCII Punct Graph Print Han Latin Greek Cyrillic "
               "Arabic Hebrew Hiragana Katakana Hangul Thai Devanagari Common Inherited Hani Latn Zyyy").split()
ONIG_EXPRESSIONS = (["\\p{%s}" % n for n in CLASS_NAMES] + ["[\\p{%s}]" % n for n in ("Word", "Punct", "Alpha")]
                    + ["[[:%s:]]" % n for n in "alpha digit alnum upper lower space xdigit word cntrl blank ascii punct graph print".split()]
                    + ["\\P{L}", "\\p{^L}", "\\P{^N}", "[^\\w]", "[[:^alpha:]]", "[^[:alpha:]]", "[^\\p{L}\\p{N}]",
                       "[\\w&&[^\\d]]", "\\W", "[\\W]", "[^\\W]", "\\w", "\\d", "\\D", "\\s", "\\S", "\\h", "\\H",
                       "[^\\s\\p{L}\\p{N}]", "[^\\r\\n\\p{L}\\p{N}]", "[\\p{L}\\p{M}]", "\\p{ l u }", "\\p{LETTER}",
                       "[a-z[0-9]]", "[^a-z[0-9]]", ".", "\\N", "\\O"])

def pretok(obj):
    j = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
         "pre_tokenizer": obj, "post_processor": None, "decoder": None,
         "model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}
    return Tokenizer.from_str(json.dumps(j)).pre_tokenizer

def texts(name):
    with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]

def digest(pieces):
    s = "".join("%s\t%d\t%d\n" % (p, a, b) for p, (a, b) in pieces)
    return hashlib.sha256(s.encode("utf-8")).hexdigest()[:8]

CODE_POINTS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
ALL = "".join(map(chr, CODE_POINTS))

def matched_ranges(pre_tokenizer, probe=None):
    """The code points a "removed"-behaviour split of ALL takes away, as [first, last] ranges."""
    kept = pre_tokenizer.pre_tokenize_str(ALL)
    ranges, at = [], 0
    for _, (a, b) in kept + [(None, (len(CODE_POINTS), len(CODE_POINTS)))]:
        if a > at:
            ranges.append([CODE_POINTS[at], CODE_POINTS[a - 1]])
        at = b
    merged = []
    for a, b in ranges:  # the gap of the surrogates can split a range in two
        if merged and merged[-1][1] + 1 == a:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return merged

def probe_classes(pre_tokenizer, fn):
    """Runs pre_tokenizer on "a<cp>a " for every code point; fn(pieces of one probe) names its class."""
    out = {}
    step = 20000
    for i in range(0, len(CODE_POINTS), step):
        chunk = CODE_POINTS[i:i + step]
        per = [[] for _ in chunk]
        for p, (a, b) in pre_tokenizer.pre_tokenize_str("".join("a" + chr(c) + "a " for c in chunk)):
            per[a // 4].append((p, a % 4, b - (a // 4) * 4))
        for k, c in enumerate(chunk):
            out.setdefault(fn(per[k], c), []).append(c)
    return {k: to_ranges(v) for k, v in out.items()}

def to_ranges(cps):
    r = []
    for c in cps:
        if r and r[-1][1] == c - 1:
            r[-1][1] = c
        else:
            r.append([c, c])
    return r

def isolated_singles(pre_tokenizer):
    """The code points pre_tokenizer isolates in "a<cp>a " (a one-char piece at offset 1)."""
    res = []
    for i in range(0, len(CODE_POINTS), 20000):
        chunk = CODE_POINTS[i:i + 20000]
        for p, (a, b) in pre_tokenizer.pre_tokenize_str("".join("a" + chr(c) + "a " for c in chunk)):
            if a % 4 == 1 and b == a + 1:
                res.append(chunk[a // 4])
    return to_ranges(res)

def main():
    with gzip.open(os.path.join(HERE, "expected-adversarial.jsonl.gz"), "wt", encoding="utf-8") as out:
        out.write(json.dumps({"configs": CONFIGS}, ensure_ascii=False) + "\n")
        adversarial = texts("adversarial.jsonl")
        for name, obj in CONFIGS.items():
            pt = pretok(obj)
            for i, t in enumerate(adversarial):
                pieces = [[p, a, b] for p, (a, b) in pt.pre_tokenize_str(t)]
                out.write(json.dumps({"config": name, "text": i, "pieces": pieces}, ensure_ascii=False) + "\n")
    with gzip.open(os.path.join(HERE, "expected-texts.jsonl.gz"), "wt", encoding="utf-8") as out:
        out.write(json.dumps({"configs": CONFIGS}, ensure_ascii=False) + "\n")
        corpus = texts("texts.jsonl")
        for name, obj in CONFIGS.items():
            pt = pretok(obj)
            out.write(json.dumps({"config": name, "digests": "".join(digest(pt.pre_tokenize_str(t)) for t in corpus)}) + "\n")
    with open(os.path.join(HERE, "regex-cases.jsonl"), "w", encoding="utf-8") as out:
        for r, t in REGEX_CASES:
            row = {"regex": r, "text": t}
            for b in ("isolated", "removed"):
                row[b] = [[p, a, c] for p, (a, c) in P.Split(Regex(r), b).pre_tokenize_str(t)]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    classes = {
        "onig \\p{L}": matched_ranges(P.Split(Regex(r"\p{L}"), "removed")),
        "onig \\p{N}": matched_ranges(P.Split(Regex(r"\p{N}"), "removed")),
        "onig \\s": matched_ranges(P.Split(Regex(r"\s"), "removed")),
        "Whitespace \\w": probe_classes(P.Whitespace(), lambda ps, c: {1: "word", 3: "other", 2: "space"}[len(ps)])["word"],
        "Whitespace \\s": probe_classes(P.Whitespace(), lambda ps, c: {1: "word", 3: "other", 2: "space"}[len(ps)])["space"],
        "is_whitespace": probe_classes(P.WhitespaceSplit(), lambda ps, c: "space" if len(ps) == 2 else "no")["space"],
        "is_numeric": isolated_singles(P.Digits(individual_digits=True)),
        "is_bert_punc": isolated_singles(P.BertPreTokenizer()),
        "is_punc": isolated_singles(P.Punctuation()),
    }
    with open(os.path.join(HERE, "char-classes.json"), "w", encoding="utf-8") as out:
        json.dump(classes, out)
    with open(os.path.join(HERE, "onig-properties.jsonl"), "w", encoding="utf-8") as out:
        for e in ONIG_EXPRESSIONS:
            ranges = matched_ranges(P.Split(Regex(e), "removed"))
            text = "".join("%d-%d\n" % (a, b) for a, b in ranges)
            out.write(json.dumps({"regex": e, "ranges": len(ranges),
                                  "sha256": hashlib.sha256(text.encode()).hexdigest()}) + "\n")

if __name__ == "__main__":
    main()
