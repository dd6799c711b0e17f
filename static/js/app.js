/* Progressive enhancement only: every journey works without this file. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  // Move focus to an error summary so screen readers announce it.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // Resend countdown: the server enforces the wait; this only shows it live.
  var resend = document.querySelector("[data-resend-wait]");
  if (resend) {
    var wait = parseInt(resend.getAttribute("data-resend-wait"), 10) || 0;
    var button = resend.querySelector("[data-resend-button]");
    var text = resend.querySelector("[data-countdown-text]");
    var template = resend.getAttribute("data-countdown-template") || "";
    if (wait > 0 && button) {
      button.disabled = true;
      var deadline = Date.now() + wait * 1000;
      var tick = function () {
        var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
        if (text && template) { text.textContent = template.replace("{seconds}", left); }
        if (left <= 0) {
          button.disabled = false;
          if (text) { text.textContent = resend.getAttribute("data-ready-text") || ""; }
          return;
        }
        window.setTimeout(tick, 1000);
      };
      tick();
    }
  }

  // Idle time-out warning with a way to stay signed in.
  var body = document.body;
  var expires = body.getAttribute("data-session-expires");
  var dialog = document.getElementById("timeout-dialog");
  if (expires && dialog && typeof dialog.showModal === "function") {
    var warnBefore = (parseInt(body.getAttribute("data-session-warning"), 10) || 120) * 1000;
    var expiresAt = Date.parse(expires);
    var warnTimer = null;
    var schedule = function () {
      if (warnTimer) { window.clearTimeout(warnTimer); }
      warnTimer = window.setTimeout(function () { dialog.showModal(); },
        Math.max(0, expiresAt - Date.now() - warnBefore));
    };
    schedule();
    var form = dialog.querySelector("form");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) },
        body: new FormData(form),
        credentials: "same-origin"
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (data.signed_in) {
          expiresAt = Date.parse(data.expires_at);
          dialog.close();
          schedule();
        } else {
          window.location.reload();
        }
      }).catch(function () { form.submit(); });
    });
  }
})();
