// Every page: a region that scrolls (a wide code block or table, a long log) must be reachable
// with the keyboard, or keyboard users cannot scroll it. One that overflows and holds nothing
// focusable becomes a tab stop; it stops being one when it no longer overflows. Regions change
// size with the window, when <details> open, when lesson tabs switch and when htmx swaps content.
(function () {
  "use strict";
  var CANDIDATES = "pre, table, .table-scroll, .tabbed-labels, .lab-instructions, .lesson-aside";
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [contenteditable], "
    + "[tabindex]:not([tabindex='-1'])";
  var MARK = "data-scroll-stop";

  function scrolls(element) {
    var style = window.getComputedStyle(element);
    var overflow = style.overflowX + " " + style.overflowY;
    if (!/auto|scroll/.test(overflow)) return false;
    return element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1;
  }

  function update() {
    document.querySelectorAll(CANDIDATES).forEach(function (element) {
      var ours = element.hasAttribute(MARK);
      if (!ours && element.hasAttribute("tabindex")) return;  // the page's own choice
      var needed = scrolls(element) && !element.querySelector(FOCUSABLE);
      if (needed && !ours) {
        element.setAttribute("tabindex", "0");
        element.setAttribute(MARK, "");
      } else if (!needed && ours) {
        element.removeAttribute("tabindex");
        element.removeAttribute(MARK);
      }
    });
  }

  var pending = null;
  function onResize() {
    if (pending) return;
    pending = window.requestAnimationFrame(function () {
      pending = null;
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("load", update);  // web fonts and images change sizes
  window.addEventListener("resize", onResize);
  document.addEventListener("toggle", update, true);  // <details>; toggle does not bubble
  document.addEventListener("change", update);  // lesson tabs are radio buttons
  document.addEventListener("htmx:afterSettle", update);
})();

// Disclosures that stand open on a wide screen and fold on a narrow one: a lesson's table of
// contents, a lab's instructions (<details data-fold-below="62rem">). Without JavaScript they
// are simply open. Refolded only when the width crosses the line, so a reader's toggle stays.
(function () {
  "use strict";
  function fit(details, narrow) {
    details.open = !narrow;
  }
  function setUp() {
    document.querySelectorAll("details[data-fold-below]").forEach(function (details) {
      var query = window.matchMedia("(max-width: " + details.dataset.foldBelow + ")");
      fit(details, query.matches);
      query.addEventListener("change", function (event) { fit(details, event.matches); });
    });
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();

// The main menu on a narrow screen: the navigation folds behind a Menu button (the stylesheet
// hides it only when scripting is on, so without JavaScript it simply wraps). Esc closes it.
(function () {
  "use strict";
  function setUp() {
    var toggle = document.querySelector(".nav-toggle");
    if (!toggle) return;
    toggle.addEventListener("click", function () {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();

// A Copy button on every code block of a lesson or a lab. The button says what happened, and a
// polite live region repeats it for screen readers.
(function () {
  "use strict";
  var BLOCKS = ".prose pre";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {  // plain http on another host: the old way
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      document.body.removeChild(area);
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  function addButton(pre, status) {
    var holder = pre.parentElement;
    if (!holder || holder.querySelector(":scope > .copy-button")) return;
    if (!holder.classList.contains("highlight")) {  // a bare <pre>: give it a holder of its own
      holder = document.createElement("div");
      pre.parentElement.insertBefore(holder, pre);
      holder.appendChild(pre);
    }
    holder.classList.add("has-copy");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the code");
    button.addEventListener("click", function () {
      copyText(pre.innerText.replace(/\n$/, "")).then(
        function () { say(button, status, "Copied"); },
        function () { say(button, status, "Press Ctrl+C"); }
      );
    });
    holder.insertBefore(button, pre);
  }

  function say(button, status, words) {
    button.textContent = words;
    status.textContent = words === "Copied" ? "Code copied to the clipboard." : "Copying was refused: select the code and press Ctrl+C.";
    window.setTimeout(function () { button.textContent = "Copy"; status.textContent = ""; }, 2000);
  }

  function setUp() {
    var blocks = document.querySelectorAll(BLOCKS);
    if (!blocks.length) return;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    blocks.forEach(function (pre) { addButton(pre, status); });
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();
