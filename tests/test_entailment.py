"""The summary entailment checker loads an NLI classifier the ordinary way; here a tiny random BERT of the real
architecture (its scores mean nothing: the test holds the structure, the label reading and the threshold)."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.review.entailment import EntailmentChecker

ARTICLE = "President Tokayev will pay a state visit to Russia on November 12. The border is 7,591 kilometres long."
SUMMARY = "Tokayev visits Russia on November 12. The border has 40 crossings."


def _tiny_nli(path, labels):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    words = sorted(set(ARTICLE.replace(".", " .").split() + SUMMARY.replace(".", " .").split()))
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *words])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    from tokenizers.processors import TemplateProcessing

    tok.post_processor = TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
                                            special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]",
                                   sep_token="[SEP]")
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, num_labels=len(labels), id2label=dict(enumerate(labels)),
                        label2id={name: i for i, name in enumerate(labels)})
    BertForSequenceClassification(config).save_pretrained(path)
    fast.save_pretrained(path)
    return str(path)


def test_each_summary_sentence_is_scored_and_the_threshold_decides(tmp_path):
    model = _tiny_nli(tmp_path / "nli", ["contradiction", "neutral", "entailment"])
    scores = EntailmentChecker(model).scores(ARTICLE, ["Tokayev visits Russia on November 12.", "The border has 40 crossings."])
    assert len(scores) == 2 and all(0 <= s <= 1 for s in scores)
    everything = EntailmentChecker(model, threshold=1.01).unsupported(ARTICLE, SUMMARY)
    assert [u.text for u in everything] == ["Tokayev visits Russia on November 12.", "The border has 40 crossings."]
    assert SUMMARY[everything[1].start:everything[1].end].strip() == "The border has 40 crossings."
    assert EntailmentChecker(model, threshold=0.0).unsupported(ARTICLE, SUMMARY) == []


def test_a_one_logit_consistency_model_is_read_as_a_probability(tmp_path):
    model = _tiny_nli(tmp_path / "hhem", ["consistent"])
    assert all(0 <= s <= 1 for s in EntailmentChecker(model).scores(ARTICLE, ["Tokayev visits Russia."]))


def test_a_classifier_without_an_entailment_label_is_refused(tmp_path):
    model = _tiny_nli(tmp_path / "sentiment", ["negative", "positive"])
    with pytest.raises(WorkbenchError, match="entailment"):
        EntailmentChecker(model)
