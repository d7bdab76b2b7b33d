// The account views: sign in (with its challenges: a new password, an authenticator code), sign up, confirm,
// forgotten password, and the signed-in account page. Cognito calls go through auth.js; text only via textContent.
import { Auth, PASSWORD_RULES, SESSION_EXPIRED, USERNAME_PATTERN, USERNAME_RULE, passwordProblem, usernameProblem } from "./auth.js";
import { busy, describe, errorBox, field, h, render, say, showError } from "./dom.js";
import { addressForm } from "./address_form.js";
import { addressBlock } from "./shop.js";

let auth;
let api;
// A message for the next sign-in page ("Your account is confirmed; sign in.").
let notice = "";
// The password of a sign-up (or a sign-in of an unconfirmed account), in memory only: after the code, we sign in.
const pending = { username: "", password: "", destination: "" };
const PENDING_EMAIL_KEY = "bookstore.pendingEmail";

export function initAccount(context) {
  auth = context.auth;
  api = context.api;
}

// ---------------------------------------------------------------------------------------------------------
// Pieces

function linkTo(hash, text) {
  return h("a", { href: hash }, text);
}

function query(values) {
  const params = new URLSearchParams();
  Object.entries(values).forEach(([key, value]) => { if (value) params.set(key, value); });
  const text = params.toString();
  return text ? `?${text}` : "";
}

function noticeBox(text) {
  return h("p", { class: "notice", role: "status" }, text || "");
}

function codeInput(name = "code") {
  return h("input", {
    name, inputmode: "numeric", autocomplete: "one-time-code", required: true, pattern: "[0-9]{6}",
    maxlength: "6", title: "The 6 digits of the code", spellcheck: "false",
  });
}

// A new password: the policy listed under it and ticked as the user types; the browser refuses to submit
// (with our sentence) until every rule is met.
function newPasswordField(label, name = "password") {
  const input = h("input", { name, type: "password", autocomplete: "new-password", required: true, minlength: "12", maxlength: "256" });
  const items = PASSWORD_RULES.map((rule) => {
    const state = h("span", { class: "sr-only" }, " (not yet)");
    const mark = h("span", { class: "rule-mark", "aria-hidden": "true" }, "•");
    return { rule, state, mark, element: h("li", { class: "rule" }, mark, h("span", { class: "rule-text" }, rule.text, state)) };
  });
  const list = h("ul", { class: "rules", id: `rules-${Math.random().toString(36).slice(2, 9)}` }, items.map((item) => item.element));
  const intro = h("p", { class: "hint", id: `${list.id}-intro` }, "The password needs:");
  function check() {
    const value = input.value;
    for (const item of items) {
      const met = item.rule.test(value);
      item.element.classList.toggle("met", met);
      item.mark.textContent = met ? "✓" : "•";
      item.state.textContent = met ? " (done)" : " (not yet)";
    }
    input.setCustomValidity(value ? passwordProblem(value) : "");
  }
  input.addEventListener("input", check);
  check();
  input.id = `f-${Math.random().toString(36).slice(2, 9)}`;
  describe(input, intro.id);
  describe(input, list.id);
  // A toggle button, not a labelled checkbox: the page keeps one control labelled "password" per field.
  const show = h("button", { type: "button", class: "secondary small", "aria-pressed": "false", "aria-controls": input.id }, "Show password");
  show.addEventListener("click", () => {
    const shown = input.type === "password";
    input.type = shown ? "text" : "password";
    show.setAttribute("aria-pressed", String(shown));
  });
  const wrap = h("div", {},
    h("label", { for: input.id }, label), h("div", { class: "with-button" }, input, show), intro, list);
  return { wrap, input, check };
}

// After a Cognito answer that signed the user in or asks for the next step.
function proceed(outcome, next) {
  if (outcome.challenge) {
    if (outcome.challenge.name === "NEW_PASSWORD_REQUIRED") return newPasswordView(outcome.challenge, next);
    return totpView(outcome.challenge, next);
  }
  pending.username = pending.password = pending.destination = "";
  say(`Signed in as ${outcome.user.username}.`);
  location.hash = next || "#/catalog";
  return undefined;
}

