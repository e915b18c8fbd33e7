// A summary's claims (workbench/app/ui/js/claims.js) without a browser: which spans the summary's text is cut
// into (a number inside a quotation nested, a straddling claim left out, a stale one dropped, offsets in code
// points), what each span's title says, and which rows a span highlights.
import test from "node:test";
import assert from "node:assert/strict";
import { claimTitle, fitting, pieces, sourcesOf, unitIndex } from "../../workbench/app/ui/js/claims.js";

const claim = (kind, text, start, end, segments = []) => ({ kind, text, start, end, segments, supported: segments.length > 0 });
// The pieces as plain data: "text" or [kind, text shown, segments, and the inner pieces where a claim holds others].
const shape = (text, parts) => parts.map((p) => {
  if (typeof p === "string") return p;
  const shown = text.slice(p.claim.from, p.claim.to), inner = shape(text, p.pieces);
  return [p.claim.kind, shown, p.claim.segments, ...(inner.length === 1 && inner[0] === shown ? [] : inner)];
});

test("the text is cut into plain strings and claim spans, in order and whole", () => {
  const text = "Tokayev visits Russia on 12 November with 40 aides.";
  const claims = [claim("number", "40", 42, 44), claim("name", "Tokayev", 0, 7, ["s1"]), claim("number", "12", 25, 27, ["s1"])];
  const parts = pieces(text, claims);
  assert.deepEqual(shape(text, parts), [["name", "Tokayev", ["s1"]], " visits Russia on ", ["number", "12", ["s1"]],
                                       " November with ", ["number", "40", []], " aides."]);
  const flat = (ps) => ps.map((p) => (typeof p === "string" ? p : flat(p.pieces))).join("");
  assert.equal(flat(parts), text);  // nothing lost, nothing added
});

test("a number or a name inside a quotation is a span inside the quotation's span", () => {
  const text = 'Putin said: "we will open forty new crossings soon".';
  const quote = claim("quote", '"we will open forty new crossings soon"', 12, 51);
  const parts = pieces(text, [claim("name", "Putin", 0, 5, ["s2"]), quote, claim("number", "40", 26, 31)]);
  assert.deepEqual(shape(text, parts), [["name", "Putin", ["s2"]], " said: ",
    ["quote", quote.text, [], '"we will open ', ["number", "forty", []], ' new crossings soon"'], "."]);
});

test("a claim that straddles another's end, one out of bounds and one of another text are left out", () => {
  const text = "Lavrov met Tokayev in Astana.";
  const parts = pieces(text, [claim("name", "Lavrov met", 0, 10, ["a"]), claim("name", "met Tokayev", 7, 18, ["b"]),
                              claim("number", "7", 20, 99), claim("name", "Moscow", 22, 28, ["c"])]);
  assert.deepEqual(shape(text, parts), [["name", "Lavrov met", ["a"]], " Tokayev in Astana."]);
  assert.deepEqual(pieces(text, undefined), [text]);
});

test("the server's offsets count code points: a summary with an emoji before a claim still marks the claim", () => {
  const text = "🇰🇿 Tokayev: 12 aides";
  const at = [...text].indexOf("T");
  assert.equal(unitIndex(text)(at), text.indexOf("T"));
  const [c] = fitting(text, [claim("name", "Tokayev", at, at + 7, ["s1"])]);
  assert.equal(text.slice(c.from, c.to), "Tokayev");
});

test("a title names the rows a claim comes from, or says the article does not have it", () => {
  const rows = { s1: 1, s3: 3 };
  assert.equal(claimTitle(claim("name", "Tokayev", 0, 7, ["s1", "s3"]), "Tokayev", (id) => rows[id]),
               "Name “Tokayev”: from rows 1, 3 of the article");
  assert.equal(claimTitle(claim("number", "7591", 0, 5, ["s3"]), "7,591", (id) => rows[id]),
               "Number “7,591” (7591): from row 3 of the article");
  assert.equal(claimTitle(claim("number", "40", 0, 2), "40", () => 0), "Number “40”: not in the article (no segment says it)");
  assert.equal(claimTitle(claim("quote", '"…"', 0, 3), '"…"', () => 0), 'Quotation “"…"”: not in the article (no segment says it)');
});

test("a span highlights the rows of its segments, and none without", () => {
  assert.deepEqual(sourcesOf({ dataset: { segments: "a.1 a.7" } }), ["a.1", "a.7"]);
  assert.deepEqual(sourcesOf({ dataset: { segments: "" } }), []);
  assert.deepEqual(sourcesOf(null), []);
});
