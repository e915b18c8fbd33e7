// The review editor's state, without a DOM (it runs in Node for tests/js/): drafts, the save queue, and the
// editor session as a small explicit state machine.
//
// Guarantees:
// - A save is bound, at the key press, to its article, unit, language, text and base revision (a Job). Nothing
//   that happens later (the next editor opening, typing, switching units or articles) changes what it saves or
//   where its answer is reported: on ITS row (notes keyed by article/unit/language).
// - Jobs run one at a time in the order they were made, so a draft never lands after the save that drops it,
//   and a second save of the same unit is based on the revision the first one made ("after").
// - Every keystroke is in localStorage at once (Drafts.put on every input) and in the store DRAFT_DELAY_MS
//   later or as soon as the editor is left; a local draft is dropped only when a save of that very text went
//   through.
// - A save press within PRESS_GUARD_MS of an editor being shown, before anything was typed into it, does not
//   act on it (a double Ctrl+Enter confirms one segment, never the next one unread, nor a draft restored in it).
// - No answer within TIMEOUT_MS is reported on the row and the job is retried (BACKOFF_MS) until it goes
//   through; a refused save (conflict) or a failed one keeps the text as a draft.
const PRESS_GUARD_MS = 300;  // human reading time: a press sooner than this after an editor showed is a bounce
const TIMEOUT_MS = 3500;     // no answer in this time: "the server does not answer", retrying
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
const DRAFT_DELAY_MS = 800;  // the store's copy of a draft follows the last keystroke by this much
const SAVES = new Set(["save", "confirm", "restore"]);
const FINAL = new Set(["done", "conflict", "failed"]);

const keyOf = (article, unit, lang) => `${article}\u241f${unit}\u241f${lang}`;

class TransportError extends Error {
  constructor(kind, message) { super(message); this.kind = kind; }  // kind: "timeout" | "network" | "http"
}

// ---------------------------------------------------------------- drafts (localStorage, synchronous)
class Drafts {
  constructor(storage) { this.storage = storage; }
  key(kind, article, unit, lang) { return `workbench.${kind}.${article}.${unit}.${lang}`; }
  read(kind, article, unit, lang) {
    try {
      const v = JSON.parse(this.storage.getItem(this.key(kind, article, unit, lang)) || "null");
      return v && typeof v.text === "string" ? v : null;
    } catch (_) { return null; }
  }
  write(kind, article, unit, lang, value) {
    try { this.storage.setItem(this.key(kind, article, unit, lang), JSON.stringify(value)); return true; }
    catch (_) { return false; }  // quota or privacy mode: the store's copy still follows
  }
  get(article, unit, lang) { return this.read("draft", article, unit, lang); }
  put(article, unit, lang, text, base, at) { return this.write("draft", article, unit, lang, { text, base, at }); }
  // Forget the draft, but only if it still holds `text` (typing after a save press is a newer draft).
  forget(article, unit, lang, text) {
    const d = this.get(article, unit, lang);
    if (d && (text === undefined || d.text === text)) this.storage.removeItem(this.key("draft", article, unit, lang));
  }
  // Text set aside by "Take theirs", "Discard draft" or a re-translation, so it can be put back.
  trash(article, unit, lang, text, base, why, at) { return this.write("trash", article, unit, lang, { text, base, why, at }); }
  trashed(article, unit, lang) { return this.read("trash", article, unit, lang); }
  untrash(article, unit, lang) { this.storage.removeItem(this.key("trash", article, unit, lang)); }
  // Every local draft of an article: [{unit, lang, text, base, at}].
  list(article) {
    const prefix = `workbench.draft.${article}.`, out = [];
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      if (!k || !k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length), dot = rest.lastIndexOf(".");
      const d = this.get(article, rest.slice(0, dot), rest.slice(dot + 1));
      if (d) out.push({ unit: rest.slice(0, dot), lang: rest.slice(dot + 1), ...d });
    }
    return out;
  }
}

