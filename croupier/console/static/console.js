/* Croupier console behaviour: live updates over server-sent events, the reply box, local times.
   No inline scripts (the console's CSP forbids them); htmx does the requests and swaps. */
(function () {
  "use strict";

  const lang = document.documentElement.lang || "en";
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  /* ---- times in the viewer's time zone ------------------------------------------------ */
  const absolute = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });

  function relativeText(date) {
    const seconds = (date.getTime() - Date.now()) / 1000;
    const steps = [["second", 60], ["minute", 60], ["hour", 24], ["day", 7]];
    let value = seconds;
    for (const [unit, size] of steps) {
      if (Math.abs(value) < size) {
        return unit === "second" ? relative.format(0, "second") : relative.format(Math.round(value), unit);
      }
      value /= size;
    }
    return absolute.format(date);
  }

  function localiseTimes(root) {
    $$("time[data-local], time[data-relative]", root).forEach((el) => {
      const date = new Date(el.getAttribute("datetime"));
      if (Number.isNaN(date.getTime())) return;
      el.title = absolute.format(date);
      el.textContent = el.hasAttribute("data-relative") ? relativeText(date) : absolute.format(date);
    });
  }
  setInterval(() => $$("time[data-relative]").forEach((el) => localiseTimes(el.parentElement)), 60000);

  /* ---- snooze fields: local time, presets, shown only for "snoozed" ----------------------- */
  function pad(n) { return String(n).padStart(2, "0"); }
  function toLocalInput(date) {
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }

  function setUpSnooze(root) {
    $$("[data-tz-offset]", root).forEach((el) => { el.value = String(new Date().getTimezoneOffset()); });
    $$("input[data-utc]", root).forEach((el) => {
      const date = new Date(el.dataset.utc);
      if (!Number.isNaN(date.getTime())) el.value = toLocalInput(date);
    });
    $$("[data-snooze-presets]", root).forEach((box) => {
      box.hidden = false;
      const input = $("input[type=datetime-local]", box.parentElement);
      $$("button[data-snooze-hours]", box).forEach((button) => button.addEventListener("click", () => {
        input.value = toLocalInput(new Date(Date.now() + Number(button.dataset.snoozeHours) * 3600 * 1000));
        const status = $("select[name=status]", box.closest("form"));
        if (status) { status.value = "snoozed"; status.dispatchEvent(new Event("change")); }
      }));
    });
    $$("select[name=status]", root).forEach((select) => {
      const fields = $("#snooze-fields", select.closest("form"));
      if (!fields) return;
      const sync = () => { fields.hidden = select.value !== "snoozed"; };
      select.addEventListener("change", sync);
      sync();
    });
  }

  /* ---- messages: no duplicates, newest in view ----------------------------------------------- */
  const messages = $("#messages");

  function lastMessageId() {
    const ids = $$(".message[data-message-id]", messages).map((el) => Number(el.dataset.messageId));
    return ids.length ? Math.max(...ids) : 0;
  }

  function tidyMessages() {
    const seen = new Set();
    $$(".message[data-message-id]", messages).forEach((el) => {
      if (seen.has(el.dataset.messageId)) el.remove(); else seen.add(el.dataset.messageId);
    });
    messages.scrollTop = messages.scrollHeight;
  }

  // htmx sends one request at a time per source element, and keeps only the newest one waiting:
  // each place the live stream refreshes is its own source, so a slow one never holds another back.
  function loadNewMessages() {
    if (!messages) return;
    htmx.ajax("GET", `${messages.dataset.messagesUrl}?after=${lastMessageId()}`,
      { source: messages, target: messages, swap: "beforeend" });
  }

  /* ---- the reply box: Reply / Private note, Ctrl+Enter, typing notifications ------------------ */
  const form = $("#reply-form");
  let typingSentAt = 0;
  let typingStop = null;

  function mode() { return form && $("#mode-note", form).checked ? "note" : "reply"; }

  function sendTyping(typing) {
    const token = $("[name=csrf_token]", form).value;
    fetch(form.dataset.typingUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "Content-Type": "application/x-www-form-urlencoded" },
      body: `typing=${typing}`,
    }).catch(() => {});
  }

  function stopTyping() {
    clearTimeout(typingStop);
    typingStop = null;
    if (typingSentAt) { typingSentAt = 0; sendTyping(false); }
  }

  function setUpComposer() {
    if (!form) return;
    const body = $("#reply-body", form);
    const send = $("#reply-send", form);
    const hint = $("#composer-hint", form);
    const applyMode = () => {
      const note = mode() === "note";
      form.classList.toggle("composer--note", note);
      body.placeholder = note ? body.dataset.placeholderNote : body.dataset.placeholderReply;
      send.textContent = note ? send.dataset.labelNote : send.dataset.labelReply;
      hint.textContent = note ? hint.dataset.hintNote : hint.dataset.hintReply;
      if (note) stopTyping();
    };
    $$("input[name=private]", form).forEach((radio) => radio.addEventListener("change", applyMode));
    applyMode();
    body.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit(send);
      }
    });
    body.addEventListener("input", () => {
      if (mode() !== "reply" || !body.value.trim()) { stopTyping(); return; }
      if (Date.now() - typingSentAt > 4000) { typingSentAt = Date.now(); sendTyping(true); }
      clearTimeout(typingStop);
      typingStop = setTimeout(stopTyping, 5000);
    });
    form.addEventListener("htmx:afterRequest", (event) => {
      if (event.detail.elt !== form || !event.detail.successful) return;
      typingSentAt = 0;
      clearTimeout(typingStop);
      body.value = "";
      $$("input[type=file]", form).forEach((input) => { input.value = ""; });
      body.focus();
      refreshProperties();  // a first reply can assign the conversation and set its status
    });
  }

  /* ---- the player's typing indicator ------------------------------------------------------ */
  const typingIndicator = $("#typing-indicator");
  let typingHide = null;

  function showPlayerTyping(typing) {
    if (!typingIndicator) return;
    clearTimeout(typingHide);
    typingIndicator.hidden = !typing;
    if (typing) typingHide = setTimeout(() => { typingIndicator.hidden = true; }, 8000);
  }

  /* ---- errors from htmx requests ------------------------------------------------------------ */
  const flash = $("#flash");

  function showFlash(html) {
    if (!flash) return;
    flash.innerHTML = html;
    setTimeout(() => { flash.innerHTML = ""; }, 8000);
  }

  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    if ((xhr.getResponseHeader("Content-Type") || "").startsWith("text/html")) showFlash(xhr.responseText);
  });
  document.addEventListener("htmx:sendError", () => {
    const status = $("#live-status");
    const text = status ? status.dataset.textOffline : "…";
    showFlash(`<p class="alert alert--error" role="alert">${text}</p>`);
  });

  /* ---- the live stream ----------------------------------------------------------------------- */
  const inboxList = $("#conversation-list[data-live-url]");
  const conversation = $("#conversation");
  const conversationId = conversation ? Number(conversation.dataset.conversationId) : null;
  const liveStatus = $("#live-status");
  const baseTitle = document.title;
  let unseen = 0;
  let refreshTimer = null;
  const freshIds = new Set();

  function setLive(state) {
    if (!liveStatus) return;
    liveStatus.dataset.state = state;
    liveStatus.textContent = state === "live" ? liveStatus.dataset.textLive : liveStatus.dataset.textOffline;
  }

  function refreshInbox(id) {
    if (!inboxList) return;
    freshIds.add(String(id));
    if (refreshTimer) return;  // at most one refresh in flight per interval, however busy the inbox is
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      htmx.ajax("GET", inboxList.dataset.liveUrl, { source: inboxList, target: inboxList, swap: "innerHTML" });
    }, 700);
  }

  /* The properties panel follows the conversation live, but the agent's own work comes first: no
     refresh while they are editing a field (it waits until they leave the panel), and none lands
     while their own change is on its way (it would replace the panel that change's answer is for:
     a refresh in flight is cancelled and made again once the change is answered). */
  let ownChanges = 0;
  let refreshing = false;
  let refreshWanted = false;

  function editing(panel) {
    const el = document.activeElement;
    return Boolean(el && panel.contains(el) && el.matches("input, select, textarea"));
  }

  function refreshProperties() {
    const panel = $("#conversation-properties");
    if (!panel) return;
    if (refreshing || ownChanges > 0 || editing(panel)) { refreshWanted = true; return; }
    refreshWanted = false;
    refreshing = true;
    const done = () => { refreshing = false; if (refreshWanted) refreshProperties(); };
    htmx.ajax("GET", panel.dataset.propertiesUrl, {
      source: panel.parentElement, target: "#conversation-properties", swap: "outerHTML",
    }).then(done, done);
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const detail = event.detail;
    if (!detail.target || detail.target.id !== "conversation-properties" || detail.requestConfig.verb === "get") return;
    ownChanges += 1;
    // "loadend" follows the swap, and comes whatever the outcome (answer, error, abort, time-out), even
    // when the form that sent it has left the page meanwhile (htmx's own events would not reach here).
    detail.xhr.addEventListener("loadend", () => {
      ownChanges -= 1;
      if (ownChanges === 0 && refreshWanted) refreshProperties();
    });
    if (refreshing) { refreshWanted = true; htmx.trigger(detail.target.parentElement, "htmx:abort"); }
  });
  document.addEventListener("focusout", (event) => {
    const panel = $("#conversation-properties");
    if (refreshWanted && panel && panel.contains(event.target) && !panel.contains(event.relatedTarget)) {
      setTimeout(refreshProperties, 0);  // after the focus has moved on
    }
  });

  function noteUnseen() {
    if (!document.hidden) return;
    unseen += 1;
    document.title = `(${unseen}) ${baseTitle}`;
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) { unseen = 0; document.title = baseTitle; }
  });

  function onEvent(type, data) {
    if (type === "message.created") {
      const fromPlayer = data.message && data.message.author_type === "player";
      if (fromPlayer) noteUnseen();
      refreshInbox(data.conversation_id);
      if (data.conversation_id === conversationId) {
        if (fromPlayer) {
          showPlayerTyping(false);
          refreshProperties();  // a player's message reopens a resolved or snoozed conversation
        }
        loadNewMessages();
      }
    } else if (type === "conversation.updated") {
      refreshInbox(data.conversation_id);
      if (data.conversation_id === conversationId) refreshProperties();
    } else if (type === "message.updated" && data.conversation_id === conversationId) {
      const item = $(`#message-${Number(data.message_id)}`);  // delivery state: pending, sent, failed …
      if (item) htmx.ajax("GET", `/console/messages/${Number(data.message_id)}`, { source: item, target: item, swap: "outerHTML" });
    } else if (type === "typing" && data.who === "player" && data.conversation_id === conversationId) {
      showPlayerTyping(Boolean(data.typing));
    }
  }

  let source = null;
  let retryDelay = 2000;
  let connectedBefore = false;

  function connect() {
    if (!liveStatus || !window.EventSource) return;
    source = new EventSource("/console/events");
    source.addEventListener("ready", () => {
      setLive("live");
      retryDelay = 2000;
      if (connectedBefore) {  // catch up on anything that happened while disconnected
        if (messages) loadNewMessages();
        if (inboxList) refreshInbox(0);
        refreshProperties();
      }
      connectedBefore = true;
    });
    ["message.created", "message.updated", "conversation.updated", "typing"].forEach((type) => {
      source.addEventListener(type, (event) => onEvent(type, JSON.parse(event.data)));
    });
    source.addEventListener("error", () => {
      setLive("offline");
      if (source.readyState !== EventSource.CLOSED) return;  // the browser reconnects by itself
      fetch("/console/heartbeat", { headers: { "HX-Request": "true", Accept: "text/html" }, credentials: "same-origin" })
        .then((response) => {
          const to = response.headers.get("HX-Redirect");
          if (to) { window.location.href = to; return; }
          setTimeout(connect, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 30000);
        })
        .catch(() => { setTimeout(connect, retryDelay); retryDelay = Math.min(retryDelay * 2, 30000); });
    });
  }

  /* ---- wiring ------------------------------------------------------------------------------- */
  document.addEventListener("htmx:load", (event) => {
    localiseTimes(event.detail.elt);
    setUpSnooze(event.detail.elt);
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (messages && event.detail.target === messages) tidyMessages();
    if (inboxList && event.detail.target === inboxList) {
      freshIds.forEach((id) => {
        const row = $(`.conversation-row[data-conversation-id="${id}"]`, inboxList);
        if (row) row.classList.add("is-fresh");
      });
      freshIds.clear();
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    setUpComposer();
    if (messages) messages.scrollTop = messages.scrollHeight;
    connect();
  });
  window.addEventListener("pagehide", () => { if (source) source.close(); });
})();
