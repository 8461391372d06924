// @ts-check
// The organiser console's results tab: one question's live results by any counting method,
// split by a demographic question or by site, and how the room compares with its targets.

import { $, $$, h, clear, toast } from "./dom.js";
import { t, pick, errorText, fmtNumber, fmtPercent } from "./i18n.js";
import { ResultsView, participationText } from "./results.js";
import { app, hooks, call, act, button, methodsOf } from "./organiser-app.js";
/** @import { Question, Results, Breakdown } from "./types.js" */

/** @param {Question | undefined} q */
function breakdownChoices(q) {
  const choices = app.questions
    .filter((x) => x.kind === "demographic" && x.id !== q?.id)
    .map((x) => ({ value: `by:${x.id}`, label: `${t("organiser.breakdown_by", { name: pick(x.prompt) })}` }));
  if (app.meeting?.sites?.length) choices.push({ value: "sites", label: t("organiser.breakdown_sites") });
  return choices;
}

/** @param {HTMLElement} main */
export function drawResultsTab(main) {
  if (!app.selected || !app.questions.some((q) => q.id === app.selected)) {
    app.selected = app.questions.find((q) => q.state === "open")?.id || app.questions[0]?.id || null;
  }
  const pickQ = h("select", { id: "results-question", class: "input" }, app.questions.map((q) => h("option", { value: q.id, selected: q.id === app.selected }, `${q.id} · ${pick(q.prompt)}`)));
  pickQ.addEventListener("change", () => {
    app.selected = pickQ.value;
    app.method = "";
    hooks.render();
  });
  const q = app.questions.find((x) => x.id === app.selected);
  const methods = methodsOf(q?.kind);
  const method = h("select", { id: "results-method", class: "input input-short" },
    h("option", { value: "" }, t("organiser.method_default")),
    methods.map((mth) => h("option", { value: mth, selected: app.method === mth }, t(`results.method_name_${mth}`))));
  method.disabled = !methods.length;
  method.addEventListener("change", () => {
    app.method = method.value;
    fetchResults();
  });
  const choices = breakdownChoices(q);
  if (!choices.some((c) => c.value === app.breakdown)) app.breakdown = "";
  const breakdown = h("select", { id: "results-breakdown", class: "input input-short" },
    h("option", { value: "" }, t("organiser.breakdown_none")),
    choices.map((c) => h("option", { value: c.value, selected: app.breakdown === c.value }, c.label)));
  breakdown.disabled = !choices.length;
  breakdown.addEventListener("change", () => {
    app.breakdown = breakdown.value;
    localStorage.setItem("pk.organiser.breakdown", app.breakdown);
    hooks.render();
  });
  const refreshButton = button("organiser.refresh", "btn-secondary", () => fetchResults());
  const byGroup = app.breakdown.startsWith("by:") && q && q.kind !== "demographic";
  const toPlenary = byGroup
    ? button("organiser.breakdown_on_plenary", "btn-secondary", () => act(t("organiser.on_screen"), async () => {
        app.plenary = await call("PUT", `/api/meetings/${app.session.meeting}/plenary`, { view: "breakdown", question: q.id, by: app.breakdown.slice(3) });
      }), { "data-action": "breakdown-plenary" })
    : null;
  const split = Boolean(app.breakdown);
  main.append(
    h("section", { class: "card" },
      h("div", { class: "row row-wrap" },
        h("div", { class: "field" }, h("label", { for: "results-question" }, t("organiser.col_question")), pickQ),
        h("div", { class: "field" }, h("label", { for: "results-method" }, t("organiser.method")), method),
        h("div", { class: "field" }, h("label", { for: "results-breakdown" }, t("organiser.breakdown")), breakdown),
        refreshButton,
        toPlenary),
      h("p", { class: "participation", id: "org-participation" }),
      h("div", { class: `results-layout ${split ? "is-split" : ""}` },
        h("div", { class: "results-whole" },
          split ? h("h3", { class: "group-title" }, t("organiser.whole_meeting")) : null,
          h("div", { id: "org-results", class: "org-results" }),
          h("div", { id: "org-representativeness" })),
        split ? h("div", { class: "results-groups" },
          h("div", { id: "org-by-representativeness" }),
          h("div", { id: "org-breakdown", class: "breakdown", "data-breakdown": app.breakdown, "aria-live": "polite" }),
          h("p", { id: "org-not-grouped", class: "hint" })) : null)),
  );
  app.resultsView = new ResultsView($("#org-results"), { max: 64 });
  app.groupViews = new Map();
  fetchResults();
  app.poll = setInterval(() => {
    const open = app.questions.find((x) => x.id === app.selected)?.state === "open";
    if ((app.method || app.breakdown) && open) fetchResults();
  }, 3000);
}

