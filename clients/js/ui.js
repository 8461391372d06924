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

/** The status area: `#conn` (connection) and `#pending` (outbox) in the top bar. */
/** @param {{connection: Connection, outbox?: Outbox | null}} parts */
export function statusBar({ connection, outbox }) {
  const conn = $("#conn");
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
export function emptyNote(key, vars) {
  return h("p", { class: "empty" }, t(key, vars));
}
