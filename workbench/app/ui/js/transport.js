// How the editor talks to the server: the grid's gr.HTML has one Gradio server function, `operation(name,
// args)`, which runs the named operation of the service (app/service.py: the same declaration, argument checks
// and results as the /save_unit, /unit_details, ... endpoints that gradio_client scripts call). `args` names
// every argument as the declaration does ({ article_id, unit, language, ... }). One HTTP request per call; no
// event stream to parse. Failures to get an answer become a TransportError (the save queue in state.js retries
// those); an answer that refuses is a result with ok: false.
import { TransportError } from "./state.js";

// `server`: the object Gradio gives js_on_load (server.operation is the Python function).
export function makeTransport(server, timers) {
  const t = timers || { set: (f, ms) => setTimeout(f, ms), clear: (id) => clearTimeout(id) };
  return {
    // The queue's call: no timeout here (the queue has its own, and retries).
    call(name, args) {
      if (!server || typeof server.operation !== "function") {
        return Promise.reject(new TransportError("network", "the page is not connected to the server"));
      }
      if (!args || typeof args !== "object" || Array.isArray(args)) {
        return Promise.reject(new TypeError(`${name}: arguments go by name ({ name: value }), not ${JSON.stringify(args)}`));
      }
      // Gradio's client logs a failed fetch and answers undefined: no answer, like a thrown network error.
      return Promise.resolve().then(() => server.operation(name, args)).then(
        (result) => { if (result === undefined || result === null) throw new TransportError("network", "no answer"); return result; },
        (error) => { throw error instanceof TransportError ? error : new TransportError("network", String((error && error.message) || error)); });
    },
    // A read or a one-off action: an answer, or a TransportError after `ms`.
    ask(name, args, ms = 10000) {
      return new Promise((resolve, reject) => {
        const timer = t.set(() => reject(new TransportError("timeout", `${name}: the server does not answer`)), ms);
        this.call(name, args).then((r) => { t.clear(timer); resolve(r); }, (e) => { t.clear(timer); reject(e); });
      });
    },
  };
}

// The reviewer's name typed in the page (without --auth; with it the server uses the login name and ignores
// this), remembered in this browser.
export function reviewerName(doc, storage) {
  const box = doc && doc.querySelector("#reviewer textarea, #reviewer input");
  const typed = box && box.value.trim();
  return typed || (storage && storage.getItem("workbench.reviewer")) || "reviewer";
}

