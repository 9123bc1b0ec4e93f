# SPDX-License-Identifier: GPL-2.0
# its-linux.sh - the Debian guest kernel finds and sets up the ITS that
# --irqchip gicv3-its gives it (its ITS driver's lines in dmesg, printed by
# guest-init's vmmtest=info) and powers off.
# modes: vhe
# timeout: 120
. /tests/lib.sh

# 2 vCPUs: the ITS sits below 2 redistributor frames, at 0x3ff90000
vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD -c 2 -m 256 --irqchip gicv3-its \
	--loglevel info -p "quiet vmmtest=info"
expect_output '^vmm: interrupt controller: GICv3 with an ITS$' "vmm's log"
expect_output '^guest-nproc: 2$' "the guest's CPU count"
expect_output '^guest-its: ITS \[mem 0x3ff90000-0x3ffaffff\]$' "the guest's ITS probe"
expect_output '^guest-its: ITS@0x0*3ff90000: allocated [0-9]+ Devices' \
	"the guest's ITS device table"
expect_output '^guest-its: ITS@0x0*3ff90000: allocated [0-9]+ Interrupt Collections' \
	"the guest's ITS collection table"
expect_status 0 "vmm after the guest's poweroff"
