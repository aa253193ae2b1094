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
