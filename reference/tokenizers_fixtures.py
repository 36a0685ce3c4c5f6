#!/usr/bin/env python3
"""Trains small tokenizers for every encoder family / tokenizer component Gale implements and dumps
the exact outputs of Python `tokenizers` as compact fixtures.

Output: encoder/src/test/resources/reference/tokenizers/<name>/{tokenizer.json, tokenizer_config.json,
special_tokens_map.json (if transformers writes one), expected.jsonl.gz}

Run it through `reference/regenerate` (it sets PYTHONHASHSEED=0 RAYON_NUM_THREADS=1
TOKENIZERS_PARALLELISM=false). The training text is fixed (see refcommon.TRAINING_TEXT_RULE), so the
output is byte-identical on every run and machine with the pinned requirements.
"""

import argparse
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402

refcommon.check_deterministic_env()

import sentencepiece as spm  # noqa: E402
from sentencepiece import sentencepiece_model_pb2  # noqa: E402
from tokenizers import (  # noqa: E402
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
    trainers,
)

import transformers  # noqa: E402
from transformers import (  # noqa: E402
    BertTokenizerFast,
    DebertaV2TokenizerFast,
    DistilBertTokenizerFast,
    ElectraTokenizerFast,
    MPNetTokenizerFast,
    PreTrainedTokenizerFast,
    RobertaTokenizerFast,
    XLMRobertaTokenizerFast,
)
from transformers.convert_slow_tokenizer import DebertaV2Converter, XLMRobertaConverter  # noqa: E402

transformers.logging.set_verbosity_error()

SEED = refcommon.SEEDS["sentencepiece.set_random_generator_seed"]
OUT_ROOT = refcommon.FIXTURES_DIR / "tokenizers"
# files of a transformers save_pretrained() that are kept; everything else is deleted
KEEP_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")

CORPUS, ADVERSARIAL = refcommon.load_corpus()
TEXTS = CORPUS + ADVERSARIAL
N_CORPUS = len(CORPUS)
N_TEXTS = len(TEXTS)
ADV_IDS = list(range(N_CORPUS, N_TEXTS))
TRAIN = refcommon.training_texts()


# ---------------------------------------------------------------------------------------------
# Case selection (deterministic; documented in reference/README.md)
# ---------------------------------------------------------------------------------------------


