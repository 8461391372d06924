// @ts-check
// The theme team's board, without the page: every idea, the themes, what is filed where,
// the engine's suggestions and its near-duplicate groups, and the rows a filter shows.
//
// A row is an idea ("i:<idea id>") or a group of ideas that make the same point
// ("g:<group id>"), shown once where its oldest idea would stand. Groups come from the
// engine's board (`duplicates`, authoritative) and, between two readings of it, from the
// `similar` ideas of the `suggestions` event (provisional groups, "s…").

/** @import { Idea, Theme } from "./types.js" */

/** @typedef {{theme: string, label?: string, score?: number}} Suggestion  a theme the engine suggests for an idea */
/**
 * @typedef {object} DupGroup  ideas that make the same point: the engine's ("d…") or provisional ("s…")
 * @property {string} id
 * @property {string[]} ideas
 * @property {number} [tables]  how many distinct tables said it
 * @property {string[]} [sites]
 */
/** @typedef {{themes?: Suggestion[], similar?: {idea: string, score?: number}[], dup?: number}} IdeaSuggestions  one idea's entry of the `suggestions` event or the board */
/**
 * @typedef {object} BoardAnswer  GET …/themes/suggestions
 * @property {Record<string, IdeaSuggestions>} [ideas]
 * @property {{id: number | string, ideas?: string[], tables?: number, sites?: string[]}[]} [duplicates]
 * @property {number | null} [encoded]
 * @property {number | null} [ideas_total]
 */
/**
 * @typedef {object} RowFilter  what the list shows
 * @property {string} status  "unfiled" or "all"
 * @property {string} [round]
 * @property {string} [site]
 * @property {string} [table]
 * @property {string} [search]
 * @property {boolean} [group]  near-duplicates as one row
 */

/** A text that is there (what `.filter(Boolean)` keeps). @param {string | null | undefined} s @returns {s is string} */
const isText = (s) => Boolean(s);

/** @param {string} id */
export const ideaKey = (id) => `i:${id}`;
/** @param {string} id */
export const groupKey = (id) => `g:${id}`;

export class Board {
  constructor() {
    /** @type {Map<string, Idea>} */
    this.ideas = new Map(); // id -> idea
    /** @type {string[]} */
    this.order = []; // idea ids, oldest first
    /** @type {Map<string, number>} */
    this.pos = new Map(); // idea id -> its place in order
    /** @type {boolean | undefined} */
    this.sorted = undefined; // false while ideas came out of order
    /** @type {Theme[]} */
    this.themes = [];
    /** @type {Map<string, Theme>} */
    this.themeById = new Map();
    /** @type {Map<string, string>} */
    this.filedIn = new Map(); // idea id -> theme id
    /** @type {Map<string, Suggestion[]>} */
    this.suggested = new Map(); // idea id -> [{theme, score}] best first
    /** @type {Map<string, string>} */
    this.groupOf = new Map(); // idea id -> group id
    /** @type {Map<string, DupGroup>} */
    this.groups = new Map(); // group id -> {id, ideas: [ids], tables, sites}
    /** @type {number | null} */
    this.encoded = null; // ideas the engine has read (null: unknown)
    /** @type {number | null} */
    this.total = null;
    this.version = 0; // bumped by every change a row may show
  }

  /** An idea of `order` (every one is in `ideas`). @param {string} id @returns {Idea} */
  known(id) {
    const idea = this.ideas.get(id);
    if (!idea) throw new Error(`board: idea ${id} is listed but not known`);
    return idea;
  }

  /** A group this board holds. @param {string} id @returns {DupGroup} */
  group(id) {
    const g = this.groups.get(id);
    if (!g) throw new Error(`board: no group ${id}`);
    return g;
  }

