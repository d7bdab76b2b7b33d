"""Business rules. No boto3 here: services talk to repositories."""
