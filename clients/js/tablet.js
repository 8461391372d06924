// The facilitator's tablet: the table's seats, a ballot for each seat in turn, a quick
// show of hands, table ideas, and the outbox (pending count and connection always shown).
// Each acknowledged ballot's receipt code is shown small beside its seat, for the voter
// to note down. A whole seat's ballot fits the screen (1024×768, 1280×800, 768×1024)
// without scrolling: the page never scrolls, the seats and the ballot are panels of their
// own, and the save button sits at the ballot's foot (clients/css/tablet.css).

import { Connection, Outbox, tokenKey } from "./connection.js";
import { $, h, clear, uuid, toast } from "./dom.js";
import { t, pick, errorText, fmtTime } from "./i18n.js";
import { obtainSession, forgetSession, sessionLost } from "./session.js";
import { startPage, statusBar, emptyNote } from "./ui.js";
import { bindTextSize } from "./textsize.js";
import { answerControl, handsControl, kindName } from "./controls.js";
import { lastKnown } from "./offline.js";

const HANDS_KINDS = new Set(["single", "multiple"]);
const REMEMBERED = new Set(["question_opened", "question_closed", "plenary"]); // events that change what is kept

const app = {
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
};

async function main() {
  await startPage();
  bindTextSize(document);
  const mount = $("#main");
  app.session = await obtainSession("facilitator", mount, { titleKey: "tablet.title" });
  app.outbox = new Outbox(app.session.token);
  app.last = lastKnown("tablet", app.session.token);
  app.ideasKey = `pk.ideas.${tokenKey(app.session.token)}`;
  try {
    app.ideas = JSON.parse(localStorage.getItem(app.ideasKey) || "[]");
  } catch {
    app.ideas = [];
  }
  app.receiptsKey = `pk.tablet.receipts.${app.session.meeting}.${app.session.table}`;
  try {
    ({ receipts: app.receipts = {}, last: app.lastReceipt = {} } = JSON.parse(localStorage.getItem(app.receiptsKey) || "{}"));
  } catch {
    app.receipts = {};
  }
  app.conn = new Connection({
    token: app.session.token,
    outbox: app.outbox,
    onWelcome,
    onEvent,
    onAck,
    onRejected,
    onError: (e) => toast(errorText(e.code, e.message), "error"),
    onFatal: sessionLost("facilitator"),
  });
  statusBar({ connection: app.conn, outbox: app.outbox });
  app.outbox.onChange(() => {
    if (!app.meeting) return;
    drawSeats();
    drawIdeas();
  });
  $("#leave").addEventListener("click", leave);
  window.addEventListener("langchange", render);
  renderWaiting();
  const last = app.last.load(); // shown until the welcome: the server may be out of reach
  if (last?.meeting) applyState(last);
  app.conn.start();
}

function leave() {
  if (app.outbox.size && !confirm(t("tablet.leave_pending", { n: app.outbox.size }))) return;
  if (!app.outbox.size && !confirm(t("common.leave_confirm"))) return;
  forgetSession("facilitator");
  location.href = "/app/tablet.html";
}

function renderWaiting() {
  clear($("#main")).append(h("p", { class: "empty" }, t("conn.connecting")));
}

// --- the socket ------------------------------------------------------------------------

function onWelcome(welcome) {
  const state = welcome.state;
  applyState({ ...state, questions: state.questions.filter((q) => q.state === "open") });
  remember();
}

function applyState(state) {
  app.meeting = state.meeting;
  app.plenary = state.plenary ?? null;
  app.questions = new Map((state.questions || []).map((q) => [q.id, q]));
  app.voted = {};
  for (const [q, seats] of Object.entries(state.voted || {})) app.voted[q] = new Set(seats);
  if (!app.questions.has(app.current)) app.current = firstQuestion();
  render();
}

/** The state to show after a reload with no server: the open questions and the seats done. */
function remember() {
  const voted = Object.fromEntries(Object.entries(app.voted).map(([q, seats]) => [q, [...seats]]));
  app.last.save({ meeting: app.meeting, plenary: app.plenary, questions: [...app.questions.values()], voted });
}

function firstQuestion() {
  return app.questions.keys().next().value ?? null;
}

