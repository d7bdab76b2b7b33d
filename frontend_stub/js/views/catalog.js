// The catalog: search and browse, a book's page, and the books picked for the signed-in customer.
import { busy, errorBox, field, h, render, say, showError } from "../dom.js";
import { addToCart, cartCount, MAX_QUANTITY } from "../cart.js";
import { addAndSay, bookCard, cover, ctx, money, needSignIn, stockState } from "../shop.js";

export async function catalogView(params) {
  const query = params.get("q") || "";
  const genre = params.get("genre") || "";
  const search = h("input", { type: "search", name: "q", value: query, autocomplete: "off", maxlength: "200", placeholder: "Title, author or genre" });
  const genreSelect = h("select", { name: "genre" }, h("option", { value: "" }, "All genres"));
  const results = h("ul", { class: "cards", "aria-label": "Books" });
  const summary = h("p", { class: "muted", "aria-live": "polite" });
  const problem = errorBox();
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Show more");
  const form = h("form", { class: "search", role: "search", onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (search.value.trim()) next.set("q", search.value.trim());
    else if (genreSelect.value) next.set("genre", genreSelect.value);
    location.hash = `#/catalog${next.toString() ? "?" + next : ""}`;
  } },
  field("Search books", search),
  field("Genre", genreSelect),
  h("button", { type: "submit" }, "Search"));
  genreSelect.addEventListener("change", () => { search.value = ""; form.requestSubmit(); });
  render("Catalog", form, problem, summary, results, more);

  const shelves = h("ul", { class: "shelves", "aria-label": "Genres" });
  if (!query && !genre) {
    summary.textContent = "Search by title, author or genre, or browse a genre:";
    results.replaceWith(shelves);
  }
  ctx.api.genres().then((data) => {
    for (const value of data.genres || []) {
      genreSelect.append(h("option", { value, selected: value === genre }, value));
      shelves.append(h("li", {}, h("a", { class: "button secondary", href: `#/catalog?genre=${encodeURIComponent(value)}` }, value)));
    }
  }).catch((error) => showError(problem, error));

  let cursor = null;
  async function load() {
    summary.textContent = "Searching…";
    try {
      const data = await ctx.api.books({ q: query || undefined, genre: !query && genre ? genre : undefined, cursor: cursor || undefined, limit: 20 });
      data.items.forEach((book) => results.append(bookCard(book)));
      cursor = data.next_cursor;
      more.hidden = !cursor;
      const shown = results.children.length;
      const corrected = query && data.did_you_mean && data.did_you_mean !== query ? data.did_you_mean : "";
      if (shown === 0 && corrected) {
        // Nothing for what was typed, but a likely spelling: offer it.
        summary.replaceChildren(`No books match “${query}”. Did you mean `,
          h("a", { href: `#/catalog?q=${encodeURIComponent(corrected)}` }, corrected), "?");
      } else if (corrected) {
        // The results already include the corrected matches.
        summary.replaceChildren(`Showing results for “`, h("strong", {}, corrected), `” (${shown} book${shown === 1 ? "" : "s"}).`);
      } else {
        summary.textContent = shown === 0 ? (query ? `No books match “${query}”.` : "No books here yet.")
          : `${shown} book${shown === 1 ? "" : "s"}${query ? ` for “${query}”` : ` in ${genre}`}.`;
      }
    } catch (error) {
      summary.textContent = "";
      showError(problem, error);
    }
  }
  if (!query && !genre) return;
  more.addEventListener("click", () => busy(more, load));
  await load();
}

