#!/usr/bin/env python3
"""Validate tresor manifests against the JSON Schemas in manifests/.

Usage: scripts/check-schemas.py [PATH ...]      (default: the repository's examples/)

Every YAML document in the given files and directories (recursively, *.yaml and *.yml,
skipping dot-directories such as .tresor/) is validated against the schema of its
`kind` with a Draft 2020-12 validator. Prints `ok: N documents`, or one line per problem
as `file: kind/name: message`, and exits 1 when any document is invalid.

YAML is read the way tresor reads it: by the YAML 1.2 core schema (`yes`, `on` and
unquoted dates stay strings), and duplicate keys are errors. Messages never quote the
values under spec.content.

Needs PyYAML and jsonschema (Debian: python3-yaml python3-jsonschema).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

try:
    import yaml
    from jsonschema import Draft202012Validator
except ImportError as error:  # pragma: no cover
    sys.exit(f"check-schemas: {error.name} is missing; install python3-yaml and python3-jsonschema")

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "manifests"


# ---------------------------------------------------------------- YAML, as tresor reads it


class CoreLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core-schema scalars and duplicate-key errors."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[str] = []


CoreLoader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _construct_int(loader: CoreLoader, node: yaml.Node) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_float(loader: CoreLoader, node: yaml.Node) -> float:
    text = loader.construct_scalar(node).lower()
    if text.endswith("inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text.endswith("nan"):
        return float("nan")
    return float(text)


def _construct_mapping(loader: CoreLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = {}
    for key_node, value_node in node.value:
        # tresor reads a key as the text of its scalar, whatever it resolves to.
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(None, None, "field names must be strings", key_node.start_mark)
        key = key_node.value
        if key in mapping:
            # As tresor does: the first value wins, the duplicate is reported.
            mark = key_node.start_mark
            loader.duplicates.append(f":{mark.line + 1}:{mark.column + 1}: duplicate key '{key}'; keep one")
            continue
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


CoreLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
CoreLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


# ---------------------------------------------------------------- files


def manifest_files(arguments: list[str]) -> list[Path]:
    files: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            for candidate in sorted(path.rglob("*")):
                relative = candidate.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if candidate.is_file() and candidate.suffix in (".yaml", ".yml"):
                    files.append(candidate)
        else:
            raise FileNotFoundError(argument)
    return files


def load_validators() -> dict[str, Draft202012Validator]:
    validators = {}
    for kind in ("VaultProfile", "Secret", "ApprovalProfile", "ComplianceProfile"):
        schema = json.loads((SCHEMAS / f"{kind.lower()}.schema.json").read_text())
        Draft202012Validator.check_schema(schema)
        validators[kind] = Draft202012Validator(schema)
    return validators


# ---------------------------------------------------------------- messages


def location(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "manifest"


def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "mapping"


def is_secret_path(path) -> bool:
    """True for a content value (not for generator parameters), whose value must not be echoed."""
    parts = list(path)
    return len(parts) >= 3 and parts[0] == "spec" and parts[1] == "content" and "generate" not in parts


def describe(error) -> list[tuple[list, str]]:
    """Where, below the error's own path, and what: messages that never repeat a value
    under spec.content."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    validator, expected = error.validator, error.validator_value
    if "errorMessage" in schema:
        return [([], schema["errorMessage"])]
    if validator in ("oneOf", "anyOf") and error.context:
        # Report the alternative the value was meant for: the only one of a fitting type.
        branches: dict = {}
        for nested in error.context:
            branches.setdefault(nested.relative_schema_path[0], []).append(nested)
        fitting = [
            errors
            for errors in branches.values()
            if not any(nested.validator == "type" and not nested.path for nested in errors)
        ]
        if len(fitting) == 1:
            chosen = fitting[0]
        elif not fitting:
            # The value fits none of the alternatives' types.
            if error.instance is None:
                return [([], "has no value")]
            types = []
            for nested in error.context:
                if nested.validator == "type" and not nested.path:
                    value = nested.validator_value
                    types += [t for t in (value if isinstance(value, list) else [value]) if t not in types]
            return [([], f"expected {' or '.join(types)}, got {json_type(error.instance)}")]
        else:
            # Otherwise the deepest failure says most; prefer anything over "wrong type".
            chosen = [min(error.context, key=lambda e: (-len(e.path), e.validator in ("type", "required")))]
        return [(list(nested.path) + below, message) for nested in chosen for below, message in describe(nested)]
    return [describe_one(error, schema, validator, expected)]