// ---------------------------------------------------------------- the save queue
// A job: {id, kind: save|confirm|restore|draft|discard, article, unit, lang, text, base, after, reviewed,
// seconds, author, revision, label, status: queued|sending|retrying|done|conflict|failed, attempts, result}.
class SaveQueue {
  constructor({ transport, timers, onEvent }) {
    this.transport = transport; this.timers = timers; this.onEvent = onEvent || (() => {});
    this.jobs = []; this.running = null; this.nextId = 1;
  }
  add(spec) {
    const job = { after: null, base: null, text: "", reviewed: false, seconds: null, label: "", ...spec,
                  id: this.nextId++, status: "queued", attempts: 0, result: null };
    const key = keyOf(job.article, job.unit, job.lang);
    if (job.kind === "draft") {  // a newer draft replaces a waiting one of the same unit
      const waiting = this.jobs.find((j) => j.kind === "draft" && j.status === "queued" && keyOf(j.article, j.unit, j.lang) === key);
      if (waiting) { waiting.text = job.text; waiting.base = job.base; waiting.after = job.after; return waiting; }
    } else {  // a save or discard makes waiting drafts of the unit pointless (the save drops the draft)
      this.jobs = this.jobs.filter((j) => !(j.kind === "draft" && j.status === "queued" && keyOf(j.article, j.unit, j.lang) === key));
      for (const j of this.jobs) {  // nor does a draft that got no answer hold this save up
        if (j.kind === "draft" && j.status === "retrying" && keyOf(j.article, j.unit, j.lang) === key) this.cancel(j);
      }
    }
    this.jobs.push(job);
    this.onEvent(job, "queued");
    if (SAVES.has(job.kind) && this.running && this.running.status === "retrying") this.onEvent(job, "unanswered");
    this.pump();
    return job;
  }
  // The newest save of a unit that has not finished (its text is what the unit will hold).
  pendingSave(article, unit, lang) {
    const key = keyOf(article, unit, lang);
    for (let i = this.jobs.length - 1; i >= 0; i--) {
      const j = this.jobs[i];
      if (SAVES.has(j.kind) && !FINAL.has(j.status) && keyOf(j.article, j.unit, j.lang) === key) return j;
    }
    return null;
  }
  busy() { return this.jobs.some((j) => !FINAL.has(j.status)); }
  unsent() { return this.jobs.filter((j) => SAVES.has(j.kind) && !FINAL.has(j.status)); }
  // Resolves when no job of the unit is waiting or running.
  settled(article, unit, lang) {
    const key = keyOf(article, unit, lang);
    const waiting = () => this.jobs.some((j) => !FINAL.has(j.status) && keyOf(j.article, j.unit, j.lang) === key);
    return new Promise((resolve) => {
      const check = () => (waiting() ? this.timers.set(check, 50) : resolve());
      check();
    });
  }
  pump() {
    if (this.running) return;
    const job = this.jobs.find((j) => !FINAL.has(j.status));
    if (!job) { this.jobs = []; return; }  // nothing left: forget finished jobs
    this.running = job;
    this.attempt(job);
  }
  // One try. Any try's answer may finish the job (a slow first try can answer after a retry began); only
  // the latest try's silence or failure schedules the next one.
  attempt(job) {
    const n = ++job.attempts;
    job.status = n === 1 ? "sending" : "retrying";
    this.onEvent(job, job.status);
    let answered = false;
    const latest = () => n === job.attempts && !FINAL.has(job.status);
    const timer = this.timers.set(() => { if (!answered && latest()) this.unanswered(job, "timeout"); }, TIMEOUT_MS);
    const [name, args] = this.request(job);
    Promise.resolve().then(() => this.transport.call(name, args)).then(
      (result) => { answered = true; this.timers.clear(timer); this.answered(job, result); },
      (error) => {
        answered = true; this.timers.clear(timer);
        if (!latest()) return;
        if (error instanceof TransportError || (error && error.kind)) this.unanswered(job, error.kind || "network");
        else this.finish(job, "failed", { ok: false, error: String((error && error.message) || error) });
      });
  }
  request(job) {
    const { article, unit, lang, text, base, author, reviewed, seconds } = job;
    const where = { article_id: article, unit, language: lang, author };
    switch (job.kind) {
      case "save": return ["save_unit", { ...where, text, base_revision_id: base, reviewed, seconds_open: seconds }];
      case "confirm": return ["confirm_unit", { ...where, base_revision_id: base, seconds_open: seconds }];
      case "restore": return ["restore_unit", { ...where, revision_id: job.revision, base_revision_id: base }];
      case "draft": return ["save_draft", { ...where, text, base_revision_id: base }];
      default: return ["discard_draft", where];
    }
  }
  cancel(job) {
    if (job.waiting) { this.timers.clear(job.waiting); job.waiting = null; }
    job.status = "done"; job.result = { ok: true, superseded: true };
    if (this.running === job) this.running = null;
  }
  // No answer in time, or the connection failed: say so, try again later (the first try may still answer).
  // The saves waiting behind it cannot go through either: their rows say so too.
  unanswered(job, why) {
    if (FINAL.has(job.status) || job.waiting) return;
    job.status = "retrying"; job.why = why;
    this.onEvent(job, "unanswered");
    for (const j of this.jobs) if (j !== job && SAVES.has(j.kind) && j.status === "queued") this.onEvent(j, "unanswered");
    const delay = BACKOFF_MS[Math.min(job.attempts - 1, BACKOFF_MS.length - 1)];
    job.waiting = this.timers.set(() => { job.waiting = null; if (!FINAL.has(job.status)) this.attempt(job); }, delay);
  }
  answered(job, result) {
    if (FINAL.has(job.status)) return;  // a late answer to an earlier try of a job already finished
    if (job.waiting) { this.timers.clear(job.waiting); job.waiting = null; }
    if (!result || typeof result !== "object") return this.unanswered(job, "network");
    if (result.ok) return this.finish(job, "done", result);
    // An earlier try that went through after all: the server holds exactly this text.
    if (result.conflict && SAVES.has(job.kind) && job.kind !== "restore" && result.current_text === job.text) {
      return this.finish(job, "done", { ok: true, same: true, revision_id: result.current_revision_id });
    }
    return this.finish(job, result.conflict ? "conflict" : "failed", result);
  }
  finish(job, status, result) {
    job.status = status; job.result = result;
    for (const j of this.jobs) {  // later jobs of the unit waited for this one's revision
      if (j.after === job.id) { j.after = null; if (status === "done") j.base = result.revision_id; }
    }
    this.onEvent(job, status);
    if (this.running === job) { this.running = null; this.pump(); }
  }
}