export async function bookView(id) {
  const problem = errorBox();
  render("Book", h("p", { class: "muted" }, "Loading…"));
  let book;
  try {
    book = await ctx.api.book(id);
  } catch (error) {
    render(error.status === 404 ? "Book not found" : "Book", problem, h("p", {}, h("a", { href: "#/catalog" }, "Back to the catalog")));
    showError(problem, error);
    return;
  }
  const inStock = book.stock > 0;
  const quantity = h("input", { type: "number", min: "1", max: String(MAX_QUANTITY), value: "1", inputmode: "numeric" });
  const added = h("p", { class: "added", "aria-live": "polite" });
  const orderProblem = errorBox();
  function chosen() {
    orderProblem.textContent = "";
    const count = Number.parseInt(quantity.value, 10);
    if (Number.isInteger(count) && count >= 1 && count <= MAX_QUANTITY) return count;
    orderProblem.textContent = `Choose a quantity from 1 to ${MAX_QUANTITY}.`;
    quantity.focus();
    return 0;
  }
  // "Add to cart and check out": the chosen copies go in the cart and the checkout of the whole cart opens (an order always has a delivery address,
  // which only the checkout asks for; signed out, it asks to sign in first and keeps the cart).
  const buyNow = h("button", { type: "button", class: "secondary", onclick: () => {
    const count = chosen();
    if (!count) return;
    const outcome = addToCart(book.book_id, count);
    if (!outcome.ok) {
      orderProblem.textContent = outcome.message;
      return;
    }
    const copies = cartCount();
    say(`Added ${count} × ${book.title} to your cart (${copies} ${copies === 1 ? "item" : "items"}); checking out the whole cart: now the delivery address.${outcome.message ? ` ${outcome.message}` : ""}`);
    location.hash = "#/checkout";
  } }, "Add to cart and check out");
  const orderForm = h("form", { class: "order-form", onsubmit: (event) => {
    event.preventDefault();
    const count = chosen();
    if (count && addAndSay(book, count)) added.replaceChildren("In your cart. ", h("a", { href: "#/cart" }, "View the cart and check out"));
  } }, field("Quantity", quantity), h("button", { type: "submit" }, "Add to cart"), buyNow);
  const buying = inStock ? [orderForm, added] : [h("p", {}, "This book is out of stock for now.")];
  const similar = h("ul", { class: "cards", "aria-label": "Similar books" });
  render(book.title,
    h("div", { class: "book" },
      cover(book, "large"),
      h("div", { class: "book-details" },
        h("p", {}, "by ", h("strong", {}, book.author)),
        h("dl", { class: "details book-facts" },
          h("dt", {}, "Genre"), h("dd", {}, h("a", { href: `#/catalog?genre=${encodeURIComponent(book.genre)}` }, book.genre)),
          book.year ? [h("dt", {}, "Year"), h("dd", {}, String(book.year))] : null,
          h("dt", {}, "Price"), h("dd", {}, h("span", { class: "price" }, money(book.price_cents))),
          h("dt", {}, "Availability"), h("dd", {}, h("span", { class: inStock ? "stock" : "stock out" }, stockState(book)))),
        ...buying, orderProblem,
        book.description ? [h("h2", {}, "About this book"), h("p", { class: "description" }, book.description)] : null)),
    h("h2", {}, "You might also like"), similar);
  try {
    const data = await ctx.api.similar(book.book_id);
    (data.items || []).forEach((item) => similar.append(bookCard(item.book, item.reason)));
    if (!similar.children.length) similar.replaceWith(h("p", { class: "muted" }, "Nothing yet."));
  } catch {
    similar.replaceWith(h("p", { class: "muted" }, "Suggestions are unavailable right now."));
  }
}

export async function recommendationsView() {
  if (!ctx.auth.user()) return needSignIn("Picked for you", "Recommendations are made from your orders.");
  const list = h("ul", { class: "cards", "aria-label": "Recommended books" });
  const problem = errorBox();
  render("Picked for you", problem, list);
  try {
    const data = await ctx.api.recommendations();
    (data.items || []).forEach((item) => list.append(bookCard(item.book, item.reason)));
    if (!list.children.length) list.replaceWith(h("p", { class: "muted" }, "No suggestions yet: order a book and come back."));
  } catch (error) {
    showError(problem, error);
  }
}

