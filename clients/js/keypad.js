// @ts-check
// The participant's keypad (a phone): about-you (demographic) questions, then what is
// open now, each with its own control; "your vote is counted" with the ballot's receipt
// code, and change it while open. "My receipts" keeps every receipt of this seat on the
// phone, and checks any of them against the ledger.

import { Connection, Outbox } from "./connection.js";
import { $, h, clear, uuid, toast } from "./dom.js";
import { t, pick, errorText, fmtTime } from "./i18n.js";
import { obtainSession, sessionLost } from "./session.js";
import { startPage, statusBar, need } from "./ui.js";
import { bindTextSize } from "./textsize.js";
import { answerControl } from "./controls.js";
import { ReceiptBook, checkReceipt, normaliseReceipt, verdictLine } from "./receipts.js";
import { lastKnown } from "./offline.js";
import { UNSET } from "./types.js";
/** @import { Session, Meeting, Question, Answer, Welcome, ServerEvent, Ack, ErrorMessage, ClientMessage } from "./types.js" */
/** @import { LastKnown } from "./offline.js" */
/** @import { Receipt, Check } from "./receipts.js" */
/** @import { Control } from "./controls.js" */

/** @typedef {{meeting: Meeting, questions?: Question[], mine?: Record<string, Answer>}} KeypadState  what the keypad shows (and keeps for a reload) */

// The fields set to UNSET are made at start (main), before any use.
const app = {
  session: /** @type {Session} */ (UNSET),
  conn: /** @type {Connection} */ (UNSET),
  outbox: /** @type {Outbox} */ (UNSET),
  meeting: /** @type {Meeting | null} */ (null),
  /** @type {Map<string, Question>} */
  questions: new Map(),
  /** @type {Record<string, Answer>} */
  mine: {}, // question -> my counted answer
  /** @type {Record<string, string>} */
  outcome: {}, // question -> "counted" | "replaced" | "rejected:<text>"
  /** @type {Record<string, Answer | null>} */
  drafts: {}, // question -> answer being edited
  receipts: /** @type {ReceiptBook} */ (UNSET), // ReceiptBook of this seat
  /** @type {Record<string, Check>} */
  checks: {}, // receipt code -> the last check's outcome
  receiptsOpen: false,
  /** @type {{code: string | null, found: Check} | null} */
  typed: null, // the code typed in "check another code"
  last: /** @type {LastKnown} */ (UNSET), // the last known state (offline.js)
};

async function main() {
  await startPage();
  bindTextSize(document);
  app.session = await obtainSession("participant", need("#main"), { titleKey: "keypad.title" });
  app.outbox = new Outbox(app.session.token);
  const { meeting, table, seat } = app.session;
  app.receipts = new ReceiptBook(`pk.receipts.${meeting}.${table}.${seat}`);
  app.last = lastKnown("keypad", app.session.token);
  app.conn = new Connection({
    token: app.session.token,
    outbox: app.outbox,
    onWelcome,
    onEvent,
    onAck,
    onRejected,
    onError: (e) => toast(errorText(e.code, e.message), "error"),
    onFatal: sessionLost("participant"),
  });
  statusBar({ connection: app.conn, outbox: app.outbox });
  app.outbox.onChange(() => app.meeting && drawStatuses());
  window.addEventListener("langchange", render);
  clear($("#main")).append(h("p", { class: "empty" }, t("conn.connecting")));
  const last = app.last.load(); // shown until the welcome: the server may be out of reach
  if (last?.meeting) applyState(last);
  app.conn.start();
}

/** @param {Welcome} welcome */
function onWelcome(welcome) {
  const state = welcome.state;
  applyState({ meeting: state.meeting, questions: state.questions.filter((q) => q.state === "open"), mine: state.my_ballots });
  remember();
}

/** @param {KeypadState} state */
function applyState(state) {
  app.meeting = state.meeting;
  app.questions = new Map((state.questions || []).map((q) => [q.id, q]));
  app.mine = { ...(state.mine || {}) };
  render();
}

/** The state to show after a reload with no server: the open questions and my answers. */
function remember() {
  app.last.save({ meeting: app.meeting, questions: [...app.questions.values()], mine: app.mine });
}

