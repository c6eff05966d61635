#!/usr/bin/env python3
"""bench-secrets.py FILE COUNT PROFILE [--api-key] [--first=N]: writes the COUNT Secrets
sN, sN+1, … (N = 0 unless given) the benchmarks apply, kept in vault profile PROFILE, one
YAML document each, to FILE.
basicAuth (username appN, password bench-password-N); with --api-key, apiKey
(content bench-key-N). Values are inline: the benchmarks measure tresor, not a resolver."""
import sys


def main():
    path, count, profile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    api_key = "--api-key" in sys.argv[4:]
    first = next((int(arg.split("=", 1)[1]) for arg in sys.argv[4:] if arg.startswith("--first=")), 0)
    with open(path, "w") as out:
        for i in range(first, first + count):
            kind = "apiKey" if api_key else "basicAuth"
            content = f'{{content: "bench-key-{i}"}}' if api_key else f'{{username: app{i}, password: "bench-password-{i}"}}'
            out.write(f"---\napiVersion: tresor.dev/v1alpha1\nkind: Secret\nmetadata: {{name: s{i}}}\nspec:\n  type: {kind}\n"
                      f"  vaultProfile: {profile}\n  allowInlineValues: true\n  content: {content}\n")


main()
