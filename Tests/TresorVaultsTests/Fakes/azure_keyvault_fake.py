#!/usr/bin/env python3
"""Contract fake of Azure Key Vault secrets (REST API 7.4) and of the Microsoft identity
platform's OAuth2 client-credentials token endpoint (v2.0), for tresor's tests.

Written from the public reference:
- Key Vault secrets REST API 7.4: Set Secret, Get Secret, Get Secrets, Get Secret
  Versions, Update Secret, Delete Secret, Get Deleted Secret, Purge Deleted Secret,
  Recover Deleted Secret (https://learn.microsoft.com/rest/api/keyvault/secrets/).
- Object names: 1-127 characters of 0-9, a-z, A-Z and '-', compared without regard to
  case; secrets are versioned, each Set Secret makes a new version
  (https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates).
- Soft delete: a deleted secret keeps its name until purged or recovered; Set Secret on
  it answers 409 Conflict (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview).
- At most 15 tags per secret, tag values up to 256 characters; throttled requests get
  429 with Retry-After (https://learn.microsoft.com/azure/key-vault/general/service-limits,
  .../general/overview-throttling).
- Authentication: requests without a valid bearer token get 401 with a WWW-Authenticate
  challenge; errors are {"error": {"code", "message"}}
  (https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses).
- Token endpoint: POST /{tenant}/oauth2/v2.0/token with grant_type=client_credentials,
  client_id, client_secret and scope; errors are {"error", "error_description"} with
  AADSTS codes (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow).

Usage: azure_keyvault_fake.py --tenant T --client-id ID --client-secret S [--token-lifetime s] [--cert C --key K]
"""

import json
import re
import secrets
import time
from urllib.parse import parse_qs

from fakebase import FakeHandler, FakeState, parser, serve

NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
SCOPE = "https://vault.azure.net/.default"


class Vault(FakeState):
    def __init__(self, arguments):
        super().__init__()
        self.arguments = arguments
        self.secrets = {}  # lowercase name -> {"name", "versions": [...], "deleted": None | dict}


def error(code, message):
    return {"error": {"code": code, "message": message}}