def describe_one(error, schema, validator, expected) -> tuple[list, str]:
    if validator == "type":
        expected = expected if isinstance(expected, list) else [expected]
        return [], f"expected {' or '.join(expected)}, got {json_type(error.instance)}"
    if validator == "enum":
        return [], f"expected one of {', '.join(map(str, expected))}"
    if validator == "required":
        missing = [repr(name) for name in expected if isinstance(error.instance, dict) and name not in error.instance]
        if len(missing) == 1:
            return [], f"missing required field {missing[0]}"
        return [], f"missing required fields {', '.join(missing[:-1])} and {missing[-1]}"
    if validator == "minLength":
        return [], "must not be empty" if expected == 1 else f"must be at least {expected} characters long"
    if validator == "maxLength":
        return [], f"must be at most {expected} characters long"
    if validator == "minItems":
        return [], f"list at least {expected} item{'s' if expected != 1 else ''}"
    if validator == "minProperties":
        return [], f"give at least {expected} key{'s' if expected != 1 else ''}"
    if validator == "uniqueItems":
        return [], "items must be unique"
    if validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf") and not is_secret_path(
        error.absolute_path
    ):
        expectation = {
            "minimum": "at least {}",
            "maximum": "at most {}",
            "exclusiveMinimum": "greater than {}",
            "exclusiveMaximum": "less than {}",
            "multipleOf": "a multiple of {}",
        }
        bounds = {key: schema[key] for key in expectation if key in schema}
        return [], f"{error.instance} is out of range; expected " + " and ".join(
            expectation[key].format(value) for key, value in bounds.items()
        )
    if validator == "dependentRequired" and isinstance(error.instance, dict):
        for field, needed in expected.items():
            missing = [name for name in needed if field in error.instance and name not in error.instance]
            if missing:
                return [], f"{field} needs {', '.join(missing)} as well"
    if validator == "maxProperties" and expected == 0:
        return [], "takes no parameters; write {}"
    if validator == "const":
        return [], f"expected {json.dumps(expected)}"
    if validator == "pattern":
        hint = schema.get("patternErrorMessage") or f"expected a match of {expected}"
        if "propertyNames" in error.schema_path:
            return [], f"key '{error.instance}' is not valid; {hint}"
        return [], f"not valid; {hint}"
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(schema.get("properties", {}))
        if not known:
            return [], "takes no parameters; write {}"
        unknown = [key for key in error.instance if key not in known]
        return [], f"unknown field {', '.join(map(repr, unknown))}; expected {', '.join(known)}"
    if validator == "not" and expected == {}:
        return [], "not allowed here"
    if is_secret_path(error.absolute_path) and not isinstance(error.instance, (dict, list)):
        return [], error.message.replace(repr(error.instance), "the value")
    return [], error.message


def problems(validator: Draft202012Validator, document) -> list[str]:
    lines = []
    for error in validator.iter_errors(document):
        for below, message in describe(error):
            lines.append(f"{location(list(error.absolute_path) + below)}: {message}")
    return sorted(set(lines))


# ---------------------------------------------------------------- main


def main(arguments: list[str]) -> int:
    if any(argument in ("-h", "--help") for argument in arguments):
        print(__doc__.strip())
        return 0
    if not arguments:
        arguments = [str(REPO / "examples")]
    try:
        files = manifest_files(arguments)
        validators = load_validators()
    except FileNotFoundError as error:
        print(f"check-schemas: no such file or directory: {error}", file=sys.stderr)
        return 1

    count = 0
    failures: list[str] = []
    for file in files:
        try:
            loader = CoreLoader(file.read_text(encoding="utf-8"))
            try:
                documents = []
                while loader.check_data():
                    documents.append(loader.get_data())
            finally:
                loader.dispose()
            failures.extend(f"{file}{duplicate}" for duplicate in loader.duplicates)
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            mark = getattr(error, "problem_mark", None)
            where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
            reason = getattr(error, "problem", None) or str(error)
            failures.append(f"{file}{where}: malformed YAML: {reason}")
            continue
        for index, document in enumerate(documents, start=1):
            if document is None:  # an empty document, such as a trailing `---`
                continue
            count += 1
            if not isinstance(document, dict):
                failures.append(f"{file}: document {index}: expected a manifest mapping, got {json_type(document)}")
                continue
            kind = document.get("kind")
            metadata = document.get("metadata")
            name = metadata.get("name") if isinstance(metadata, dict) else None
            shown = name if isinstance(name, (str, int)) and not isinstance(name, bool) else f"document {index}"
            label = f"{kind if isinstance(kind, str) else '?'}/{shown}"
            validator = validators.get(kind) if isinstance(kind, str) else None
            if validator is None:
                kinds = ", ".join(validators)
                failures.append(f"{file}: {label}: kind: expected one of {kinds}")
                continue
            failures.extend(f"{file}: {label}: {line}" for line in problems(validator, document))

    for line in failures:
        print(line)
    if failures:
        return 1
    print(f"ok: {count} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
