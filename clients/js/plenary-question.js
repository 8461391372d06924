// @ts-check
// The plenary's question view and the comparison, each with this hall beside all halls:
// a screen in one hall of a linked meeting shows the hall's figures (from the results API,
// fetched again when a `results` event arrives, at most once a second) next to the
// meeting's. Also the hall picker in the top bar.

import { api, qrImage } from "./api.js";
import { $, h, clear } from "./dom.js";
import { t, pick, fmtNumber, errorText } from "./i18n.js";
import { ResultsView, participationText, compareView } from "./results.js";
import { need } from "./ui.js";
import { app, hooks, setSite, currentSite, viewKey, shownMeeting, questionOf, resultsOf } from "./plenary-app.js";
/** @import { Results } from "./types.js" */

const SITE_EVERY_MS = 1000;

/** The join QR and address (`big`: the welcome's). */
export function joinPanel(big = false) {
  const url = `${location.origin}/app/keypad.html`;
  return h(
    "aside",
    { class: `join-panel ${big ? "join-big" : ""}` },
    qrImage(url, t("plenary.join_qr_alt")),
    h("p", { class: "join-caption" }, t("plenary.join_caption")),
    h("p", { class: "join-url" }, url.replace(/^https?:\/\//, "")),
  );
}

/** @param {HTMLElement} main */
export function drawQuestion(main) {
  const q = questionOf(app.view.question);
  const status = q?.state === "open" ? "plenary.status_open" : q?.state === "closed" ? "plenary.status_closed" : "plenary.status_draft";
  const results = h("div", { id: "pl-results", class: "pl-results" });
  const site = currentSite();
  const siteResults = site ? h("div", { id: "pl-site-results", class: "pl-results" }) : null;
  main.append(
    h("div", { class: "pl-question" },
      h("div", { class: "pl-q-head" },
        h("p", { class: `pl-status pl-status-${q?.state || "draft"}`, id: "pl-status" }, t(status)),
        h("h1", { class: "pl-prompt", id: "pl-prompt" }, q ? pick(q.prompt) : "")),
      site
        ? h("div", { class: "pl-split" },
            h("section", { class: "pl-half pl-half-site", "data-site": site.id },
              h("h2", { class: "pl-half-head" }, h("span", { id: "pl-site-name" }, t("plenary.this_hall", { name: pick(site.name) })), h("span", { class: "pl-half-n", id: "pl-site-n" })),
              siteResults),
            h("section", { class: "pl-half pl-half-all" },
              h("h2", { class: "pl-half-head" }, h("span", { id: "pl-all-name" }, t("plenary.all_halls")), h("span", { class: "pl-half-n", id: "pl-all-n" })),
              results))
        : results),
    h("div", { class: "pl-side" },
      h("div", { class: "numbers", id: "numbers" },
        h("p", { class: "number" }, h("span", { class: "number-big", id: "n-voters" }, "0"), h("span", { class: "number-label", id: "n-voters-label" })),
        h("p", { class: "number" }, h("span", { class: "number-big", id: "n-tables" }, "0"), h("span", { class: "number-label", id: "n-tables-label" }))),
      joinPanel()),
  );
  app.resultsView = new ResultsView(results, { max: 8, fitLabels: true });
  app.siteView = siteResults ? new ResultsView(siteResults, { max: 8, fitLabels: true }) : null;
  const r = resultsOf(app.view.question);
  if (r) {
    app.resultsView.update(r, q);
    drawNumbers(r);
  } else {
    results.append(h("p", { class: "hidden-note" }, t("results.waiting")));
  }
  drawSite();
  scheduleSite();
}

/** The questions whose figures for this hall the view shows. @returns {string[]} */
export function siteQuestions() {
  if (!currentSite()) return [];
  const { view, reveal, question, pre, post } = app.view;
  if (view === "question" && reveal !== false) return question === undefined ? [] : [question];
  if (view === "compare") return [...new Set([pre, post])].filter((q) => q !== undefined);
  return [];
}

function siteWanted() {
  return siteQuestions().length > 0;
}

/** Fetch this hall's results soon: at most once a second, whatever the rate of events. */
export function scheduleSite() {
  if (!siteWanted() || app.siteTimer) return;
  const wait = Math.max(0, app.siteLast + SITE_EVERY_MS - Date.now());
  app.siteTimer = setTimeout(async () => {
    app.siteLast = Date.now();
    try {
      await fetchSite();
    } finally {
      app.siteTimer = null;
    }
  }, wait);
}

async function fetchSite() {
  const questions = siteQuestions();
  const key = viewKey();
  const site = app.site;
  /** @param {string} q @returns {Promise<Results | null>} */
  const read = (q) =>
    api("GET", `/api/meetings/${shownMeeting().id}/questions/${encodeURIComponent(q)}/results`, { token: app.session.token, query: { site } }).catch((err) => {
      console.warn("site results", errorText(err.code)); // e.g. hidden again meanwhile
      return null;
    });
  const found = await Promise.all(questions.map(read));
  if (key !== viewKey() || site !== app.site) return;
  questions.forEach((q, i) => {
    const r = found[i];
    if (r) app.siteResults[q] = r;
  });
  if (app.view.view === "compare") fillCompare();
  else drawSite();
}

export function drawSite() {
  const all = resultsOf(app.view.question);
  const allN = $("#pl-all-n");
  if (allN && all) allN.textContent = t("results.n_voters", { n: all.voters ?? 0 });
  if (!app.siteView) return;
  const q = questionOf(app.view.question);
  const hidden = app.view.reveal === false || all?.hidden;
  const r = resultsOf(app.view.question, true);
  if (hidden) {
    app.siteView.update({ hidden: true });
    $("#pl-site-n").textContent = "";
  } else if (r && r.question === app.view.question) {
    app.siteView.update(r, q);
    $("#pl-site-n").textContent = t("results.n_voters", { n: r.voters ?? 0 });
  }
}

export function drawSitePicker() {
  const sites = app.meeting?.sites || [];
  let picker = /** @type {HTMLSelectElement | null} */ ($("#pl-site"));
  if (!sites.length) {
    picker?.remove();
    return;
  }
  if (!picker) {
    const select = h("select", { id: "pl-site", class: "pl-site-pick" });
    picker = select;
    select.addEventListener("change", () => {
      setSite(select.value);
      app.drawn = null;
      hooks.render();
    });
    need("#pl-date").after(picker);
    // the picker is for whoever sets the screen up: it shows while the mouse moves
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let idle;
    const wake = () => {
      document.body.classList.add("pl-controls");
      clearTimeout(idle);
      idle = setTimeout(() => document.body.classList.remove("pl-controls"), 4000);
    };
    for (const name of ["pointermove", "pointerdown", "keydown"]) window.addEventListener(name, wake, { passive: true });
    wake();
  }
  picker.setAttribute("aria-label", t("plenary.site_pick"));
  clear(picker).append(
    h("option", { value: "" }, t("plenary.all_sites")),
    ...sites.map((s) => h("option", { value: s.id }, pick(s.name))),
  );
  picker.value = currentSite() ? app.site : "";
}

/** @param {Results} r */
export function drawNumbers(r) {
  const voters = $("#n-voters");
  if (!voters) return;
  voters.textContent = fmtNumber(r.voters ?? 0);
  $("#n-voters-label").textContent = t("plenary.voters_of", { n: r.eligible ?? 0 });
  $("#n-tables").textContent = fmtNumber(r.tables_reporting ?? 0);
  $("#n-tables-label").textContent = t("plenary.tables_of", { n: r.tables_total ?? 0 });
  const status = $("#pl-status");
  if (status && r.status) {
    status.textContent = t(r.status === "open" ? "plenary.status_open" : r.status === "closed" ? "plenary.status_closed" : "plenary.status_draft");
    status.className = `pl-status pl-status-${r.status}`;
  }
  const words = participationText(r);
  voters.parentElement?.setAttribute("aria-label", words.voters);
  $("#n-tables").parentElement?.setAttribute("aria-label", words.tables);
}

/** @param {HTMLElement} main */
export function drawCompare(main) {
  const postQ = questionOf(app.view.post);
  const site = currentSite();
  const all = h("div", { class: "pl-results", id: "pl-results" });
  main.append(
    h("div", { class: "pl-question pl-wide" },
      h("div", { class: "pl-q-head" },
        h("p", { class: "pl-status" }, t("plenary.compare")),
        h("h1", { class: "pl-prompt" }, postQ ? pick(postQ.prompt) : "")),
      site
        ? h("div", { class: "pl-split pl-split-compare" },
            h("section", { class: "pl-half pl-half-site", "data-site": site.id },
              h("h2", { class: "pl-half-head" }, h("span", { id: "pl-site-name" }, t("plenary.this_hall", { name: pick(site.name) }))),
              h("div", { class: "pl-results", id: "pl-site-results" })),
            h("section", { class: "pl-half pl-half-all" },
              h("h2", { class: "pl-half-head" }, h("span", { id: "pl-all-name" }, t("plenary.all_halls"))),
              all))
        : all),
  );
  fillCompare();
  scheduleSite();
}

/** (Re)draw both sides of the comparison: all halls, and this hall where there is one. */
export function fillCompare() {
  const { pre, post } = app.view;
  const preQ = questionOf(pre);
  const postQ = questionOf(post);
  const all = $("#pl-results");
  if (all) clear(all).append(compareView(resultsOf(pre), resultsOf(post), preQ, postQ));
  const mine = $("#pl-site-results");
  if (mine) clear(mine).append(compareView(resultsOf(pre, true), resultsOf(post, true), preQ, postQ));
}
