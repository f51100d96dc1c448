#!/bin/sh
# One-shot (chrislusf/seaweedfs): waits until SeaweedFS's filer answers, then creates the bucket that
# MAFT_ARTIFACTS (s3://bucket/prefix) names unless it exists. Safe on every `docker compose up`.
#   MAFT_ARTIFACTS; SEAWEEDFS_HOST [seaweedfs]; WEED: the binary [weed]
set -eu
case "${MAFT_ARTIFACTS:-}" in
  s3://*) ;;
  *) echo "MAFT_ARTIFACTS must be s3://bucket/prefix for the compose stack, got '${MAFT_ARTIFACTS:-}'" >&2; exit 2 ;;
esac
rest="${MAFT_ARTIFACTS#s3://}"
bucket="${rest%%/*}"
host="${SEAWEEDFS_HOST:-seaweedfs}"
# A shell that cannot reach the master waits forever: give each command 20 s.
shell() { echo "$1" | timeout 20 "${WEED:-weed}" shell -master="$host:9333" -filer="$host:8888" 2>&1; }
# s3.bucket.list prints one bucket a line, its name first.
listed() { printf '%s\n' "$1" | awk -v b="$bucket" '$1 == b { found = 1 } END { exit !found }'; }

# The bucket list, once the filer answers it (kept in $buckets).
list_buckets() { buckets=$(shell s3.bucket.list) && ! echo "$buckets" | grep -qi "error\|connection refused"; }
. "$(dirname "$0")/../wait-for.sh"
wait_for "SeaweedFS at $host" list_buckets
if listed "$buckets"; then
  echo "bucket $bucket exists"
else
  output=$(shell "s3.bucket.create -name $bucket")
  echo "$output"
  listed "$(shell s3.bucket.list)" || { echo "could not create bucket $bucket: $output" >&2; exit 1; }
fi
