# SPDX-License-Identifier: GPL-2.0
# boot-linux.sh - the Debian arm64 kernel with a busybox initramfs boots to
# init on 4 vCPUs, sees them all and the PMU (--pmu), and its poweroff ends
# vmm with status 0.
# timeout: 150
. /tests/lib.sh

vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD -c 4 -m 512 --pmu -p "quiet vmmtest=info"
expect_output '^guest-nproc: 4$' "the guest's CPU count"
expect_output '^guest-cpus-online: 0-3$' "the guest's online CPUs"
expect_output '^guest-cmdline: console=ttyS0 earlycon panic=-1 quiet vmmtest=info$' \
	"the guest's command line"
expect_output '^guest-pmu: 1$' "the guest's PMU (--pmu)"
expect_status 0 "vmm after the guest's poweroff"

# The same kernel as Image.gz boots too (zlib in the loader).
gzip -c $GUEST_KERNEL > /tmp/Image.gz
vmm_run run -k /tmp/Image.gz -i $GUEST_INITRD -c 1 -m 256 -p "quiet vmmtest=poweroff"
expect_output '^guest-init: powering off$' "the Image.gz guest"
expect_status 0 "vmm after the Image.gz guest's poweroff"

# A truncated Image.gz is refused with the reason.
head -c 1000000 /tmp/Image.gz > /tmp/bad.gz
vmm_run run -k /tmp/bad.gz
expect_error 'kernel /tmp/bad.gz: corrupt or truncated gzip data'
