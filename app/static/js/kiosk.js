// Kiosk behaviour: idle auto-lock, always-focused scan input, keyboard shortcuts, live count
// totals. No inline script (CSP): everything hangs off data- attributes.
(function () {
  "use strict";

  // --- Auto-lock after FAREDESK_KIOSK_IDLE_SECONDS without input: the server locks too; the
  // page reloads so the lock screen shows. The cart is kept server-side.
  var idle = parseInt(document.body.getAttribute("data-idle-seconds") || "0", 10);
  var working = document.querySelector(".kbar");
  if (idle > 0 && working) {
    var timer = null;
    var reset = function () {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(function () { window.location.assign("/kiosk"); }, (idle + 1) * 1000);
    };
    ["keydown", "pointerdown", "touchstart"].forEach(function (name) {
      document.addEventListener(name, reset, { passive: true });
    });
    reset();
  }

  // --- The scan input stays focused (keyboard wedge scanners type, then press Enter) unless
  // the clerk is typing somewhere else or a dialog is open.
  function focusScan() {
    var scan = document.querySelector("[data-scan-input]");
    if (!scan) { return; }
    var active = document.activeElement;
    var typing = active && active !== scan && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
    if (!typing && !document.querySelector(".modal-backdrop")) { scan.focus(); }
  }
  document.addEventListener("DOMContentLoaded", focusScan);
  document.addEventListener("htmx:afterSettle", focusScan);
  document.addEventListener("click", function (e) {
    if (!e.target.closest("input, select, textarea")) { window.setTimeout(focusScan, 0); }
  });

  // --- Keyboard shortcuts: any element with data-key="F4" is clicked by that key.
  document.addEventListener("keydown", function (e) {
    var key = e.key;
    if (key === "Escape") {
      var cancel = document.querySelector(".modal-backdrop [data-key='Escape']") ||
        document.querySelector("[data-key='Escape']");
      if (cancel) { e.preventDefault(); cancel.click(); }
      return;
    }
    if (!/^F\d{1,2}$/.test(key)) { return; }
    // An open dialog's shortcut wins (F4 in the cash dialog means "exact amount").
    var target = document.querySelector("#modal [data-key='" + key + "']") ||
      document.querySelector("[data-key='" + key + "']");
    if (target) {
      e.preventDefault();
      if (target.tagName === "INPUT") { target.focus(); target.select(); } else { target.click(); }
    }
  });

  // --- Live total of a denomination count (the clerk's own count, never the expected amount).
  function money(cents) {
    var whole = Math.floor(cents / 100), part = cents % 100;
    return "$" + whole.toLocaleString("en-US") + "." + (part < 10 ? "0" : "") + part;
  }
  function updateCount(box) {
    var total = 0;
    box.querySelectorAll("input[data-cents]").forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (n > 0) { total += n * parseInt(input.getAttribute("data-cents"), 10); }
    });
    var form = box.closest("form");
    var out = form && form.querySelector("[data-count-output]");
    if (out) { out.textContent = money(total); }
  }
  document.addEventListener("input", function (e) {
    var box = e.target.closest("[data-count-total]");
    if (box) { updateCount(box); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-count-total]").forEach(updateCount);
  });

  // --- Modals live in #modal: a [data-close-modal] button or the server's kiosk:closeModal
  // event empties it. Escape clicks the visible [data-key=Escape] control.
  function closeModal() {
    var modal = document.getElementById("modal");
    if (modal) { modal.innerHTML = ""; }
    focusScan();
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-close-modal]")) { window.setTimeout(closeModal, 0); }
  });
  document.body.addEventListener("kiosk:closeModal", closeModal);

  // --- The scan box empties after each scan so the next one starts clean.
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.target.closest && e.target.closest("[data-scan-form]");
    if (form && e.detail.requestConfig && e.detail.requestConfig.verb === "post") {
      form.reset();
      var results = document.getElementById("search-results");
      if (results) { results.innerHTML = ""; }
    }
  });

  // --- Cash tendered: quick-cash buttons fill the amount field.
  document.addEventListener("click", function (e) {
    var fill = e.target.closest("[data-fill]");
    if (!fill) { return; }
    var input = document.querySelector(fill.getAttribute("data-fill-target"));
    if (input) { input.value = fill.getAttribute("data-fill"); }
  });
})();
