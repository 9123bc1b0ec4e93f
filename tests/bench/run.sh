# SPDX-License-Identifier: GPL-2.0
# run.sh - inside the test bed's L1: run the bench payload on each backend
# this boot offers and print "@@@ BENCH <backend> <mode> <name> <value>".
# vmm.ko wherever EL2 is free (the -none modes), VHE or nVHE
[ -e /dev/kvm ] || insmod /vmm.ko 2>/dev/null
# the backends this boot offers, as "name device" lines
backends() {
	[ ! -c /dev/kvm ] || echo "kvm /dev/kvm"
	[ ! -c /dev/vmm ] || echo "vmm.ko /dev/vmm"
}
backends | while read -r backend dev; do
	vmm run --kvm-dev $dev -k /firmware/bench.img -c 2 -m 64 --testdev \
		< /dev/null > /tmp/bench.out 2>&1
	echo "@@@ BENCH-STATUS $backend $TB_MODE $?"
	tr -d '\r' < /tmp/bench.out | sed -n \
		"s/^bench: \([a-z_]*\) \([0-9.]*\) ns\/op.*/@@@ BENCH $backend $TB_MODE \1 \2/p"
done

# Boot cost on each backend: the Debian kernel and the test bed's
# initramfs, 1 vCPU, 256 MiB, quiet, from `vmm run` to the guest's
# poweroff, three times; the median of each part.  Under -icount shift=0 a
# nanosecond is an instruction of the emulated host.  vmm's debug line
# gives setup (hypervisor, RAM, loading, vCPUs, DTB), guest and teardown;
# the guest's /proc/uptime (10 ms steps) splits its time at /init.
median() { sort -n | sed -n 2p; }
backends | while read -r backend dev; do
	: > /tmp/boot.parts
	for i in 1 2 3; do
		vmm run --kvm-dev $dev -k /guest/Image -i /guest/initrd.cpio \
			-c 1 -m 256 -p "quiet vmmtest=boottime" --network mode=none \
			--loglevel debug < /dev/null > /tmp/boot.out 2>&1
		echo "@@@ BENCH-STATUS boot-$backend $TB_MODE $?"
		tr -d '\r' < /tmp/boot.out | awk '
		/^vmm: time in ns: / {
			gsub(",", ""); setup = $6; guest = $8; down = $10
		}
		/^guest-uptime-at-init: / { init = $2 * 1000000000 }
		END {
			if (setup == "" || init == "") exit 1
			printf "%d %d %d %d %d\n", setup + guest + down, setup,
				init, guest - init, down
		}' >> /tmp/boot.parts || tail -n 5 /tmp/boot.out
	done
	sed "s/^/@@@ BOOT-RUN $backend total setup kernel-to-init init-to-off teardown: /" /tmp/boot.parts
	n=1
	for part in boot_total boot_vmm_setup boot_kernel_to_init \
		    boot_init_to_poweroff boot_teardown; do
		v=$(cut -d' ' -f$n /tmp/boot.parts | median)
		[ -n "$v" ] && echo "@@@ BENCH $backend $TB_MODE $part $v"
		n=$((n + 1))
	done
done
