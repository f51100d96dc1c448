#!/bin/sh
# SeaweedFS (chrislusf/seaweedfs) as the compose stack's object store: one `weed server` with a master,
# a volume server, a filer and the S3 gateway on port 8333, its data in /data (volume seaweedfs-data).
# The one S3 identity is the key pair every maft service uses (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
# from .env), written to a config file here at start, so the secret is in no file of the repository.
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; SEAWEEDFS_HOST: the name the other services reach it by
#   [seaweedfs]; SEAWEEDFS_DIR [/data]; WEED: the binary [weed]
set -eu
: "${AWS_ACCESS_KEY_ID:?set AWS_ACCESS_KEY_ID in .env (see .env.example)}"
: "${AWS_SECRET_ACCESS_KEY:?set AWS_SECRET_ACCESS_KEY in .env (see .env.example)}"
case "$AWS_ACCESS_KEY_ID$AWS_SECRET_ACCESS_KEY" in
  *[\"\\]*) echo 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY may not contain " or \ (they are written into a JSON file)' >&2; exit 2 ;;
esac
dir="${SEAWEEDFS_DIR:-/data}"
config="$dir/s3-identities.json"
mkdir -p "$dir"
umask 077
printf '{"identities":[{"name":"maft","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
  "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$config"
# No Iceberg catalog nor Lance namespace (maft needs neither; they would take ports of their own), no telemetry.
exec "${WEED:-weed}" server -dir="$dir" -ip="${SEAWEEDFS_HOST:-seaweedfs}" -ip.bind=0.0.0.0 \
  -filer -s3 -s3.port=8333 -s3.config="$config" -s3.port.iceberg=0 -s3.port.lance=0 -master.telemetry=false
