// @ts-check
// The tablet's seat-by-seat ballots: the seats with what became of each one's ballot, the
// selected seat's ballot, and the receipt code of each acknowledged ballot, for the voter
// to note down.

import { $, h, clear, uuid } from "./dom.js";
import { t, pick } from "./i18n.js";
import { answerControl } from "./controls.js";
import { app, seatsCount, seatStatus } from "./tablet-state.js";
/** @import { Question } from "./types.js" */

/** The seats and the selected seat's ballot. @param {HTMLElement} space @param {Question} q */
export function drawVote(space, q) {
  space.append(
    h("div", { class: "seats-panel card" },
      h("div", { class: "seats-head" },
        h("h2", { class: "section-title" }, t("tablet.seats")),
        h("p", { id: "seat-summary", class: "seat-summary", "aria-live": "polite" },
          h("span", { id: "seat-voted", class: "seat-count" }),
          h("span", { id: "seat-pending", class: "seat-count seat-count-pending" }))),
      h("div", { id: "seats", class: "seats", role: "group", "aria-label": t("tablet.seats") }),
      h("ul", { class: "legend" },
        h("li", {}, h("span", { class: "dot dot-voted" }), t("tablet.legend_voted")),
        h("li", {}, h("span", { class: "dot dot-pending" }), t("tablet.legend_pending")),
        h("li", {}, h("span", { class: "dot dot-todo" }), t("tablet.legend_todo"))),
      h("div", { id: "seat-receipts", class: "seat-receipts-box", "aria-live": "polite" })),
    h("div", { id: "ballot", class: "ballot-panel card" }),
  );
  drawSeats();
  drawBallot(q);
}

export function drawSeats() {
  const box = $("#seats");
  const q = app.current;
  if (!box || !q) return; // the seats are drawn for the current question only
  const n = seatsCount();
  // the buttons stay (a keyboard's focus on a seat survives an ack); only their state changes
  if (box.childElementCount !== n || box.dataset.question !== q) {
    clear(box).append(...Array.from({ length: n }, (_, i) => seatButton(i + 1)));
    box.dataset.question = q;
  }
  const count = { voted: 0, pending: 0, todo: 0 };
  for (const b of /** @type {HTMLCollectionOf<HTMLElement>} */ (box.children)) {
    const s = Number(b.dataset.seat);
    const status = seatStatus(q, s);
    count[status] += 1;
    b.className = `seat seat-${status}`;
    b.dataset.status = status;
    b.setAttribute("aria-pressed", String(s === app.seat));
    b.setAttribute("aria-label", `${t("tablet.seat_n", { n: s })}: ${t(`tablet.status_${status}`)}`);
    $(".seat-mark", b).textContent = status === "voted" ? "✓" : status === "pending" ? "…" : "";
  }
  // voted = acknowledged by the server; a ballot still in the outbox is only pending
  const summary = $("#seat-summary");
  if (summary) {
    summary.dataset.voted = String(count.voted);
    summary.dataset.pending = String(count.pending);
    $("#seat-voted").textContent = t("tablet.voted_of", { n: count.voted, seats: n });
    $("#seat-pending").textContent = count.pending ? t("tablet.pending_n", { n: count.pending }) : "";
  }
  drawSeatReceipts();
}

/** @param {number} s  a seat */
function seatButton(s) {
  const b = h("button", { type: "button", class: "seat", "data-seat": String(s) },
    h("span", { class: "seat-number" }, String(s)),
    h("span", { class: "seat-mark", "aria-hidden": "true" }));
  b.addEventListener("click", () => {
    app.seat = s;
    app.draft = null;
    drawSeats();
    drawBallot(app.current ? app.questions.get(app.current) : undefined);
  });
  return b;
}

/** @param {string} q  a question's id @param {number} seat @param {string} code */
export function keepReceipt(q, seat, code) {
  (app.receipts[q] ??= {})[seat] = code;
  app.lastReceipt[q] = seat;
  try {
    localStorage.setItem(app.receiptsKey, JSON.stringify({ receipts: app.receipts, last: app.lastReceipt }));
  } catch {
    /* storage full: shown for this page's life */
  }
}

