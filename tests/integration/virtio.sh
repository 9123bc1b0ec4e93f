# SPDX-License-Identifier: GPL-2.0
# virtio.sh - virtio devices with a Linux guest: two disks (an ext4 image
# read-write as vda, a copy read-only as vdb) and virtio-rng, on virtio-mmio
# and on virtio-pci, through ioeventfd/irqfd on every hypervisor, and which
# transport is the default where; virtio-pci interrupts are MSI-X through
# the ITS on the kernel's KVM and INTx on vmm.ko, which has no ITS.  In vhe also: INTx on KVM, the MMIO-exit
# fallback (--debug-no-eventfd) on both transports, and virtio-console as
# the console (both userspace paths, the same on any hypervisor).
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 300
. /tests/lib.sh

load_host_modules

# boot_disks LABEL IRQ ARGS...: the guest's virtio action on fresh images;
# IRQ is how virtio0's interrupt must show in the guest's /proc/interrupts.
boot_disks() {
	label=$1
	irq=$2
	shift 2
	cp /guest/disk.img /tmp/vda.img
	cp /guest/disk.img /tmp/vdb.img
	sum_before=$(md5sum < /tmp/vdb.img)
	vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD -c 2 -m 256 \
		-p "quiet vmmtest=virtio" -d /tmp/vda.img -d /tmp/vdb.img,ro --rng "$@"
	expect_status 0 "vmm ($label)"
	expect_output '^guest-disks: vda vdb $' "the two disks, in order ($label)"
	expect_output '^guest-disk: vda 16384 sectors, ro=0, serial=vda.img$' "vda ($label)"
	expect_output '^guest-disk: vdb 16384 sectors, ro=1, serial=vdb.img$' "vdb ($label)"
	expect_output '^guest-mounted: /dev/vda$' "mounting vda as ext4 ($label)"
	expect_output "^guest-read: hello from the image's maker$" "the file the host wrote ($label)"
	expect_output '^guest-unmounted$' "unmounting vda ($label)"
	expect_output '^guest-vdb-write: refused$' "a write to the read-only disk ($label)"
	expect_output '^guest-hwrng-current: virtio_rng' "/dev/hwrng's source ($label)"
	grep -q '^guest-hwrng-bytes: [0-9a-f]\{64\}$' "$out" ||
		fail "no 32 bytes from /dev/hwrng ($label)"
	grep -q '^guest-hwrng-bytes: 0\{64\}$' "$out" &&
		fail "/dev/hwrng gave zeroes ($label)"
	expect_output "^guest-virtio-irq: $irq" "virtio0's interrupt ($label)"

	# After the VM: what the guest wrote is in the image, vdb is untouched.
	mount -o loop,ro /tmp/vda.img /mnt || fail "L1 cannot mount the image"
	got=$(cat /mnt/from-guest.txt 2>/dev/null)
	umount /mnt
	[ "$got" = "written by the guest" ] ||
		fail "the guest's file reads '$got' in L1 ($label)"
	[ "$(md5sum < /tmp/vdb.img)" = "$sum_before" ] ||
		fail "the read-only image changed ($label)"
	echo "disks, rng: ok ($label)"
}

# the interrupts as /proc/interrupts shows them, less the counts
MMIO_IRQ='GICv3 *[0-9]* Edge *virtio0$'
INTX_IRQ='GICv3 *[0-9]* Level *virtio0$'
MSIX_IRQ='ITS-MSI *[0-9]* Edge *virtio0-req.0$'

# the default transport is virtio-pci where the hypervisor has an ITS (the
# kernel's KVM on this GICv3 host), virtio-mmio on vmm.ko, which has none
if on_vmm_ko; then
	boot_disks "mmio (the default), ioeventfd, irqfd" "$MMIO_IRQ"
	boot_disks "pci, ioeventfd, INTx" "$INTX_IRQ" --virtio-transport pci
	expect_no_vm_left 5
	exit 0
fi
boot_disks "pci (the default), ioeventfd, MSI-X" "$MSIX_IRQ"
boot_disks "mmio, ioeventfd, irqfd" "$MMIO_IRQ" --virtio-transport mmio
[ "$TB_MODE" = vhe ] || exit 0
boot_disks "pci, ioeventfd, INTx" "$INTX_IRQ" --virtio-transport pci --irqchip gicv3
boot_disks "mmio, MMIO exits, KVM_IRQ_LINE" "$MMIO_IRQ" --virtio-transport mmio --debug-no-eventfd
boot_disks "pci, MMIO exits, KVM_SIGNAL_MSI" "$MSIX_IRQ" --virtio-transport pci --debug-no-eventfd

# virtio-console: the guest's shell on hvc0, typed input through a pipe.
rm -f /tmp/in && mkfifo /tmp/in
vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 -p quiet \
	--console virtio < /tmp/in > /tmp/hvc.out 2>&1 &
pid=$!
exec 3> /tmp/in
# hvc0 exists only once /init loaded virtio_console: init's own lines are
# lost, the shell (which opens the console again) is the first to speak
wait_for_output "Enter 'help'" /tmp/hvc.out 60
echo 'echo "hvc-$((6 * 7)) on $(cat /sys/class/tty/console/active)"; poweroff -f' >&3
wait $pid
status=$?
exec 3>&-
out=/tmp/hvc.out
tr -d '\r' < "$out"
expect_output 'hvc-42 on hvc0' "the guest's answer on hvc0"
expect_status 0 "vmm with --console virtio"
rm -f /tmp/vda.img /tmp/vdb.img