def spread(n, count):
    """`count` evenly spaced indices in [0, n): floor(k * n / count), k = 0..count-1."""
    return [(k * n) // count for k in range(count)]


class Selection:
    """Which texts one folder's cases use. Every folder covers all adversarial texts. Its corpus share is
    the texts i with (i // 3) % modulus == residue, i.e. whole runs (3k, 3k+1, 3k+2); folders get different
    residues, so together they cover the corpus. The truncation and pair cases draw from the share
    (pairs (i, i+1) with both texts in one run), so gzip can reuse the untruncated records next to them."""

    def __init__(self, modulus, residue):
        self.modulus, self.residue = modulus, residue
        share = [i for i in range(N_CORPUS) if (i // 3) % modulus == residue]
        self.full = share + ADV_IDS
        self.nospecial = sorted(
            {share[j] for j in spread(len(share), 80)} | {ADV_IDS[j] for j in spread(len(ADV_IDS), 20)}
        )
        longest = sorted(share, key=lambda i: (-len(CORPUS[i]), i))[:TRUNC_LONGEST]
        trunc = set(longest) | set(ADV_IDS)
        rest = [i for i in share if i not in trunc]
        trunc |= {rest[j] for j in spread(len(rest), min(len(rest), TRUNC_TEXTS - len(trunc)))}
        self.trunc = sorted(trunc)
        pair_starts = [i for i in share if i % 3 != 2 and i + 1 < N_CORPUS]
        self.pairs_full = [(pair_starts[j], pair_starts[j] + 1) for j in spread(len(pair_starts), PAIRS_FULL_CORPUS)]
        self.pairs_full += ADV_PAIRS
        self.pairs_trunc = [(pair_starts[j], pair_starts[j] + 1) for j in spread(len(pair_starts), PAIRS_TRUNC_CORPUS)]
        self.pairs_trunc += ADV_PAIRS


TRUNC_TEXTS = 300  # texts for the truncated single cases: adversarial + the share's longest + spread
TRUNC_LONGEST = 50
SINGLE_TRUNCATIONS = [(1, "right"), (8, "right"), (33, "right"), (128, "right"), (33, "left")]

ADV_PAIRS = [(N_CORPUS + 2 * k, N_CORPUS + 2 * k + 1) for k in range(50)]
PAIRS_FULL_CORPUS = 150  # + 50 adversarial pairs = 200 untruncated pairs
PAIRS_TRUNC_CORPUS = 100  # + 50 adversarial pairs = 150 pairs per truncation setting
PAIR_TRUNCATIONS = [
    (16, "longest_first", "right"),
    (64, "longest_first", "right"),
    (64, "longest_first", "left"),
    (64, "only_first", "right"),
    (64, "only_second", "right"),
]

SYNTHETIC_TEMPLATES = [
    "{t}",
    " {t}",
    "{t} ",
    "  {t}  ",
    "x{t}y",
    "a {t} b",
    "{t}{t}",
    "{t} {t}",
    "Hello{t} world",
    "word {t}word",
    "\t{t}\n",
    "{T}",
    "{t}. {t}!",
    "({t})",
    "café {t} 中文",
    "{t}wörld",
    "aaaa {t} bbbb {t} cccc",
    "{t}\u00a0end",
    "x {t}  {t}  y",
    "Zoë{t}Zoë {t}",
]


def synthetic_cases(added_contents):
    """40 records whose inline texts embed the tokenizer's added tokens (specials included)."""
    toks = list(added_contents)
    n = len(SYNTHETIC_TEMPLATES)

    def text(k):
        t = toks[k % len(toks)]
        other = toks[(k * 7 + 3) % len(toks)]
        s = SYNTHETIC_TEMPLATES[k % n].replace("{T}", t.swapcase()).replace("{t}", t)
        if k % 4 == 3:  # a second, different added token in the same text
            s = s + " " + other + "!"
        return s

    cases = []
    for k in range(40):
        if k < 24:
            cases.append(dict(a=text(k), b=None, special=True))
        elif k < 32:
            cases.append(dict(a=text(k), b=None, special=False))
        else:
            cases.append(dict(a=text(k), b=text(k + 11), special=True))
    return cases


def build_cases(sel, added_contents):
    """All cases of one folder, ordered by first text so that gzip can share the repeats."""
    full, nospecial, trunc = set(sel.full), set(sel.nospecial), set(sel.trunc)
    full_pairs, trunc_pairs = set(sel.pairs_full), set(sel.pairs_trunc)
    pairs_by_a = {}
    for a, b in sorted(full_pairs | trunc_pairs):
        pairs_by_a.setdefault(a, []).append(b)
    cases = []
    for i in range(N_TEXTS):
        if i in full:
            cases.append(dict(a=i, b=None, special=True))
        if i in nospecial:
            cases.append(dict(a=i, b=None, special=False))
        if i in trunc:
            for max_length, direction in SINGLE_TRUNCATIONS:
                cases.append(dict(a=i, b=None, special=True, max_length=max_length, direction=direction))
        for b in pairs_by_a.get(i, []):
            if (i, b) in full_pairs:
                cases.append(dict(a=i, b=b, special=True))
            if (i, b) in trunc_pairs:
                for max_length, strategy, direction in PAIR_TRUNCATIONS:
                    cases.append(
                        dict(a=i, b=b, special=True, max_length=max_length, strategy=strategy, direction=direction)
                    )
    cases.extend(synthetic_cases(added_contents))
    return cases


# ---------------------------------------------------------------------------------------------
# Oracle
# ---------------------------------------------------------------------------------------------


def run_case(tok, case):
    a, b = case["a"], case.get("b")
    text_a = TEXTS[a] if isinstance(a, int) else a
    text_b = None if b is None else (TEXTS[b] if isinstance(b, int) else b)
    return refcommon.encode_record(tok, a, b, text_a, text_b, case.get("max_length"),
                                   case.get("strategy", "longest_first"), case.get("direction", "right"),
                                   case["special"])


def dump_expected(folder, sel):
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    added = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["added_tokens"]
    contents = [t["content"] for t in sorted(added, key=lambda t: t["id"])]
    cases = build_cases(sel, contents)
    records = [run_case(tok, c) for c in cases]
    size = refcommon.write_jsonl_gz(folder / "expected.jsonl.gz", records)
    errors = sum(1 for r in records if r.get("error"))
    return len(records), errors, size


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------


def fresh_dir(name):
    d = OUT_ROOT / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def save_transformers(hf_tok, folder):
    """Save the way a user's model directory has it, then keep only the tokenizer files."""
    hf_tok.save_pretrained(str(folder))
    for p in sorted(folder.iterdir()):
        if p.name not in KEEP_FILES:
            if p.is_dir():
                shutil.rmtree(p)
            else:
                p.unlink()
    # The files are kept byte for byte as transformers wrote them; they must not depend on where we ran.
    for p in folder.iterdir():
        text = p.read_text(encoding="utf-8")
        if str(refcommon.REPO) in text or tempfile.gettempdir() in text or "name_or_path" in text:
            raise SystemExit(f"{p} records a local path; not reproducible")


def save_plain(tok, folder):
    # compact JSON (Tokenizer.save(pretty=False)); the transformers-saved family files are pretty-printed
    tok.save(str(folder / "tokenizer.json"), pretty=False)


# ---------------------------------------------------------------------------------------------
# Family pipelines
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Deterministic training
#
# The `tokenizers` trainers iterate Rust hash maps whose seeds change every process. Three effects
# of that are neutralised here, so that two runs produce byte-identical files:
#  * limit_alphabet drops an arbitrary subset of the characters tied at the cut-off. Instead the
#    alphabet is chosen here (the `size` most frequent characters of the pre-tokenized training
#    words, ties by code point) and passed as initial_alphabet with limit_alphabet=len(alphabet).
#  * BpeTrainer / WordPieceTrainer give ids to prefixed / suffixed symbols ("##a", "a</w>") in
#    hash-map order, and merge ties are broken by id. Those symbols are therefore given fixed ids
#    up front (passed as extra trainer special tokens right after the real ones); the model is then
#    rebuilt from the trained vocab so that only the real special tokens are added tokens.
#  * UnigramTrainer sums floats in hash-map order (scores differ in the last bits). Scores are
#    rounded to 6 decimals and the pieces sorted by (-score, piece) after the special tokens.
# ---------------------------------------------------------------------------------------------


def choose_alphabet(normalizer, pre_tokenizer, size):
    counts = {}
    for text in TRAIN:
        s = normalizer.normalize_str(text) if normalizer is not None else text
        words = pre_tokenizer.pre_tokenize_str(s) if pre_tokenizer is not None else [(s, None)]
        for w, _ in words:
            for c in w:
                counts[c] = counts.get(c, 0) + 1
    return sorted(sorted(counts, key=lambda c: (-counts[c], ord(c)))[:size], key=ord)


def affixed_symbols(alphabet, prefix=None, suffix=None):
    out = []
    for c in alphabet:
        if prefix:
            out.append(prefix + c)
        if suffix:
            out.append(c + suffix)
        if prefix and suffix:
            out.append(prefix + c + suffix)
    return out


def trained_model(tok):
    """The trained model's JSON (vocab, merges, ...)."""
    return json.loads(tok.to_str())["model"]


def merges_of(model):
    return [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in model["merges"]]


def canonical_unigram_vocab(tok, specials):
    pieces = [(p, round(s, 6)) for p, s in trained_model(tok)["vocab"]]
    head = [(p, 0.0) for p in specials]
    rest = sorted(((p, s) for p, s in pieces if p not in specials), key=lambda ps: (-ps[1], ps[0]))
    # UnigramTrainer adds the required characters that EM dropped with scores min_score + k * 1e-4, k in
    # hash-set order. Find that run (single characters, scores 1e-4 apart) and re-deal the scores of all
    # single-character pieces at or below its top by code point.
    best, start = (0, 0), 0
    for j in range(1, len(rest) + 1):
        if j < len(rest) and len(rest[j][0]) == 1 and len(rest[j - 1][0]) == 1 and abs(
            (rest[j - 1][1] - rest[j][1]) - 1e-4
        ) < 1e-7:
            continue
        if j - start > best[1] - best[0]:
            best = (start, j)
        start = j
    if best[1] - best[0] >= 5:
        top = rest[best[0]][1]
        tail = sorted((p for p, s in rest if len(p) == 1 and s <= top + 1e-9), key=ord)
        tail_set = set(tail)
        rest = [(p, s) for p, s in rest if p not in tail_set] + [
            (p, round(top - 1e-4 * k, 6)) for k, p in enumerate(tail)
        ]
        rest.sort(key=lambda ps: (-ps[1], ps[0]))
    return head, rest


BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def wordpiece_bert(vocab_size, lowercase, specials=BERT_SPECIALS, unk="[UNK]", strip_accents=None, alphabet=1000):
    """As transformers' BertTokenizer / BertConverter build it, trained with WordPieceTrainer."""
    normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=strip_accents, lowercase=lowercase
    )
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    chars = choose_alphabet(normalizer, pre_tokenizer, alphabet)
    seeds = [s for s in affixed_symbols(chars, prefix="##") if s not in specials]
    tok = Tokenizer(models.WordPiece(unk_token=unk, continuing_subword_prefix="##", max_input_chars_per_word=100))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        show_progress=False,
        special_tokens=list(specials) + seeds,
        limit_alphabet=len(chars),
        initial_alphabet=chars,
        continuing_subword_prefix="##",
    )
    tok.train_from_iterator(TRAIN, trainer=trainer)
    vocab = trained_model(tok)["vocab"]
    out = Tokenizer(
        models.WordPiece(vocab, unk_token=unk, continuing_subword_prefix="##", max_input_chars_per_word=100)
    )
    out.normalizer = normalizer
    out.pre_tokenizer = pre_tokenizer
    out.decoder = decoders.WordPiece(prefix="##")
    out.add_special_tokens([AddedToken(s, normalized=False, special=True) for s in specials])
    return out


def build_bert_uncased(folder):
    tok = wordpiece_bert(4000, lowercase=True)
    hf = BertTokenizerFast(tokenizer_object=tok, do_lower_case=True, model_max_length=512)
    save_transformers(hf, folder)


def build_bert_cased(folder):
    tok = wordpiece_bert(4000, lowercase=False)
    hf = BertTokenizerFast(tokenizer_object=tok, do_lower_case=False, model_max_length=512)
    hf.add_tokens(
        [
            # non-special, whole-word only
            AddedToken("<special>", single_word=True, lstrip=False, rstrip=False, normalized=True, special=False),
            # matched against the raw text (BertNormalizer would put spaces around CJK characters)
            AddedToken("中文", single_word=False, lstrip=False, rstrip=False, normalized=False, special=False),
            # eats the whitespace on its right
            AddedToken("wörld", single_word=False, lstrip=False, rstrip=True, normalized=True, special=False),
        ]
    )
    save_transformers(hf, folder)


def build_distilbert(folder):
    tok = wordpiece_bert(3000, lowercase=True)
    hf = DistilBertTokenizerFast(tokenizer_object=tok, do_lower_case=True, model_max_length=512)
    backend = hf.backend_tokenizer
    # older DistilBERT tokenizer.json files carry BertProcessing; keep that component covered
    backend.post_processor = processors.BertProcessing(
        ("[SEP]", backend.token_to_id("[SEP]")), ("[CLS]", backend.token_to_id("[CLS]"))
    )
    save_transformers(hf, folder)


def build_electra(folder):
    tok = wordpiece_bert(3500, lowercase=True)
    hf = ElectraTokenizerFast(tokenizer_object=tok, do_lower_case=True, model_max_length=512)
    hf.add_special_tokens(
        {
            "additional_special_tokens": [
                AddedToken("<special>", single_word=False, lstrip=True, rstrip=True, normalized=False, special=True)
            ]
        }
    )
    save_transformers(hf, folder)


def build_mpnet(folder):
    tok = wordpiece_bert(3800, lowercase=True, specials=["<s>", "<pad>", "</s>", "<unk>", "[UNK]"])
    hf = MPNetTokenizerFast(
        tokenizer_object=tok,
        do_lower_case=True,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="[UNK]",
        pad_token="<pad>",
        mask_token=AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True),
        model_max_length=512,
    )
    save_transformers(hf, folder)


