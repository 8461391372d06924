// @ts-check
// The facilitator's tablet: the state its modules share (tablet.js keeps the socket and
// draws the screen; tablet-ballot.js draws the seats and a seat's ballot; tablet-ideas.js
// the show of hands and the ideas).

import { UNSET } from "./types.js";
/** @import { Session, Meeting, Question, PlenaryView } from "./types.js" */
/** @import { Connection, Outbox } from "./connection.js" */
/** @import { LastKnown } from "./offline.js" */

// The fields set to UNSET are made at start (main), before any use.
export const app = {
  session: /** @type {Session} */ (UNSET),
  conn: /** @type {Connection} */ (UNSET),
  outbox: /** @type {Outbox} */ (UNSET),
  meeting: /** @type {Meeting | null} */ (null),
  /** @type {Map<string, Question>} */
  questions: new Map(), // open questions by id, in opening order
  /** @type {Record<string, Set<number>>} */
  voted: {}, // question -> seats with a counted ballot
  current: /** @type {string | null} */ (null), // question id
  seat: 1,
  mode: localStorage.getItem("pk.tablet.mode") || "vote",
  control: /** @type {{el: HTMLElement, value: () => any} | null} */ (null),
  /** @type {{question: string, seat: number, answer: any} | null} */
  draft: null, // kept across re-renders
  /** @type {{id: string, text: string, round: string, at: number, sent: boolean}[]} */
  ideas: [],
  round: Number(localStorage.getItem("pk.tablet.round")) || 1,
  plenary: /** @type {PlenaryView | null} */ (null),
  /** @type {Record<string, Record<number, string>>} */
  receipts: {}, // question -> {seat: receipt code}, kept on the tablet
  /** @type {Record<string, number>} */
  lastReceipt: {}, // question -> the seat whose ballot was acknowledged last
  receiptsKey: "", // localStorage key of the receipts
  receiptsOpen: false, // the list of every seat's receipt is open
  ideasKey: "", // localStorage key of the ideas sent
  last: /** @type {LastKnown} */ (UNSET), // the last known state (offline.js)
};

export function seatsCount() {
  return app.meeting?.tables?.seats || 0;
}

/**
 * What became of a seat's ballot: acknowledged, still in the outbox, or none yet.
 * @param {string} q  a question's id
 * @param {number} seat
 * @returns {"voted" | "pending" | "todo"}
 */
export function seatStatus(q, seat) {
  for (const msg of app.outbox.messages()) {
    if (msg.type === "ballot" && msg.question === q && msg.seat === seat) return "pending";
  }
  return app.voted[q]?.has(seat) ? "voted" : "todo";
}
