// @ts-check
// The theme team's board, without the page: every idea, the themes, what is filed where,
// the engine's suggestions and its near-duplicate groups, and the rows a filter shows.
//
// A row is an idea ("i:<idea id>") or a group of ideas that make the same point
// ("g:<group id>"), shown once where its oldest idea would stand. Groups come from the
// engine's board (`duplicates`, authoritative) and, between two readings of it, from the
// `similar` ideas of the `suggestions` event (provisional groups, "s…").

export const ideaKey = (id) => `i:${id}`;
export const groupKey = (id) => `g:${id}`;

export class Board {
  constructor() {
    this.ideas = new Map(); // id -> idea
    this.order = []; // idea ids, oldest first
    this.pos = new Map(); // idea id -> its place in order
    this.themes = [];
    this.themeById = new Map();
    this.filedIn = new Map(); // idea id -> theme id
    this.suggested = new Map(); // idea id -> [{theme, score}] best first
    this.groupOf = new Map(); // idea id -> group id
    this.groups = new Map(); // group id -> {id, ideas: [ids], tables, sites}
    this.encoded = null; // ideas the engine has read (null: unknown)
    this.total = null;
    this.version = 0; // bumped by every change a row may show
  }

  /** Add ideas (any order, repeats ignored); answers the ones that were new. */
  addIdeas(list) {
    const added = [];
    for (const idea of list || []) {
      if (!idea?.id || this.ideas.has(idea.id)) continue;
      this.ideas.set(idea.id, idea);
      const last = this.ideas.get(this.order[this.order.length - 1]);
      this.pos.set(idea.id, this.order.length);
      this.order.push(idea.id);
      if (last && (idea.at ?? 0) < (last.at ?? 0)) this.sorted = false;
      added.push(idea);
    }
    if (this.sorted === false) {
      const rank = new Map(this.order.map((id, i) => [id, i]));
      const at = (id) => this.ideas.get(id).at ?? 0;
      this.order.sort((a, b) => at(a) - at(b) || (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
      this.order.forEach((id, i) => this.pos.set(id, i));
      this.sorted = true;
    }
    if (added.length) this.version++;
    return added;
  }

  /** The whole list of themes (a `themes` event or a reading); answers the idea ids whose
   * theme changed. */
  setThemes(themes) {
    const before = this.filedIn;
    this.themes = themes || [];
    this.themeById = new Map(this.themes.map((t) => [t.id, t]));
    this.filedIn = new Map();
    for (const theme of this.themes) for (const id of theme.ideas || []) if (!this.filedIn.has(id)) this.filedIn.set(id, theme.id);
    const changed = new Set();
    for (const [id, t] of before) if (this.filedIn.get(id) !== t) changed.add(id);
    for (const [id, t] of this.filedIn) if (before.get(id) !== t) changed.add(id);
    this.version++;
    return changed;
  }

  /** The `themes_changed` event: themes written (whole) and ids deleted, merged in order. */
  applyChanges(written = [], deleted = []) {
    const gone = new Set(deleted);
    const byId = new Map(written.map((t) => [t.id, t]));
    const next = this.themes.filter((t) => !gone.has(t.id)).map((t) => byId.get(t.id) || t);
    for (const t of written) if (!this.themeById.has(t.id) && !gone.has(t.id)) next.push(t);
    return this.setThemes(next);
  }

  /** One theme as an answer gave it (created, or ideas added or removed). */
  putTheme(theme) {
    const others = this.themes.filter((t) => t.id !== theme.id).map((t) => ({ ...t, ideas: (t.ideas || []).filter((i) => !theme.ideas.includes(i)) }));
    const at = this.themes.findIndex((t) => t.id === theme.id);
    if (at >= 0) others.splice(at, 0, theme);
    else others.push(theme);
    return this.setThemes(others);
  }

  /** The `suggestions` event: {idea: {themes, similar}}. */
  addSuggestions(ideas) {
    for (const [id, s] of Object.entries(ideas || {})) {
      if (Array.isArray(s.themes)) this.suggested.set(id, s.themes);
      for (const near of s.similar || []) if (near?.idea && this.ideas.has(near.idea)) this.joinGroup(id, near.idea);
    }
    this.version++;
  }

  /** The engine's whole board (GET …/themes/suggestions). */
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

  /** Put `a` in `b`'s group (a provisional one when `b` has none). */
  joinGroup(a, b) {
    const ga = this.groupOf.get(a);
    const gb = this.groupOf.get(b);
    if (ga && ga === gb) return;
    if (ga && gb) {
      // two groups meet: the larger takes the other in
      const [keep, gone] = this.groups.get(ga).ideas.length >= this.groups.get(gb).ideas.length ? [ga, gb] : [gb, ga];
      for (const id of this.groups.get(gone).ideas) this.addToGroup(keep, id);
      this.groups.delete(gone);
      return;
    }
    const id = ga || gb || `s${b}`;
    if (!this.groups.has(id)) this.groups.set(id, { id, ideas: [] });
    this.addToGroup(id, a);
    this.addToGroup(id, b);
  }

  addToGroup(gid, idea) {
    const g = this.groups.get(gid);
    if (!g.ideas.includes(idea)) g.ideas.push(idea);
    this.groupOf.set(idea, gid);
    g.tables = new Set(g.ideas.map((i) => this.ideas.get(i)?.table)).size;
    g.sites = [...new Set(g.ideas.map((i) => this.ideas.get(i)?.site).filter(Boolean))];
  }

  /** The themes the engine suggests for an idea, best first, that still exist. */
  suggestionsFor(id) {
    return (this.suggested.get(id) || []).filter((s) => this.themeById.has(s.theme)).slice(0, 3);
  }

  /** The ideas a row stands for, oldest first. */
  ideasOf(key) {
    if (key.startsWith("i:")) return this.ideas.has(key.slice(2)) ? [key.slice(2)] : [];
    const g = this.groups.get(key.slice(2));
    if (!g) return [];
    return [...g.ideas].sort((a, b) => this.pos.get(a) - this.pos.get(b));
  }

  /** What a tap on a row files: its idea, or the group's ideas not filed anywhere yet. */
  toFile(key) {
    if (key.startsWith("i:")) return this.ideasOf(key);
    return this.ideasOf(key).filter((id) => !this.filedIn.has(id));
  }

  /** The idea a row shows first (its own, or the group's oldest unfiled, else its oldest). */
  lead(key) {
    const ids = this.ideasOf(key);
    return this.ideas.get(ids.find((id) => !this.filedIn.has(id)) || ids[0]) || null;
  }

  /** A row is filed when all its ideas are; answers the theme of its lead when it is. */
  filedTheme(key) {
    const ids = this.ideasOf(key);
    if (!ids.length || ids.some((id) => !this.filedIn.has(id))) return null;
    return this.themeById.get(this.filedIn.get(ids[0])) || null;
  }

  unfiledCount() {
    let n = 0;
    for (const id of this.order) if (!this.filedIn.has(id)) n++;
    return n;
  }

  /** Counts per theme: {ideas, tables} from the ideas this board knows. */
  themeCounts(theme) {
    const tables = new Set();
    for (const id of theme.ideas || []) {
      const idea = this.ideas.get(id);
      if (idea) tables.add(idea.table);
    }
    return { ideas: (theme.ideas || []).length, tables: tables.size };
  }

  /** The rows a filter shows, oldest first:
   * {status: "unfiled"|"all", round, site, table, search, group: bool}. */
  rows(filter) {
    const out = [];
    const seen = new Set();
    const needle = (filter.search || "").trim().toLowerCase();
    for (const id of this.order) {
      const idea = this.ideas.get(id);
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
    return [...new Set(this.order.map((id) => this.ideas.get(id).round).filter(Boolean))].sort();
  }

  tables() {
    return [...new Set(this.order.map((id) => this.ideas.get(id).table))].sort((a, b) => a - b);
  }
}
