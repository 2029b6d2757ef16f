// portvakt's own few lines of JavaScript. Every page works without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Copy buttons: shown only when the Clipboard API is there; the text stays selectable anyway.
  for (const button of document.querySelectorAll("button[data-copy]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    const label = button.textContent;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source) return;
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = button.dataset.copied || label;
        setTimeout(() => { button.textContent = label; }, 2000);
      } catch (_) {
        // Clipboard refused (permissions): the text can still be selected by hand.
      }
    });
  }

  // A refused form: move focus to the error summary so screen readers announce it.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
