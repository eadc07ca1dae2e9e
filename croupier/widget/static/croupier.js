/* Croupier chat widget: one script tag, no dependencies, drawn in a shadow root.
 * <script src="https://support.example/widget/croupier.js" data-key="wc_..." async></script>
 * Optional: data-locale, data-color, and for a logged-in player data-player-id, data-player-signature
 * (hex HMAC-SHA256 of the id with the channel's identity secret) and data-player-name. */
(function () {
  "use strict";
  if (window.CroupierWidget) return;
  var script = document.currentScript || document.querySelector('script[data-key][src*="/widget/croupier.js"]');
  if (!script || !script.dataset.key || !window.fetch || !Element.prototype.attachShadow) return;

  const CSS = "__CROUPIER_CSS__"; // the server puts croupier.css here
  const KEY = script.dataset.key;
  const API = new URL(script.src, location.href).origin + "/api/widget/v1";
  const STORE = "croupier:" + KEY;
  const ds = script.dataset;
  const PLAYER = ds.playerId && ds.playerSignature
    ? { id: ds.playerId, signature: ds.playerSignature, name: ds.playerName || null } : null;
  const ICONS = {
    chat: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2Z"/></svg>',
    close: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"><path d="M6 6l12 12M18 6 6 18"/></svg>',
    clip: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="m21 11-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7"/></svg>',
    send: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M3 20.5 21.5 12 3 3.5l.01 6.6L16 12 3.01 13.9z"/></svg>',
  };

  // -- persistence: token, chosen language and the outbox survive page loads (per data-key) ------------
  let memory = {};
  const store = {
    get() { try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return Object.assign({}, memory); } },
    set(patch) {
      const next = Object.assign(store.get(), patch);
      try { localStorage.setItem(STORE, JSON.stringify(next)); } catch (e) { /* private mode: memory only */ }
      memory = next;
      return next;
    },
    outbox() { return store.get().outbox || []; },
  };
  memory = store.get();
  if (memory.player && memory.player !== (PLAYER && PLAYER.id)) {
    memory = store.set({ token: null, player: null, outbox: [] }); // logged out or another player: start afresh
  }

  const state = { token: memory.token || null, config: null, lastId: 0, byId: new Map(), byClient: new Map(),
                  es: null, backoff: 1000, retry: 1000, flushing: false, session: null, unread: 0, open: false, seen: memory.seen || 0,
                  typingAt: 0, typingStop: null, typingShown: null, lostTimer: null };
  const t = (msgid) => (state.config && state.config.strings[msgid]) || msgid;
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));

  // -- the DOM ----------------------------------------------------------------------------------------
  const host = document.createElement("div");
  host.id = "croupier-widget";
  host.setAttribute("style", "all: initial !important; display: block !important;");
  const root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(Object.assign(document.createElement("style"), { textContent: CSS }));
  }
  const wrap = document.createElement("div");
  wrap.innerHTML = `
    <section class="panel" id="croupier-panel" role="dialog" aria-labelledby="croupier-title" hidden>
      <header>
        <div class="titles"><h2 id="croupier-title" data-i18n="Support"></h2>
          <p class="subtitle" data-i18n="We usually reply in a few minutes, day and night."></p></div>
        <label class="lang"><span class="sr-only" data-i18n="Language"></span><select id="croupier-locale"></select></label>
        <button type="button" class="icon-button" id="croupier-close" data-i18n-label="Close chat">${ICONS.close}</button>
      </header>
      <p class="status" id="croupier-status" role="status" hidden></p>
      <ol class="messages" id="croupier-messages" role="log" aria-live="polite" aria-labelledby="croupier-title">
        <li class="croupier-intro greeting" data-i18n="Hello! How can we help you today?"></li>
        <li class="croupier-intro" data-i18n="Never share your password, full card number or one-time codes in the chat."></li>
      </ol>
      <p class="typing" id="croupier-typing" aria-live="polite"></p>
      <form id="croupier-form" novalidate>
        <label class="sr-only" for="croupier-input" data-i18n="Type your message…"></label>
        <textarea id="croupier-input" rows="1" data-i18n-placeholder="Type your message…"></textarea>
        <input type="file" id="croupier-file" hidden>
        <button type="button" class="icon-button" id="croupier-attach" data-i18n-label="Attach a file">${ICONS.clip}</button>
        <button type="submit" class="icon-button send" id="croupier-send" data-i18n-label="Send">${ICONS.send}</button>
      </form>
      <p class="error" id="croupier-error" role="alert" hidden></p>
    </section>
    <button type="button" class="launcher" id="croupier-launcher" aria-expanded="false" hidden
      aria-controls="croupier-panel">${ICONS.chat}<span class="badge" aria-hidden="true" hidden></span></button>`;
  root.append(...wrap.childNodes);
  const $ = (id) => root.getElementById("croupier-" + id);
  const ui = { panel: $("panel"), launcher: $("launcher"), list: $("messages"), input: $("input"), form: $("form"),
               file: $("file"), locale: $("locale"), status: $("status"), typing: $("typing"), error: $("error"),
               badge: root.querySelector(".badge") };
  if (/^#[0-9a-f]{3,8}$/i.test(ds.color || "")) host.style.setProperty("--accent", ds.color);

  function applyConfig(config) {
    state.config = config;
    host.lang = config.locale;
    for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
    ui.input.placeholder = t("Type your message…");
    ui.input.maxLength = config.max_message_chars;
    ui.file.accept = config.attachment_types.join(",");
    ui.locale.replaceChildren(...config.locales.map((code) => new Option(config.locale_names[code] || code, code)));
    ui.locale.value = config.locale;
    ui.locale.parentElement.hidden = config.locales.length < 2;
    for (const el of state.byId.values()) stamp(el);
    updateBadge();
    ui.launcher.hidden = false;
  }

  // -- talking to the server ----------------------------------------------------------------------------
  async function call(method, path, body) {
    const headers = { "Accept-Language": state.config ? state.config.locale : navigator.language || "en" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    if (body && !(body instanceof FormData)) headers["Content-Type"] = "application/json";
    return fetch(API + path, { method, headers, body: body && !(body instanceof FormData) ? JSON.stringify(body) : body,
                               credentials: "omit", mode: "cors" });
  }
  async function problem(response) {
    try { return (await response.json()).error.message; } catch (e) { return response.statusText; }
  }
  const languages = () => (navigator.languages || [navigator.language]).filter(Boolean);

  function ensureSession() {
    if (state.token && state.config && state.session === null) return Promise.resolve();
    if (!state.session) state.session = startSession().finally(() => { state.session = null; });
    return state.session;
  }
  async function startSession(player = PLAYER) {
    const saved = store.get();
    const r = await call("POST", "/sessions", { key: KEY, token: state.token, locale: saved.locale || ds.locale || null,
                                                languages: languages().slice(0, 20), player });
    if (r.status === 401 && player) {
      console.warn("Croupier: the player's identity signature was refused; chatting as a visitor.", await problem(r));
      return startSession(null);
    }
    if (!r.ok) throw new Error(await problem(r));
    const session = await r.json();
    state.token = session.token;
    store.set({ token: session.token, player: player ? player.id : null });
    applyConfig(session);
    await catchUp();
    connect();
    flush();
  }
  async function resetSession() {
    state.token = null;
    store.set({ token: null });
    await ensureSession();
  }

  async function catchUp() {
    const r = await call("GET", "/messages" + (state.lastId ? "?after=" + state.lastId : ""));
    if (r.status === 401) return resetSession();
    if (r.ok) for (const m of await r.json()) show(m);
  }

  function connect() {
    if (state.es || !state.token) return;
    const es = new EventSource(API + "/events?token=" + encodeURIComponent(state.token));
    state.es = es;
    es.addEventListener("ready", () => {
      state.backoff = 1000;
      clearTimeout(state.lostTimer);
      ui.status.hidden = true;
      catchUp().catch(() => {});
      flush();
    });
    es.addEventListener("message.created", (e) => show(JSON.parse(e.data).message));
    es.addEventListener("typing", (e) => showTyping(JSON.parse(e.data).typing));
    es.onerror = () => {
      es.close();
      state.es = null;
      clearTimeout(state.lostTimer);
      state.lostTimer = setTimeout(() => { ui.status.textContent = t("Connection lost. Reconnecting…"); ui.status.hidden = false; }, 3000);
      setTimeout(() => catchUp().catch(() => {}).finally(connect), state.backoff);
      state.backoff = Math.min(state.backoff * 2, 30000);
    };
  }

  // -- messages -------------------------------------------------------------------------------------------
  function bubble(author) {
    const li = document.createElement("li");
    li.className = "croupier-message";
    li.dataset.author = author;
    li.innerHTML = '<span class="author"></span><div class="bubble"></div><div class="files"></div><span class="meta"></span>';
    return li;
  }
  function linkify(el, text) {
    el.replaceChildren();
    const parts = text.split(/(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/g);
    parts.forEach((part, i) => {
      if (i % 2 === 0) { el.append(part); return; }
      const a = Object.assign(document.createElement("a"), { href: part, textContent: part, target: "_blank" });
      a.rel = "noopener noreferrer nofollow";
      el.append(a);
    });
  }
  function stamp(el) {
    const m = el._message;
    const who = el.querySelector(".author");
    who.textContent = m.author_type === "player" ? t("You") : m.author_type === "assistant" ? t("Assistant")
      : m.author_type === "agent" ? (m.author_name || t("Support team")) : "";
    const when = new Date(m.created_at);
    const meta = el.querySelector(".meta");
    meta.replaceChildren(Object.assign(document.createElement("time"), { dateTime: m.created_at,
      textContent: when.toLocaleTimeString(state.config ? state.config.locale : undefined, { hour: "2-digit", minute: "2-digit" }) }));
  }
  function place(el, id) {
    let before = null;
    for (const other of ui.list.querySelectorAll(".croupier-message")) {
      if (!other.dataset.id || Number(other.dataset.id) > id) { before = other; break; }
    }
    ui.list.insertBefore(el, before);
  }
  function show(m) {
    if (state.byId.has(m.id)) return;
    let el = m.client_id && state.byClient.get(m.client_id);
    const fresh = !el;
    if (fresh) el = bubble(m.author_type);
    el._message = m;
    el.dataset.id = m.id;
    el.dataset.state = "sent";
    linkify(el.querySelector(".bubble"), m.body);
    el.querySelector(".files").replaceChildren(...m.attachments.map(attachment));
    stamp(el);
    state.byId.set(m.id, el);
    if (m.client_id) state.byClient.set(m.client_id, el);
    if (fresh) place(el, m.id);
    state.lastId = Math.max(state.lastId, m.id);
    if (m.author_type !== "player") showTyping(false);
    if (m.author_type !== "player" && m.id > state.seen) {
      if (state.open) seen(); else { state.unread += 1; updateBadge(); }
    }
    scrollDown();
  }
  function seen() {
    state.seen = state.lastId;
    store.set({ seen: state.seen });
  }
  function pending(item, label) {
    let el = state.byClient.get(item.client_id);
    if (!el) {
      el = bubble("player");
      el._message = { author_type: "player", created_at: new Date(item.at).toISOString() };
      el.querySelector(".bubble").textContent = item.body || "";
      if (label) el.querySelector(".files").append(Object.assign(document.createElement("span"), { className: "file", textContent: label }));
      state.byClient.set(item.client_id, el);
      ui.list.append(el);
      scrollDown();
    }
    stamp(el);
    el.querySelector(".author").textContent = t("You");
    return el;
  }
  function mark(el, status, text) {
    if (!el || el.dataset.id) return;
    el.dataset.state = status;
    el.querySelector(".meta").textContent = text;
  }
  const scrollDown = () => { ui.list.scrollTop = ui.list.scrollHeight; };

  function attachment(a) {
    const url = API + "/attachments/" + a.id;
    if (a.content_type.startsWith("image/")) {
      const button = Object.assign(document.createElement("button"), { type: "button", className: "image" });
      const img = Object.assign(document.createElement("img"), { alt: a.filename });
      button.append(img);
      blob(url).then((src) => { img.src = src; button.onclick = () => window.open(src, "_blank", "noopener"); }, () => {});
      return button;
    }
    const link = Object.assign(document.createElement("a"), { href: "#", className: "file",
      textContent: "📄 " + a.filename + " (" + Math.max(1, Math.round(a.size / 1024)) + " KB)" });
    link.onclick = (e) => {
      e.preventDefault();
      blob(url).then((src) => Object.assign(document.createElement("a"), { href: src, download: a.filename }).click());
    };
    return link;
  }
  async function blob(url) { // the file is fetched with the session token, never with the token in a link
    const r = await fetch(url, { headers: { Authorization: "Bearer " + state.token }, credentials: "omit" });
    if (!r.ok) throw new Error(r.statusText);
    return URL.createObjectURL(await r.blob());
  }

  // -- sending: an outbox in localStorage; a client_id makes every retry safe -----------------------------
  function send(body) {
    const item = { client_id: newId(), body, locale: state.config && state.config.locale, at: Date.now() };
    store.set({ outbox: store.outbox().concat([item]) });
    mark(pending(item), "sending", t("Sending…"));
    flush();
  }
  const unqueue = (id) => store.set({ outbox: store.outbox().filter((i) => i.client_id !== id) });
  async function flush() {
    if (state.flushing) return;
    state.flushing = true;
    let again = false;
    try {
      await ensureSession();
      for (const item of store.outbox()) {
        const el = pending(item);
        if (el.dataset.state !== "failed") mark(el, "sending", t("Sending…"));
        const r = await call("POST", "/messages", { body: item.body, client_id: item.client_id, locale: item.locale });
        if (r.ok) { unqueue(item.client_id); show(await r.json()); continue; }
        if (r.status === 401) { await resetSession(); again = true; break; }
        if (r.status === 429 || r.status >= 500) throw new Error(r.statusText);
        mark(el, "rejected", await problem(r)); // the server will never take it: say why, do not retry
        unqueue(item.client_id);
      }
      state.retry = 1000;
    } catch (e) {
      for (const item of store.outbox()) mark(state.byClient.get(item.client_id), "failed", t("Not sent. Tap to retry."));
      setTimeout(flush, state.retry);
      state.retry = Math.min(state.retry * 2, 30000);
    } finally {
      state.flushing = false;
    }
    if (again) flush();
  }

  async function upload(file, attempt = 0, clientId = newId()) {
    const config = state.config;
    if (file.size > config.attachment_max_bytes) return fail(t("The file is too large."));
    if (file.type && !config.attachment_types.includes(file.type)) return fail(t("This type of file is not accepted."));
    const el = pending({ client_id: clientId, at: Date.now() }, file.name);
    mark(el, "sending", t("Sending…"));
    const retry = () => { mark(el, "failed", t("Not sent. Tap to retry.")); el._retry = () => upload(file, 0, clientId);
                          setTimeout(() => el._retry && el._retry(), Math.min(1000 * 2 ** attempt, 30000)); };
    try {
      await ensureSession();
      const form = new FormData();
      form.append("file", file, file.name);
      form.append("client_id", clientId);
      const r = await call("POST", "/attachments", form);
      el._retry = null;
      if (r.ok) return show(await r.json());
      if (r.status === 401) { await resetSession(); return upload(file, attempt + 1, clientId); }
      if (r.status === 429 || r.status >= 500) return retry();
      mark(el, "rejected", await problem(r));
    } catch (e) {
      retry();
    }
  }
  function fail(text) {
    ui.error.textContent = text;
    ui.error.hidden = false;
    setTimeout(() => { ui.error.hidden = true; }, 6000);
  }

  // -- typing, both ways ------------------------------------------------------------------------------------
  function typed() {
    if (!state.token) return;
    const now = Date.now();
    if (now - state.typingAt > 3000) { state.typingAt = now; call("POST", "/typing", { typing: true }).catch(() => {}); }
    clearTimeout(state.typingStop);
    state.typingStop = setTimeout(stopTyping, 4000);
  }
  function stopTyping() {
    clearTimeout(state.typingStop);
    if (!state.typingAt) return;
    state.typingAt = 0;
    call("POST", "/typing", { typing: false }).catch(() => {});
  }
  function showTyping(on) {
    clearTimeout(state.typingShown);
    ui.typing.textContent = on ? t("Support is typing…") : "";
    if (on) state.typingShown = setTimeout(() => showTyping(false), 10000);
  }

  // -- opening, closing, language -------------------------------------------------------------------------
  function updateBadge() {
    ui.badge.hidden = !state.unread;
    ui.badge.textContent = state.unread > 9 ? "9+" : String(state.unread);
    const label = t("Chat with us");
    ui.launcher.setAttribute("aria-label", state.unread
      ? label + " — " + t("New messages: %(count)s").replace("%(count)s", state.unread) : label);
  }
  function open() {
    state.open = true;
    state.unread = 0;
    seen();
    updateBadge();
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    store.set({ open: true });
    scrollDown();
    ui.input.focus();
    ensureSession().catch(() => {}); // sending retries on its own
  }
  function close() {
    state.open = false;
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    store.set({ open: false });
    ui.launcher.focus();
  }
  async function switchLocale(code) {
    const r = await call("GET", "/strings/" + encodeURIComponent(code));
    if (!r.ok) return;
    store.set({ locale: code });
    applyConfig(Object.assign({}, state.config, { locale: code, strings: await r.json() }));
  }

  ui.launcher.addEventListener("click", () => (state.open ? close() : open()));
  $("close").addEventListener("click", close);
  ui.panel.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
  ui.locale.addEventListener("change", () => switchLocale(ui.locale.value));
  $("attach").addEventListener("click", () => ui.file.click());
  ui.file.addEventListener("change", () => { for (const f of ui.file.files) upload(f); ui.file.value = ""; });
  ui.form.addEventListener("submit", (e) => { e.preventDefault(); submit(); });
  function submit() {
    const body = ui.input.value.trim();
    if (!body) return ui.input.focus();
    ui.input.value = "";
    autosize();
    stopTyping();
    send(body);
    ui.input.focus();
  }
  ui.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  const autosize = () => { ui.input.style.height = "auto"; ui.input.style.height = Math.min(ui.input.scrollHeight + 2, 140) + "px"; };
  ui.input.addEventListener("input", () => { autosize(); if (ui.input.value.trim()) typed(); });
  ui.list.addEventListener("click", (e) => {
    const el = e.target.closest(".croupier-message[data-state=failed]");
    if (el) { state.retry = 1000; el._retry ? el._retry() : flush(); }
  });
  window.addEventListener("online", () => { state.retry = 1000; flush(); });

  // -- start: a returning visitor or a logged-in player resumes now; a new visitor gets a session on first use --
  async function boot() {
    document.body.appendChild(host);
    const outbox = store.outbox();
    try {
      if (state.token || PLAYER || outbox.length) {
        await ensureSession();
      } else {
        const r = await call("GET", "/config/" + encodeURIComponent(KEY) + "?languages="
          + encodeURIComponent([store.get().locale, ds.locale].concat(languages()).filter(Boolean).join(",")));
        if (!r.ok) throw new Error(await problem(r));
        applyConfig(await r.json());
      }
    } catch (e) {
      console.warn("Croupier: the chat is not available right now.", e.message);
      if (!state.config) return setTimeout(boot, Math.min((state.retry *= 2), 60000));
    }
    for (const item of outbox) if (!state.byClient.has(item.client_id)) mark(pending(item), "sending", t("Sending…"));
    if (store.get().open) open();
  }

  window.CroupierWidget = { open: () => open(), close: () => close() };
  if (document.body) boot(); else document.addEventListener("DOMContentLoaded", boot);
})();