/** @param {string} q  a question's id @param {Record<string, string>} [params] */
function resultsPath(q, params = {}) {
  const query = new URLSearchParams();
  if (app.method) query.set("method", app.method);
  for (const [k, v] of Object.entries(params)) query.set(k, v);
  const text = query.toString();
  return `/api/meetings/${app.session.meeting}/questions/${q}/results${text ? `?${text}` : ""}`;
}

async function fetchResults() {
  if (!app.selected) return;
  const selected = app.selected;
  const breakdown = app.breakdown;
  try {
    if (breakdown) {
      const found = await fetchBreakdown(selected, breakdown);
      if (selected !== app.selected || breakdown !== app.breakdown) return;
      if (!app.method) app.results[selected] = found.all;
      drawResults(found.all);
      drawBreakdown(found);
      return;
    }
    const r = await call("GET", resultsPath(selected));
    if (!app.method) app.results[r.question] = r;
    drawResults(r);
  } catch (err) {
    toast(errorText(err.code, err.detail), "error");
  }
}

/** One shape for both breakdowns: {groups: [{group, label, voters, results?, suppressed?}], ...}. */
/** @param {string} q  a question's id @param {string} breakdown  by:<question> or sites @returns {Promise<Breakdown>} */
async function fetchBreakdown(q, breakdown) {
  if (breakdown.startsWith("by:")) {
    const by = breakdown.slice(3);
    const byQuestion = app.questions.find((x) => x.id === by);
    const [found, byResults] = await Promise.all([
      call("GET", resultsPath(q, { by })),
      byQuestion?.targets ? call("GET", `/api/meetings/${app.session.meeting}/questions/${by}/results`) : null,
    ]);
    return { ...found, byResults };
  }
  const sites = app.meeting?.sites || [];
  const each = await Promise.all(sites.map((s) => call("GET", resultsPath(q, { site: s.id }))));
  return {
    question: q,
    sites: true,
    groups: each.map((r) => ({ group: r.site, label: r.site_name, voters: r.voters, results: r })),
    not_grouped: 0,
    all: each[0]?.all,
  };
}

/** @param {Results} [given]  else the selected question's last results */
export function drawResults(given) {
  const r = given || (app.selected ? app.results[app.selected] : undefined);
  const mount = $("#org-results");
  // the mount and its view are made together (drawResultsTab)
  if (!r || !mount || !app.resultsView || r.question !== app.selected) return;
  const q = app.questions.find((x) => x.id === app.selected);
  app.resultsView.update(r, q);
  const words = participationText(r);
  $("#org-participation").textContent = `${t(`state.${r.status}`)} · ${words.voters} · ${words.tables}`;
  const rep = $("#org-representativeness");
  if (rep) clear(rep).append(representativeness(r, q) || "");
}