  /**
   * Add ideas (any order, repeats ignored); answers the ones that were new.
   * @param {Idea[] | null | undefined} list
   * @returns {Idea[]}
   */
  addIdeas(list) {
    const added = [];
    for (const idea of list || []) {
      if (!idea?.id || this.ideas.has(idea.id)) continue;
      this.ideas.set(idea.id, idea);
      const last = this.order.length ? this.ideas.get(this.order[this.order.length - 1]) : undefined;
      this.pos.set(idea.id, this.order.length);
      this.order.push(idea.id);
      if (last && (idea.at ?? 0) < (last.at ?? 0)) this.sorted = false;
      added.push(idea);
    }
    if (this.sorted === false) {
      const rank = new Map(this.order.map((id, i) => [id, i]));
      /** @param {string} id */
      const at = (id) => this.known(id).at ?? 0;
      this.order.sort((a, b) => at(a) - at(b) || (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
      this.order.forEach((id, i) => this.pos.set(id, i));
      this.sorted = true;
    }
    if (added.length) this.version++;
    return added;
  }

  /** The whole list of themes (a `themes` event or a reading); answers the idea ids whose
   * theme changed.
   * @param {Theme[] | null | undefined} themes
   * @returns {Set<string>}
   */
  setThemes(themes) {
    const before = this.filedIn;
    this.themes = themes || [];
    this.themeById = new Map(this.themes.map((t) => [t.id, t]));
    this.filedIn = new Map();
    for (const theme of this.themes) for (const id of theme.ideas || []) if (!this.filedIn.has(id)) this.filedIn.set(id, theme.id);
    /** @type {Set<string>} */
    const changed = new Set();
    for (const [id, t] of before) if (this.filedIn.get(id) !== t) changed.add(id);
    for (const [id, t] of this.filedIn) if (before.get(id) !== t) changed.add(id);
    this.version++;
    return changed;
  }

  /**
   * The `themes_changed` event: themes written (whole) and ids deleted, merged in order.
   * @param {Theme[]} [written]
   * @param {string[]} [deleted]
   */
  applyChanges(written = [], deleted = []) {
    const gone = new Set(deleted);
    const byId = new Map(written.map((t) => [t.id, t]));
    const next = this.themes.filter((t) => !gone.has(t.id)).map((t) => byId.get(t.id) || t);
    for (const t of written) if (!this.themeById.has(t.id) && !gone.has(t.id)) next.push(t);
    return this.setThemes(next);
  }

  /** One theme as an answer gave it (created, or ideas added or removed). @param {Theme} theme */
  putTheme(theme) {
    const others = this.themes.filter((t) => t.id !== theme.id).map((t) => ({ ...t, ideas: (t.ideas || []).filter((i) => !theme.ideas.includes(i)) }));
    const at = this.themes.findIndex((t) => t.id === theme.id);
    if (at >= 0) others.splice(at, 0, theme);
    else others.push(theme);
    return this.setThemes(others);
  }

  /** The `suggestions` event: {idea: {themes, similar}}. @param {Record<string, IdeaSuggestions> | null | undefined} ideas */
  addSuggestions(ideas) {
    for (const [id, s] of Object.entries(ideas || {})) {
      if (Array.isArray(s.themes)) this.suggested.set(id, s.themes);
      for (const near of s.similar || []) if (near?.idea && this.ideas.has(near.idea)) this.joinGroup(id, near.idea);
    }
    this.version++;
  }

  /** The engine's whole board (GET …/themes/suggestions). @param {BoardAnswer} answer */
  setBoard(answer) {
    for (const [id, s] of Object.entries(answer.ideas || {})) if (Array.isArray(s.themes)) this.suggested.set(id, s.themes);
    this.groupOf = new Map();
    this.groups = new Map();
    for (const g of answer.duplicates || []) {
      const ideas = (g.ideas || []).filter((id) => this.ideas.has(id));
      if (ideas.length < 2) continue;
      const id = `d${g.id}`;
      this.groups.set(id, { id, ideas, tables: g.tables, sites: g.sites || [] });
      for (const i of ideas) this.groupOf.set(i, id);
    }
    this.encoded = answer.encoded ?? null;
    this.total = answer.ideas_total ?? null;
    this.version++;
  }

  /** Put `a` in `b`'s group (a provisional one when `b` has none). @param {string} a @param {string} b */
  joinGroup(a, b) {
    const ga = this.groupOf.get(a);
    const gb = this.groupOf.get(b);
    if (ga && ga === gb) return;
    if (ga && gb) {
      // two groups meet: the larger takes the other in
      const [keep, gone] = this.group(ga).ideas.length >= this.group(gb).ideas.length ? [ga, gb] : [gb, ga];
      for (const id of this.group(gone).ideas) this.addToGroup(keep, id);
      this.groups.delete(gone);
      return;
    }
    const id = ga || gb || `s${b}`;
    if (!this.groups.has(id)) this.groups.set(id, { id, ideas: [] });
    this.addToGroup(id, a);
    this.addToGroup(id, b);
  }

  /** @param {string} gid @param {string} idea */
  addToGroup(gid, idea) {
    const g = this.group(gid);
    if (!g.ideas.includes(idea)) g.ideas.push(idea);
    this.groupOf.set(idea, gid);
    g.tables = new Set(g.ideas.map((i) => this.ideas.get(i)?.table)).size;
    g.sites = [...new Set(g.ideas.map((i) => this.ideas.get(i)?.site).filter(isText))];
  }

  /** The themes the engine suggests for an idea, best first, that still exist. @param {string} id */
  suggestionsFor(id) {
    return (this.suggested.get(id) || []).filter((s) => this.themeById.has(s.theme)).slice(0, 3);
  }

  /** The ideas a row stands for, oldest first. @param {string} key @returns {string[]} */
  ideasOf(key) {
    if (key.startsWith("i:")) return this.ideas.has(key.slice(2)) ? [key.slice(2)] : [];
    const g = this.groups.get(key.slice(2));
    if (!g) return [];
    return [...g.ideas].sort((a, b) => (this.pos.get(a) ?? 0) - (this.pos.get(b) ?? 0));
  }

  /** What a tap on a row files: its idea, or the group's ideas not filed anywhere yet. @param {string} key */
  toFile(key) {
    if (key.startsWith("i:")) return this.ideasOf(key);
    return this.ideasOf(key).filter((id) => !this.filedIn.has(id));
  }

  /** The idea a row shows first (its own, or the group's oldest unfiled, else its oldest). @param {string} key */
  lead(key) {
    const ids = this.ideasOf(key);
    const id = ids.find((id) => !this.filedIn.has(id)) || ids[0];
    return (id !== undefined && this.ideas.get(id)) || null;
  }

  /** A row is filed when all its ideas are; answers the theme of its lead when it is. @param {string} key */
  filedTheme(key) {
    const ids = this.ideasOf(key);
    const first = ids.length ? this.filedIn.get(ids[0]) : undefined;
    if (first === undefined || ids.some((id) => !this.filedIn.has(id))) return null;
    return this.themeById.get(first) || null;
  }

  unfiledCount() {
    let n = 0;
    for (const id of this.order) if (!this.filedIn.has(id)) n++;
    return n;
  }

  /** Counts per theme: {ideas, tables} from the ideas this board knows. @param {Theme} theme */
  themeCounts(theme) {
    const tables = new Set();
    for (const id of theme.ideas || []) {
      const idea = this.ideas.get(id);
      if (idea) tables.add(idea.table);
    }
    return { ideas: (theme.ideas || []).length, tables: tables.size };
  }

  /** The rows a filter shows, oldest first:
   * {status: "unfiled"|"all", round, site, table, search, group: bool}.
   * @param {RowFilter} filter
   * @returns {string[]}
   */
  rows(filter) {
    const out = [];
    const seen = new Set();
    const needle = (filter.search || "").trim().toLowerCase();
    for (const id of this.order) {
      const idea = this.known(id);
      if (filter.round && idea.round !== filter.round) continue;
      if (filter.site && idea.site !== filter.site) continue;
      if (filter.table && String(idea.table) !== String(filter.table)) continue;
      if (needle && !idea.text.toLowerCase().includes(needle)) continue;
      const gid = filter.group ? this.groupOf.get(id) : null;
      if (gid) {
        if (seen.has(gid)) continue;
        const key = groupKey(gid);
        if (filter.status === "unfiled" && !this.toFile(key).length) continue;
        seen.add(gid);
        out.push(key);
      } else if (filter.status !== "unfiled" || !this.filedIn.has(id)) {
        out.push(ideaKey(id));
      }
    }
    return out;
  }

  rounds() {
    return [...new Set(this.order.map((id) => this.known(id).round).filter(isText))].sort();
  }

  tables() {
    return [...new Set(this.order.map((id) => this.known(id).table))].sort((a, b) => a - b);
  }
}
