// The live page (`GET /`): one HTML file with its CSS and JavaScript inline, served by the
// binary, no build step and nothing fetched from elsewhere.
//
// The page reads `GET /v1/live` (server-sent events, LiveRuns.swift) with `fetch`, not
// `EventSource`, because EventSource cannot send an `Authorization` header: the API key is then
// never in a URL (where logs and history would keep it). The key comes from the key box (kept in
// the tab's sessionStorage) or from the fragment of the page's URL (`/#key=sk-…`, which browsers
// never send to a server; the page removes it from the address bar at once). A key sees its own
// runs only (the server filters the feed); the receipts link fetches `GET /v1/runs/{id}` with
// the same header and shows the stored receipts under the run.
//
// Shading: every piece of text is tinted by the highest rule score S computed for its
// positions, relative to that rule's threshold: transparent a quarter of the threshold's
// magnitude (at least 1/4) below it, solid red at or above it. Hovering a piece lists each
// rule's score.

import Foundation
import Hummingbird

enum LivePage {
    static func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>overseer — live</title>
    <style>
      body { font: 14px/1.45 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1c1e21; }
      header { background: #1c2733; color: #fff; padding: 10px 18px; display: flex; gap: 16px; align-items: center; }
      header h1 { font-size: 16px; margin: 0; font-weight: 600; }
      #status { font-size: 12px; opacity: .8; }
      #keyform { margin-left: auto; display: flex; gap: 6px; }
      #keyform input { width: 200px; }
      main { padding: 14px 18px; max-width: 1100px; }
      .run { background: #fff; border: 1px solid #d8dce2; border-radius: 6px; margin-bottom: 12px; padding: 10px 12px; }
      .run.halted { border-color: #c62828; box-shadow: 0 0 0 1px #c62828; }
      .meta { font-size: 12px; color: #555; display: flex; gap: 12px; flex-wrap: wrap; align-items: baseline; }
      .meta .id { font-family: ui-monospace, monospace; color: #1c1e21; }
      .state { font-weight: 600; }
      .state.running { color: #1565c0; }
      .state.halted { color: #c62828; }
      .state.done { color: #2e7d32; }
      .text { font-family: ui-monospace, monospace; white-space: pre-wrap; margin: 8px 0 4px; min-height: 1.4em; }
      .tok { border-radius: 2px; }
      .halt { margin-top: 6px; padding: 6px 8px; background: #fdecea; border-left: 4px solid #c62828; font-size: 13px; }
      .halt b { color: #c62828; }
      .stopmark { color: #fff; background: #c62828; border-radius: 3px; padding: 0 4px; margin-left: 2px; font-size: 12px; }
      .legend { font-size: 12px; color: #555; margin-bottom: 10px; }
      .legend span { padding: 0 6px; border-radius: 2px; }
      pre.receipts { background: #f0f2f5; max-height: 260px; overflow: auto; font-size: 11px; padding: 6px; }
      #empty { color: #777; }
    </style>
    </head>
    <body>
    <header>
      <h1>overseer — what the supervisor sees</h1>
      <span id="status">connecting…</span>
      <form id="keyform" autocomplete="off">
        <input id="key" type="password" placeholder="API key (kept in this tab)">
        <button type="submit">use key</button>
      </form>
    </header>
    <main>
      <div class="legend">rule score relative to its threshold:
        <span style="background: rgba(198,40,40,.1)">far below</span>
        <span style="background: rgba(198,40,40,.45)">near</span>
        <span style="background: rgba(198,40,40,.9); color: #fff">at or above</span>
      </div>
      <div id="runs"><p id="empty">No runs yet.</p></div>
    </main>
    <script>
    "use strict";
    const runs = new Map();   // run id -> {start, pieces, end, el}
    const keyName = "overseer-api-key";
    if (location.hash.startsWith("#key=")) {
      sessionStorage.setItem(keyName, decodeURIComponent(location.hash.slice(5)));
      history.replaceState(null, "", location.pathname);
    }
    const key = () => sessionStorage.getItem(keyName) || "";
    const authHeaders = () => key() ? { "Authorization": "Bearer " + key() } : {};
    const status = (t) => { document.getElementById("status").textContent = t; };

    document.getElementById("keyform").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(keyName, document.getElementById("key").value.trim());
      document.getElementById("key").value = "";
      runs.clear();
      document.getElementById("runs").innerHTML = "";
      restart();
    });

    // How red a piece is: 0 a quarter of |threshold| (at least 1/4) below the threshold, 1 at or above it.
    function shade(scores, rules) {
      let best = null;
      for (const row of scores || []) {
        for (const r of rules || []) {
          const s = row.rules ? row.rules[r.id] : null;
          if (s === null || s === undefined) continue;
          const width = Math.max(Math.abs(r.threshold), 1) / 4;
          const level = Math.min(1, Math.max(0, 1 + (s - r.threshold) / width));
          if (best === null || level > best.level) best = { level, rule: r.id, score: s, threshold: r.threshold };
        }
      }
      return best;
    }

    function fmt(x) { return (x === null || x === undefined) ? "—" : Number(x).toPrecision(4); }

    function el(tag, cls, text) {
      const e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    }

    function runElement(id) {
      let r = runs.get(id);
      if (r) return r;
      r = { id, start: null, end: null, el: el("div", "run") };
      r.el.id = "run-" + id;
      r.meta = el("div", "meta");
      r.textEl = el("div", "text");
      r.haltEl = el("div");
      r.el.append(r.meta, r.textEl, r.haltEl);
      const list = document.getElementById("runs");
      const empty = document.getElementById("empty");
      if (empty) empty.remove();
      list.prepend(r.el);
      runs.set(id, r);
      return r;
    }

    function drawMeta(r) {
      r.meta.innerHTML = "";
      const s = r.start || {};
      r.meta.append(el("span", "id", "run " + r.id));
      const state = !r.end ? "running" : (r.end.halted ? "halted" : (r.end.finish_reason || "done"));
      r.meta.append(el("span", "state " + (!r.end ? "running" : (r.end.halted ? "halted" : "done")), state));
      if (s.bundle) r.meta.append(el("span", "", "bundle " + s.bundle));
      if (s.model) r.meta.append(el("span", "", "model " + s.model));
      if (s.server) r.meta.append(el("span", "", "server " + s.server));
      if (s.owner) r.meta.append(el("span", "", "key " + s.owner));
      const a = el("a", "receipts-link", "receipts");
      a.href = "/v1/runs/" + encodeURIComponent(r.id);
      a.addEventListener("click", (ev) => { ev.preventDefault(); showReceipts(r); });
      r.meta.append(a);
      r.el.classList.toggle("halted", !!(r.end && r.end.halted));
    }

    async function showReceipts(r) {
      let pre = r.el.querySelector("pre.receipts");
      if (!pre) { pre = el("pre", "receipts"); r.el.append(pre); }
      pre.textContent = "loading…";
      try {
        const res = await fetch("/v1/runs/" + encodeURIComponent(r.id), { headers: authHeaders() });
        const body = await res.json();
        pre.textContent = JSON.stringify(body, null, 2);
      } catch (e) { pre.textContent = "cannot load the receipts: " + e; }
    }

    function apply(e) {
      const r = runElement(e.run);
      if (e.kind === "start") {
        r.start = e;
      } else if (e.kind === "text") {
        const span = el("span", "tok", e.text || "");
        const rules = r.start ? r.start.rules : null;
        const s = shade(e.scores, rules);
        if (s) {
          span.style.background = "rgba(198,40,40," + (0.08 + 0.85 * s.level).toFixed(3) + ")";
          if (s.level >= 1) span.style.color = "#fff";
          span.title = (e.scores || []).map(row => "position " + row.position + ": " +
            Object.entries(row.rules || {}).map(([k, v]) => k + " " + fmt(v)).join(", ")).join("\n");
          span.dataset.level = s.level.toFixed(3);
        }
        r.textEl.append(span);
      } else if (e.kind === "end") {
        r.end = e;
        for (const v of e.verdicts || []) {
          const box = el("div", "halt");
          box.dataset.rule = v.rule || "";
          box.dataset.score = v.score;
          box.dataset.threshold = v.threshold;
          box.append(el("b", "", v.kind === "fail_closed" ? "FAIL-CLOSED" : "HALT"));
          const parts = [];
          if (v.rule) parts.push(" rule " + v.rule);
          if (v.score !== undefined && v.score !== null) parts.push("score " + fmt(v.score) + " ≥ threshold " + fmt(v.threshold));
          parts.push("at position " + v.position + (v.token ? " (token " + JSON.stringify(v.token) + ")" : ""));
          if (v.detector) parts.push("detector " + v.detector + (v.tap ? " on " + v.tap : ""));
          if (v.reason) parts.push(v.reason);
          box.append(document.createTextNode(parts.join(" · ")));
          r.haltEl.append(box);
        }
        if (e.halted) r.textEl.append(el("span", "stopmark", "halted"));
        if (e.error) r.haltEl.append(el("div", "halt", "error: " + e.error));
      }
      drawMeta(r);
    }

    let controller = null;
    async function connect() {
      controller = new AbortController();
      const res = await fetch("/v1/live", { headers: authHeaders(), signal: controller.signal });
      if (res.status === 401) { status("this server needs an API key: enter it above"); return false; }
      if (!res.ok) { status("feed error " + res.status); return false; }
      status("live" + (key() ? " (your key's runs)" : ""));
      // The feed starts with every visible run's events again: draw from scratch.
      runs.clear();
      document.getElementById("runs").innerHTML = "";
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          for (const line of frame.split("\n")) {
            if (line.startsWith("data: ")) { try { apply(JSON.parse(line.slice(6))); } catch (err) { console.error(err); } }
          }
        }
      }
      return true;
    }

    async function loop() {
      for (;;) {
        let again = true;
        try { again = await connect(); } catch (e) { if (e.name === "AbortError") return; }
        if (!again) return;
        status("reconnecting…");
        await new Promise(r => setTimeout(r, 2000));
      }
    }
    function restart() { if (controller) controller.abort(); loop(); }
    loop();
    </script>
    </body>
    </html>
    """#
}
