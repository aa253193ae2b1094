// The lab page around the editor: on a narrow screen the instructions fold away behind their
// summary, so the editor and the steps are near the top; on a wide one they stand open beside
// the workbench (the summary is hidden there by the stylesheet). Without JavaScript they are
// simply open. A learner's own toggle on a narrow screen is kept until the width changes sides.
(function () {
  "use strict";
  var NARROW = window.matchMedia("(max-width: 60rem)");

  function fit() {
    document.querySelectorAll("details.lab-brief").forEach(function (brief) {
      brief.open = !NARROW.matches;
    });
  }

  document.addEventListener("DOMContentLoaded", fit);
  NARROW.addEventListener("change", fit);
})();
