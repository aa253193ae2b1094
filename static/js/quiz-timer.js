// Shows the time left on a timed attempt. The server enforces the deadline; this only informs,
// and submits the form when time runs out so the learner lands on their review.
(function () {
  "use strict";
  var timer = document.querySelector("[data-deadline]");
  if (!timer) return;
  var deadline = Date.parse(timer.getAttribute("data-deadline"));
  var output = timer.querySelector(".timer-remaining");
  var submit = document.getElementById(timer.getAttribute("data-submit"));
  var announced = false;
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    output.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left <= 60 && !announced) {
      output.setAttribute("aria-live", "assertive");
      announced = true;
    }
    if (left === 0) {
      clearInterval(handle);
      if (submit) submit.click();
    }
  }
  var handle = setInterval(tick, 1000);
  tick();
})();
