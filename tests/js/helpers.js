// Fakes for the editor's state tests: a clock and timers under the test's control, a localStorage, and a
// server that answers when the test says so (or never, or with a conflict).

class FakeTimers {
  constructor() { this.t = 0; this.queue = []; this.ids = 0; }
  now() { return this.t; }
  set(fn, ms) { const id = ++this.ids; this.queue.push({ id, at: this.t + ms, fn }); return id; }
  clear(id) { this.queue = this.queue.filter((q) => q.id !== id); }
  // Move time forward, running what falls due (and letting promises settle in between).
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.queue.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await settle();
  }
}

async function settle() { for (let i = 0; i < 20; i++) await Promise.resolve(); }

class FakeStorage {
  constructor() { this.map = new Map(); }
  get length() { return this.map.size; }
  key(i) { return [...this.map.keys()][i] ?? null; }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
}

// A store of revisions per unit with the server's conflict rule; `hold` keeps answers until `release`.
class FakeServer {
  constructor() { this.revs = new Map(); this.nextRev = 100; this.calls = []; this.held = []; this.hold = false; this.down = false; this.drafts = new Map(); }
  key(article, unit, lang) { return `${article}/${unit}/${lang}`; }
  seed(article, unit, lang, text, author = "machine") { const id = this.nextRev++; this.revs.set(this.key(article, unit, lang), { id, text, author, reviewed: false }); return id; }
  current(article, unit, lang) { return this.revs.get(this.key(article, unit, lang)); }
  write(article, unit, lang, text, base, author, reviewed) {
    const cur = this.current(article, unit, lang);
    if ((cur ? cur.id : null) !== base) {
      return { ok: false, conflict: true, current_text: cur ? cur.text : "", current_revision_id: cur ? cur.id : null, current_author: cur ? cur.author : null };
    }
    const id = this.nextRev++;
    this.revs.set(this.key(article, unit, lang), { id, text, author, reviewed });
    this.drafts.delete(this.key(article, unit, lang));
    return { ok: true, revision_id: id, unit, lang };
  }
  // What the server answers; `args` are named as the operations' declarations name them (app/operations.py).
  answer(name, args) {
    const { article_id: article, unit, language: lang } = args;
    switch (name) {
      case "save_unit": return this.write(article, unit, lang, args.text, args.base_revision_id, args.author, args.reviewed);
      case "confirm_unit": { const cur = this.current(article, unit, lang); return this.write(article, unit, lang, cur.text, args.base_revision_id, args.author, true); }
      case "save_draft": this.drafts.set(this.key(article, unit, lang), { text: args.text, base: args.base_revision_id }); return { ok: true };
      case "discard_draft": this.drafts.delete(this.key(article, unit, lang)); return { ok: true };
      default: return { ok: false, error: `unknown ${name}` };
    }
  }
  // The transport the queue calls.
  get transport() {
    return {
      call: (name, args) => {
        this.calls.push({ name, args });
        if (this.down) return Promise.reject(Object.assign(new Error("connection refused"), { kind: "network" }));
        if (this.hold) return new Promise((resolve) => this.held.push(() => resolve(this.answer(name, args))));
        return Promise.resolve(this.answer(name, args));
      },
    };
  }
  async release() { const h = this.held; this.held = []; for (const f of h) f(); await settle(); }
}

export { FakeTimers, FakeStorage, FakeServer, settle };
