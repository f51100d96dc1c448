# Sourced by the one-shot scripts of docker-compose.yml (mounted beside their folders in /opt/maft):
#   wait_for WHAT COMMAND [ARGS...]
# runs the command every 5 s until it succeeds (its output discarded; a shell function may keep what
# it needs in a variable), and gives up after 5 minutes with "WHAT is not serving after 5 minutes".
wait_for() {
  what="$1"
  shift
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "$what is not serving after 5 minutes" >&2
      exit 1
    fi
    sleep 5
  done
}
