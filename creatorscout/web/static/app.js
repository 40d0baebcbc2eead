// creatorscout web page: small, progressive. Every page works without this file.
"use strict";

// Searching: leave empty fields out of the URL, so a shared link holds only the query.
function tidySearchForm() {
  const form = document.getElementById("search-form");
  if (!form) return;
  form.addEventListener("submit", () => {
    for (const field of form.querySelectorAll("input, select")) {
      if ((field.type === "checkbox" || field.type === "radio") ? false : field.value === "") {
        field.disabled = true;
      }
      if (field.type === "radio" && field.checked && field.value === "") field.disabled = true;
    }
  });
}

// Crawls: follow the crawl's Server-Sent Events; reload for the summary when it ends.
function followCrawl() {
  const box = document.getElementById("crawl");
  if (!box || box.dataset.done === "yes" || !window.EventSource) return;
  const source = new EventSource(box.dataset.events);
  const names = ["accepted", "budget", "indexed", "skipped", "requests", "elapsed"];
  const show = (event) => {
    const status = JSON.parse(event.data);
    const counters = status.counters || {};
    for (const name of names) {
      const cell = document.getElementById("c-" + name);
      if (cell && counters[name] !== undefined) {
        cell.textContent = name === "elapsed" ? Math.round(counters[name]) : counters[name];
      }
    }
    const progress = document.getElementById("crawl-progress");
    if (progress) {
      progress.value = counters.accepted || 0;
      progress.textContent = (counters.accepted || 0) + " of " + progress.max;
    }
    const state = document.getElementById("state-value");
    if (state) state.textContent = status.state;
    document.getElementById("crawl-state").dataset.state = status.state;
    if (["finished", "stopped", "failed"].includes(status.state)) {
      source.close();
      window.location.reload();
    }
  };
  for (const kind of ["started", "progress", "stopping", "finished", "stopped", "failed"]) {
    source.addEventListener(kind, show);
  }
}

// Flag counts cost one count per flag, so the page asks for them only when they are used;
// opening the flags fetches them for the current search.
function lazyFlagCounts() {
  const group = document.getElementById("flag-group");
  if (!group || !window.fetch) return;
  const fill = () => {
    if (!group.open || group.dataset.filled) return;
    group.dataset.filled = "yes";
    fetch(group.dataset.counts, { credentials: "same-origin" })
      .then((answer) => (answer.ok ? answer.json() : {}))
      .then((counts) => {
        for (const span of group.querySelectorAll(".count[data-flag]")) {
          const count = counts[span.dataset.flag];
          if (typeof count === "number") span.textContent = "(" + count.toLocaleString("en") + ")";
        }
      })
      .catch(() => { delete group.dataset.filled; });
  };
  group.addEventListener("toggle", fill);
  fill();
}

document.addEventListener("DOMContentLoaded", () => {
  tidySearchForm();
  lazyFlagCounts();
  followCrawl();
});
