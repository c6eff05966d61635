#!/usr/bin/env python3
"""Contract fake of Google Cloud Secret Manager (REST v1) and of Google's OAuth 2.0 token
endpoint for service accounts, for tresor's tests.

Written from the public reference:
- Secret Manager REST v1: projects.secrets create, get, list, patch, delete, addVersion;
  projects.secrets.versions get, list, access, disable, enable, destroy
  (https://cloud.google.com/secret-manager/docs/reference/rest).
- Secret ids: up to 255 characters of letters, digits, '-' and '_'; labels: at most 64,
  keys [a-z][a-z0-9_-]{0,62}, values [a-z0-9_-]{0,63}; annotations: keys of 1-63
  characters beginning and ending with an alphanumeric, [a-zA-Z0-9_.-] between, at most
  16 KiB in all; payloads up to 64 KiB with an optional CRC32C
  (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets,
  .../docs/labels, .../docs/annotations, .../quotas).
- Errors: {"error": {"code", "message", "status"}} with canonical codes NOT_FOUND,
  ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED, UNAUTHENTICATED,
  PERMISSION_DENIED, RESOURCE_EXHAUSTED (https://cloud.google.com/apis/design/errors).
- Service-account tokens: an RS256-signed JWT with iss (the client_email), scope, aud
  (the token URI), iat and exp (at most an hour later), posted to the token URI with
  grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer; the signature is checked with
  the service account's public key; errors are {"error", "error_description"}
  (https://developers.google.com/identity/protocols/oauth2/service-account#httprest).

Usage: gcp_secretmanager_fake.py --project P --project-number N --client-email E
           --modulus HEX --exponent HEX [--token-lifetime s] [--cert C --key K]
"""

import base64
import binascii
import hashlib
import json
import re
import secrets
import time
from urllib.parse import parse_qs, unquote

from fakebase import FakeHandler, FakeState, parser, serve

SECRET_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
ANNOTATION_KEY = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,61}[a-zA-Z0-9])?$")
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def now_rfc3339():
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%06dZ" % (int(time.time() * 1e6) % 1000000)


def error(code, status, message):
    return {"error": {"code": code, "message": message, "status": status}}


