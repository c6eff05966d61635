#!/usr/bin/env python3
"""Contract fake of the Kubernetes API server's core/v1 Secrets, for tresor's tests.

Written from the public reference:
- Secret v1 and its operations (get, list, create, update, delete)
  (https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/).
- API concepts: resourceVersion and optimistic concurrency (an update carrying a stale
  resourceVersion gets 409 Conflict), list chunking with limit/continue, label selectors,
  Status objects for errors (https://kubernetes.io/docs/reference/using-api/api-concepts/).
- Object names of Secrets are DNS-1123 subdomains (at most 253 characters)
  (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/); data keys
  are [-._a-zA-Z0-9]+, values base64; the `type` of a Secret cannot be changed;
  kubernetes.io/basic-auth needs `username` or `password`
  (https://kubernetes.io/docs/concepts/configuration/secret/).
- DeleteOptions.preconditions.resourceVersion
  (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/delete-options/).
- Authentication by bearer token (401 Unauthorized), RBAC denials (403 Forbidden), and
  API Priority and Fairness rejections (429 with Retry-After)
  (https://kubernetes.io/docs/reference/access-authn-authz/authentication/,
  .../concepts/cluster-administration/flow-control/).

Usage: kubernetes_secrets_fake.py --token T [--token T2 ...] [--cert C --key K]
  POST /_fake/tokens {"tokens": [...]} replaces the accepted tokens (a rotation).
"""

import base64
import binascii
import json
import re
import time
import uuid
from urllib.parse import unquote

from fakebase import FakeHandler, FakeState, parser, serve

SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DATA_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


class Cluster(FakeState):
    def __init__(self, arguments):
        super().__init__()
        for token in arguments.token:
            self.tokens[token] = float("inf")
        self.objects = {}  # (namespace, name) -> Secret
        self.revision = 1000

    def next_revision(self):
        self.revision += 1
        return str(self.revision)


def status(code, reason, message, name=None):
    result = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
              "reason": reason, "code": code}
    if name is not None:
        result["details"] = {"name": name, "kind": "secrets"}
    return result


def selector_matches(selector, labels):
    for requirement in [part for part in selector.split(",") if part]:
        if "!=" in requirement:
            key, value = requirement.split("!=", 1)
            if labels.get(key) == value:
                return False
        elif "=" in requirement:
            key, value = requirement.split("=", 1)
            if labels.get(key.rstrip("=")) != value.lstrip("="):
                return False
        elif labels.get(requirement) is None:
            return False
    return True


