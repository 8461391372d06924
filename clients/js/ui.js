// @ts-check
// Pieces every app shows: the connection state and the outbox count (aria-live), the
// language switch, and the page start (the offline shell registered, strings loaded).

import { $, h } from "./dom.js";
import { t, initI18n, bindLangSwitch } from "./i18n.js";
import { registerShell } from "./offline.js";
/** @import { Connection, Outbox } from "./connection.js" */

export async function startPage() {
  registerShell();
  await initI18n();
  bindLangSwitch(document);
  window.addEventListener("langchange", () => bindLangSwitchText());
}

function bindLangSwitchText() {
  /* applyI18n already re-labels the switch; kept for apps that add switches later */
}

/**
 * An element the page must hold (found at start): unlike `$`, which trusts the page, it
 * throws an error that names the selector when the element is missing, so a page and its
 * script out of step fail at once and say where. With `type`, the element must be one
 * (`need("#file", HTMLInputElement)`), and is typed as one.
 * @template {Element} [E=HTMLElement]
 * @param {string} selector
 * @param {{new (): E, prototype: E}} [type]  HTMLElement unless given
 * @param {ParentNode} [root]
 * @returns {E}
 */
export function need(selector, type, root = document) {
  const el = root.querySelector(selector);
  const want = type ?? HTMLElement;
  if (!(el instanceof want)) throw new Error(`page element ${selector} missing${el ? ` (not ${want.name})` : ""}`);
  return /** @type {E} */ (el);
}

/** The status area: `#conn` (connection) and `#pending` (outbox) in the top bar. */
/** @param {{connection: Connection, outbox?: Outbox | null}} parts */
export function statusBar({ connection, outbox }) {
  const conn = need("#conn");
  const pending = $("#pending");
  const draw = () => {
    const state = connection.status;
    conn.dataset.connection = state;
    conn.textContent = t(`conn.${state}`);
    conn.className = `pill pill-${state}`;
    if (pending && outbox) {
      const n = outbox.size;
      pending.dataset.pending = String(n);
      pending.textContent = n ? t("outbox.pending", { n }) : t("outbox.empty");
      pending.className = `pill ${n ? "pill-warn" : "pill-quiet"}`;
    }
  };
  const before = connection.handlers.onStatus;
  connection.handlers.onStatus = (status) => {
    before?.(status);
    draw();
  };
  outbox?.onChange(draw);
  window.addEventListener("langchange", draw);
  draw();
  return draw;
}

/** A "nothing here yet" block. */
/** @param {string} key @param {Record<string, unknown>} [vars] */
export function emptyNote(key, vars) {
  return h("p", { class: "empty" }, t(key, vars));
}
