// The theme team: the idea stream live; select ideas and file them under a theme; rename,
// merge and delete themes; one step from the themes to a new priority question.

import { api } from "./api.js";
import { Connection } from "./connection.js";
import { $, h, clear, toast } from "./dom.js";
import { t, pick, errorText, fmtTime, fmtNumber } from "./i18n.js";
import { obtainSession, forgetSession } from "./session.js";
import { startPage, statusBar } from "./ui.js";
import { kindName } from "./controls.js";

const app = {
  session: null,
  conn: null,
  meeting: null,
  ideas: [],
  themes: [],
  selected: new Set(), // idea ids
  merging: new Set(), // theme ids
  filter: "unfiled",
  round: "",
  renaming: null,
  expanded: new Set(), // themes whose every idea is listed
  made: null, // the last question made from the themes
};

async function main() {
  await startPage();
  app.session = await obtainSession("theme", $("#main"), { titleKey: "theme.title" });
  app.conn = new Connection({
    token: app.session.token,
    onWelcome,
    onEvent,
    onError: (e) => toast(errorText(e.code, e.message), "error"),
    onFatal: () => {
      forgetSession("theme");
      location.reload();
    },
  });
  statusBar({ connection: app.conn });
  window.addEventListener("langchange", render);
  app.conn.start();
}

function call(method, path, body) {
  return api(method, `/api/meetings/${app.session.meeting}${path}`, { token: app.session.token, body });
}

function onWelcome(welcome) {
  app.meeting = welcome.state.meeting;
  const known = new Map(app.ideas.map((i) => [i.id, i]));
  for (const idea of welcome.state.ideas || []) known.set(idea.id, idea);
  app.ideas = [...known.values()];
  app.themes = welcome.state.themes || [];
  render();
}

function onEvent(message) {
  if (message.event === "idea") {
    if (!app.ideas.some((i) => i.id === message.idea.id)) {
      app.ideas.push(message.idea);
      drawIdeas();
    }
  } else if (message.event === "themes") {
    app.themes = message.themes;
    drawIdeas();
    drawThemes();
  }
}

function themeOf(ideaId) {
  return app.themes.filter((th) => th.ideas.includes(ideaId));
}

async function act(fn, done) {
  try {
    await fn();
    if (done) toast(done, "ok", 2000);
  } catch (err) {
    toast(errorText(err.code, err.detail), "error", 6000);
  }
}

async function saveTheme(body) {
  const saved = await call("POST", "/themes", body);
  const i = app.themes.findIndex((th) => th.id === saved.id);
  if (i >= 0) app.themes[i] = saved;
  else app.themes.push(saved);
  return saved;
}

/** File the selected ideas under `target` (a theme id, or null: a new theme `label`). */
async function file(target, label) {
  const ideas = [...app.selected];
  if (!ideas.length) return;
  let theme;
  if (target) {
    const current = app.themes.find((th) => th.id === target);
    theme = await saveTheme({ id: target, ideas: [...new Set([...current.ideas, ...ideas])] });
  } else {
    theme = await saveTheme({ label, ideas });
  }
  for (const other of app.themes) {
    if (other.id !== theme.id && other.ideas.some((i) => app.selected.has(i))) {
      await saveTheme({ id: other.id, ideas: other.ideas.filter((i) => !app.selected.has(i)) });
    }
  }
  app.selected.clear();
  render();
}

function render() {
  if (!app.meeting) return;
  $("#where").textContent = `${t("theme.title")} · ${pick(app.meeting.title)}`;
  document.title = `${t("app.name")} · ${t("theme.title")}`;
  const main = clear($("#main"));
  main.append(
    h("section", { class: "card stream", "aria-labelledby": "stream-title" },
      h("div", { class: "card-head" },
        h("h2", { id: "stream-title" }, t("theme.stream")),
        h("div", { class: "seg", role: "group" },
          filterButton("unfiled", "theme.filter_unfiled"),
          filterButton("all", "theme.filter_all"))),
      h("div", { id: "round-filter", class: "row row-wrap" }),
      h("ul", { id: "ideas", class: "idea-stream" }),
      h("div", { id: "file-bar", class: "file-bar" })),
    h("section", { class: "card themes", "aria-labelledby": "themes-title" },
      h("div", { class: "card-head" }, h("h2", { id: "themes-title" }, t("theme.themes"))),
      h("ul", { id: "themes", class: "theme-list" }),
      h("div", { id: "merge-bar", class: "merge-bar" }),
      h("div", { id: "to-question", class: "to-question" })),
  );
  drawIdeas();
  drawThemes();
}

function filterButton(name, key) {
  const b = h("button", { type: "button", class: `btn btn-small ${app.filter === name ? "btn-on" : "btn-ghost"}`, "aria-pressed": String(app.filter === name), "data-filter": name }, t(key));
  b.addEventListener("click", () => {
    app.filter = name;
    render();
  });
  return b;
}

