// @ts-check
// Strings: one catalogue per language (clients/i18n/th.json, en.json), Thai first.
//
//   await initI18n();           t("tablet.seat", {n: 3})    pick({th: "…", en: "…"})
//   <span data-i18n="key">      <input data-i18n-attr="placeholder:key">
//   setLang("en") re-applies every data-i18n node and fires "langchange" on window.

/** @import { Text } from "./types.js" */

const LANGS = ["th", "en"];
/** @type {Record<string, Record<string, unknown>>} */
const catalogues = {};
let lang = "th";

export function currentLang() {
  return lang;
}

export async function initI18n() {
  const saved = localStorage.getItem("pk.lang");
  lang = saved && LANGS.includes(saved) ? saved : "th";
  await Promise.all(
    LANGS.map(async (l) => {
      const url = new URL(`../i18n/${l}.json`, import.meta.url);
      const response = await fetch(url);
      catalogues[l] = await response.json();
    }),
  );
  document.documentElement.lang = lang;
  applyI18n(document);
}

/** @param {string} next */
export function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  localStorage.setItem("pk.lang", lang);
  document.documentElement.lang = lang;
  applyI18n(document);
  window.dispatchEvent(new CustomEvent("langchange", { detail: lang }));
}

/** @param {string} key @param {string} l @returns {string | undefined} */
function lookup(key, l) {
  const value = catalogues[l]?.[key];
  return typeof value === "string" ? value : undefined;
}

/** The string for key in the current language ({name} placeholders filled from vars). */
/** @param {string} key @param {Record<string, unknown>} [vars] @returns {string} */
export function t(key, vars = {}) {
  const template = lookup(key, lang) ?? lookup(key, "th") ?? key;
  return template.replace(/\{(\w+)\}/g, (/** @type {string} */ whole, /** @type {string} */ name) =>
    name in vars ? formatValue(vars[name]) : whole,
  );
}

/** @param {string} key */
export function has(key) {
  return lookup(key, lang) !== undefined;
}

/** @param {unknown} value */
function formatValue(value) {
  if (value === null || value === undefined) return "–"; // never "null" on a screen
  return typeof value === "number" ? fmtNumber(value) : String(value);
}

/** A text from the server: a string, or a map {th, en, ...}. */
/** @param {Text | null | undefined} text @returns {string} */
export function pick(text) {
  if (text === null || text === undefined) return "";
  if (typeof text === "string") return text;
  for (const l of [lang, "th", "en"]) if (typeof text[l] === "string") return text[l];
  const first = Object.values(text)[0];
  return typeof first === "string" ? first : "";
}

function locale() {
  return lang === "th" ? "th-TH" : "en-GB";
}

/** @param {number | null | undefined} n @param {Intl.NumberFormatOptions} [options] */
export function fmtNumber(n, options = {}) {
  if (typeof n !== "number" || !Number.isFinite(n)) return "–";
  return new Intl.NumberFormat(locale(), options).format(n);
}

/** @param {number | null | undefined} share @param {number} [digits] */
export function fmtPercent(share, digits = 0) {
  return fmtNumber(share, { style: "percent", maximumFractionDigits: digits });
}

// Times are the meeting's, never the device's: a tablet or a laptop set to another zone
// still shows the hall's clock, as the exports do (the meeting's `time_zone`, an IANA name).
const ZONE_KEY = "pk.time_zone";
let zone = validZone(localStorage.getItem(ZONE_KEY)) || "Asia/Bangkok";

/** @param {unknown} name @returns {string | null} */
function validZone(name) {
  if (typeof name !== "string" || !name) return null;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return name;
  } catch {
    return null;
  }
}

/** The meeting's time zone (from GET meeting or the welcome's state.meeting). */
/** @param {string | null | undefined} name */
export function setTimeZone(name) {
  const valid = validZone(name);
  if (!valid || valid === zone) return;
  zone = valid;
  localStorage.setItem(ZONE_KEY, zone);
}

export function timeZone() {
  return zone;
}

/** Does this device keep another clock than the meeting? Then times say their zone. */
function foreignDevice() {
  const own = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  const at = Date.UTC(2026, 0, 1);
  const offset = (/** @type {string} */ tz) => new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "numeric", hourCycle: "h23", minute: "numeric" }).format(at);
  return own !== zone && offset(own) !== offset(zone);
}

/** Dates in Thai use the Buddhist Era (พ.ศ.), e.g. 21 พฤศจิกายน 2569; in the meeting's zone. */
/** @param {Date | string | number} date @param {boolean} [withTime] */
export function fmtDate(date, withTime = false) {
  const d = date instanceof Date ? date : new Date(date);
  /** @type {Intl.DateTimeFormatOptions} */
  const options = { day: "numeric", month: "long", year: "numeric", timeZone: zone };
  if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit" }, foreignDevice() ? { timeZoneName: "short" } : {});
  const tag = lang === "th" ? "th-TH-u-ca-buddhist" : "en-GB";
  return new Intl.DateTimeFormat(tag, options).format(d);
}

/** Hours and minutes in the meeting's zone; named (e.g. "GMT+7") on a device whose own
 * clock differs, so nobody reads a time as their own when it is the hall's. */
/** @param {Date | string | number} date */
export function fmtTime(date) {
  const d = date instanceof Date ? date : new Date(date);
  /** @type {Intl.DateTimeFormatOptions} */
  const options = { hour: "2-digit", minute: "2-digit", timeZone: zone };
  if (foreignDevice()) options.timeZoneName = "short";
  return new Intl.DateTimeFormat(locale(), options).format(d);
}

/** A protocol error code as a sentence for a person (English message as a last resort). */
/** @param {string} code @param {string} [message] */
export function errorText(code, message = "") {
  const key = `error.${code}`;
  if (has(key) || lookup(key, "th")) return t(key);
  return message || t("error.unknown");
}

/** Re-label every data-i18n node under root. @param {ParentNode} root */
export function applyI18n(root) {
  // the selectors find only the elements that carry the attribute read
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll("[data-i18n]"))) el.textContent = t(/** @type {string} */ (el.dataset.i18n));
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll("[data-i18n-attr]"))) {
    for (const pair of /** @type {string} */ (el.dataset.i18nAttr).split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
  for (const el of root.querySelectorAll("[data-lang-switch]")) {
    el.textContent = lang === "th" ? "English" : "ไทย";
    el.setAttribute("lang", lang === "th" ? "en" : "th");
    el.setAttribute("aria-label", lang === "th" ? "Switch to English" : "เปลี่ยนเป็นภาษาไทย");
  }
}

/** @param {ParentNode} [root] */
export function bindLangSwitch(root = document) {
  for (const el of root.querySelectorAll("[data-lang-switch]")) {
    el.addEventListener("click", () => setLang(lang === "th" ? "en" : "th"));
  }
  applyI18n(root);
}
