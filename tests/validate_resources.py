#!/usr/bin/env python3
"""Validates the Kubernetes resources of an export folder (`chaosbook export`)
against upstream definitions, rejecting unknown fields:

- Chaos Mesh, LitmusChaos and Chaosblade custom resources against the
  OpenAPI schemas of the CRDs vendored in tests/crds/ (listed with their
  upstream repository, path, commit and sha256 in tests/crds/provenance.json).
  The schemas are structural, as the API server reads them: an object schema
  without `additionalProperties` accepts only its `properties`, unless it says
  `x-kubernetes-preserve-unknown-fields: true`.
- Chaos Mesh specs embedded in other tools' documents (Azure Chaos Studio's
  `jsonSpec`, AWS FIS's `kubernetesSpec`) against the same CRDs.
- Core Kubernetes objects (ServiceAccount, Role, RoleBinding, Job, ...) with
  kubernetes-validate in strict mode.

Usage: validate_resources.py EXPORT_DIR CRD_DIR
Prints one line per problem and a summary; exit 1 when anything failed.
"""

import copy
import hashlib
import json
import re
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

# The Kubernetes minor release whose core schemas the objects must pass.
KUBERNETES_VERSION = "1.35"

# The groups whose CRDs are vendored; any other custom group is reported
# as not validated (and fails the run, so a new tool gets its CRDs vendored).
CRD_GROUPS = {"chaos-mesh.org", "litmuschaos.io", "chaosblade.io"}

# ObjectMeta as a manifest author writes it (the server fills in the rest).
OBJECT_META = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "generateName": {"type": "string"},
        "namespace": {"type": "string"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        "finalizers": {"type": "array", "items": {"type": "string"}},
    },
}

COPIED_KEYWORDS = (
    "enum", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "required", "multipleOf",
)


def strict(schema, embedded=False):
    """A CRD's structural OpenAPI v3 schema as a JSON Schema that rejects
    unknown fields."""
    out = {}
    if schema.get("x-kubernetes-int-or-string"):
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    elif "type" in schema:
        out["type"] = [schema["type"], "null"] if schema.get("nullable") else schema["type"]
    for key in COPIED_KEYWORDS:
        if key in schema:
            out[key] = copy.deepcopy(schema[key])
    if schema.get("nullable") and "enum" in out:
        out["enum"] = out["enum"] + [None]
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            out.setdefault("allOf", []).append({key: [strict(s) for s in schema[key]]})
    if "not" in schema:
        out["not"] = strict(schema["not"])
    if "items" in schema:
        out["items"] = strict(schema["items"])
    props = {k: strict(v) for k, v in schema.get("properties", {}).items()}
    embedded = embedded or schema.get("x-kubernetes-embedded-resource", False)
    if embedded:
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props["metadata"] = OBJECT_META
    if props:
        out["properties"] = props
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        out["additionalProperties"] = strict(extra)
    elif extra is True or schema.get("x-kubernetes-preserve-unknown-fields"):
        pass
    elif schema.get("type") == "object" or props:
        out["additionalProperties"] = False
    return out


def load_crds(crd_dir):
    """(group, version, kind) -> JSON Schema of the whole object; every file
    must be listed in provenance.json with its sha256, unchanged."""
    provenance = json.loads((crd_dir / "provenance.json").read_text())
    listed = {}
    for source in provenance["sources"]:
        for f in source["files"]:
            listed[f["file"]] = f["sha256"]
    problems = []
    found = {str(p.relative_to(crd_dir)) for p in crd_dir.rglob("*.yaml")}
    for name in sorted(found - set(listed)):
        problems.append(f"{crd_dir / name}: not listed in provenance.json")
    for name, digest in sorted(listed.items()):
        path = crd_dir / name
        if not path.is_file():
            problems.append(f"{path}: listed in provenance.json but missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{path}: differs from the upstream copy (sha256 in provenance.json)")
    schemas = {}
    for name in sorted(found):
        for doc in yaml.safe_load_all((crd_dir / name).read_text()):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            for version in spec["versions"]:
                if not version.get("served", True):
                    continue
                schema = strict(version["schema"]["openAPIV3Schema"])
                schema["properties"]["metadata"] = OBJECT_META
                schema["required"] = sorted(set(schema.get("required", [])) | {"apiVersion", "kind", "metadata"})
                schemas[(spec["group"], version["name"], spec["names"]["kind"])] = schema
    return schemas, problems


