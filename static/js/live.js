// Live pages: when the server says something in this page's group changed (Socket.IO `event`), fetch
// the page again and swap its marked regions in place. The server-rendered page stays the only
// source of markup; the socket only says "look again" (DESIGN.md: the database is the truth).
//
// A page opts in with <body data-live-group="ID"> (or "any") and marks what may be replaced with
// data-live-region="name". A region the user is working in (focus inside, or a form they typed
// into) is never replaced under them: the notice offers a reload instead.

const body = document.body;
const watchedGroup = body.dataset.liveGroup;
const notice = document.querySelector("[data-live-notice]");
const status = document.querySelector("[data-live-status]");
const REFRESH_DELAY_MS = 250;

let refreshTimer = null;
let refreshing = false;
let refreshAgain = false;

function isTouched(region) {
  const focused = document.activeElement;
  const typing = focused !== null && focused.matches("input, textarea, select") && region.contains(focused);
  return typing || region.querySelector("form[data-live-dirty]") !== null;
}

async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    const response = await fetch(window.location.href, {credentials: "same-origin", cache: "no-store"});
    if (!response.ok) {
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    let kept = false;
    for (const region of document.querySelectorAll("[data-live-region]")) {
      const replacement = fresh.querySelector(`[data-live-region="${region.dataset.liveRegion}"]`);
      if (replacement === null || region.innerHTML === replacement.innerHTML) {
        continue;
      }
      if (isTouched(region)) {
        kept = true;
        continue;
      }
      region.innerHTML = replacement.innerHTML;
    }
    if (notice !== null) {
      notice.hidden = !kept;
    }
    if (status !== null) {
      status.textContent = status.dataset.updatedText;
    }
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshAgain = false;
      scheduleRefresh();
    }
  }
}

function scheduleRefresh() {
  // Several changes often arrive together (a status move and its history): look once.
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, REFRESH_DELAY_MS);
}

// Typing into a form marks it, so that a refresh keeps what the user is writing.
document.addEventListener("input", (event) => {
  const form = event.target.closest("form");
  if (form !== null && form.method.toLowerCase() === "post") {
    form.dataset.liveDirty = "";
  }
});

if (watchedGroup !== undefined && typeof window.io === "function") {
  // notifications.js (loaded first on every signed-in page) opened the page's socket.
  const socket = window.jitSocket ?? window.io({transports: ["websocket", "polling"]});
  let connectedBefore = false;
  socket.on("connect", () => {
    body.dataset.liveConnected = "";
    // After a drop, changes made meanwhile were not heard: look again once.
    if (connectedBefore) {
      scheduleRefresh();
    }
    connectedBefore = true;
  });
  socket.on("disconnect", () => {
    delete body.dataset.liveConnected;
  });
  socket.on("event", (event) => {
    if (watchedGroup === "any" || String(event.group_id) === watchedGroup) {
      scheduleRefresh();
    }
  });
}