function backToSignIn(message, username) {
  notice = message;
  const target = `#/signin${query({ username })}`;
  if (location.hash === target) signInView(new URLSearchParams(query({ username }).slice(1)));
  else location.hash = target;
}

function delivered(details, fallback) {
  return details && details.Destination ? `We sent a code to ${details.Destination}.` : fallback;
}

// ---------------------------------------------------------------------------------------------------------
// Sign in and its challenges

export function signInView(params) {
  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false", value: params.get("username") || "" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit" }, "Sign in");
  const problem = errorBox();
  const next = params.get("next") || "";
  const message = noticeBox(notice);
  notice = "";
  const form = h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    problem.textContent = "";
    message.textContent = "";
    const name = username.value.trim();
    await busy(submit, async () => {
      submit.textContent = "Signing in…";
      try {
        proceed(await auth.signIn(name, password.value), next);
      } catch (error) {
        if (error.code === "UserNotConfirmedException") {
          Object.assign(pending, { username: name, password: password.value, destination: "" });
          notice = error.message;
          location.hash = `#/confirm${query({ username: name, next })}`;
          return;
        }
        if (error.code === "PasswordResetRequiredException") {
          notice = error.message;
          location.hash = `#/forgot${query({ username: name, next })}`;
          return;
        }
        showError(problem, error);
        password.value = "";
        password.focus();
      }
    });
  } }, field("Username", username, "Your username or e-mail address."), field("Password", password), problem, submit);
  const forgot = h("a", { href: `#/forgot${query({ next })}` }, "Forgot your password?");
  // The username typed so far goes with the links, so the next page does not ask for it again.
  forgot.addEventListener("click", () => { forgot.href = `#/forgot${query({ username: username.value.trim(), next })}`; });
  const confirm = h("a", { href: "#/confirm" }, "Have a confirmation code?");
  confirm.addEventListener("click", () => { confirm.href = `#/confirm${query({ username: username.value.trim(), next })}`; });
  render("Sign in", message, form,
    h("ul", { class: "links" },
      h("li", {}, forgot),
      h("li", {}, confirm),
      h("li", {}, "New here? ", linkTo("#/signup", "Create an account"), ".")));
  (username.value ? password : username).focus();
}

function newPasswordView(challenge, next) {
  const wanted = Auth.requiredAttributes(challenge);
  const labels = { given_name: "First name", family_name: "Last name", email: "E-mail address" };
  const extra = wanted.map((name) => ({
    name,
    input: h("input", { name, required: true, type: name === "email" ? "email" : "text", autocomplete: { given_name: "given-name", family_name: "family-name", email: "email" }[name] || "off" }),
  }));
  const password = newPasswordField("New password", "new-password");
  const submit = h("button", { type: "submit" }, "Save the password and sign in");
  const problem = errorBox();
  const form = h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    problem.textContent = "";
    await busy(submit, async () => {
      try {
        const attributes = Object.fromEntries(extra.map(({ name, input }) => [name, input.value.trim()]));
        proceed(await auth.completeNewPassword(challenge, password.input.value, attributes), next);
      } catch (error) {
        if (error.code === "SessionExpired") return backToSignIn(SESSION_EXPIRED, challenge.username);
        showError(problem, error);
        password.input.focus();
      }
      return undefined;
    });
  } },
  extra.map(({ name, input }) => field(labels[name] || name, input)),
  password.wrap, problem, submit);
  render("Choose a new password",
    h("p", {}, `You signed in as ${challenge.username} with a temporary password. Choose your own password to finish signing in.`),
    form,
    h("p", {}, linkTo("#/signin", "Cancel and go back to sign in")));
  (extra.length ? extra[0].input : password.input).focus();
}

function totpView(challenge, next) {
  const code = codeInput();
  const submit = h("button", { type: "submit" }, "Sign in");
  const problem = errorBox();
  const form = h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    problem.textContent = "";
    await busy(submit, async () => {
      try {
        proceed(await auth.answerTotp(challenge, code.value.trim()), next);
      } catch (error) {
        if (error.code === "SessionExpired") return backToSignIn(SESSION_EXPIRED, challenge.username);
        showError(problem, error);
        code.select();
        code.focus();
      }
      return undefined;
    });
  } }, field("Code", code, "The 6 digits your authenticator app shows for the bookstore now."), problem, submit);
  render("Enter the 6-digit code from your authenticator app", form, h("p", {}, linkTo("#/signin", "Cancel and go back to sign in")));
  code.focus();
}

