"""The REST API: API Gateway + Cognito authorizer + WAF in front of the API and chat functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Acknowledgment, Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lex as lex
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from stacks.config import StageConfig
from stacks.constructs.function import BookstoreFunctionConstruct
from stacks.constructs.recommendations_worker import RecommendationsWorker
from stacks.constructs.shop_function import ShopFunction
from stacks.constructs.site_deployment import SiteConfigConstruct
from stacks.constructs.waf import ApiWaf
from stacks.shop_tables import ShopTables
from stacks.site_policy import site_config

OUTPUT_API_URL = "ApiUrl"
STAGE_NAME = "v1"
# Every Lex V2 runtime action (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonlexv2.html).
BOT_RUNTIME_ACTIONS = (
    "lex:RecognizeText",
    "lex:RecognizeUtterance",
    "lex:StartConversation",
    "lex:PutSession",
    "lex:GetSession",
    "lex:DeleteSession",
)
# The synchronous chain of a chat turn (docs/architecture.md#timeouts): API Gateway gives up after 29 s; the
# chat function waits for RecognizeText up to its Lex client's read timeout (20 s, functions/bookstore/aws.py),
# which covers the code hook's 15 s; so the function's own timeout lies between the two.
CHAT_TIMEOUT = Duration.seconds(25)


@dataclass(frozen=True)
class Route:
    path: str
    method: str
    function: str  # "api" or "chat"
    public: bool = False


# Every route of the resolvers in functions/api (a test checks the two lists agree).
ROUTES: tuple[Route, ...] = (
    Route("/books", "GET", "api", public=True),
    Route("/books", "POST", "api"),
    Route("/books/{book_id}", "GET", "api", public=True),
    Route("/books/{book_id}", "PATCH", "api"),
    Route("/books/{book_id}/similar", "GET", "api", public=True),
    Route("/books/{book_id}/stock", "PUT", "api"),
    Route("/books/{book_id}/image-upload", "POST", "api"),
    Route("/genres", "GET", "api", public=True),
    Route("/home", "GET", "api", public=True),
    Route("/me", "GET", "api"),
    Route("/me", "PATCH", "api"),
    Route("/orders", "GET", "api"),
    Route("/orders", "POST", "api"),
    Route("/orders/{order_id}", "GET", "api"),
    Route("/orders/{order_id}/cancel", "POST", "api"),
    Route("/recommendations", "GET", "api"),
    Route("/staff/orders", "GET", "api"),
    Route("/staff/orders/{order_id}", "GET", "api"),
    Route("/staff/orders/{order_id}/status", "PUT", "api"),
    Route("/users", "POST", "api"),
    Route("/users/{username}", "PATCH", "api"),
    Route("/chat", "POST", "chat"),
    Route("/chat", "DELETE", "chat"),
)


class ApiStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: StageConfig,
        tables: ShopTables,
        images_bucket: s3.IBucket,
        user_pool: cognito.IUserPool,
        user_pool_client: cognito.IUserPoolClient,
        frontend_origin: str,
        site_bucket: s3.IBucket,
        distribution: cloudfront.IDistribution,
        bot_id: str,
        bot_alias_id: str,
        bot_alias_arn: str,
        bot_locale_id: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id_, **kwargs)
        self._config = config
        # The front end's origin (the distribution's domain, or a custom domain in front of it) is the only
        # one CORS allows: in the preflight, in the functions' responses and in the gateway's own errors.
        self._origin = config.frontend_origin or frontend_origin

        self.api_function = self._build_api_function(tables, images_bucket, user_pool)
        # Learns from the orders table's stream what GET /recommendations and /books/{id}/similar read.
        self.recommendations_worker = RecommendationsWorker(
            self,
            "RecommendationsWorker",
            config=config,
            orders_table=tables.orders,
            products_table=tables.products,
            recommendations_table=tables.recommendations,
        )
        self._allow_cover_uploads(images_bucket)
        self.chat_function = self._build_chat_function(bot_id, bot_alias_id, bot_locale_id, bot_alias_arn)
        self.bot_alias_policy = self._only_the_chat_talks_to_the_bot(config, bot_alias_arn)

        self.api = self._build_rest_api()
        self.authorizer = apigw.CognitoUserPoolsAuthorizer(
            self, "Authorizer", cognito_user_pools=[user_pool], authorizer_name=f"bookstore-{config.name}"
        )
        self._add_routes()
        self._acknowledge_cloudwatch_role()
        # Id "Default": the ACL and its association keep their logical ids (WebAcl, WebAclAssociation; see ApiWaf).
        self.waf = ApiWaf(
            self,
            "Default",
            stage=self.api.deployment_stage,
            metric_name=f"bookstore-{config.name}-api",
            rate_limit_per_ip=config.waf_rate_limit,
        )
        self.web_acl = self.waf.web_acl
        self._add_cors_to_gateway_responses()

        self.site_config = self._build_site_config(site_bucket, distribution, user_pool, user_pool_client)
        output = CfnOutput(self, OUTPUT_API_URL, value=self.api.url, description="Base URL of the REST API")
        output.override_logical_id(OUTPUT_API_URL)

    def _build_api_function(
        self, tables: ShopTables, images_bucket: s3.IBucket, user_pool: cognito.IUserPool
    ) -> ShopFunction:
        return ShopFunction(
            self,
            "ApiFunction",
            config=self._config,
            tables=tables,
            user_pool=user_pool,
            handler="api.handler.lambda_handler",
            service="api",
            description="Bookstore REST API: catalog, orders, profile and staff routes",
            memory_size=512,
            data_environment={"IMAGES_BUCKET_NAME": images_bucket.bucket_name},
            environment={"ALLOWED_ORIGIN": self._origin},
        )

    def _allow_cover_uploads(self, images_bucket: s3.IBucket) -> None:
        """Presigned upload and read of covers, only under books/ (the keys are made per upload)."""
        self.api_function.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:GetObject"], resources=[images_bucket.arn_for_objects("books/*")]
            )
        )
        Validations.of(self.api_function.role).acknowledge(
            Acknowledgment(
                # cdk-nag names the resource by the Data stack's export of the bucket ARN.
                id=f"AwsSolutions-IAM5[Resource::{self._config.stack_name('Data')}:"
                "ExportsOutputFnGetAttProductImagesBucket03BDA4C8Arn5AA48756/books/*]",
                reason="Cover keys are generated per upload (books/<book id>/<uuid>.<ext>), so the grant names "
                "the books/ prefix, not single objects.",
            )
        )

    def _build_chat_function(
        self, bot_id: str, bot_alias_id: str, bot_locale_id: str, bot_alias_arn: str
    ) -> BookstoreFunctionConstruct:
        chat = BookstoreFunctionConstruct(
            self,
            "ChatFunction",
            handler="api.chat.lambda_handler",
            service="chat",
            description="POST /chat: forwards the signed-in user's text and identity to the bot",
            settings=self._config.function_settings,
            timeout=CHAT_TIMEOUT,
            environment={
                "BOT_ID": bot_id,
                "BOT_ALIAS_ID": bot_alias_id,
                "BOT_LOCALE_ID": bot_locale_id,
                "ALLOWED_ORIGIN": self._origin,
            },
        )
        # Only this role may talk to the bot, so the request attributes the code hook trusts come from here.
        chat.role.add_to_policy(
            iam.PolicyStatement(actions=["lex:RecognizeText", "lex:DeleteSession"], resources=[bot_alias_arn])
        )
        return chat

    def _build_rest_api(self) -> apigw.RestApi:
        config, origin = self._config, self._origin
        self.access_logs = logs.LogGroup(
            self, "AccessLogs", retention=config.log_retention, removal_policy=config.removal_policy
        )
        api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=f"bookstore-{config.name}",
            description=f"Bookstore REST API ({config.name})",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # AWS::ApiGateway::Account is one per account and region, shared by every stage and every other
            # REST API there: destroying this stack must not take its logging role away from them.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                throttling_rate_limit=config.api_rate_limit,
                throttling_burst_limit=config.api_burst_limit,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=[origin],
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
                max_age=Duration.minutes(10),
            ),
        )
        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG2",
                reason="Every body, path and query parameter is validated by the handlers' pydantic models (the "
                "same schemas docs/openapi.json publishes), with the API's own 400 error body; a gateway "
                "validator without models would validate nothing, and with models it would answer in another "
                "error shape.",
            )
        )
        return api

    def _add_routes(self) -> None:
        # One resource-policy statement per function for the whole API (`scope_permission_to_method=False`),
        # not two per route: a function's policy is limited to 20 KB and 19 routes x (stage + test invoke)
        # already took 17 KB of it. Request bodies and parameters are validated by the handlers (pydantic),
        # so there is no request validator: one without models validates nothing.
        integrations = {
            "api": apigw.LambdaIntegration(self.api_function.function, scope_permission_to_method=False),
            "chat": apigw.LambdaIntegration(self.chat_function.function, scope_permission_to_method=False),
        }
        for route in ROUTES:
            resource = self.api.root.resource_for_path(route.path)
            method = resource.add_method(
                route.method,
                integrations[route.function],
                authorization_type=apigw.AuthorizationType.NONE if route.public else apigw.AuthorizationType.COGNITO,
                authorizer=None if route.public else self.authorizer,
            )
            if route.public:
                self._acknowledge_public(method, "the public catalog is read without signing in")
        for method in self.api.methods:
            if method.http_method == "OPTIONS":
                self._acknowledge_public(method, "CORS preflight requests carry no credentials by design")

    def _acknowledge_cloudwatch_role(self) -> None:
        role = self.node.try_find_child("RestApi")
        cloudwatch_role = role.node.try_find_child("CloudWatchRole") if role is not None else None
        if cloudwatch_role is not None:
            Validations.of(cloudwatch_role).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
                    reason="API Gateway's account-level logging role is defined by AWS with this managed policy; "
                    "it only lets API Gateway write its own logs.",
                )
            )

    def _add_cors_to_gateway_responses(self) -> None:
        # The gateway's own refusals (401 from the authorizer, 403 unknown route, 429 throttled, 5XX) carry
        # CORS headers too, so the browser shows the front end the error instead of an opaque network failure.
        cors_headers = {
            "Access-Control-Allow-Origin": f"'{self._origin}'",
            "Access-Control-Allow-Headers": "'Authorization,Content-Type,Idempotency-Key'",
            "Vary": "'Origin'",
        }
        for response_type in (apigw.ResponseType.DEFAULT_4_XX, apigw.ResponseType.DEFAULT_5_XX):
            self.api.add_gateway_response(
                f"Gateway{response_type.response_type.title().replace('_', '')}",
                type=response_type,
                response_headers=cors_headers,
            )

    def _build_site_config(
        self,
        site_bucket: s3.IBucket,
        distribution: cloudfront.IDistribution,
        user_pool: cognito.IUserPool,
        user_pool_client: cognito.IUserPoolClient,
    ) -> SiteConfigConstruct:
        """The runtime config.json of the front end, written into its bucket once the API exists."""
        config = self._config
        return SiteConfigConstruct(
            self,
            "SiteConfig",
            site_bucket=site_bucket,
            distribution=distribution,
            settings=site_config(
                api_url=self.api.url,
                region=Aws.REGION,
                user_pool_id=user_pool.user_pool_id,
                client_id=user_pool_client.user_pool_client_id,
                cognito_endpoint=f"https://cognito-idp.{Aws.REGION}.{Aws.URL_SUFFIX}/",
                stage=config.name,
            ),
            # cdk-nag names the site bucket by the Frontend stack's export of its ARN.
            site_bucket_objects=f"{config.stack_name('Frontend')}:ExportsOutputFnGetAttSiteBucket397A1860ArnB404F589/*",
        )

    def _only_the_chat_talks_to_the_bot(self, config: StageConfig, bot_alias_arn: str) -> lex.CfnResourcePolicy:
        """The `live` alias's resource policy: its runtime denies every principal but the chat function's role
        and the stage's operator roles (`-c operatorRoles=`), whatever their own IAM policies allow. The code hook
        trusts the caller's identity in the request attributes only because nobody else can send them.
        An explicit Deny wins over any Allow, also for principals of this account:
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
        https://docs.aws.amazon.com/lexv2/latest/dg/security_iam_resource-based-policy-examples.html"""
        allowed = [self.chat_function.role.role_arn, *config.operator_role_arns]
        return lex.CfnResourcePolicy(
            self,
            "BotAliasPolicy",
            resource_arn=bot_alias_arn,
            policy={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "OnlyTheChatFunctionAndOperators",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": list(BOT_RUNTIME_ACTIONS),
                        "Resource": bot_alias_arn,
                        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": allowed}},
                    }
                ],
            },
        )

    @staticmethod
    def _acknowledge_public(method: apigw.Method, reason: str) -> None:
        for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
            Validations.of(method).acknowledge(Acknowledgment(id=rule, reason=f"No authorizer: {reason}."))
