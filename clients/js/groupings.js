// @ts-check
// Suggested groupings (POST …/themes/suggest): the engine proposes groups of the ideas not
// filed yet, each with a proposed Thai name. Nothing is stored until the team accepts a
// group (it becomes a theme with those ideas); before that they rename it, split ideas off
// (into a group of their own, or back to the list) and merge groups. A card is drawn again
// only when its own ideas change, so a name being typed stays.

import { h } from "./dom.js";
import { t, errorText, fmtNumber, applyI18n } from "./i18n.js";
import { Conflict } from "./filing.js";
import { cutWords } from "./words.js";
/** @import { ThemeContext } from "./types-theme.js" */

const SHOWN = 5;
const MAX_IDEAS = 5000;

/**
 * @typedef {object} Proposal  a group the engine proposed, as the team is shaping it
 * @property {number} id  this page's
 * @property {string} label  the name, as typed
 * @property {string[]} ideas
 * @property {string[]} keywords
 * @property {Set<string>} picked  ideas ticked to split off
 * @property {boolean} merging  ticked to merge with others
 * @property {boolean} open  every idea listed
 */

export class Groupings {
  /** @param {HTMLElement} box @param {ThemeContext} ctx */
  constructor(box, ctx) {
    this.ctx = ctx;
    this.app = ctx.app;
    /** @type {Proposal[]} */
    this.proposals = [];
    /** @type {Map<number, HTMLElement>} */
    this.cards = new Map(); // proposal id -> element
    this.seq = 0;
    this.scope = h("p", { class: "hint", id: "suggest-scope" });
    this.button = h("button", { type: "button", class: "btn btn-primary", id: "suggest-groups", "data-i18n": "theme.suggest_groups" });
    this.button.addEventListener("click", () => this.suggest());
    this.mergeButton = h("button", { type: "button", class: "btn btn-secondary hidden", id: "merge-groups" });
    this.mergeButton.addEventListener("click", () => this.mergePicked());
    this.list = h("div", { class: "proposals", id: "groupings" });
    box.append(
      h("p", { class: "hint", "data-i18n": "theme.groupings_hint" }),
      h("div", { class: "inline-form" }, this.button, this.mergeButton),
      this.scope,
      this.list,
    );
    applyI18n(box);
  }

  /** The unfiled ideas the list's filters show (all unfiled ideas when none is set). @returns {string[] | null} */
  scopeIdeas() {
    const { board, filter } = this.app;
    const narrowed = filter.round || filter.site || filter.table || filter.search.trim();
    if (!narrowed) return null;
    return board.rows({ ...filter, status: "unfiled", group: false }).map((key) => key.slice(2));
  }

  update() {
    const ids = this.scopeIdeas();
    const n = ids ? ids.length : this.app.board.unfiledCount();
    this.scope.textContent = t(ids ? "theme.suggest_scope_filtered" : "theme.suggest_scope", { n: fmtNumber(n) });
    for (const p of this.proposals) this.drawStats(p);
    const picked = this.proposals.filter((p) => p.merging);
    this.mergeButton.classList.toggle("hidden", picked.length < 2);
    this.mergeButton.textContent = t("theme.merge_groups", { n: picked.length });
  }

  async suggest() {
    const ids = this.scopeIdeas();
    const body = ids ? { ideas: ids.slice(0, MAX_IDEAS) } : {};
    if (ids && !ids.length) return this.ctx.notify(t("theme.nothing_to_group"), "info");
    this.button.disabled = true;
    this.button.textContent = t("theme.suggesting");
    try {
      const answer = await this.ctx.call("POST", "/themes/suggest", body);
      /** @type {{label?: string, ideas?: string[], keywords?: string[]}[]} */
      const groups = answer.groups || [];
      this.proposals = groups.map((g) => this.proposal(g.label, g.ideas || [], g.keywords || []));
      this.drawAll();
      if (!this.proposals.length) this.ctx.notify(t("theme.nothing_to_group"), "info");
    } catch (err) {
      const off = err.status === 404 || err.status === 405 || err.status === 503;
      this.ctx.notify(off ? t("theme.groupings_off") : errorText(err.code, err.detail), "error");
    } finally {
      this.button.disabled = false;
      this.button.textContent = t("theme.suggest_groups");
    }
  }

  /** @param {string | undefined} label @param {string[]} ideas @param {string[]} [keywords] @returns {Proposal} */
  proposal(label, ideas, keywords = []) {
    return { id: ++this.seq, label: label || "", ideas: [...ideas], keywords, picked: new Set(), merging: false, open: false };
  }

  drawAll() {
    this.cards.clear();
    this.list.replaceChildren(...this.proposals.map((p) => this.card(p)));
    this.update();
  }

  /** Draw `p`'s card again; answers it. @param {Proposal} p */
  redraw(p) {
    const old = this.cards.get(p.id);
    const next = this.card(p);
    if (old) old.replaceWith(next);
    else this.list.append(next);
    this.update();
    return next;
  }

  /** @param {Proposal} p */
  drop(p) {
    this.cards.get(p.id)?.remove();
    this.cards.delete(p.id);
    this.proposals = this.proposals.filter((x) => x !== p);
    this.update();
  }

