// faredesk page behaviour. No inline script anywhere (the CSP forbids it): behaviour hangs off
// data- attributes here.
(function () {
  "use strict";

  // <button data-confirm="Question?"> asks before submitting its form.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
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
