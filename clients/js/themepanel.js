// @ts-check
// The theme team's side panel: the themes with their counts (rename, merge, delete, take an
// idea out, file the selection into one), the suggested groupings (groupings.js) in a
// second tab, and one step from the themes to a priority question. Each theme's element is
// kept and updated in place, so an open rename field keeps what is being typed.

import { $, h } from "./dom.js";
import { t, pick, errorText, fmtNumber, applyI18n, currentLang } from "./i18n.js";
import { kindName } from "./controls.js";
/** @import { Theme, Option } from "./types.js" */
/** @import { ThemeContext } from "./types-theme.js" */

const IDEAS_LISTED = 30;

/**
 * @typedef {object} ThemeItem  one theme's element in the list, updated in place
 * @property {HTMLElement} li
 * @property {HTMLElement} head
 * @property {HTMLElement} label
 * @property {HTMLElement} stats
 * @property {HTMLElement} list
 * @property {Record<"here" | "ideas" | "rename" | "merge" | "remove", HTMLButtonElement>} buttons
 * @property {string} listStamp  what the open list of ideas shows ("" when closed)
 * @property {HTMLFormElement | null} renameForm  while renaming
 */

export class ThemePanel {
  /** @param {HTMLElement} root @param {ThemeContext} ctx */
  constructor(root, ctx) {
    this.ctx = ctx;
    this.app = ctx.app;
    /** @type {Map<string, ThemeItem>} */
    this.items = new Map(); // theme id -> {li, head, stats, list, buttons}
    /** @type {string | null} */
    this.renaming = null;
    /** @type {Set<string>} */
    this.merging = new Set();
    /** @type {Set<string>} */
    this.expanded = new Set();
    /** @type {{id: string, options: Option[]} | null} */
    this.made = null; // the question made from the themes
    this.tab = "themes";

    this.tabs = ["themes", "groupings"].map((name) => {
      const b = h("button", { type: "button", role: "tab", class: "tab", id: `tab-${name}`, "data-tab": name, "data-i18n": `theme.tab_${name}` });
      b.addEventListener("click", () => this.show(name));
      return b;
    });
    this.list = h("ul", { id: "themes", class: "theme-list" });
    this.empty = h("p", { class: "empty", id: "no-themes", "data-i18n": "theme.no_themes" });
    this.summary = h("p", { class: "themes-summary", id: "themes-summary" });
    this.mergeText = h("span", { class: "merge-n" });
    this.mergeLabel = h("input", { id: "merge-label", class: "input", maxlength: "200", "data-i18n-attr": "aria-label:theme.merged_label" });
    this.mergeForm = h("form", { class: "inline-form" }, this.mergeText, this.mergeLabel, h("button", { type: "submit", class: "btn btn-primary", id: "merge", "data-i18n": "theme.merge" }));
    this.mergeHint = h("p", { class: "hint", "data-i18n": "theme.merge_hint" });
    this.mergeBar = this.buildMergeBar();
    this.kind = h("select", { id: "from-kind", class: "input input-short", "data-i18n-attr": "aria-label:theme.kind" });
    this.makeButton = h("button", { type: "submit", class: "btn btn-primary", id: "make-question", "data-i18n": "theme.make_question" });
    this.questionHint = h("p", { class: "hint" });
    this.madeLine = h("p", { class: "made hidden", id: "made-question", role: "status" });
    this.toQuestion = this.buildToQuestion();
    this.themesPane = h("div", { class: "pane", id: "pane-themes", role: "tabpanel" }, this.summary, this.empty, this.list, this.mergeBar, this.toQuestion);
    this.groupingsBox = h("div", { class: "pane", id: "pane-groupings", role: "tabpanel" });
    root.replaceChildren(h("div", { class: "tabs", role: "tablist" }, this.tabs), this.themesPane, this.groupingsBox);
    applyI18n(root);
    this.show("themes");
  }

  /** @param {string} name  themes or groupings */
  show(name) {
    this.tab = name;
    for (const b of this.tabs) b.setAttribute("aria-selected", String(b.dataset.tab === name));
    this.themesPane.classList.toggle("hidden", name !== "themes");
    this.groupingsBox.classList.toggle("hidden", name !== "groupings");
    if (name === "groupings") this.app.groupings?.update();
  }

  update() {
    const { board } = this.app;
    const themes = board.themes;
    const live = new Set(themes.map((x) => x.id));
    for (const [id, item] of this.items) {
      if (!live.has(id)) {
        item.li.remove();
        this.items.delete(id);
      }
    }
    for (const id of this.merging) if (!live.has(id)) this.merging.delete(id);
    themes.forEach((theme, i) => {
      const item = this.items.get(theme.id) || this.buildItem(theme);
      if (this.list.children[i] !== item.li) this.list.insertBefore(item.li, this.list.children[i] || null);
      this.fillItem(item, theme);
    });
    this.empty.classList.toggle("hidden", themes.length > 0);
    const filed = board.order.length - board.unfiledCount();
    this.summary.textContent = themes.length ? t("theme.themes_summary", { n: themes.length, filed: fmtNumber(filed) }) : "";
    this.tabs[0].textContent = `${t("theme.tab_themes")} (${fmtNumber(themes.length)})`;
    this.drawMergeBar();
    this.drawToQuestion();
  }

