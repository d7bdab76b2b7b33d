// Cognito user pool sign-in, sign-up and account changes over its JSON API (no SDK, no build step, no DOM code).
// The endpoint comes from config.json: https://cognito-idp.<region>.amazonaws.com/ when deployed, the local
// stack's Cognito with `make dev`. Request and answer shapes are the Amazon Cognito user pools API reference's
// (InitiateAuth, RespondToAuthChallenge, ForgotPassword, ... ): the same code runs against both.

const SESSION_KEY = "bookstore.session";

export class AuthError extends Error {
  constructor(code, message, detail = "") {
    super(message);
    this.code = code; // Cognito's error code (e.g. CodeMismatchException), or NetworkError / SessionExpired
    this.detail = detail; // Cognito's own message, for the console only
  }
}

// ---------------------------------------------------------------------------------------------------------
// The user pool's rules (stacks/auth_stack.py), as a shopper reads them

// The password policy: min 12, lower, upper, digit, symbol. Cognito's symbols are these, and a space that is
// neither first nor last.
const SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";
export const PASSWORD_RULES = [
  { id: "length", text: "At least 12 characters", missing: "at least 12 characters", test: (p) => [...p].length >= 12 },
  { id: "upper", text: "An upper case letter (A–Z)", missing: "an upper case letter", test: (p) => /[A-Z]/.test(p) },
  { id: "lower", text: "A lower case letter (a–z)", missing: "a lower case letter", test: (p) => /[a-z]/.test(p) },
  { id: "digit", text: "A digit (0–9)", missing: "a digit", test: (p) => /[0-9]/.test(p) },
  {
    id: "symbol", text: "A symbol, such as ! @ # $ % & * - _ ?", missing: "a symbol",
    test: (p) => [...p].some((c) => SYMBOLS.includes(c)) || / /.test(p.trim()),
  },
  {
    id: "edges", text: "No space at the start or end", missing: "no space at its start or end",
    test: (p) => p.length > 0 && p === p.trim(),
  },
];

// What is wrong with a new password, as one sentence ("" when it meets the policy).
export function passwordProblem(password) {
  const missing = PASSWORD_RULES.filter((rule) => rule.id !== "edges" && !rule.test(password)).map((rule) => rule.missing);
  if (missing.length) return `The password needs ${listing(missing)}.`;
  if (password !== password.trim()) return "The password cannot start or end with a space.";
  if ([...password].length > 256) return "The password can have at most 256 characters.";
  return "";
}

// The app's username rule (3 to 30 characters: a lowercase letter, then lowercase letters, digits, . _ or -),
// as an HTML pattern attribute, which browsers compile with the `v` flag (so '-' is escaped in the class).
export const USERNAME_PATTERN = "[a-z][a-z0-9._\\-]{2,29}";
export const USERNAME_RULE =
  "3 to 30 characters: a lowercase letter first, then lowercase letters, digits, dots (.), underscores (_) or dashes (-).";

// Why a username breaks the rule, in words ("" when it follows it).
export function usernameProblem(value) {
  const chars = [...value];
  if (chars.length === 0) return "Choose a username.";
  if (/[A-Z]/.test(value)) return `Use lowercase letters only: “${value.toLowerCase()}”, not “${value}”.`;
  if (/\s/.test(value)) return "A username cannot contain spaces.";
  const other = chars.find((c) => !/[a-z0-9._-]/.test(c));
  if (other) return `A username cannot contain “${other}”: only lowercase letters (a–z), digits, dots, underscores and dashes.`;
  if (!/[a-z]/.test(chars[0])) return "A username starts with a lowercase letter (a–z).";
  if (chars.length < 3) return "A username has at least 3 characters.";
  if (chars.length > 30) return "A username has at most 30 characters.";
  return "";
}

