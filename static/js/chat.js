// The chat panel (templates/channels/page.html). The server stores every message before it is
// delivered and numbers it in its channel; this script remembers the last number it has of each
// channel and, on every (re)connect, subscribes with `after_seq`, so a dropped network loses
// nothing, and a message that arrives twice (live and in the catch-up) is shown once: messages
// are kept by their number. Strings come from the page's data- attributes (translated there);
// message text is only ever set as text, never as markup. Each message offers the actions the
// server lists for the reader (`allowed_actions`); a message heard over the socket comes without
// them, so they are asked for. Deleting posts the message's delete form, which static/js/confirm.js
// asks about first (without this script the page shows the same forms and a confirmation page).

const root = document.querySelector("[data-chat]");
const text = root.dataset;
const channelId = Number(text.channelId);
const me = Number(text.userId);
const list = root.querySelector("[data-messages]");
const scroller = root.querySelector("[data-scroll]");
const earlierButton = root.querySelector("[data-earlier]");
const composer = root.querySelector("[data-composer]"); // absent where the group takes no messages
const input = composer?.querySelector("textarea");
const composerError = root.querySelector("[data-composer-error]");
const typingLine = root.querySelector("[data-typing]");
const presenceLine = root.querySelector("[data-presence]");
const seenByLine = root.querySelector("[data-seen-by]");
const connection = root.querySelector("[data-connection]");
const names = new Map([...root.querySelectorAll("[data-members] li")].map(
  (item) => [Number(item.dataset.userId), item.dataset.name]));

const TYPING_EVERY_MS = 2000; // the server throttles the same way
const TYPING_SHOWN_MS = 3000;
const PAGE = 30;

// The last sequence number this page has of every channel it follows (the list's channels).
const lastSeq = new Map([...document.querySelectorAll("[data-channel-list] [data-channel-id]")].map(
  (item) => [Number(item.dataset.channelId), Number(item.dataset.lastSeq)]));
// seq → <li> of the open channel, starting with the messages the page came with.
const shown = new Map([...list.querySelectorAll("li[data-seq]")].map((item) => [Number(item.dataset.seq), item]));
const readBy = new Map(); // user id → last read seq, for "seen by"
const typists = new Map(); // user id → timer
let olderCursor = null;
let lastTypingSent = 0;
let readSent = 0;
let ready = false; // the open channel's newest page is shown: from here on the socket catches up

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
const nameOf = (user) => names.get(user.id ?? user) ?? user.full_name ?? String(user.id ?? user);

async function api(path, options = {}) {
  const response = await fetch(`/api/v1${path}`, {
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": text.csrf, "Accept-Language": text.locale},
    ...options,
  });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    throw new Error(body?.error?.message ?? response.statusText);
  }
  return body;
}

// --- showing messages --------------------------------------------------------------------------

// Dated, in the user's own time zone (their account's, passed by the page), not the browser's clock.
function dateTimeFormat(timeZone) {
  const style = {dateStyle: "medium", timeStyle: "short"};
  try {
    return new Intl.DateTimeFormat(text.locale, {...style, timeZone});
  } catch {
    return new Intl.DateTimeFormat(text.locale, {...style, timeZone: "UTC"}); // a zone this browser does not know
  }
}
const timeFormat = dateTimeFormat(text.timeZone || "UTC");

function render(message, item) {
  item.replaceChildren();
  item.className = "chat-message";
  item.id = `message-${message.seq}`;
  item.dataset.seq = message.seq;
  item.dataset.object = `message:${message.id}`;
  item.toggleAttribute("data-mine", message.author.id === me);
  const meta = document.createElement("div");
  meta.className = "small text-muted";
  const author = document.createElement("span");
  author.className = "fw-semibold";
  author.textContent = message.author.full_name;
  const time = document.createElement("time");
  time.dateTime = message.created_at;
  time.textContent = timeFormat.format(new Date(message.created_at));
  meta.append(author, " · ", time);
  if (message.edited_at && !message.deleted) {
    meta.append(` (${text.textEdited})`);
  }
  const body = document.createElement("div");
  if (message.deleted) {
    body.className = "fst-italic text-muted";
    body.textContent = text.textDeleted;
  } else {
    body.className = "text-prewrap";
    body.textContent = message.body;
  }
  item.append(meta, body);
  if (message.link) {
    const [path, label] = LINKS[message.link.type];
    const link = document.createElement("a");
    link.href = `${path}${message.link.id}`;
    link.className = "small";
    link.textContent = fill(label, {id: message.link.id});
    item.append(link);
  }
  const allowed = message.allowed_actions ?? [];
  if (allowed.includes("edit")) {
    item.append(action(text.textEdit, "edit", () => edit(message)));
  }
  if (allowed.includes("to_task")) {
    item.append(" ", page(text.textToTask, "to_task", `/messages/${message.id}/task`));
  }
  if (allowed.includes("link")) {
    item.append(" ", page(text.textLink, "link", `/messages/${message.id}/link`));
  }
  if (allowed.includes("delete")) {
    item.append(" ", deleteForm(message));
  }
}

