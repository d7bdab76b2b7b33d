"""Emulators of AWS services, each reading what the templates define: Lex V2 runtime, API Gateway, Lambda,
DynamoDB streams, the static site. They know nothing of how the local world is built."""

# The region every local emulator and the local world answer for.
REGION = "us-east-1"