/** @param {ServerEvent} message */
function onEvent(message) {
  if (message.event === "question_opened") {
    app.questions.set(message.question.id, message.question);
    render();
    remember();
  } else if (message.event === "question_closed") {
    if (app.questions.delete(message.question.id)) toast(t("keypad.closed", { prompt: pick(message.question.prompt) }));
    render();
    remember();
  }
}

/** @param {Ack} ack @param {ClientMessage | undefined} sent */
function onAck(ack, sent) {
  if (!sent || sent.type !== "ballot") return;
  const status = ack.status === "duplicate" ? ack.first : ack.status;
  app.mine[sent.question] = sent.answer;
  app.outcome[sent.question] = status === "replaced" ? "replaced" : "counted";
  delete app.drafts[sent.question];
  remember();
  const prompt = app.questions.get(sent.question)?.prompt ?? sent.question;
  if (ack.receipt && app.receipts.add({ question: sent.question, prompt, receipt: ack.receipt, status })) {
    for (const r of app.receipts.list()) if (r.question === sent.question) delete app.checks[r.receipt];
  }
  drawStatuses();
  drawReceipts();
}

/** @param {ErrorMessage} error @param {ClientMessage | undefined} sent */
function onRejected(error, sent) {
  if (!sent) return;
  app.outcome[sent.question] = `rejected:${errorText(error.code, error.message)}`;
  drawStatuses();
}

/** @param {string} q  a question's id */
function pendingFor(q) {
  return app.outbox.messages().some((m) => m.type === "ballot" && m.question === q);
}

function render() {
  if (!app.meeting) return;
  $("#where").textContent = t("keypad.where", { table: app.session.table, seat: app.session.seat });
  document.title = `${t("app.name")} · ${t("keypad.title")}`;
  const main = clear($("#main"));
  main.append(h("p", { class: "meeting-title" }, pick(app.meeting.title)));
  const qs = [...app.questions.values()];
  if (!qs.length) {
    main.append(h("div", { class: "card wait-card" }, h("p", { class: "big-note" }, t("keypad.wait")), h("p", { class: "hint" }, t("keypad.wait_hint"))));
    main.append(receiptsSection());
    return;
  }
  const about = qs.filter((q) => q.kind === "demographic");
  const votes = qs.filter((q) => q.kind !== "demographic");
  if (about.length) main.append(...aboutYou(about, app.meeting));
  if (votes.length) {
    main.append(h("h2", { class: "section-title" }, t("keypad.vote_now")));
    for (const q of votes) main.append(questionCard(q));
  }
  main.append(receiptsSection());
  drawStatuses();
}

// Demographic answers are opt-in (PDPA): a notice says what they are for, and nothing is
// asked until the participant agrees; the choice is kept on the phone for this seat.
/** @param {Meeting} meeting */
function consentKey(meeting) {
  return `pk-demographics:${meeting.id}:${app.session.table}:${app.session.seat}`;
}

/** @param {Question[]} about @param {Meeting} meeting */
function aboutYou(about, meeting) {
  const choice = localStorage.getItem(consentKey(meeting));
  const choose = (/** @type {string} */ value) => {
    localStorage.setItem(consentKey(meeting), value);
    render(); // not main(): that started the page again (a second socket, every listener twice)
  };
  /** @type {HTMLElement[]} */
  const out = [h("h2", { class: "section-title" }, t("keypad.about_you"))];
  if (choice === "yes") {
    out.push(h("p", { class: "hint" }, t("keypad.about_hint")));
    for (const q of about) out.push(questionCard(q));
    return out;
  }
  if (choice === "no") {
    out.push(h("div", { class: "card consent-card", "data-consent": "no" },
      h("p", {}, t("keypad.consent_skipped")),
      h("button", { type: "button", class: "btn btn-secondary", "data-action": "consent-yes", onclick: () => choose("yes") }, t("keypad.consent_answer_now"))));
    return out;
  }
  out.push(h("div", { class: "card consent-card", "data-consent": "ask" },
    h("p", { class: "consent-lead" }, t("keypad.consent_lead")),
    h("ul", { class: "consent-points" }, ...["consent_use", "consent_groups", "consent_keep"].map((k) => h("li", {}, t(`keypad.${k}`, { n: /** @type {any} */ (meeting).min_group ?? 5 })))),
    h("p", { class: "consent-free" }, t("keypad.consent_free")),
    h("div", { class: "form-actions consent-actions" },
      h("button", { type: "button", class: "btn btn-primary btn-xl", "data-action": "consent-yes", onclick: () => choose("yes") }, t("keypad.consent_yes")),
      h("button", { type: "button", class: "btn btn-secondary btn-xl", "data-action": "consent-no", onclick: () => choose("no") }, t("keypad.consent_no")))));
  return out;
}

