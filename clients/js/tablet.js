// @ts-check
// The facilitator's tablet: the table's seats, a ballot for each seat in turn, a quick
// show of hands, table ideas, and the outbox (pending count and connection always shown).
// Each acknowledged ballot's receipt code is shown small beside its seat, for the voter
// to note down. A whole seat's ballot fits the screen (1024×768, 1280×800, 768×1024)
// without scrolling: the page never scrolls, the seats and the ballot are panels of their
// own, and the save button sits at the ballot's foot (clients/css/tablet.css).//
// This page keeps the socket and draws the screen; tablet-ballot.js draws the seats and
// the ballots, tablet-ideas.js the show of hands and the ideas; their shared state is in
// tablet-state.js.

import { Connection, Outbox, tokenKey } from "./connection.js";
import { $, h, clear, toast } from "./dom.js";
import { t, pick, errorText } from "./i18n.js";
import { obtainSession, forgetSession, sessionLost } from "./session.js";
import { startPage, statusBar, emptyNote, need } from "./ui.js";
import { bindTextSize } from "./textsize.js";
import { kindName } from "./controls.js";
import { lastKnown } from "./offline.js";
import { app } from "./tablet-state.js";
import { drawVote, drawSeats, keepReceipt, drawBallotReceipt } from "./tablet-ballot.js";
import { drawHands, saveIdeas, drawIdeasMode, drawIdeas } from "./tablet-ideas.js";
/** @import { Meeting, Question, PlenaryView, Welcome, ServerEvent, Ack, ErrorMessage, ClientMessage } from "./types.js" */

/** @typedef {{meeting: Meeting, plenary?: PlenaryView | null, questions?: Question[], voted?: Record<string, number[]>}} TabletState  what the tablet shows (and keeps for a reload) */

const REMEMBERED = new Set(["question_opened", "question_closed", "plenary"]); // events that change what is kept

async function main() {
  await startPage();
  bindTextSize(document);
  const mount = need("#main");
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
  need("#leave").addEventListener("click", leave);
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

/** @param {Welcome} welcome */
function onWelcome(welcome) {
  const state = welcome.state;
  applyState({ ...state, questions: state.questions.filter((q) => q.state === "open") });
  remember();
}

/** @param {TabletState} state */
function applyState(state) {
  app.meeting = state.meeting;
  app.plenary = state.plenary ?? null;
  app.questions = new Map((state.questions || []).map((q) => [q.id, q]));
  app.voted = {};
  for (const [q, seats] of Object.entries(state.voted || {})) app.voted[q] = new Set(seats);
  if (!app.current || !app.questions.has(app.current)) app.current = firstQuestion();
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

/** @param {ServerEvent} message */
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

/** @param {Ack} ack @param {ClientMessage | undefined} sent */
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

/** @param {ErrorMessage} error @param {ClientMessage | undefined} sent */
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

/** @param {string} mode @param {string} key */
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
  $('[aria-selected="true"]', tabs)?.scrollIntoView({ block: "nearest", inline: "nearest" });
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
  const q = app.current ? app.questions.get(app.current) : undefined;
  if (!q) {
    space.append(h("div", { class: "card wait-card" }, h("p", { class: "big-note" }, t("tablet.wait"))));
    return;
  }
  if (app.mode === "hands") return drawHands(space, q);
  return drawVote(space, q);
}

main();
