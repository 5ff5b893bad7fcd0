// The bell and the menu's unread-messages count, live on every page (issue 17): the server sends
// `counts` to the user's room whenever they change (a notice arrives, the person reads a channel or
// their notices anywhere: another tab, the group page's panel, another device), `unread` when a
// message arrives in a channel they read, and `notification` with each new notice; a mention also
// shows a dismissible toast. The socket is shared with live.js (window.jitSocket).

const bell = document.querySelector("[data-notification-count]");
const messages = document.querySelector("[data-message-count]");
const toasts = document.querySelector("[data-toasts]");

function show(badge, count) {
  if (badge === null) {
    return;
  }
  badge.textContent = String(count);
  badge.setAttribute("aria-label", badge.dataset.label.replace("{n}", String(count)));
  badge.hidden = count <= 0;
}

function toast(notice) {
  if (toasts === null) {
    return;
  }
  const item = document.createElement("div");
  item.className = "toast show";
  item.setAttribute("role", "status");
  item.dataset.toast = notice.kind;
  const body = document.createElement("div");
  body.className = "toast-body d-flex gap-2 align-items-start";
  const link = document.createElement("a");
  link.href = `/notifications/${notice.id}`;
  link.textContent = notice.text;
  link.className = "flex-grow-1 text-break";
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close";
  close.setAttribute("aria-label", toasts.dataset.closeText);
  close.addEventListener("click", () => item.remove());
  body.append(link, close);
  item.append(body);
  toasts.append(item);
}

if (typeof window.io === "function") {
  const socket = window.io({transports: ["websocket", "polling"]});
  window.jitSocket = socket;
  socket.on("connect", () => {
    document.body.dataset.notifyConnected = "";
  });
  socket.on("disconnect", () => {
    delete document.body.dataset.notifyConnected;
  });
  socket.on("counts", (counts) => {
    show(bell, counts.notifications);
    if (counts.messages !== undefined) {
      show(messages, counts.messages);
    }
  });
  socket.on("unread", () => {
    show(messages, Number(messages?.textContent || 0) + 1);
  });
  socket.on("notification", (notice) => {
    show(bell, notice.unread);
    if (notice.kind === "mention") {
      toast(notice);
    }
  });
}
