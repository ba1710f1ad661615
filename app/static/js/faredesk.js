// faredesk page behaviour. No inline script anywhere (the CSP forbids it): behaviour hangs off
// data- attributes here.
(function () {
  "use strict";

  // <button data-confirm="What will happen."> asks in an in-page dialog (never the browser's
  // confirm()) before it acts. The dialog says what will happen; its go-ahead button repeats the
  // action's own words (or data-confirm-ok); Cancel and Esc leave everything as it was, and
  // focus goes back to the button.
  function confirmDialog() {
    var dialog = document.getElementById("confirm-dialog");
    if (dialog) { return dialog; }
    dialog = document.createElement("dialog");
    dialog.id = "confirm-dialog";
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.setAttribute("aria-describedby", "confirm-text");
    dialog.setAttribute("data-testid", "confirm-dialog");
    dialog.innerHTML = '<h2 id="confirm-title">Before you go on</h2><p id="confirm-text"></p>' +
      '<div class="confirm-actions"><button type="button" class="btn btn-primary" data-confirm-go ' +
      'data-testid="confirm-go"></button><button type="button" class="btn" data-confirm-cancel ' +
      'data-testid="confirm-cancel">Cancel</button></div>';
    document.body.appendChild(dialog);
    return dialog;
  }
  var asking = null;
  function ask(target) {
    var dialog = confirmDialog();
    asking = target;
    dialog.querySelector("#confirm-text").textContent = target.getAttribute("data-confirm");
    var go = dialog.querySelector("[data-confirm-go]");
    go.textContent = target.getAttribute("data-confirm-ok") || target.textContent.trim() || "Go ahead";
    go.className = "btn " + (target.classList.contains("btn-danger") ? "btn-danger" : "btn-primary");
    dialog.showModal();
    dialog.querySelector("[data-confirm-cancel]").focus();
  }
  function answer(goAhead) {
    var dialog = confirmDialog(), target = asking;
    asking = null;
    if (dialog.open) { dialog.close(); }
    if (!target) { return; }
    if (goAhead) {
      target.setAttribute("data-confirmed", "");
      target.click();
    } else if (document.body.contains(target)) {
      target.focus();
    }
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (!target) {
      if (event.target.closest("[data-confirm-go]")) { answer(true); }
      else if (event.target.closest("[data-confirm-cancel]")) { answer(false); }
      return;
    }
    if (target.hasAttribute("data-confirmed")) { target.removeAttribute("data-confirmed"); return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    ask(target);
  }, true);
  document.addEventListener("cancel", function (event) {
    if (event.target.id === "confirm-dialog") { event.preventDefault(); answer(false); }
  }, true);

  // Success messages fade after a while; errors stay until the next action.
  function dismissLater(root) {
    (root || document).querySelectorAll(".alert-success").forEach(function (el) {
      window.setTimeout(function () { el.classList.add("fade"); }, 6000);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { dismissLater(document); });
  document.addEventListener("htmx:afterSwap", function (e) { dismissLater(e.target); });
})();