def build_gte(folder):
    tok = wordpiece_bert(3200, lowercase=True)
    hf = BertTokenizerFast(tokenizer_object=tok, do_lower_case=True, model_max_length=8192)
    save_transformers(hf, folder)


def build_nomic_bert(folder):
    tok = wordpiece_bert(4500, lowercase=True)
    hf = BertTokenizerFast(tokenizer_object=tok, do_lower_case=True, model_max_length=8192)
    save_transformers(hf, folder)


def bytelevel_bpe(vocab_size, specials, normalizer=None, add_prefix_space=False):
    tok = Tokenizer(
        models.BPE(dropout=None, unk_token=None, continuing_subword_prefix="", end_of_word_suffix="", fuse_unk=False)
    )
    if normalizer is not None:
        tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space, trim_offsets=True, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        show_progress=False,
        special_tokens=list(specials),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(TRAIN, trainer=trainer)
    return tok


def build_roberta(folder):
    tok = bytelevel_bpe(3000, ["<s>", "<pad>", "</s>", "<unk>"])
    hf = RobertaTokenizerFast(
        tokenizer_object=tok,
        add_prefix_space=False,
        trim_offsets=True,
        mask_token=AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True),
        model_max_length=512,
    )
    save_transformers(hf, folder)


def build_modernbert(folder):
    # answerdotai/ModernBERT-*: OLMo/GPT-NeoX byte-level BPE (NFC normalizer, ByteLevel pre-tokenizer with
    # add_prefix_space=false), non-special added tokens for runs of spaces and the PII placeholders,
    # BERT-style specials appended at the end, TemplateProcessing, ByteLevel decoder.
    tok = bytelevel_bpe(3500, ["<|endoftext|>", "<|padding|>"], normalizer=normalizers.NFC())
    tok.add_tokens(
        [AddedToken(" " * n, single_word=False, lstrip=False, rstrip=False, normalized=True, special=False)
         for n in range(8, 1, -1)]
        + [AddedToken(s, normalized=True, special=False)
           for s in ("|||IP_ADDRESS|||", "|||EMAIL_ADDRESS|||", "|||PHONE_NUMBER|||")]
    )
    specials = [AddedToken(s, normalized=False, special=True) for s in ("[UNK]", "[CLS]", "[SEP]", "[PAD]")]
    specials.append(AddedToken("[MASK]", lstrip=True, rstrip=False, normalized=False, special=True))
    tok.add_special_tokens(specials)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    hf = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        pad_token="[PAD]",
        mask_token=AddedToken("[MASK]", lstrip=True, rstrip=False, normalized=False, special=True),
        clean_up_tokenization_spaces=True,
        model_max_length=8192,
        model_input_names=["input_ids", "attention_mask"],
    )
    save_transformers(hf, folder)


