// Kiosk behaviour: idle auto-lock, always-focused scan input, keyboard shortcuts, search from
// the keyboard, product tabs, dialogs (focus in, focus back, Esc, errors inside), live count
// totals. No inline script (CSP): everything hangs off data- attributes.
(function () {
  "use strict";

  var FOCUSABLE = "button:not([disabled]), [href], input:not([type=hidden]):not([disabled]), " +
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

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

  // Was the last thing the clerk did a key press (then focus stays where the keyboard put it)?
  var byKeyboard = false;
  document.addEventListener("keydown", function () { byKeyboard = true; }, true);
  document.addEventListener("pointerdown", function () { byKeyboard = false; }, true);

  function openDialog() {
    return document.querySelector(".modal-backdrop [role=dialog], dialog[open]");
  }

  // --- The scan input stays focused (keyboard wedge scanners type, then press Enter) unless
  // the clerk is typing somewhere else, works the tabs by keyboard, or a dialog is open.
  function focusScan() {
    var scan = document.querySelector("[data-scan-input]");
    if (!scan) { return; }
    var active = document.activeElement;
    var typing = active && active !== scan && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
    var onTabs = byKeyboard && active && active.closest && active.closest("[role=tablist]");
    if (!typing && !onTabs && !openDialog()) { scan.focus(); }
  }
  document.addEventListener("DOMContentLoaded", focusScan);
  document.addEventListener("htmx:afterSettle", focusScan);
  document.addEventListener("click", function (e) {
    if (!e.target.closest("input, select, textarea, [role=dialog], dialog")) {
      window.setTimeout(focusScan, 0);
    }
  });

  // --- Keyboard shortcuts: any element with data-key="F4" is clicked by that key.
  document.addEventListener("keydown", function (e) {
    var key = e.key;
    if (key === "Escape") {
      if (document.querySelector("dialog[open]")) { return; }  // the confirmation handles it
      var dialog = openDialog();
      // In a dialog, Esc means its own cancel control (none: Esc does nothing there).
      var cancel = dialog ? dialog.querySelector("[data-key='Escape']")
        : document.querySelector("[data-key='Escape']");
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

  // --- Dialogs. Focus moves into a dialog when it opens (the field in error, the PIN after a
  // wrong PIN, the autofocus field, else the first control), Tab stays inside it, and focus
  // returns to what opened it when it closes.
  var opener = null;
  var openerTestId = "";
  document.addEventListener("htmx:beforeRequest", function (e) {
    var target = e.detail.target;
    if (target && target.id === "modal" && !openDialog()) {
      // Where the clerk was: the focused control when working by keyboard (the scan box when
      // a shortcut opened the dialog), else the scan box a touch screen keeps focused.
      var active = document.activeElement;
      opener = byKeyboard && active && active !== document.body ? active
        : (document.querySelector("[data-scan-input]") || e.detail.elt);
      openerTestId = opener && opener.getAttribute ? opener.getAttribute("data-testid") || "" : "";
    }
  });
  function focusInto(dialog) {
    if (!dialog || dialog.contains(document.activeElement)) { return; }
    var first = dialog.querySelector(".has-error input[type=password]") ||
      dialog.querySelector("[aria-invalid=true]") || dialog.querySelector("[autofocus]") ||
      dialog.querySelector(FOCUSABLE);
    if (!first) {
      dialog.setAttribute("tabindex", "-1");
      first = dialog;
    }
    first.focus();
    if (first.type === "password") { first.value = ""; }
  }
  function returnFocus() {
    var back = opener && document.body.contains(opener) ? opener : null;
    if (!back && openerTestId) {
      back = document.querySelector("[data-testid='" + openerTestId + "']");
    }
    opener = null;
    openerTestId = "";
    if (back && back.focus) { back.focus(); } else { focusScan(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var dialog = openDialog();
    if (dialog) { focusInto(dialog); return; }
    // A wrong PIN on a page (a witness, the lock screen): back to that PIN, emptied.
    var pin = document.querySelector(".has-error input[type=password], input[type=password][aria-invalid=true]");
    if (pin) { pin.value = ""; pin.focus(); }
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    var dialog = openDialog();
    if (dialog && (e.target.id === "modal" || dialog.contains(e.target))) { focusInto(dialog); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Tab") { return; }
    var dialog = document.querySelector("dialog[open]") ? null : openDialog();
    if (!dialog) { return; }
    var items = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
      return el.offsetParent !== null;
    });
    if (!items.length) { e.preventDefault(); return; }
    var first = items[0], last = items[items.length - 1];
    if (!dialog.contains(document.activeElement)) { e.preventDefault(); first.focus(); }
    else if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  });

  // An error answered while a dialog is open shows inside the dialog, never dimmed behind it.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var dialog = openDialog();
    if (!dialog || !e.detail.target || e.detail.target.id !== "alerts") { return; }
    var slot = dialog.querySelector("[data-dialog-alerts]");
    if (!slot) {
      slot = document.createElement("div");
      slot.setAttribute("data-dialog-alerts", "");
      var heading = dialog.querySelector("h2");
      if (heading) { heading.insertAdjacentElement("afterend", slot); } else { dialog.prepend(slot); }
    }
    e.detail.target = slot;
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-dialog-alerts")) {
      var alert = e.target.querySelector("[role=alert]");
      if (alert) { alert.setAttribute("tabindex", "-1"); }
      var dialog = e.target.closest("[role=dialog]");
      var field = dialog && dialog.querySelector("[autofocus]");
      if (field) { field.focus(); if (field.select) { field.select(); } }
    }
  });

  // --- Modals live in #modal: a [data-close-modal] button or the server's kiosk:closeModal
  // event empties it, and focus goes back to what opened it.
  function closeModal() {
    var modal = document.getElementById("modal");
    var wasOpen = modal && modal.innerHTML.trim() !== "";
    if (modal) { modal.innerHTML = ""; }
    if (wasOpen) { returnFocus(); } else { focusScan(); }
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-close-modal]")) { window.setTimeout(closeModal, 0); }
  });
  document.body.addEventListener("kiosk:closeModal", closeModal);

  // --- A scrolling list says when more waits above or below ([data-scroll-hint] wraps it).
  function hintScroll() {
    document.querySelectorAll("[data-scroll-hint]").forEach(function (wrap) {
      var list = wrap.firstElementChild;
      if (!list) { return; }
      wrap.classList.toggle("more-above", list.scrollTop > 2);
      wrap.classList.toggle("more-below", list.scrollTop + list.clientHeight < list.scrollHeight - 2);
    });
  }
  document.addEventListener("scroll", hintScroll, true);
  window.addEventListener("resize", hintScroll);
  document.addEventListener("DOMContentLoaded", hintScroll);
  document.addEventListener("htmx:afterSettle", hintScroll);

  // --- Product tabs: the chosen tab is the selected one (aria-selected, one tab stop); arrow
  // keys, Home and End move between tabs and show their products.
  function selectTab(tab) {
    var list = tab.closest("[role=tablist]");
    list.querySelectorAll("[role=tab]").forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.setAttribute("tabindex", on ? "0" : "-1");
    });
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    if (panel) { panel.setAttribute("aria-labelledby", tab.id); }
  }
  document.addEventListener("click", function (e) {
    var tab = e.target.closest("[role=tab]");
    if (tab) { selectTab(tab); }
  });
  document.addEventListener("keydown", function (e) {
    var tab = e.target.closest && e.target.closest("[role=tab]");
    if (!tab) { return; }
    var tabs = Array.prototype.slice.call(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var at = tabs.indexOf(tab), next = null;
    if (e.key === "ArrowRight") { next = tabs[(at + 1) % tabs.length]; }
    else if (e.key === "ArrowLeft") { next = tabs[(at - 1 + tabs.length) % tabs.length]; }
    else if (e.key === "Home") { next = tabs[0]; }
    else if (e.key === "End") { next = tabs[tabs.length - 1]; }
    else if (e.key === " ") { e.preventDefault(); tab.click(); return; }
    if (next) { e.preventDefault(); next.focus(); next.click(); }
  });

  // --- Scan box and search. A scanner types a code and Enter: the server looks it up. A clerk
  // typing a name sees matches: ArrowDown/ArrowUp move through them, Enter adds the only or the
  // highlighted match (stored value and passes open their amount or month dialog), Escape
  // closes the list. Enter on an empty box does nothing.
  function scanBox() { return document.querySelector("[data-scan-input]"); }
  function results() { return document.getElementById("search-results"); }
  function options() {
    var box = results();
    return box ? Array.prototype.slice.call(box.querySelectorAll("[data-search-option]")) : [];
  }
  function clearResults() {
    var box = results(), scan = scanBox();
    if (box) { box.innerHTML = ""; box.removeAttribute("data-query"); }
    if (scan) {
      scan.setAttribute("aria-expanded", "false");
      scan.removeAttribute("aria-activedescendant");
    }
  }
  function highlight(index) {
    var all = options(), scan = scanBox();
    all.forEach(function (opt, i) {
      opt.setAttribute("aria-selected", i === index ? "true" : "false");
      opt.classList.toggle("is-active", i === index);
    });
    if (all[index]) {
      scan.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      scan.removeAttribute("aria-activedescendant");
    }
  }
  function highlighted() {
    return options().filter(function (o) { return o.getAttribute("aria-selected") === "true"; })[0];
  }
  function choose(option) {
    var scan = scanBox();
    option.click();
    if (scan) { scan.value = ""; }
    clearResults();
  }
  function freshFor(value) {
    var box = results();
    return box && box.getAttribute("data-query") === value.trim();
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target.id !== "search-results") { return; }
    var query = "";
    try {
      query = new URL(e.detail.pathInfo.finalRequestPath, window.location.href).searchParams.get("code") || "";
    } catch (err) { query = ""; }
    e.target.setAttribute("data-query", query.trim());
    var scan = scanBox();
    if (scan) {
      scan.setAttribute("aria-expanded", options().length ? "true" : "false");
      scan.removeAttribute("aria-activedescendant");
    }
  });
  document.addEventListener("keydown", function (e) {
    var scan = e.target;
    if (!scan.matches || !scan.matches("[data-scan-input]")) { return; }
    var all = options();
    var current = highlighted();
    var at = current ? all.indexOf(current) : -1;
    if (e.key === "ArrowDown" && all.length) {
      e.preventDefault();
      highlight(at + 1 < all.length ? at + 1 : 0);
    } else if (e.key === "ArrowUp" && all.length) {
      e.preventDefault();
      highlight(at > 0 ? at - 1 : all.length - 1);
    } else if (e.key === "Escape" && all.length) {
      e.preventDefault();
      e.stopImmediatePropagation();
      clearResults();
    } else if (e.key === "Enter") {
      if (!scan.value.trim()) { e.preventDefault(); scan.value = ""; return; }
      if (current) { e.preventDefault(); choose(current); return; }
      if (all.length && freshFor(scan.value)) {
        e.preventDefault();
        var typed = scan.value.trim().toLowerCase();
        var exact = (all[0].getAttribute("data-code") || "").toLowerCase() === typed;
        // The only match, or a code typed in full, is added; of several, the first is
        // highlighted (Enter again adds it) rather than "nothing matches" beside a list.
        if (all.length === 1 || exact) { choose(all[0]); } else { highlight(0); }
        return;
      }
      // Otherwise the form submits the code: a barcode, an exact code or a unique name.
    }
  });
  document.addEventListener("click", function (e) {
    var option = e.target.closest("[data-search-option]");
    if (option && e.isTrusted) {
      var scan = scanBox();
      window.setTimeout(function () { if (scan) { scan.value = ""; } clearResults(); }, 0);
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

  // --- The scan box empties after each scan so the next one starts clean.
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.target.closest && e.target.closest("[data-scan-form]");
    if (form && e.detail.requestConfig && e.detail.requestConfig.verb === "post") {
      form.reset();
      clearResults();
    }
  });

  // --- Fill buttons: [data-fill] puts its value into the field named by data-fill-target.
  document.addEventListener("click", function (e) {
    var fill = e.target.closest("[data-fill]");
    if (!fill) { return; }
    var input = document.querySelector(fill.getAttribute("data-fill-target"));
    if (input) { input.value = fill.getAttribute("data-fill"); }
  });
})();
