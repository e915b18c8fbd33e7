"""Tiny models of the real architectures, built locally in seconds with random weights.

They exercise exactly the loading and generation code of the real models (Marian with SentencePiece
vocabularies trained on seeds/, a Qwen2-style chat LM, an M2M100 multilingual model, and the instruction LLMs
that translate: Qwen3 with its thinking switch, Llama 3, Gemma 3 and TranslateGemma, each with the real model's chat-template
shape and stop tokens), for smoke tests and offline demos. Their outputs are meaningless, and everything they produce is marked so.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from ..resources import seeds_dir
from ..text.cleaning import clean_lines

KINDS = ("marian-ar-en", "marian-en-zle", "marian-en-ru", "marian-ar-ru", "qwen2", "m2m100", "qwen3", "llama", "gemma3",
         "translategemma")
BUILD_VERSION = "2"

ENGLISH = """Russian Foreign Minister Sergey Lavrov said the level of mutual trust between Russia and Kazakhstan allows them to discuss the most difficult issues.
The two countries share the longest land border in the world, 7,591 kilometres long.
Kazakhstan and Russia cooperate within the Eurasian Economic Union, the CSTO, the CIS and the SCO.
President Tokayev will pay a state visit to Russia on November 12.
The ministers discussed political, trade, economic and cultural cooperation in Moscow and Astana.
Deputy Foreign Minister Andrey Rudenko said relations will remain at the heart of the strategic partnership.
Uzbekistan wants observer status in the Eurasian Economic Union, and about 20 draft agreements are ready.
The joint use of the Baikonur cosmodrome is a striking example of a real strategic partnership.
Source: TASS. Photo: Russian Foreign Ministry. The Russia - Islamic World strategic vision group."""

RUSSIAN = """Министр иностранных дел России Сергей Лавров заявил, что уровень взаимного доверия России и Казахстана позволяет обсуждать самые сложные вопросы.
Две страны имеют самую протяжённую сухопутную границу в мире длиной 7 591 километр.
Казахстан и Россия сотрудничают в рамках Евразийского экономического союза, ОДКБ, СНГ и ШОС.
Президент Токаев посетит Россию с государственным визитом 12 ноября.
Министры обсудили политическое, торгово-экономическое и культурное сотрудничество в Москве и Астане.
Заместитель министра иностранных дел Андрей Руденко сказал, что отношения останутся в основе стратегического партнёрства.
Узбекистан хочет получить статус наблюдателя в Евразийском экономическом союзе.
Совместное использование космодрома Байконур является ярким примером стратегического партнёрства.
Источник: ТАСС. Фото: МИД России. Группа стратегического видения Россия - исламский мир."""

QWEN_CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


# Qwen3's template: thinking is switched off with `enable_thinking=False`, which writes an empty think block.
QWEN3_CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
    "{% if enable_thinking is defined and enable_thinking is false %}{{ '<think>\\n\\n</think>\\n\\n' }}{% endif %}{% endif %}"
)
LLAMA3_CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    " + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)
# Gemma 3 has no system role: the system text opens the first user turn.
GEMMA3_CHAT_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set first = messages[0]['content'] + '\\n\\n' %}"
    "{% set turns = messages[1:] %}{% else %}{% set first = '' %}{% set turns = messages %}{% endif %}"
    "{% for message in turns %}{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}"
    "{{ '<start_of_turn>' + role + '\\n' + (first if loop.first else '') + message['content'] | trim + '<end_of_turn>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
)


def arabic_corpus() -> list[str]:
    lines: list[str] = []
    for path in sorted(seeds_dir().glob("*.txt")):
        lines.extend(clean_lines(path.read_text(encoding="utf-8")))
    return lines


def _train_spm(lines: list[str], prefix: Path, vocab_size: int) -> Path:
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=str(prefix), vocab_size=vocab_size, model_type="unigram",
        character_coverage=1.0, hard_vocab_limit=False, bos_id=-1, eos_id=-1, unk_id=0, minloglevel=2,
        num_threads=1,
    )
    return prefix.with_suffix(".model")


def _pieces(model: Path) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model))
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _build_marian(out: Path, source_lines: list[str], target_lines: list[str], codes: list[str], src: str, tgt: str) -> None:
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        src_model = _train_spm(source_lines, Path(tmp) / "source", 300)
        tgt_model = _train_spm(target_lines, Path(tmp) / "target", 250)
        vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
        for code in codes:
            vocab.setdefault(code, len(vocab))
        for piece in _pieces(src_model) + _pieces(tgt_model):
            vocab.setdefault(piece, len(vocab))
        vocab["<pad>"] = len(vocab)
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
        tokenizer = MarianTokenizer(str(src_model), str(tgt_model), str(Path(tmp) / "vocab.json"),
                                    source_lang=src, target_lang=tgt)
        tokenizer.save_pretrained(out)
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=512,
        decoder_start_token_id=pad, pad_token_id=pad, eos_token_id=0, forced_eos_token_id=0,
        activation_function="swish", scale_embedding=True,
        share_encoder_decoder_embeddings=True,
    )
    config.static_position_embeddings = True
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad, pad_token_id=pad, eos_token_id=0, forced_eos_token_id=0,
        bad_words_ids=[[pad]], num_beams=4, max_length=512, renormalize_logits=True)
    model.save_pretrained(out)


def _build_qwen2(out: Path) -> None:
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    fast = _chat_tokenizer(out, ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], QWEN_CHAT_TEMPLATE,
                           eos="<|im_end|>", pad="<|endoftext|>", bos=None, vocab_size=600)
    config = Qwen2Config(
        vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=1, max_position_embeddings=32768, tie_word_embeddings=False,
        eos_token_id=fast.convert_tokens_to_ids("<|im_end|>"), pad_token_id=fast.pad_token_id,
        bos_token_id=cast(int, fast.convert_tokens_to_ids("<|endoftext|>")),
    )
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(
        eos_token_id=[config.eos_token_id, config.bos_token_id], pad_token_id=config.pad_token_id,
        do_sample=False, repetition_penalty=1.1)
    model.save_pretrained(out)

# TranslateGemma's template (google/translategemma-*), in its shape: user turns only, each a list of structured items
# {type, source_lang_code, target_lang_code, text}; the template writes the model card's instruction around the text
# (the real one knows 55 languages; these three are the workbench's). A plain string is refused, as the real one does.
TRANSLATEGEMMA_CHAT_TEMPLATE = (
    "{%- set languages = {'ar': 'Arabic', 'en': 'English', 'ru': 'Russian'} -%}{{ bos_token }}"
    "{%- for message in messages -%}"
    "{%- if message['role'] != 'user' -%}{{ raise_exception('TranslateGemma takes user turns only') }}{%- endif -%}"
    "{%- if message['content'] is string -%}"
    "{{ raise_exception('TranslateGemma needs structured content: type, source_lang_code, target_lang_code, text') }}"
    "{%- endif -%}{{ '<start_of_turn>user\n' }}"
    "{%- for item in message['content'] -%}{%- set src = languages[item['source_lang_code']] -%}"
    "{%- set tgt = languages[item['target_lang_code']] -%}"
    "{{ 'You are a professional ' + src + ' (' + item['source_lang_code'] + ') to ' + tgt + ' ('"
    " + item['target_lang_code'] + ') translator. Your goal is to accurately convey the meaning and nuances of the'"
    " + ' original ' + src + ' text while adhering to ' + tgt + ' grammar, vocabulary, and cultural sensitivities.\n'"
    " + 'Produce only the ' + tgt + ' translation, without any additional explanations or commentary. Please'"
    " + ' translate the following ' + src + ' text into ' + tgt + ':\n\n\n' + item['text'] | trim }}"
    "{%- endfor -%}{{ '<end_of_turn>\n' }}{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\n' }}{%- endif -%}"
)


def _chat_tokenizer(out: Path, specials: list[str], template: str, *, eos: str, pad: str, bos: str | None,
                    unk: str | None = None, vocab_size: int = 700) -> Any:
    """A byte-level BPE vocabulary trained on seeds/ and the English and Russian sample texts, with the model's
    special tokens and chat template, saved to `out`."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(arabic_corpus() + ENGLISH.splitlines() + RUSSIAN.splitlines(), trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=eos, pad_token=pad, bos_token=bos, unk_token=unk,
                                   chat_template=template, model_max_length=32768)
    fast.save_pretrained(out)
    return fast