function onEvent(message) {
  if (message.event === "question_opened") {
    const q = message.question;
    const isNew = !app.questions.has(q.id);
    app.questions.set(q.id, q);
    app.voted[q.id] ??= new Set();
    if (!app.current) app.current = q.id;
    if (isNew) toast(t("tablet.opened", { prompt: pick(q.prompt) }), "info");
    render();
  } else if (message.event === "question_closed") {
    const q = message.question;
    if (app.questions.delete(q.id)) toast(t("tablet.closed", { prompt: pick(q.prompt) }), "info");
    if (app.current === q.id) app.current = firstQuestion();
    render();
  } else if (message.event === "plenary") {
    app.plenary = message.view;
    drawPlenaryNote();
  }
  if (REMEMBERED.has(message.event)) remember();
}

function onAck(ack, sent) {
  if (!sent) return;
  if (sent.type === "ballot") {
    (app.voted[sent.question] ??= new Set()).add(sent.seat);
    if (ack.receipt) keepReceipt(sent.question, sent.seat, ack.receipt);
    remember();
    drawSeats();
    drawBallotReceipt();
  } else if (sent.type === "table_tally") {
    toast(t("hands.sent"), "ok");
  } else if (sent.type === "idea") {
    const idea = app.ideas.find((i) => i.id === sent.id);
    if (idea) idea.sent = true;
    saveIdeas();
    drawIdeas();
  }
}

function onRejected(error, sent) {
  const why = errorText(error.code, error.message);
  if (sent?.type === "ballot") toast(t("tablet.ballot_rejected", { seat: sent.seat, why }), "error", 7000);
  else if (sent?.type === "idea") {
    app.ideas = app.ideas.filter((i) => i.id !== sent.id);
    saveIdeas();
    drawIdeas();
    toast(t("ideas.rejected", { why }), "error", 7000);
  } else toast(why, "error", 7000);
  drawSeats();
}

// --- drawing ---------------------------------------------------------------------------

function seatsCount() {
  return app.meeting?.tables?.seats || 0;
}

function seatStatus(q, seat) {
  for (const msg of app.outbox.messages()) {
    if (msg.type === "ballot" && msg.question === q && msg.seat === seat) return "pending";
  }
  return app.voted[q]?.has(seat) ? "voted" : "todo";
}

function render() {
  if (!app.meeting) return;
  $("#where").textContent = `${t("tablet.table_n", { n: app.session.table })} · ${pick(app.meeting.title)}`;
  document.title = `${t("app.name")} · ${t("tablet.table_n", { n: app.session.table })}`;
  const main = clear($("#main"));
  main.append(
    h("section", { class: "open-now", "aria-labelledby": "open-now-title" },
      h("h2", { id: "open-now-title", class: "sr-only" }, t("tablet.open_now")),
      h("div", { id: "question-tabs", class: "question-tabs", role: "tablist" }),
      h("p", { id: "plenary-note", class: "plenary-note hidden" })),
    h("nav", { class: "modes", role: "tablist", "aria-label": t("tablet.modes") },
      modeButton("vote", "tablet.mode_vote"),
      modeButton("hands", "tablet.mode_hands"),
      modeButton("ideas", "tablet.mode_ideas")),
    h("section", { id: "workspace", class: `workspace mode-${app.mode}` }),
  );
  drawTabs();
  drawPlenaryNote();
  drawWorkspace();
}

function modeButton(mode, key) {
  const b = h("button", { type: "button", role: "tab", class: "mode", "data-mode": mode, "aria-selected": String(app.mode === mode) }, t(key));
  b.addEventListener("click", () => {
    app.mode = mode;
    localStorage.setItem("pk.tablet.mode", mode);
    render();
  });
  return b;
}

function drawTabs() {
  const tabs = clear($("#question-tabs"));
  if (!app.questions.size) {
    tabs.append(emptyNote("tablet.nothing_open"));
    return;
  }
  for (const q of app.questions.values()) {
    const b = h(
      "button",
      { type: "button", role: "tab", class: "question-tab", "data-question": q.id, "aria-selected": String(q.id === app.current), title: pick(q.prompt) },
      h("span", { class: "kind-chip" }, kindName(q.kind)),
      h("span", { class: "question-tab-text" }, pick(q.prompt)),
    );
    b.addEventListener("click", () => {
      app.current = q.id;
      app.draft = null;
      render();
    });
    tabs.append(b);
  }
  tabs.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest", inline: "nearest" });
}

function drawPlenaryNote() {
  const note = $("#plenary-note");
  if (!note) return;
  const view = app.plenary;
  const text = view?.view === "text" ? view.text : null;
  note.textContent = text ? `${t("tablet.on_screen")}: ${pick(text)}` : "";
  note.classList.toggle("hidden", !text);
}

