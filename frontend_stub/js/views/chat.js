// The chat with the bookstore's assistant: the conversation of this sign-in, the bot's response cards.
import { addToCart } from "../cart.js";
import { busy, h, render, say } from "../dom.js";
import { cover, ctx, money, needSignIn } from "../shop.js";

export const CHAT_KEY = "bookstore.chat";
// Suggestion chips: sample utterances of the bot's intents (bot/model.yaml: FindBook, RecommendBooks,
// OrderStatus, Help; RegisterUser and EditUser for staff), checked against the bot in tests/e2e/test_chat_cards.py.
export const SUGGESTIONS = ["Find a mystery", "Recommend me a book", "Where are my orders?", "What can you do?"];
export const STAFF_SUGGESTIONS = ["Register a user", "Change a user's email", "Find a mystery", "What can you do?"];

export function chatHistory() {
  try {
    return JSON.parse(sessionStorage.getItem(CHAT_KEY) || "[]");
  } catch {
    return [];
  }
}

// A response card of the bot (a Lex V2 ImageResponseCard: title, subtitle, imageUrl, buttons). Lex's card has no
// link, so the book is found in the catalog by its title (and author, in the subtitle): its page, and its cover
// when the card has none. Until then, the title links to a search for it.
// Title (lowercase) -> { at, books: a promise of the catalog's books of that title }, kept for less than the
// 15 minutes the presigned cover URLs live.
const cardBooks = new Map();
const CARD_BOOKS_TTL_MS = 10 * 60 * 1000;

export async function findCardBook(card) {
  const wanted = card.title.toLowerCase();
  const cached = cardBooks.get(wanted);
  if (!cached || Date.now() - cached.at > CARD_BOOKS_TTL_MS) {
    const books = ctx.api.books({ q: card.title, limit: 10 })
      .then((data) => (data.items || []).filter((book) => book.title.toLowerCase() === wanted))
      .catch(() => { cardBooks.delete(wanted); return []; });
    cardBooks.set(wanted, { at: Date.now(), books });
  }
  const same = await cardBooks.get(wanted).books;
  return same.find((book) => (card.subtitle || "").includes(book.author)) || same[0] || null;
}

// The card as a book card: cover, title (the book's page once found), author and price (the catalog's, once
// found; the bot's subtitle until then, and whatever else it says, e.g. why it is recommended), the bot's
// buttons (each sends its value as the next message) and, for a book found in stock, "Add to cart".
export function chatCard(card, choose) {
  const link = h("a", { href: `#/catalog?q=${encodeURIComponent(card.title)}` }, card.title);
  const image = card.image_url
    ? h("img", { class: "cover", src: card.image_url, alt: `Cover of ${card.title}`, loading: "lazy" })
    : cover({ title: card.title });
  const details = h("div", { class: "chat-card-details" },
    card.subtitle ? h("p", { class: "muted" }, card.subtitle) : null);
  const buttons = (card.buttons || []).map((button) => h("button", {
    type: "button", class: "secondary", "aria-label": `${button.text}: ${card.title}`,
    onclick: () => choose(button.value),
  }, button.text));
  const actions = h("div", { class: "actions" }, buttons);
  const element = h("article", { class: "card chat-card", "aria-label": card.title },
    image,
    h("div", {},
      h("h2", {}, link),
      details,
      actions));
  findCardBook(card).then((book) => {
    if (!book) return;
    link.href = `#/books/${encodeURIComponent(book.book_id)}`;
    if (!card.image_url && book.image_url) image.replaceWith(cover(book));
    // The bot's subtitle is "by <author> · <price> · ..."; the catalog's author and price replace those two.
    const said = (card.subtitle || "").split(" · ").map((part) => part.trim()).filter(Boolean);
    const rest = said.filter((part) => part !== `by ${book.author}` && part !== money(book.price_cents));
    details.replaceChildren(
      h("p", { class: "author" }, `by ${book.author}`),
      h("p", {}, h("span", { class: "price" }, money(book.price_cents)), " · ", book.stock > 0 ? "in stock" : "out of stock"));
    if (rest.length) details.append(h("p", { class: "muted" }, rest.join(" · ")));
    if (book.stock > 0) {
      actions.prepend(h("button", { type: "button", "aria-label": `Add to cart: ${book.title}`, onclick: () => {
        const added = addToCart(book.book_id, 1);
        if (added && added.ok === false) say(added.message || `${book.title} could not be added to your cart.`);
        else say(`${book.title} is in your cart${added && added.quantity > 1 ? ` (${added.quantity} copies)` : ""}.${added && added.message ? ` ${added.message}` : ""}`);
      } }, "Add to cart"));
    }
  });
  return element;
}

