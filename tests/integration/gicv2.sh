# SPDX-License-Identifier: GPL-2.0
# gicv2.sh - on a host whose GIC is a GICv2, --irqchip auto falls back to
# an emulated GICv2, Linux boots on it, and its 8-CPU limit is enforced;
# an explicit gicv3 or gicv3-its is refused.
# modes: vhe-gicv2
# timeout: 120
. /tests/lib.sh

dmesg | grep -q 'GICv2' || echo "note: L1 dmesg does not name its GIC"
# loglevel=6: notices and worse only, so the banner shows each boot (this
# test failed 2 times in 27: guest-init's modules and busybox broke, and
# the guest's clock went back, as if the kernel had started over)
vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD -c 2 -m 256 --loglevel info \
	-p "loglevel=6 vmmtest=info"
expect_output 'vmm: interrupt controller: GICv2' "vmm's log"
[ "$(grep -c '^\[ *[0-9.]*\] Linux version' "$out")" = 1 ] ||
	fail "the guest kernel started $(grep -c '^\[ *[0-9.]*\] Linux version' "$out") times"
expect_output '^guest-nproc: 2$' "the guest's CPU count"
expect_status 0 "vmm after the guest's poweroff"

# KVM on a GICv2 host reports 8 as its vCPU limit, so that check speaks.
vmm_run run -k $GUEST_KERNEL -c 9
expect_error '--cpus 9: the hypervisor allows at most 8 vCPUs'

vmm_run run -k $GUEST_KERNEL --irqchip gicv3
expect_error '--irqchip gicv3: the hypervisor cannot emulate a GICv3 on this host'

vmm_run run -k $GUEST_KERNEL --irqchip gicv3-its
expect_error '--irqchip gicv3-its: the hypervisor cannot emulate a GICv3 ITS on this host$'
expect_status 1 "vmm asked for an ITS on a GICv2 host"
