// Autosave: what is typed in a change form is kept as the item's draft a moment after the
// last keystroke and when the page is left (cities.drafts.autosave), never published. A save
// that fails is retried; until one succeeds, a copy waits in this browser and is offered back.
(() => {
  const status = document.getElementById("autosave-status");
  const form = status && status.closest("form");
  if (!form) return;
  const { url, retrying, kept, restore, forget } = status.dataset;
  const key = "autosave:" + url;
  let timer, waiting, dirty = false, sending = false, stopped = false;

  const show = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
    status.hidden = false;
  };
  const revision = () => {
    let input = form.querySelector("input[name=_draft_revision]");
    if (!input) {
      input = Object.assign(document.createElement("input"), { type: "hidden", name: "_draft_revision" });
      form.append(input);
    }
    return input;
  };
  // The form as posted, without files: a draft keeps texts.
  const content = () => {
    const data = new FormData(form);
    for (const [name, value] of [...data]) if (value instanceof File) data.delete(name);
    return data;
  };
  const post = async (data) => (await fetch(url, { method: "POST", body: data })).json();

  async function save() {
    timer = null;
    if (sending || stopped || !dirty) return;
    sending = true;
    dirty = false;
    const data = content();
    localStorage.setItem(key, JSON.stringify({ at: Date.now(), entries: [...data] }));
    try {
      const answer = await post(data);
      stopped = !answer.saved && answer.stop;
      if (answer.saved) {
        revision().value = answer.revision;
        if (!dirty) localStorage.removeItem(key);
      }
      show(answer.message, answer.saved ? "saved" : stopped ? "stopped" : "waiting");
    } catch {
      dirty = true;
      show(retrying, "retrying");
      timer = setTimeout(save, 5000);
    }
    sending = false;
    if (waiting) {
      // The form was sent meanwhile: now with the draft's revision this save returned.
      const { submitter } = waiting;
      waiting = null;
      form.requestSubmit(submitter || undefined);
    } else if (dirty && !timer) later();
  }
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 3000);
  };

  form.addEventListener("input", () => {
    dirty = true;
    if (!stopped) later();
  });
  form.addEventListener("submit", (event) => {
    // The form's own save takes over: nothing may arrive after it, and one on its way is
    // answered first (the form then names the draft it made).
    stopped = true;
    clearTimeout(timer);
    if (sending) {
      event.preventDefault();
      waiting = { submitter: event.submitter };
      return;
    }
    localStorage.removeItem(key);
  });
  addEventListener("online", () => dirty && !stopped && save());
  addEventListener("pagehide", () => {
    if (dirty && !stopped) navigator.sendBeacon(url, content());
  });

  // What an earlier visit typed and could not save (a lost connection, a closed tab).
  const earlier = JSON.parse(localStorage.getItem(key) || "null");
  if (!earlier) return;
  show(kept.replace("{time}", new Date(earlier.at).toLocaleString(document.documentElement.lang)), "kept");
  const button = (text, action) => {
    const element = Object.assign(document.createElement("button"), { type: "button", className: "button", textContent: text });
    element.addEventListener("click", action);
    status.append(" ", element);
  };
  button(restore, async () => {
    const data = new FormData();
    for (const [name, value] of earlier.entries) data.append(name, value);
    data.set("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    const answer = await post(data).catch(() => ({ message: retrying }));
    if (answer.saved) {
      localStorage.removeItem(key);
      location.reload();
    } else show(answer.message, "stopped");
  });
  button(forget, () => {
    localStorage.removeItem(key);
    status.hidden = true;
  });
})();