def _save_causal(out: Path, model: Any, eos: list[int], pad: int, bos: int | None) -> None:
    """Save a causal LM with a greedy generation config that stops at any of `eos` (as the real cards do)."""
    from transformers import GenerationConfig

    model.generation_config = GenerationConfig(eos_token_id=eos, pad_token_id=pad, bos_token_id=bos, do_sample=False)
    model.save_pretrained(out)


def _build_qwen3(out: Path) -> None:
    """Qwen3 (Qwen/Qwen3-1.7B, Qwen3-4B-Instruct-2507): q/k norms, ChatML turns, `<|im_end|>` ends a turn."""
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    torch.manual_seed(0)
    fast = _chat_tokenizer(out, ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"],
                           QWEN3_CHAT_TEMPLATE, eos="<|im_end|>", pad="<|endoftext|>", bos=None)
    ids = fast.convert_tokens_to_ids
    config = Qwen3Config(
        vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=1, head_dim=16, max_position_embeddings=32768, tie_word_embeddings=False,
        eos_token_id=ids("<|im_end|>"), pad_token_id=ids("<|endoftext|>"), bos_token_id=None)
    _save_causal(out, Qwen3ForCausalLM(config), [ids("<|im_end|>"), ids("<|endoftext|>")], ids("<|endoftext|>"), None)