// ---------------------------------------------------------------------------------------------------------
// Sign up and confirm

export function signUpView() {
  const username = h("input", {
    name: "username", autocomplete: "username", required: true, pattern: USERNAME_PATTERN,
    autocapitalize: "none", spellcheck: "false", title: USERNAME_RULE,
  });
  const usernameHint = h("p", { class: "hint" }, USERNAME_RULE);
  const usernameProblemText = h("p", { class: "field-error", id: `username-problem-${Math.random().toString(36).slice(2, 7)}`, "aria-live": "polite" });
  const email = h("input", { name: "email", type: "email", autocomplete: "email", required: true });
  const given = h("input", { name: "given_name", autocomplete: "given-name", maxlength: "64" });
  const family = h("input", { name: "family_name", autocomplete: "family-name", maxlength: "64" });
  const password = newPasswordField("Password");
  const submit = h("button", { type: "submit" }, "Create account");
  const problem = errorBox();
  // The browser refuses a username that breaks the rule (its own message, with the rule as the pattern's title);
  // we say which part is wrong under the field. We never change what the user typed.
  let told = false;
  function explain() {
    const text = username.value && !username.validity.valid ? usernameProblem(username.value) : "";
    usernameProblemText.textContent = text;
    username.setAttribute("aria-invalid", text ? "true" : "false");
  }
  username.addEventListener("invalid", () => { told = true; explain(); });
  username.addEventListener("input", () => { if (told) explain(); });
  username.addEventListener("change", () => { told = true; explain(); });
  const form = h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    problem.textContent = "";
    const name = username.value;
    await busy(submit, async () => {
      try {
        const answer = await auth.signUp({ username: name, password: password.input.value, email: email.value.trim(), givenName: given.value.trim(), familyName: family.value.trim() });
        Object.assign(pending, { username: name, password: password.input.value, destination: (answer.CodeDeliveryDetails || {}).Destination || "" });
        if (answer.UserConfirmed) {
          proceed(await auth.signIn(name, password.input.value), "#/catalog");
          return;
        }
        location.hash = `#/confirm${query({ username: name })}`;
      } catch (error) {
        showError(problem, error);
      }
    });
  } },
  h("div", {}, h("label", { for: "signup-username" }, "Username"), username, usernameHint, usernameProblemText),
  field("Email", email),
  field("First name (optional)", given),
  field("Last name (optional)", family),
  password.wrap,
  problem, submit);
  username.id = "signup-username";
  usernameHint.id = "signup-username-hint";
  describe(username, usernameHint.id);
  describe(username, usernameProblemText.id);
  render("Create an account", form,
    h("ul", { class: "links" },
      h("li", {}, "Have an account? ", linkTo("#/signin", "Sign in"), "."),
      h("li", {}, linkTo("#/confirm", "Have a confirmation code?"))));
  username.focus();
}

export function confirmView(params) {
  const known = params.get("username") || "";
  const next = params.get("next") || "";
  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false", value: known });
  const code = codeInput();
  const submit = h("button", { type: "submit" }, "Confirm");
  const resend = h("button", { type: "button", class: "secondary" }, "Send a new code");
  const problem = errorBox();
  const intro = pending.username === known && pending.destination
    ? `We sent a code to ${pending.destination}. Enter it to confirm your account.`
    : "Enter the 6-digit code from the e-mail we sent you when you signed up.";
  const message = noticeBox(notice);
  notice = "";
  resend.addEventListener("click", () => {
    problem.textContent = "";
    if (!username.value.trim()) {
      problem.textContent = "Enter your username first.";
      username.focus();
      return undefined;
    }
    return busy(resend, async () => {
      try {
        const answer = await auth.resendCode(username.value.trim());
        message.textContent = delivered(answer.CodeDeliveryDetails, "We sent you a new code.");
        code.focus();
      } catch (error) {
        showError(problem, error);
      }
    });
  });
  const form = h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    problem.textContent = "";
    const name = username.value.trim();
    await busy(submit, async () => {
      try {
        await auth.confirmSignUp(name, code.value.trim());
      } catch (error) {
        showError(problem, error);
        if (error.code !== "NotAuthorizedException") code.focus();
        return;
      }
      if (pending.username && pending.username === name && pending.password) {
        try {
          proceed(await auth.signIn(name, pending.password), next || "#/catalog");
          return;
        } catch {
          // fall through: sign in by hand
        }
      }
      backToSignIn("Your account is confirmed; sign in.", name);
    });
  } },
  field("Username", username),
  field("Confirmation code", code, "The 6-digit code we e-mailed you."),
  problem, h("div", { class: "actions" }, submit, resend));
  render("Confirm your account", message, h("p", {}, intro), form, h("p", {}, linkTo("#/signin", "Back to sign in")));
  (known ? code : username).focus();
}

