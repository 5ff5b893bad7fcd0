// The task board: drag a card to another column to move the task. The drop posts the card's own move
// form (its version included) with the target column, so the server checks exactly what the card's
// button would; that form stays for keyboards and pages without JavaScript. After the answer the card
// is read again from the server (its new version, its moves), or put where the server says it is.
import Sortable from "../vendor/sortablejs/sortable.esm.js";

function say(text, ok) {
  const box = document.getElementById("board-message");
  box.className = ok ? "alert alert-success" : "alert alert-danger";
  box.textContent = text;
}

function recount() {
  for (const column of document.querySelectorAll("[data-board-column]")) {
    const section = column.closest("section");
    // The column's own count: the cards shown and those the board leaves out (data-board-hidden).
    const count = column.querySelectorAll(".board-card").length + Number(column.dataset.boardHidden || 0);
    section.querySelector("[data-board-count]").textContent = String(count);
    section.querySelector("[data-board-empty]").hidden = count > 0;
  }
}

async function reloadCard(id) {
  const response = await fetch(window.location.href, {credentials: "same-origin", cache: "no-store"});
  if (!response.ok) {
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const column of page.querySelectorAll("[data-board-column]")) {
    const shown = document.querySelector(`[data-board-column="${column.dataset.boardColumn}"]`);
    if (shown !== null) {
      shown.dataset.boardHidden = column.dataset.boardHidden;
    }
  }
  const fresh = page.getElementById(id);
  const card = document.getElementById(id);
  if (card === null) {
    return;
  }
  if (fresh === null) {
    card.remove(); // no longer shown under this filter
  } else {
    const status = fresh.closest("[data-board-column]").dataset.boardColumn;
    document.querySelector(`[data-board-column="${status}"]`).append(card);
    card.replaceWith(document.adoptNode(fresh));
  }
  recount();
}

async function post(form, status) {
  const data = new FormData(form);
  data.set("status", status);
  try {
    const response = await fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", headers: {Accept: "application/json"},
    });
    if ((response.headers.get("Content-Type") || "").startsWith("application/json")) {
      return {ok: response.ok, ...(await response.json())};
    }
  } catch {
    // answered below, as for any answer that is not the board's
  }
  return {ok: false, message: document.getElementById("task-board").dataset.failedText};
}

async function dropped(event) {
  if (event.from === event.to) {
    return;
  }
  const card = event.item;
  recount();
  const answer = await post(card.querySelector("[data-board-move]"), event.to.dataset.boardColumn);
  if (!answer.ok) {
    event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
    recount();
  }
  say(answer.message, answer.ok);
  await reloadCard(card.id);
}

function bind() {
  for (const column of document.querySelectorAll("[data-board-column]:not([data-sortable])")) {
    column.dataset.sortable = "";
    Sortable.create(column, {
      group: "task-board",
      draggable: "[data-board-card]",
      filter: "a, select, button, input, label",
      preventOnFilter: false,
      forceFallback: true, // the same pointer dragging on mouse and touch
      onEnd: dropped,
    });
  }
}

bind();
// live.js may replace the page's content with a fresh copy: bind its columns too.
new MutationObserver(bind).observe(document.body, {childList: true, subtree: true});
