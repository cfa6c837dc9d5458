// Editing notices: while the form is open, tell the server so every few seconds and show who
// else has the item open; on leaving, say goodbye so that their notice goes at once.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const region = document.querySelector("[data-editing-notices]");
  const form = document.querySelector("#content-main form");
  if (!region || !region.dataset.pollUrl || !form || !form.elements.csrfmiddlewaretoken) {
    return;
  }
  const url = region.dataset.pollUrl;
  const interval = Number(region.dataset.pollSeconds) * 1000;
  let shown = Array.from(region.querySelectorAll(".editing-notice__person"), (person) =>
    person.textContent.trim(),
  );
  // Every poll renews the login: after the site's idle time without a key or click, polling
  // pauses (so that the login can end) until the next one.
  const idleAfter = Number(region.dataset.idleSeconds) * 1000;
  let lastInput = Date.now();
  let timer = null;
  let stopped = false;
  let paused = false;
  let submitted = false;

  const request = (leaving) => {
    const body = new URLSearchParams();
    body.set("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    if (leaving) {
      body.set("leaving", "1");
    }
    return body;
  };

  const show = (messages) => {
    // Unchanged: leave the live region alone, so that nothing is announced again.
    if (messages.join("\n") === shown.join("\n")) {
      return;
    }
    shown = messages;
    if (messages.length === 0) {
      region.replaceChildren();
      return;
    }
    const list = document.createElement("ul");
    list.className = "messagelist editing-notice";
    const item = document.createElement("li");
    item.className = "warning";
    for (const message of messages) {
      const person = document.createElement("span");
      person.className = "editing-notice__person";
      person.textContent = message;
      item.append(person);
    }
    const advice = document.createElement("span");
    advice.className = "editing-notice__advice";
    advice.textContent = region.dataset.advice;
    item.append(advice);
    list.append(item);
    region.replaceChildren(list);
  };

  const poll = async () => {
    try {
      const response = await fetch(url, { method: "POST", body: request(false) });
      // Logged out (sent to the login page), refused or the item deleted: stop asking.
      if (response.redirected || response.status === 403 || response.status === 404) {
        stopped = true;
        return;
      }
      // 204: the server skipped this round (busy saving); the notice stays as it is.
      if (response.ok && response.status !== 204) {
        const answer = await response.json();
        show(answer.others.map((other) => other.message));
      }
    } catch (error) {
      // Offline for a moment: the next round asks again.
    }
  };

  const schedule = () => {
    timer = window.setTimeout(async () => {
      if (Date.now() - lastInput > idleAfter) {
        paused = true;
        return;
      }
      await poll();
      if (!stopped) {
        schedule();
      }
    }, interval);
  };

  const resume = () => {
    lastInput = Date.now();
    if (paused && !stopped) {
      paused = false;
      poll();
      schedule();
    }
  };
  for (const type of ["keydown", "pointerdown", "wheel"]) {
    document.addEventListener(type, resume, { capture: true, passive: true });
  }

  // A submitted form comes back as the next page (saved, or with errors): no goodbye then;
  // the server forgets the session itself when the save leaves the form.
  form.addEventListener("submit", () => {
    submitted = true;
  });
  window.addEventListener("pagehide", () => {
    window.clearTimeout(timer);
    if (!submitted && !stopped) {
      navigator.sendBeacon(url, request(true));
    }
  });
  // Back from the browser's page cache: here again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && !stopped) {
      submitted = false;
      paused = true;
      resume();
    }
  });
  schedule();
});
