// @ts-check
// Ballot receipts: the code each ballot's ack carries (`ack.receipt`, e.g. K3M9Q-ZT4PA),
// kept on the device, and the check against the ledger:
//
//   const book = new ReceiptBook(`pk.receipts.${meeting}.${table}.${seat}`);
//   book.add({question, prompt, receipt, status});   book.latest(question)   book.list()
//   const found = await checkReceipt(token, meeting, code);   receiptVerdict(found)
//
// GET /api/meetings/{m}/receipts/{code} answers {receipt, question, status, n, final} or
// 404 not_found. A code says nothing of what was chosen, so keeping it is safe.

import { api } from "./api.js";
import { h } from "./dom.js";
import { t, errorText } from "./i18n.js";
/** @import { Text } from "./types.js" */

/**
 * A receipt kept on the device: its ballot's question (and prompt, to show it by), the
 * ack's status (counted or replaced) and when it came.
 * @typedef {{question: string, prompt: Text, receipt: string, status?: string, at: number}} Receipt
 */
/**
 * A check's outcome ("checking" while the answer is awaited; `text` an error's words).
 * @typedef {{state: "final" | "replaced" | "not_found" | "error" | "checking", n?: number, question?: string, text?: string}} Check
 */

const KEPT = 200;

export class ReceiptBook {
  /** @param {string} key */
  constructor(key) {
    this.key = key;
    try {
      const saved = JSON.parse(localStorage.getItem(key) || "[]");
      /** @type {Receipt[]} */
      this.items = Array.isArray(saved) ? saved.filter((/** @type {any} */ r) => r && r.receipt && r.question) : [];
    } catch {
      this.items = [];
    }
  }

  /** Keep a receipt (newest last); the same code again (a resend's ack) is kept once. */
  /** @param {Omit<Receipt, "at">} entry */
  add(entry) {
    if (!entry.receipt || this.items.some((r) => r.receipt === entry.receipt)) return false;
    this.items.push({ at: Date.now(), ...entry });
    this.items = this.items.slice(-KEPT);
    try {
      localStorage.setItem(this.key, JSON.stringify(this.items));
    } catch {
      /* storage full or blocked: the receipt is still shown for this page's life */
    }
    return true;
  }

  /** @param {string} question @returns {Receipt | null} */
  latest(question) {
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i].question === question) return this.items[i];
    return null;
  }

  /** Newest first. */
  list() {
    return [...this.items].reverse();
  }
}

/** What a person typed, as the server writes codes: `ABCDE-FGHJK`, or null if it cannot be one. */
/** @param {string | null | undefined} text */
export function normaliseReceipt(text) {
  const bare = String(text || "").toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (bare.length !== 10) return null;
  return `${bare.slice(0, 5)}-${bare.slice(5)}`;
}

/** {state: "final" | "replaced" | "not_found" | "error", n?, question?, text} */
/** @param {string} token @param {string} meeting @param {string} code @returns {Promise<Check>} */
export async function checkReceipt(token, meeting, code) {
  try {
    const found = await api("GET", `/api/meetings/${encodeURIComponent(meeting)}/receipts/${encodeURIComponent(code)}`, { token });
    return { state: found.final ? "final" : "replaced", n: found.n, question: found.question };
  } catch (err) {
    if (err.code === "not_found") return { state: "not_found" };
    return { state: "error", text: errorText(err.code, err.detail) };
  }
}

/** A check's outcome in plain words. */
/** @param {Check | null | undefined} found */
export function receiptVerdict(found) {
  if (!found) return "";
  if (found.state === "final") return t("receipt.final", { n: found.n });
  if (found.state === "replaced") return t("receipt.replaced", { n: found.n });
  if (found.state === "not_found") return t("receipt.not_found");
  if (found.state === "checking") return t("receipt.checking");
  return found.text || t("error.unknown");
}

/** The verdict as a status line (role=status), styled by its outcome. */
/** @param {Check | null | undefined} found */
export function verdictLine(found) {
  return h(
    "p",
    { class: `receipt-verdict verdict-${found?.state || "none"}`, role: "status", "aria-live": "polite", "data-verdict": found?.state || "" },
    receiptVerdict(found),
  );
}
