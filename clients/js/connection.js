// @ts-check
// The socket to the server (PROTOCOL.md, JSON subprotocol) and the outbox.
//
//   const outbox = new Outbox(token);
//   const conn = new Connection({token, outbox, onWelcome, onEvent, onAck, onRejected, ...});
//   conn.start();  conn.send({type: "ballot", id: uuid(), question, answer, seat});
//
// Every ballot, table tally and idea goes through the outbox: it is kept in localStorage
// until its ack comes, and sent again after every reconnect (the ids make a resend safe:
// the server answers `duplicate` and never counts it twice). A reload or a restart of the
// tablet loses nothing that was not acked: the next page load sends it again.

import { setTimeZone } from "./i18n.js";
/** @import { Welcome, ServerEvent, Ack, ErrorMessage, ClientMessage } from "./types.js" */

export const SUBPROTOCOL = "prachakhom.v1.json";
const KEPT_TYPES = new Set(["ballot", "table_tally", "idea"]);
const RETRY_CODES = new Set(["unavailable", "rate_limited"]);
const PING_EVERY_MS = 15000;
const SILENT_MS = 40000; // no frame for this long: the socket is dead, make a new one
const RESEND_AFTER_MS = 20000; // an unanswered message is sent again (safe: same id)

/** @param {string} text @param {number} seed */
function fnv(text, seed) {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** A short, stable name for a token (the key of its outbox in localStorage). */
/** @param {string} token */
export function tokenKey(token) {
  return fnv(token, 0x811c9dc5) + fnv(token, 0x2f1a3c5d);
}

/**
 * A message the outbox holds until its ack: when it was added, and last sent (0: not yet).
 * @typedef {{msg: ClientMessage, added: number, sent: number}} OutboxItem
 */

export class Outbox {
  /** @param {string} token */
  constructor(token) {
    this.key = `pk.outbox.${tokenKey(token)}`;
    /** @type {Map<string, OutboxItem>} */
    this.items = new Map(); // id -> {msg, added, sent}
    /** @type {Set<(outbox: Outbox) => void>} */
    this.listeners = new Set();
    try {
      const saved = JSON.parse(localStorage.getItem(this.key) || "[]");
      for (const item of saved) if (item?.msg?.id) this.items.set(item.msg.id, { ...item, sent: 0 });
    } catch {
      /* a damaged entry: start empty */
    }
  }

  /** Move what another token's outbox still holds into this one (a re-join of the seat). */
  /** @param {string} otherToken */
  adopt(otherToken) {
    const other = new Outbox(otherToken);
    if (other.key === this.key || !other.size) return;
    for (const [id, item] of other.items) if (!this.items.has(id)) this.items.set(id, item);
    other.items.clear();
    other.save();
    this.save();
  }

  get size() {
    return this.items.size;
  }

  messages() {
    return [...this.items.values()].map((item) => item.msg);
  }

  /** @param {string} id */
  has(id) {
    return this.items.has(id);
  }

  /** @param {string} id */
  get(id) {
    return this.items.get(id)?.msg;
  }

  /** Keep `msg` (its id the key); answers the item kept. @param {ClientMessage & {id: string}} msg */
  add(msg) {
    const item = { msg, added: Date.now(), sent: 0 };
    this.items.set(msg.id, item);
    this.save();
    return item;
  }

  /** @param {string} id */
  remove(id) {
    const item = this.items.get(id);
    if (item) {
      this.items.delete(id);
      this.save();
    }
    return item?.msg;
  }

  save() {
    try {
      if (this.items.size) localStorage.setItem(this.key, JSON.stringify([...this.items.values()]));
      else localStorage.removeItem(this.key);
    } catch {
      /* storage full or blocked: the outbox still works for this page's life */
    }
    for (const listener of this.listeners) listener(this);
  }

  /** @param {(outbox: Outbox) => void} listener */
  onChange(listener) {
    this.listeners.add(listener);
    listener(this);
  }
}

export function wsUrl() {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
}

/**
 * What a Connection tells its app. `onAck` and `onRejected` get the message the outbox
 * held (undefined for one it no longer holds).
 * @typedef {object} Handlers
 * @property {(welcome: Welcome) => void} [onWelcome]
 * @property {(message: ServerEvent) => void} [onEvent]
 * @property {(ack: Ack, sent: ClientMessage | undefined) => void} [onAck]
 * @property {(error: ErrorMessage, sent: ClientMessage | undefined) => void} [onRejected]
 * @property {(error: ErrorMessage) => void} [onError]
 * @property {(status: string) => void} [onStatus]
 * @property {(code: string) => void} [onFatal]
 */

export class Connection {
  /** @param {{token: string, outbox?: Outbox | null} & Handlers} options */
  constructor({ token, outbox = null, onWelcome, onEvent, onAck, onRejected, onError, onStatus, onFatal }) {
    this.token = token;
    this.outbox = outbox;
    this.handlers = { onWelcome, onEvent, onAck, onRejected, onError, onStatus, onFatal };
    /** @type {WebSocket | null} */
    this.ws = null;
    this.status = "connecting";
    /** @type {number | null} */
    this.lastSeq = null;
    this.delay = 300;
    this.stopped = false;
    this.lastHeard = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.beat = undefined;
    this.welcomed = false;
  }

  start() {
    this.stopped = false;
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.status !== "online") this.reconnectNow();
    });
    this.beat = setInterval(() => this.heartbeat(), 2500);
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.beat);
    if (this.ws) this.ws.close(1000);
  }

  /** @param {string} status  connecting, online or offline */
  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.handlers.onStatus?.(status);
  }

  open() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.welcomed = false;
    this.setStatus("connecting");
    let ws;
    try {
      ws = new WebSocket(wsUrl(), [SUBPROTOCOL]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      /** @type {ClientMessage} */
      const hello = { type: "hello", token: this.token };
      if (this.lastSeq !== null) hello.resume_from = this.lastSeq;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      this.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.dispatch(message);
    };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.ws = null;
      if (event.code === 4401 && !this.welcomed) {
        this.stopped = true;
        this.setStatus("offline");
        this.handlers.onFatal?.("unauthorized");
        return;
      }
      this.setStatus("offline");
      this.scheduleReconnect();
    };
  }

  scheduleReconnect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const wait = this.delay * (0.75 + Math.random() * 0.5);
    this.delay = Math.min(this.delay * 2, 8000);
    this.timer = setTimeout(() => this.open(), wait);
  }

  reconnectNow() {
    if (this.stopped || this.status === "online") return;
    this.delay = 300;
    if (this.ws) {
      const old = this.ws;
      this.ws = null;
      old.close();
    }
    this.open();
  }

  heartbeat() {
    if (this.status !== "online" || !this.ws) return;
    const now = Date.now();
    if (now - this.lastHeard > SILENT_MS) {
      const dead = this.ws;
      this.ws = null;
      dead.close();
      this.setStatus("offline");
      this.scheduleReconnect();
      return;
    }
    if (now - this.lastHeard > PING_EVERY_MS) this.raw({ type: "ping" });
    if (this.outbox) {
      for (const item of this.outbox.items.values()) {
        if (item.sent && now - item.sent > RESEND_AFTER_MS) this.transmit(item);
      }
    }
  }

  /** @param {Welcome | ServerEvent | Ack | ErrorMessage | {type: "pong"}} message */
  dispatch(message) {
    switch (message.type) {
      case "welcome":
        this.welcomed = true;
        setTimeZone(message.state?.meeting?.time_zone);
        this.delay = 300;
        this.lastSeq = Math.max(this.lastSeq ?? 0, message.seq ?? 0);
        this.setStatus("online");
        this.handlers.onWelcome?.(message);
        this.flush();
        return;
      case "event":
        if (typeof message.seq === "number" && message.event !== "results") {
          this.lastSeq = Math.max(this.lastSeq ?? 0, message.seq);
        }
        this.handlers.onEvent?.(message);
        return;
      case "ack": {
        const sent = this.outbox?.remove(message.id);
        this.handlers.onAck?.(message, sent);
        return;
      }
      case "error":
        this.onErrorMessage(message);
        return;
      default:
        return; // pong and anything newer
    }
  }

  /** @param {ErrorMessage} message */
  onErrorMessage(message) {
    const id = message.id;
    if (!this.welcomed) {
      if (message.code === "unauthorized" || message.code === "not_found") {
        this.stopped = true;
        this.handlers.onFatal?.(message.code);
      }
      return;
    }
    if (id && this.outbox?.has(id)) {
      if (RETRY_CODES.has(message.code)) {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.flush(), 1500 + Math.random() * 1500);
        return; // stays in the outbox
      }
      const msg = this.outbox.remove(id);
      this.handlers.onRejected?.(message, msg);
      return;
    }
    this.handlers.onError?.(message);
  }

  /** Everything still in the outbox, again (after a welcome, or a retryable error). */
  flush() {
    if (!this.outbox || this.status !== "online") return;
    for (const item of this.outbox.items.values()) this.transmit(item);
  }

  /** @param {OutboxItem} item */
  transmit(item) {
    if (this.raw(item.msg)) item.sent = Date.now();
  }

  /** @param {ClientMessage} message @returns {boolean} */
  raw(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.status !== "online") return false;
    try {
      this.ws.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  /** Send a message; ballots, tallies and ideas are kept in the outbox until acked. */
  /** @param {ClientMessage} message */
  send(message) {
    if (this.outbox && KEPT_TYPES.has(message.type) && message.id) {
      this.transmit(this.outbox.add(/** @type {ClientMessage & {id: string}} */ (message))); // its id tested above
      return;
    }
    this.raw(message);
  }
}
