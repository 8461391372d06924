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

const KEPT = 200;

export class ReceiptBook {
  constructor(key) {
    this.key = key;
    try {
      const saved = JSON.parse(localStorage.getItem(key) || "[]");
      this.items = Array.isArray(saved) ? saved.filter((r) => r && r.receipt && r.question) : [];
    } catch {
      this.items = [];
    }
  }

  /** Keep a receipt (newest last); the same code again (a resend's ack) is kept once. */
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
export function normaliseReceipt(text) {
  const bare = String(text || "").toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (bare.length !== 10) return null;
  return `${bare.slice(0, 5)}-${bare.slice(5)}`;
}

/** {state: "final" | "replaced" | "not_found" | "error", n?, question?, text} */
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
export function receiptVerdict(found) {
  if (!found) return "";
  if (found.state === "final") return t("receipt.final", { n: found.n });
  if (found.state === "replaced") return t("receipt.replaced", { n: found.n });
  if (found.state === "not_found") return t("receipt.not_found");
  if (found.state === "checking") return t("receipt.checking");
  return found.text || t("error.unknown");
}

/** The verdict as a status line (role=status), styled by its outcome. */
export function verdictLine(found) {
  return h(
    "p",
    { class: `receipt-verdict verdict-${found?.state || "none"}`, role: "status", "aria-live": "polite", "data-verdict": found?.state || "" },
    receiptVerdict(found),
  );
}