export function chatView() {
  const user = ctx.auth.user();
  if (!user) return needSignIn("Chat", "The assistant helps you with your account and orders.");
  // The messages are a list inside the live region (role="log" on the list itself would take its items' list
  // semantics away); the list scrolls, so it can take the focus to be scrolled with the keyboard.
  const log = h("ol", { class: "chat-log", "aria-label": "Chat history", tabindex: "0" });
  const logBox = h("div", { role: "log", "aria-live": "polite", "aria-label": "Conversation" }, log);
  const pending = h("p", { class: "pending", "aria-live": "polite" });
  const input = h("input", { type: "text", name: "text", autocomplete: "off", maxlength: "1024", required: true });
  const send = h("button", { type: "submit" }, "Send");
  const history = chatHistory().filter((entry) => entry.owner === user.username);

  function add(entry, store = true) {
    const who = h("span", { class: "sr-only" }, entry.from === "user" ? "You: " : entry.from === "bot" ? "Assistant: " : "Error: ");
    log.append(entry.card
      ? h("li", { class: "message bot with-card" }, who, chatCard(entry.card, choose))
      : h("li", { class: `message ${entry.from}` }, who, entry.text));
    log.scrollTop = log.scrollHeight;
    if (store) {
      history.push({ ...entry, owner: user.username });
      sessionStorage.setItem(CHAT_KEY, JSON.stringify(history.slice(-100)));
    }
  }

  // A card's button sends its value as the next message, as Lex V2 expects of a response card's buttons.
  function choose(value) {
    if (send.disabled) return;
    input.value = value;
    form.requestSubmit();
  }

  const form = h("form", { class: "chat-form", onsubmit: async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    add({ from: "user", text });
    input.value = "";
    pending.textContent = "The assistant is typing…";
    send.disabled = true;
    try {
      const reply = await ctx.api.chat(text);
      const cards = reply.cards || [];
      (reply.messages.length || cards.length ? reply.messages : ["(no answer)"]).forEach((message) => add({ from: "bot", text: message }));
      cards.forEach((card) => add({ from: "bot", card }));
    } catch (error) {
      add({ from: "failed", text: `Not sent: ${error.message}` }, false);
    } finally {
      pending.textContent = "";
      send.disabled = false;
      input.focus();
    }
  } },
  h("label", { class: "sr-only", for: "chat-input" }, "Message"), input, send);
  input.id = "chat-input";
  const reset = h("button", { type: "button", class: "secondary", onclick: async (event) => {
    await busy(event.currentTarget, async () => {
      try {
        await ctx.api.resetChat();
      } catch {
        // starting over locally is still useful
      }
      sessionStorage.setItem(CHAT_KEY, JSON.stringify(chatHistory().filter((entry) => entry.owner !== user.username)));
      history.length = 0;
      log.replaceChildren();
      say("Started a new conversation.");
    });
  } }, "Start over");
  const staff = (user.groups || []).includes("staff");
  const examples = staff
    ? "Ask about books and orders, or: “register a user named jdoe with email jdoe@example.com”, “change the email of jdoe”."
    : "Ask about books and your orders, e.g. “find dracula”, “buy 1 copy of Dracula”, “where is my order”.";
  // What the bot can do, one tap away: each chip sends its text (all of them are utterances the bot knows).
  const chips = h("ul", { class: "chips", "aria-label": "Suggestions" },
    (staff ? STAFF_SUGGESTIONS : SUGGESTIONS).map((text) => h("li", {}, h("button", { type: "button", class: "chip", onclick: () => choose(text) }, text))));
  render("Chat with the bookstore", h("div", { class: "chat" }, h("p", { class: "muted" }, examples), logBox, pending, chips, form, h("div", { class: "actions" }, reset)));
  history.forEach((entry) => add(entry, false));
  input.focus();
}

