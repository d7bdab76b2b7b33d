"""Identity: the Cognito user pool, the staff and customers groups, the public app client."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, Stack, Validations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from stacks.config import APP_NAME, StageConfig
from stacks.constructs.function import BookstoreFunctionConstruct
from stacks.permissions import grant_table

# Cognito waits 5 s for a trigger, then retries it up to three times and fails the sign-up confirmation with
# an error for the user (docs/architecture.md#timeouts): the function, its AWS clients' timeouts and retries
# (functions/bookstore/aws.py TRIGGER_CONFIG) must fit in it. More memory is more CPU: a shorter cold start.
POST_CONFIRMATION_TIMEOUT = Duration.seconds(5)
POST_CONFIRMATION_MEMORY_MB = 1024
# The pre-sign-up trigger has the same 5 s from Cognito (it runs before the user exists, on SignUp and on
# AdminCreateUser); it makes no AWS call, so its time is its cold start: the same memory, for the same reason.
PRE_SIGN_UP_TIMEOUT = Duration.seconds(5)
PRE_SIGN_UP_MEMORY_MB = 1024

STAFF_GROUP = "staff"
CUSTOMERS_GROUP = "customers"


class AuthStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: StageConfig,
        users_table: dynamodb.ITableV2,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id_, **kwargs)
        self._config = config

        self._build_triggers(users_table)
        self.user_pool = self._build_user_pool()
        self._acknowledge_user_pool()
        self._build_groups()
        self.web_client = self._build_web_client()
        self._add_outputs()
        self._grant_post_confirmation(users_table)

    def _build_triggers(self, users_table: dynamodb.ITableV2) -> None:
        config = self._config
        self.post_confirmation = BookstoreFunctionConstruct(
            self,
            "PostConfirmation",
            handler="auth_triggers.post_confirmation.lambda_handler",
            service="auth",
            description="Cognito post-confirmation: adds a self-registered user to customers, creates the profile",
            settings=config.function_settings,
            environment={"USERS_TABLE_NAME": users_table.table_name},
            timeout=POST_CONFIRMATION_TIMEOUT,
            memory_size=POST_CONFIRMATION_MEMORY_MB,
        )

        # The app's username rule (functions/bookstore/users.py USERNAME_RE) for every way a user is created.
        # No environment and no grant beyond the construct's logs and X-Ray: it reads nothing but the event.
        self.pre_sign_up = BookstoreFunctionConstruct(
            self,
            "PreSignUp",
            handler="auth_triggers.pre_sign_up.lambda_handler",
            service="auth",
            description="Cognito pre-sign-up: refuses a username outside the app's rule (3-30, lowercase)",
            settings=config.function_settings,
            timeout=PRE_SIGN_UP_TIMEOUT,
            memory_size=PRE_SIGN_UP_MEMORY_MB,
        )

    def _build_user_pool(self) -> cognito.UserPool:
        config = self._config
        return cognito.UserPool(
            self,
            "UserPool",
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            # Usernames (and the e-mail alias) are case-insensitive: "JDoe" signs in as "jdoe", and a case
            # variation of a name cannot be given to another user (UsernameConfiguration CaseSensitive false,
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html).
            sign_in_case_sensitive=False,
            self_sign_up_enabled=True,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            keep_original=cognito.KeepOriginalAttrs(email=True),
            user_verification=cognito.UserVerificationConfig(
                email_style=cognito.VerificationEmailStyle.CODE,
                email_subject="Your bookstore verification code",
                # One template for every code Cognito e-mails: sign-up, a changed address, a password reset.
                email_body="Your bookstore verification code is {####}. If you did not ask for it, ignore this e-mail.",
            ),
            user_invitation=cognito.UserInvitationConfig(
                email_subject="Your bookstore account",
                email_body="An account was created for you. Username: {username}, temporary password: {####}",
            ),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
                given_name=cognito.StandardAttribute(required=False, mutable=True),
                family_name=cognito.StandardAttribute(required=False, mutable=True),
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            # OPTIONAL, not REQUIRED: customers are never forced. A user who has enabled TOTP must pass it at every
            # sign-in ("MFA will be required only for individual users who have an MFA factor activated",
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html,
            # https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html), so where staff
            # MFA is required (StageConfig.staff_mfa_required) the functions refuse staff actions of a staff member
            # without TOTP enabled, and a staff token then implies a second factor.
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS if config.threat_protection else cognito.FeaturePlan.ESSENTIALS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION
            if config.threat_protection
            else None,
            # Cognito's own sender is limited to a few dozen e-mails a day: a stage with an SES identity
            # (`-c emailFrom=`, required in prod) sends invitations, codes and resets through SES.
            email=self._email(config),
            deletion_protection=config.deletion_protection,
            removal_policy=config.removal_policy,
            lambda_triggers=cognito.UserPoolTriggers(
                pre_sign_up=self.pre_sign_up.function, post_confirmation=self.post_confirmation.function
            ),
        )

    def _acknowledge_user_pool(self) -> None:
        config = self._config
        Validations.of(self.user_pool).acknowledge(
            Acknowledgment(
                id="AwsSolutions-COG2",
                reason="Customers sign themselves up; TOTP MFA is offered, not forced on every shopper "
                "(docs/decisions.md). Where staff MFA is required (prod), the API and the bot refuse staff actions "
                "to a staff member without TOTP enabled.",
            )
        )
        if not config.threat_protection:
            Validations.of(self.user_pool).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-COG8",
                    reason="Threat protection needs the Plus plan, billed per active user; it is on in prod. "
                    "This stage's pool holds test accounts only.",
                )
            )

    def _build_groups(self) -> None:
        self.staff_group = cognito.UserPoolGroup(
            self,
            "StaffGroup",
            user_pool=self.user_pool,
            group_name=STAFF_GROUP,
            description="Bookstore staff: manage users, books, stock and orders",
            precedence=0,
        )
        self.customers_group = cognito.UserPoolGroup(
            self,
            "CustomersGroup",
            user_pool=self.user_pool,
            group_name=CUSTOMERS_GROUP,
            description="Customers: browse, order, chat",
            precedence=10,
        )

    def _build_web_client(self) -> cognito.UserPoolClient:
        # Public client for the web front end and the CLI: no secret, SRP and user-password auth.
        return self.user_pool.add_client(
            "WebClient",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=True),
            disable_o_auth=True,
            # A customer's token may change only the attributes a customer may change; the e-mail goes through
            # PATCH /me's checks and Cognito's verification, never a direct UpdateUserAttributes.
            # A customer may write their names, and their e-mail: sign-up sends it (Cognito refuses a SignUp that
            # writes an attribute the client may not write), and a change of it is kept pending until the new
            # address is verified (keep_original on email), so it cannot redirect recovery.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(
                email=True, given_name=True, family_name=True
            ),
            read_attributes=cognito.ClientAttributes().with_standard_attributes(
                email=True, email_verified=True, given_name=True, family_name=True
            ),
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )

    def _add_outputs(self) -> None:
        # Read by operators (the first staff member, docs/operations.md#first-deployment) and scripts.
        for key, value in (
            ("UserPoolId", self.user_pool.user_pool_id),
            ("WebClientId", self.web_client.user_pool_client_id),
        ):
            CfnOutput(self, key, value=value).override_logical_id(key)

    def _grant_post_confirmation(self, users_table: dynamodb.ITableV2) -> None:
        grant_table(self.post_confirmation.function, users_table, write=True)
        # A separate policy, not the role's default one: the pool references the function, so a grant
        # that references the pool from the function's own policy would be a circular dependency.
        iam.Policy(
            self,
            "PostConfirmationGroupsPolicy",
            roles=[self.post_confirmation.role],
            statements=[
                iam.PolicyStatement(
                    actions=["cognito-idp:AdminAddUserToGroup"],
                    resources=[self.user_pool.user_pool_arn],
                )
            ],
        )

    @staticmethod
    def _email(config: StageConfig) -> cognito.UserPoolEmail | None:
        if config.email_from is None:
            return None
        return cognito.UserPoolEmail.with_ses(
            from_email=config.email_from,
            from_name=f"{APP_NAME} {config.name}" if not config.is_production else APP_NAME,
            ses_region=config.region,
            ses_verified_domain=config.email_from.split("@", 1)[1],
        )
