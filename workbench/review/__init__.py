"""Review: QA checks, the glossary, the translation memory, word diffs and the read-side views of an article."""