// ---------------------------------------------------------------- the editor session (state machine)
// States: "closed" → open() → "editing" → commit()/leave() → "closed" (or "editing" the next unit).
// A session belongs to one article/unit/language; its `base` is the revision its text was typed on.
class Session {
  constructor(s) {
    this.article = s.article; this.unit = s.unit; this.lang = s.lang; this.number = s.number;
    this.text = s.text; this.saved = s.text;  // what the store holds (or will, once `after` is done)
    this.base = s.base; this.after = null; this.state = s.state || "machine"; this.flags = s.flags || [];
    this.blocking = s.blocking || []; this.shownAt = s.now; this.restored = false; this.warnedAt = -Infinity;
    this.storeHasDraft = !!s.serverDraft; this.id = s.id; this.typed = false;
  }
  get key() { return keyOf(this.article, this.unit, this.lang); }
  get dirty() { return this.restored || this.text !== this.saved; }
}

class EditorCore {
  constructor({ transport, storage, timers, clock, author, onEvent }) {
    this.timers = timers; this.clock = clock || { now: () => Date.now() };
    this.author = author || (() => "reviewer"); this.onEvent = onEvent || (() => {});
    this.drafts = new Drafts(storage);
    this.queue = new SaveQueue({ transport, timers, onEvent: (job, phase) => this.jobEvent(job, phase) });
    this.session = null; this.state = "closed"; this.sessions = 0;
    this.notes = new Map();      // key → {text, kind}: what the row of that unit says
    this.conflicts = new Map();  // key → {job, mine, theirs, revision, author, reviewed}
    this.draftTimer = null;
  }
  now() { return this.clock.now(); }

