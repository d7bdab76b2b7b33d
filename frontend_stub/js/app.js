// The bookstore's web front end: hash routes, one view per page (views/), text only through textContent.
import { Api, ApiError } from "./api.js";
import { Auth } from "./auth.js";
import { accountView, confirmView, forgotView, initAccount, signInView, signUpView } from "./account.js";
import { errorBox, h, render, say, showError } from "./dom.js";
import { ctx, needSignIn } from "./shop.js";
import { bookView, catalogView, recommendationsView } from "./views/catalog.js";
import { CHAT_KEY, chatView } from "./views/chat.js";
import { orderView, ordersView } from "./views/orders.js";

// ---------------------------------------------------------------------------------------------------------
// Navigation

function updateNav(user) {
  const slot = document.getElementById("account-nav");
  if (user) {
    slot.replaceChildren(h("a", { href: "#/account", "data-nav": "account" }, "Account"), h("button", { type: "button", class: "secondary", onclick: async () => {
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
  ctx.auth = new Auth(config);
  ctx.api = new Api(config, ctx.auth);
  ctx.route = route;
  initAccount({ auth: ctx.auth, api: ctx.api });
  ctx.auth.onChange(updateNav);
  updateNav(ctx.auth.user());
  window.addEventListener("hashchange", route);
  await route();
}

start();
