// @ts-check
// One row of the theme team's list: an idea (or a group of ideas that make the same point),
// where it came from, and either the themes the engine suggests for it (one tap files it)
// or the theme it is filed under. `rowStamp` says everything a row shows, so a row is drawn
// again only when one of those things changed.

import { h } from "./dom.js";
import { t, pick, fmtNumber, fmtPercent, fmtTime, currentLang } from "./i18n.js";
/** @import { ThemeApp } from "./types-theme.js" */
/** @import { Board, Suggestion } from "./board.js" */
/** @import { Idea } from "./types.js" */
/** @import { Child } from "./dom.js" */

/** A theme the board holds (a suggestion names only themes that still exist). @param {Board} board @param {string} id */
function themeOf(board, id) {
  const theme = board.themeById.get(id);
  if (!theme) throw new Error(`theme ${id} is not on the board`);
  return theme;
}

/** Everything a row shows, as one string. @param {ThemeApp} app @param {string} key */

export function rowStamp(app, key) {
  const { board } = app;
  const ids = board.ideasOf(key);
  const lead = board.lead(key);
  if (!lead) return `gone|${key}`;
  const filed = board.filedTheme(key);
  const sugg = filed ? "" : board.suggestionsFor(lead.id).map((s) => `${s.theme}:${pick(themeOf(board, s.theme).label)}`).join(",");
  const open = board.toFile(key).length;
  return [
    currentLang(), key, lead.id, ids.length, open,
    filed ? `${filed.id}:${pick(filed.label)}` : "",
    sugg,
    app.selected.has(key) ? "s" : "",
    app.cursor === key ? "c" : "",
    app.ghosts.has(key) ? "g" : "",
    ids.some((id) => app.pending.has(id)) ? "p" : "",
    app.engine,
  ].join("|");
}

/** @param {ThemeApp} app @param {string} id */
function siteName(app, id) {
  const site = (app.meeting?.sites || []).find((s) => s.id === id);
  return site ? pick(site.name) : id;
}

/** @param {ThemeApp} app @param {string} key @param {Idea} lead @param {string[]} ids */
function meta(app, key, lead, ids) {
  const parts = [h("span", {}, t("theme.table_n", { n: lead.table }))];
  if (lead.round) parts.push(h("span", {}, t("ideas.round_n", { n: lead.round.replace(/^r/, "") })));
  if (lead.site && (app.meeting?.sites || []).length) parts.push(h("span", {}, siteName(app, lead.site)));
  if (lead.at) parts.push(h("span", {}, fmtTime(lead.at)));
  if (ids.length > 1) {
    const group = app.board.groups.get(key.slice(2));
    const sites = (group?.sites || []).map((s) => siteName(app, s)).join(", ");
    const filed = ids.length - app.board.toFile(key).length;
    parts.unshift(
      h("span", { class: "dup-badge", "data-tables": String(group?.tables ?? "") },
        t("theme.same_point", { n: group?.tables ?? ids.length }),
        sites ? ` · ${sites}` : "",
        filed ? ` · ${t("theme.n_filed", { n: filed })}` : ""),
    );
  }
  return parts.flatMap((p, i) => (i ? [h("span", { class: "sep", "aria-hidden": "true" }, "·"), p] : [p]));
}

/** @param {ThemeApp} app @param {string} key @param {Idea} lead @returns {Child} */
function side(app, key, lead) {
  const { board } = app;
  if (board.ideasOf(key).some((id) => app.pending.has(id))) return h("p", { class: "row-state" }, t("theme.saving"));
  const filed = board.filedTheme(key);
  if (filed) {
    return [
      h("p", { class: "filed-chip", title: pick(filed.label) }, "✓ ", h("span", {}, pick(filed.label))),
      h("button", { type: "button", class: "row-link", "data-act": "unfile", "data-theme": filed.id }, t("theme.take_out_short")),
    ];
  }
  const sugg = board.suggestionsFor(lead.id);
  if (!sugg.length) {
    const why = app.engine === "off" ? "" : board.themes.length ? t("theme.no_suggestion") : t("theme.no_themes_yet");
    return h("p", { class: "row-state" }, why);
  }
  /** @param {Suggestion} s @param {number} rank */
  const button = (s, rank) => {
    const theme = themeOf(board, s.theme);
    return h("button", {
      type: "button",
      class: `sugg sugg-${rank}`,
      "data-act": "file",
      "data-theme": s.theme,
      "data-rank": String(rank),
      title: t("theme.file_under", { label: pick(theme.label) }),
    },
    h("kbd", {}, String(rank)),
    h("span", { class: "sugg-label" }, pick(theme.label)),
    rank === 1 && typeof s.score === "number" ? h("span", { class: "sugg-score" }, fmtPercent(s.score)) : null);
  };
  const [best, ...rest] = sugg;
  return [button(best, 1), rest.length ? h("div", { class: "sugg-more" }, rest.map((s, i) => button(s, i + 2))) : null];
}

/** @param {ThemeApp} app @param {HTMLElement} el @param {string} key */
export function drawRow(app, el, key) {
  const { board } = app;
  const lead = board.lead(key);
  const ids = board.ideasOf(key);
  el.className = "vrow idea-row";
  el.setAttribute("role", "listitem");
  if (!lead) {
    el.replaceChildren(h("p", { class: "row-gone" }, t("theme.row_gone")));
    return;
  }
  const filed = board.filedTheme(key);
  el.classList.toggle("is-selected", app.selected.has(key));
  el.classList.toggle("is-cursor", app.cursor === key);
  el.classList.toggle("is-filed", Boolean(filed));
  el.classList.toggle("is-ghost", app.ghosts.has(key));
  el.classList.toggle("is-group", ids.length > 1);
  if (app.cursor === key) el.setAttribute("aria-current", "true");
  else el.removeAttribute("aria-current");
  el.dataset.idea = lead.id;
  el.dataset.filed = filed ? filed.id : "";
  el.dataset.ideas = String(ids.length);
  const others = ids.filter((id) => id !== lead.id).slice(0, 6).map((id) => `• ${board.known(id).text}`);
  el.replaceChildren(
    h("button", { type: "button", class: "pick", "data-act": "pick", "aria-pressed": String(app.selected.has(key)), "aria-label": t("theme.select_idea") }, app.selected.has(key) ? "✓" : ""),
    h("div", { class: "row-body", "data-act": "cursor" },
      h("p", { class: "row-text", title: [lead.text, ...others].join("\n") }, lead.text),
      h("p", { class: "row-meta" }, meta(app, key, lead, ids))),
    h("div", { class: "row-side" }, side(app, key, lead)),
  );
}

/** "1,234 of 3,000 not filed yet (41%)". @param {Board} board */
export function progressText(board) {
  const total = board.order.length;
  const open = board.unfiledCount();
  return t("theme.progress", { open: fmtNumber(open), total: fmtNumber(total), share: fmtPercent(total ? open / total : 0) });
}
