// What every view shares: the API and the signed-in user (set once by app.js), money and dates, the sign-in
// prompt, and the book pieces (cover, card).
import { h, render } from "./dom.js";

export const ctx = { api: null, auth: null, route: async () => {} };

export function money(cents) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
}

export function date(iso) {
  if (!iso) return "";
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? iso : value.toLocaleString();
}

export function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function needSignIn(title, reason) {
  const next = location.hash || "#/catalog";
  render(title, h("p", {}, reason, " ", h("a", { href: `#/signin?next=${encodeURIComponent(next)}` }, "Sign in"), " or ",
    h("a", { href: "#/signup" }, "create an account"), "."));
}

export function cover(book, size = "") {
  if (book.image_url) {
    return h("img", { class: `cover ${size}`, src: book.image_url, alt: `Cover of ${book.title}`, loading: "lazy" });
  }
  return h("div", { class: `cover cover-placeholder ${size}`, role: "img", "aria-label": `Cover of ${book.title}` }, book.title);
}

export function bookCard(book, reason) {
  return h("li", { class: "card" },
    cover(book),
    h("div", {},
      h("h3", {}, h("a", { href: `#/books/${encodeURIComponent(book.book_id)}` }, book.title)),
      h("p", {}, book.author, book.year ? ` · ${book.year}` : ""),
      h("p", {}, h("span", { class: "price" }, money(book.price_cents)), " · ", book.stock > 0 ? `${book.stock} in stock` : "out of stock"),
      reason ? h("p", { class: "reason" }, reason) : null));
}