const LINKS = {task: ["/tasks/", text.textTask], instruction: ["/instructions/", text.textInstruction],
  evidence_item: ["/evidence/", text.textEvidence]};

function action(label, verb, handler) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-sm btn-link p-0 ms-1";
  button.dataset.action = verb;
  button.textContent = label;
  button.addEventListener("click", handler);
  return button;
}

function page(label, verb, href) {
  const link = document.createElement("a");
  link.className = "btn btn-sm btn-link p-0 ms-1";
  link.dataset.action = verb;
  link.href = href;
  link.textContent = label;
  return link;
}

function deleteForm(message) {
  const form = document.createElement("form");
  form.className = "d-inline";
  form.method = "post";
  form.action = `/messages/${message.id}/delete`;
  form.dataset.confirm = text.textDeleteConfirm;
  form.dataset.confirmCancel = text.textCancel;
  const token = document.createElement("input");
  token.type = "hidden";
  token.name = "csrf_token";
  token.value = text.csrf;
  const button = document.createElement("button");
  button.type = "submit";
  button.className = "btn btn-sm btn-link p-0 ms-1";
  button.dataset.action = "delete";
  button.textContent = text.textDelete;
  form.append(token, button);
  return form;
}

// A message heard over the socket carries no allowed_actions (it goes to every reader alike): the
// reader's own are asked for, and the message shown again with them.
async function withActions(message) {
  if (message.allowed_actions) {
    return;
  }
  try {
    const answer = await api(`/channels/${channelId}/messages?after_seq=${message.seq - 1}&limit=1`);
    const fresh = answer.items.find((item) => item.seq === message.seq);
    if (fresh && shown.has(fresh.seq)) {
      render(fresh, shown.get(fresh.seq));
    }
  } catch {
    // offline or no longer readable: the message stays shown without actions until the next answer
  }
}

function show(message) {
  // One element per number: a message heard twice is replaced, never repeated.
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  let item = shown.get(message.seq);
  if (item === undefined) {
    item = document.createElement("li");
    const later = [...shown.keys()].filter((seq) => seq > message.seq).sort((a, b) => a - b)[0];
    list.insertBefore(item, later === undefined ? null : shown.get(later));
    shown.set(message.seq, item);
  }
  root.querySelector("[data-empty]").hidden = true;
  render(message, item);
  withActions(message);
  lastSeq.set(channelId, Math.max(lastSeq.get(channelId) ?? 0, message.seq));
  if (atBottom) {
    scroller.scrollTop = scroller.scrollHeight;
  }
  updateSeenBy();
}

async function loadEarlier() {
  const query = new URLSearchParams({limit: PAGE, ...(olderCursor ? {cursor: olderCursor} : {})});
  const page = await api(`/channels/${channelId}/messages?${query}`);
  const height = scroller.scrollHeight;
  page.items.forEach(show);
  scroller.scrollTop += scroller.scrollHeight - height; // keep what the reader was looking at in place
  olderCursor = page.next_cursor;
  earlierButton.hidden = olderCursor === null;
}

// --- unread, read positions, seen by ------------------------------------------------------------

function bump(otherChannel) {
  const badge = document.querySelector(`[data-channel-list] [data-channel-id="${otherChannel}"] [data-unread]`);
  badge.textContent = Number(badge.textContent) + 1;
  badge.hidden = false;
}

function markRead() {
  const seq = lastSeq.get(channelId) ?? 0;
  if (seq > readSent && document.visibilityState === "visible") {
    readSent = seq;
    socket.emit("read", {channel_id: channelId, seq});
  }
}

function updateSeenBy() {
  const mine = [...shown.entries()].filter(([, item]) => item.hasAttribute("data-mine")).map(([seq]) => seq);
  const latest = Math.max(0, ...mine);
  const readers = [...readBy.entries()].filter(([user, seq]) => user !== me && seq >= latest && latest > 0);
  seenByLine.textContent = readers.length ? fill(text.textSeenBy, {names: readers.map(([user]) => nameOf(user)).join(", ")}) : "";
}

// --- the socket -----------------------------------------------------------------------------------

// The page's one socket (notifications.js, loaded first, opened it): the counts a read sends back reach
// the menu's badges on the same connection, never on a second one that might not have joined yet.
const socket = window.jitSocket ?? window.io({transports: ["websocket", "polling"]});

function subscribe(channel) {
  socket.emit("subscribe", {channel_id: channel, after_seq: lastSeq.get(channel) ?? 0}, (ack) => {
    if (!ack.ok) {
      return;
    }
    for (const message of ack.missed) {
      if (channel === channelId) {
        show(message);
      } else if (message.author.id !== me) {
        bump(channel);
      }
      lastSeq.set(channel, Math.max(lastSeq.get(channel) ?? 0, message.seq));
    }
    if (ack.more) {
      subscribe(channel); // over the server's batch: ask again from the last one
    }
    if (channel === channelId) {
      markRead();
    }
  });
}