  // Open the editor on a unit. `snap`: {article, unit, lang, number, text, base, state, flags, blocking,
  // serverDraft: {text, base_revision_id, updated} | null}. Returns the session with `restoredFrom`.
  open(snap) {
    this.leave();
    const s = new Session({ ...snap, now: this.now(), id: ++this.sessions });
    const pending = this.queue.pendingSave(s.article, s.unit, s.lang);
    if (pending) {  // a save of this unit is on its way: continue from its text, based on its revision
      s.text = s.saved = pending.kind === "confirm" ? snap.text : pending.text;
      s.after = pending.id; s.base = pending.base; s.state = pending.reviewed || pending.kind === "confirm" ? "reviewed" : "edited";
    }
    const local = this.drafts.get(s.article, s.unit, s.lang), stored = snap.serverDraft;
    const draft = local || (stored ? { text: stored.text, base: stored.base_revision_id } : null);
    if (draft && draft.text !== s.text && !this.conflicts.has(s.key)) {
      s.text = draft.text; s.restored = true; s.restoredFrom = local ? "browser" : "store";
      if (!pending) s.base = draft.base === undefined ? s.base : draft.base;  // the revision it was typed on
      s.staleDraft = !pending && draft.base !== snap.base;
    }
    this.session = s; this.state = "editing";
    return s;
  }

  // Every keystroke: the session's text, kept in this browser at once and in the store soon after.
  input(text, session = this.session) {
    if (!session || session !== this.session) return;  // an editor that is no longer the open one
    session.text = text; session.typed = true;
    if (session.dirty) this.drafts.put(session.article, session.unit, session.lang, text, session.base, this.now());
    else this.drafts.forget(session.article, session.unit, session.lang);
    this.timers.clear(this.draftTimer);
    this.draftTimer = this.timers.set(() => this.storeDraft(session), DRAFT_DELAY_MS);
  }

  // The store's copy of the open session's draft (now, not later: the editor is being left).
  storeDraft(session = this.session) {
    this.timers.clear(this.draftTimer); this.draftTimer = null;
    if (!session || this.queue.pendingSave(session.article, session.unit, session.lang) && !session.dirty) return;
    const spec = { article: session.article, unit: session.unit, lang: session.lang, author: this.author() };
    if (session.dirty) {
      this.queue.add({ ...spec, kind: "draft", text: session.text, base: session.base, after: session.after });
      session.storeHasDraft = true;
    } else if (session.storeHasDraft) {
      this.queue.add({ ...spec, kind: "discard" }); session.storeHasDraft = false;
    }
  }

  // Leave the open editor by any way (another unit, Esc, search, article switch): its text stays a draft.
  leave() {
    const s = this.session;
    if (!s) return null;
    if (this.draftTimer !== null || s.dirty) this.storeDraft(s);
    this.session = null; this.state = "closed";
    return s;
  }

  // A save key. `reviewed`: Ctrl+Enter (confirm) rather than Ctrl+S. Returns what happened:
  // {action: "none" | "ignored" | "warn" | "unchanged" | "queued", job?}.
  commit({ reviewed, repeat = false } = {}) {
    const s = this.session;
    if (!s) return { action: "none" };
    const now = this.now();
    // a bounce: the editor has been on screen too briefly to be read, and nothing was typed into it
    if (repeat || (!s.typed && now - s.shownAt < PRESS_GUARD_MS)) return { action: "ignored", ms: now - s.shownAt };
    if (!s.dirty && (!reviewed || ["reviewed", "approved"].includes(s.state))) return { action: "unchanged" };
    if (reviewed && s.blocking.length && !s.dirty && now - s.warnedAt > 10000) {
      s.warnedAt = now;  // confirming text with a blocking flag takes a second press
      return { action: "warn", flags: s.blocking };
    }
    const spec = { article: s.article, unit: s.unit, lang: s.lang, base: s.base, after: s.after, reviewed,
                   author: this.author(), seconds: Math.round((now - s.shownAt) / 100) / 10, number: s.number };
    const job = this.queue.add(s.dirty ? { ...spec, kind: "save", text: s.text } : { ...spec, kind: "confirm", text: s.saved });
    this.timers.clear(this.draftTimer); this.draftTimer = null;
    s.saved = s.text; s.restored = false; s.after = job.id; s.storeHasDraft = false;
    s.state = reviewed ? "reviewed" : "edited"; s.staleDraft = false;
    this.conflicts.delete(s.key);
    return { action: "queued", job };
  }

