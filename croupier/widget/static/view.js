/* The widget's screen: a launcher and a chat panel in an open shadow root, and how messages are drawn.
 * Nothing here talks to the server; chat.js does, through the hooks it passes in:
 * t(msgid) -> text, locale() -> language code, download(url) -> Promise of a blob: URL,
 * reject(message id) -> Promise (the player's thumbs-down on an assistant's answer). */
function createView(css, hooks) {
  const ICONS = {
    chat: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2Z"/></svg>',
    close: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"><path d="M6 6l12 12M18 6 6 18"/></svg>',
    clip: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="m21 11-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7"/></svg>',
    phone: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.46.57 3.6a1 1 0 0 1-.25 1z"/></svg>',
    down: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"><path d="M10 15v4a3 3 0 0 0 3 3l4-9V2H5.7a2 2 0 0 0-2 1.7l-1.4 9a2 2 0 0 0 2 2.3zM17 2h3a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2h-3"/></svg>',
    send: '<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M3 20.5 21.5 12 3 3.5l.01 6.6L16 12 3.01 13.9z"/></svg>',
  };
  const t = hooks.t;
  const host = document.createElement("div");
  host.id = "croupier-widget";
  host.setAttribute("style", "all: initial !important; display: block !important;");
  const root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(Object.assign(document.createElement("style"), { textContent: css }));
  }
  const wrap = document.createElement("div");
  wrap.innerHTML = `
    <section class="panel" id="croupier-panel" role="dialog" aria-labelledby="croupier-title" hidden>
      <header>
        <div class="titles"><h2 id="croupier-title" data-i18n="Support"></h2>
          <p class="subtitle" data-i18n="We usually reply in a few minutes, day and night."></p></div>
        <label class="lang"><span class="sr-only" data-i18n="Language"></span><select id="croupier-locale"></select></label>
        <button type="button" class="icon-button" id="croupier-callback" aria-expanded="false"
          aria-controls="croupier-callback-form" data-i18n-label="Request a call back">${ICONS.phone}</button>
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
      <form class="callback" id="croupier-callback-form" aria-labelledby="croupier-callback-title" novalidate hidden>
        <h3 id="croupier-callback-title" data-i18n="Request a call back"></h3>
        <label for="croupier-callback-phone" data-i18n="Your phone number"></label>
        <input type="tel" id="croupier-callback-phone" autocomplete="tel" maxlength="40" required
          aria-describedby="croupier-callback-hint croupier-callback-error">
        <p class="hint" id="croupier-callback-hint" data-i18n="With the country code if you are abroad, e.g. +48 601 234 567."></p>
        <label for="croupier-callback-time" data-i18n="When should we call?"></label>
        <select id="croupier-callback-time">
          <option value="asap" data-i18n="As soon as possible"></option>
          <option value="morning" data-i18n="Morning (9:00–12:00)"></option>
          <option value="afternoon" data-i18n="Afternoon (12:00–17:00)"></option>
          <option value="evening" data-i18n="Evening (17:00–21:00)"></option>
        </select>
        <label for="croupier-callback-note" data-i18n="Anything we should know? (optional)"></label>
        <textarea id="croupier-callback-note" rows="2" maxlength="500"></textarea>
        <p class="error" id="croupier-callback-error" role="alert" hidden></p>
        <div class="actions">
          <button type="button" class="button" id="croupier-callback-cancel" data-i18n="Cancel"></button>
          <button type="submit" class="button primary" id="croupier-callback-submit" data-i18n="Request the call"></button>
        </div>
      </form>
    </section>
    <button type="button" class="launcher" id="croupier-launcher" aria-expanded="false" hidden
      aria-controls="croupier-panel">${ICONS.chat}<span class="badge" aria-hidden="true" hidden></span></button>`;
  root.append(...wrap.childNodes);
  const $ = (id) => root.getElementById("croupier-" + id);
  const ui = { panel: $("panel"), launcher: $("launcher"), list: $("messages"), input: $("input"), form: $("form"),
               file: $("file"), locale: $("locale"), status: $("status"), typing: $("typing"), error: $("error"),
               close: $("close"), attach: $("attach"), badge: root.querySelector(".badge"),
               callback: $("callback"), callbackForm: $("callback-form"), callbackPhone: $("callback-phone"),
               callbackTime: $("callback-time"), callbackNote: $("callback-note"), callbackError: $("callback-error"),
               callbackCancel: $("callback-cancel"), callbackSubmit: $("callback-submit") };
  const byId = new Map();
  const byClient = new Map();

  function texts(config) {
    host.lang = config.locale;
    for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
    ui.input.placeholder = t("Type your message…");
    ui.input.maxLength = config.max_message_chars;
    ui.file.accept = config.attachment_types.join(",");
    ui.locale.replaceChildren(...config.locales.map((code) => new Option(config.locale_names[code] || code, code)));
    ui.locale.value = config.locale;
    ui.locale.parentElement.hidden = config.locales.length < 2;
    for (const el of byId.values()) stamp(el);
    ui.launcher.hidden = false;
  }

  function bubble(author) {
    const li = document.createElement("li");
    li.className = "croupier-message";
    li.dataset.author = author;
    li.innerHTML = '<span class="author"></span><div class="bubble"></div><div class="files"></div><span class="meta"></span>';
    return li;
  }
  function linkify(el, text) {
    el.replaceChildren();
    text.split(/(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/g).forEach((part, i) => {
      if (i % 2 === 0) return el.append(part);
      const a = Object.assign(document.createElement("a"), { href: part, textContent: part, target: "_blank" });
      a.rel = "noopener noreferrer nofollow";
      el.append(a);
    });
  }
  function stamp(el) {
    const m = el._message;
    el.querySelector(".author").textContent = m.author_type === "player" ? t("You")
      : m.author_type === "assistant" ? t("Assistant")
      : m.author_type === "agent" ? (m.author_name || t("Support team")) : "";
    const time = Object.assign(document.createElement("time"), { dateTime: m.created_at,
      textContent: new Date(m.created_at).toLocaleTimeString(hooks.locale(), { hour: "2-digit", minute: "2-digit" }) });
    el.querySelector(".meta").replaceChildren(time);
  }
  function place(el, id) { // in id order; messages still being sent stay last
    let before = null;
    for (const other of ui.list.querySelectorAll(".croupier-message")) {
      if (!other.dataset.id || Number(other.dataset.id) > id) { before = other; break; }
    }
    ui.list.insertBefore(el, before);
  }

  /* Draws a stored message once; the element of the same message still being sent becomes it. */
  function show(m) {
    if (byId.has(m.id)) return null;
    let el = m.client_id && byClient.get(m.client_id);
    const fresh = !el;
    if (fresh) el = bubble(m.author_type);
    el._message = m;
    el.dataset.id = m.id;
    el.dataset.state = "sent";
    linkify(el.querySelector(".bubble"), m.body);
    el.querySelector(".files").replaceChildren(...m.attachments.map(attachment));
    stamp(el);
    if (fresh && m.author_type === "assistant") el.append(thumbsDown(m.id));
    byId.set(m.id, el);
    if (m.client_id) byClient.set(m.client_id, el);
    if (fresh) place(el, m.id);
    scrollDown();
    return { el, fresh };
  }
  /* The element of a message the server has not acknowledged yet (created once per client_id). */
  function pending(item, label) {
    let el = byClient.get(item.client_id);
    if (!el) {
      el = bubble("player");
      el._message = { author_type: "player", created_at: new Date(item.at).toISOString() };
      el.querySelector(".bubble").textContent = item.body || "";
      if (label) el.querySelector(".files").append(Object.assign(document.createElement("span"), { className: "file", textContent: label }));
      byClient.set(item.client_id, el);
      ui.list.append(el);
      scrollDown();
    }
    stamp(el);
    return el;
  }
  function mark(el, status, text) {
    if (!el || el.dataset.id) return;
    el.dataset.state = status;
    el.querySelector(".meta").textContent = text;
  }
  function scrollDown() { ui.list.scrollTop = ui.list.scrollHeight; }
  /* "This didn't help" under an assistant's message: pressed once, then it thanks the player. */
  function thumbsDown(id) {
    const button = Object.assign(document.createElement("button"), { type: "button", className: "rate", innerHTML: ICONS.down });
    button.dataset.i18nLabel = "This didn't help";
    button.setAttribute("aria-label", t("This didn't help"));
    button.setAttribute("aria-pressed", "false");
    const note = Object.assign(document.createElement("span"), { className: "rate-note" });
    note.setAttribute("role", "status");
    button.onclick = () => {
      button.disabled = true;
      hooks.reject(id).then(() => {
        button.setAttribute("aria-pressed", "true");
        note.textContent = t("Thanks for telling us.");
      }, () => { button.disabled = false; });
    };
    const wrap = Object.assign(document.createElement("div"), { className: "rating" });
    wrap.append(button, note);
    return wrap;
  }

  /* The callback form takes the place of the conversation while it is open. */
  function callbackOpen(open) {
    ui.callbackForm.hidden = !open;
    for (const el of [ui.list, ui.typing, ui.form]) el.hidden = open;
    ui.callback.setAttribute("aria-expanded", String(open));
    callbackError(null);
    (open ? ui.callbackPhone : ui.callback).focus();
    if (!open) scrollDown();
  }
  function callbackError(text) {
    ui.callbackError.textContent = text || "";
    ui.callbackError.hidden = !text;
    if (text) ui.callbackPhone.setAttribute("aria-invalid", "true"); else ui.callbackPhone.removeAttribute("aria-invalid");
  }

  function attachment(a) {
    if (a.content_type.startsWith("image/")) {
      const button = Object.assign(document.createElement("button"), { type: "button", className: "image" });
      const img = Object.assign(document.createElement("img"), { alt: a.filename });
      button.append(img);
      hooks.download(a.id).then((src) => { img.src = src; button.onclick = () => window.open(src, "_blank", "noopener"); }, () => {});
      return button;
    }
    const link = Object.assign(document.createElement("a"), { href: "#", className: "file",
      textContent: "📄 " + a.filename + " (" + t("%(size)s KB").replace("%(size)s", Math.max(1, Math.round(a.size / 1024))) + ")" });
    link.onclick = (e) => {
      e.preventDefault();
      hooks.download(a.id).then((src) => Object.assign(document.createElement("a"), { href: src, download: a.filename }).click());
    };
    return link;
  }

  return { host, ui, byClient, texts, show, pending, mark, scrollDown, callbackOpen, callbackError };
}