class Project(FakeState):
    def __init__(self, arguments):
        super().__init__()
        self.arguments = arguments
        self.modulus = int(arguments.modulus, 16)
        self.exponent = int(arguments.exponent, 16)
        self.secrets = {}  # id -> {"secret": dict, "versions": [dict]}

    def verify(self, assertion, audience):
        """The claims of a correctly signed, current assertion; raises ValueError otherwise."""
        parts = assertion.split(".")
        if len(parts) != 3:
            raise ValueError("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
        try:
            header, claims, signature = json.loads(b64url(parts[0])), json.loads(b64url(parts[1])), b64url(parts[2])
        except (ValueError, binascii.Error):
            raise ValueError("Invalid JWT: could not decode.")
        if header.get("alg") != "RS256":
            raise ValueError("Invalid JWT Signature.")
        size = (self.modulus.bit_length() + 7) // 8
        digest = hashlib.sha256((parts[0] + "." + parts[1]).encode()).digest()
        expected = b"\x00\x01" + b"\xff" * (size - 3 - len(SHA256_DIGEST_INFO) - 32) + b"\x00" + SHA256_DIGEST_INFO + digest
        if len(signature) != size or pow(int.from_bytes(signature, "big"), self.exponent, self.modulus).to_bytes(size, "big") != expected:
            raise ValueError("Invalid JWT Signature.")
        if claims.get("iss") != self.arguments.client_email:
            raise ValueError("Invalid JWT: unknown issuer.")
        if claims.get("aud") != audience:
            raise ValueError("Invalid JWT: audience does not match the token endpoint.")
        if SCOPE not in str(claims.get("scope", "")).split():
            raise ValueError("Invalid JWT: scope is missing or not allowed.")
        current = time.time()
        iat, exp = claims.get("iat", 0), claims.get("exp", 0)
        if not (iat - 300 <= current < exp) or exp - iat > 3600:
            raise ValueError("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
        return claims


class Handler(FakeHandler):
    def base(self):
        scheme = "https" if self.state.arguments.cert else "http"
        return "%s://%s" % (scheme, self.headers.get("Host"))

    def handle_api(self, method, path, query, body):
        state = self.state
        if path == "/token" and method == "POST":
            return self.token(body)
        token = self.bearer()
        if token is None or not state.token_valid(token):
            return self.send(401, error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."),
                             headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'})
        wait = state.take_throttle()
        if wait is not None:
            return self.send(429, error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute' of service 'secretmanager.googleapis.com'."),
                             headers={"Retry-After": str(wait)})
        segments = [unquote(part) for part in path.split("/") if part]
        if len(segments) < 4 or segments[:2] != ["v1", "projects"] or segments[3] != "secrets":
            return self.send(404, error(404, "NOT_FOUND", "The requested URL was not found on this server."))
        if segments[2] not in (state.arguments.project, state.arguments.project_number):
            return self.send(403, error(403, "PERMISSION_DENIED", "Permission denied on resource project %s." % segments[2]))
        rest = segments[4:]
        action = None
        if rest and ":" in rest[-1]:
            rest[-1], action = rest[-1].split(":", 1)
        permission = self.permission(method, rest, action)
        if permission in state.denied:
            resource = "projects/%s%s" % (segments[2], "/secrets/" + rest[0] if rest else "")
            return self.send(403, error(403, "PERMISSION_DENIED", "Permission 'secretmanager.%s' denied for resource '%s' (or it may not exist)." % (permission, resource)))
        with state.lock:
            return self.route(method, rest, action, query, body)

    @staticmethod
    def permission(method, rest, action):
        if not rest:
            return "secrets.create" if method == "POST" else "secrets.list"
        if len(rest) == 1:
            if action == "addVersion":
                return "versions.add"
            return {"GET": "secrets.get", "PATCH": "secrets.update", "DELETE": "secrets.delete"}.get(method, "secrets.get")
        if action == "access":
            return "versions.access"
        return "versions." + (action or ("list" if len(rest) == 2 else "get"))

    def name(self, secret_id, version=None):
        result = "projects/%s/secrets/%s" % (self.state.arguments.project_number, secret_id)
        return result + ("/versions/%s" % version if version is not None else "")

    def route(self, method, rest, action, query, body):
        state = self.state
        if not rest and method == "POST":
            return self.create(query, body)
        if not rest and method == "GET":
            return self.list(query)
        secret_id = rest[0]
        record = state.secrets.get(secret_id)
        if record is None:
            return self.send(404, error(404, "NOT_FOUND", "Secret [%s] not found." % self.name(secret_id)))
        if len(rest) == 1 and action is None and method == "GET":
            return self.send(200, record["secret"])
        if len(rest) == 1 and action is None and method == "DELETE":
            wanted = (query.get("etag") or [None])[0]
            if wanted and wanted != record["secret"]["etag"]:
                return self.send(409, error(409, "ABORTED", "etag does not match the current etag of the secret"))
            del state.secrets[secret_id]
            return self.send(200, {})
        if len(rest) == 1 and action is None and method == "PATCH":
            return self.patch(record, query, body)
        if len(rest) == 1 and action == "addVersion" and method == "POST":
            return self.add_version(secret_id, record, body)
        if len(rest) == 2 and rest[1] == "versions" and method == "GET":
            versions = [self.public(v) for v in reversed(record["versions"])]
            return self.send(200, {"versions": versions, "totalSize": len(versions)})
        if len(rest) == 3 and rest[1] == "versions":
            wanted = rest[2]
            if wanted == "latest":
                version = record["versions"][-1] if record["versions"] else None
            else:
                version = next((v for v in record["versions"] if v["number"] == wanted), None)
            if version is None:
                return self.send(404, error(404, "NOT_FOUND", "Secret Version [%s] not found." % self.name(secret_id, wanted)))
            if action is None and method == "GET":
                return self.send(200, self.public(version))
            if action == "access" and method == "GET":
                if version["state"] != "ENABLED":
                    return self.send(400, error(400, "FAILED_PRECONDITION", "Secret Version [%s] is in %s state." % (self.name(secret_id, version["number"]), version["state"])))
                return self.send(200, {"name": self.name(secret_id, version["number"]),
                                       "payload": {"data": version["data"], "dataCrc32c": str(version["crc"])}})
            if action in ("disable", "enable", "destroy") and method == "POST":
                if version["state"] == "DESTROYED":
                    return self.send(400, error(400, "FAILED_PRECONDITION", "Secret Version [%s] is in DESTROYED state." % self.name(secret_id, version["number"])))
                version["state"] = {"disable": "DISABLED", "enable": "ENABLED", "destroy": "DESTROYED"}[action]
                if action == "destroy":
                    version["data"] = None
                    version["destroyTime"] = now_rfc3339()
                return self.send(200, self.public(version))
        return self.send(400, error(400, "INVALID_ARGUMENT", "Invalid request for Secret Manager v1."))

    def public(self, version):
        result = {"name": version["name"], "createTime": version["createTime"], "state": version["state"],
                  "replicationStatus": {"automatic": {}}, "etag": '"%s"' % version["etag"]}
        if "destroyTime" in version:
            result["destroyTime"] = version["destroyTime"]
        return result

    def check_metadata(self, labels, annotations):
        if len(labels) > 64 or any(not LABEL_KEY.match(k) or not LABEL_VALUE.match(str(v)) for k, v in labels.items()):
            return "Labels must be at most 64, with keys matching [a-z][a-z0-9_-]{0,62} and values [a-z0-9_-]{0,63}."
        if any(not ANNOTATION_KEY.match(k) for k in annotations):
            return "Annotation keys must be 1-63 characters, begin and end with an alphanumeric character and contain only [a-zA-Z0-9_.-]."
        if sum(len(k.encode()) + len(str(v).encode()) for k, v in annotations.items()) > 16384:
            return "Annotations may not exceed 16 KiB in total."
        return None

    def create(self, query, body):
        secret_id = (query.get("secretId") or [""])[0]
        if not SECRET_ID.match(secret_id):
            return self.send(400, error(400, "INVALID_ARGUMENT", "Secret id [%s] must be 1-255 characters of letters, numbers, hyphens and underscores." % secret_id))
        request = json.loads(body or b"{}")
        if not request.get("replication"):
            return self.send(400, error(400, "INVALID_ARGUMENT", "Secret.replication is required."))
        labels, annotations = request.get("labels") or {}, request.get("annotations") or {}
        problem = self.check_metadata(labels, annotations)
        if problem:
            return self.send(400, error(400, "INVALID_ARGUMENT", problem))
        if secret_id in self.state.secrets:
            return self.send(409, error(409, "ALREADY_EXISTS", "Secret [%s] already exists." % self.name(secret_id)))
        secret = {"name": self.name(secret_id), "replication": request["replication"], "createTime": now_rfc3339(),
                  "labels": labels, "annotations": annotations, "etag": '"%s"' % secrets.token_hex(7)}
        self.state.secrets[secret_id] = {"secret": secret, "versions": []}
        return self.send(200, secret)

    def patch(self, record, query, body):
        request = json.loads(body or b"{}")
        mask = [field for field in (query.get("updateMask") or [""])[0].split(",") if field]
        if not mask:
            return self.send(400, error(400, "INVALID_ARGUMENT", "updateMask is required."))
        if request.get("etag") and request["etag"] != record["secret"]["etag"]:
            return self.send(409, error(409, "ABORTED", "etag does not match the current etag of the secret"))
        updated = dict(record["secret"])
        for field in mask:
            if field not in ("labels", "annotations"):
                return self.send(400, error(400, "INVALID_ARGUMENT", "updateMask field %s is not supported." % field))
            updated[field] = request.get(field) or {}
        problem = self.check_metadata(updated["labels"], updated["annotations"])
        if problem:
            return self.send(400, error(400, "INVALID_ARGUMENT", problem))
        updated["etag"] = '"%s"' % secrets.token_hex(7)
        record["secret"] = updated
        return self.send(200, updated)

    def add_version(self, secret_id, record, body):
        payload = (json.loads(body or b"{}").get("payload") or {})
        try:
            data = base64.b64decode(payload.get("data") or "", validate=True)
        except (binascii.Error, ValueError):
            return self.send(400, error(400, "INVALID_ARGUMENT", "Invalid value at 'payload.data': not base64."))
        if len(data) > 65536:
            return self.send(400, error(400, "INVALID_ARGUMENT", "Secret payload data length must be less than 65536 bytes."))
        if payload.get("dataCrc32c") is not None and int(payload["dataCrc32c"]) != crc32c(data):
            return self.send(400, error(400, "INVALID_ARGUMENT", "Checksum mismatch: the payload's data_crc32c does not match its data."))
        number = str(len(record["versions"]) + 1 if not record.get("counter") else record["counter"] + 1)
        record["counter"] = int(number)
        version = {"number": number, "name": self.name(secret_id, number), "createTime": now_rfc3339(), "state": "ENABLED",
                   "data": base64.b64encode(data).decode(), "crc": crc32c(data), "etag": secrets.token_hex(7)}
        record["versions"].append(version)
        return self.send(200, self.public(version))

    def list(self, query):
        size = int((query.get("pageSize") or ["25000"])[0])
        start = int((query.get("pageToken") or ["0"])[0])
        wanted = (query.get("filter") or [""])[0]
        items = [r["secret"] for _, r in sorted(self.state.secrets.items())]
        for term in wanted.split():
            match = re.match(r"^labels\.([a-z0-9_-]+)[=:](.*)$", term)
            if not match:
                return self.send(400, error(400, "INVALID_ARGUMENT", "Invalid filter: %s" % term))
            items = [s for s in items if s["labels"].get(match.group(1)) == match.group(2)]
        page = items[start:start + size]
        result = {"secrets": page, "totalSize": len(items)}
        if start + size < len(items):
            result["nextPageToken"] = str(start + size)
        return self.send(200, result)

    def token(self, body):
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self.send(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: %s" % form.get("grant_type")})
        try:
            self.state.verify(form.get("assertion", ""), self.base() + "/token")
        except ValueError as problem:
            return self.send(400, {"error": "invalid_grant", "error_description": str(problem)})
        token = "ya29." + secrets.token_urlsafe(32)
        self.state.issue_token(token, self.state.arguments.token_lifetime)
        return self.send(200, {"access_token": token, "expires_in": self.state.arguments.token_lifetime, "token_type": "Bearer"})


if __name__ == "__main__":
    arguments_parser = parser("GCP Secret Manager contract fake", issues_tokens=True)
    arguments_parser.add_argument("--project", required=True)
    arguments_parser.add_argument("--project-number", required=True)
    arguments_parser.add_argument("--client-email", required=True)
    arguments_parser.add_argument("--modulus", required=True)
    arguments_parser.add_argument("--exponent", required=True)
    serve(Handler, Project, arguments_parser)