  // Queue another kind of write for a unit (restore, keep mine), bound now like a save press.
  enqueue(spec) {
    const s = this.session, same = s && s.key === keyOf(spec.article, spec.unit, spec.lang);
    const job = this.queue.add({ author: this.author(), ...spec });
    if (same) { s.after = job.id; if (spec.kind === "save") { s.saved = s.text = spec.text; s.restored = false; } }
    this.conflicts.delete(keyOf(spec.article, spec.unit, spec.lang));
    return job;
  }

  note(key, text, kind) { if (text) this.notes.set(key, { text, kind }); else this.notes.delete(key); }

  jobEvent(job, phase) {
    const key = keyOf(job.article, job.unit, job.lang), s = this.session;
    if (phase === "done" && SAVES.has(job.kind)) {
      this.drafts.forget(job.article, job.unit, job.lang, job.text);  // only if it still holds the saved text
      if (s && s.after === job.id) { s.after = null; s.base = job.result.revision_id; }
    }
    if ((phase === "conflict" || phase === "failed") && s && s.after === job.id) s.after = null;
    if (phase === "conflict") {
      const r = job.result;
      this.conflicts.set(key, { job, mine: job.text, theirs: r.current_text || "", revision: r.current_revision_id,
                                author: r.current_author, reviewed: job.reviewed });
      // the text stays a draft, based on the revision it was typed on, until the reviewer chooses
      if (!this.drafts.get(job.article, job.unit, job.lang)) this.drafts.put(job.article, job.unit, job.lang, job.text, job.base, this.now());
    }
    if (phase === "failed" && SAVES.has(job.kind) && !this.drafts.get(job.article, job.unit, job.lang)) {
      this.drafts.put(job.article, job.unit, job.lang, job.text, job.base, this.now());
    }
    const text = message(job, phase);
    if (text && job.kind !== "draft" && job.kind !== "discard") this.note(key, text.text, text.kind);
    this.onEvent({ type: "job", job, phase, key, note: text });
  }
}

// What a row says about its save, in words.
function message(job, phase) {
  const r = job.result || {};
  if (job.kind === "draft" || job.kind === "discard") {
    return phase === "failed" ? { text: `Draft kept in this browser only: ${r.error || "not stored"}`, kind: "warn" } : null;
  }
  switch (phase) {
    case "queued": case "sending": return { text: "Saving…", kind: "busy" };
    case "unanswered": return { text: "Not saved: the server does not answer; your text is kept, retrying…", kind: "error" };
    case "retrying": return { text: `Not saved yet: trying again (try ${job.attempts}); your text is kept.`, kind: "error" };
    case "done": {
      const tries = job.attempts > 1 ? ` It went through after ${job.attempts} tries.` : "";
      if (r.same) return { text: `Saved (the store already had this text, revision ${r.revision_id}).${tries}`, kind: "ok" };
      if (job.kind === "restore") return { text: `Revision ${job.revision} restored as revision ${r.revision_id}.${tries}`, kind: "ok" };
      if (job.label === "mine") return { text: `Your text saved on top of theirs (revision ${r.revision_id}).${tries}`, kind: "ok" };
      return { text: `Saved as revision ${r.revision_id}${job.reviewed ? " (reviewed)" : " (edited)"}.${tries}`, kind: "ok" };
    }
    case "conflict": return { text: `Not saved: ${r.current_author || "someone"} saved this meanwhile (revision ${r.current_revision_id}). Your text is kept; choose below.`, kind: "error" };
    case "failed": return { text: `Not saved: ${r.error || "refused"}. Your text is kept as a draft.`, kind: "error" };
    default: return null;
  }
}

export { PRESS_GUARD_MS, TIMEOUT_MS, BACKOFF_MS, DRAFT_DELAY_MS, keyOf, TransportError, Drafts, SaveQueue, Session, EditorCore,
         message };