/** The answer of this question's ballot still in the outbox (sent offline), if any. */
/** @param {string} q  a question's id @returns {Answer | undefined} */
function queued(q) {
  const waiting = app.outbox.messages().filter((m) => m.type === "ballot" && m.question === q);
  return waiting.length ? waiting[waiting.length - 1].answer : undefined;
}

/** @param {Question} q */
function questionCard(q) {
  const previous = q.id in app.drafts ? app.drafts[q.id] : (queued(q.id) ?? app.mine[q.id]);
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-xl submit" });
  const control = answerControl(q, previous ?? null, () => {
    app.drafts[q.id] = control.value();
    drawStatus(q.id);
  });
  const card = h(
    "form",
    { class: "card question-card", "data-question": q.id },
    h("h3", { class: "prompt" }, pick(q.prompt)),
    control.el,
    h("div", { class: "vote-status", role: "status", "aria-live": "polite" }),
    h("div", { class: "form-actions" }, submit),
  );
  /** @type {HTMLFormElement & {control?: Control}} */ (card).control = control;
  card.addEventListener("submit", (event) => {
    event.preventDefault();
    const answer = control.value();
    if (answer === null) return;
    delete app.outcome[q.id];
    app.conn.send({ type: "ballot", id: uuid(), question: q.id, answer });
    drawStatus(q.id);
  });
  return card;
}

/** @param {unknown} a @param {unknown} b */
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function drawStatuses() {
  for (const q of app.questions.keys()) drawStatus(q);
}

/** @param {string} q  a question's id */
function drawStatus(q) {
  const card = $(`.question-card[data-question="${CSS.escape(q)}"]`);
  if (!card) return;
  const box = $(".vote-status", card);
  const submit = need(".submit", HTMLButtonElement, card);
  const value = /** @type {HTMLElement & {control: Control}} */ (card).control.value(); // the card's answer control, kept on it
  const counted = q in app.mine;
  const changed = counted && value !== null && !same(value, app.mine[q]);
  const pending = pendingFor(q);
  const outcome = app.outcome[q] || "";
  clear(box);
  let state = "none";
  if (pending) {
    state = "pending";
    box.append(h("p", { class: "status-line status-pending" }, t("keypad.sending")));
  } else if (outcome.startsWith("rejected:")) {
    state = "rejected";
    box.append(h("p", { class: "status-line status-error" }, outcome.slice(9)));
  } else if (counted && !changed) {
    state = outcome === "replaced" ? "replaced" : "counted";
    box.append(
      h("p", { class: "status-line status-ok" }, h("span", { class: "tick", "aria-hidden": "true" }, "✓"), " ", t(state === "replaced" ? "keypad.replaced" : "keypad.counted")),
      receiptBlock(app.receipts.latest(q)) ?? h("p", { class: "receipt-missing hint" }, t("receipt.not_here")),
      h("p", { class: "hint" }, t("keypad.can_change")),
    );
  } else if (changed) {
    state = "changed";
    box.append(h("p", { class: "status-line status-warn" }, t("keypad.not_sent_change")));
  }
  card.dataset.status = state;
  submit.textContent = counted ? t("keypad.change") : t("keypad.send");
  submit.disabled = value === null || pending || (counted && !changed);
}


// --- receipts --------------------------------------------------------------------------------

