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

// Editable lists: say "not saved" as soon as something is typed, and suggest people by name or
// e-mail while a grant row is typed in (the server resolves names without JavaScript too).
document.addEventListener("DOMContentLoaded", () => {
  for (const note of document.querySelectorAll("[data-unsaved-note]")) {
    const form = note.closest("form");
    if (form) form.addEventListener("input", () => { note.hidden = false; });
  }
  for (const input of document.querySelectorAll("input[data-suggest]")) {
    const list = input.list;
    if (!list) continue;
    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(async () => {
        try {
          const res = await fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), {
            headers: { Accept: "application/json" }, credentials: "same-origin",
          });
          if (!res.ok) return;
          const people = await res.json();
          list.replaceChildren(...people.map((p) => {
            const option = document.createElement("option");
            option.value = p.email;
            option.label = p.name;
            return option;
          }));
        } catch (_) {
          // No suggestions: the server still finds the person when the form is saved.
        }
      }, 200);
    });
  }
});

// The countdown of a password switch-off waiting for its confirmation: the server wrote the
// time left when it made the page; this keeps it current. The deadline's clock time next to it
// is right without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.querySelector("[data-countdown]");
  if (!el) return;
  const deadline = Number(el.dataset.countdown) * 1000;
  const tick = () => {
    const left = deadline - Date.now();
    if (left <= 0) {
      el.textContent = el.dataset.inNow;
      return;
    }
    if (left < 60000) {
      el.textContent = el.dataset.inSeconds.replace("%d", String(Math.ceil(left / 1000)));
    } else if (left <= 60000) {
      el.textContent = el.dataset.inMinute;
    } else {
      el.textContent = el.dataset.inMinutes.replace("%d", String(Math.ceil(left / 60000)));
    }
    setTimeout(tick, left < 60000 ? 1000 : 5000);
  };
  tick();
});