def train_sentencepiece(path, vocab_size, **extra):
    """Deterministic sentencepiece training on the training texts (writes a .model file)."""
    spm.set_random_generator_seed(SEED)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TRAIN),
        model_writer=model,
        model_type=extra.pop("model_type", "unigram"),
        vocab_size=vocab_size,
        normalization_rule_name=extra.pop("normalization_rule_name", "nmt_nfkc"),
        character_coverage=0.9995,
        num_threads=1,
        shuffle_input_sentence=False,
        max_sentence_length=1 << 16,
        minloglevel=2,
        **extra,
    )
    Path(path).write_bytes(model.getvalue())
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    return proto


class SlowSpmTokenizer:
    """Stands in for the sentencepiece ("slow") tokenizer class that transformers 5 no longer ships:
    the attributes transformers' slow->fast converters read (vocab_file, convert_tokens_to_ids, flags)."""

    def __init__(self, vocab_file, **flags):
        self.vocab_file = str(vocab_file)
        self._ids = {}
        for k, v in flags.items():
            setattr(self, k, v)

    def convert_tokens_to_ids(self, token):
        return self._ids[token]


def convert_spm(converter_cls, slow):
    converter = converter_cls(slow)
    slow._ids = {piece: i for i, (piece, _score) in enumerate(converter.vocab(converter.proto))}
    return converter.converted()


