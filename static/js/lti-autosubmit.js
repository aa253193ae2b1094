// Deep linking's response goes back to the LMS by a form POST; without script the button does it.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
