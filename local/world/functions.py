"""The app's Lambda functions as the synthesized templates define them, and their environment resolved.

`local.invoke`, the API Gateway emulator and `make dev` all find a function here (by logical id or by
construct path) and set its environment from the template, so what runs locally is configured exactly as
what is deployed. Intrinsic functions are resolved against a `Physical` lookup: the local stack's names,
or a deployed stage's (CloudFormation exports and stack resources).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from local.emulators.lambda_runtime import FunctionSpec
from local.world.provision import logical_name

FUNCTION_TYPE = "AWS::Lambda::Function"
# Functions CDK adds for its own custom resources (not application code, not invocable here).
CDK_INTERNAL = ("CustomS3AutoDeleteObjects", "CustomCDKBucketDeployment", "AWS679f53fac002430cb0da5b7982bd2287")


class FunctionNotFound(LookupError):
    pass


class UnresolvableValue(ValueError):
    pass


def functions(templates: Mapping[str, Mapping[str, Any]]) -> list[FunctionSpec]:
    """Every application function of the synthesized app (CDK's own providers left out)."""
    found: list[FunctionSpec] = []
    for stack, template in templates.items():
        for logical_id, resource in template.get("Resources", {}).items():
            if resource.get("Type") != FUNCTION_TYPE or logical_id.startswith(CDK_INTERNAL):
                continue
            props = resource.get("Properties", {})
            path = str(resource.get("Metadata", {}).get("aws:cdk:path", f"{stack}/{logical_id}")).removesuffix(
                "/Resource"
            )
            found.append(
                FunctionSpec(
                    stack=stack,
                    logical_id=logical_id,
                    path=path,
                    handler=str(props.get("Handler", "")),
                    environment=dict((props.get("Environment") or {}).get("Variables") or {}),
                    timeout=int(props.get("Timeout", 3)),
                    memory=int(props.get("MemorySize", 128)),
                )
            )
    return found


def component(stack: str) -> str:
    """`Bookstore-dev-Api` -> `Api`."""
    return stack.rsplit("-", 1)[-1]


def component_templates(templates: Mapping[str, Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {component(name): template for name, template in templates.items()}


def find_function(templates: Mapping[str, Mapping[str, Any]], name: str) -> FunctionSpec:
    """By logical id (`ApiFunction685AAB5B`, or without the hash: `ApiFunction`) or construct path
    (`Bookstore-dev-Api/ApiFunction`, `Api/ApiFunction`, `ApiFunction`), case-insensitively."""
    wanted = name.strip().strip("/").removesuffix("/Resource").removesuffix("/Function").lower()
    if not wanted:
        raise FunctionNotFound("Name a function: a logical id or a construct path.")
    specs = functions(templates)

    def matches(spec: FunctionSpec) -> bool:
        path = spec.path.lower().removesuffix("/function")
        stack_free = path.split("/", 1)[1] if "/" in path else path
        return wanted in (
            spec.logical_id.lower(),
            logical_name(spec.logical_id).lower(),
            path,
            stack_free,
            f"{component(spec.stack).lower()}/{stack_free}",
        )

    hits = [s for s in specs if matches(s)]
    if len(hits) == 1:
        return hits[0]
    listing = "\n".join(f"  {s.logical_id:<40} {s.path:<60} {s.handler}" for s in specs)
    if not hits:
        raise FunctionNotFound(f"No function {name!r} in the synthesized templates. The functions are:\n{listing}")
    raise FunctionNotFound(f"{name!r} matches several functions; use the logical id:\n{listing}")


Physical = Callable[[str, str, str | None], str]
"""(stack name, logical id, attribute or None for Ref) -> the deployed value."""

_SUB = re.compile(r"\$\{([^}!]+)\}")


class Resolver:
    """Resolves the intrinsic functions CDK renders in environment variables and outputs."""

    def __init__(
        self,
        templates: Mapping[str, Mapping[str, Any]],
        physical: Physical,
        *,
        region: str = "us-east-1",
        account: str = "000000000000",
        imports: Callable[[str], str] | None = None,
        outputs: Callable[[str, str], str] | None = None,
    ) -> None:
        self.templates = templates
        self.physical = physical
        self.pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": "",
        }
        self._imports = imports
        self._outputs = outputs
        self._exports: dict[str, tuple[str, Any]] = {}
        for stack, template in templates.items():
            for output in template.get("Outputs", {}).values():
                export = output.get("Export", {}).get("Name")
                if isinstance(export, str):
                    self._exports[export] = (stack, output["Value"])

    def environment(self, spec: FunctionSpec) -> dict[str, str]:
        return {key: self.resolve(value, spec.stack) for key, value in spec.environment.items()}

    def resolve(self, value: Any, stack: str) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, dict) and len(value) == 1:
            [(function, argument)] = value.items()
            intrinsic = self._INTRINSICS.get(function)
            if intrinsic is not None:
                return intrinsic(self, argument, stack)
        raise UnresolvableValue(f"Cannot resolve {value!r} in {stack}")

    def _ref(self, argument: str, stack: str) -> str:
        """Ref: the stack's name, a pseudo parameter, else the physical name of a resource."""
        if argument == "AWS::StackName":
            return stack
        if argument in self.pseudo:
            return self.pseudo[argument]
        return self.physical(stack, argument, None)

    def _get_att(self, argument: list[str] | str, stack: str) -> str:
        """Fn::GetAtt, written [logical id, attribute] or "LogicalId.Attribute"."""
        logical, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
        return self.physical(stack, logical, attribute)

    def _import_value(self, argument: Any, stack: str) -> str:
        """Fn::ImportValue: what a stack of the templates exports under the name, else the deployed export."""
        name = self.resolve(argument, stack)
        if name in self._exports:
            source_stack, source_value = self._exports[name]
            return self.resolve(source_value, source_stack)
        if self._imports is not None:
            return self._imports(name)
        raise UnresolvableValue(f"No stack exports {name!r}")

    def _join(self, argument: list[Any], stack: str) -> str:
        """Fn::Join: [separator, [parts]]."""
        separator, parts = argument
        return str(separator).join(self.resolve(p, stack) for p in parts)

    def _select(self, argument: list[Any], stack: str) -> str:
        """Fn::Select: [index, [items]]."""
        index, items = argument
        return self.resolve(items[int(index)], stack)

    def _sub(self, argument: str | list[Any], stack: str) -> str:
        """Fn::Sub: a text, or [text, {variables}], with each ${...} substituted."""
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        return _SUB.sub(lambda m: self._sub_variable(m.group(1), variables, stack), text)

    def _stack_output(self, argument: Mapping[str, Any], stack: str) -> str:
        """A weak cross-stack reference: the named output of another stack, read when this stack deploys."""
        source = self.resolve(argument["StackName"], stack)
        name = self.resolve(argument["OutputName"], stack)
        output = self.templates.get(source, {}).get("Outputs", {}).get(name)
        if output is not None:
            return self.resolve(output["Value"], source)
        if self._outputs is not None:
            return self._outputs(source, name)
        raise UnresolvableValue(f"No stack {source!r} with an output {name!r}")

    def _sub_variable(self, name: str, variables: Mapping[str, Any], stack: str) -> str:
        if name in variables:
            return self.resolve(variables[name], stack)
        if name in self.pseudo:
            return self.pseudo[name]
        if "." in name:
            logical, attribute = name.split(".", 1)
            return self.physical(stack, logical, attribute)
        return self.physical(stack, name, None)

    # The intrinsic functions CDK renders, by name: (resolver, argument, stack) -> the value.
    _INTRINSICS: ClassVar[dict[str, Callable[[Resolver, Any, str], str]]] = {
        "Ref": _ref,
        "Fn::GetAtt": _get_att,
        "Fn::ImportValue": _import_value,
        "Fn::GetStackOutput": _stack_output,
        "Fn::Join": _join,
        "Fn::Select": _select,
        "Fn::Sub": _sub,
    }


def resource_type(templates: Mapping[str, Mapping[str, Any]], stack: str, logical_id: str) -> str:
    resource = templates.get(stack, {}).get("Resources", {}).get(logical_id)
    if resource is None:
        raise UnresolvableValue(f"{stack} has no resource {logical_id}")
    return str(resource.get("Type", ""))