def build_xlm_roberta(folder):
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "sentencepiece.bpe.model"
        train_sentencepiece(model_file, 2000)  # unk=0 <unk>, bos=1 <s>, eos=2 </s> as XLM-R's model
        tok = convert_spm(XLMRobertaConverter, SlowSpmTokenizer(model_file))
        hf = XLMRobertaTokenizerFast(
            tokenizer_object=tok,
            mask_token=AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True),
            model_max_length=512,
        )
        save_transformers(hf, folder)


def build_deberta_v2(folder):
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "spm.model"
        # DeBERTa-v3's spm.model: [PAD]=0 [CLS]=1 [SEP]=2 [UNK]=3; [MASK] is an added token at the end
        train_sentencepiece(
            model_file,
            1800,
            pad_id=0,
            pad_piece="[PAD]",
            bos_id=1,
            bos_piece="[CLS]",
            eos_id=2,
            eos_piece="[SEP]",
            unk_id=3,
            unk_piece="[UNK]",
        )
        slow = SlowSpmTokenizer(model_file, do_lower_case=False, split_by_punct=False)
        tok = convert_spm(DebertaV2Converter, slow)
        hf = DebertaV2TokenizerFast(
            tokenizer_object=tok,
            do_lower_case=False,
            split_by_punct=False,
            bos_token="[CLS]",
            eos_token="[SEP]",
            unk_token="[UNK]",
            sep_token="[SEP]",
            pad_token="[PAD]",
            cls_token="[CLS]",
            mask_token="[MASK]",
            model_max_length=512,
        )
        save_transformers(hf, folder)


