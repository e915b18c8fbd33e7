// Word diffs in the browser (workbench/app/ui/js/diff.js), as the server's review/diff.py shows them: the shared
// start and end set aside, each run of changes one deletion then one insertion, long very different texts by
// sentence or whole (and said so), and text always text (never mark-up).
import test from "node:test";
import assert from "node:assert/strict";
import { diff, diffNodes, NOTES } from "../../workbench/app/ui/js/diff.js";

test("a word added in the middle is one insertion between the words both texts share", () => {
  assert.deepEqual(diff("the minister said", "the foreign minister said"),
                   { ops: [["=", "the"], ["+", "foreign"], ["=", "minister said"]], fineness: "word" });
});

test("a changed run is one deletion then one insertion; whitespace does not count", () => {
  assert.deepEqual(diff("Their  version of\nthe sentence.", "My version of the sentence!").ops,
                   [["-", "Their"], ["+", "My"], ["=", "version of the"], ["-", "sentence."], ["+", "sentence!"]]);
  assert.deepEqual(diff("same text", "same   text").ops, [["=", "same text"]]);
  assert.deepEqual(diff("", "new words").ops, [["+", "new words"]]);
});

test("long and very different texts are compared by sentence, then whole, and the note says so", () => {
  const many = (w, n) => Array.from({ length: n }, (_, i) => `${w}${i}`).join(" ");
  const bySentence = diff(`${many("a", 1200)}. Same end.`, `${many("b", 1200)}. Same end.`);
  assert.equal(bySentence.fineness, "sentence");
  assert.deepEqual(bySentence.ops.at(-1), ["=", "Same end."]);
  const whole = diff(many("a", 1200).replace(/ /g, ". "), many("b", 1200).replace(/ /g, ". "));
  assert.equal(whole.fineness, "whole");
  assert.deepEqual(whole.ops.map((o) => o[0]), ["-", "+"]);
  assert.ok(NOTES.sentence && NOTES.whole);
});

// A minimal document: enough of the DOM API for diffNode (elements with children and text).
const doc = {
  createElement(tag) {
    return { tag, className: "", children: [], set textContent(t) { this.children = [String(t)]; },
             append(...xs) { this.children.push(...xs); } };
  },
};
const text = (n) => (typeof n === "string" ? n : n.children.map(text).join(""));
const html = (n) => (typeof n === "string" ? n.replace(/</g, "&lt;") : `<${n.tag}>${n.children.map(html).join("")}</${n.tag}>`);

test("the diff is built as elements with text, so mark-up in a text stays text", () => {
  const nodes = diffNodes(doc, "a <b>", "a <b> <img src=x onerror=alert(1)>");
  assert.equal(nodes.map(html).join(""), "<p>a &lt;b> <ins>&lt;img src=x onerror=alert(1)></ins></p>");
  assert.equal(diffNodes(doc, "", "").map(text).join(""), "—");
});