// ---------------------------------------------------------------------------------------------------------
// Forgotten password

export function forgotView(params) {
  const next = params.get("next") || "";
  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false", value: params.get("username") || "" });
  const submit = h("button", { type: "submit" }, "Send me a code");
  const problem = errorBox();
  const message = noticeBox(notice);
  notice = "";
  const form = h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    problem.textContent = "";
    const name = username.value.trim();
    await busy(submit, async () => {
      try {
        const details = await auth.forgotPassword(name);
        resetView(name, details, next);
      } catch (error) {
        showError(problem, error);
      }
    });
  } }, field("Username", username, "Your username or e-mail address."), problem, submit);
  render("Forgot your password?", message,
    h("p", {}, "We e-mail you a code to choose a new password."), form, h("p", {}, linkTo("#/signin", "Back to sign in")));
  username.focus();
}

function resetView(username, details, next) {
  const code = codeInput();
  const password = newPasswordField("New password");
  const submit = h("button", { type: "submit" }, "Save the password and sign in");
  const resend = h("button", { type: "button", class: "secondary" }, "Send the code again");
  const problem = errorBox();
  const sent = h("p", { role: "status" }, delivered(details, "We sent a code to the e-mail address of this account."));
  resend.addEventListener("click", () => busy(resend, async () => {
    problem.textContent = "";
    try {
      sent.textContent = delivered(await auth.forgotPassword(username), "We sent a new code.");
      code.focus();
    } catch (error) {
      showError(problem, error);
    }
  }));
  const form = h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    problem.textContent = "";
    await busy(submit, async () => {
      try {
        await auth.confirmForgotPassword(username, code.value.trim(), password.input.value);
      } catch (error) {
        showError(problem, error);
        (error.code === "InvalidPasswordException" ? password.input : code).focus();
        return;
      }
      try {
        say("Your password is changed.");
        proceed(await auth.signIn(username, password.input.value), next);
      } catch (error) {
        backToSignIn(`Your password is changed; sign in. (${error.message})`, username);
      }
    });
  } }, field("Code", code, "The 6-digit code from the e-mail."), password.wrap, problem, h("div", { class: "actions" }, submit, resend));
  render("Choose a new password", sent, form, h("p", {}, linkTo("#/signin", "Back to sign in")));
  code.focus();
}

// ---------------------------------------------------------------------------------------------------------
// The account page

