// @ts-check
// Working with no network: the offline shell (the service worker at /app/sw.js keeps the
// apps' files), and the last known state each app keeps on the device to show after a
// reload while the server cannot be reached.
//
//   registerShell();                         once per page (startPage does it)
//   const last = lastKnown("tablet", token);  last.load() -> the saved value or null
//   last.save(value);                         after every welcome and change
//
// A service worker needs a secure page: https, or http on localhost. On plain http over
// the hall network the browser has none, and a reload without the server fails as before
// (docs/operations.md, "When the network fails").

import { tokenKey } from "./connection.js";

export function registerShell() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  // register() alone does not look for a new release while one is installed: update() does
  // (one small request; the worker of a new release takes over at the next page load)
  const register = () =>
    navigator.serviceWorker
      .register("/app/sw.js", { scope: "/app/" })
      .then((registration) => registration.update())
      .catch((err) => console.warn("offline shell", String(err)));
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}

/**
 * @typedef {object} LastKnown
 * @property {() => any} load
 * @property {(value: Record<string, any>) => void} save
 */

/**
 * What an app shows after a reload with no server: kept per app and per token.
 * @param {string} app @param {string} token @returns {LastKnown}
 */
export function lastKnown(app, token) {
  const key = `pk.last.${app}.${tokenKey(token)}`;
  return {
    load() {
      try {
        return JSON.parse(localStorage.getItem(key) || "null");
      } catch {
        return null;
      }
    },
    save(value) {
      try {
        localStorage.setItem(key, JSON.stringify({ ...value, saved: Date.now() }));
      } catch {
        /* storage full or blocked: the page still works, only not after a reload */
      }
    },
  };
}
