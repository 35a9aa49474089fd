# Sourced by the recording scripts (record-captures.sh, record-benign.sh,
# record-kinds.sh): removing the network namespaces they create, whatever
# still runs in them.

# Kill every process in namespace $1: TERM, then KILL what is left.
ns_kill_all() {
	local pids
	pids=$(ip netns pids "$1" 2>/dev/null || true)
	[ -n "$pids" ] && kill $pids 2>/dev/null || true
	sleep 0.3
	pids=$(ip netns pids "$1" 2>/dev/null || true)
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
	return 0
}

# Empty and delete each named namespace that exists.
ns_del_all() {
	local ns
	for ns in "$@"; do
		if ip netns list | grep -qw "$ns"; then
			ns_kill_all "$ns"
			ip netns del "$ns" 2>/dev/null || true
		fi
	done
}