# ---------------------------------------------------------------------------------------------
# Component pipelines (plain `tokenizers`, saved with Tokenizer.save)
# ---------------------------------------------------------------------------------------------

BYTE_TOKENS = [f"<0x{b:02X}>" for b in range(256)]


def build_bpe_byte_fallback(folder):
    # Llama / sentencepiece-BPE style
    normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    # training only: split before each "▁" so that merges stay inside words, as sentencepiece's do
    train_pre = pre_tokenizers.Split("▁", behavior="merged_with_next")
    chars = choose_alphabet(normalizer, train_pre, 200)
    specials = ["<unk>", "<s>", "</s>"]
    tok = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizer
    tok.pre_tokenizer = train_pre
    trainer = trainers.BpeTrainer(
        vocab_size=3200,
        min_frequency=2,
        show_progress=False,
        special_tokens=specials,
        limit_alphabet=len(chars),
        initial_alphabet=chars,
    )
    tok.train_from_iterator(TRAIN, trainer=trainer)
    model = trained_model(tok)
    trained = sorted(model["vocab"].items(), key=lambda kv: kv[1])
    # <unk> <s> </s>, then the 256 byte tokens (ids 3..258), then the trained pieces
    order = specials + BYTE_TOKENS + [t for t, _ in trained if t not in specials]
    vocab = {t: i for i, t in enumerate(order)}
    tok = Tokenizer(
        models.BPE(
            vocab=vocab, merges=merges_of(model), unk_token="<unk>", fuse_unk=True, byte_fallback=True, dropout=None
        )
    )
    tok.normalizer = normalizer
    # no pre-tokenizer: the whole normalized text is one BPE word
    tok.add_special_tokens([AddedToken(s, normalized=False, special=True) for s in specials])
    tok.add_special_tokens([AddedToken("<special>", normalized=False, special=True)])
    tok.decoder = decoders.Sequence(
        [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)]
    )
    tok.post_processor = processors.TemplateProcessing(
        single="<s>:0 $A:0", pair="<s>:0 $A:0 <s>:1 $B:1", special_tokens=[("<s>", vocab["<s>"])]
    )
    save_plain(tok, folder)