function listing(items) {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------------------
// Cognito's errors, as sentences a shopper understands

// The actions made with the user's access token: a refusal of the token means the sign-in is over.
const TOKEN_ACTIONS = ["GetUser", "ChangePassword", "UpdateUserAttributes", "VerifyUserAttribute",
  "GetUserAttributeVerificationCode", "AssociateSoftwareToken", "VerifySoftwareToken", "SetUserMFAPreference"];

export const SESSION_EXPIRED = "This step took too long; sign in again.";

// action: the Cognito action that failed; context: what the form sent that helps explain it ({ password }).
export function friendlyError(code, message, action, context = {}) {
  const text = String(message || "");
  const totp = action === "VerifySoftwareToken" || (action === "RespondToAuthChallenge" && context.totp);
  switch (code) {
    case "NotAuthorizedException":
      if (/session/i.test(text)) return [SESSION_EXPIRED, "SessionExpired"];
      if (/temporary password has expired/i.test(text)) {
        return ["Your temporary password has expired; ask the bookstore staff to send you a new invitation."];
      }
      if (/cannot be confirmed/i.test(text)) return ["This account is already confirmed; sign in."];
      if (/attempts exceeded/i.test(text)) return ["Too many failed sign-ins; wait a few minutes and try again."];
      if (/disabled/i.test(text)) return ["This account is disabled; ask the bookstore staff."];
      if (/cannot be reset|current state/i.test(text)) {
        return ["This account still has its temporary password: sign in with the one from your invitation e-mail, or ask the bookstore staff for a new invitation."];
      }
      if (action === "ChangePassword" && /incorrect|password/i.test(text)) return ["Your current password is not right."];
      if (action === "InitiateAuth") return ["Incorrect username or password."];
      if (TOKEN_ACTIONS.includes(action)) return ["You were signed out; sign in again.", "SignedOut"];
      return ["That is not possible for this account; ask the bookstore staff if it persists."];
    case "UserNotFoundException":
      return [action === "InitiateAuth" ? "Incorrect username or password." : "There is no account with that username; check it."];
    case "UserNotConfirmedException":
      return ["Confirm your account first: enter the code we e-mailed you."];
    case "PasswordResetRequiredException":
      return ["You need to choose a new password: we can e-mail you a code to do it."];
    case "UsernameExistsException":
      return ["That username is taken; choose another."];
    case "AliasExistsException":
      return ["That e-mail address belongs to another account; use another address, or sign in to that account."];
    case "InvalidPasswordException": {
      const problem = context.password !== undefined ? passwordProblem(context.password) : "";
      if (problem) return [problem];
      if (/previous|history|used before/i.test(text)) return ["Choose a password you have not used before."];
      if (/breach|compromised/i.test(text)) return ["That password appears in a known data breach; choose another."];
      return ["That password is not accepted; choose another that meets every rule in the list."];
    }
    case "InvalidParameterException":
      if (/already confirmed/i.test(text)) return ["This account is already confirmed; sign in."];
      if (/no registered.*(verified)? ?e-?mail|no registered\/verified/i.test(text)) {
        return [
          "We cannot send a reset code: this account has no verified e-mail. If you signed up and never entered " +
            "the code we sent, confirm your account first (Have a confirmation code?); otherwise ask the bookstore staff.",
        ];
      }
      if (/password/i.test(text) && context.password !== undefined) {
        return [passwordProblem(context.password) || "The password cannot start or end with a space."];
      }
      if (/email/i.test(text)) return ["That e-mail address is not valid; check it."];
      if (/username/i.test(text)) return [`That username is not valid: ${USERNAME_RULE}`];
      if (/code/i.test(text)) return ["That code is not valid: enter the 6 digits exactly."];
      return ["Something in the form is not valid; check it and try again."];
    case "CodeMismatchException":
      return [totp
        ? "That code is not right; enter the current 6-digit code from your authenticator app."
        : "That code is not right; check the e-mail and try again."];
    case "EnableSoftwareTokenMFAException":
      return ["That code is not right; enter the current 6-digit code from your authenticator app."];
    case "SoftwareTokenMFANotFoundException":
      return ["Set up your authenticator app first."];
    case "ExpiredCodeException":
      return ["That code has expired; ask for a new one."];
    case "LimitExceededException":
      return ["Too many attempts; wait a few minutes and try again."];
    case "TooManyRequestsException":
      return ["The sign-in service is busy; wait a moment and try again."];
    case "TooManyFailedAttemptsException":
      return ["Too many wrong codes; wait a few minutes, then ask for a new code."];
    case "CodeDeliveryFailureException":
      return ["We could not send the code e-mail; check the address, or try again later."];
    case "UserLambdaValidationException":
      return [triggerSentence(text)];
    case "InternalErrorException":
    case "UnexpectedLambdaException":
    case "InvalidLambdaResponseException":
      return ["The sign-in service had a problem; try again in a moment."];
    case "NetworkError":
      return ["Cannot reach the sign-in service; check your connection and try again."];
    default:
      return ["Something went wrong; please try again."];
  }
}

// Cognito wraps a trigger's refusal: "PreSignUp failed with error <sentence>." -> <sentence>.
function triggerSentence(text) {
  const found = /^\s*\w+ failed with error\s+([\s\S]*?)\s*$/.exec(text);
  let sentence = (found ? found[1] : text).replace(/\.$/, "").trim();
  if (!sentence) return "The shop refused this request; please try again.";
  if (!/[.!?]$/.test(sentence)) sentence += ".";
  return sentence;
}

// ---------------------------------------------------------------------------------------------------------

export class Auth {
  constructor(config) {
    this.endpoint = config.cognitoEndpoint;
    this.clientId = config.userPoolClientId;
    this.session = load();
    this.listeners = [];
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  _changed() {
    this.listeners.forEach((listener) => listener(this.user()));
  }

  async _call(action, body, context = {}) {
    let response;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}`,
        },
        body: JSON.stringify(body),
      });
    } catch {
      throw new AuthError("NetworkError", friendlyError("NetworkError", "", action)[0]);
    }
    const text = await response.text();
    let data;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      data = { __type: "InternalErrorException", message: `answer ${response.status} is not JSON` };
    }
    if (!response.ok) {
      const code = String(data.__type || data.code || "InternalErrorException").split("#").pop().split(":")[0];
      const detail = String(data.message || data.Message || "");
      const [message, kind] = friendlyError(code, detail, action, context);
      throw new AuthError(kind || code, message, detail);
    }
    return data;
  }

  // The answer of InitiateAuth or RespondToAuthChallenge: signed in ({ user }), or the next challenge
  // ({ challenge: { name, session, username, parameters } }).
  _outcome(data, username) {
    if (data.AuthenticationResult) {
      this._store(data.AuthenticationResult);
      return { user: this.user() };
    }
    const parameters = data.ChallengeParameters || {};
    const name = data.ChallengeName || "Challenge";
    if (!["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA"].includes(name)) {
      throw new AuthError(name, "This account needs a sign-in step this shop does not offer; ask the bookstore staff.");
    }
    return {
      challenge: { name, session: data.Session, username: parameters.USER_ID_FOR_SRP || parameters.USERNAME || username, parameters },
    };
  }

  async signIn(username, password) {
    const data = await this._call("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: this.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    return this._outcome(data, username);
  }

  // The attributes NEW_PASSWORD_REQUIRED asks for, without the "userAttributes." prefix.
  static requiredAttributes(challenge) {
    try {
      return JSON.parse(challenge.parameters.requiredAttributes || "[]").map((name) => name.replace(/^userAttributes\./, ""));
    } catch {
      return [];
    }
  }

  async completeNewPassword(challenge, newPassword, attributes = {}) {
    const responses = { USERNAME: challenge.username, NEW_PASSWORD: newPassword };
    for (const [name, value] of Object.entries(attributes)) responses[`userAttributes.${name}`] = value;
    const data = await this._call("RespondToAuthChallenge", {
      ClientId: this.clientId,
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: challenge.session,
      ChallengeResponses: responses,
    }, { password: newPassword });
    return this._outcome(data, challenge.username);
  }

  async answerTotp(challenge, code) {
    const data = await this._call("RespondToAuthChallenge", {
      ClientId: this.clientId,
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, SOFTWARE_TOKEN_MFA_CODE: code },
    }, { totp: true });
    return this._outcome(data, challenge.username);
  }

  async signUp({ username, password, email, givenName, familyName }) {
    const attributes = [{ Name: "email", Value: email }];
    if (givenName) attributes.push({ Name: "given_name", Value: givenName });
    if (familyName) attributes.push({ Name: "family_name", Value: familyName });
    return this._call("SignUp", { ClientId: this.clientId, Username: username, Password: password, UserAttributes: attributes }, { password });
  }

  async confirmSignUp(username, code) {
    return this._call("ConfirmSignUp", { ClientId: this.clientId, Username: username, ConfirmationCode: code });
  }

  async resendCode(username) {
    return this._call("ResendConfirmationCode", { ClientId: this.clientId, Username: username });
  }

  // Answers CodeDeliveryDetails ({ Destination: "j***@e***", DeliveryMedium, AttributeName }).
  async forgotPassword(username) {
    const data = await this._call("ForgotPassword", { ClientId: this.clientId, Username: username });
    return data.CodeDeliveryDetails || {};
  }

  async confirmForgotPassword(username, code, password) {
    return this._call("ConfirmForgotPassword", { ClientId: this.clientId, Username: username, ConfirmationCode: code, Password: password }, { password });
  }

  // --- the signed-in user's own account (each call with the access token) ---

  async _withAccess(action, body, context) {
    const token = await this.accessToken();
    if (!token) throw new AuthError("SignedOut", "You were signed out; sign in again.");
    return this._call(action, { ...body, AccessToken: token }, context);
  }

  async getUser() {
    const data = await this._withAccess("GetUser", {});
    const attributes = Object.fromEntries((data.UserAttributes || []).map((a) => [a.Name, a.Value]));
    return {
      username: data.Username,
      attributes,
      totp: (data.UserMFASettingList || []).includes("SOFTWARE_TOKEN_MFA"),
      preferredMfa: data.PreferredMfaSetting || null,
    };
  }

  async changePassword(previous, proposed) {
    return this._withAccess("ChangePassword", { PreviousPassword: previous, ProposedPassword: proposed }, { password: proposed });
  }

  // Cognito keeps the old address (keep_original) until the new one is verified, and e-mails it a code.
  async changeEmail(email) {
    const data = await this._withAccess("UpdateUserAttributes", { UserAttributes: [{ Name: "email", Value: email }] });
    return (data.CodeDeliveryDetailsList || [])[0] || {};
  }

  async verifyEmail(code) {
    await this._withAccess("VerifyUserAttribute", { AttributeName: "email", Code: code });
    await this.refresh(); // new tokens carry the new address
  }

  async resendEmailCode() {
    const data = await this._withAccess("GetUserAttributeVerificationCode", { AttributeName: "email" });
    return data.CodeDeliveryDetails || {};
  }

  async startTotp() {
    const data = await this._withAccess("AssociateSoftwareToken", {});
    return data.SecretCode;
  }

  async finishTotp(code) {
    const data = await this._withAccess("VerifySoftwareToken", { UserCode: code, FriendlyDeviceName: "Bookstore" }, { totp: true });
    if (data.Status && data.Status !== "SUCCESS") {
      throw new AuthError("CodeMismatchException", friendlyError("CodeMismatchException", "", "VerifySoftwareToken")[0]);
    }
    await this._withAccess("SetUserMFAPreference", { SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } });
  }

  async stopTotp() {
    await this._withAccess("SetUserMFAPreference", { SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } });
  }

  // --- tokens ---

  async refresh() {
    if (!this.session || !this.session.refreshToken) return false;
    try {
      const data = await this._call("InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: this.clientId,
        AuthParameters: { REFRESH_TOKEN: this.session.refreshToken },
      });
      this._store({ ...data.AuthenticationResult, RefreshToken: this.session.refreshToken });
      return true;
    } catch (error) {
      if (error.code === "NetworkError") return false; // stay signed in: the connection may come back
      this.signOut();
      return false;
    }
  }

  async _fresh() {
    if (!this.session) return false;
    if (Date.now() > this.session.expiresAt - 60_000 || !this.session.accessToken) return this.refresh();
    return true;
  }

  async idToken() {
    return (await this._fresh()) ? this.session.idToken : null;
  }

  async accessToken() {
    return (await this._fresh()) ? this.session.accessToken : null;
  }

  signOut() {
    const refreshToken = this.session && this.session.refreshToken;
    this.session = null;
    sessionStorage.removeItem(SESSION_KEY);
    if (refreshToken) {
      // Revoke the refresh token too; failure here must not keep anyone signed in locally.
      this._call("RevokeToken", { ClientId: this.clientId, Token: refreshToken }).catch(() => {});
    }
    this._changed();
  }

  user() {
    if (!this.session) return null;
    const claims = decode(this.session.idToken);
    const groups = claims["cognito:groups"] || [];
    return {
      username: claims["cognito:username"] || claims.username,
      email: claims.email,
      emailVerified: claims.email_verified === true || claims.email_verified === "true",
      name: claims.given_name || claims["cognito:username"],
      givenName: claims.given_name || "",
      familyName: claims.family_name || "",
      groups: Array.isArray(groups) ? groups : String(groups).split(/[ ,]+/).filter(Boolean),
    };
  }

  _store(result) {
    this.session = {
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken: result.RefreshToken || (this.session && this.session.refreshToken),
      expiresAt: Date.now() + (result.ExpiresIn || 3600) * 1000,
    };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(this.session));
    this._changed();
  }
}

function load() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
    return session && session.idToken ? session : null;
  } catch {
    return null;
  }
}

// The token's claims, for display only: the API verifies the token itself.
function decode(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      atob(payload)
        .split("")
        .map((c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0"))
        .join(""),
    );
    return JSON.parse(json);
  } catch {
    return {};
  }
}