function drawWorkspace() {
  const space = $("#workspace");
  if (app.mode === "ideas") return drawIdeasMode(space);
  const q = app.questions.get(app.current);
  if (!q) {
    space.append(h("div", { class: "card wait-card" }, h("p", { class: "big-note" }, t("tablet.wait"))));
    return;
  }
  if (app.mode === "hands") return drawHands(space, q);
  return drawVote(space, q);
}

// --- seat-by-seat ballots ----------------------------------------------------------------

function drawVote(space, q) {
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

function drawSeats() {
  const box = $("#seats");
  if (!box) return;
  const q = app.current;
  const n = seatsCount();
  // the buttons stay (a keyboard's focus on a seat survives an ack); only their state changes
  if (box.childElementCount !== n || box.dataset.question !== q) {
    clear(box).append(...Array.from({ length: n }, (_, i) => seatButton(i + 1)));
    box.dataset.question = q;
  }
  const count = { voted: 0, pending: 0, todo: 0 };
  for (const b of box.children) {
    const s = Number(b.dataset.seat);
    const status = seatStatus(q, s);
    count[status] += 1;
    b.className = `seat seat-${status}`;
    b.dataset.status = status;
    b.setAttribute("aria-pressed", String(s === app.seat));
    b.setAttribute("aria-label", `${t("tablet.seat_n", { n: s })}: ${t(`tablet.status_${status}`)}`);
    b.querySelector(".seat-mark").textContent = status === "voted" ? "✓" : status === "pending" ? "…" : "";
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

function seatButton(s) {
  const b = h("button", { type: "button", class: "seat", "data-seat": String(s) },
    h("span", { class: "seat-number" }, String(s)),
    h("span", { class: "seat-mark", "aria-hidden": "true" }));
  b.addEventListener("click", () => {
    app.seat = s;
    app.draft = null;
    drawSeats();
    drawBallot(app.questions.get(app.current));
  });
  return b;
}

// --- receipts: one code per acknowledged ballot, for the voter to note --------------------

function keepReceipt(q, seat, code) {
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
  if (!box) return;
  const q = app.current;
  const codes = Object.entries(app.receipts[q] || {})
    .map(([seat, code]) => [Number(seat), code])
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
  box.querySelector("details").addEventListener("toggle", (event) => (app.receiptsOpen = event.target.open));
}

/** The last acknowledged ballot's code, above the next seat's ballot: read it out now. */
function drawLastReceipt() {
  const slot = $("#last-receipt");
  if (!slot) return;
  const q = app.current;
  const seat = app.lastReceipt[q];
  const shown = seat && seat !== app.seat && seatStatus(q, seat) === "voted"; // else in the head
  const code = shown ? app.receipts[q]?.[seat] : null;
  slot.textContent = code ? t("receipt.last", { seat, code }) : "";
  slot.dataset.seat = code ? String(seat) : "";
  slot.classList.toggle("hidden", !code);
}

/** The selected seat's receipt in the ballot's head, once its ballot is acknowledged. */
function drawBallotReceipt() {
  const slot = $("#ballot-receipt");
  if (!slot) return;
  const q = app.current;
  const code = seatStatus(q, app.seat) === "voted" ? app.receipts[q]?.[app.seat] : null;
  clear(slot);
  if (code) slot.append(h("span", { class: "seat-receipt-label" }, t("receipt.code")), " ", h("span", { class: "receipt-code receipt-code-small", translate: "no" }, code));
  slot.dataset.receipt = code || "";
  slot.classList.toggle("hidden", !code);
}

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
    const byKeyboard = form.contains(document.activeElement) && document.activeElement.matches(":focus-visible");
    app.conn.send({ type: "ballot", id: uuid(), question: q.id, answer, seat: app.seat });
    app.draft = null;
    app.seat = nextSeat(q.id, app.seat);
    drawSeats();
    drawBallot(q);
    // the next seat's ballot from its head; the page itself never scrolls (tabs stay in view)
    panel.scrollTop = 0;
    if (byKeyboard) panel.querySelector(".choices button:not(:disabled), .scale button")?.focus({ preventScroll: true });
  });
  clear(panel).append(form);
  drawBallotReceipt();
  drawLastReceipt();
}

