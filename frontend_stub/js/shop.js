// What every view shares: the API and the signed-in user (set once by app.js), money and dates, the sign-in
// prompt, and the book pieces (cover, card).
import { addToCart, cartCount } from "./cart.js";
import { h, render, say } from "./dom.js";

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

export function countryName(code) {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}

// A delivery address {name, line1, line2?, city, postal_code, country} as an <address>, one line each.
export function addressBlock(address, attributes = {}) {
  const lines = [address.name, address.line1, address.line2, [address.city, address.postal_code].filter(Boolean).join(" "),
    address.country ? countryName(address.country) : ""].filter(Boolean);
  return h("address", { class: "delivery-address", ...attributes }, lines.map((text) => h("span", {}, text)));
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

// What a shopper needs to know about stock: "In stock", "Only N left" (under 5), "Out of stock".
export const LOW_STOCK = 5;
export function stockState(book) {
  if (!(book.stock > 0)) return "Out of stock";
  return book.stock < LOW_STOCK ? `Only ${book.stock} left` : "In stock";
}

// Adds copies to the cart and says so in the status line (aria-live); the message, or "" when nothing was added.
export function addAndSay(book, quantity = 1) {
  const outcome = addToCart(book.book_id, quantity);
  if (!outcome.ok) {
    say(outcome.message);
    return "";
  }
  const count = cartCount();
  const message = `Added ${quantity} × ${book.title} to your cart (${count} ${count === 1 ? "item" : "items"}).${outcome.message ? " " + outcome.message : ""}`;
  say(message);
  return message;
}

// The card's "Add to cart" button: visible text "Add to cart"; its name starts with that and says the title.
export function addToCartButton(book) {
  if (!(book.stock > 0)) return null;
  return h("button", { type: "button", class: "secondary small add-to-cart", "data-book-id": book.book_id,
    "aria-label": `Add to cart, ${book.title}`, onclick: () => addAndSay(book, 1) }, "Add to cart");
}

export function bookCard(book, reason) {
  return h("li", { class: "card" },
    cover(book),
    h("div", {},
      h("h3", {}, h("a", { href: `#/books/${encodeURIComponent(book.book_id)}` }, book.title)),
      h("p", {}, book.author, book.year ? ` · ${book.year}` : ""),
      h("p", {}, h("span", { class: "price" }, money(book.price_cents)), " · ", h("span", { class: book.stock > 0 ? "stock" : "stock out" }, stockState(book))),
      reason ? h("p", { class: "reason" }, reason) : null,
      addToCartButton(book)));
}