def build_bpe_suffix(folder):
    normalizer = normalizers.Sequence(
        [normalizers.NFD(), normalizers.StripAccents(), normalizers.Lowercase(), normalizers.Strip()]
    )
    pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.WhitespaceSplit(),
            pre_tokenizers.Punctuation(behavior="isolated"),
            pre_tokenizers.Digits(individual_digits=True),
        ]
    )
    specials = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]
    chars = choose_alphabet(normalizer, pre_tokenizer, 120)
    seeds = affixed_symbols(chars, prefix="##", suffix="</w>")

    def fresh(vocab=None, merges=None):
        t = Tokenizer(
            models.BPE(vocab=vocab, merges=merges, unk_token="[UNK]", continuing_subword_prefix="##",
                       end_of_word_suffix="</w>", fuse_unk=False, dropout=None)
        )
        t.normalizer = normalizer
        t.pre_tokenizer = pre_tokenizer
        return t

    tok = fresh()
    trainer = trainers.BpeTrainer(
        vocab_size=3500,
        min_frequency=2,
        show_progress=False,
        special_tokens=specials + seeds,
        limit_alphabet=len(chars),
        initial_alphabet=chars,
        continuing_subword_prefix="##",
        end_of_word_suffix="</w>",
    )
    tok.train_from_iterator(TRAIN, trainer=trainer)
    model = trained_model(tok)
    tok = fresh(model["vocab"], merges_of(model))
    tok.add_special_tokens([AddedToken(s, normalized=False, special=True) for s in specials])
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
    )
    save_plain(tok, folder)


def build_bytelevel_prefix(folder):
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True, trim_offsets=True, use_regex=True)
    trainer = trainers.BpeTrainer(
        vocab_size=3500,
        min_frequency=2,
        show_progress=False,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(TRAIN, trainer=trainer)
    model = trained_model(tok)
    vocab = dict(model["vocab"])
    merges = merges_of(model)
    # Whole words in the vocab that no merge sequence builds: only ignore_merges=true finds them.
    words = {}
    for text in TRAIN:
        pre = tok.pre_tokenizer.pre_tokenize_str(tok.normalizer.normalize_str(text))
        for w, _ in pre:
            if len(w) >= 9 and w.startswith("Ġ") and w[1:].isalpha() and w not in vocab:
                words[w] = words.get(w, 0) + 1
    extra = sorted(words, key=lambda w: (-words[w], w))[:40]
    for w in extra:
        vocab[w] = len(vocab)
    tok.model = models.BPE(vocab=vocab, merges=merges, dropout=None, ignore_merges=True)
    tok.add_special_tokens([AddedToken("<|endoftext|>", normalized=False, special=True)])
    tok.add_tokens([AddedToken("<special>", normalized=True, special=False)])
    tok.post_processor = processors.ByteLevel(trim_offsets=True)
    tok.decoder = decoders.ByteLevel()
    save_plain(tok, folder)


def build_wordlevel_split(folder):
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"\p{N}+|[^\s\p{L}\p{N}]+"), behavior="merged_with_next", invert=False),
            pre_tokenizers.Whitespace(),
        ]
    )
    specials = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]
    trainer = trainers.WordLevelTrainer(vocab_size=5000, min_frequency=2, show_progress=False, special_tokens=specials)
    tok.train_from_iterator(TRAIN, trainer=trainer)
    tok.add_special_tokens([AddedToken("<special>", normalized=False, special=True)])
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
    )
    # no decoder: decode() joins the tokens with spaces
    save_plain(tok, folder)


