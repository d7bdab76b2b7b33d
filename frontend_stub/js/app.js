// The bookstore's web front end: hash routes, one view per page, text only through textContent.
import { Api, ApiError } from "./api.js";
import { Auth } from "./auth.js";
import { accountView, confirmView, forgotView, initAccount, signInView, signUpView } from "./account.js";
import { busy, errorBox, field, h, render, say, showError } from "./dom.js";

const CHAT_KEY = "bookstore.chat";
let api;
let auth;

// ---------------------------------------------------------------------------------------------------------
// Small helpers

function money(cents) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
}

function date(iso) {
  if (!iso) return "";
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? iso : value.toLocaleString();
}

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function needSignIn(title, reason) {
  const next = location.hash || "#/catalog";
  render(title, h("p", {}, reason, " ", h("a", { href: `#/signin?next=${encodeURIComponent(next)}` }, "Sign in"), " or ",
    h("a", { href: "#/signup" }, "create an account"), "."));
}

// ---------------------------------------------------------------------------------------------------------
// Pieces

function cover(book, size = "") {
  if (book.image_url) {
    return h("img", { class: `cover ${size}`, src: book.image_url, alt: `Cover of ${book.title}`, loading: "lazy" });
  }
  return h("div", { class: `cover cover-placeholder ${size}`, role: "img", "aria-label": `Cover of ${book.title}` }, book.title);
}

function bookCard(book, reason) {
  return h("li", { class: "card" },
    cover(book),
    h("div", {},
      h("h3", {}, h("a", { href: `#/books/${encodeURIComponent(book.book_id)}` }, book.title)),
      h("p", {}, book.author, book.year ? ` · ${book.year}` : ""),
      h("p", {}, h("span", { class: "price" }, money(book.price_cents)), " · ", book.stock > 0 ? `${book.stock} in stock` : "out of stock"),
      reason ? h("p", { class: "reason" }, reason) : null));
}

// ---------------------------------------------------------------------------------------------------------
// Views

async function catalogView(params) {
  const query = params.get("q") || "";
  const genre = params.get("genre") || "";
  const search = h("input", { type: "search", name: "q", value: query, autocomplete: "off", placeholder: "Title, author or genre" });
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
  api.genres().then((data) => {
    for (const value of data.genres || []) {
      genreSelect.append(h("option", { value, selected: value === genre }, value));
      shelves.append(h("li", {}, h("a", { class: "button secondary", href: `#/catalog?genre=${encodeURIComponent(value)}` }, value)));
    }
  }).catch((error) => showError(problem, error));

  let cursor = null;
  async function load() {
    summary.textContent = "Searching…";
    try {
      const data = await api.books({ q: query || undefined, genre: !query && genre ? genre : undefined, cursor: cursor || undefined, limit: 20 });
      data.items.forEach((book) => results.append(bookCard(book)));
      cursor = data.next_cursor;
      more.hidden = !cursor;
      const shown = results.children.length;
      summary.textContent = shown === 0 ? (query ? `No books match “${query}”.` : "No books here yet.")
        : `${shown} book${shown === 1 ? "" : "s"}${query ? ` for “${query}”` : ` in ${genre}`}.`;
    } catch (error) {
      summary.textContent = "";
      showError(problem, error);
    }
  }
  if (!query && !genre) return;
  more.addEventListener("click", () => busy(more, load));
  await load();
}

async function bookView(id) {
  const problem = errorBox();
  render("Book", h("p", { class: "muted" }, "Loading…"));
  let book;
  try {
    book = await api.book(id);
  } catch (error) {
    render(error.status === 404 ? "Book not found" : "Book", problem, h("p", {}, h("a", { href: "#/catalog" }, "Back to the catalog")));
    showError(problem, error);
    return;
  }
  const quantity = h("input", { type: "number", min: "1", max: "20", value: "1", inputmode: "numeric" });
  const orderButton = h("button", { type: "submit" }, "Place order");
  const orderProblem = errorBox();
  let key = newKey(); // one key per intended order: a retry of the same click cannot order twice
  quantity.addEventListener("input", () => { key = newKey(); });
  const orderForm = auth.user()
    ? h("form", { class: "order-form", onsubmit: async (event) => {
      event.preventDefault();
      orderProblem.textContent = "";
      const count = Number.parseInt(quantity.value, 10);
      if (!Number.isInteger(count) || count < 1 || count > 20) {
        orderProblem.textContent = "Choose a quantity from 1 to 20.";
        quantity.focus();
        return;
      }
      await busy(orderButton, async () => {
        orderButton.textContent = "Placing order…";
        try {
          const order = await api.placeOrder([{ book_id: book.book_id, quantity: count }], key);
          key = newKey();
          say(`Order placed: ${count} × ${book.title}, ${money(order.total_cents)}.`);
          location.hash = `#/orders/${order.order_id}`;
        } catch (error) {
          showError(orderProblem, error);
        }
      });
    } }, field("Quantity", quantity), orderButton)
    : h("p", {}, h("a", { href: `#/signin?next=${encodeURIComponent(location.hash)}` }, "Sign in"), " to order this book.");
  const similar = h("ul", { class: "cards", "aria-label": "Similar books" });
  render(book.title,
    h("div", { class: "book" },
      cover(book, "large"),
      h("div", { class: "book-details" },
        h("p", {}, "by ", h("strong", {}, book.author), book.year ? ` (${book.year})` : ""),
        h("p", {}, "Genre: ", h("a", { href: `#/catalog?genre=${encodeURIComponent(book.genre)}` }, book.genre)),
        book.description ? h("p", {}, book.description) : null,
        h("p", {}, h("span", { class: "price" }, money(book.price_cents)), " · ", book.stock > 0 ? `${book.stock} in stock` : "out of stock"),
        orderForm, orderProblem)),
    h("h2", {}, "Customers who bought this also bought"), similar);
  try {
    const data = await api.similar(book.book_id);
    (data.items || []).forEach((item) => similar.append(bookCard(item.book, item.reason)));
    if (!similar.children.length) similar.replaceWith(h("p", { class: "muted" }, "Nothing yet."));
  } catch {
    similar.replaceWith(h("p", { class: "muted" }, "Suggestions are unavailable right now."));
  }
}

