// @ts-check
// The organiser console's codes tab: the display and theme team codes as QR cards, every
// table's code with its tablet link, and the printable sheets.

import { qrImage, joinUrl } from "./api.js";
import { h } from "./dom.js";
import { t, fmtNumber, applyI18n } from "./i18n.js";
import { app } from "./organiser-app.js";

/** @param {HTMLElement} main */
export function drawCodesTab(main) {
  const codes = app.codes || { tables: {} };
  /** @param {string} page @param {string} code */
  const link = (page, code) => joinUrl(page, code);
  /** @param {string} key @param {string} page @param {string} code */
  const codeCard = (key, page, code) =>
    h("div", { class: "code-card" },
      h("h3", {}, t(key)),
      qrImage(link(page, code), t(key)),
      h("p", { class: "code" }, code),
      h("p", {}, h("a", { href: link(page, code), target: "_blank", rel: "noopener" }, t("organiser.open_link"))));
  const rows = Object.entries(codes.tables || {}).map(([table, code]) =>
    h("tr", { "data-table": table },
      h("td", { class: "num" }, table),
      h("td", { class: "code" }, code),
      h("td", {}, h("a", { href: link("tablet.html", code), target: "_blank", rel: "noopener" }, t("organiser.tablet_link"))),
      h("td", { class: "num" }, codes.seats?.[table] ? fmtNumber(Object.keys(codes.seats[table]).length) : "–")));
  main.append(
    h("section", { class: "card" },
      h("div", { class: "card-head" }, h("h2", {}, t("organiser.codes")), h("a", { class: "btn btn-primary", href: "/app/print.html", target: "_blank", rel: "noopener", id: "print-sheets" }, t("organiser.print_sheets"))),
      h("p", { class: "hint" }, t("organiser.codes_hint")),
      h("div", { class: "code-cards" },
        codes.display ? codeCard("organiser.display_code", "plenary.html", codes.display) : null,
        codes.theme ? codeCard("organiser.theme_code", "theme.html", codes.theme) : null)),
    h("section", { class: "card" },
      h("h2", {}, t("organiser.table_codes")),
      h("table", { class: "codes-table" },
        h("thead", {}, h("tr", {}, ["organiser.col_table", "organiser.col_code", "organiser.col_link", "organiser.col_seats"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", {}, rows))),
  );
  applyI18n(main);
}

