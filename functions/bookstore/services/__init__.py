"""Business rules. Services reach DynamoDB and Cognito only through repositories (bookstore.ports); the two
exceptions are clients handed to them: the S3 client CatalogService presigns cover uploads and URLs with, and the
DynamoDB client of Powertools' idempotency layer in OrderService."""
