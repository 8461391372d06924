// @ts-check
// Notices in a place of their own in the layout (never floating over a button): a few at
// most, newest last; a notice with actions stays until one is taken or it is closed.
//
//   const notices = new Notices(box);
//   notices.show("text", {kind: "error", actions: [{label, run}], key: "conflict:…"});

import { $, h } from "./dom.js";
import { t } from "./i18n.js";

const KEEP = 3;

/** @typedef {{label: string, run: () => unknown, primary?: boolean, name?: string}} NoticeAction  a button on a notice */

export class Notices {
  /** @param {HTMLElement} box */
  constructor(box) {
    this.box = box;
    box.classList.add("notices");
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
  }

  /**
   * A notice; one with the same `key` is replaced. Answers its element.
   * @param {string} text
   * @param {{kind?: string, actions?: NoticeAction[], key?: string | null, ms?: number | null}} [options]
   */
  show(text, { kind = "info", actions = [], key = null, ms = null } = {}) {
    if (key) $(`[data-key="${CSS.escape(key)}"]`, this.box)?.remove();
    const item = h("div", { class: `notice notice-${kind}`, "data-kind": kind, "data-key": key || undefined }, h("p", { class: "notice-text" }, text));
    const row = h("div", { class: "notice-actions" });
    for (const action of actions) {
      const b = h("button", { type: "button", class: `btn btn-small ${action.primary ? "btn-primary" : "btn-ghost"}`, "data-action": action.name || undefined }, action.label);
      b.addEventListener("click", async () => {
        b.disabled = true;
        item.remove();
        await action.run();
      });
      row.append(b);
    }
    const close = h("button", { type: "button", class: "notice-close", "aria-label": t("theme.close") }, "×");
    close.addEventListener("click", () => item.remove());
    row.append(close);
    item.append(row);
    this.box.append(item);
    while (this.box.children.length > KEEP) this.box.firstElementChild?.remove();
    this.box.scrollTop = this.box.scrollHeight; // the newest in view; older ones a scroll up
    const life = ms ?? (actions.length ? null : kind === "error" ? 8000 : 3500);
    if (life) setTimeout(() => item.remove(), life);
    return item;
  }

  clear() {
    this.box.replaceChildren();
  }
}