def build_unigram_byte_fallback(folder):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKD(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    specials = ["<unk>", "<s>", "</s>", "<pad>"]
    trainer = trainers.UnigramTrainer(
        vocab_size=2500, show_progress=False, special_tokens=specials, unk_token="<unk>", max_piece_length=16
    )
    tok.train_from_iterator(TRAIN, trainer=trainer)
    head, rest = canonical_unigram_vocab(tok, specials)
    rest = [(p, s) for p, s in rest if p not in BYTE_TOKENS]
    # as sentencepiece lays out a byte_fallback model: specials, <0x00>..<0xFF> (score 0), pieces
    vocab = head + [(b, 0.0) for b in BYTE_TOKENS] + rest
    tok.model = models.Unigram(vocab, unk_id=[p for p, _ in vocab].index("<unk>"), byte_fallback=True)
    tok.add_special_tokens([AddedToken(s, normalized=False, special=True) for s in specials])
    tok.add_tokens(
        [
            AddedToken("<special>", normalized=True, special=False),
            AddedToken("HELLO", normalized=False, special=False),
        ]
    )
    tok.decoder = decoders.Sequence(
        [
            decoders.Metaspace(replacement="▁", prepend_scheme="first", split=True),
            decoders.ByteFallback(),
            decoders.Fuse(),
        ]
    )
    tok.post_processor = processors.TemplateProcessing(
        single="<s>:0 $A:0 </s>:0",
        pair="<s>:0 $A:0 </s>:0 $B:1 </s>:1",
        special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))],
    )
    save_plain(tok, folder)


def build_metaspace_nosplit(folder):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=False)
    trainer = trainers.UnigramTrainer(
        vocab_size=2000, show_progress=False, special_tokens=["<unk>"], unk_token="<unk>", max_piece_length=12
    )
    tok.train_from_iterator(TRAIN, trainer=trainer)
    head, rest = canonical_unigram_vocab(tok, ["<unk>"])
    tok.model = models.Unigram(head + rest, unk_id=0, byte_fallback=False)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="never", split=False)
    # no post-processor: add_special_tokens has nothing to add
    save_plain(tok, folder)


# name -> builder; the position in this table fixes the folder's corpus share (residue = position % MODULUS)
PIPELINES = {
    "bert-uncased": build_bert_uncased,
    "bert-cased": build_bert_cased,
    "distilbert": build_distilbert,
    "electra": build_electra,
    "mpnet": build_mpnet,
    "gte": build_gte,
    "nomic-bert": build_nomic_bert,
    "roberta": build_roberta,
    "modernbert": build_modernbert,
    "xlm-roberta": build_xlm_roberta,
    "deberta-v2": build_deberta_v2,
    "bpe-byte-fallback": build_bpe_byte_fallback,
    "bpe-suffix": build_bpe_suffix,
    "bytelevel-prefix": build_bytelevel_prefix,
    "wordlevel-split": build_wordlevel_split,
    "unigram-byte-fallback": build_unigram_byte_fallback,
    "metaspace-nosplit": build_metaspace_nosplit,
}
MODULUS = 10


def selection_for(name):
    return Selection(MODULUS, list(PIPELINES).index(name) % MODULUS)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="pipelines to build (default: all)")
    args = ap.parse_args()
    names = args.names or list(PIPELINES)
    unknown = [n for n in names if n not in PIPELINES]
    if unknown:
        raise SystemExit(f"unknown pipeline(s) {unknown}; known: {list(PIPELINES)}")
    if not args.names and OUT_ROOT.exists():
        shutil.rmtree(OUT_ROOT)  # full regeneration: nothing stale survives
    OUT_ROOT.mkdir(parents=True, exist_ok=True)
    for name in names:
        folder = fresh_dir(name)
        PIPELINES[name](folder)
        n, errors, size = dump_expected(folder, selection_for(name))
        total = sum(p.stat().st_size for p in folder.iterdir())
        print(f"{name:24s} records={n:5d} errors={errors:4d} expected={size:8d} B folder={total:8d} B", flush=True)


if __name__ == "__main__":
    main()
