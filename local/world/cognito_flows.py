"""The user pool's e-mail flows, as strict as Cognito: what moto (5.2.5) leaves out or lets through.

moto stores users and issues tokens, but sends nothing and checks few codes: ConfirmSignUp and
ConfirmForgotPassword accept any code, ResendConfirmationCode, GetUserAttributeVerificationCode and
VerifyUserAttribute do not exist, AdminCreateUser sends no invitation (and its RESEND replaces the user), an
e-mail change applies at once although the pool keeps the original until the new one is verified, and no
pre-sign-up trigger runs. `CognitoGate` (local/world/cognito_gate.py) sends these actions for the local pool here;
everything else goes to moto as before. What each flow does, with the page it follows:

- SignUp: the pool's pre-sign-up trigger runs first (a refusal is UserLambdaValidationException "PreSignUp failed
  with error <message>."); only the attributes the app client may write are accepted; a 6-digit code valid 24 h
  goes to the e-mail address (the pool's EmailVerificationMessage). ConfirmSignUp checks it (CodeMismatch-,
  ExpiredCodeException), marks the address verified, and the post-confirmation trigger runs; a confirmed user
  cannot be confirmed again (NotAuthorizedException). ResendConfirmationCode sends a new code, or answers
  InvalidParameterException for a confirmed user.
  https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
- ForgotPassword sends a code valid 1 h, only to a verified address (InvalidParameterException otherwise: "Cannot
  reset password for the user as there is no registered/verified email or phone_number"), never for a user who
  still has a temporary password (NotAuthorizedException). ConfirmForgotPassword checks the code and the policy.
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html
- AdminCreateUser: the trigger runs (PreSignUp_AdminCreateUser); a temporary password meeting the policy is made
  when none is given and e-mailed with the pool's InviteMessageTemplate ({username}, {####}) unless
  MessageAction=SUPPRESS; RESEND sends a new one to a user still in FORCE_CHANGE_PASSWORD. The temporary password
  expires after TemporaryPasswordValidityDays: InitiateAuth then answers NotAuthorizedException "Temporary
  password has expired and must be reset by an administrator."
  https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-create-user-accounts.html
- E-mail changes (UpdateUserAttributes, AdminUpdateUserAttributes without email_verified=true): with
  AttributesRequireVerificationBeforeUpdate on email, the original stays, and stays where recovery goes, until
  the new address is verified with the code sent to it (VerifyUserAttribute;
  GetUserAttributeVerificationCode sends another).
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html
- With PreventUserExistenceErrors ENABLED on the client, an unknown user is never revealed: sign-in answers
  "Incorrect username or password.", recovery and resend answer with a simulated delivery, confirmation with
  CodeMismatchException.
  https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
- Passwords are checked against the pool's policy before moto sees them, with Cognito's messages
  ("Password did not conform with policy: Password must have symbol characters").
"""

from __future__ import annotations

from local.world.cognito_attributes import AttributeFlows
from local.world.cognito_passwords import PasswordFlows
from local.world.cognito_sign_up import SignUpFlows
from local.world.cognito_totp import TotpFlows


class CognitoFlows(SignUpFlows, PasswordFlows, AttributeFlows, TotpFlows):
    """The flows of the module docstring for one user pool held by this process's moto backend (each family of
    flows in its module; the pool, its codes and checks in cognito_pool.py)."""