// Sends whose answer has not come back (the connection dropped): sent again, with the same client
// id, on the next connect. The server answers the first message, so a retry never stores a copy.
const unsent = new Map();

function connected() {
  root.dataset.connected = "";
  connection.textContent = text.textConnected;
  unsent.forEach(({channel, body}, clientMsgId) => deliver(clientMsgId, channel, body));
  // Every (re)connect: catch up on each channel from the last message this page has.
  lastSeq.forEach((_, channel) => {
    if (channel !== channelId || ready) {
      subscribe(channel);
    }
  });
}

socket.on("connect", connected);
if (socket.connected) {
  connected(); // the shared socket connected before this script ran
}

socket.on("disconnect", () => {
  delete root.dataset.connected;
  connection.textContent = text.textDisconnected;
});

socket.on("message", (message) => {
  if (message.channel_id === channelId) {
    show(message);
    markRead();
  } else if ((lastSeq.get(message.channel_id) ?? 0) < message.seq) {
    lastSeq.set(message.channel_id, message.seq);
    if (message.author.id !== me) {
      bump(message.channel_id);
    }
  }
});

socket.on("message_updated", (message) => {
  if (message.channel_id === channelId && shown.has(message.seq)) {
    render(message, shown.get(message.seq));
    withActions(message);
  }
});

socket.on("presence", (presence) => {
  if (presence.channel_id === channelId) {
    const others = presence.user_ids.map(nameOf);
    presenceLine.textContent = others.length ? fill(text.textOnline, {names: others.join(", ")}) : "";
  }
});

socket.on("typing", ({channel_id: channel, user_id: user}) => {
  if (channel !== channelId) {
    return;
  }
  clearTimeout(typists.get(user));
  typists.set(user, setTimeout(() => {
    typists.delete(user);
    showTypists();
  }, TYPING_SHOWN_MS));
  showTypists();
});

function showTypists() {
  typingLine.textContent = [...typists.keys()].map((user) => fill(text.textTyping, {name: nameOf(user)})).join(" ");
}

socket.on("read", ({channel_id: channel, user_id: user, seq}) => {
  if (channel === channelId) {
    readBy.set(user, seq);
    updateSeenBy();
  }
});

// The browser says the network is gone or back: drop the socket now rather than wait for its
// ping to time out, and reconnect (and catch up) as soon as the network returns.
window.addEventListener("offline", () => socket.disconnect());
window.addEventListener("online", () => socket.connect());
document.addEventListener("visibilitychange", markRead);

// --- writing -------------------------------------------------------------------------------------

function deliver(clientMsgId, channel, body) {
  socket.timeout(10000).emit("send", {channel_id: channel, body, client_msg_id: clientMsgId}, (error, ack) => {
    if (error) {
      composerError.textContent = text.textQueued;
      return;
    }
    unsent.delete(clientMsgId);
    if (!ack.ok) {
      composerError.textContent = fill(text.textRefused, {reason: ack.error.message});
      return;
    }
    composerError.textContent = "";
    if (ack.message.channel_id === channelId) {
      show(ack.message);
    }
  });
}

if (composer) {
  input.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastTypingSent >= TYPING_EVERY_MS && socket.connected) {
      lastTypingSent = now;
      socket.emit("typing", {channel_id: channelId});
    }
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = input.value;
    if (!body.trim()) {
      return;
    }
    const clientMsgId = crypto.randomUUID();
    unsent.set(clientMsgId, {channel: channelId, body});
    deliver(clientMsgId, channelId, body);
    input.value = "";
  });
}

async function edit(message) {
  const body = window.prompt(text.textEditPrompt, message.body);
  if (body !== null && body.trim() && body !== message.body) {
    const edited = await api(`/messages/${message.id}`, {method: "PATCH", body: JSON.stringify({body})});
    render(edited, shown.get(message.seq));
    withActions(edited);
  }
}

earlierButton.addEventListener("click", loadEarlier);

// The newest page first (older ones on demand), and who has read how far; then the socket
// catches up from the newest message shown.
(async () => {
  lastSeq.set(channelId, 0);
  await loadEarlier();
  const reads = await api(`/channels/${channelId}/reads`);
  reads.items.forEach((position) => readBy.set(position.user.id, position.last_read_seq));
  updateSeenBy();
  scroller.scrollTop = scroller.scrollHeight;
  // Arrived from a notification: show the message it is about.
  const linked = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  if (linked !== null && list.contains(linked)) {
    linked.classList.add("chat-message-linked");
    linked.scrollIntoView({block: "center"});
  }
  ready = true;
  if (socket.connected) {
    subscribe(channelId);
  }
})();
