// The pricing calculator: as the learner types, htmx swaps the estimate, or (for bad input) the
// errors beside the last good estimate, and each field's message out of band. This marks the
// fields those messages belong to, so the bad field is highlighted and announced as invalid.
// The server marks them itself on a full page load; without JavaScript the form still submits.
(function () {
  "use strict";

  function mark() {
    document.querySelectorAll(".calc-form .field").forEach(function (field) {
      var message = field.querySelector(".field-error");
      var control = field.querySelector("input, select");
      var invalid = Boolean(message && message.textContent.trim());
      field.classList.toggle("field-invalid", invalid);
      if (!control) return;
      if (invalid) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    });
  }

  document.addEventListener("htmx:afterSettle", mark);
  document.addEventListener("htmx:oobAfterSwap", mark);
})();
