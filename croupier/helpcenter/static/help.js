/* Help centre enhancements; every page works without them. */
(function () {
  "use strict";
  // "Start a chat" opens the embedded chat widget (shown only when the widget can run).
  document.querySelectorAll("[data-open-chat]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      if (window.CroupierWidget) window.CroupierWidget.open();
    });
  });
  // The callback form tells the agents the reader's time zone.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
  document.querySelectorAll("input[data-timezone]").forEach(function (input) { input.value = zone; });
})();
