// The lab workbench: CodeMirror over each file's textarea (the textareas still post without
// JavaScript), file tabs, and autosave: an edit fires "input" on the form, which htmx posts.
(function () {
  "use strict";

  // Tab indents in the editor, so keyboard users need another way out: Esc, then Tab or
  // Shift+Tab moves focus on as usual (the WAI-ARIA advice for code editors; the hint is shown
  // beside the editor). Esc adds a key map in which Tab is unbound (false: the browser's own
  // Tab runs); any other key, or leaving, removes it.
  var LEAVING = { name: "leaving", Tab: false, "Shift-Tab": false };
  var PASS_THROUGH = /^(Escape|Tab|Shift|Control|Alt|Meta)$/;

  function setUpEditors(root) {
    if (!window.CodeMirror) return;
    // The hint only applies to the editor: without JavaScript, Tab leaves a plain textarea.
    var hint = document.getElementById("editor-keys");
    if (hint) hint.hidden = false;
    root.querySelectorAll("textarea.code-input").forEach(function (area) {
      var label = area.labels && area.labels[0] ? area.labels[0].textContent : area.name.slice(5);
      var editor = window.CodeMirror.fromTextArea(area, {
        mode: area.dataset.mode === "text" ? null : area.dataset.mode,
        // The contenteditable input lets screen readers read the code, and keeps the element
        // that takes focus inside the editor's scrolling area.
        inputStyle: "contenteditable",
        screenReaderLabel: label + " (code editor)",
        lineNumbers: true,
        indentUnit: 4,
        tabSize: 4,
        indentWithTabs: false,
        matchBrackets: true,
        viewportMargin: Infinity,
        extraKeys: {
          Tab: function (cm) { cm.replaceSelection("    "); },
          Esc: function (cm) {
            cm.removeKeyMap(LEAVING);
            cm.addKeyMap(LEAVING);
          },
        },
      });
      var input = editor.getInputField();
      input.setAttribute("role", "textbox");
      input.setAttribute("aria-multiline", "true");
      if (hint) input.setAttribute("aria-describedby", hint.id);
      editor.on("keydown", function (cm, event) {
        if (!PASS_THROUGH.test(event.key)) cm.removeKeyMap(LEAVING);
      });
      editor.on("blur", function (cm) { cm.removeKeyMap(LEAVING); });
      editor.getWrapperElement().setAttribute("data-file", area.name.slice(5));
      editor.on("change", function () {
        editor.save();
        area.dispatchEvent(new Event("input", { bubbles: true }));
      });
      area.codeMirror = editor;
    });
  }

  function saveEditorsOnPost(form) {
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

  // Enter in a file name box presses its own button (not the form's first one).
  function setUpFileNames(root) {
    root.querySelectorAll(".file-actions input, .file-new input").forEach(function (input) {
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") return;
        event.preventDefault();
        var button = input.closest(".file-actions, .file-new").querySelector("button");
        if (button) button.click();
      });
    });
  }

  function setUpTabs(root) {
    var tabs = Array.prototype.slice.call(root.querySelectorAll(".file-tab"));
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

  function setUp(root) {
    setUpEditors(root);
    setUpTabs(root);
    setUpFileNames(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("lab-form");
    if (!form) return;
    setUp(form);
    saveEditorsOnPost(form);
    // A file added, renamed or deleted: the editor is swapped in anew, without its editors.
    document.body.addEventListener("htmx:afterSettle", function () {
      var editor = document.getElementById("editor");
      if (editor && !editor.querySelector(".CodeMirror")) setUp(editor);
      // A hint just revealed replaced the button that asked for it: read it from there.
      var hint = document.querySelector("[data-hint-new]");
      if (hint) {
        hint.removeAttribute("data-hint-new");
        hint.focus();
      }
    });
  });
})();
