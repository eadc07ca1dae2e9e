/* The reply box's macro picker. Typing "/" and a shortcut in the reply (or words in the search field)
   lists the conversation's macros, already rendered in its language by the server; arrow keys choose,
   Enter or Tab inserts the text in place of "/shortcut" (or at the cursor), Escape closes. */
(function () {
  "use strict";

  const picker = document.getElementById("macro-picker");
  if (!picker) return;
  const body = document.getElementById("reply-body");
  const search = document.getElementById("macro-search");
  const list = document.getElementById("macro-results");
  const status = document.getElementById("macro-status");
  const SLASH = /(^|\s)\/([\p{L}\p{N}_-]{0,32})$/u;
  let source = null; // the field the agent is typing into: the reply or the search
  let slash = null; // where "/shortcut" sits in the reply, to be replaced
  let timer = null;
  let asked = 0;

  const options = () => Array.from(list.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
  const selected = () => list.querySelector('[role="option"][aria-selected="true"]:not([aria-disabled="true"])');

  function choose(option) {
    options().forEach((o) => o.setAttribute("aria-selected", o === option ? "true" : "false"));
    if (option && source) {
      source.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function close() {
    clearTimeout(timer);
    asked += 1; // answers still on their way are dropped
    list.hidden = true;
    list.innerHTML = "";
    [body, search].forEach((field) => {
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    });
    slash = null;
  }

  function load(query) {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const mine = ++asked;
      fetch(`${picker.dataset.macrosUrl}?q=${encodeURIComponent(query)}`, {
        credentials: "same-origin", headers: { "HX-Request": "true", Accept: "text/html" },
      }).then((response) => (response.ok ? response.text() : Promise.reject(response)))
        .then((html) => {
          if (mine !== asked) return;
          list.innerHTML = html; // rendered and escaped by the server's templates
          list.hidden = false;
          source.setAttribute("aria-expanded", "true");
          choose(options()[0] || null);
          const announce = list.querySelector("[data-announce]");
          status.textContent = announce ? announce.dataset.announce : "";
        })
        .catch(() => {});
    }, 120);
  }

  function insert(option) {
    const text = option.dataset.text || "";
    if (slash) {
      body.setRangeText(text, slash.start, slash.end, "end");
    } else {
      body.setRangeText(text, body.selectionStart, body.selectionEnd, "end");
    }
    search.value = "";
    close();
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true })); // the reply box's typing notice
  }

  function onKey(event) {
    if (list.hidden) return;
    const all = options();
    const index = all.indexOf(selected());
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!all.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      choose(all[(index + step + all.length) % all.length]);
    } else if ((event.key === "Enter" && !event.ctrlKey && !event.metaKey) || event.key === "Tab") {
      if (index < 0) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      insert(all[index]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  }

  body.addEventListener("input", () => {
    const caret = body.selectionStart;
    const found = body.selectionEnd === caret ? SLASH.exec(body.value.slice(0, caret)) : null;
    if (!found) {
      if (source === body) close();
      return;
    }
    source = body;
    slash = { start: caret - found[2].length - 1, end: caret };
    load(`/${found[2]}`);
  });
  search.addEventListener("input", () => {
    source = search;
    slash = null;
    load(search.value);
  });
  search.addEventListener("focus", () => {
    if (list.hidden) { source = search; slash = null; load(search.value); }
  });
  body.addEventListener("keydown", onKey);
  search.addEventListener("keydown", onKey);
  [body, search].forEach((field) => field.addEventListener("blur", () => {
    setTimeout(() => { if (!picker.contains(document.activeElement) && document.activeElement !== body) close(); }, 150);
  }));
  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the field
  list.addEventListener("click", (event) => {
    const option = event.target.closest('[role="option"]:not([aria-disabled="true"])');
    if (option) insert(option);
  });
})();