  /** @param {Theme} theme @returns {ThemeItem} */
  buildItem(theme) {
    const label = h("h3", { class: "theme-label" });
    const stats = h("p", { class: "theme-stats count" });
    const head = h("div", { class: "theme-head" }, label, stats);
    const list = h("ul", { class: "theme-ideas" });
    /** @param {string} action @param {string} key @param {() => unknown} run */
    const button = (action, key, run, cls = "btn-ghost") => {
      const b = h("button", { type: "button", class: `btn btn-small ${cls}`, "data-action": action }, t(key));
      b.dataset.key = key;
      b.addEventListener("click", run);
      return b;
    };
    const buttons = {
      here: button("file-here", "theme.file_here", () => this.ctx.fileKeys([...this.app.selected], theme.id, { clear: true }), "btn-secondary"),
      ideas: button("ideas", "theme.show_ideas", () => this.toggle(this.expanded, theme.id)),
      rename: button("rename", "theme.rename", () => this.startRename(theme.id)),
      merge: button("merge-pick", "theme.pick_merge", () => this.toggle(this.merging, theme.id)),
      remove: button("delete", "theme.delete", () => this.remove(theme.id)),
    };
    const li = h("li", { class: "theme-item", "data-theme": theme.id }, head, h("div", { class: "actions" }, Object.values(buttons)), list);
    const item = { li, head, label, stats, list, buttons, listStamp: "", renameForm: null };
    this.items.set(theme.id, item);
    return item;
  }

  /** @param {ThemeItem} item @param {Theme} theme */
  fillItem(item, theme) {
    const { board, selected } = this.app;
    if (this.renaming === theme.id) {
      if (!item.renameForm) {
        item.renameForm = this.renameForm(theme);
        item.head.replaceChildren(item.renameForm, item.stats);
        $("input", item.renameForm).focus();
      }
    } else {
      if (item.renameForm) {
        item.renameForm = null;
        item.head.replaceChildren(item.label, item.stats);
      }
      item.label.textContent = pick(theme.label);
    }
    const counts = board.themeCounts(theme);
    item.stats.textContent = t("theme.theme_counts", { n: fmtNumber(counts.ideas), tables: fmtNumber(counts.tables) });
    item.li.dataset.ideas = String(counts.ideas);
    for (const b of Object.values(item.buttons)) b.textContent = t(b.dataset.key ?? "");
    const merging = this.merging.has(theme.id);
    item.li.classList.toggle("is-merging", merging);
    item.buttons.merge.classList.toggle("btn-on", merging);
    item.buttons.merge.setAttribute("aria-pressed", String(merging));
    item.buttons.here.classList.toggle("hidden", !selected.size);
    const open = this.expanded.has(theme.id);
    item.buttons.ideas.setAttribute("aria-expanded", String(open));
    if (open) item.buttons.ideas.textContent = t("theme.show_less");
    const stamp = open ? `${theme.ideas.join(",")}|${board.order.length}` : "";
    if (stamp !== item.listStamp) {
      item.listStamp = stamp;
      item.list.replaceChildren(...(open ? this.ideaLines(theme) : []));
    }
  }

  /** @param {Theme} theme */
  ideaLines(theme) {
    const { board } = this.app;
    const lines = theme.ideas.slice(0, IDEAS_LISTED).map((id) => {
      const out = h("button", { type: "button", class: "x", "aria-label": t("theme.take_out") }, "×");
      out.addEventListener("click", () => this.takeOut(theme.id, id));
      const idea = board.ideas.get(id);
      return h("li", { "data-idea": id }, h("span", {}, idea?.text || id), out);
    });
    if (theme.ideas.length > IDEAS_LISTED) lines.push(h("li", { class: "more" }, t("theme.and_more", { n: theme.ideas.length - IDEAS_LISTED })));
    return lines;
  }

  /** @param {Set<string>} set @param {string} id */
  toggle(set, id) {
    if (set.has(id)) set.delete(id);
    else set.add(id);
    this.update();
  }

  /** @param {string} id */
  startRename(id) {
    this.renaming = id;
    this.update();
  }