/** @param {Breakdown} found */
function drawBreakdown(found) {
  const mount = $("#org-breakdown");
  if (!mount) return;
  const q = app.questions.find((x) => x.id === app.selected);
  const byRep = $("#org-by-representativeness");
  if (byRep) {
    const byQuestion = app.questions.find((x) => x.id === found.by);
    clear(byRep).append((found.byResults && representativeness(found.byResults, byQuestion)) || "");
  }
  /** @type {Set<string>} */
  const seen = new Set();
  for (const g of found.groups || []) {
    seen.add(g.group);
    let card = $(`.group-card[data-group="${CSS.escape(g.group)}"]`, mount);
    if (!card) {
      card = h("section", { class: "group-card", "data-group": g.group },
        h("h3", { class: "group-title" }, h("span", { class: "group-label" }), h("span", { class: "group-n" })),
        h("div", { class: "group-body" }));
      mount.append(card);
    }
    $(".group-label", card).textContent = pick(g.label);
    $(".group-n", card).textContent = g.suppressed ? "" : t("results.n_voters", { n: g.voters ?? 0 });
    card.dataset.suppressed = String(Boolean(g.suppressed));
    const body = $(".group-body", card);
    if (g.suppressed) {
      app.groupViews.delete(g.group);
      clear(body).append(h("p", { class: "group-suppressed" }, t("results.suppressed", { n: found.min_group ?? 5 })));
      continue;
    }
    let view = app.groupViews.get(g.group);
    if (!view) {
      clear(body);
      view = new ResultsView(body, { max: 8 });
      app.groupViews.set(g.group, view);
    }
    view.update(g.results, q);
  }
  for (const card of [...$$(".group-card", mount)]) {
    const group = /** @type {string} */ (card.dataset.group); // each card is made with one
    if (!seen.has(group)) {
      app.groupViews.delete(group);
      card.remove();
    }
  }
  const note = $("#org-not-grouped");
  if (note) note.textContent = found.not_grouped ? t("results.not_grouped", { n: found.not_grouped }) : "";
}

/** A demographic question's room share beside its target share, per group. */
/** @param {Results | null | undefined} r @param {Question | undefined} q */
function representativeness(r, q) {
  const targets = r?.targets;
  if (!r || !targets || r.hidden) return null;
  const share = Object.fromEntries((r.ranking || []).map((row) => [row.option, row.share || 0]));
  const answered = (r.ranking || []).some((row) => row.score);
  const options = (q?.options || (r.ranking || []).map((row) => ({ id: row.option, label: row.label }))).filter((o) => o.id in targets);
  const rows = options.map((o) => {
    const target = targets[o.id];
    const room = share[o.id] || 0;
    const gap = r.gaps?.[o.id];
    const off = typeof gap === "number" && Math.abs(gap) >= 0.05 ? (gap > 0 ? "over" : "under") : "near";
    const points = typeof gap === "number" ? Math.round(gap * 100) : null;
    return h("div", { class: `rep-row rep-${off}`, "data-option": o.id, "data-gap": typeof gap === "number" ? String(gap) : "" },
      h("span", { class: "rep-label" }, pick(o.label)),
      h("div", { class: "rep-track", "aria-hidden": "true" },
        h("span", { class: "rep-fill", style: { width: `${Math.min(1, room) * 100}%` } }),
        h("span", { class: "rep-target", style: { left: `${Math.min(1, target) * 100}%` } })),
      h("span", { class: "rep-values" },
        t("results.room_vs_target", { room: fmtPercent(room), target: fmtPercent(target) }),
        points === null ? "" : ` (${points > 0 ? "+" : ""}${fmtNumber(points)})`));
  });
  return h("section", { class: "representativeness", "data-question": r.question },
    h("h3", {}, t("results.representativeness", { name: pick(q?.prompt) || r.question })),
    h("p", { class: "hint" }, answered ? t("results.representativeness_hint") : t("results.no_answers")),
    h("div", { class: "rep-legend" }, h("span", { class: "key key-room" }, t("results.room_share")), h("span", { class: "key key-target" }, t("results.target_share"))),
    rows);
}

