// The home page: a search box, then rows of books (GET /home: featured, bestsellers or staff picks, new
// arrivals) and, for a signed-in customer, a "For you" row (GET /recommendations).
import { errorBox, field, h, render, showError } from "../dom.js";
import { bookCard, ctx } from "../shop.js";

let rowCount = 0;

function row(title, items, id) {
  rowCount += 1;
  const headingId = `row-${id || rowCount}-${rowCount}`;
  return h("section", { class: "home-row", "aria-labelledby": headingId, "data-row": id || "" },
    h("h2", { id: headingId }, title),
    h("ul", { class: "cards row-cards", "aria-labelledby": headingId }, items));
}

export function searchForm(query = "") {
  const search = h("input", { type: "search", name: "q", value: query, autocomplete: "off", maxlength: "200", placeholder: "Title, author or genre", enterkeyhint: "search" });
  return h("form", { class: "search", role: "search", onsubmit: (event) => {
    event.preventDefault();
    const q = search.value.trim();
    location.hash = q ? `#/catalog?q=${encodeURIComponent(q)}` : "#/catalog";
  } },
  field("Search books", search),
  h("button", { type: "submit" }, "Search"));
}

export async function homeView() {
  const problem = errorBox();
  const loading = h("p", { class: "muted", "aria-live": "polite" }, "Loading books…");
  const rows = h("div", { class: "home-rows" });
  render("Find your next book", searchForm(), problem, loading, rows,
    h("p", {}, h("a", { href: "#/catalog" }, "Browse every genre")));

  const signedIn = Boolean(ctx.auth.user());
  const [home, picks] = await Promise.allSettled([
    ctx.api.home(),
    signedIn ? ctx.api.recommendations() : Promise.resolve(null),
  ]);
  loading.remove();
  if (picks.status === "fulfilled" && picks.value && (picks.value.items || []).length) {
    rows.append(row("For you", picks.value.items.map((item) => bookCard(item.book, item.reason)), "for-you"));
  }
  if (home.status === "fulfilled") {
    for (const shelf of (home.value && home.value.rows) || []) {
      if (shelf.items && shelf.items.length) rows.append(row(shelf.title, shelf.items.map((book) => bookCard(book)), shelf.id));
    }
    if (!rows.children.length) rows.append(h("p", { class: "muted" }, "No books to show yet: try a search."));
  } else {
    showError(problem, home.reason);
  }
}
