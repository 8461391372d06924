// The facilitator's tablet: the state its modules share (tablet.js keeps the socket and
// draws the screen; tablet-ballot.js draws the seats and a seat's ballot; tablet-ideas.js
// the show of hands and the ideas).

export const app = {
  session: null,
  conn: null,
  outbox: null,
  meeting: null,
  questions: new Map(), // open questions by id, in opening order
  voted: {}, // question -> Set of seats with a counted ballot
  current: null, // question id
  seat: 1,
  mode: localStorage.getItem("pk.tablet.mode") || "vote",
  control: null,
  draft: null, // {question, seat, answer} kept across re-renders
  ideas: [],
  round: Number(localStorage.getItem("pk.tablet.round")) || 1,
  plenary: null,
  receipts: {}, // question -> {seat: receipt code}, kept on the tablet
  lastReceipt: {}, // question -> the seat whose ballot was acknowledged last
  receiptsKey: "", // localStorage key of the receipts
  receiptsOpen: false, // the list of every seat's receipt is open
  ideasKey: "", // localStorage key of the ideas sent
  last: null, // the last known state (offline.js)
};

export function seatsCount() {
  return app.meeting?.tables?.seats || 0;
}

export function seatStatus(q, seat) {
  for (const msg of app.outbox.messages()) {
    if (msg.type === "ballot" && msg.question === q && msg.seat === seat) return "pending";
  }
  return app.voted[q]?.has(seat) ? "voted" : "todo";
}
