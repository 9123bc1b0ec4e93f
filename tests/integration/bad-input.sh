# SPDX-License-Identifier: GPL-2.0
# bad-input.sh - every bad input gets a one-line error naming the problem
# and a non-zero status: no crash, no hang.
# timeout: 60
. /tests/lib.sh

echo "this is not a kernel" > /tmp/notakernel
vmm_run run -k /tmp/notakernel
expect_error 'kernel /tmp/notakernel: not an arm64 Image'
expect_status 1

vmm_run run -k /nonexistent
expect_error 'kernel /nonexistent: No such file or directory'

vmm_run run -k /tmp
expect_error 'kernel /tmp: not a regular file'

vmm_run run -k $GUEST_KERNEL -m 64 -i $GUEST_KERNEL
expect_error "initrd $GUEST_KERNEL: .*do not fit in RAM"
expect_status 1

vmm_run run -k $GUEST_KERNEL -c 0
expect_error '--cpus 0: a guest needs at least 1 CPU'
expect_status 2

vmm_run run -k $GUEST_KERNEL -c 1000
expect_error '--cpus 1000: the hypervisor allows at most [0-9]+ vCPUs'

vmm_run run -k $GUEST_KERNEL -m 12Q
expect_error '--mem 12Q: expected a size'
expect_status 2

vmm_run run -k $GUEST_KERNEL --frobnicate
expect_error '--frobnicate: unknown option'
expect_status 2

vmm_run run -k $GUEST_KERNEL --kvm-dev /nonexistent
expect_error '/nonexistent: no such device'
expect_status 1

vmm_run run -k $GUEST_KERNEL --kvm-dev /dev/null
expect_error '/dev/null: not a KVM device'

vmm_run run -k $GUEST_KERNEL -d /tmp/disk.img
expect_error '--disk /tmp/disk.img: disk devices are not supported yet'

vmm_run run -k $GUEST_KERNEL --dump-dtb /nonexistent/dir/x.dtb
expect_error '--dump-dtb /nonexistent/dir/x.dtb: No such file or directory'

vmm_run frobnicate
expect_error "'frobnicate' is not a vmm command"
expect_status 2
echo "all bad inputs refused"

# QEMU's GICv3 has no GICv2 compatibility interface: a clear refusal.
vmm_run run -k $GUEST_KERNEL --irqchip gicv2
expect_error '--irqchip gicv2: the hypervisor cannot emulate a GICv2 on this host'
expect_status 1