function drawIdeas() {
  const list = $("#ideas");
  if (!list) return;
  const rounds = [...new Set(app.ideas.map((i) => i.round).filter(Boolean))].sort();
  const roundBox = clear($("#round-filter"));
  if (rounds.length > 1) {
    const select = h("select", { class: "input input-short", id: "round-select", "aria-label": t("theme.round") },
      h("option", { value: "" }, t("theme.all_rounds")),
      rounds.map((r) => h("option", { value: r, selected: app.round === r }, t("ideas.round_n", { n: r.replace(/^r/, "") }))));
    select.addEventListener("change", () => {
      app.round = select.value;
      drawIdeas();
    });
    roundBox.append(select);
  }
  clear(list);
  const shown = app.ideas
    .filter((i) => app.filter === "all" || !themeOf(i.id).length)
    .filter((i) => !app.round || i.round === app.round)
    .slice()
    .reverse();
  if (!shown.length) list.append(h("li", { class: "empty" }, t(app.ideas.length ? "theme.all_filed" : "theme.no_ideas")));
  for (const idea of shown) {
    const on = app.selected.has(idea.id);
    const b = h(
      "button",
      { type: "button", class: "idea-pick", "aria-pressed": String(on), "data-idea": idea.id },
      h("span", { class: "pick-box", "aria-hidden": "true" }, on ? "✓" : ""),
      h("span", { class: "idea-body" },
        h("span", { class: "idea-text" }, idea.text),
        h("span", { class: "idea-meta" },
          t("theme.table_n", { n: idea.table }),
          idea.round ? ` · ${t("ideas.round_n", { n: idea.round.replace(/^r/, "") })}` : "",
          idea.at ? ` · ${fmtTime(idea.at)}` : "",
          themeOf(idea.id).map((th) => h("span", { class: "chip" }, pick(th.label))))),
    );
    b.addEventListener("click", () => {
      if (app.selected.has(idea.id)) app.selected.delete(idea.id);
      else app.selected.add(idea.id);
      drawIdeas();
    });
    list.append(h("li", {}, b));
  }
  drawFileBar();
}

function drawFileBar() {
  const bar = clear($("#file-bar"));
  const n = app.selected.size;
  bar.classList.toggle("is-active", n > 0);
  bar.append(h("p", { class: "counter", id: "selected-count" }, t("theme.selected", { n })));
  if (!n) return;
  const name = h("input", { id: "new-theme", class: "input", maxlength: "200", "aria-label": t("theme.new_label"), placeholder: t("theme.new_label") });
  const newForm = h("form", { class: "inline-form" }, name, h("button", { type: "submit", class: "btn btn-primary", id: "make-theme" }, t("theme.make")));
  newForm.addEventListener("submit", (e) => {
    e.preventDefault();
    if (name.value.trim()) act(() => file(null, name.value.trim()), t("theme.filed"));
  });
  bar.append(newForm);
  if (app.themes.length) {
    const into = h("select", { id: "into-theme", class: "input", "aria-label": t("theme.into") }, app.themes.map((th) => h("option", { value: th.id }, pick(th.label))));
    const intoForm = h("form", { class: "inline-form" }, into, h("button", { type: "submit", class: "btn btn-secondary", id: "file-into" }, t("theme.file_into")));
    intoForm.addEventListener("submit", (e) => {
      e.preventDefault();
      act(() => file(into.value), t("theme.filed"));
    });
    bar.append(intoForm);
  }
}

function drawThemes() {
  const list = $("#themes");
  if (!list) return;
  clear(list);
  const ideas = new Map(app.ideas.map((i) => [i.id, i]));
  if (!app.themes.length) list.append(h("li", { class: "empty" }, t("theme.no_themes")));
  for (const theme of app.themes) {
    const merging = app.merging.has(theme.id);
    const head = app.renaming === theme.id ? renameForm(theme) : h("h3", { class: "theme-label" }, pick(theme.label));
    const mergeToggle = h("button", { type: "button", class: `btn btn-small ${merging ? "btn-on" : "btn-ghost"}`, "aria-pressed": String(merging), "data-action": "merge-pick" }, t("theme.pick_merge"));
    mergeToggle.addEventListener("click", () => {
      if (merging) app.merging.delete(theme.id);
      else app.merging.add(theme.id);
      drawThemes();
    });
    const rename = h("button", { type: "button", class: "btn btn-small btn-ghost", "data-action": "rename" }, t("theme.rename"));
    rename.addEventListener("click", () => {
      app.renaming = theme.id;
      drawThemes();
      $("#rename-input")?.focus();
    });
    const remove = h("button", { type: "button", class: "btn btn-small btn-ghost", "data-action": "delete" }, t("theme.delete"));
    remove.addEventListener("click", () => {
      if (!confirm(t("theme.delete_confirm", { label: pick(theme.label) }))) return;
      act(async () => {
        await call("DELETE", `/themes/${theme.id}`);
        app.themes = app.themes.filter((th) => th.id !== theme.id);
        render();
      });
    });
    list.append(
      h("li", { class: `theme-item ${merging ? "is-merging" : ""}`, "data-theme": theme.id },
        h("div", { class: "theme-head" }, head, h("span", { class: "count" }, t("theme.n_ideas", { n: theme.ideas.length }))),
        h("ul", { class: "theme-ideas" },
          (app.expanded.has(theme.id) ? theme.ideas : theme.ideas.slice(0, 2)).map((id) => {
            const out = h("button", { type: "button", class: "x", "aria-label": t("theme.take_out") }, "×");
            out.addEventListener("click", () => act(async () => {
              await saveTheme({ id: theme.id, ideas: theme.ideas.filter((x) => x !== id) });
              render();
            }));
            return h("li", {}, h("span", {}, ideas.get(id)?.text || id), out);
          })),
        theme.ideas.length > 2 ? expandButton(theme) : null,
        h("div", { class: "actions" }, rename, mergeToggle, remove)),
    );
  }
  drawMergeBar();
  drawToQuestion();
}