  /** @param {Theme} theme */
  renameForm(theme) {
    const input = h("input", { id: "rename-input", class: "input", value: pick(theme.label), maxlength: "200", "aria-label": t("theme.rename") });
    const cancel = h("button", { type: "button", class: "btn btn-ghost btn-small" }, t("theme.cancel"));
    cancel.addEventListener("click", () => {
      this.renaming = null;
      this.update();
    });
    const form = h("form", { class: "inline-form" }, input, h("button", { type: "submit", class: "btn btn-primary btn-small", id: "rename-save" }, t("common.save")), cancel);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const label = input.value.trim();
      if (!label) return;
      try {
        this.ctx.app.board.putTheme(await this.app.filing.rename(theme.id, label));
        this.renaming = null;
        this.update();
        this.ctx.app.list.refresh();
        this.ctx.notify(t("theme.renamed"), "ok", { key: "filed" });
      } catch (err) {
        this.ctx.notify(errorText(err.code, err.detail), "error");
      }
    });
    return form;
  }

  /** @param {string} themeId @param {string} ideaId */
  async takeOut(themeId, ideaId) {
    try {
      this.ctx.refreshIdeas(this.app.board.putTheme(await this.app.filing.remove(themeId, [ideaId])));
      this.ctx.scheduleSync();
    } catch (err) {
      this.ctx.notify(errorText(err.code, err.detail), "error");
    }
  }

  /** @param {string} id */
  async remove(id) {
    const theme = this.app.board.themeById.get(id);
    if (!theme || !confirm(t("theme.delete_confirm", { label: pick(theme.label) }))) return;
    try {
      await this.app.filing.deleteTheme(id);
      await this.reload();
    } catch (err) {
      this.ctx.notify(errorText(err.code, err.detail), "error");
    }
  }

  /** The themes as the server has them now (after a merge or a delete). */
  async reload() {
    const { themes } = await this.ctx.call("GET", "/themes");
    this.ctx.refreshIdeas(this.app.board.setThemes(themes));
    this.ctx.scheduleSync();
    this.update();
  }

  buildMergeBar() {
    this.mergeForm.addEventListener("submit", (e) => {
      e.preventDefault();
      this.merge();
    });
    return h("div", { class: "merge-bar", id: "merge-bar" }, this.mergeHint, this.mergeForm);
  }

  drawMergeBar() {
    const picked = this.app.board.themes.filter((x) => this.merging.has(x.id));
    const on = picked.length >= 2;
    const form = this.mergeForm;
    if (on && form.classList.contains("hidden")) this.mergeLabel.value = pick(picked[0].label);
    form.classList.toggle("hidden", !on);
    this.mergeHint.classList.toggle("hidden", on || this.app.board.themes.length < 2);
    this.mergeText.textContent = t("theme.merge_n", { n: picked.length });
  }

  async merge() {
    const ids = this.app.board.themes.filter((x) => this.merging.has(x.id)).map((x) => x.id);
    if (ids.length < 2) return;
    try {
      await this.app.filing.merge(ids, this.mergeLabel.value.trim());
      this.merging.clear();
      await this.reload();
      this.ctx.notify(t("theme.merged"), "ok", { key: "filed" });
    } catch (err) {
      this.ctx.notify(errorText(err.code, err.detail), "error");
    }
  }

  buildToQuestion() {
    const kind = this.kind;
    const prompt = h("input", { id: "from-prompt", class: "input", maxlength: "500", "data-i18n-attr": "placeholder:theme.prompt_default;aria-label:theme.prompt" });
    const form = h("form", { class: "question-form" },
      h("h3", { "data-i18n": "theme.to_question" }),
      this.questionHint,
      h("div", { class: "inline-form" }, kind, prompt, this.makeButton));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const n = this.app.board.themes.length;
      /** @type {{kind: string, prompt?: string, max_choices?: number, points?: number}} */
      const body = { kind: kind.value };
      if (prompt.value.trim()) body.prompt = prompt.value.trim();
      if (kind.value === "multiple") body.max_choices = Math.min(3, n);
      if (kind.value === "points") body.points = 5;
      try {
        this.made = await this.ctx.call("POST", "/questions/from-themes", body);
        this.drawToQuestion();
      } catch (err) {
        this.ctx.notify(errorText(err.code, err.detail), "error");
      }
    });
    return h("div", { class: "to-question", id: "to-question" }, form, this.madeLine);
  }

  drawToQuestion() {
    const n = this.app.board.themes.length;
    const kinds = ["ranked", "single", "multiple", "points"];
    if (this.kind.dataset.lang !== currentLang()) {
      const value = this.kind.value || "ranked";
      this.kind.replaceChildren(...kinds.map((k) => h("option", { value: k }, kindName(k))));
      this.kind.value = value;
      this.kind.dataset.lang = currentLang();
    }
    this.questionHint.textContent = t("theme.to_question_hint", { n });
    this.makeButton.disabled = n < 2;
    this.madeLine.classList.toggle("hidden", !this.made);
    if (this.made) {
      this.madeLine.dataset.question = this.made.id;
      this.madeLine.textContent = t("theme.made", { id: this.made.id, n: fmtNumber(this.made.options.length) });
    }
  }
}