function drawSeatReceipts() {
  const box = $("#seat-receipts");
  const q = app.current;
  if (!box || !q) return;
  const codes = Object.entries(app.receipts[q] || {})
    .map(([seat, code]) => /** @type {[number, string]} */ ([Number(seat), code]))
    .filter(([seat]) => seatStatus(q, seat) === "voted")
    .sort((a, b) => a[0] - b[0]);
  drawLastReceipt();
  clear(box);
  if (!codes.length) return;
  box.append(
    h("details", { class: "seat-receipts", open: app.receiptsOpen },
      h("summary", {}, t("receipt.all_seats", { n: codes.length })),
      h("p", { class: "hint" }, t("receipt.tablet_hint")),
      h("ol", { class: "seat-receipt-list" },
        codes.map(([seat, code]) => h("li", { "data-seat": String(seat) }, h("span", { class: "seat-receipt-seat" }, t("receipt.seat", { seat })), h("span", { class: "receipt-code receipt-code-small", translate: "no" }, code))))),
  );
  $("details", box).addEventListener("toggle", (event) => (app.receiptsOpen = /** @type {HTMLDetailsElement} */ (event.target).open));
}

/** The last acknowledged ballot's code, above the next seat's ballot: read it out now. */
function drawLastReceipt() {
  const slot = $("#last-receipt");
  const q = app.current;
  if (!slot || !q) return;
  const seat = app.lastReceipt[q];
  const shown = seat && seat !== app.seat && seatStatus(q, seat) === "voted"; // else in the head
  const code = shown ? app.receipts[q]?.[seat] : null;
  slot.textContent = code ? t("receipt.last", { seat, code }) : "";
  slot.dataset.seat = code ? String(seat) : "";
  slot.classList.toggle("hidden", !code);
}

/** The selected seat's receipt in the ballot's head, once its ballot is acknowledged. */
export function drawBallotReceipt() {
  const slot = $("#ballot-receipt");
  const q = app.current;
  if (!slot || !q) return;
  const code = seatStatus(q, app.seat) === "voted" ? app.receipts[q]?.[app.seat] : null;
  clear(slot);
  if (code) slot.append(h("span", { class: "seat-receipt-label" }, t("receipt.code")), " ", h("span", { class: "receipt-code receipt-code-small", translate: "no" }, code));
  slot.dataset.receipt = code || "";
  slot.classList.toggle("hidden", !code);
}

/** @param {Question | undefined} q */
function drawBallot(q) {
  const panel = $("#ballot");
  if (!panel || !q) return;
  const keep = app.draft && app.draft.question === q.id && app.draft.seat === app.seat ? app.draft.answer : null;
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-xl", id: "cast", disabled: true }, t("tablet.cast", { n: app.seat }));
  const control = answerControl(q, keep, () => {
    app.draft = { question: q.id, seat: app.seat, answer: control.value() };
    submit.disabled = control.value() === null;
  });
  app.control = control;
  submit.disabled = control.value() === null;
  const status = seatStatus(q.id, app.seat);
  const form = h(
    "form",
    { class: "ballot-form", id: "ballot-form", "data-question": q.id, "data-kind": q.kind, "data-seat": String(app.seat), "aria-labelledby": "ballot-seat ballot-prompt" },
    h("div", { class: "ballot-head" },
      h("span", { class: "seat-badge", id: "ballot-seat" }, t("tablet.seat_n", { n: app.seat })),
      h("h3", { class: "prompt", id: "ballot-prompt" }, pick(q.prompt))),
    h("div", { class: "ballot-meta" },
      status === "voted" ? h("span", { class: "pill pill-online" }, t("tablet.already_voted")) : null,
      status === "pending" ? h("span", { class: "pill pill-warn" }, t("tablet.status_pending")) : null,
      h("span", { class: "seat-receipt hidden", id: "ballot-receipt" }),
      h("p", { class: "last-receipt hidden", id: "last-receipt", role: "status" })),
    control.el,
    h("div", { class: "form-actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const answer = control.value();
    if (answer === null) return;
    const byKeyboard = form.contains(document.activeElement) && document.activeElement?.matches(":focus-visible");
    app.conn.send({ type: "ballot", id: uuid(), question: q.id, answer, seat: app.seat });
    app.draft = null;
    app.seat = nextSeat(q.id, app.seat);
    drawSeats();
    drawBallot(q);
    // the next seat's ballot from its head; the page itself never scrolls (tabs stay in view)
    panel.scrollTop = 0;
    if (byKeyboard) $(".choices button:not(:disabled), .scale button", panel)?.focus({ preventScroll: true });
  });
  clear(panel).append(form);
  drawBallotReceipt();
  drawLastReceipt();
}

/** The next seat after `seat` that has no ballot yet (wrapping), else the next one. */
/** @param {string} q  a question's id @param {number} seat */
function nextSeat(q, seat) {
  const n = seatsCount();
  for (let i = 1; i <= n; i++) {
    const s = ((seat - 1 + i) % n) + 1;
    if (seatStatus(q, s) === "todo") return s;
  }
  return (seat % n) + 1;
}