class Handler(FakeHandler):
    def base(self):
        scheme = "https" if self.state.arguments.cert else "http"
        return "%s://%s" % (scheme, self.headers.get("Host"))

    def bundle(self, record, version, with_value=True):
        result = {
            "id": "%s/secrets/%s/%s" % (self.base(), record["name"], version["id"]),
            "attributes": {"enabled": True, "created": version["created"], "updated": version["updated"],
                           "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90},
            "tags": version["tags"],
        }
        if version.get("contentType") is not None:
            result["contentType"] = version["contentType"]
        if with_value:
            result["value"] = version["value"]
        return result

    def handle_api(self, method, path, query, body):
        segments = [part for part in path.split("/") if part]
        if len(segments) == 4 and segments[1:] == ["oauth2", "v2.0", "token"] and method == "POST":
            return self.token(segments[0], body)
        state = self.state
        token = self.bearer()
        if token is None or not state.token_valid(token):
            message = "AKV10000: Request is missing a Bearer or PoP token." if token is None else "AKV10032: Invalid issuer or token expired."
            return self.send(401, error("Unauthorized", message), headers={
                "WWW-Authenticate": 'Bearer authorization="https://login.microsoftonline.com/%s", resource="https://vault.azure.net"'
                % state.arguments.tenant})
        if query.get("api-version") != ["7.4"]:
            return self.send(400, error("BadParameter", "The specified version (%s) is not recognized. Consider using the latest supported version (7.4)."
                                        % (query.get("api-version") or [""])[0]))
        wait = state.take_throttle()
        if wait is not None:
            return self.send(429, error("Throttled", "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached"),
                             headers={"Retry-After": str(wait)})
        operation = {"GET": "get", "PUT": "set", "PATCH": "set", "DELETE": "delete", "POST": "recover"}[method]
        if segments and segments[0] == "deletedsecrets" and method == "DELETE":
            operation = "purge"
        if segments[:1] == ["secrets"] and method == "GET" and len(segments) in (1, 3) and (len(segments) == 1 or segments[2] == "versions"):
            operation = "list"
        if operation in state.denied:
            return self.send(403, {"error": {"code": "Forbidden", "message": "The user, group or application 'appid=%s' does not have secrets %s permission on key vault 'fake;location=local'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287"
                                             % (state.arguments.client_id, operation), "innererror": {"code": "AccessDenied"}}})
        with state.lock:
            return self.route(method, segments, query, body)

    def route(self, method, segments, query, body):
        state = self.state
        if segments == ["secrets"] and method == "GET":
            return self.list_secrets(query)
        if len(segments) >= 2 and segments[0] == "secrets":
            name = segments[1]
            record = state.secrets.get(name.lower())
            live = record if record is not None and record["deleted"] is None else None
            if len(segments) == 2 and method == "PUT":
                return self.set_secret(name, record, body)
            if len(segments) == 2 and method == "DELETE":
                if live is None:
                    return self.not_found(name)
                now = int(time.time())
                live["deleted"] = {"deletedDate": now, "scheduledPurgeDate": now + 90 * 86400}
                latest = live["versions"][-1]
                result = self.bundle(live, latest, with_value=False)
                result.update({"recoveryId": "%s/deletedsecrets/%s" % (self.base(), live["name"])}, **live["deleted"])
                return self.send(200, result)
            if len(segments) == 3 and segments[2] == "versions" and method == "GET":
                if live is None:
                    return self.not_found(name)
                items = [self.bundle(live, version, with_value=False) for version in reversed(live["versions"])]
                return self.send(200, {"value": items, "nextLink": None})
            if len(segments) in (2, 3) and method in ("GET", "PATCH"):
                if live is None:
                    return self.not_found(name)
                version = segments[2] if len(segments) == 3 and segments[2] else None
                found = live["versions"][-1] if version is None else next((v for v in live["versions"] if v["id"] == version), None)
                if found is None:
                    return self.send(404, error("SecretNotFound", "A secret with (name/id) %s/%s was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182" % (name, version)))
                if method == "PATCH":
                    request = json.loads(body or b"{}")
                    if "tags" in request:
                        if len(request["tags"] or {}) > 15:
                            return self.send(400, error("BadParameter", "Too many tags. The maximum is 15."))
                        found["tags"] = request["tags"] or {}
                    found["updated"] = int(time.time())
                return self.send(200, self.bundle(live, found))
        if len(segments) >= 2 and segments[0] == "deletedsecrets":
            name = segments[1]
            record = self.state.secrets.get(name.lower())
            deleted = record if record is not None and record["deleted"] is not None else None
            if deleted is None:
                return self.send(404, error("DeletedSecretNotFound", "Deleted Secret not found"))
            if len(segments) == 2 and method == "GET":
                result = self.bundle(deleted, deleted["versions"][-1], with_value=False)
                result.update(deleted["deleted"])
                return self.send(200, result)
            if len(segments) == 2 and method == "DELETE":
                del self.state.secrets[name.lower()]
                return self.send(204)
            if len(segments) == 3 and segments[2] == "recover" and method == "POST":
                deleted["deleted"] = None
                return self.send(200, self.bundle(deleted, deleted["versions"][-1], with_value=False))
        return self.send(400, error("BadParameter", "The request URI is not valid for Key Vault secrets"))

    def not_found(self, name):
        return self.send(404, error("SecretNotFound", "A secret with (name/id) %s was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182" % name))

    def set_secret(self, name, record, body):
        if not NAME.match(name):
            return self.send(400, error("BadParameter", "The request URI contains an invalid name: %s" % name))
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return self.send(400, error("BadParameter", "The request body is not valid JSON"))
        if not isinstance(request.get("value"), str):
            return self.send(400, error("BadParameter", "Property 'value' is required"))
        tags = request.get("tags") or {}
        if len(tags) > 15:
            return self.send(400, error("BadParameter", "Too many tags. The maximum is 15."))
        if any(len(key) > 512 or len(str(value)) > 256 for key, value in tags.items()):
            return self.send(400, error("BadParameter", "Tag names may have up to 512 characters and values up to 256"))
        if record is not None and record["deleted"] is not None:
            return self.send(409, error("Conflict", "Secret %s is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged." % name))
        if record is None:
            record = {"name": name, "versions": [], "deleted": None}
            self.state.secrets[name.lower()] = record
        now = int(time.time())
        version = {"id": secrets.token_hex(16), "value": request["value"], "tags": tags,
                   "contentType": request.get("contentType"), "created": now, "updated": now}
        record["versions"].append(version)
        return self.send(200, self.bundle(record, version))

    def list_secrets(self, query):
        size = int((query.get("maxresults") or ["25"])[0])
        if not 1 <= size <= 25:
            return self.send(400, error("BadParameter", "maxresults must be between 1 and 25"))
        start = int((query.get("$skiptoken") or ["0"])[0])
        live = sorted((r for r in self.state.secrets.values() if r["deleted"] is None), key=lambda r: r["name"].lower())
        page = live[start:start + size]
        items = []
        for record in page:
            latest = record["versions"][-1]
            item = self.bundle(record, latest, with_value=False)
            item["id"] = "%s/secrets/%s" % (self.base(), record["name"])
            items.append(item)
        following = None
        if start + size < len(live):
            following = "%s/secrets?api-version=7.4&$skiptoken=%d&maxresults=%d" % (self.base(), start + size, size)
        return self.send(200, {"value": items, "nextLink": following})

    def token(self, tenant, body):
        arguments = self.state.arguments
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        if tenant != arguments.tenant:
            return self.send(400, {"error": "invalid_request", "error_description": "AADSTS90002: Tenant '%s' not found." % tenant})
        if form.get("grant_type") != "client_credentials":
            return self.send(400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003: The app requested an unsupported grant type."})
        if form.get("scope") != SCOPE:
            return self.send(400, {"error": "invalid_scope", "error_description": "AADSTS70011: The provided value for the input parameter 'scope' is not valid."})
        if form.get("client_id") != arguments.client_id:
            return self.send(400, {"error": "unauthorized_client", "error_description": "AADSTS700016: Application with identifier was not found in the directory."})
        if form.get("client_secret") != arguments.client_secret:
            return self.send(401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."})
        token = secrets.token_urlsafe(32)
        self.state.issue_token(token, arguments.token_lifetime)
        return self.send(200, {"token_type": "Bearer", "expires_in": arguments.token_lifetime,
                               "ext_expires_in": arguments.token_lifetime, "access_token": token})


if __name__ == "__main__":
    arguments_parser = parser("Azure Key Vault contract fake", issues_tokens=True)
    arguments_parser.add_argument("--tenant", required=True)
    arguments_parser.add_argument("--client-id", required=True)
    arguments_parser.add_argument("--client-secret", required=True)
    serve(Handler, Vault, arguments_parser)
