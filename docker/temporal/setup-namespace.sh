#!/bin/sh
# One-shot (temporalio/admin-tools): waits until the Temporal frontend serves, creates the namespace
# when missing, and registers maft's custom search attributes, given as NAME=Type arguments (the
# names and types of core/search-attributes.ts). Safe on every `docker compose up`: the CLI accepts
# an attribute that exists with the same type and refuses one with a different type.
#   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (read by the temporal CLI); TEMPORAL_NAMESPACE_RETENTION
set -eu
: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}"

. "$(dirname "$0")/../wait-for.sh"
wait_for "Temporal at $TEMPORAL_ADDRESS" temporal operator cluster health

if temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $TEMPORAL_NAMESPACE exists"
else
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "${TEMPORAL_NAMESPACE_RETENTION:-30d}"
fi

# A new namespace takes a few seconds to reach every frontend's cache: retry, except on a type conflict.
register() {
  tries=0
  while ! output=$(temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "$1" --type "$2" 2>&1); do
    tries=$((tries + 1))
    case "$output" in *"different type"*) tries=30 ;; esac
    if [ "$tries" -ge 30 ]; then
      echo "search attribute $1 ($2): $output" >&2
      return 1
    fi
    sleep 2
  done
  echo "search attribute $1 ($2) registered"
}

for attribute in "$@"; do
  register "${attribute%%=*}" "${attribute#*=}"
done
