/* The widget's conversation with the server: session, history, live stream, outbox, uploads, typing.
 * Bundled after view.js by croupier/widget/routes.py into /widget/croupier.js. */
function startCroupier(script, css) {
  if (window.CroupierWidget || !script || !script.dataset.key || !window.fetch || !Element.prototype.attachShadow) return;
  const ds = script.dataset;
  const KEY = ds.key;
  const API = new URL(script.src, location.href).origin + "/api/widget/v1";
  const STORE = "croupier:" + KEY;
  const PLAYER = ds.playerId && ds.playerSignature
    ? { id: ds.playerId, signature: ds.playerSignature, name: ds.playerName || null } : null;

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
    memory = store.set({ token: null, player: null, outbox: [], seen: 0 }); // logged out or another player
  }

  const state = { token: memory.token || null, config: null, lastId: 0, seen: memory.seen || 0, es: null,
                  backoff: 1000, retry: 1000, flushing: false, session: null, unread: 0, open: false,
                  typingAt: 0, typingStop: null, typingShown: null, lostTimer: null, callbackId: null };
  const t = (msgid) => (state.config && state.config.strings[msgid]) || msgid;
  const locale = () => (state.config ? state.config.locale : undefined);
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));
  const view = createView(css, { t, locale, download, reject });
  const ui = view.ui;
  if (/^#[0-9a-f]{3,8}$/i.test(ds.color || "")) view.host.style.setProperty("--accent", ds.color);

  function applyConfig(config) {
    state.config = config;
    view.texts(config);
    updateBadge();
  }

  // -- talking to the server ----------------------------------------------------------------------------
  function call(method, path, body) {
    const headers = { "Accept-Language": locale() || navigator.language || "en" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    const json = body && !(body instanceof FormData);
    if (json) headers["Content-Type"] = "application/json";
    return fetch(API + path, { method, headers, body: json ? JSON.stringify(body) : body, credentials: "omit" });
  }
  async function problem(response) {
    try { return (await response.json()).error.message; } catch (e) { return response.statusText; }
  }
  async function reject(id) { // the player's thumbs-down on an answer of the assistant
    const r = await call("POST", "/messages/" + id + "/rejection");
    if (!r.ok) throw new Error(await problem(r));
    return r.json();
  }
  async function download(id) { // with the token in a header, never in a link the player could pass on
    const r = await fetch(API + "/attachments/" + id, { headers: { Authorization: "Bearer " + state.token }, credentials: "omit" });
    if (!r.ok) throw new Error(r.statusText);
    return URL.createObjectURL(await r.blob());
  }
  const languages = () => (navigator.languages || [navigator.language]).filter(Boolean);

  function ensureSession() {
    if (state.token && state.config && state.session === null) return Promise.resolve();
    if (!state.session) state.session = startSession().finally(() => { state.session = null; });
    return state.session;
  }
  async function startSession(player = PLAYER) {
    const r = await call("POST", "/sessions", { key: KEY, token: state.token, locale: store.get().locale || ds.locale || null,
                                                languages: languages().slice(0, 20), player });
    if (r.status === 401 && player) {
      console.warn("Croupier: the player's identity signature was refused; chatting as a visitor.", await problem(r));
      return startSession(null);
    }
    if (!r.ok) throw new Error(await problem(r));
    const session = await r.json();
    if (session.token !== state.token) disconnect(); // a stream opened for another identity
    state.token = session.token;
    store.set({ token: session.token, player: player ? player.id : null });
    applyConfig(session);
    connect();
    await catchUp().catch(() => {}); // the stream's "ready" reads it again
    flush();
  }
  async function resetSession() {
    disconnect();
    state.token = null;
    store.set({ token: null });
    await ensureSession();
  }
  async function catchUp() {
    const r = await call("GET", "/messages" + (state.lastId ? "?after=" + state.lastId : ""));
    if (r.status === 401) return resetSession();
    if (r.ok) for (const m of await r.json()) show(m);
  }

  function disconnect() {
    if (state.es) state.es.close();
    state.es = null;
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
    es.onerror = () => { // reconnect with backoff; the history read on "ready" fills any gap
      es.close();
      state.es = null;
      clearTimeout(state.lostTimer);
      state.lostTimer = setTimeout(() => { ui.status.textContent = t("Connection lost. Reconnecting…"); ui.status.hidden = false; }, 3000);
      setTimeout(() => catchUp().catch(() => {}).finally(connect), state.backoff);
      state.backoff = Math.min(state.backoff * 2, 30000);
    };
  }

  function show(m) {
    const drawn = view.show(m);
    state.lastId = Math.max(state.lastId, m.id);
    if (!drawn || m.author_type === "player") return;
    showTyping(false);
    if (m.id <= state.seen) return;
    if (state.open) seen(); else if (drawn.fresh) { state.unread += 1; updateBadge(); }
  }
  function seen() {
    state.seen = state.lastId;
    store.set({ seen: state.seen });
  }

  // -- sending: an outbox in localStorage; a client_id makes every retry safe -----------------------------
  function send(body) {
    const item = { client_id: newId(), body, locale: locale(), at: Date.now() };
    store.set({ outbox: store.outbox().concat([item]) });
    view.mark(view.pending(item), "sending", t("Sending…"));
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
        const el = view.pending(item);
        if (el.dataset.state !== "failed") view.mark(el, "sending", t("Sending…"));
        const r = await call("POST", "/messages", { body: item.body, client_id: item.client_id, locale: item.locale });
        if (r.ok) { unqueue(item.client_id); show(await r.json()); continue; }
        if (r.status === 401) { await resetSession(); again = true; break; }
        if (r.status === 429 || r.status >= 500) throw new Error(r.statusText);
        view.mark(el, "rejected", await problem(r)); // the server will never take it: say why, do not retry
        unqueue(item.client_id);
      }
      state.retry = 1000;
    } catch (e) {
      for (const item of store.outbox()) view.mark(view.byClient.get(item.client_id), "failed", t("Not sent. Tap to retry."));
      setTimeout(flush, state.retry);
      state.retry = Math.min(state.retry * 2, 30000);
    } finally {
      state.flushing = false;
    }
    if (again) flush();
  }

  async function upload(file, attempt = 0, clientId = newId()) { // files are retried in memory, not stored
    if (file.size > state.config.attachment_max_bytes) return fail(t("The file is too large."));
    if (file.type && !state.config.attachment_types.includes(file.type)) return fail(t("This type of file is not accepted."));
    const el = view.pending({ client_id: clientId, at: Date.now() }, file.name);
    view.mark(el, "sending", t("Sending…"));
    const retry = () => {
      view.mark(el, "failed", t("Not sent. Tap to retry."));
      el._retry = () => upload(file, attempt + 1, clientId);
      setTimeout(() => el._retry && el._retry(), Math.min(1000 * 2 ** attempt, 30000));
    };
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
      view.mark(el, "rejected", await problem(r));
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
    ui.launcher.setAttribute("aria-label", state.unread
      ? t("Chat with us") + " — " + t("New messages: %(count)s").replace("%(count)s", state.unread) : t("Chat with us"));
  }
  function open() {
    state.open = true;
    state.unread = 0;
    seen();
    updateBadge();
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    store.set({ open: true });
    view.scrollDown();
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
  // -- callback requests: the number is checked and normalised by the server, which says why it refuses one --
  const callbackCountry = () => {
    for (const tag of languages()) { const region = tag.split("-")[1]; if (region && region.length === 2) return region.toUpperCase(); }
    return null;
  };
  async function requestCallback() {
    const phone = ui.callbackPhone.value.trim();
    if (!phone) { view.callbackError(t("Enter the phone number we should call.")); return ui.callbackPhone.focus(); }
    ui.callbackSubmit.disabled = true;
    state.callbackId = state.callbackId || newId(); // the same id while retrying one request: it counts once
    try {
      await ensureSession();
      let zone = null;
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { /* no Intl time zones */ }
      const r = await call("POST", "/callbacks", { phone, country: callbackCountry(), preferred_time: ui.callbackTime.value,
        timezone: zone, note: ui.callbackNote.value.trim() || null, locale: locale(), client_id: state.callbackId });
      if (r.status === 401) { await resetSession(); return requestCallback(); }
      if (!r.ok) {
        view.callbackError(r.status === 429 || r.status >= 500 ? t("The request was not sent. Please try again.") : await problem(r));
        return ui.callbackPhone.focus();
      }
      const done = await r.json();
      state.callbackId = null;
      ui.callbackPhone.value = ui.callbackNote.value = "";
      view.callbackOpen(false);
      show(done.message);
    } catch (e) {
      view.callbackError(t("The request was not sent. Please try again."));
    } finally {
      ui.callbackSubmit.disabled = false;
    }
  }

  function submit() {
    const body = ui.input.value.trim();
    if (!body) return ui.input.focus();
    ui.input.value = "";
    autosize();
    stopTyping();
    send(body);
    ui.input.focus();
  }
  function autosize() {
    ui.input.style.height = "auto";
    ui.input.style.height = Math.min(ui.input.scrollHeight + 2, 140) + "px";
  }

  ui.launcher.addEventListener("click", () => (state.open ? close() : open()));
  ui.close.addEventListener("click", close);
  ui.panel.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    if (!ui.callbackForm.hidden) view.callbackOpen(false); else close();
  });
  ui.callback.addEventListener("click", () => view.callbackOpen(ui.callbackForm.hidden));
  ui.callbackCancel.addEventListener("click", () => view.callbackOpen(false));
  ui.callbackForm.addEventListener("submit", (e) => { e.preventDefault(); requestCallback(); });
  ui.locale.addEventListener("change", () => switchLocale(ui.locale.value));
  ui.attach.addEventListener("click", () => ui.file.click());
  ui.file.addEventListener("change", () => { for (const f of ui.file.files) upload(f); ui.file.value = ""; });
  ui.form.addEventListener("submit", (e) => { e.preventDefault(); submit(); });
  ui.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  ui.input.addEventListener("input", () => { autosize(); if (ui.input.value.trim()) typed(); });
  ui.list.addEventListener("click", (e) => { // tapping a failed message retries now
    const el = e.target.closest(".croupier-message[data-state=failed]");
    if (el) { state.retry = 1000; el._retry ? el._retry() : flush(); }
  });
  window.addEventListener("online", () => { state.retry = 1000; flush(); });

  // -- start: a returning visitor or a logged-in player resumes now; a new visitor gets a session on first use --
  async function boot() {
    document.body.appendChild(view.host);
    const outbox = store.outbox();
    try {
      if (state.token || PLAYER || outbox.length) {
        await ensureSession();
      } else {
        const wanted = [store.get().locale, ds.locale].concat(languages()).filter(Boolean).join(",");
        const r = await call("GET", "/config/" + encodeURIComponent(KEY) + "?languages=" + encodeURIComponent(wanted));
        if (!r.ok) throw new Error(await problem(r));
        applyConfig(await r.json());
      }
    } catch (e) {
      console.warn("Croupier: the chat is not available right now.", e.message);
      if (!state.config) return setTimeout(boot, (state.retry = Math.min(state.retry * 2, 60000)));
    }
    for (const item of outbox) if (!view.byClient.has(item.client_id)) view.mark(view.pending(item), "sending", t("Sending…"));
    if (store.get().open) open();
  }

  window.CroupierWidget = { open, close };
  if (document.body) boot(); else document.addEventListener("DOMContentLoaded", boot);
}