def errors_of(schema, value, prefix=""):
    """One line per error: the JSON pointer of the value, and the message."""
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for e in sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path]):
        pointer = prefix + "".join(f"/{p}" for p in e.absolute_path) or "/"
        out.append(f"{pointer}: {e.message}")
    return out


def embedded_chaos_mesh_specs(doc):
    """(kind, spec) of Chaos Mesh specs another tool carries as a JSON string."""
    found = []

    def walk(v):
        if isinstance(v, dict):
            # Azure Chaos Studio: {"type": "continuous", "name": "urn:...:podChaos/2.2",
            # "parameters": [{"key": "jsonSpec", "value": "..."}]}
            m = re.match(r"urn:csci:microsoft:azureKubernetesServiceChaosMesh:(\w+)/", str(v.get("name", "")))
            if m:
                kind = m.group(1)  # podChaos, IOChaos: matched without case
                for p in v.get("parameters", []):
                    if isinstance(p, dict) and p.get("key") == "jsonSpec":
                        found.append((kind, p.get("value")))
            # AWS FIS: aws:eks:inject-kubernetes-custom-resource parameters
            if "kubernetesSpec" in v and str(v.get("kubernetesApiVersion", "")).startswith("chaos-mesh.org/"):
                found.append((v.get("kubernetesKind"), v["kubernetesSpec"]))
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(doc)
    return found


def main():
    export_dir, crd_dir = Path(sys.argv[1]), Path(sys.argv[2])
    schemas, problems = load_crds(crd_dir)
    by_kind = {(g, k.lower()): s for (g, v, k), s in schemas.items() if v == "v1alpha1"}
    counts = {"crd": 0, "core": 0, "embedded": 0}
    for path in sorted(export_dir.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or path.name == "index.json":
            continue
        rel = path.relative_to(export_dir)
        try:
            docs = list(yaml.safe_load_all(path.read_text())) if path.suffix != ".json" else [json.loads(path.read_text())]
        except (yaml.YAMLError, json.JSONDecodeError) as e:
            problems.append(f"{rel}: does not parse: {e}")
            continue
        for n, doc in enumerate(docs, 1):
            if not isinstance(doc, dict):
                continue
            for kind, text in embedded_chaos_mesh_specs(doc):
                schema = by_kind.get(("chaos-mesh.org", str(kind).lower()))
                where = f"{rel} (embedded Chaos Mesh {kind} spec)"
                if schema is None:
                    problems.append(f"{where}: no vendored Chaos Mesh CRD has the kind {kind}")
                    continue
                try:
                    spec = json.loads(text)
                except (TypeError, json.JSONDecodeError) as e:
                    problems.append(f"{where}: not JSON: {e}")
                    continue
                counts["embedded"] += 1
                problems += [f"{where}: {e}" for e in errors_of(schema["properties"]["spec"], spec, "/spec")]
            if "apiVersion" not in doc or "kind" not in doc:
                continue
            api_version, kind = str(doc["apiVersion"]), str(doc["kind"])
            group, _, version = api_version.rpartition("/")
            where = f"{rel} document {n} ({kind})"
            if group in CRD_GROUPS:
                schema = schemas.get((group, version, kind))
                if schema is None:
                    problems.append(f"{where}: no vendored CRD serves {api_version} {kind}")
                    continue
                counts["crd"] += 1
                problems += [f"{where}: {e}" for e in errors_of(schema, doc)]
            elif "." not in group or group.endswith(".k8s.io"):
                counts["core"] += 1
                try:
                    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
                except kubernetes_validate.ValidationError as e:
                    pointer = "".join(f"/{p}" for p in e.absolute_path) or "/"
                    problems.append(f"{where}: {pointer}: {e.message}")
                except kubernetes_validate.SchemaNotFoundError as e:
                    problems.append(f"{where}: {e.message}")
            else:
                problems.append(f"{where}: no validator for the group {group}; vendor its CRD under tests/crds/")
    for p in problems:
        print(f"FAILED: {p}")
    print(
        f"resources: {counts['crd']} custom resources against upstream CRDs, "
        f"{counts['embedded']} embedded Chaos Mesh specs, "
        f"{counts['core']} core objects with kubernetes-validate (Kubernetes {KUBERNETES_VERSION}, strict); "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
