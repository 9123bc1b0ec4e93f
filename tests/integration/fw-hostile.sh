# SPDX-License-Identifier: GPL-2.0
# fw-hostile.sh - hostile guests on the kernel's KVM and on vmm.ko alike.
# The hostile payload: what a hostile or broken guest does reaches it as
# the architecture says.  The abuse payload (issue 17), on virtio-mmio and
# on virtio-pci: random system registers, HVC and SMC calls and PSCI with
# hostile arguments, then every device it finds abused (the 8250, the
# test device, the PL061, the GIC, and virtio blk, rng, 9p and net:
# registers at every width, bad queues, broken descriptor chains,
# notifications before setup, resets in flight, config writes; PCI's
# configuration space and BARs), each device still answering after.  The
# vmm must survive each run, the host stay healthy (the test bed checks
# dmesg for errors after every test; on vmm.ko nothing of the module's
# but its rate-limited line for an exit it made an UNDEF may appear) and
# vmm.ko hold nothing after.  Each abuse run prints its seed:
# -p abuse.seed=N repeats it.
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 300
. /tests/lib.sh

load_host_modules	# tun, for the NIC's tap

args="-c 1 -m 64"
use_vmm_ko
dmesg_lines=$(dmesg | wc -l)
run_payload hostile 23 $args

dir=/tmp/abuse
rm -rf $dir
mkdir -p $dir/share || fail "cannot make $dir"
dd if=/dev/zero of=$dir/disk.img bs=1024 count=1024 2> /dev/null || fail "cannot make the disk image"
devices="--testdev --rng -d $dir/disk.img --9p $dir/share,abuse -n mode=tap,tapif=abuse0"
for transport in mmio pci; do
	# a hung vmm says where its vCPU was (--timeout: exit 124)
	run_payload abuse 55 $args $devices --virtio-transport $transport --timeout 120
	for dev in blk rng 9p net; do
		expect_output "^# abuse: virtio-(mmio@[0-9a-f]+|pci 00:[0-9a-f]{2}\.0) $dev \(device ID [0-9]+\)$" \
			"virtio-$dev found on $transport"
	done
	case $transport in
	mmio) expect_output '^# abuse: 4 virtio-mmio devices$' "the virtio-mmio devices" ;;
	pci) expect_output '^# abuse: 4 PCI functions$' "the PCI functions" ;;
	esac
	expect_output '^ok [0-9]+ - abuse: calls: ' "the HVC and SMC calls ($transport)"
	expect_output '^ok [0-9]+ - abuse: 8250: ' "the 8250 ($transport)"
	expect_output '^ok [0-9]+ - abuse: testdev: .* random accesses' "the test device ($transport)"
done
rm -rf $dir

# what the host logged meanwhile, for the record
dmesg | sed "1,${dmesg_lines}d" | sed 's/^/dmesg: /'
if on_vmm_ko; then
	bad=$(dmesg | sed "1,${dmesg_lines}d" | grep 'vmm' |
		grep -v -e 'UNDEF to the guest$' -e 'callbacks suppressed')
	[ -z "$bad" ] || fail "vmm.ko logged: $(echo "$bad" | head -n 1)"
	expect_no_vm_left 5	# the VM is gone with the vmm
	kmod_unload
fi