def _build_llama(out: Path) -> None:
    """Llama (EuroLLM, Llama 3 turns): `<|eot_id|>` ends a turn, `<|end_of_text|>` the text."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
                "<|finetune_right_pad_id|>"]
    fast = _chat_tokenizer(out, specials, LLAMA3_CHAT_TEMPLATE, eos="<|eot_id|>", pad="<|finetune_right_pad_id|>",
                           bos="<|begin_of_text|>")
    ids = fast.convert_tokens_to_ids
    config = LlamaConfig(
        vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=1, max_position_embeddings=32768, tie_word_embeddings=False,
        bos_token_id=ids("<|begin_of_text|>"), eos_token_id=ids("<|eot_id|>"), pad_token_id=ids("<|finetune_right_pad_id|>"))
    _save_causal(out, LlamaForCausalLM(config), [ids("<|end_of_text|>"), ids("<|eot_id|>")],
                 ids("<|finetune_right_pad_id|>"), ids("<|begin_of_text|>"))


def _build_gemma3(out: Path, template: str = GEMMA3_CHAT_TEMPLATE) -> None:
    """Gemma 3 text (TranslateGemma's decoder): sliding and global attention layers, `<end_of_turn>` ends a turn."""
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    torch.manual_seed(0)
    fast = _chat_tokenizer(out, ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>"],
                           template, eos="<eos>", pad="<pad>", bos="<bos>", unk="<unk>")
    ids = fast.convert_tokens_to_ids
    config = Gemma3TextConfig(
        vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=1, head_dim=16, query_pre_attn_scalar=16, max_position_embeddings=32768,
        sliding_window=4096, layer_types=["sliding_attention", "full_attention"],
        # untied and a wider initialisation: tied random embeddings make a model this small repeat one token
        tie_word_embeddings=False, initializer_range=0.2,
        pad_token_id=ids("<pad>"), eos_token_id=[ids("<eos>"), ids("<end_of_turn>")], bos_token_id=ids("<bos>"))
    _save_causal(out, Gemma3ForCausalLM(config), [ids("<eos>"), ids("<end_of_turn>")], ids("<pad>"), ids("<bos>"))


def _build_m2m100(out: Path) -> None:
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        spm_model = _train_spm(arabic_corpus() + ENGLISH.splitlines() + RUSSIAN.splitlines(), Path(tmp) / "spm", 400)
        vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
        for piece in _pieces(spm_model):
            vocab.setdefault(piece, len(vocab))
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
        tokenizer = M2M100Tokenizer(str(Path(tmp) / "vocab.json"), str(spm_model), src_lang="ar", tgt_lang="en")
        tokenizer.save_pretrained(out)
    config = M2M100Config(
        # language tokens (and 8 made-up words) sit after the SentencePiece vocabulary
        vocab_size=max(tokenizer.lang_code_to_id.values()) + 1 + 8,
        d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=1024,
        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
    )
    M2M100ForConditionalGeneration(config).save_pretrained(out)


def _builders() -> dict[str, Callable[[Path], None]]:
    ar = arabic_corpus
    en = ENGLISH.splitlines
    ru = RUSSIAN.splitlines
    zle = [">>rus<<", ">>ukr<<", ">>bel<<"]
    return {
        "marian-ar-en": lambda out: _build_marian(out, ar(), en(), [], "ar", "en"),
        "marian-ar-ru": lambda out: _build_marian(out, ar(), ru(), [], "ar", "ru"),
        "marian-en-ru": lambda out: _build_marian(out, en(), ru(), [], "en", "ru"),
        "marian-en-zle": lambda out: _build_marian(out, en(), ru(), zle, "en", "zle"),
        "qwen2": _build_qwen2,
        "m2m100": _build_m2m100,
        "qwen3": _build_qwen3,
        "llama": _build_llama,
        "gemma3": _build_gemma3,
        "translategemma": lambda out: _build_gemma3(out, TRANSLATEGEMMA_CHAT_TEMPLATE),
    }


def build_tiny(kind: str, root: Path) -> Path:
    """Build (once) the tiny model `kind` under `root` and return its folder."""
    from ..errors import UnknownModelError

    builders = _builders()
    if kind not in builders:
        raise UnknownModelError(f"unknown tiny model {kind!r}; known: {', '.join(KINDS)}")
    folder = root / f"{kind}-v{BUILD_VERSION}"
    if (folder / "config.json").exists():
        return folder
    root.mkdir(parents=True, exist_ok=True)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    staging = Path(tempfile.mkdtemp(prefix=f".{kind}-", dir=root))
    try:
        builders[kind](staging)
        (staging / "README.md").write_text(
            f"---\nlicense: apache-2.0\n---\n# tiny:{kind}\nRandom weights, built by the workbench for tests and"
            " offline demos. Its outputs are meaningless.\n")
        try:
            staging.rename(folder)
        except OSError:
            if not (folder / "config.json").exists():
                raise  # a real failure (permissions, disk), not another process finishing first
            shutil.rmtree(staging, ignore_errors=True)  # another process built the same model first
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder
