// @ts-check
// Large text for people with low vision: a toggle in the top bar of the keypad and the
// tablet (<button data-text-size>), remembered on the device. It sets html.large-text,
// which makes every rem a quarter larger (clients/css/base.css); the layouts keep working.

import { $$ } from "./dom.js";

const KEY = "pk.textSize";

export function largeText() {
  try {
    return localStorage.getItem(KEY) === "large";
  } catch {
    return false;
  }
}

/** @param {boolean} on */
function apply(on) {
  document.documentElement.classList.toggle("large-text", on);
  for (const b of $$("[data-text-size]")) b.setAttribute("aria-pressed", String(on));
}

/** Bind every text-size toggle in root; pages without one keep the usual size. */
/** @param {ParentNode} [root] */
export function bindTextSize(root = document) {
  const toggles = $$("[data-text-size]", root);
  if (!toggles.length) return;
  for (const b of toggles) {
    b.addEventListener("click", () => {
      const on = !largeText();
      try {
        localStorage.setItem(KEY, on ? "large" : "normal");
      } catch {
        /* storage full or blocked: still changed for this page */
      }
      apply(on);
      window.dispatchEvent(new CustomEvent("textsizechange", { detail: on }));
    });
  }
  apply(largeText());
}
