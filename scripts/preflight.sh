#!/usr/bin/env bash
# Is this host ready to run scanwatch live on a NIC? Reports hugepages per
# NUMA node, the IOMMU, the NIC ports' driver binding, isolated cores and the
# CPU frequency governor, each with the command that fixes it. Uses DPDK's
# own dpdk-hugepages.py and dpdk-devbind.py (Debian's dpdk package).
# Usage: scripts/preflight.sh [PCI-ADDRESS...]   (the ports scanwatch will use)
# Exit 0 when nothing is missing, 1 otherwise; warnings do not fail.
set -uo pipefail

fails=0
say() {	# say ok|warn|fail WHAT STATE [FIX]
	printf '%-4s %-22s %s\n' "$1" "$2" "$3"
	[ -n "${4:-}" ] && printf '     %-22s fix: %s\n' "" "$4"
	[ "$1" = fail ] && fails=$((fails + 1))
	return 0
}

# hugepages, per NUMA node and page size
total=0
for node in /sys/devices/system/node/node[0-9]*; do
	[ -d "$node" ] || continue
	n=${node##*node}
	for hp in "$node"/hugepages/hugepages-*; do
		[ -d "$hp" ] || continue
		size=${hp##*hugepages-}
		nr=$(cat "$hp/nr_hugepages")
		free=$(cat "$hp/free_hugepages")
		total=$((total + nr))
		[ "$nr" -gt 0 ] && say ok "hugepages node $n" "$nr x $size reserved, $free free"
	done
done
if [ "$total" -eq 0 ]; then
	say fail "hugepages" "none reserved (scanwatch would run on 4 KiB pages: slower)" \
	    "dpdk-hugepages.py -p 2M --setup 2G   (or hugepages=1024 on the kernel command line)"
fi
if ! grep -qs hugetlbfs /proc/mounts; then
	say warn "hugetlbfs" "not mounted" "mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages"
fi

# IOMMU (vfio-pci wants it; iommu=pt keeps the host's own DMA fast)
if [ -n "$(ls -A /sys/class/iommu 2>/dev/null)" ]; then
	say ok "iommu" "enabled ($(ls /sys/class/iommu | head -1))"
else
	say warn "iommu" "no IOMMU groups (vfio-pci needs one, or enable_unsafe_noiommu_mode)" \
	    "add intel_iommu=on iommu=pt (AMD: amd_iommu=on) to GRUB_CMDLINE_LINUX, update-grub, reboot"
fi
if grep -qs '^vfio_pci ' /proc/modules || [ -d /sys/bus/pci/drivers/vfio-pci ]; then
	say ok "vfio-pci" "loaded"
else
	say warn "vfio-pci" "module not loaded" "modprobe vfio-pci"
fi

# the ports scanwatch will use: bound to vfio-pci?
devbind=$(command -v dpdk-devbind.py || true)
for pci in "$@"; do
	drv=$(basename "$(readlink -f "/sys/bus/pci/devices/$pci/driver" 2>/dev/null)" 2>/dev/null)
	if [ ! -e "/sys/bus/pci/devices/$pci" ]; then
		say fail "port $pci" "no such PCI device" "${devbind:-dpdk-devbind.py} --status-dev net"
	elif [ "$drv" = vfio-pci ]; then
		node=$(cat "/sys/bus/pci/devices/$pci/numa_node" 2>/dev/null)
		say ok "port $pci" "bound to vfio-pci (NUMA node ${node:-?})"
	else
		say fail "port $pci" "bound to ${drv:-no driver}, not vfio-pci" \
		    "ip link set <its interface> down; ${devbind:-dpdk-devbind.py} -b vfio-pci $pci"
	fi
done
if [ $# -eq 0 ]; then
	if [ -n "$devbind" ]; then
		n=$("$devbind" --status-dev net 2>/dev/null | grep -c "drv=vfio-pci" || true)
		say "$([ "$n" -gt 0 ] && echo ok || echo warn)" "DPDK ports" \
		    "$n network port(s) bound to vfio-pci" \
		    "$([ "$n" -gt 0 ] || echo "$devbind -b vfio-pci <PCI address>  (list: $devbind --status-dev net)")"
	else
		say warn "dpdk-devbind.py" "not installed" "apt-get install dpdk"
	fi
fi

# isolated cores for the workers
iso=$(cat /sys/devices/system/cpu/isolated 2>/dev/null)
if [ -n "$iso" ]; then
	say ok "isolated cores" "$iso"
else
	say warn "isolated cores" "none (workers share cores with the kernel and other tasks)" \
	    "isolcpus=1-4 nohz_full=1-4 rcu_nocbs=1-4 on the kernel command line (the worker lcores)"
fi

# CPU frequency governor
govs=$(cat /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor 2>/dev/null | sort | uniq -c |
       awk '{printf "%s%s x %s", (NR > 1 ? ", " : ""), $1, $2}')
if [ -z "$govs" ]; then
	say ok "cpu governor" "no cpufreq (a VM, or fixed frequency)"
elif echo "$govs" | grep -qv performance; then
	say warn "cpu governor" "$govs" "cpupower frequency-set -g performance"
else
	say ok "cpu governor" "$govs"
fi

[ "$fails" -eq 0 ] && echo "preflight: ready" || echo "preflight: $fails problem(s) above"
[ "$fails" -eq 0 ]