/** A receipt's code, big enough to copy down, with its check button and verdict. */
/** @param {Receipt | null} r @param {{withPrompt?: boolean}} [options] */
function receiptBlock(r, { withPrompt = false } = {}) {
  if (!r) return null;
  const found = app.checks[r.receipt];
  return h(
    "div",
    { class: "receipt", "data-receipt": r.receipt, "data-question": r.question },
    withPrompt ? h("p", { class: "receipt-q" }, pick(r.prompt)) : h("p", { class: "receipt-label" }, t("receipt.code")),
    h("div", { class: "receipt-row" },
      h("span", { class: "receipt-code", translate: "no", "aria-label": `${t("receipt.code")} ${r.receipt.split("").join(" ")}` }, r.receipt),
      h("button", { type: "button", class: "btn btn-secondary receipt-check", disabled: found?.state === "checking", onclick: () => check(r.receipt) }, t("receipt.check"))),
    withPrompt ? h("p", { class: "receipt-when" }, t("receipt.sent_at", { time: fmtTime(r.at) })) : null,
    found ? verdictLine(found) : null,
  );
}

/** @param {string} code */
async function check(code) {
  app.checks[code] = { state: "checking" };
  drawStatuses();
  drawReceipts();
  app.checks[code] = await checkReceipt(app.session.token, app.session.meeting, code);
  drawStatuses();
  drawReceipts();
}

function receiptsSection() {
  const input = h("input", {
    id: "receipt-input",
    class: "input receipt-input",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    maxlength: "16",
    placeholder: "K3M9Q-ZT4PA",
    "aria-describedby": "receipt-input-hint",
  });
  const form = h(
    "form",
    { class: "receipt-form", id: "receipt-form" },
    h("label", { for: "receipt-input", class: "receipt-form-label" }, t("receipt.type_label")),
    h("div", { class: "receipt-row" }, input, h("button", { type: "submit", class: "btn btn-secondary receipt-check" }, t("receipt.check"))),
    h("p", { class: "hint", id: "receipt-input-hint" }, t("receipt.type_hint")),
    h("div", { id: "typed-verdict" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = normaliseReceipt(input.value);
    if (!code) {
      app.typed = { code: null, found: { state: "error", text: t("receipt.bad_code") } };
      return drawTyped();
    }
    input.value = code;
    app.typed = { code, found: { state: "checking" } };
    drawTyped();
    const found = await checkReceipt(app.session.token, app.session.meeting, code);
    if (app.typed?.code === code) app.typed.found = found;
    drawTyped();
  });
  const details = h(
    "details",
    { class: "receipts-details", open: app.receiptsOpen || !app.questions.size },
    h("summary", { class: "receipts-summary" }, h("span", { id: "receipts-title" })),
    h("p", { class: "hint" }, t("receipt.mine_hint")),
    h("ul", { class: "receipt-list", id: "receipt-list" }),
    form,
  );
  details.addEventListener("toggle", () => (app.receiptsOpen = details.open));
  const section = h("section", { class: "card receipts-card", id: "my-receipts", "aria-labelledby": "receipts-title" }, details);
  queueMicrotask(() => {
    drawReceipts();
    drawTyped();
  });
  return section;
}

function drawReceipts() {
  const list = $("#receipt-list");
  if (!list) return;
  const items = app.receipts.list();
  $("#receipts-title").textContent = `${t("receipt.mine")} (${items.length})`;
  clear(list);
  const elsewhere = Object.keys(app.mine).filter((q) => !app.receipts.latest(q)).length;
  if (elsewhere) list.append(h("li", { class: "receipt-missing hint" }, t("receipt.elsewhere", { n: elsewhere })));
  else if (!items.length) list.append(h("li", { class: "empty" }, t("receipt.none")));
  for (const r of items) list.append(h("li", { class: "receipt-item" }, receiptBlock(r, { withPrompt: true })));
}

function drawTyped() {
  const box = $("#typed-verdict");
  if (!box) return;
  clear(box);
  const typed = app.typed;
  if (!typed) return;
  const prompt = typed.found?.question && (app.questions.get(typed.found.question)?.prompt || app.receipts.list().find((r) => r.question === typed.found.question)?.prompt);
  box.append(verdictLine(typed.found), prompt ? h("p", { class: "hint" }, t("receipt.for_question", { prompt: pick(prompt) })) : "");
}

main();