class Handler(FakeHandler):
    def handle_fake(self, method, path, body):
        if path == "/_fake/tokens":
            with self.state.lock:
                self.state.tokens = {token: float("inf") for token in json.loads(body)["tokens"]}
            return self.send(204)
        return super().handle_fake(method, path, body)

    def handle_api(self, method, path, query, body):
        state = self.state
        token = self.bearer()
        if token is None or not state.token_valid(token):
            return self.send(401, status(401, "Unauthorized", "Unauthorized"))
        segments = [unquote(part) for part in path.split("/") if part]
        if len(segments) < 5 or segments[:3] != ["api", "v1", "namespaces"] or segments[4] != "secrets" or len(segments) > 6:
            return self.send(404, status(404, "NotFound", "the server could not find the requested resource"))
        namespace = segments[3]
        name = segments[5] if len(segments) == 6 else None
        verb = {"GET": "get" if name else "list", "POST": "create", "PUT": "update", "DELETE": "delete"}.get(method)
        if verb is None or (verb == "create" and name) or (verb in ("update", "delete") and not name):
            return self.send(405, status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"))
        wait = state.take_throttle()
        if wait is not None:
            return self.send(429, status(429, "TooManyRequests", "Too many requests, please try again later."),
                             headers={"Retry-After": str(wait)})
        if verb in state.denied:
            return self.send(403, status(403, "Forbidden",
                                         'secrets%s is forbidden: User "system:serviceaccount:%s:tresor" cannot %s resource "secrets" in API group "" in the namespace "%s"'
                                         % (' "%s"' % name if name else "", namespace, verb, namespace), name))
        with state.lock:
            return getattr(self, verb)(namespace, name, query, body)

    def get(self, namespace, name, query, body):
        found = self.state.objects.get((namespace, name))
        if found is None:
            return self.send(404, status(404, "NotFound", 'secrets "%s" not found' % name, name))
        return self.send(200, found)

    def list(self, namespace, name, query, body):
        selector = (query.get("labelSelector") or [""])[0]
        limit = int((query.get("limit") or ["0"])[0])
        start = (query.get("continue") or [""])[0]
        items = sorted((o for (ns, _), o in self.state.objects.items() if ns == namespace
                        and selector_matches(selector, o["metadata"].get("labels") or {})), key=lambda o: o["metadata"]["name"])
        if start:
            items = [o for o in items if o["metadata"]["name"] > start]
        metadata = {"resourceVersion": str(self.state.revision)}
        if limit and len(items) > limit:
            items = items[:limit]
            metadata["continue"] = items[-1]["metadata"]["name"]
            metadata["remainingItemCount"] = 1
        return self.send(200, {"kind": "SecretList", "apiVersion": "v1", "metadata": metadata, "items": items})

    def validate(self, secret, name):
        problems = []
        if not SUBDOMAIN.match(name) or len(name) > 253:
            problems.append('metadata.name: Invalid value: "%s": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character' % name)
        total = 0
        for key, value in (secret.get("data") or {}).items():
            if not DATA_KEY.match(key):
                problems.append('data[%s]: Invalid value: "%s": a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'' % (key, key))
            try:
                total += len(base64.b64decode(value, validate=True))
            except (binascii.Error, ValueError):
                problems.append("data[%s]: Invalid value: illegal base64 data" % key)
        if total > 1024 * 1024:
            problems.append("data: Too long: must have at most 1048576 bytes")
        if secret.get("type") == "kubernetes.io/basic-auth":
            data = secret.get("data") or {}
            if "username" not in data and "password" not in data:
                problems.append("data[username]: Required value: either username or password or both must be provided")
        if problems:
            return status(422, "Invalid", 'Secret "%s" is invalid: %s' % (name, "; ".join(problems)), name)
        return None

    def create(self, namespace, name, query, body):
        secret = json.loads(body)
        name = (secret.get("metadata") or {}).get("name", "")
        invalid = self.validate(secret, name)
        if invalid:
            return self.send(422, invalid)
        if (namespace, name) in self.state.objects:
            return self.send(409, status(409, "AlreadyExists", 'secrets "%s" already exists' % name, name))
        metadata = secret["metadata"]
        metadata.update({"namespace": namespace, "uid": str(uuid.uuid4()), "resourceVersion": self.state.next_revision(),
                         "creationTimestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        secret.update({"apiVersion": "v1", "kind": "Secret"})
        secret.setdefault("type", "Opaque")
        self.state.objects[(namespace, name)] = secret
        return self.send(201, secret)

    def update(self, namespace, name, query, body):
        secret = json.loads(body)
        existing = self.state.objects.get((namespace, name))
        if existing is None:
            return self.send(404, status(404, "NotFound", 'secrets "%s" not found' % name, name))
        metadata = secret.get("metadata") or {}
        if metadata.get("name") != name:
            return self.send(400, status(400, "BadRequest", "the name of the object (%s) does not match the name on the URL (%s)" % (metadata.get("name"), name)))
        wanted = metadata.get("resourceVersion")
        if wanted and wanted != existing["metadata"]["resourceVersion"]:
            return self.send(409, status(409, "Conflict", 'Operation cannot be fulfilled on secrets "%s": the object has been modified; please apply your changes to the latest version and try again' % name, name))
        secret.setdefault("type", "Opaque")
        if secret["type"] != existing.get("type", "Opaque"):
            return self.send(422, status(422, "Invalid", 'Secret "%s" is invalid: type: Invalid value: "%s": field is immutable' % (name, secret["type"]), name))
        invalid = self.validate(secret, name)
        if invalid:
            return self.send(422, invalid)
        if secret.get("data") == existing.get("data") and metadata.get("labels") == existing["metadata"].get("labels") \
                and metadata.get("annotations") == existing["metadata"].get("annotations"):
            return self.send(200, existing)  # a no-op update keeps the resourceVersion
        metadata.update({"namespace": namespace, "uid": existing["metadata"]["uid"], "resourceVersion": self.state.next_revision(),
                         "creationTimestamp": existing["metadata"]["creationTimestamp"]})
        secret.update({"apiVersion": "v1", "kind": "Secret"})
        self.state.objects[(namespace, name)] = secret
        return self.send(200, secret)

    def delete(self, namespace, name, query, body):
        existing = self.state.objects.get((namespace, name))
        if existing is None:
            return self.send(404, status(404, "NotFound", 'secrets "%s" not found' % name, name))
        options = json.loads(body) if body else {}
        wanted = ((options.get("preconditions") or {}).get("resourceVersion"))
        if wanted and wanted != existing["metadata"]["resourceVersion"]:
            return self.send(409, status(409, "Conflict", "Operation cannot be fulfilled on secrets \"%s\": Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %s"
                                         % (name, wanted, existing["metadata"]["resourceVersion"]), name))
        del self.state.objects[(namespace, name)]
        return self.send(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                               "details": {"name": name, "kind": "secrets", "uid": existing["metadata"]["uid"]}})


if __name__ == "__main__":
    arguments_parser = parser("Kubernetes Secrets contract fake")
    arguments_parser.add_argument("--token", action="append", required=True)
    serve(Handler, Cluster, arguments_parser)