function section(title, ...children) {
  const id = `s-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

function pendingEmail(username) {
  try {
    const found = JSON.parse(sessionStorage.getItem(PENDING_EMAIL_KEY) || "null");
    return found && found.username === username ? found.email : "";
  } catch {
    return "";
  }
}

export async function accountView(needSignIn) {
  const user = auth.user();
  if (!user) return needSignIn("My account", "Your account settings need you signed in.");
  const details = h("dl", { class: "details" },
    h("dt", {}, "Username"), h("dd", {}, user.username),
    h("dt", {}, "E-mail"), h("dd", { id: "account-email" }, user.email || "—"));
  const nameBox = h("div");
  const addressBox = h("div");
  const emailBox = h("div");
  const passwordBox = h("div");
  const totpBox = h("div");
  render("My account", details,
    section("Name", nameBox),
    section("Delivery address", addressBox),
    section("E-mail address", emailBox),
    section("Password", passwordBox),
    section("Two-step sign-in", totpBox));
  const me = api.me(); // one GET /me for the name form and the saved address
  me.catch(() => {}); // each panel says what it needs to
  nameForm(nameBox, user, me);
  addressPanel(addressBox, me);
  emailForm(emailBox, user);
  passwordForm(passwordBox);
  await totpPanel(totpBox);
  return undefined;
}

function signedOutOn(error) {
  if (error.code === "SignedOut") {
    auth.signOut();
    backToSignIn(error.message, "");
    return true;
  }
  return false;
}

// The saved delivery address (PATCH /me): where the chat's orders go and where the next checkout starts. The
// customer adds or changes it here (the shared address form) or at checkout, and "Forget this address" removes it.
const NO_SAVED_ADDRESS = "No delivery address is saved. Add one to order by chat; the address you give at checkout "
  + "is saved too (unless you untick the box).";

async function addressPanel(box, me) {
  const problem = errorBox();
  box.replaceChildren(h("p", { class: "muted" }, "Checking…"));
  let address;
  try {
    const profile = await me;
    address = (profile && profile.delivery_address) || null;
  } catch (error) {
    if (!signedOutOn(error)) {
      box.replaceChildren(problem);
      showError(problem, error);
    }
    return;
  }
  showSavedAddress(box, address);
}

function showSavedAddress(box, address) {
  const problem = errorBox();
  if (!address) {
    const add = h("button", { type: "button", class: "add-address" }, "Add a delivery address");
    add.addEventListener("click", () => editAddress(box, null));
    box.replaceChildren(h("p", { class: "no-saved-address", tabindex: "-1" }, NO_SAVED_ADDRESS),
      h("div", { class: "actions" }, add));
    return;
  }
  const change = h("button", { type: "button", class: "secondary change-address" }, "Change");
  change.addEventListener("click", () => editAddress(box, address));
  const forget = h("button", { type: "button", class: "secondary" }, "Forget this address");
  forget.addEventListener("click", () => busy(forget, async () => {
    problem.textContent = "";
    try {
      await api.saveDeliveryAddress(null);
    } catch (error) {
      if (!signedOutOn(error)) showError(problem, error);
      return;
    }
    showSavedAddress(box, null);
    say("Your saved delivery address is forgotten.");
    box.querySelector(".no-saved-address").focus(); // the button is gone: the sentence that replaced it
  }));
  box.replaceChildren(
    h("p", {}, "Your next checkout starts from this address, and your orders by chat go to it:"),
    addressBlock(address, { class: "delivery-address saved-address", tabindex: "-1" }),
    problem,
    h("div", { class: "actions" }, change, forget));
}

// The address form in the panel: empty (but the name) to add one, prefilled to change the saved one. Saving
// PATCHes /me; the server's per-field refusals show under their fields, and what was typed stays.
function editAddress(box, saved) {
  const user = auth.user() || {};
  const values = saved || { name: [user.givenName, user.familyName].filter(Boolean).join(" "), country: "US" };
  const problem = errorBox();
  const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
  const heading = h("h3", { id: "account-address-heading" }, saved ? "Change your delivery address" : "Add a delivery address");
  const editor = addressForm({
    values,
    idPrefix: "account-addr",
    submitLabel: "Save the address",
    attributes: { "aria-labelledby": heading.id },
    actions: [cancel],
    onSubmit: async (address) => {
      problem.textContent = "";
      let profile;
      try {
        profile = await api.saveDeliveryAddress(address);
      } catch (error) {
        if (signedOutOn(error)) return;
        if (error.status === 400 && editor.showServerErrors(error)) return;
        showError(problem, error);
        problem.focus();
        return;
      }
      showSavedAddress(box, (profile && profile.delivery_address) || address);
      say("Your delivery address is saved.");
      box.querySelector(".saved-address").focus();
    },
  });
  problem.setAttribute("tabindex", "-1");
  cancel.addEventListener("click", () => {
    showSavedAddress(box, saved);
    box.querySelector(saved ? ".change-address" : ".add-address").focus();
  });
  editor.form.insertBefore(problem, editor.form.lastElementChild);
  box.replaceChildren(heading, editor.form);
  editor.focusFirst();
}

function nameForm(box, user, me) {
  const given = h("input", { name: "given_name", autocomplete: "given-name", maxlength: "64", value: user.givenName });
  const family = h("input", { name: "family_name", autocomplete: "family-name", maxlength: "64", value: user.familyName });
  const submit = h("button", { type: "submit" }, "Save the name");
  const problem = errorBox();
  const done = h("p", { role: "status", class: "ok" });
  me.then((profile) => {
    if (profile && !given.value && profile.given_name) given.value = profile.given_name;
    if (profile && !family.value && profile.family_name) family.value = profile.family_name;
  }).catch(() => {});
  box.replaceChildren(h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    problem.textContent = done.textContent = "";
    const body = {};
    if (given.value.trim()) body.given_name = given.value.trim();
    if (family.value.trim()) body.family_name = family.value.trim();
    if (!Object.keys(body).length) {
      problem.textContent = "Enter a first or last name to save.";
      given.focus();
      return;
    }
    await busy(submit, async () => {
      try {
        await api.request("PATCH", "me", { signedIn: true, body });
        await auth.refresh();
        done.textContent = "Your name is saved.";
      } catch (error) {
        showError(problem, error);
      }
    });
  } }, field("First name", given), field("Last name", family), problem, done, submit));
}

function emailForm(box, user) {
  const waiting = pendingEmail(user.username);
  if (waiting) return emailCodeForm(box, user, waiting, "");
  const email = h("input", { name: "email", type: "email", autocomplete: "email", required: true });
  const submit = h("button", { type: "submit" }, "Change the e-mail address");
  const problem = errorBox();
  box.replaceChildren(
    h("p", {}, `Your e-mail address is ${auth.user().email || "not set"}. We send codes and password resets there.`),
    h("form", { class: "stack", onsubmit: async (event) => {
      event.preventDefault();
      problem.textContent = "";
      const address = email.value.trim();
      if (address.toLowerCase() === String(auth.user().email || "").toLowerCase()) {
        problem.textContent = "That is already your e-mail address.";
        email.focus();
        return;
      }
      await busy(submit, async () => {
        try {
          const details = await auth.changeEmail(address);
          sessionStorage.setItem(PENDING_EMAIL_KEY, JSON.stringify({ username: user.username, email: address }));
          emailCodeForm(box, user, address, delivered(details, `We sent a code to ${address}.`));
        } catch (error) {
          if (!signedOutOn(error)) showError(problem, error);
        }
      });
    } }, field("New e-mail address", email, "We e-mail a code to the new address; your address changes once you enter it."), problem, submit));
  return undefined;
}

function emailCodeForm(box, user, address, sentText) {
  const code = codeInput();
  const submit = h("button", { type: "submit" }, "Verify the new address");
  const resend = h("button", { type: "button", class: "secondary" }, "Send the code again");
  const cancel = h("button", { type: "button", class: "secondary" }, "Keep the old address");
  const problem = errorBox();
  const sent = h("p", { role: "status" }, sentText || `We sent a code to ${address}.`);
  resend.addEventListener("click", () => busy(resend, async () => {
    problem.textContent = "";
    try {
      sent.textContent = delivered(await auth.resendEmailCode(), `We sent a new code to ${address}.`);
      code.focus();
    } catch (error) {
      if (!signedOutOn(error)) showError(problem, error);
    }
  }));
  cancel.addEventListener("click", () => {
    sessionStorage.removeItem(PENDING_EMAIL_KEY);
    emailForm(box, user);
  });
  box.replaceChildren(
    sent,
    h("p", {}, `Until you enter it, your e-mail address stays ${auth.user().email || "as it was"}.`),
    h("form", { class: "stack", onsubmit: async (event) => {
      event.preventDefault();
      problem.textContent = "";
      await busy(submit, async () => {
        try {
          await auth.verifyEmail(code.value.trim());
          sessionStorage.removeItem(PENDING_EMAIL_KEY);
          const now = auth.user().email || address;
          // The shop's profile takes the address Cognito now holds verified (PATCH /me checks it is).
          try { await api.request("PATCH", "me", { signedIn: true, body: { email: now } }); } catch { /* the sign-in address changed anyway */ }
          document.getElementById("account-email").textContent = now;
          emailForm(box, auth.user());
          say(`Your e-mail address is now ${now}.`);
          box.querySelector("input").focus();
        } catch (error) {
          if (!signedOutOn(error)) showError(problem, error);
          code.focus();
        }
      });
    } }, field(`Code sent to ${address}`, code, "The 6-digit code from the e-mail."), problem, h("div", { class: "actions" }, submit, resend, cancel)));
  code.focus();
}

function passwordForm(box) {
  const current = h("input", { name: "current-password", type: "password", autocomplete: "current-password", required: true });
  const proposed = newPasswordField("New password", "new-password");
  const submit = h("button", { type: "submit" }, "Change the password");
  const problem = errorBox();
  const done = h("p", { role: "status", class: "ok" });
  box.replaceChildren(h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    problem.textContent = done.textContent = "";
    await busy(submit, async () => {
      try {
        await auth.changePassword(current.value, proposed.input.value);
        current.value = proposed.input.value = "";
        proposed.check();
        done.textContent = "Your password is changed.";
      } catch (error) {
        if (signedOutOn(error)) return;
        showError(problem, error);
        (error.code === "InvalidPasswordException" ? proposed.input : current).focus();
      }
    });
  } }, field("Current password", current), proposed.wrap, problem, done, submit));
}

// The secret key in groups of 4, as authenticator apps show and accept it.
function grouped(secret) {
  return (secret.match(/.{1,4}/g) || []).join(" ");
}

async function totpPanel(box) {
  const problem = errorBox();
  box.replaceChildren(h("p", { class: "muted" }, "Checking…"), problem);
  let state;
  try {
    state = await auth.getUser();
  } catch (error) {
    if (!signedOutOn(error)) {
      box.replaceChildren(problem);
      showError(problem, error);
    }
    return;
  }
  if (state.totp) {
    const off = h("button", { type: "button", class: "danger" }, "Turn off two-step sign-in");
    off.addEventListener("click", () => busy(off, async () => {
      try {
        await auth.stopTotp();
        say("Two-step sign-in is off.");
        await totpPanel(box);
      } catch (error) {
        if (!signedOutOn(error)) showError(problem, error);
      }
    }));
    box.replaceChildren(h("p", {}, "Two-step sign-in is on: after your password, we ask for the code of your authenticator app."), problem, h("div", { class: "actions" }, off));
    return;
  }
  const start = h("button", { type: "button" }, "Set up two-step sign-in");
  start.addEventListener("click", () => busy(start, async () => {
    problem.textContent = "";
    try {
      totpSetup(box, await auth.startTotp());
    } catch (error) {
      if (!signedOutOn(error)) showError(problem, error);
    }
  }));
  box.replaceChildren(
    h("p", {}, "Two-step sign-in is off. Turn it on to be asked, after your password, for a code from an authenticator app on your phone."),
    problem, h("div", { class: "actions" }, start));
}

function totpSetup(box, secret) {
  const code = codeInput();
  const submit = h("button", { type: "submit" }, "Turn on two-step sign-in");
  const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
  const problem = errorBox();
  cancel.addEventListener("click", () => totpPanel(box));
  const key = h("p", { class: "secret", id: "totp-secret" }, grouped(secret));
  box.replaceChildren(
    h("ol", { class: "steps" },
      h("li", {}, "In your authenticator app, add an account, choose to enter a setup key, and type this key (time-based):", key),
      h("li", {}, "Enter the 6-digit code the app then shows for the bookstore.")),
    h("form", { class: "stack", onsubmit: async (event) => {
      event.preventDefault();
      problem.textContent = "";
      await busy(submit, async () => {
        try {
          await auth.finishTotp(code.value.trim());
          say("Two-step sign-in is on.");
          await totpPanel(box);
        } catch (error) {
          if (!signedOutOn(error)) showError(problem, error);
          code.select();
          code.focus();
        }
      });
    } }, field("Code from the app", code), problem, h("div", { class: "actions" }, submit, cancel)));
  code.focus();
}
