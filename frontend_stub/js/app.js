// The bookstore's web front end: hash routes, one view per page (views/), text only through textContent.
import { Api, ApiError } from "./api.js";
import { Auth } from "./auth.js";
import { cartCount, onCartChange, setCartOwner } from "./cart.js";
import { accountView, confirmView, forgotView, initAccount, signInView, signUpView } from "./account.js";
import { errorBox, h, render, say, showError } from "./dom.js";
import { ctx, needSignIn } from "./shop.js";
import { bookView, catalogView, recommendationsView } from "./views/catalog.js";
import { CHAT_KEY, chatView } from "./views/chat.js";
import { orderView, ordersView } from "./views/orders.js";
import { cartView, checkoutView, forgetDraftUnlessOwnedBy } from "./views/cart.js";
import { homeView } from "./views/home.js";
import { isStaff, staffOrdersView } from "./views/staff.js";

// ---------------------------------------------------------------------------------------------------------
// Navigation

function updateNav(user) {
  const slot = document.getElementById("account-nav");
  if (user) {
    // Staff see their page's link (the API still decides: GET /staff/orders is the staff group's only).
    const staffLink = isStaff(user) ? h("a", { href: "#/staff/orders", "data-nav": "staff" }, "Staff") : null;
    slot.replaceChildren(...(staffLink ? [staffLink] : []), h("a", { href: "#/account", "data-nav": "account" }, "Account"), h("button", { type: "button", class: "secondary", onclick: async () => {
      // End the bot conversation of this sign-in first (it needs the tokens); never let it keep anyone signed in.
      try { await ctx.api.resetChat(); } catch { /* signing out anyway */ }
      ctx.auth.signOut();
      sessionStorage.removeItem(CHAT_KEY);
      say("Signed out.");
      location.hash = "#/catalog";
    } }, `Sign out ${user.username}`));
  } else {
    slot.replaceChildren(h("a", { href: "#/signin", "data-nav": "signin" }, "Sign in"));
  }
}

// The cart's link shows the number of copies in the cart, on every page; the cart follows who is signed in.
function updateCartLink() {
  const link = document.getElementById("cart-link");
  if (!link) return;
  const count = cartCount();
  link.textContent = `Cart (${count})`;
  link.setAttribute("aria-label", count ? `Cart, ${count} ${count === 1 ? "item" : "items"}` : "Cart, empty");
}

function startCart() {
  onCartChange(updateCartLink);
  ctx.auth.onChange((user) => {
    const { merged, dropped } = setCartOwner(user ? user.username : null);
    if (merged || dropped) {
      // After the sign-in's own "Signed in" line.
      setTimeout(() => say(`The books you added before signing in are in your cart.${dropped ? ` ${dropped} did not fit: an order can have 20 different books.` : ""}`), 0);
    }
  });
  const user = ctx.auth.user();
  setCartOwner(user ? user.username : null);
  updateCartLink();
}

async function route() {
  const [path, search] = (location.hash.replace(/^#/, "") || "/").split("?");
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
      case "staff": return staffOrdersView(params);
      case "signin": return signInView(params);
      case "signup": return signUpView();
      case "confirm": return confirmView(params);
      case "forgot": return forgotView(params);
      case "account": return accountView(needSignIn);
      case "cart": return cartView();
      case "checkout": return checkoutView(parts[1]);
      case "catalog": return catalogView(params);
      case "home":
      case undefined: return homeView();
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
  ctx.auth = new Auth(config);
  ctx.api = new Api(config, ctx.auth);
  ctx.route = route;
  initAccount({ auth: ctx.auth, api: ctx.api });
  ctx.auth.onChange(updateNav);
  ctx.auth.onChange(forgetDraftUnlessOwnedBy); // the checkout's typed address is only its typist's
  updateNav(ctx.auth.user());
  startCart();
  window.addEventListener("hashchange", route);
  await route();
}

start();
