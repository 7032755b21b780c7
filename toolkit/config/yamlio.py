"""Read a user-owned YAML file: render `env_var()` through a sandboxed Jinja, parse, and turn
pydantic validation errors into messages that name the file, the line and the key path.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ValidationError

from toolkit.errors import ConfigError

#: libyaml's loader where PyYAML was built with it (about 10x faster than the pure-Python one)
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    return yaml.load(text, Loader=SAFE_LOADER)


M = TypeVar("M", bound=BaseModel)

_MISSING = object()


class _EnvVarMissing(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _env_var(name: str, default: Any = _MISSING) -> str:
    value = os.environ.get(name)
    if value is not None:
        return value
    if default is _MISSING:
        raise _EnvVarMissing(name)
    return str(default)


# environment variables that hold secrets by their name: refused outside profiles.yml, where a
# value would be printed (a segment value is echoed by `segment compile`; issue 33)
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|(^|_)KEY($|_)|CREDENTIAL|PRIVATE|AUTH", re.IGNORECASE)


class _SecretRefused(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _env_var_no_secrets(name: str, default: Any = _MISSING) -> str:
    if SECRET_NAME.search(str(name)):
        raise _SecretRefused(str(name))
    return _env_var(name, default)


def render_values(data: Any, where: Any, loc: tuple[Any, ...] = (), secrets: bool = True) -> Any:
    """Render `{{ env_var('X') }}` / `{{ env_var('X', 'default') }}` in string values, like dbt:
    after parsing, so comments and keys are never templated."""
    if isinstance(data, dict):
        return {k: render_values(v, where, (*loc, k), secrets) for k, v in data.items()}
    if isinstance(data, list):
        return [render_values(v, where, (*loc, i), secrets) for i, v in enumerate(data)]
    if not isinstance(data, str) or ("{{" not in data and "{%" not in data):
        return data
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    env.globals = {"env_var": _env_var if secrets else _env_var_no_secrets}
    key = ".".join(str(p) for p in loc)
    try:
        return env.from_string(data).render()
    except _EnvVarMissing as exc:
        raise ConfigError(
            f"{where(loc)}: {key}: environment variable {exc.name!r} is not set and has no default",
            hint=f"export {exc.name}=... or write env_var('{exc.name}', 'default')",
        ) from None
    except _SecretRefused as exc:
        raise ConfigError(
            f"{where(loc)}: {key}: env_var({exc.name!r}) names a secret, and this file's values can be printed",
            hint="secrets belong in profiles.yml (connections); nothing here needs one",
        ) from None
    except TemplateSyntaxError as exc:
        raise ConfigError(f"{where(loc)}: {key}: template error: {exc.message}") from None
    except UndefinedError as exc:
        raise ConfigError(f"{where(loc)}: {key}: {exc.message}; only env_var('NAME') is available") from None
    except Exception as exc:  # e.g. the sandbox refusing an attribute: never a traceback
        raise ConfigError(f"{where(loc)}: {key}: template error: {type(exc).__name__}") from None


def _line_index(node: yaml.Node, prefix: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    out[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*prefix, key)] = key_node.start_mark.line + 1
            _line_index(value_node, (*prefix, key), out)
            out[(*prefix, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_index(item, (*prefix, i), out)


class YamlDoc:
    """Parsed YAML plus a map from key path to line, so errors can point at the line."""

    def __init__(self, path: Path, data: Any, lines: dict[tuple[Any, ...], int]) -> None:
        self.path = path
        self.data = data
        self.lines = lines

    def where(self, loc: tuple[Any, ...]) -> str:
        for cut in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:cut]))
            if line is not None:
                return f"{self.path}:{line}"
        return str(self.path)


def load_yaml(path: Path, secrets: bool = True) -> YamlDoc:
    """`secrets=False`: env_var() of a secret-named variable is refused (every file but profiles.yml)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found", hint="run `b2b init` to scaffold it") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    text = raw
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{where}: malformed YAML: {problem}", hint="check indentation and quoting"
        ) from None
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _line_index(node, (), lines)
    doc = YamlDoc(path, data if data is not None else {}, lines)
    doc.data = render_values(doc.data, doc.where, secrets=secrets)
    return doc


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Best-effort list of valid keys at a location, for did-you-mean."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            current = None
            break
        annotation = fields[part].annotation
        current = _first_model(annotation)
    if current is None or not hasattr(current, "model_fields"):
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def validate_doc(doc: YamlDoc, model: type[M], *, loc_prefix: tuple[Any, ...] = ()) -> M:
    """Validate `doc.data` (or the part at loc_prefix) against `model`; one clear error per problem."""
    data = doc.data
    for part in loc_prefix:
        data = data[part]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation(doc, model, exc, loc_prefix)) from None


def _format_validation(
    doc: YamlDoc, model: type[BaseModel], exc: ValidationError, loc_prefix: tuple[Any, ...]
) -> str:
    messages = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # discriminated unions insert the tag value into loc; drop it for the key path shown
        full = (*loc_prefix, *loc)
        key_path = ".".join(str(p) for p in full) or "(top level)"
        where = doc.where(full)
        if err["type"] == "extra_forbidden":
            valid = _fields_at(model, loc)
            guess = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]!r}?" if guess else f"valid keys here: {', '.join(sorted(valid))}"
            messages.append(f"{where}: unknown key {key_path!r}; {hint}")
        elif err["type"] == "missing":
            messages.append(f"{where}: missing required key {key_path!r}")
        else:
            msg = err["msg"]
            messages.append(f"{where}: {key_path}: {msg}")
    return "\n".join(messages)