  /** @param {Proposal} p */
  card(p) {
    const { board } = this.app;
    const name = h("input", { class: "input proposal-name", value: p.label, maxlength: "200", "aria-label": t("theme.proposed_name") });
    name.addEventListener("input", () => (p.label = name.value));
    const merge = h("input", { type: "checkbox", "data-action": "merge-pick", checked: p.merging, "aria-label": t("theme.pick_merge") });
    merge.addEventListener("change", () => {
      p.merging = merge.checked;
      this.update();
    });
    const shown = p.open ? p.ideas : p.ideas.slice(0, SHOWN);
    const lines = shown.map((id) => {
      const pickBox = h("input", { type: "checkbox", checked: p.picked.has(id), "aria-label": t("theme.pick_split") });
      pickBox.addEventListener("change", () => {
        if (pickBox.checked) p.picked.add(id);
        else p.picked.delete(id);
        split.disabled = !p.picked.size;
      });
      const out = h("button", { type: "button", class: "x", "data-action": "remove-idea", "aria-label": t("theme.remove_from_group") }, "×");
      out.addEventListener("click", () => {
        p.ideas = p.ideas.filter((x) => x !== id);
        p.picked.delete(id);
        if (p.ideas.length) this.redraw(p);
        else this.drop(p);
      });
      const idea = board.ideas.get(id);
      return h("li", { "data-idea": id }, h("label", { class: "proposal-idea" }, pickBox, h("span", { title: idea?.text || "" }, cutWords(idea?.text || id, 90))), out);
    });
    const more = p.ideas.length > SHOWN
      ? h("button", { type: "button", class: "link-button", "aria-expanded": String(p.open) }, p.open ? t("theme.show_less") : t("theme.show_all", { n: p.ideas.length }))
      : null;
    more?.addEventListener("click", () => {
      p.open = !p.open;
      this.redraw(p);
    });
    const accept = h("button", { type: "button", class: "btn btn-primary btn-small", "data-action": "accept" }, t("theme.accept_group"));
    accept.addEventListener("click", () => this.accept(p, accept));
    const split = h("button", { type: "button", class: "btn btn-ghost btn-small", "data-action": "split", disabled: !p.picked.size }, t("theme.split_group"));
    split.addEventListener("click", () => this.split(p));
    const dismiss = h("button", { type: "button", class: "btn btn-ghost btn-small", "data-action": "dismiss" }, t("theme.dismiss_group"));
    dismiss.addEventListener("click", () => this.drop(p));
    const el = h("article", { class: "proposal", "data-proposal": String(p.id) },
      h("div", { class: "proposal-head" }, merge, name),
      h("p", { class: "proposal-stats" }),
      p.keywords.length ? h("p", { class: "keywords" }, t("theme.keywords", { words: p.keywords.join(", ") })) : null,
      h("ul", { class: "proposal-ideas" }, lines),
      more,
      h("div", { class: "actions" }, accept, split, dismiss));
    this.cards.set(p.id, el);
    this.drawStats(p, el);
    return el;
  }

  /** @param {Proposal} p @param {HTMLElement} [el] */
  drawStats(p, el = this.cards.get(p.id)) {
    const stats = el?.querySelector(".proposal-stats");
    if (!stats) return;
    const { board } = this.app;
    const tables = new Set(p.ideas.map((id) => board.ideas.get(id)?.table)).size;
    const filed = p.ideas.filter((id) => board.filedIn.has(id)).length;
    stats.textContent = [
      t("theme.theme_counts", { n: fmtNumber(p.ideas.length), tables: fmtNumber(tables) }),
      filed ? t("theme.n_filed", { n: filed }) : "",
    ].filter(Boolean).join(" · ");
  }

  /** @param {Proposal} p */
  split(p) {
    const off = p.ideas.filter((id) => p.picked.has(id));
    if (!off.length || off.length === p.ideas.length) return;
    p.ideas = p.ideas.filter((id) => !p.picked.has(id));
    p.picked.clear();
    const part = this.proposal(p.label, off, p.keywords);
    this.proposals.splice(this.proposals.indexOf(p) + 1, 0, part);
    this.redraw(p).after(this.card(part));
    this.update();
  }

  mergePicked() {
    const [keep, ...rest] = this.proposals.filter((p) => p.merging);
    if (!rest.length) return;
    keep.ideas = [...new Set([...keep.ideas, ...rest.flatMap((p) => p.ideas)])];
    keep.keywords = [...new Set([...keep.keywords, ...rest.flatMap((p) => p.keywords)])].slice(0, 8);
    keep.merging = false;
    for (const p of rest) this.drop(p);
    this.redraw(keep);
  }

  /** The group as a new theme, with its ideas no one has filed meanwhile. @param {Proposal} p @param {HTMLButtonElement} button */
  async accept(p, button) {
    const label = p.label.trim();
    if (!label) {
      /** @type {HTMLInputElement | null | undefined} */ (this.cards.get(p.id)?.querySelector(".proposal-name"))?.focus();
      return;
    }
    const { board, filing } = this.app;
    const ids = p.ideas.filter((id) => !board.filedIn.has(id));
    button.disabled = true;
    try {
      let theme;
      try {
        theme = await filing.create(label, ids);
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
        theme = await filing.create(label, ids.filter((id) => !err.filed[id]));
        this.ctx.conflictNotice(err.filed, theme.id);
      }
      this.ctx.refreshIdeas(board.putTheme(theme));
      this.ctx.scheduleSync();
      this.drop(p);
      this.ctx.notify(t("theme.made_theme", { label, n: theme.ideas.length }), "ok", { key: "filed" });
    } catch (err) {
      button.disabled = false;
      this.ctx.notify(errorText(err.code, err.detail), "error");
    }
  }
}
