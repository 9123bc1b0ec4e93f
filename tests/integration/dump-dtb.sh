# SPDX-License-Identifier: GPL-2.0
# dump-dtb.sh - --dump-dtb writes a flattened device tree and exits 0
# without running the guest; --pmu adds the PMU where the hypervisor has one.
# modes: vhe
# timeout: 60
. /tests/lib.sh

vmm_run run -k $GUEST_KERNEL -c 4 --dump-dtb /tmp/guest.dtb
expect_status 0
magic=$(hexdump -n 4 -e '4/1 "%02x"' /tmp/guest.dtb)
[ "$magic" = d00dfeed ] || fail "the dumped DTB starts with $magic, not d00dfeed"
grep -q 'arm,gic-v3' /tmp/guest.dtb || fail "the DTB lacks a GICv3 node"
grep -q 'ns16550a' /tmp/guest.dtb || fail "the DTB lacks the 8250 UART"

vmm_run run -k $GUEST_KERNEL -c 2 --pmu --dump-dtb /tmp/pmu.dtb
expect_status 0
grep -q 'arm,armv8-pmuv3' /tmp/pmu.dtb || fail "--pmu: the DTB lacks the PMU node"