/** The next seat after `seat` that has no ballot yet (wrapping), else the next one. */
function nextSeat(q, seat) {
  const n = seatsCount();
  for (let i = 1; i <= n; i++) {
    const s = ((seat - 1 + i) % n) + 1;
    if (seatStatus(q, s) === "todo") return s;
  }
  return (seat % n) + 1;
}

// --- show of hands ----------------------------------------------------------------------

function drawHands(space, q) {
  if (!HANDS_KINDS.has(q.kind)) {
    space.append(h("div", { class: "card wait-card" }, h("p", { class: "big-note" }, t("hands.not_for_kind", { kind: kindName(q.kind) }))));
    return;
  }
  const control = handsControl(q, seatsCount());
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-xl", id: "send-hands" }, t("hands.send"));
  const form = h(
    "form",
    { class: "card hands-form" },
    h("h3", { class: "prompt" }, pick(q.prompt)),
    h("p", { class: "hint" }, t("hands.hint")),
    control.el,
    h("div", { class: "form-actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    app.conn.send({ type: "table_tally", id: uuid(), question: q.id, counts: control.value() });
    toast(t("hands.queued"), "ok", 1800);
  });
  space.append(form);
}

// --- ideas --------------------------------------------------------------------------------

function saveIdeas() {
  try {
    localStorage.setItem(app.ideasKey, JSON.stringify(app.ideas.slice(-200)));
  } catch {
    /* full: the outbox still holds what is unsent */
  }
}

function drawIdeasMode(space) {
  const text = h("textarea", { id: "idea-text", class: "idea-text", maxlength: "500", rows: "4", required: true, "aria-label": t("ideas.label") });
  const count = h("span", { class: "counter" }, t("ideas.chars", { n: 0 }));
  text.addEventListener("input", () => (count.textContent = t("ideas.chars", { n: text.value.length })));
  const roundOut = h("output", { class: "stepper-value", id: "round" }, String(app.round));
  const setRound = (r) => {
    app.round = Math.max(1, Math.min(20, r));
    localStorage.setItem("pk.tablet.round", String(app.round));
    roundOut.textContent = String(app.round);
  };
  const minus = h("button", { type: "button", class: "step", "aria-label": t("ideas.round_less") }, "−");
  const plus = h("button", { type: "button", class: "step", "aria-label": t("ideas.round_more") }, "+");
  minus.addEventListener("click", () => setRound(app.round - 1));
  plus.addEventListener("click", () => setRound(app.round + 1));
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-xl", id: "send-idea" }, t("ideas.send"));
  const form = h(
    "form",
    { class: "card idea-form" },
    h("label", { for: "idea-text", class: "section-title" }, t("ideas.label")),
    text,
    h("div", { class: "row" },
      h("div", { class: "stepper-row round-row" }, h("span", { class: "stepper-label" }, t("ideas.round")), h("div", { class: "stepper" }, minus, roundOut, plus)),
      count),
    h("div", { class: "form-actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    const id = uuid();
    app.ideas.push({ id, text: value, round: `r${app.round}`, at: Date.now(), sent: false });
    saveIdeas();
    app.conn.send({ type: "idea", id, text: value, round: `r${app.round}` });
    text.value = "";
    count.textContent = t("ideas.chars", { n: 0 });
    drawIdeas();
    text.focus();
  });
  space.append(form, h("section", { class: "card idea-list-card" }, h("h2", { class: "section-title" }, t("ideas.sent_title")), h("ul", { id: "idea-list", class: "idea-list" })));
  drawIdeas();
}

function drawIdeas() {
  const list = $("#idea-list");
  if (!list) return;
  clear(list);
  const pendingIds = new Set(app.outbox.messages().map((m) => m.id));
  const shown = [...app.ideas].reverse().slice(0, 50);
  if (!shown.length) list.append(h("li", { class: "empty" }, t("ideas.none")));
  for (const idea of shown) {
    const pending = pendingIds.has(idea.id) || !idea.sent;
    list.append(
      h("li", { class: `idea ${pending ? "idea-pending" : "idea-sent"}`, "data-idea": idea.id },
        h("span", { class: "idea-meta" }, `${t("ideas.round_n", { n: idea.round.replace(/^r/, "") })} · ${fmtTime(idea.at)} · `,
          h("strong", {}, pending ? t("ideas.pending") : t("ideas.sent"))),
        h("span", { class: "idea-body" }, idea.text)),
    );
  }
}

main();
