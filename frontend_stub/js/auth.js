// Cognito user pool sign-in and sign-up over its JSON API (no SDK, no build step).
// The endpoint comes from config.json: https://cognito-idp.<region>.amazonaws.com/ when deployed, the local
// stack's moto server with `make dev`.

const SESSION_KEY = "bookstore.session";

export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// What a person should read, for the errors Cognito answers with.
const FRIENDLY = {
  NotAuthorizedException: "Incorrect username or password.",
  UserNotFoundException: "Incorrect username or password.",
  UserNotConfirmedException: "Confirm your account first: enter the code we emailed you.",
  UsernameExistsException: "That username is taken; choose another.",
  InvalidPasswordException: null, // Cognito's own message lists the rule that failed
  CodeMismatchException: "That code is not right; check the email and try again.",
  ExpiredCodeException: "That code has expired; ask for a new one.",
  LimitExceededException: "Too many attempts; wait a minute and try again.",
  TooManyRequestsException: "Too many attempts; wait a minute and try again.",
  InvalidParameterException: null,
};

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

  async _call(action, body) {
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
      throw new AuthError("NetworkError", "Cannot reach the sign-in service; check your connection and try again.");
    }
    const text = await response.text();
    const data = text ? JSON.parse(text) : {};
    if (!response.ok) {
      const code = String(data.__type || data.code || "Error").split("#").pop();
      const message = FRIENDLY[code] || data.message || data.Message || "Sign-in failed; please try again.";
      throw new AuthError(code, message);
    }
    return data;
  }

  async signIn(username, password) {
    const data = await this._call("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: this.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    if (!data.AuthenticationResult) {
      throw new AuthError(data.ChallengeName || "Challenge", "This account needs a step this shop does not support yet (" + (data.ChallengeName || "challenge") + ").");
    }
    this._store(data.AuthenticationResult);
    return this.user();
  }

  async signUp({ username, password, email, givenName, familyName }) {
    const attributes = [{ Name: "email", Value: email }];
    if (givenName) attributes.push({ Name: "given_name", Value: givenName });
    if (familyName) attributes.push({ Name: "family_name", Value: familyName });
    return this._call("SignUp", { ClientId: this.clientId, Username: username, Password: password, UserAttributes: attributes });
  }

  async confirmSignUp(username, code) {
    return this._call("ConfirmSignUp", { ClientId: this.clientId, Username: username, ConfirmationCode: code });
  }

  async resendCode(username) {
    return this._call("ResendConfirmationCode", { ClientId: this.clientId, Username: username });
  }

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
    } catch {
      this.signOut();
      return false;
    }
  }

  async idToken() {
    if (!this.session) return null;
    if (Date.now() > this.session.expiresAt - 60_000) {
      if (!(await this.refresh())) return null;
    }
    return this.session.idToken;
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
      name: claims.given_name || claims["cognito:username"],
      groups: Array.isArray(groups) ? groups : String(groups).split(/[ ,]+/).filter(Boolean),
    };
  }

  _store(result) {
    this.session = {
      idToken: result.IdToken,
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
