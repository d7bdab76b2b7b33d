"""Save and restore the local stack's data (`make dev ARGS="--state FILE"`), so nothing is lost between runs.

The file is JSON: every table's items (DynamoDB JSON), every user of the pool (attributes, groups, status,
and the password as moto keeps it, in clear: the file holds local demo data, never real accounts), and the
product-images objects. Written to a temporary file and renamed, so an interrupted save
never leaves a half-written state behind; a file that cannot be read stops the start with a clear error
and is left untouched.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from local.world.aws import LocalAws
from local.world.targets import batch_write

FORMAT = "bookstore-local-state"
VERSION = 1


class StateError(Exception):
    pass


def _moto_pool(aws: LocalAws) -> Any:
    from local.world.cognito import moto_backend

    try:
        return moto_backend(aws).user_pools[aws.user_pool_id]
    except LookupError as err:
        raise StateError(str(err)) from err


def snapshot(aws: LocalAws) -> dict[str, Any]:
    dynamodb = aws.client("dynamodb")
    tables: dict[str, list[dict[str, Any]]] = {}
    for logical, name in aws.tables.items():
        items: list[dict[str, Any]] = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            items += page["Items"]
        tables[logical] = items
    cognito = aws.client("cognito-idp")
    pool = _moto_pool(aws)
    users = []
    for user in pool.users.values():
        groups = cognito.admin_list_groups_for_user(UserPoolId=aws.user_pool_id, Username=user.username)["Groups"]
        users.append(
            {
                "username": user.username,
                "sub": user.id,
                "attributes": [a for a in user.attributes if a["Name"] != "sub"],
                "password": user.password,
                "status": str(getattr(user.status, "value", user.status)),
                "enabled": bool(user.enabled),
                "groups": sorted(g["GroupName"] for g in groups),
            }
        )
    s3 = aws.client("s3")
    objects = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=aws.images_bucket):
        for entry in page.get("Contents", []):
            got = s3.get_object(Bucket=aws.images_bucket, Key=entry["Key"])
            objects.append(
                {
                    "key": entry["Key"],
                    "content_type": got.get("ContentType", "application/octet-stream"),
                    "body": base64.b64encode(got["Body"].read()).decode(),
                }
            )
    return {"format": FORMAT, "version": VERSION, "tables": tables, "users": users, "images": objects}


def check_savable(path: Path) -> None:
    """At start, not at the end of a session: the state file can be written where it is asked for."""
    if path.exists() and not path.is_file():
        raise StateError(f"cannot save the state to {path}: it is not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StateError(
            f"cannot save the state to {path}: {err.strerror or err} ({err.filename or path.parent})"
        ) from err
    if not os.access(path.parent, os.W_OK):
        raise StateError(f"cannot save the state to {path}: {path.parent} is not writable")


def save(aws: LocalAws, path: Path) -> dict[str, int]:
    """Write the stack's data to `path` atomically; returns what was saved (counts)."""
    data = snapshot(aws)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return {
        "items": sum(len(v) for v in data["tables"].values()),
        "users": len(data["users"]),
        "images": len(data["images"]),
    }


def read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise StateError(f"cannot read the state file {path}: {err}") from err
    except json.JSONDecodeError as err:
        raise StateError(f"the state file {path} is not valid JSON (line {err.lineno}): {err.msg}") from err
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateError(f"{path} is not a bookstore local state file")
    if data.get("version") != VERSION:
        raise StateError(f"{path} has state format version {data.get('version')!r}; this version reads {VERSION}")
    for key, kind in (("tables", dict), ("users", list), ("images", list)):
        if not isinstance(data.get(key), kind):
            raise StateError(f"{path} has no valid {key!r} section")
    return data


def restore(aws: LocalAws, data: dict[str, Any], progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Load a state read by `read` into a freshly provisioned (empty) local stack."""
    unknown = sorted(set(data["tables"]) - set(aws.tables))
    if unknown:
        raise StateError(f"the state has tables this stack does not: {', '.join(unknown)}")
    dynamodb = aws.client("dynamodb")
    items = 0
    for logical, rows in data["tables"].items():
        progress(f"{logical}: {len(rows)} items")
        batch_write(dynamodb, aws.tables[logical], [{"PutRequest": {"Item": item}} for item in rows], threads=4)
        items += len(rows)
    cognito = aws.client("cognito-idp")
    pool = _moto_pool(aws)
    for user in data["users"]:
        cognito.admin_create_user(
            UserPoolId=aws.user_pool_id,
            Username=user["username"],
            UserAttributes=user["attributes"],
            MessageAction="SUPPRESS",
        )
        restored = pool._get_user(user["username"])
        if user.get("sub"):  # the same `sub` as before, in new tokens too
            restored.id = user["sub"]
            restored.update_attributes([{"Name": "sub", "Value": user["sub"]}])
        restored.password = user.get("password")
        from moto.cognitoidp.models import UserStatus

        restored.status = UserStatus[user.get("status", "CONFIRMED")]
        restored.enabled = bool(user.get("enabled", True))
        for group in user.get("groups", []):
            cognito.admin_add_user_to_group(UserPoolId=aws.user_pool_id, Username=user["username"], GroupName=group)
    s3 = aws.client("s3")
    for entry in data["images"]:
        s3.put_object(
            Bucket=aws.images_bucket,
            Key=entry["key"],
            Body=base64.b64decode(entry["body"]),
            ContentType=entry["content_type"],
        )
    return {"items": items, "users": len(data["users"]), "images": len(data["images"])}