function expandButton(theme) {
  const open = app.expanded.has(theme.id);
  const b = h("button", { type: "button", class: "link-button", "aria-expanded": String(open) }, open ? t("theme.show_less") : t("theme.show_all", { n: theme.ideas.length }));
  b.addEventListener("click", () => {
    if (open) app.expanded.delete(theme.id);
    else app.expanded.add(theme.id);
    drawThemes();
  });
  return b;
}

function renameForm(theme) {
  const input = h("input", { id: "rename-input", class: "input", value: pick(theme.label), maxlength: "200", "aria-label": t("theme.rename") });
  const form = h("form", { class: "inline-form" }, input, h("button", { type: "submit", class: "btn btn-primary btn-small", id: "rename-save" }, t("common.save")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!input.value.trim()) return;
    act(async () => {
      await saveTheme({ id: theme.id, label: input.value.trim() });
      app.renaming = null;
      render();
    }, t("theme.renamed"));
  });
  return form;
}

function drawMergeBar() {
  const bar = clear($("#merge-bar"));
  const picked = app.themes.filter((th) => app.merging.has(th.id));
  if (picked.length < 2) {
    if (app.themes.length >= 2) bar.append(h("p", { class: "hint" }, t("theme.merge_hint")));
    return;
  }
  const label = h("input", { id: "merge-label", class: "input", value: pick(picked[0].label), maxlength: "200", "aria-label": t("theme.merged_label") });
  const form = h("form", { class: "inline-form" }, h("span", {}, t("theme.merge_n", { n: picked.length })), label, h("button", { type: "submit", class: "btn btn-primary", id: "merge" }, t("theme.merge")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(async () => {
      const [keep, ...rest] = picked;
      const ideas = [...new Set(picked.flatMap((th) => th.ideas))];
      await saveTheme({ id: keep.id, label: label.value.trim() || pick(keep.label), ideas });
      for (const th of rest) await call("DELETE", `/themes/${th.id}`);
      app.themes = app.themes.filter((th) => !rest.includes(th));
      app.merging.clear();
      render();
    }, t("theme.merged"));
  });
  bar.append(form);
}

function drawToQuestion() {
  const box = clear($("#to-question"));
  const kind = h("select", { id: "from-kind", class: "input input-short" }, ["ranked", "single", "multiple", "points"].map((k) => h("option", { value: k }, kindName(k))));
  const prompt = h("input", { id: "from-prompt", class: "input", maxlength: "500", placeholder: t("theme.prompt_default"), "aria-label": t("theme.prompt") });
  const submit = h("button", { type: "submit", class: "btn btn-primary", id: "make-question", disabled: app.themes.length < 2 }, t("theme.make_question"));
  const form = h(
    "form",
    { class: "question-form" },
    h("h3", {}, t("theme.to_question")),
    h("p", { class: "hint" }, t("theme.to_question_hint", { n: app.themes.length })),
    h("div", { class: "inline-form" }, kind, prompt, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { kind: kind.value };
    if (prompt.value.trim()) body.prompt = prompt.value.trim();
    if (kind.value === "multiple") body.max_choices = Math.min(3, app.themes.length);
    if (kind.value === "points") body.points = 5;
    act(async () => {
      app.made = await call("POST", "/questions/from-themes", body);
      drawToQuestion();
    });
  });
  box.append(form);
  if (app.made) {
    box.append(h("p", { class: "made", id: "made-question", role: "status", "data-question": app.made.id },
      t("theme.made", { id: app.made.id, n: fmtNumber(app.made.options.length) })));
  }
}

main();