async function recommendationsView() {
  if (!auth.user()) return needSignIn("Picked for you", "Recommendations are made from your orders.");
  const list = h("ul", { class: "cards", "aria-label": "Recommended books" });
  const problem = errorBox();
  render("Picked for you", problem, list);
  try {
    const data = await api.recommendations();
    (data.items || []).forEach((item) => list.append(bookCard(item.book, item.reason)));
    if (!list.children.length) list.replaceWith(h("p", { class: "muted" }, "No suggestions yet: order a book and come back."));
  } catch (error) {
    showError(problem, error);
  }
}

function orderCard(order, { detailed = false, onChange } = {}) {
  const problem = errorBox();
  const cancel = order.status === "PLACED"
    ? h("button", { type: "button", class: "danger", onclick: async (event) => {
      if (!window.confirm(`Cancel order ${order.order_id}? Its books go back on the shelf.`)) return;
      await busy(event.currentTarget, async () => {
        try {
          const updated = await api.cancelOrder(order.order_id);
          say(`Order ${order.order_id} cancelled.`);
          onChange && onChange(updated);
        } catch (error) {
          showError(problem, error);
        }
      });
    } }, "Cancel order")
    : null;
  return h("li", { class: "order", "data-order-id": order.order_id },
    h("header", {},
      h("h2", {}, detailed ? `Order ${order.order_id}` : h("a", { href: `#/orders/${order.order_id}` }, `Order ${order.order_id}`)),
      h("span", { class: `badge ${order.status}` }, order.status)),
    h("p", { class: "muted" }, `Placed ${date(order.created_at)}`),
    h("ul", {}, order.lines.map((line) => h("li", {}, `${line.quantity} × `, h("a", { href: `#/books/${encodeURIComponent(line.book_id)}` }, line.title), ` · ${money(line.line_total_cents)}`))),
    h("p", {}, "Total: ", h("strong", {}, money(order.total_cents))),
    detailed && order.history && order.history.length
      ? h("div", {}, h("h3", {}, "Progress"), h("ol", { class: "timeline" }, order.history.map((step) => h("li", {}, `${step.status} · ${date(step.at)}`))))
      : null,
    cancel ? h("div", { class: "actions" }, cancel) : null,
    problem);
}

async function ordersView() {
  if (!auth.user()) return needSignIn("My orders", "Your orders are kept with your account.");
  const list = h("ul", { class: "orders", "aria-label": "My orders" });
  const problem = errorBox();
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Show more");
  render("My orders", problem, list, more);
  let cursor = null;
  async function load() {
    try {
      const data = await api.orders(cursor || undefined);
      data.items.forEach((order) => list.append(orderCard(order, { onChange: () => route() })));
      cursor = data.next_cursor;
      more.hidden = !cursor;
      if (!list.children.length) list.replaceWith(h("p", {}, "No orders yet. ", h("a", { href: "#/catalog" }, "Find a book"), "."));
    } catch (error) {
      showError(problem, error);
    }
  }
  more.addEventListener("click", () => busy(more, load));
  await load();
}

async function orderView(id) {
  if (!auth.user()) return needSignIn("Order", "Sign in to follow your order.");
  const problem = errorBox();
  render("Order", h("p", { class: "muted" }, "Loading…"));
  try {
    const order = await api.order(id);
    const list = h("ul", { class: "orders" }, orderCard(order, { detailed: true, onChange: () => route() }));
    render("Your order", list, h("p", {}, h("a", { href: "#/orders" }, "All my orders")));
  } catch (error) {
    render(error.status === 404 ? "Order not found" : "Order", problem, h("p", {}, h("a", { href: "#/orders" }, "All my orders")));
    showError(problem, error);
  }
}

