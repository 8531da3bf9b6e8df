"""The container bundle's Kubernetes and Knative manifests, checked against the APIs' published schemas.

Kubernetes kinds: validated strictly (unknown fields refused) by kubernetes-validate, which bundles the
Kubernetes API's JSON schemas. Knative's Service: every field emitted must be one Knative's v1 API schema
lists (knative_service_v1_fields.txt, with its provenance), and the container must pass Kubernetes' own
Container schema, since a Knative revision inlines a PodSpec.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml  # type: ignore[import-untyped]

from adapters.local_http.bundle import build_bundle, kubernetes_name
from tests.conftest import sample_path

# The oldest Kubernetes still served by the big clouds' managed offerings, and the newest bundled schema.
KUBERNETES_VERSIONS = ("1.30", "1.37")
KNATIVE_FIELDS = Path(__file__).with_name("knative_service_v1_fields.txt")
# Knative refuses these (pkg/apis/serving/k8s_validation.go at knative-v1.23.0).
KNATIVE_RESERVED_PORTS = {8008, 8012, 8013, 8022, 9090, 9091}
KNATIVE_RESERVED_ENV = {"PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION"}
KNATIVE_PORT_NAMES = {"http1", "h2c"}
CONFIG = """name = "2nd_Echo"
artifact = "echo-c.wasm"
[limits]
memory_mb = 100
[container]
port = 9000
workers = 3
"""


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("manifests")
    (folder / "portable-fn.toml").write_text(CONFIG)
    return build_bundle(sample_path("echo-c"), folder / "portable-fn.toml", folder / "out").directory


def documents(context: Path, pattern: str) -> list[dict[str, Any]]:
    """Every YAML document in the bundle's files matching ``pattern``."""
    return [doc for path in sorted(context.glob(pattern)) for doc in yaml.safe_load_all(path.read_text())]


def by_kind(context: Path) -> dict[str, dict[str, Any]]:
    return {doc["kind"]: doc for doc in documents(context, "k8s/*.yaml")}


def field_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Dotted paths of every field under ``value``; list items as ``[]``; map values below labels,
    annotations, selectors and resource quantities are data, not fields."""
    if isinstance(value, list):
        for item in value:
            yield from field_paths(item, f"{prefix}[]")
    elif isinstance(value, dict) and not prefix.endswith((".labels", ".annotations", ".limits", ".requests")):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from field_paths(item, path)


def image_cmd(context: Path) -> list[str]:
    dockerfile = (context / "Dockerfile").read_text()
    return list(json.loads(dockerfile.split("\nCMD ", 1)[1].splitlines()[0]))


def dockerfile_user(context: Path) -> int:
    return int((context / "Dockerfile").read_text().split("\nUSER ", 1)[1].split()[0])


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_kubernetes_manifests_match_the_api_schema(context: Path, version: str) -> None:
    kinds = by_kind(context)
    assert set(kinds) == {"Deployment", "Service", "HorizontalPodAutoscaler"}
    for doc in kinds.values():
        kubernetes_validate.validate(doc, version, strict=True)


def test_the_schema_check_refuses_an_unknown_field(context: Path) -> None:
    deployment = by_kind(context)["Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["containerConcurrency"] = 6
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


def test_kubernetes_manifests_follow_the_config_and_the_dockerfile(context: Path) -> None:
    kinds = by_kind(context)
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == "registry.example.com/2nd_echo:latest"  # the placeholder the README names
    assert container["env"] == [{"name": "PORT", "value": "9000"}]
    assert container["ports"] == [{"name": "http", "containerPort": 9000, "protocol": "TCP"}]
    for probe in ("readinessProbe", "livenessProbe"):  # no route reserved: TCP only
        assert container[probe]["tcpSocket"] == {"port": "http"} and "httpGet" not in container[probe]
    # 3 workers: a core each; memory for 4 processes (64 Mi each) plus one, or all 6, guests at 100 MB.
    assert container["resources"] == {
        "requests": {"cpu": "3", "memory": f"{4 * 64 + 100}Mi"},
        "limits": {"memory": f"{4 * 64 + 6 * 100}Mi"},
    }
    assert container["securityContext"]["runAsUser"] == dockerfile_user(context) != 0
    assert container["securityContext"]["runAsNonRoot"] is True
    assert pod["terminationGracePeriodSeconds"] > 30  # longer than the server's drain
    names = {doc["metadata"]["name"] for doc in kinds.values()}
    assert names == {"fn-2nd-echo"}
    assert kinds["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"] == "fn-2nd-echo"
    assert kinds["Service"]["spec"]["ports"][0]["targetPort"] == "http"


def test_knative_service_uses_only_fields_knative_lists(context: Path) -> None:
    known = {line for line in KNATIVE_FIELDS.read_text().splitlines() if line and not line.startswith("#")}
    (service,) = documents(context, "knative/*.yaml")
    assert (service["apiVersion"], service["kind"]) == ("serving.knative.dev/v1", "Service")
    emitted = set(field_paths(service))
    assert emitted - known == set()
    assert {
        "spec.template.spec.containerConcurrency",
        "spec.template.spec.containers[].ports[].containerPort",
        "spec.template.spec.containers[].readinessProbe.tcpSocket",
        "spec.template.spec.containers[].securityContext.runAsUser",
    } <= emitted


def test_knative_service_follows_knatives_rules_and_the_server(context: Path) -> None:
    (service,) = documents(context, "knative/*.yaml")
    revision = service["spec"]["template"]["spec"]
    (container,) = revision["containers"]
    cmd = image_cmd(context)
    workers, threads = int(cmd[cmd.index("--workers") + 1]), int(cmd[cmd.index("--threads") + 1])
    assert revision["containerConcurrency"] == workers * threads == 6
    (port,) = container["ports"]
    assert port["name"] in KNATIVE_PORT_NAMES and port["containerPort"] not in KNATIVE_RESERVED_PORTS
    assert not {variable["name"] for variable in container.get("env", [])} & KNATIVE_RESERVED_ENV
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["tcpSocket"] == {"port": port["containerPort"]}
    assert container["securityContext"]["runAsUser"] == dockerfile_user(context)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": service["metadata"], "spec": {"containers": [container]}}
    kubernetes_validate.validate(pod, KUBERNETES_VERSIONS[-1], strict=True)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("echo", "echo"),
        ("My_Func", "my-func"),
        ("2nd", "fn-2nd"),
        ("a.b c", "a-b-c"),
        ("_", "fn"),
        ("x" * 64, "x" * 63),
    ],
)
def test_kubernetes_name_is_a_dns_1035_label(name: str, label: str) -> None:
    assert kubernetes_name(name) == label
