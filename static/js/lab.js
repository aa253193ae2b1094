// The lab workbench: CodeMirror over each file's textarea (the textareas still post without
// JavaScript), file tabs, and autosave: an edit fires "input" on the form, which htmx posts.
(function () {
  "use strict";

  function setUpEditors(form) {
    if (!window.CodeMirror) return;
    form.querySelectorAll("textarea.code-input").forEach(function (area) {
      var editor = window.CodeMirror.fromTextArea(area, {
        mode: area.dataset.mode === "text" ? null : area.dataset.mode,
        lineNumbers: true,
        indentUnit: 4,
        tabSize: 4,
        indentWithTabs: false,
        matchBrackets: true,
        viewportMargin: Infinity,
        extraKeys: {
          Tab: function (cm) { cm.replaceSelection("    "); },
          // Keyboard users must be able to leave the editor.
          Esc: function (cm) { cm.getInputField().blur(); },
        },
      });
      editor.getWrapperElement().setAttribute("data-file", area.name.slice(5));
      editor.on("change", function () {
        editor.save();
        area.dispatchEvent(new Event("input", { bubbles: true }));
      });
      area.codeMirror = editor;
    });
    // Deploy posts the form: make sure every textarea holds its editor's text first.
    form.addEventListener("htmx:configRequest", function () {
      form.querySelectorAll("textarea.code-input").forEach(function (area) {
        if (area.codeMirror) area.codeMirror.save();
      });
    }, true);
    form.addEventListener("submit", function () {
      form.querySelectorAll("textarea.code-input").forEach(function (area) {
        if (area.codeMirror) area.codeMirror.save();
      });
    }, true);
  }

  function setUpTabs(form) {
    var tabs = Array.prototype.slice.call(form.querySelectorAll(".file-tab"));
    function select(tab) {
      tabs.forEach(function (other) {
        var chosen = other === tab;
        other.setAttribute("aria-selected", chosen ? "true" : "false");
        other.tabIndex = chosen ? 0 : -1;
        var pane = document.getElementById(other.getAttribute("aria-controls"));
        pane.hidden = !chosen;
        var area = pane.querySelector("textarea");
        if (chosen && area && area.codeMirror) area.codeMirror.refresh();
      });
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab); });
      tab.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        var next = tabs[(index + step + tabs.length) % tabs.length];
        select(next);
        next.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("lab-form");
    if (!form) return;
    setUpEditors(form);
    setUpTabs(form);
  });
})();