function chatHistory() {
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

async function findCardBook(card) {
  const wanted = card.title.toLowerCase();
  const cached = cardBooks.get(wanted);
  if (!cached || Date.now() - cached.at > CARD_BOOKS_TTL_MS) {
    const books = api.books({ q: card.title, limit: 10 })
      .then((data) => (data.items || []).filter((book) => book.title.toLowerCase() === wanted))
      .catch(() => { cardBooks.delete(wanted); return []; });
    cardBooks.set(wanted, { at: Date.now(), books });
  }
  const same = await cardBooks.get(wanted).books;
  return same.find((book) => (card.subtitle || "").includes(book.author)) || same[0] || null;
}

function chatCard(card, choose) {
  const link = h("a", { href: `#/catalog?q=${encodeURIComponent(card.title)}` }, card.title);
  const image = card.image_url
    ? h("img", { class: "cover", src: card.image_url, alt: `Cover of ${card.title}`, loading: "lazy" })
    : cover({ title: card.title });
  const buttons = (card.buttons || []).map((button) => h("button", {
    type: "button", class: "secondary", "aria-label": `${button.text}: ${card.title}`,
    onclick: () => choose(button.value),
  }, button.text));
  const element = h("article", { class: "card chat-card" },
    image,
    h("div", {},
      h("h3", {}, link),
      card.subtitle ? h("p", { class: "muted" }, card.subtitle) : null,
      buttons.length ? h("div", { class: "actions" }, buttons) : null));
  findCardBook(card).then((book) => {
    if (!book) return;
    link.href = `#/books/${encodeURIComponent(book.book_id)}`;
    if (!card.image_url && book.image_url) image.replaceWith(cover(book));
  });
  return element;
}

function chatView() {
  const user = auth.user();
  if (!user) return needSignIn("Chat", "The assistant helps you with your account and orders.");
  const log = h("ol", { class: "chat-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
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
      const reply = await api.chat(text);
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
        await api.resetChat();
      } catch {
        // starting over locally is still useful
      }
      sessionStorage.setItem(CHAT_KEY, JSON.stringify(chatHistory().filter((entry) => entry.owner !== user.username)));
      history.length = 0;
      log.replaceChildren();
      say("Started a new conversation.");
    });
  } }, "Start over");
  const examples = user.groups.includes("staff")
    ? "Try: “register a user named jdoe with email jdoe@example.com”, or “change the email of jdoe”."
    : "Try: “find dracula”, “recommend me a mystery”, “buy 1 copy of Dracula”, or “where is my order”.";
  render("Chat with the bookstore", h("div", { class: "chat" }, h("p", { class: "muted" }, examples), log, pending, form, h("div", { class: "actions" }, reset)));
  history.forEach((entry) => add(entry, false));
  input.focus();
}

// ---------------------------------------------------------------------------------------------------------
// Navigation

function updateNav(user) {
  const slot = document.getElementById("account-nav");
  if (user) {
    slot.replaceChildren(h("a", { href: "#/account", "data-nav": "account" }, "Account"), h("button", { type: "button", class: "secondary", onclick: async () => {
      // End the bot conversation of this sign-in first (it needs the tokens); never let it keep anyone signed in.
      try { await api.resetChat(); } catch { /* signing out anyway */ }
      auth.signOut();
      sessionStorage.removeItem(CHAT_KEY);
      say("Signed out.");
      location.hash = "#/catalog";
    } }, `Sign out ${user.username}`));
  } else {
    slot.replaceChildren(h("a", { href: "#/signin", "data-nav": "signin" }, "Sign in"));
  }
}

async function route() {
  const [path, search] = (location.hash.replace(/^#/, "") || "/catalog").split("?");
  const params = new URLSearchParams(search || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  document.querySelectorAll("[data-nav]").forEach((link) => {
    if (link.dataset.nav === parts[0]) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
  try {
    switch (parts[0]) {
      case "books": return parts[1] ? bookView(parts[1]) : catalogView(params);
      case "recommendations": return recommendationsView();
      case "chat": return chatView();
      case "orders": return parts[1] ? orderView(parts[1]) : ordersView();
      case "signin": return signInView(params);
      case "signup": return signUpView();
      case "confirm": return confirmView(params);
      case "forgot": return forgotView(params);
      case "account": return accountView(needSignIn);
      case "catalog":
      case undefined: return catalogView(params);
      default:
        return render("Page not found", h("p", {}, "There is nothing here. ", h("a", { href: "#/catalog" }, "Browse the catalog"), "."));
    }
  } catch (error) {
    const problem = errorBox();
    render("Something went wrong", problem);
    showError(problem, error instanceof ApiError ? error : new Error("Unexpected error; reload the page."));
    console.error(error);
  }
}

async function start() {
  let config;
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`config.json answered ${response.status}`);
    config = await response.json();
  } catch (error) {
    render("The shop is not configured", h("p", { class: "error", role: "alert" }, `Could not load config.json: ${error.message}.`));
    return;
  }
  auth = new Auth(config);
  api = new Api(config, auth);
  initAccount({ auth, api });
  auth.onChange(updateNav);
  updateNav(auth.user());
  window.addEventListener("hashchange", route);
  await route();
}

start();
